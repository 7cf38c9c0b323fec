"""Stop-sale notices served on paper: every holder gets a printable notice (送达回证) with its
own serial and verification QR, and the station records that it was served (当面/邮寄/留置),
by whom, with the signed receipt's scan; the order's page shows, per holder, how they were
notified and whether they were served. Above all for holders without a portal account."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from licensing import services
from licensing.models import StopSaleHolder, StopSaleOrder
from seedreg.audit.testing import assert_audited
from seedreg.documents.models import IssuedDocument, ServiceRecord
from seedreg.documents.services import verification_url
from tests.documents.test_documents import pdf_text
from tests.helpers import qr_texts_of_first_page
from tests.licensing.conftest import days_ago
from tests.licensing.test_pages import login

pytestmark = pytest.mark.django_db

SCAN = b"%PDF-1.4\n% a scanned receipt\n"


@pytest.fixture
def order(clerk, chief, wholesaler, shop_b, wholesaler_dealer, lot, seed_producer):
    """The wholesaler (with a portal account) sold 120 kg in 6 bags to 黑水 (no account: the
    clerk keeps its ledger); then the lot is stopped."""
    services.record_purchase(actor=wholesaler_dealer, business=wholesaler, lot=lot, quantity_kg="500", packages=25,
                             occurred_on=days_ago(10), supplier_outside=seed_producer)
    sale = services.record_sale(actor=wholesaler_dealer, business=wholesaler, lot=lot, quantity_kg="120", packages=6,
                                occurred_on=days_ago(9), buyer_business=shop_b)
    services.confirm_transfer(actor=clerk, transfer=sale.transfer)
    services.record_loss(actor=clerk, business=shop_b, lot=lot, quantity_kg="20", packages=1, occurred_on=days_ago(8),
                         reason="受潮")
    draft = services.draft_stop_sale_order(actor=clerk, lot=lot, reason="经检验发芽率不合格",
                                           legal_basis="《中华人民共和国种子法》第四十八条")
    services.review_stop_sale_order(actor=chief, order=draft)
    return services.issue_stop_sale_order(actor=chief, order=draft)


def holder_of(order, business):
    return order.holders.get(business=business)


def test_the_order_page_shows_who_has_no_account_and_offers_the_notice(client, clerk, order, shop_b, wholesaler):
    login(client, clerk)
    page = client.get(reverse("licensing:stop_sale_detail", args=[order.pk])).content.decode()
    assert "无门户账号，须书面送达" in page and "门户通知和短信" in page
    assert reverse("licensing:stop_sale_notice", args=[holder_of(order, shop_b).pk]) in page
    assert page.count("未书面送达") == 2


def test_a_holder_without_an_account_is_served_on_paper(client, clerk, order, shop_b, lot, settings):
    holder = holder_of(order, shop_b)
    assert holder.service_record is None
    login(client, clerk)
    response = client.post(reverse("licensing:stop_sale_notice", args=[holder.pk]))
    holder.refresh_from_db()
    document = holder.notice_document
    assert response.status_code == 302 and response["Location"] == reverse("documents:pdf", args=[document.pk])
    assert document.serial.startswith("建种停送〔") and document.source == holder
    pdf = client.get(response["Location"])
    data = b"".join(pdf.streaming_content)
    text = pdf_text(data)
    for expected in ("停止销售通知送达回证", shop_b.name, order.serial, lot.lot_number, "签发时库存100千克（5袋）",
                     "现有库存100千克（5袋）", "受送达人签收", "签收日期", "送达人签名", document.serial):
        assert expected in text, expected
    assert qr_texts_of_first_page(data) == [verification_url(document)]
    # Printing again gives the same notice, not a new number.
    client.post(reverse("licensing:stop_sale_notice", args=[holder.pk]))
    assert IssuedDocument.objects.filter(doc_type="stop_sale_notice").count() == 1

    served_at = timezone.localtime()  # served right after printing (not before the notice was issued)
    with assert_audited("licensing.stopsaleholder.served", holder, actor=clerk):
        response = client.post(reverse("licensing:stop_sale_served", args=[holder.pk]), {
            "method": "left", "served_at": served_at.strftime("%Y-%m-%dT%H:%M"), "served_by": "王站员、李站员",
            "recipient_name": "见证人 张三", "notes": "店主拒签，留置于店内",
            "receipt_scan": SimpleUploadedFile("回证.pdf", SCAN, content_type="application/pdf")})
    assert response.status_code == 302
    holder.refresh_from_db()
    record = holder.paper_service
    assert (record.document, record.method, record.recipient_name, record.recorded_by) == (
        document, ServiceRecord.Method.LEFT, "见证人 张三", clerk)
    assert holder.served_by == "王站员、李站员" and "店主拒签" in record.notes
    page = client.get(reverse("licensing:stop_sale_detail", args=[order.pk])).content.decode()
    assert "已送达：留置送达" in page and "送达人 王站员、李站员" in page
    scan = client.get(reverse("licensing:stop_sale_receipt", args=[holder.pk]))
    assert b"".join(scan.streaming_content) == SCAN
    # Served once: a second record is refused, on the form.
    again = client.post(reverse("licensing:stop_sale_served", args=[holder.pk]), {
        "method": "post", "served_at": served_at.strftime("%Y-%m-%dT%H:%M"), "served_by": "王站员",
        "recipient_name": "张三"})
    assert again.status_code == 422 and "已登记" in again.content.decode()


def test_serving_needs_the_printed_notice_and_a_real_scan(clerk, order, shop_b):
    holder = holder_of(order, shop_b)
    fields = {"method": "in_person", "served_at": timezone.now(), "served_by": "王站员", "recipient_name": "赵店主"}
    with pytest.raises(Exception, match="请先打印送达回证"):
        services.record_stop_sale_served(actor=clerk, holder=holder, **fields)
    services.issue_stop_sale_notice(actor=clerk, holder=holder)
    fake = SimpleUploadedFile("回证.pdf", b"MZ\x90\x00 not a scan", content_type="application/pdf")
    with pytest.raises(Exception, match="PDF、JPG 或 PNG") as refused:
        services.record_stop_sale_served(actor=clerk, holder=holder, receipt_scan=fake, **fields)
    assert refused.value.status == 422
    with pytest.raises(Exception, match="送达时间不能晚于现在"):
        services.record_stop_sale_served(actor=clerk, holder=holder,
                                         **{**fields, "served_at": timezone.now() + datetime.timedelta(days=1)})
    holder.refresh_from_db()
    assert holder.paper_service is None and not holder.receipt_scan
    assert not ServiceRecord.objects.filter(document=holder.notice_document).exists()


def test_only_the_issuing_countys_staff_print_and_serve(client, order, shop_b, lab_tech, outsider, shop_dealer,
                                                        inspector):
    holder = holder_of(order, shop_b)
    notice = reverse("licensing:stop_sale_notice", args=[holder.pk])
    served = reverse("licensing:stop_sale_served", args=[holder.pk])
    for user, status in ((outsider, 404), (shop_dealer, 404), (lab_tech, 403)):
        login(client, user)
        assert client.post(notice).status_code == status
        assert client.get(served).status_code == status
    assert StopSaleHolder.objects.get(pk=holder.pk).notice_document is None
    login(client, inspector)  # inspectors serve notices on their rounds
    assert client.post(notice).status_code == 302


def test_a_lifted_order_prints_no_new_notices(clerk, chief, order, shop_b):
    services.lift_stop_sale_order(actor=chief, order=order, reason="复检合格")
    with pytest.raises(Exception, match="已解除"):
        services.issue_stop_sale_notice(actor=clerk, holder=holder_of(order, shop_b))
    assert StopSaleOrder.objects.get(pk=order.pk).lifted_at is not None
