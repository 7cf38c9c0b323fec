from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from mobile_api.urls import api_urlpatterns, phone_urlpatterns
from portal.views import home
from seedreg.health.views import healthz

admin.site.site_header = "SeedReg 种子监管系统"
admin.site.site_title = "SeedReg"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("seedreg.accounts.urls")),
    # The language switch is exempt from CSRF: its only effect is a cookie naming the display
    # language, which a forged request could at worst flip, and the public pages that offer it
    # carry no per-visitor token, so that they set no cookie and can be cached whole.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("audit/", include("seedreg.audit.urls")),
    path("admin/", admin.site.urls),
    path("", include("seedreg.documents.urls")),
    path("notifications/", include("seedreg.notifications.urls")),
    path("licensing/", include("licensing.urls")),
    path("inspections/", include("inspections.urls")),
    path("labs/", include("labs.urls")),
    *api_urlpatterns,
    path("mobile/", include("mobile_api.urls")),
    path("m/", include(phone_urlpatterns)),
    path("", home, name="home"),
    path("", include("portal.urls")),
]

if settings.DEBUG:  # pragma: no cover - development convenience only
    pass

handler500 = "seedreg.errors.server_error"
