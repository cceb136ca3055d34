"""The address a request comes from, as far as this site can trust it: the one function
every rate limit and the admin login's lockout count by.

Each reverse proxy in front of the site appends the address it was reached from to
X-Forwarded-For, so behind TRUSTED_PROXY_COUNT proxies the visitor is that many entries
from the right; anything further left was written by the visitor and may be forged. With
no proxy the address is REMOTE_ADDR, and the header is ignored whatever it says."""

import ipaddress

from django.conf import settings

# A request whose address cannot be known: REMOTE_ADDR empty (gunicorn on a Unix socket
# with no proxy configured), or fewer X-Forwarded-For entries than proxies (the request
# did not come through them all). Such requests are answered and limited together, under
# one key that no real client can have: one shared allowance is safer than none.
NO_ADDRESS = "0.0.0.0"


def client_ip(request):
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        candidate = hops[-proxies] if len(hops) >= proxies else ""
    else:
        candidate = request.META.get("REMOTE_ADDR", "")
    try:
        address = ipaddress.ip_address(candidate.strip())
    except ValueError:
        return NO_ADDRESS
    # A dual-stack socket reports IPv4 visitors as ::ffff:a.b.c.d; limits mask IPv6 to
    # its /64, which would put every IPv4 visitor in one allowance.
    mapped = getattr(address, "ipv4_mapped", None)
    return str(mapped or address)
