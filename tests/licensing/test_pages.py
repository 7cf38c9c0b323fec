"""The station's pages and the dealer portal through the test client: forms answer bad input
with a 422 and a message, and nobody sees what is not theirs."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from licensing import services
from licensing.models import Business, Filing
from seedreg.regulated import service_context
from tests.factories import PASSWORD

from .conftest import make_business


@pytest.fixture
def dealer(clerk, shop):
    with service_context():
        user, _password = services.create_dealer_user(shop, actor=clerk, phone="13900000009", full_name="王丰收",
                                                      delivery="slip")
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def paper_filing(clerk, shop, licensed, varieties):
    with service_context():
        filing = services.record_filing(shop, actor=clerk, filing_type="consignment",
                                        principal_business=licensed.business, principal_licence_number=licensed.number,
                                        sale_location=shop.address, filed_on=timezone.localdate(),
                                        event_on=timezone.localdate(), items=[(varieties["郑单958"], 10)])
    return filing


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def station_urls(shop, licensed, filing):
    return [
        ("get", reverse("licensing:business_detail", args=[shop.pk])),
        ("get", reverse("licensing:business_edit", args=[shop.pk])),
        ("get", reverse("licensing:licence_create", args=[shop.pk])),
        ("get", reverse("licensing:filing_create", args=[shop.pk])),
        ("get", reverse("licensing:document_check_create", args=[shop.pk])),
        ("get", reverse("licensing:dealer_account_create", args=[shop.pk])),
        ("get", reverse("licensing:business_licence_create", args=[shop.pk])),
        ("get", reverse("licensing:licence_detail", args=[licensed.pk])),
        ("get", reverse("licensing:licence_renew", args=[licensed.pk])),
        ("get", reverse("licensing:licence_status", args=[licensed.pk])),
        ("post", reverse("licensing:licence_rotate_token", args=[licensed.pk])),
        ("post", reverse("licensing:filing_receipt", args=[filing.pk])),
        ("get", reverse("portal:licence_certificate", args=[licensed.pk])),
    ]


def test_staff_of_the_county_open_every_page(client, clerk, shop, licensed, paper_filing):
    login(client, clerk)
    for method, url in station_urls(shop, licensed, paper_filing):
        response = getattr(client, method)(url)
        assert response.status_code in (200, 302), url
    for name in ("business_list", "variety_list", "outside_party_list", "import_create", "business_create"):
        assert client.get(reverse(f"licensing:{name}")).status_code == 200, name


@pytest.mark.parametrize("who", ["outsider", "dealer_of_other", "anonymous"])
def test_nobody_else_sees_the_county_records(client, who, outsider, clerk, shop, licensed, paper_filing):
    if who == "outsider":
        login(client, outsider)
    elif who == "dealer_of_other":
        other = make_business(clerk, "另一家门市部", serial=44)
        with service_context():
            user, _ = services.create_dealer_user(other, actor=clerk, phone="13900000044", full_name="李四",
                                                  delivery="slip")
        user.set_password(PASSWORD)
        user.save()
        login(client, user)
    for method, url in station_urls(shop, licensed, paper_filing):
        response = getattr(client, method)(url)
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
        else:
            assert response.status_code == 404, url
            assert shop.name not in response.content.decode()
    if who == "outsider":
        listing = client.get(reverse("licensing:business_list")).content.decode()
        assert shop.name not in listing
    assert Filing.objects.get().receipt is None


def test_business_form_rejects_bad_input_and_writes_nothing(client, clerk):
    login(client, clerk)
    response = client.post(reverse("licensing:business_create"), {
        "name": "某门市", "kind": "packaged_seller", "entity_type": "enterprise", "credit_code": "91350100M000100Y44",
        "region_code": "211322102", "coordinate_system": "wgs84"})
    assert response.status_code == 422
    assert "校验位错误" in response.content.decode()
    response = client.post(reverse("licensing:business_create"), {
        "name": "某门市", "kind": "packaged_seller", "entity_type": "enterprise", "credit_code": "91350100M000100Y43",
        "region_code": "211321001", "coordinate_system": "wgs84"})
    assert response.status_code == 422 and "本辖区" in response.content.decode()
    assert not Business.objects.exists()
    response = client.post(reverse("licensing:business_create"), {
        "name": "某门市", "kind": "packaged_seller", "entity_type": "enterprise", "credit_code": "91350100M000100Y43",
        "region_code": "211322102", "coordinate_system": "gcj02", "latitude": "41.4", "longitude": "119.6"})
    business = Business.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("licensing:business_detail",
                                                                            args=[business.pk])


def test_paper_filing_prints_its_receipt(client, clerk, shop, licensed, varieties):
    login(client, clerk)
    response = client.post(reverse("licensing:filing_create", args=[shop.pk]), {
        "filing_type": "consignment", "principal_business": licensed.business.pk,
        "principal_licence_number": licensed.number, "sale_location": shop.address,
        "event_on": timezone.localdate().isoformat(), "filed_on": timezone.localdate().isoformat(),
        "varieties": "郑单958:500\n东单6531", "on_paper": "on"})
    assert response.status_code == 302
    filing = Filing.objects.get()
    assert filing.on_paper and filing.receipt is not None and filing.items.count() == 2
    pdf = client.get(reverse("documents:pdf", args=[filing.receipt.pk]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    response = client.post(reverse("licensing:filing_create", args=[shop.pk]), {
        "filing_type": "consignment", "principal_business": licensed.business.pk,
        "principal_licence_number": licensed.number, "sale_location": shop.address,
        "event_on": timezone.localdate().isoformat(), "filed_on": timezone.localdate().isoformat(),
        "varieties": "没有这个品种"})
    assert response.status_code == 422 and "没有这个品种" in response.content.decode()
    assert Filing.objects.count() == 1


def test_dealer_account_slip_shows_the_password_once(client, clerk, shop):
    login(client, clerk)
    response = client.post(reverse("licensing:dealer_account_create", args=[shop.pk]),
                           {"phone": "13900000077", "full_name": "王丰收", "delivery": "slip"})
    assert response.status_code == 200
    password = response.context["password"]
    assert password in response.content.decode()
    client.logout()
    assert client.login(username="13900000077", password=password)
    assert client.get(reverse("home"))["Location"] == reverse("portal:dealer_home")
    response = client.post(reverse("licensing:dealer_account_create", args=[shop.pk]),
                           {"phone": "1390000", "full_name": "x", "delivery": "slip"})
    assert response.status_code == 404  # the dealer is not staff


def test_dealer_portal_shows_only_their_business(client, dealer, shop, licensed, paper_filing):
    login(client, dealer)
    page = client.get(reverse("portal:dealer_home")).content.decode()
    assert shop.name in page and "受托代销种子备案" in page
    assert licensed.number not in page.split("委托方")[0]  # not their licence, only named as principal
    assert client.get(reverse("portal:licence_certificate", args=[licensed.pk])).status_code == 404
    assert client.get(reverse("licensing:business_detail", args=[licensed.business.pk])).status_code == 404


def test_the_dealer_portal_in_english(client, dealer, shop, paper_filing):
    login(client, dealer)
    client.post(reverse("set_language"), {"language": "en", "next": "/dealer/"})
    page = client.get(reverse("portal:dealer_home")).content.decode()
    assert 'lang="en"' in page
    for text in ["Business details", "Unified social credit code", "Consignment sale filing", "Principal:",
                 "Reminders and notices", "My business", "Log out"]:
        assert text in page
    for text in ["经营主体信息", "受托代销种子备案", "委托方：", "提醒与通知", "退出"]:
        assert text not in page


def test_dealer_resets_password_with_sms_code(client, dealer, settings):
    from seedreg.notifications.models import OutgoingMessage

    response = client.post(reverse("portal:password_forgot"), {"step": "request", "phone": dealer.username})
    assert response.status_code == 200
    body = OutgoingMessage.objects.filter(channel="sms", recipient=dealer.username).latest("id").body
    code = "".join(ch for ch in body.split("验证码")[1][:6])
    bad = client.post(reverse("portal:password_forgot"), {"step": "reset", "phone": dealer.username, "code": "000000",
                                                          "new_password": "Another-long-pass-2026"})
    assert bad.status_code == 422 and "验证码" in bad.content.decode()
    ok = client.post(reverse("portal:password_forgot"), {"step": "reset", "phone": dealer.username, "code": code,
                                                         "new_password": "Another-long-pass-2026"})
    assert ok.status_code == 302
    assert client.login(username=dealer.username, password="Another-long-pass-2026")


def test_licence_status_form_needs_the_chief(client, clerk, chief, licensed):
    login(client, clerk)
    url = reverse("licensing:licence_status", args=[licensed.pk])
    data = {"kind": "revoked", "effective_on": datetime.date.today().isoformat(), "reason": "吊销"}
    assert client.post(url, data).status_code in (403, 422)
    login(client, chief)
    assert client.post(url, data).status_code == 302
    assert licensed.status_on() == "revoked"
