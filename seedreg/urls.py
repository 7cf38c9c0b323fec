from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from portal.views import home
from seedreg.health.views import healthz

admin.site.site_header = "SeedReg 种子监管系统"
admin.site.site_title = "SeedReg"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("seedreg.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("audit/", include("seedreg.audit.urls")),
    path("admin/", admin.site.urls),
    path("", include("seedreg.documents.urls")),
    path("notifications/", include("seedreg.notifications.urls")),
    path("licensing/", include("licensing.urls")),
    path("", home, name="home"),
    path("", include("portal.urls")),
]

if settings.DEBUG:  # pragma: no cover - development convenience only
    pass

handler500 = "seedreg.errors.server_error"
