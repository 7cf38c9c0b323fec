import os
import shutil
import uuid

import pytest
from django.conf import settings

from seedreg.accounts.roles import Role
from tests.factories import CHAOYANG_CITY, CHAOYANG_COUNTY, JIANPING, build_geography, make_user


@pytest.fixture(autouse=True)
def _isolated_cache_and_media(settings, tmp_path):
    """Each test gets its own cache (throttles, lockouts) and media folder."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"test-{tmp_path.name}"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AXES_ENABLED = False
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A request made in English leaves English active in the thread (LocaleMiddleware activates
    it and nothing deactivates it): each test starts, and ends, in the site's language."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _test_redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL") or os.environ.get("CELERY_BROKER_URL", "")
    return url if url.startswith(("redis://", "rediss://")) else ""


@pytest.fixture(params=["locmem", "redis"])
def shared_cache(request, settings):
    """Runs a test on the tests' local-memory cache and again on Redis (production's cache, with
    its own code path in seedreg.lib.roundtrip) when a Redis server is configured: TEST_REDIS_URL
    or a redis:// CELERY_BROKER_URL. The test's keys carry a prefix of their own and are
    deleted afterwards; the database is never flushed (it may be the broker's)."""
    if request.param == "locmem":
        yield "locmem"
        return
    url = _test_redis_url()
    if not url:
        pytest.skip("no Redis configured (TEST_REDIS_URL or a redis:// CELERY_BROKER_URL)")
    import redis

    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                                   "KEY_PREFIX": prefix}}
    yield "redis"
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


@pytest.fixture
def geo(db):
    build_geography()


# --- personas -------------------------------------------------------------------------------
@pytest.fixture
def chief(geo):
    return make_user(Role.STATION_CHIEF, JIANPING, full_name="王站长", enforcement_id="辽农执211322901")


@pytest.fixture
def clerk(geo):
    return make_user(Role.STATION_CLERK, JIANPING, full_name="李科员")


@pytest.fixture
def inspector(geo):
    return make_user(Role.INSPECTOR, JIANPING, full_name="张执法", enforcement_id="辽农执211322911")


@pytest.fixture
def inspector2(geo):
    return make_user(Role.INSPECTOR, JIANPING, full_name="刘执法", enforcement_id="辽农执211322912")


@pytest.fixture
def lab_tech(geo):
    return make_user(Role.LAB_TECHNICIAN, JIANPING, full_name="陈检验")


@pytest.fixture
def lab_reviewer(geo):
    return make_user(Role.LAB_REVIEWER, JIANPING, full_name="周审核")


@pytest.fixture
def higher_lab(geo):
    return make_user(Role.HIGHER_LAB, CHAOYANG_CITY, full_name="孙市检")


@pytest.fixture
def supervisor(geo):
    return make_user(Role.SUPERVISOR, CHAOYANG_CITY, full_name="吴监督")


@pytest.fixture
def outsider(geo):
    """The chief of the neighbouring county (朝阳县): must never see 建平县's records."""
    return make_user(Role.STATION_CHIEF, CHAOYANG_COUNTY, full_name="郑外县", enforcement_id="辽农执211321901")


@pytest.fixture
def outside_inspector(geo):
    return make_user(Role.INSPECTOR, CHAOYANG_COUNTY, full_name="外县执法", enforcement_id="辽农执211321911")


# --- real components --------------------------------------------------------------------------
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _require_chromium():
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    message = (f"browser tests need Debian's chromium at {CHROMIUM}: apt-get install chromium "
               f"(make test installs it when run as root)")
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium driven by Playwright (no browser download)."""
    _require_chromium()
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


@pytest.fixture
def phone_page(browser):
    """A 360×740 touch phone (Android Chrome-like)."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN", timezone_id="Asia/Shanghai")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


def login_browser(page, live_server, username, password=None):
    from tests.factories import PASSWORD

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password or PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture
def celery_worker(transactional_db, settings, tmp_path):
    """A real Celery worker (in a thread of this process) on the configured broker: Redis or
    RabbitMQ when CELERY_BROKER_URL is set, else the filesystem transport in a temp folder."""
    from celery.contrib.testing.worker import start_worker

    from seedreg.celery import app

    if settings.CELERY_BROKER_URL.startswith("filesystem"):
        folder = tmp_path / "broker"
        folder.mkdir()
        control = tmp_path / "broker-control"
        control.mkdir()
        options = {"data_folder_in": str(folder), "data_folder_out": str(folder), "store_processed": False,
                   "control_folder": str(control)}
        app.conf.broker_transport_options = options
    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20, loglevel="WARNING"):
        yield app
    app.conf.broker_transport_options = settings.CELERY_BROKER_TRANSPORT_OPTIONS


def pytest_report_header(config):
    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"seedreg: database={db} broker={settings.CELERY_BROKER_URL.split('://')[0]}"
