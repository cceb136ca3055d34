"""Rate limits for anonymous forms and the open-data endpoints (django-ratelimit, counted in
the shared cache), and the page a person sees when over one. `key="ip"` is the visitor's
address as client_address.client_ip finds it (settings.RATELIMIT_IP_META_KEY)."""

import re

from django_ratelimit.core import is_ratelimited

from django.shortcuts import render

from assets_register.core.emails import normalise_email

PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def over_form_limit(request, group, per_ip, per_email, email="", ip_methods="POST"):
    """Counts a form submission against its address's and its email's allowance (groups
    `<group>-ip` and `<group>-email`); True when either is used up."""
    by_ip = is_ratelimited(
        request, group=f"{group}-ip", key="ip", rate=per_ip, method=ip_methods, increment=True
    )
    address = normalise_email(email)
    by_email = bool(address) and is_ratelimited(
        request,
        group=f"{group}-email",
        key=lambda group, request: address,
        rate=per_email,
        method="POST",
        increment=True,
    )
    return by_ip or by_email


def retry_after(request, group, rate):
    """Seconds to wait when this address is over its rate, else None. Counts the request."""
    if not is_ratelimited(request, group=group, key="ip", rate=rate, increment=True):
        return None
    match = re.fullmatch(r"\d+/(\d*)([smhd])", rate)
    return (int(match[1] or 1) * PERIOD_SECONDS[match[2]]) if match else 60


def rate_limited(request, exception=None):
    """The 429 page; also django-ratelimit's RATELIMIT_VIEW."""
    return render(request, "assets_register/rate_limited.html", status=429)
