from django.conf import settings

from assets_register.core.licences import ATTRIBUTION_LINES


def site_context(request):
    return {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "attribution_lines": ATTRIBUTION_LINES,
    }
