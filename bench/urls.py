"""The site's URLs plus /bench/bare/, a minimal JSON view: the throughput ceiling."""

from django.http import JsonResponse
from django.urls import include, path


def bare(request):
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/bare/", bare), path("", include("urls"))]
