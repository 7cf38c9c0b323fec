"""The station's web forms for doing a visit (check-in, checklist, findings with photos,
sampling with seals, check-out with the business's signature or refusal, rectification and its
follow-up, peddlers) through the test client, as an inspector at a desk or a tablet uses them."""

import datetime
import io
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections import services
from inspections.models import Finding, Photo, RectificationOrder, SamplingRecord, Task, Visit
from tests.factories import PASSWORD

from .conftest import jpeg_bytes
from .test_visits import pdf_text, signature_png


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def upload(data, name):
    f = io.BytesIO(data)
    f.name = name
    return f


@pytest.fixture
def task(clerk, directory, inspector, inspector2, shops):
    return services.create_task(actor=clerk, business=shops[0], kind="ad_hoc",
                                due_on=timezone.localdate() + datetime.timedelta(days=7),
                                inspectors=[inspector, inspector2])


@pytest.fixture
def visit(task, inspector):
    return services.start_visit(actor=inspector, task=task)


def test_an_inspector_checks_in_from_a_task_and_a_resent_form_is_the_same_visit(client, inspector, task):
    login(client, inspector)
    url = reverse("inspections:task_visit_start", args=[task.pk])
    page = client.get(url)
    assert page.status_code == 200 and "现场检查签到" in page.content.decode()
    key = str(uuid.uuid4())
    payload = {"latitude": "41.4031", "longitude": "119.6431", "accuracy_m": "8", "client_uuid": key}
    first, again = client.post(url, payload), client.post(url, payload)
    visit = Visit.objects.get()
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == reverse("inspections:visit_detail", args=[visit.pk])
    assert set(visit.inspectors.all()) == set(task.inspectors.all()) and visit.distance_m < 30


def test_check_in_refuses_bad_positions_and_a_future_time_in_chinese(client, inspector, task):
    login(client, inspector)
    url = reverse("inspections:task_visit_start", args=[task.pk])
    future = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    for payload, message in (({"latitude": "91", "longitude": "119"}, "小于或等于"),
                             ({"latitude": "41.4"}, "纬度和经度须同时填写"),
                             ({"checked_in_at": future}, "时间不能晚于现在"),
                             ({"accuracy_m": "不知道"}, "整数")):
        response = client.post(url, payload)
        assert response.status_code == 422 and message in response.content.decode(), payload
    assert not Visit.objects.exists()


def test_an_ad_hoc_check_in_needs_a_partner_in_the_directory_and_no_conflict(client, chief, inspector, inspector3,
                                                                             directory, shops):
    services.declare_conflict(directory[inspector3.pk], actor=chief, business=shops[1], reason="亲属经营")
    login(client, inspector)
    url = reverse("inspections:visit_start")
    refused = client.post(url, {"business": shops[1].pk, "partners": [inspector3.pk]})
    assert refused.status_code == 422 and "应当回避" in refused.content.decode()
    done = client.post(url, {"business": shops[2].pk, "partners": [inspector3.pk]})
    assert done.status_code == 302
    assert set(Visit.objects.get().inspectors.all()) == {inspector, inspector3}


def test_a_peddler_at_a_fair_through_the_form(client, inspector, inspector2, directory):
    login(client, inspector)
    url = reverse("inspections:peddler_visit")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"region_code": "211322102", "peddler_location": "", "partners": [inspector2.pk]})
    assert bad.status_code == 422 and "这个字段是必填项" in bad.content.decode()
    response = client.post(url, {"region_code": "211322102", "peddler_location": "建平镇大集东口",
                                 "peddler_description": "男，约50岁，三轮车", "goods_sold": "散装玉米种子",
                                 "farmer_own_surplus": "on", "partners": [inspector2.pk]})
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.business is None and visit.farmer_own_surplus and visit.region_code == "211322102"
    page = client.get(response["Location"]).content.decode()
    assert "流动商贩" in page and "农民自繁自用剩余常规种子" in page


def test_the_checklist_form_records_answers_and_a_no_becomes_a_finding(client, inspector, visit):
    login(client, inspector)
    url = reverse("inspections:visit_checklist", args=[visit.pk])
    page = client.get(url).content.decode()
    assert "台账" in page
    empty = client.post(url, {})
    assert empty.status_code == 422 and "请至少填写一个检查项目" in empty.content.decode()
    bad = client.post(url, {"answer_label_complete": "maybe"})
    assert bad.status_code == 422 and not visit.answers.exists()
    response = client.post(url, {"answer_label_complete": "no", "note_label_complete": "无检疫证明编号",
                                 "answer_ledger_complete": "yes"})
    assert response.status_code == 302
    assert visit.answers.count() == 2
    assert Finding.objects.get(visit=visit).description == "无检疫证明编号"


def test_a_finding_with_two_photos_through_the_form(client, inspector, visit):
    login(client, inspector)
    url = reverse("inspections:finding_create", args=[visit.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"finding_type": "label_incomplete", "description": "标签缺少生产日期",
                                 "photos": [upload(jpeg_bytes(), "a.jpg"), upload(jpeg_bytes(orientation=6), "b.jpg")]})
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert finding.photos.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "标签缺少生产日期" in page and Photo.objects.first().thumbnail.url in page
    not_a_photo = client.post(url, {"finding_type": "label_incomplete", "description": "x",
                                    "photos": [upload(b"GIF89a not really", "c.jpg")]})
    assert not_a_photo.status_code == 422 and "无法识别的照片文件" in not_a_photo.content.decode()
    assert Finding.objects.count() == 1  # the refused finding left nothing behind


def sampling_payload(**extra):
    return {"crop": "", "variety_name": "郑单958", "lot_number": "20260301A", "producer_name": "河南秋乐种业",
            "germination": "85", "purity": "96", "lot_size_kg": "1200", "packages": "480",
            "test_seals": "JP0101", "backup_seals": "JP0102，JP0103", "backup_kept_at": "县种子站样品室",
            "business_signer": "王丰收", **extra}


def test_sampling_through_the_form_issues_the_form_with_its_seals(client, inspector, visit, crops):
    login(client, inspector)
    url = reverse("inspections:sampling_create", args=[visit.pk])
    assert client.get(url).status_code == 200
    key = str(uuid.uuid4())
    payload = sampling_payload(crop=crops["maize"].pk, client_uuid=key,
                               business_signature=upload(signature_png(), "sign.png"))
    response = client.post(url, payload)
    assert response.status_code == 302
    record = SamplingRecord.objects.get()
    assert record.business_signature and record.label == {"germination": "85", "purity": "96"}
    assert record.samples.get(role="backup").seal_numbers == ["JP0102", "JP0103"]
    text = pdf_text(record.document)
    assert "JP0101" in text and "JP0103" in text and record.document.serial in text
    # The same form posted again (a double click) is the same record, not a second one.
    again = client.post(url, sampling_payload(crop=crops["maize"].pk, client_uuid=key))
    assert again.status_code == 302 and SamplingRecord.objects.count() == 1


@pytest.mark.parametrize("change,message", [
    ({"test_seals": ""}, "这个字段是必填项"),
    ({"backup_seals": "JP0101"}, "封签编号不能相同"),
    ({"packages": "0"}, "大于或等于"),
    ({"lot_size_kg": "一吨"}, "输入一个数字"),
    ({"crop": ""}, "请选择作物"),
    ({"business_signer": ""}, "请被抽样单位签字，或记录其拒绝签字"),
])
def test_sampling_form_errors_are_in_chinese_and_write_nothing(client, inspector, visit, crops, change, message):
    login(client, inspector)
    url = reverse("inspections:sampling_create", args=[visit.pk])
    payload = {**sampling_payload(crop=crops["maize"].pk), **change}
    response = client.post(url, payload)
    assert response.status_code == 422 and message in response.content.decode()
    assert not SamplingRecord.objects.exists()


def test_a_bad_signature_image_is_refused_on_the_sampling_form(client, inspector, visit, crops):
    login(client, inspector)
    response = client.post(reverse("inspections:sampling_create", args=[visit.pk]),
                           sampling_payload(crop=crops["maize"].pk, business_signature=upload(b"%PDF-1.4", "s.png")))
    assert response.status_code == 422 and "签名图片无效" in response.content.decode()
    assert not SamplingRecord.objects.exists()


def test_check_out_with_a_refused_signature_and_a_rectification_order(client, inspector, visit):
    services.record_finding(visit, actor=inspector, finding_type="label_incomplete", description="标签不全")
    login(client, inspector)
    url = reverse("inspections:visit_close", args=[visit.pk])
    assert client.get(url).status_code == 200
    unsigned = client.post(url, {"outcome": "rectification"})
    assert unsigned.status_code == 422 and "请经营者签字确认，或记录其拒绝签字" in unsigned.content.decode()
    no_note = client.post(url, {"outcome": "rectification", "ack_refused": "on"})
    assert no_note.status_code == 422 and "须记录情况" in no_note.content.decode()
    assert Visit.objects.get().status == Visit.Status.OPEN
    response = client.post(url, {"outcome": "rectification", "ack_refused": "on", "ack_note": "店主拒绝签字",
                                 "rectification_items": "补全标签\n建立台账", "rectification_days": "10",
                                 "latitude": "41.4031", "longitude": "119.6431", "accuracy_m": "9"})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CLOSED and visit.ack_refused and visit.record_document
    order = RectificationOrder.objects.get()
    assert order.items == ["补全标签", "建立台账"] and order.days == 10
    assert Task.objects.filter(rectification=order, kind="follow_up").exists()
    page = client.get(response["Location"]).content.decode()
    assert "拒绝签字" in page and order.document.serial in page
    closed = client.post(url, {"outcome": "compliant", "ack_refused": "on", "ack_note": "x"})
    assert closed.status_code == 422 and "该次检查已结束" in closed.content.decode()
    # The follow-up: the rectification is concluded from the list.
    conclude = reverse("inspections:rectification_conclude", args=[order.pk])
    assert client.post(conclude, {"rectified": "maybe", "note": "x"}).status_code == 422
    assert client.post(conclude, {"rectified": "yes", "note": "已补全标签"}).status_code == 302
    order.refresh_from_db()
    assert order.status == RectificationOrder.Status.RECTIFIED
    again = client.post(conclude, {"rectified": "no", "note": "再次"})
    assert again.status_code == 422 and "整改通知已办结" in again.content.decode()


def test_check_out_with_the_business_signature_image(client, inspector, visit):
    login(client, inspector)
    response = client.post(reverse("inspections:visit_close", args=[visit.pk]), {
        "outcome": "compliant", "ack_signature": upload(signature_png(), "sign.png")})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.ack_signature and visit.outcome == "compliant"


@pytest.mark.parametrize("persona", ["outsider", "outside_inspector"])
def test_another_countys_people_get_404_for_every_visit_form(client, request, persona, visit, crops):
    login(client, request.getfixturevalue(persona))
    order_visit = visit
    urls = [reverse("inspections:task_visit_start", args=[visit.task_id]),
            *(reverse(f"inspections:{name}", args=[order_visit.pk])
              for name in ("visit_checklist", "finding_create", "sampling_create", "visit_close"))]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, sampling_payload(crop=crops["maize"].pk, outcome="compliant")).status_code == 404, url
    assert visit.samplings.count() == 0 and Visit.objects.get().status == Visit.Status.OPEN


def test_another_countys_business_is_not_offered_or_accepted(client, outsider, inspector, directory, shops):
    from tests.licensing.conftest import make_business

    foreign = make_business(outsider, "朝阳县外县种子店", serial=77, region="211321102")
    login(client, inspector)
    response = client.post(reverse("inspections:visit_start"), {"business": foreign.pk})
    assert response.status_code == 422 and "选择一个有效的选项" in response.content.decode()
    assert foreign.name not in client.get(reverse("inspections:visit_start")).content.decode()
    assert not Visit.objects.exists()


def test_a_clerk_without_an_enforcement_id_cannot_do_visits(client, clerk, visit):
    login(client, clerk)
    assert client.get(reverse("inspections:visit_start")).status_code == 403
    assert client.get(reverse("inspections:visit_close", args=[visit.pk])).status_code == 403


# --- the inspectors' own signatures (their review of the on-site documents) ----------------------

def drawn(shade):
    """A signature image of its own (the PDF keeps one copy of identical images)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (300, 120), (shade, shade, shade)).save(out, "PNG")
    return out.getvalue()


def pdf_images(document):
    from pypdf import PdfReader

    with document.pdf.open("rb") as f:
        return sum(len(page.images) for page in PdfReader(io.BytesIO(f.read())).pages)


def test_both_samplers_sign_the_sampling_form_and_the_pdf_shows_it(client, inspector, inspector2, visit, crops):
    from inspections.models import InspectorSignature

    login(client, inspector)
    url = reverse("inspections:sampling_create", args=[visit.pk])
    page = client.get(url).content.decode()
    assert "张执法签名" in page and "刘执法签名" in page
    assert client.post(url, sampling_payload(crop=crops["maize"].pk)).status_code == 302
    signed = client.post(url, sampling_payload(
        crop=crops["maize"].pk, test_seals="JP0201", backup_seals="JP0202",
        **{f"signature_{inspector.pk}": upload(drawn(10), "a.png"),
           f"signature_{inspector2.pk}": upload(drawn(90), "b.png")}))
    assert signed.status_code == 302
    unsigned_record, signed_record = SamplingRecord.objects.order_by("pk")
    assert {s.inspector for s in InspectorSignature.objects.filter(sampling=signed_record)} == {inspector, inspector2}
    # Each signature is an image (pypdf also lists its transparency mask as one).
    assert pdf_images(signed_record.document) >= pdf_images(unsigned_record.document) + 2


def test_inspectors_sign_the_visit_record_and_a_bad_image_writes_nothing(client, inspector, inspector2, visit):
    from inspections.models import InspectorSignature

    login(client, inspector)
    url = reverse("inspections:visit_close", args=[visit.pk])
    bad = client.post(url, {"outcome": "compliant", "ack_refused": "on", "ack_note": "拒签",
                            f"signature_{inspector2.pk}": upload(b"not an image", "b.png")})
    assert bad.status_code == 422 and "签名图片无效" in bad.content.decode()
    assert not InspectorSignature.objects.exists() and Visit.objects.get().status == Visit.Status.OPEN
    response = client.post(url, {"outcome": "compliant", "ack_refused": "on", "ack_note": "拒签",
                                 f"signature_{inspector.pk}": upload(drawn(10), "a.png"),
                                 f"signature_{inspector2.pk}": upload(drawn(90), "b.png")})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert InspectorSignature.objects.filter(visit=visit).count() == 2
    assert pdf_images(visit.record_document) >= 2


def test_only_the_visits_own_inspectors_may_sign(inspector, inspector3, visit):
    from seedreg.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        services.close_visit(visit, actor=inspector, outcome="compliant", ack_refused=True, ack_note="拒签",
                             inspector_signatures={inspector3: signature_png()})
    assert refused.value.code == "signer_not_inspector"
    visit.refresh_from_db()
    assert visit.status == Visit.Status.OPEN
