"""Subscribe, confirm, change and stop alerts. No account: the secret link in every email
is the key. Rate-limited per IP and per address; answers never reveal who is subscribed."""

from django_ratelimit.core import is_ratelimited

from django.conf import settings
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt

from .alert_emails import NOMINATOR_SALT
from .alert_forms import SubscribeForm, SubscriptionChoicesForm
from .alert_subscriptions import confirm
from .models import Area, Asset, Nomination, Subscription
from .nomination_views import rate_limited


def _over_limit(request, email=""):
    by_ip = is_ratelimited(request, group="alerts-ip", key="ip", rate=settings.ALERT_RATE_PER_IP,
                           method=["GET", "POST"], increment=True)
    by_email = bool(email) and is_ratelimited(
        request, group="alerts-email", key=lambda group, request: email.strip().lower(),
        rate=settings.ALERT_RATE_PER_EMAIL, method="POST", increment=True)
    return by_ip or by_email


def _scope_from_query(request):
    """The council, ward or asset a visitor came from, for the form's heading."""
    area = (Area.objects.filter(gss_code=request.GET.get("area", "")[:9]).current().first()
            if request.GET.get("area") else None)
    asset = None
    asset_id = request.GET.get("asset", "")
    if asset_id.isdecimal() and len(asset_id) < 19:  # what int() reads and a bigint holds
        asset = Asset.objects.live().filter(pk=asset_id).first()
    return area, asset


def subscribe(request):
    area, asset = _scope_from_query(request)
    initial = {"area": area.gss_code if area else "", "asset": asset.pk if asset else None,
               "postcode": request.GET.get("postcode", "")[:10]}
    form = SubscribeForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if _over_limit(request, request.POST.get("email", "")):
            return rate_limited(request, None)
        if form.is_valid():
            if not form.is_spam:
                from .alert_subscriptions import subscribe as store

                store(form.subscription())
            return render(request, "assets_register/alerts/check_email.html",
                          {"email": form.cleaned_data["email"]})
        area, asset = (form.cleaned_data.get("area") or area,
                       form.cleaned_data.get("asset") or asset)
    return render(request, "assets_register/alerts/subscribe.html",
                  {"form": form, "area": area, "asset": asset})


def confirm_subscription(request, token):
    if _over_limit(request):
        return rate_limited(request, None)
    subscription = confirm(token)
    return render(request, "assets_register/alerts/confirmed.html",
                  {"subscription": subscription}, status=200 if subscription else 400)


def manage(request, token):
    subscription = get_object_or_404(Subscription, token=token)
    form = SubscriptionChoicesForm(request.POST or None, instance=subscription)
    saved = request.method == "POST" and form.is_valid()
    if saved:
        form.save()
    return render(request, "assets_register/alerts/manage.html",
                  {"form": form, "subscription": subscription, "saved": saved})


@csrf_exempt  # RFC 8058: the mail client POSTs here with no page and no cookie
def unsubscribe(request, token):
    """GET asks (link checkers must not unsubscribe anyone); POST, one click, stops them."""
    subscription = Subscription.objects.filter(token=token).first()
    if request.method == "POST":
        if subscription:
            subscription.delete()
        return render(request, "assets_register/alerts/unsubscribed.html", {})
    return render(request, "assets_register/alerts/unsubscribe.html",
                  {"subscription": subscription}, status=200 if subscription else 404)


@csrf_exempt
def stop_reminders(request, token):
    """A nominating group's one-click stop for deadline reminders."""
    try:
        email = signing.loads(token, salt=NOMINATOR_SALT)
    except signing.BadSignature:
        return HttpResponse("This link is not valid.", status=400, content_type="text/plain")
    if request.method == "POST":
        Nomination.objects.filter(contact_email__iexact=email).update(send_reminders=False)
        return render(request, "assets_register/alerts/unsubscribed.html", {})
    return render(request, "assets_register/alerts/unsubscribe.html", {"nominator": True})
