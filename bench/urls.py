import functools

from django.http import HttpResponse, JsonResponse
from django.urls import include, path
from ninja import NinjaAPI


def trivial(request):
    """The bare ceiling: the whole middleware stack, no database, a two-byte response."""
    return HttpResponse("ok", content_type="text/plain")


@functools.cache
def _payload(size: int) -> dict:
    return {"data": "x" * max(0, size - 12)}


def ceiling(request, size):
    """The ceiling STYLE.md asks for: a bare view returning a JsonResponse of about ``size``
    bytes (the size of the page being measured), under the same settings and middleware."""
    return JsonResponse(_payload(size))


# The issue 7 ceiling: the same server's trivial ninja endpoint (no auth, no database).
ninja_api = NinjaAPI(urls_namespace="bench_ninja", docs_url=None, openapi_url=None)


@ninja_api.get("/trivial")
def ninja_trivial(request):
    return {"ok": True}


urlpatterns = [path("bench/trivial", trivial), path("bench/ceiling/<int:size>", ceiling),
               path("bench/ninja/", ninja_api.urls), path("", include("seedreg.urls"))]
