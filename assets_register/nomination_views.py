"""The public nomination form: anyone may nominate; nothing they write about themselves
is published. Rate-limited per IP address and per email address, with a honeypot."""

from django_ratelimit.core import is_ratelimited

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import acv_workflow
from .eligibility import Body, nomination_problems
from .models import Area, AreaKind, Asset, Nomination
from .nomination_forms import NominationForm
from .tasks import send_nomination_receipt


def rate_limited(request, exception):
    return render(request, "assets_register/rate_limited.html", status=429)


def _over_limit(request, email):
    by_ip = is_ratelimited(request, group="nominate-ip", key="ip",
                           rate=settings.NOMINATION_RATE_PER_IP, method="POST", increment=True)
    by_email = bool(email) and is_ratelimited(
        request, group="nominate-email", key=lambda group, request: email.lower(),
        rate=settings.NOMINATION_RATE_PER_EMAIL, method="POST", increment=True)
    return by_ip or by_email


def nominate(request, pk=None, gss_code=None):
    asset = get_object_or_404(Asset.objects.live(), pk=pk) if pk else None
    council = asset.council if asset else (
        Area.objects.filter(gss_code=gss_code, kind=AreaKind.COUNCIL).first())
    if council is None:
        raise Http404("This place is not in a council area we hold")
    initial = {"land_name": asset.name, "land_address": ", ".join(
        p for p in (asset.address, asset.postcode) if p)} if asset else {}
    form = NominationForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if _over_limit(request, request.POST.get("contact_email", "")):
            return rate_limited(request, None)
        if form.is_valid():
            if form.is_spam:  # say nothing a robot could learn from
                return render(request, "assets_register/nomination_received.html", {})
            nomination = form.save(commit=False)
            nomination.council, nomination.asset = council, asset
            nomination.received_on = timezone.localdate()
            acv_workflow.receive_nomination(nomination)
            send_nomination_receipt.enqueue(nomination.pk)
            return redirect("nomination_received", reference=nomination.reference)
    return render(request, "assets_register/nominate.html", {
        "form": form, "asset": asset, "council": council,
    })


def nomination_received(request, reference):
    nomination = get_object_or_404(Nomination, reference=reference)
    return render(request, "assets_register/nomination_received.html", {
        "reference": nomination.reference, "council": nomination.council,
        "decision_due": nomination.decision_due, "land_name": nomination.land_name,
    })


@require_GET
def eligibility(request):
    """Plain-English eligibility problems for the form to show as a person fills it in."""
    try:
        members = int(request.GET.get("members_on_roll") or 0)
    except ValueError:
        members = 0
    problems = nomination_problems(Body(
        request.GET.get("body_type") or "other",
        has_local_connection=bool(request.GET.get("local_connection", "").strip()),
        distributes_surplus=request.GET.get("distributes_surplus") in ("on", "true", "1"),
        members_on_roll=members,
    ))
    return JsonResponse({"eligible": not problems, "problems": problems})
