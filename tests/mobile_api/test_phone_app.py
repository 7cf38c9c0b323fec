"""The inspectors' phone app at /m/ in headless Chromium on a 360×740 touch screen, against the
live server through a relay the test switches off (tests/netproxy.py) to cut the signal."""

import datetime
import json

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils import timezone
from PIL import Image

from inspections import services as inspections
from tests.factories import PASSWORD
from tests.netproxy import SwitchableProxy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOP_POSITION = {"latitude": 41.4031, "longitude": 119.6431}  # ~10 m from 建平县第1种子门市部


# --- served by Django --------------------------------------------------------------------------
def test_the_shell_manifest_and_service_worker_need_no_session(client):
    shell = client.get("/m/")
    assert shell.status_code == 200
    assert "种子执法" in shell.content.decode()
    manifest = client.get("/m/manifest.webmanifest")
    data = json.loads(manifest.content)
    assert manifest["Content-Type"] == "application/manifest+json"
    assert data["scope"] == "/m/" and data["start_url"] == "/m/" and data["display"] == "standalone"
    assert {i["sizes"] for i in data["icons"]} == {"192x192", "512x512"}
    for icon in data["icons"]:
        path = finders.find(icon["src"].removeprefix(settings.STATIC_URL))
        assert Image.open(path).size == tuple(int(n) for n in icon["sizes"].split("x"))
    worker = client.get("/m/sw.js")
    assert worker["Content-Type"].startswith("text/javascript")
    body = worker.content.decode()
    assert "/static/phone/js/app.js" in body and '"/m/"' in body


# --- in the browser ---------------------------------------------------------------------------
@pytest.fixture
def proxy(live_server):
    host, port = live_server.url.removeprefix("http://").split(":")
    relay = SwitchableProxy(host, int(port))
    yield relay
    relay.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  geolocation={**SHOP_POSITION, "accuracy": 12}, permissions=["geolocation"])
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page
    context.close()


@pytest.fixture
def day(clerk, shops, directory, inspector, inspector2):
    today = timezone.localdate()
    return [inspections.create_task(actor=clerk, business=b, kind="ad_hoc", due_on=today + datetime.timedelta(days=10),
                                    planned_on=today, inspectors=[inspector, inspector2]) for b in shops[:3]]


def log_in(page, proxy, user):
    page.goto(f"{proxy.url}/m/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#route .task")
    # The service worker has stored the shell and controls the page.
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def test_the_service_worker_serves_the_app_shell_with_no_signal(phone, proxy, inspector, day):
    log_in(phone, proxy, inspector)
    proxy.go_offline()
    response = phone.reload()
    assert response.from_service_worker
    phone.wait_for_selector("#route .task")
    assert "建平县第1种子门市部" in phone.inner_text("#route")
    assert "上次同步" in phone.inner_text("main")
    # The page really had no network: the relay reset what the phone tried (the API refresh).
    phone.goto(f"{proxy.url}/m/#/outbox")
    phone.wait_for_selector("#sync-progress:has-text('无网络')")
    assert proxy.refused > 0
