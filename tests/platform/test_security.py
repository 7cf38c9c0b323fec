"""Security hardening: production headers and cookies, CSRF on every POST, uploads outside the
web root under generated names. (Login lock-outs: tests/platform/test_accounts.py; the public
search's rate limit: tests/licensing/test_public.py.)"""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve

from licensing.models import ImportJob
from tests.licensing.conftest import crops, varieties  # noqa: F401  (fixtures)
from tests.licensing.test_import import GOOD, fix_codes, upload, xlsx
from tests.platform.test_settings import GOOD as PRODUCTION_ENV
from tests.platform.test_settings import ROOT, manage
from tests.urlwalk import routes

PROBE = """
import json
from django.conf import settings
from django.test import Client
client = Client()
plain = client.get('/licensing/')
secure = client.get('/licensing/', secure=True)  # a login redirect: no template, no database
print(json.dumps({
    'plain': [plain.status_code, plain.get('Location', '')],
    'headers': dict(secure.headers),
    'cookies': {k: getattr(settings, k) for k in ['SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE',
        'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_NAME', 'CSRF_COOKIE_NAME', 'SECURE_HSTS_PRELOAD']},
}))
"""


def test_production_sends_https_only_headers_and_secure_cookies():
    result = manage("shell", "-c", PROBE, **{**PRODUCTION_ENV, "ALLOWED_HOSTS": "testserver", "LOG_LEVEL": "ERROR"})
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["plain"] == [301, "https://testserver/licensing/"]
    headers = probe["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert probe["cookies"] == {"SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True,
                                "SESSION_COOKIE_HTTPONLY": True, "SESSION_COOKIE_NAME": "__Host-sessionid",
                                "CSRF_COOKIE_NAME": "__Host-csrftoken", "SECURE_HSTS_PRELOAD": True}


def test_every_page_sends_the_content_security_policy(client):
    assert "object-src 'none'" in client.get("/verify/")["Content-Security-Policy"]


def _url(route):
    """The route with placeholder arguments: CSRF is checked before the view looks them up."""
    url = "/" + route.route
    for match in re.findall(r"<(?:\w+:)?\w+>", route.route):
        url = url.replace(match, "1" if match.startswith("<int:") else "x", 1)
    return url


@pytest.mark.django_db
@pytest.mark.parametrize("route", routes(), ids=lambda r: r.name or r.route)
def test_every_url_refuses_a_post_without_a_csrf_token(route, chief):
    client = Client(enforce_csrf_checks=True)
    client.force_login(chief)
    response = client.post(_url(route), {"anything": "1"})
    assert response.status_code == 403, f"{route.route} accepted a POST without a CSRF token"


def test_every_post_form_in_the_templates_carries_the_csrf_token():
    offenders = []
    for template in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        text = template.read_text()
        for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", text, flags=re.S | re.I):
            if "{% csrf_token %}" not in form:
                offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []


def test_uploads_live_outside_the_web_root_and_no_url_serves_them():
    media = Path(settings.MEDIA_ROOT).resolve()
    assert not media.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert not any(media.is_relative_to(Path(d).resolve()) for d in getattr(settings, "STATICFILES_DIRS", []))
    with pytest.raises(Resolver404):
        resolve(settings.MEDIA_URL + "imports/2026/01/x.xlsx")


@pytest.mark.usefixtures("varieties")
def test_an_upload_is_stored_under_a_generated_name(client, clerk):
    upload(client, clerk, xlsx(fix_codes([r[:] for r in GOOD])), name="../../etc/名录<script>.xlsx")
    job = ImportJob.objects.get()
    stored = job.source_file.name
    assert re.fullmatch(r"imports/\d{4}/\d{2}/[0-9a-f]{32}\.xlsx", stored), stored
    assert (Path(settings.MEDIA_ROOT) / stored).is_file()
    assert client.get("/media/" + stored).status_code == 404
