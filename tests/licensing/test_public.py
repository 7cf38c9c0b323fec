"""Public verification: search by name fragment, credit code or licence number; a licence page
as of the moment it is viewed; nothing personal anywhere; the certificate's QR opens it."""

import io
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from licensing import search as search_module
from licensing import services
from licensing.public import VERSION_KEY
from seedreg.regulated import service_context
from tests.conftest import login_browser
from tests.factories import PASSWORD
from tests.helpers import qr_texts_of_first_page

from .conftest import make_business

PERSONAL = ["王丰收", "13904211234", "建平镇农资市场", "1968", "13904219999", "黑水镇东街"]


def search(client, q):
    return client.get(reverse("portal:verify_search"), {"q": q})


def test_search_by_fragment_code_and_licence_number(client, licensed, shop, peddler):
    by_name = search(client, "丰禾种业").content.decode()
    assert licensed.business.name in by_name and licensed.number in by_name and "有效" in by_name
    by_code = search(client, licensed.business.credit_code.lower()).content.decode()
    assert licensed.number in by_code
    by_number = search(client, "B（辽朝）农种许字（2019）第0012号").content.decode()
    assert licensed.business.name in by_number
    assert shop.name not in by_number
    assert "至少两个字" in search(client, "丰").content.decode()


def test_a_name_is_found_past_the_first_postings_of_its_rarest_bigram(client, clerk, monkeypatch):
    # The search walks a window of the rarest bigram's postings first; here every business in
    # that window lacks the other bigram, so the answer must come from the full intersection.
    monkeypatch.setattr(search_module, "WINDOW", 2)
    for n in range(3):
        make_business(clerk, f"乙丙农资店{n}", serial=200 + n)
    for n in range(4):
        make_business(clerk, f"甲乙种子店{n}", serial=210 + n)
    target = make_business(clerk, "甲乙丙种业有限公司", serial=220)
    page = search(client, "甲乙丙").content.decode()
    assert target.name in page and "乙丙农资店" not in page and "甲乙种子店" not in page
    assert search_module.business_ids_for_name("甲乙丙") == [target.pk]
    assert len(search_module.business_ids_for_name("甲乙", limit=1)) == 4  # one bigram: no window


def test_no_personal_data_in_public_pages(client, licensed, shop, peddler):
    pages = [search(client, "门市部"), search(client, "张德福"), search(client, "丰禾"),
             client.get(reverse("portal:licence_public", args=[licensed.public_token]))]
    for response in pages:
        html = response.content.decode()
        for value in PERSONAL + [peddler.id_number]:
            assert value not in html


def test_search_costs_a_constant_number_of_queries(client, clerk, licensed):
    def count(q):
        cache.clear()  # measure the uncached path: what a first search costs
        with CaptureQueriesContext(connection) as ctx:
            assert search(client, q).status_code == 200
        return len(ctx)

    few = count("种业有限")
    for n in range(20):
        business = make_business(clerk, f"建平县第{n}种业有限公司", serial=100 + n, kind="producer")
        with service_context():
            services.issue_seed_licence(business, actor=clerk, number=f"C(辽朝建)农种许字(2020)第{n:04d}号",
                                        issued_on=licensed.issued_on, expires_on=licensed.expires_on,
                                        crops=list(licensed.crops.all()))
    assert count("种业有限") == few


def test_cached_search_answers_change_as_soon_as_the_directory_does(client, licensed, chief, shared_cache,
                                                                    django_assert_num_queries,
                                                                    django_capture_on_commit_callbacks):
    assert "有效" in search(client, "丰禾").content.decode()
    with django_assert_num_queries(0):  # served whole from the cache
        assert licensed.number in search(client, "丰禾").content.decode()
    assert '<div class="card result">' in search(client, "丰禾").content.decode()  # still HTML, not escaped
    with django_capture_on_commit_callbacks(execute=True):
        with service_context():
            services.change_licence_status(licensed, actor=chief, kind="revoked", reason="吊销")
    assert "已吊销" in search(client, "丰禾").content.decode()


def test_a_lost_directory_version_never_serves_an_old_answer(client, licensed, chief, shared_cache):
    assert "有效" in search(client, "丰禾").content.decode()
    with service_context():  # the test's transaction never commits: the version is not bumped
        services.change_licence_status(licensed, actor=chief, kind="revoked", reason="吊销")
    cache.delete(VERSION_KEY)  # evicted from a full cache, or the cache restarted
    assert "已吊销" in search(client, "丰禾").content.decode()


def test_page_shows_status_as_of_now(client, licensed, chief):
    url = reverse("portal:licence_public", args=[licensed.public_token])
    assert "有效" in client.get(url).content.decode()
    with service_context():
        services.change_licence_status(licensed, actor=chief, kind="revoked", reason="吊销")
    assert "已吊销" in client.get(url).content.decode()
    # Rotating the token revokes every printed QR: the old code stops working.
    with service_context():
        services.rotate_licence_token(licensed, actor=chief)
    assert client.get(url).status_code == 404


def test_public_pages_set_no_cookie_and_do_not_vary_by_it(client, licensed):
    # Nothing on these pages reads the session, the user or a CSRF token: what lets a whole
    # page be cached and served to anyone.
    pages = [client.get(reverse("portal:verify_search")), search(client, "丰禾"), search(client, "丰禾"),
             client.get(reverse("portal:licence_public", args=[licensed.public_token]))]
    for response in pages:
        assert response.status_code == 200
        assert not response.cookies
        assert "Cookie" not in response.get("Vary", "")
        assert "csrfmiddlewaretoken" not in response.content.decode()
        assert "no-store" in response["Cache-Control"]  # status as of now: browsers keep no copy


def test_the_language_switch_works_from_a_public_page(licensed):
    client = Client(enforce_csrf_checks=True)  # the public page has no token to send
    response = client.post(reverse("set_language"), {"language": "en", "next": "/verify/?q=丰禾"})
    assert response.status_code == 302 and unquote(response["Location"]) == "/verify/?q=丰禾"
    assert 'lang="en"' in search(client, "丰禾").content.decode()
    assert 'lang="zh-CN"' in search(Client(), "丰禾").content.decode()  # answers are cached per language


def test_the_public_verification_pages_in_english_show_english_text(client, licensed):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("portal:licence_public", args=[licensed.public_token])).content.decode()
    assert 'lang="en"' in page
    for text in ["Seed production and operation licence verification", "Licence holder", "Issuing authority",
                 "Valid", "Class B: hybrid seed of main crops", "(as of ", "Search other businesses"]:
        assert text in page
    for text in ["种子生产经营许可证核验", "持证主体", "发证机关", "有效期", "截至", "查询其他经营主体"]:
        assert text not in page
    found = search(client, "丰禾").content.decode()
    assert "Seed business licence search" in found and "Found 1 business." in found and "Valid until" in found
    assert "种子经营资质查询" not in found and "共找到" not in found
    assert "No business matches your search." in search(client, "没有这个名字").content.decode()


def test_search_is_rate_limited(client, licensed, shared_cache):
    statuses = [search(client, "丰禾").status_code for _ in range(32)]
    assert statuses[:30] == [200] * 30 and statuses[-1] == 429
    assert "查询过于频繁" in search(client, "丰禾").content.decode()


def test_certificate_qr_decodes_to_the_verification_url(client, clerk, licensed, settings):
    settings.SITE_URL = "https://seed.example.gov.cn"
    client.login(username=clerk.username, password=PASSWORD)
    response = client.get(reverse("portal:licence_certificate", args=[licensed.pk]), {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    decoded = qr_texts_of_first_page(response.content)
    assert decoded == [f"https://seed.example.gov.cn/v/{licensed.public_token}"]
    assert len(licensed.public_token) <= 16  # small enough for a QR scanned off a print
    # The URL is the page the public sees.
    assert client.get(decoded[0].replace("https://seed.example.gov.cn", "")).status_code == 200
    assert io.BytesIO(response.content).read(4) == b"%PDF"


@pytest.mark.browser
def test_public_search_in_a_browser(page, live_server, licensed, shop, peddler):
    page.goto(f"{live_server.url}/verify/")
    page.fill("#q", "丰禾")
    page.click("button[type=submit]")
    page.wait_for_selector(".result")
    assert "B(辽朝)农种许字(2019)第0012号" in page.inner_text(".result")
    page.click(f"text={licensed.number}")
    page.wait_for_selector("dl.props")
    body = page.inner_text("body")
    assert "种子生产经营许可证核验" in body and "有效" in body and "朝阳市农业农村局" in body
    for value in PERSONAL + [peddler.id_number]:
        assert value not in page.content()


@pytest.mark.browser
def test_dealer_portal_on_a_phone(phone_page, live_server, clerk, shop):
    with service_context():
        user, _ = services.create_dealer_user(shop, actor=clerk, phone="13900000055", full_name="王丰收",
                                              delivery="slip")
    user.set_password(PASSWORD)
    user.save()
    login_browser(phone_page, live_server, user.username)
    assert shop.name in phone_page.inner_text("h1")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360  # no sideways scrolling on a phone
