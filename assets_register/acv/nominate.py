"""The public nomination form: anyone may nominate; nothing they write about themselves
is published. Rate-limited per IP address and per email address, with a honeypot. A page
sent twice (a double click, or back and send again) makes one nomination and one receipt."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from assets_register.acv import lists as acv_lists
from assets_register.acv import workflow as acv_workflow
from assets_register.acv.forms import NominationForm, parse_submission_token
from assets_register.acv.tasks import send_nomination_receipt, tell_officers_of_nomination
from assets_register.core.ratelimits import over_form_limit, rate_limited
from assets_register.law.eligibility import Body, BodyType, nomination_problems, who_may_nominate
from assets_register.models import Area, AreaKind, Asset, Nomination, StatutoryRegime

SENT_KEY = "nominations_sent"  # in the session: the receipts this browser may see
MAX_REMEMBERED = 10


def nominate(request, pk=None, gss_code=None):
    asset = get_object_or_404(Asset.objects.live(), pk=pk) if pk else None
    council = asset.council if asset else Area.objects.by_code(gss_code, kinds=[AreaKind.COUNCIL])
    if council is None:
        raise Http404("This place is not in a council area we hold")
    initial = (
        {
            "land_name": asset.name,
            "land_address": ", ".join(p for p in (asset.address, asset.postcode) if p),
        }
        if asset
        else {}
    )
    regime = StatutoryRegime.objects.in_force_on(timezone.localdate())
    form = NominationForm(request.POST or None, initial=initial, regime=regime)
    if request.method == "POST":
        sent_before = _nomination_sent_with(request.POST.get("submission_token"))
        if sent_before is not None:
            return redirect("nomination_received", reference=sent_before.reference)
        if over_form_limit(
            request,
            "nominate",
            settings.NOMINATION_RATE_PER_IP,
            settings.NOMINATION_RATE_PER_EMAIL,
            request.POST.get("contact_email", ""),
        ):
            return rate_limited(request, None)
        if form.is_valid():
            if form.is_spam:  # say nothing a robot could learn from
                return render(request, "assets_register/nomination_received.html", {})
            nomination = form.save(commit=False)
            nomination.council, nomination.asset = council, asset
            nomination.received_on = timezone.localdate()
            nomination.submission_token = form.cleaned_data["submission_token"]
            nomination, received_now = _receive_once(nomination)
            if received_now:
                send_nomination_receipt.enqueue(nomination.pk)
                tell_officers_of_nomination.enqueue(nomination.pk)
            sent = request.session.get(SENT_KEY, [])[-(MAX_REMEMBERED - 1) :]
            if nomination.reference not in sent:
                request.session[SENT_KEY] = [*sent, nomination.reference]
            return redirect("nomination_received", reference=nomination.reference)
    return render(
        request,
        "assets_register/nominate.html",
        {
            "form": form,
            "asset": asset,
            "council": council,
            "right_to_buy": regime.rule("community_right_to_buy"),
            "who_may_nominate": who_may_nominate(),
        },
    )


def _nomination_sent_with(token):
    token = parse_submission_token(token)
    return Nomination.objects.filter(submission_token=token).first() if token else None


def _receive_once(nomination):
    """(the nomination, True), or (the first one, False) when another request carrying
    the same page saved it first: both can pass the check in the view at once, and then
    the unique token refuses the second (its validation, or the insert on PostgreSQL when
    the two overlap)."""
    try:
        with transaction.atomic():
            return acv_workflow.receive_nomination(nomination), True
    except (IntegrityError, ValidationError):
        first = _nomination_sent_with(nomination.submission_token)
        if first is None:
            raise
        return first, False


def nomination_received(request, reference):
    """The receipt, for the browser that sent the nomination; for anyone once it is public
    (references run in sequence, so anyone could otherwise read what is not published)."""
    nomination = get_object_or_404(
        Nomination.objects.select_related("council"), reference=reference
    )
    if reference not in request.session.get(SENT_KEY, []) and not acv_lists.is_published(
        nomination
    ):
        raise Http404("No such nomination")
    return render(
        request,
        "assets_register/nomination_received.html",
        {"nomination": nomination, "where": acv_lists.where_decided(nomination)},
    )


@require_GET
@vary_on_headers("Accept")
def eligibility(request):
    """Plain-English eligibility problems for the form to show as a person fills it in:
    JSON to the form's script, a page to a person who follows the address."""
    try:
        members = int(request.GET.get("members_on_roll") or 0)
    except ValueError:
        members = 0
    problems = nomination_problems(
        Body(
            request.GET.get("body_type") or "other",
            has_local_connection=bool(request.GET.get("local_connection", "").strip()),
            distributes_surplus=request.GET.get("distributes_surplus") in ("on", "true", "1"),
            members_on_roll=members,
        )
    )
    if request.get_preferred_type(["application/json", "text/html"]) == "text/html":
        return render(
            request,
            "assets_register/nomination_eligibility.html",
            {
                "problems": problems,
                "asked": bool(request.GET.get("body_type")),
                "body_type": BodyType(request.GET["body_type"]).label
                if request.GET.get("body_type") in BodyType.values
                else "",
                "who_may_nominate": who_may_nominate(),
            },
        )
    return JsonResponse({"eligible": not problems, "problems": problems})
