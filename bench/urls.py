from django.http import HttpResponse
from django.urls import include, path


def trivial(request):
    """The ceiling: the whole middleware stack, no database, a tiny response."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial", trivial), path("", include("seedreg.urls"))]
