"""Pages other sites may frame. Every other page refuses framing (X-Frame-Options DENY and
CSP frame-ancestors 'none', against clickjacking); an embeddable page holds no form, no
session and no button that acts, so framing it is harmless."""

import functools

from csp.decorators import csp_replace

from django.views.decorators.clickjacking import xframe_options_exempt


def embeddable(view):
    """Lets any site frame the view's page. Put it outside any caching decorator: the
    exemption is marked on each response, a cached copy included."""
    return functools.wraps(view)(
        xframe_options_exempt(csp_replace({"frame-ancestors": ["*"]})(view))
    )
