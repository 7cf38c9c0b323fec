from django.http import JsonResponse
from django.urls import path, re_path
from django.utils.translation import gettext as _

from . import phone, views
from .api import api

app_name = "mobile"


def api_not_found(request, rest=""):
    """Unknown paths under the API answer in the API's error shape, not with an HTML page."""
    return JsonResponse({"code": "not_found", "message": _("未找到该记录，或您无权查看。"), "fields": {}}, status=404)


api_urlpatterns = [
    path("api/mobile/v1/", api.urls),
    re_path(r"^api/mobile/v1/(?P<rest>.*)$", api_not_found),
]

# The phone app at /m/ (its own namespace: the shell needs no session).
phone_urlpatterns = ([
    path("", phone.shell, name="shell"),
    path("sw.js", phone.service_worker, name="service_worker"),
    path("manifest.webmanifest", phone.manifest, name="manifest"),
], "phone")

urlpatterns = [
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
