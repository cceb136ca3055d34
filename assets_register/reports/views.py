"""Anyone can report news of a place or a missing place. Rate-limited per IP and per email,
with a honeypot; nothing is queued for moderators until the reporter confirms by email."""

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from assets_register.core.permissions import CouncilPermissionPolicy
from assets_register.core.ratelimits import over_form_limit, rate_limited
from assets_register.models import Asset, Report, ReportStatus
from assets_register.reports import moderation as reports
from assets_register.reports.forms import ReportForm


def report(request, pk=None):
    asset = get_object_or_404(Asset.objects.live(), pk=pk) if pk else None
    form = ReportForm(request.POST or None, request.FILES or None, asset=asset)
    if request.method == "POST":
        if over_form_limit(
            request,
            "report",
            settings.REPORT_RATE_PER_IP,
            settings.REPORT_RATE_PER_EMAIL,
            request.POST.get("email", ""),
        ):
            return rate_limited(request, None)
        if form.is_valid():
            if not form.is_spam:
                reports.submit(form.save(commit=False))
            return render(
                request,
                "assets_register/reports/check_email.html",
                {"email": form.cleaned_data["email"]},
            )
    return render(
        request,
        "assets_register/reports/report.html",
        {
            "form": form,
            "asset": asset,
            "tiles_url": settings.MAP_TILES_URL,
            "tiles_attribution": settings.MAP_TILES_ATTRIBUTION,
        },
    )


def confirm_report(request, token):
    found = reports.confirm(token)
    return render(
        request,
        "assets_register/reports/confirmed.html",
        {"report": found},
        status=200 if found else 404,
    )


def report_photo(request, pk):
    """A report's photo: public once accepted; before that, only to its moderators."""
    found = get_object_or_404(Report, pk=pk)
    if not found.photo:
        raise Http404
    if found.status != ReportStatus.ACCEPTED and not CouncilPermissionPolicy(
        Report
    ).user_has_permission_for_instance(request.user, "change", found):
        raise Http404
    return FileResponse(found.photo.open("rb"), content_type=_content_type(found.photo.name))


def _content_type(name):
    return {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}.get(
        name.rsplit(".", 1)[-1], "application/octet-stream"
    )
