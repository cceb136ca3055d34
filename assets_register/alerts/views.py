"""Subscribe, confirm, change and stop alerts. No account: the secret link in every email
is the key. Rate-limited per IP and per address; answers never reveal who is subscribed."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from assets_register.alerts import subscriptions
from assets_register.alerts.emails import LIST_MAX_AGE, LIST_SALT, NOMINATOR_SALT
from assets_register.alerts.forms import AlertsListForm, SubscribeForm, SubscriptionChoicesForm
from assets_register.alerts.tasks import send_alerts_list
from assets_register.core.ratelimits import over_form_limit, rate_limited
from assets_register.core.tokens import unsign
from assets_register.models import Area, Asset, Nomination, Subscription


def _over_limit(request, email=""):
    return over_form_limit(
        request,
        "alerts",
        settings.ALERT_RATE_PER_IP,
        settings.ALERT_RATE_PER_EMAIL,
        email,
        ip_methods=["GET", "POST"],
    )


def _scope_from_query(request):
    """The council, ward or asset a visitor came from, for the form's heading."""
    area = Area.objects.by_code(request.GET.get("area"))
    asset = None
    asset_id = request.GET.get("asset", "")
    if asset_id.isdecimal() and len(asset_id) < 19:  # what int() reads and a bigint holds
        asset = Asset.objects.live().filter(pk=asset_id).first()
    return area, asset


def subscribe(request):
    area, asset = _scope_from_query(request)
    initial = {
        "area": area.gss_code if area else "",
        "asset": asset.pk if asset else None,
        "postcode": request.GET.get("postcode", "")[:10],
    }
    form = SubscribeForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if _over_limit(request, request.POST.get("email", "")):
            return rate_limited(request, None)
        if form.is_valid():
            if not form.is_spam:
                subscriptions.subscribe(form.subscription())
            return render(
                request,
                "assets_register/alerts/check_email.html",
                {"email": form.cleaned_data["email"]},
            )
        area, asset = (
            form.cleaned_data.get("area") or area,
            form.cleaned_data.get("asset") or asset,
        )
    return render(
        request,
        "assets_register/alerts/subscribe.html",
        {"form": form, "area": area, "asset": asset},
    )


def confirm_subscription(request, token):
    if _over_limit(request):
        return rate_limited(request, None)
    subscription = subscriptions.confirm(token)
    return render(
        request,
        "assets_register/alerts/confirmed.html",
        {"subscription": subscription},
        status=200 if subscription else 400,
    )


def ask_for_list(request):
    """An address asks for the link to all its alerts; the answer never says whether it
    has any."""
    form = AlertsListForm(request.POST or None)
    if request.method == "POST":
        if _over_limit(request, request.POST.get("email", "")):
            return rate_limited(request, None)
        if form.is_valid():
            send_alerts_list.enqueue(form.cleaned_data["email"])
            return render(
                request,
                "assets_register/alerts/check_email.html",
                {"email": form.cleaned_data["email"], "for_list": True},
            )
    return render(request, "assets_register/alerts/ask_for_list.html", {"form": form})


def alerts_list(request, token):
    email = unsign(token, LIST_SALT, LIST_MAX_AGE)
    subscriptions = (
        Subscription.objects.filter(email__iexact=email)
        .select_related("area", "asset")
        .order_by("created_at")
        if email
        else []
    )
    return render(
        request,
        "assets_register/alerts/list.html",
        {"email": email, "subscriptions": subscriptions},
        status=200 if email else 400,
    )


def manage(request, token):
    subscription = Subscription.objects.filter(token=token).first()
    if subscription is None:  # stopped: say so, rather than 'page not found'
        return render(request, "assets_register/alerts/stopped.html", {}, status=410)
    form = SubscriptionChoicesForm(request.POST or None, instance=subscription)
    saved = request.method == "POST" and form.is_valid()
    if saved:
        form.save()
    return render(
        request,
        "assets_register/alerts/manage.html",
        {"form": form, "subscription": subscription, "saved": saved},
    )


@csrf_exempt  # RFC 8058: the mail client POSTs here with no page and no cookie
def unsubscribe(request, token):
    """GET asks (link checkers must not unsubscribe anyone); POST, one click, stops them."""
    subscription = Subscription.objects.filter(token=token).first()
    if request.method == "POST":
        if subscription:
            subscription.delete()
        return render(request, "assets_register/alerts/unsubscribed.html", {})
    return render(
        request,
        "assets_register/alerts/unsubscribe.html",
        {"subscription": subscription},
        status=200 if subscription else 404,
    )


@csrf_exempt
def stop_reminders(request, token):
    """A nominating group's one-click stop for deadline reminders."""
    email = unsign(token, NOMINATOR_SALT)
    if email is None:
        return HttpResponse("This link is not valid.", status=400, content_type="text/plain")
    if request.method == "POST":
        Nomination.objects.filter(contact_email__iexact=email).update(send_reminders=False)
        return render(request, "assets_register/alerts/unsubscribed.html", {})
    return render(request, "assets_register/alerts/unsubscribe.html", {"nominator": True})
