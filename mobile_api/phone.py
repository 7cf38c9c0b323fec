"""The inspectors' phone app at /m/: an installable offline web app that talks only to the mobile
API (/api/mobile/v1/). These views serve its shell, manifest and service worker; everything else
is static files (mobile_api/static/phone/) and the device's IndexedDB.

No session is needed: the device token lives on the phone. The service worker's cache name is
derived from the content of every shell file, so a deployment that changes any of them makes
phones fetch the new shell once, and never mixes old and new files."""

from __future__ import annotations

import hashlib
import json
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

APP_VERSION = "1"
# The app shell: what the service worker stores on install so the app opens with no signal.
SHELL_ASSETS = (
    "phone/style.css",
    "phone/js/app.js",
    "phone/js/db.js",
    "phone/js/download.js",
    "phone/js/api.js",
    "phone/js/geo.js",
    "phone/js/ui.js",
    "phone/js/media.js",
    "phone/js/outbox.js",
    "phone/js/visit.js",
    "phone/js/followup.js",
    "phone/js/sync.js",
    "phone/js/scan.js",
    "phone/icons/icon-192.png",
    "phone/icons/icon-512.png",
)
ENTRY = "phone/js/app.js"
ICON_SIZES = (192, 512)


@cache
def shell_version() -> str:
    """A digest of the shell's files and templates (computed once per process)."""
    digest = hashlib.sha256(APP_VERSION.encode())
    for name in SHELL_ASSETS:
        with open(finders.find(name), "rb") as fh:
            digest.update(fh.read())
    for name in ("phone/shell.html", "phone/sw.js"):
        digest.update(get_template(name).template.source.encode())
    return digest.hexdigest()[:12]


def shell_urls() -> list[str]:
    """The page and its assets. With hashed file names (ManifestStaticFilesStorage in
    production) the page loads hashed URLs while the JS modules import each other by plain
    relative names ("./db.js"), so both spellings are stored for the app to open offline."""
    urls = [reverse("phone:shell")]
    for name in SHELL_ASSETS:
        urls += dict.fromkeys([static(name), settings.STATIC_URL + name])
    return urls


@require_GET
@cache_control(no_cache=True)
def shell(request):
    """The single page of the app (every screen is drawn by app.js from IndexedDB)."""
    # Plain names: the modules import each other by relative plain names, and one URL per
    # module keeps a single instance of each (see shell_urls).
    modules = [settings.STATIC_URL + name for name in SHELL_ASSETS if name.endswith(".js")]
    return render(request, "phone/shell.html", {"version": shell_version(), "app_version": APP_VERSION,
                                                "modules": modules, "entry": settings.STATIC_URL + ENTRY})


@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    body = get_template("phone/sw.js").render({
        "version": shell_version(), "shell_urls": json.dumps(shell_urls()),
        "shell_url": json.dumps(reverse("phone:shell")),
        "api_prefix": json.dumps("/api/mobile/v1/"),
    })
    return HttpResponse(body, content_type="text/javascript; charset=utf-8")


@require_GET
def manifest(request):
    data = {
        "name": "种子执法", "short_name": "种子执法",
        "description": "县种子管理站执法人员离线检查",
        "lang": "zh-CN", "start_url": reverse("phone:shell"), "scope": reverse("phone:shell"),
        "display": "standalone", "orientation": "portrait",
        "background_color": "#ffffff", "theme_color": "#0b5d1e",
        "icons": [{"src": static(f"phone/icons/icon-{n}.png"), "sizes": f"{n}x{n}", "type": "image/png",
                   "purpose": "any maskable"} for n in ICON_SIZES],
    }
    return JsonResponse(data, content_type="application/manifest+json",
                        json_dumps_params={"ensure_ascii": False})
