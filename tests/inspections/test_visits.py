"""Visits: check-in with geofence, checklist to findings, outcomes and on-site documents."""

import datetime
import io
import uuid

import pytest
from django.utils import timezone
from PIL import Image

from inspections import services
from inspections.models import CaseReferral, Finding, Photo, RectificationOrder, Task, Visit
from seedreg.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RuleViolation
from seedreg.workcalendar.deadlines import Rule, deadline

from .conftest import jpeg_bytes


def signature_png():
    out = io.BytesIO()
    Image.new("RGB", (300, 120), (255, 255, 255)).save(out, "PNG")
    return out.getvalue()


def pdf_text(document):
    from pypdf import PdfReader

    document.pdf.open("rb")
    try:
        reader = PdfReader(io.BytesIO(document.pdf.read()))
    finally:
        document.pdf.close()
    return "".join(p.extract_text() for p in reader.pages).replace(" ", "").replace("\n", "")


@pytest.fixture
def task(clerk, directory, inspector, inspector2, shops):
    return services.create_task(actor=clerk, business=shops[0], kind="ad_hoc",
                                due_on=timezone.localdate() + datetime.timedelta(days=7),
                                inspectors=[inspector, inspector2])


def test_check_in_near_the_shop_is_not_flagged_and_far_away_is(task, inspector, shops):
    near = services.start_visit(actor=inspector, task=task, latitude="41.4031", longitude="119.6431", accuracy_m=8)
    assert near.distance_m < 30 and not near.outside_geofence and near.geofence_radius_m == 300
    assert set(near.inspectors.all()) == set(task.inspectors.all())
    far = services.start_visit(actor=inspector, business=shops[0], latitude="41.4130", longitude="119.6430")
    assert 1000 < far.distance_m < 1200 and far.outside_geofence


def test_the_radius_is_a_county_setting(task, inspector, shops):
    from seedreg.regions.models import Station

    Station.objects.filter(region_id="211322").update(settings={"inspection_geofence_radius_m": 2000})
    visit = services.start_visit(actor=inspector, business=shops[0], latitude="41.4130", longitude="119.6430")
    assert not visit.outside_geofence and visit.geofence_radius_m == 2000


def test_a_resent_check_in_returns_the_same_visit(task, inspector):
    key = uuid.uuid4()
    first = services.start_visit(actor=inspector, task=task, client_uuid=key)
    again = services.start_visit(actor=inspector, task=task, client_uuid=key)
    assert first.pk == again.pk and Visit.objects.count() == 1


def test_a_peddler_at_a_rural_fair_is_recorded_without_a_directory_entry(directory, inspector, inspector2):
    visit = services.start_visit(actor=inspector, inspectors=[inspector2], region_code="211322103",
                                 peddler_location="黑水镇大集东口", peddler_description="男，约50岁，三轮车",
                                 goods_sold="散装玉米种子约20斤", farmer_own_surplus=True,
                                 latitude="41.35", longitude="119.70")
    assert visit.business is None and visit.farmer_own_surplus and visit.distance_m is None
    with pytest.raises(InvalidInput):
        services.start_visit(actor=inspector, peddler_location="大集", peddler_description="")
    with pytest.raises(NotFound):
        services.start_visit(actor=inspector, region_code="211321001", peddler_location="x", peddler_description="y")


def test_one_inspector_alone_cannot_close_a_visit(directory, inspector, inspector2, shops):
    visit = services.start_visit(actor=inspector, business=shops[1])
    with pytest.raises(RuleViolation) as exc:
        services.close_visit(visit, actor=inspector, outcome="compliant", ack_signature=signature_png())
    assert exc.value.code == "two_inspectors_required"
    services.join_visit(visit, actor=inspector, inspector=inspector2)
    services.close_visit(visit, actor=inspector, outcome="compliant", ack_signature=signature_png())
    visit.refresh_from_db()
    assert visit.status == "closed" and visit.ack_signature.name and visit.record_document.serial.startswith("建种查")


def test_a_conflicted_inspector_cannot_join_or_check_in_alone(chief, directory, inspector, inspector3, shops):
    services.declare_conflict(directory[inspector3.pk], actor=chief, business=shops[1], reason="亲属")
    visit = services.start_visit(actor=inspector, business=shops[1])
    with pytest.raises(RuleViolation):
        services.join_visit(visit, actor=inspector, inspector=inspector3)
    with pytest.raises(RuleViolation) as exc:
        services.start_visit(actor=inspector3, business=shops[1])
    assert exc.value.code == "inspector_conflict"


def test_checklist_failure_leads_to_a_rectification_order_and_a_follow_up_task(task, inspector, inspector2, shops):
    visit = services.start_visit(actor=inspector, task=task)
    services.answer_checklist(visit, actor=inspector, answers={
        "label_complete": ("no", "郑单958 标签无检疫证明编号"), "ledger_complete": "yes"})
    finding = Finding.objects.get(visit=visit)
    assert finding.finding_type.code == "label_incomplete" and "检疫证明" in finding.description
    services.add_finding_photo(finding, actor=inspector, data=jpeg_bytes(), name="label.jpg")
    with pytest.raises(RuleViolation):
        services.close_visit(visit, actor=inspector, outcome="compliant", ack_signature=signature_png())
    services.close_visit(visit, actor=inspector, outcome="rectification", rectification_days=15,
                         ack_refused=True, ack_note="负责人拒绝签字，两名执法人员在场见证")
    order = RectificationOrder.objects.get(visit=visit)
    assert order.items == ["郑单958 标签无检疫证明编号"]
    assert order.deadline_on == deadline(order.issued_on, 15, Rule.CIVIL_CODE_DAYS).due
    assert "民法典" in order.deadline_rule
    follow_up = Task.objects.get(kind=Task.Kind.FOLLOW_UP)
    assert follow_up.rectification == order and follow_up.due_on > order.deadline_on
    assert set(follow_up.inspectors.all()) == {inspector, inspector2}
    task.refresh_from_db()
    assert task.status == Task.Status.DONE
    text = pdf_text(order.document)
    assert "责令整改通知书" in text and "检疫证明编号" in text and order.document.serial in text
    assert "张执法" in text and "刘执法" in text
    assert "拒绝签字" in pdf_text(visit.record_document)
    services.conclude_rectification(order, actor=inspector, rectified=True, note="已补正标签")
    follow_up.refresh_from_db()
    assert follow_up.status == Task.Status.DONE


def test_refusal_is_recorded_as_a_finding(task, inspector):
    visit = services.start_visit(actor=inspector, task=task)
    with pytest.raises(InvalidInput):
        services.close_visit(visit, actor=inspector, outcome="refused", ack_refused=True, ack_note="拒签")
    services.close_visit(visit, actor=inspector, outcome="refused", refusal_account="店主锁门拒绝检查和抽样",
                         ack_refused=True, ack_note="拒签")
    assert visit.findings.get().finding_type.code == "refused_inspection"


def test_a_case_referral_suggests_articles_from_the_findings(task, inspector):
    visit = services.start_visit(actor=inspector, task=task)
    services.record_finding(visit, actor=inspector, finding_type="seed_past_guarantee", description="过期种子12袋",
                            photos=[("bags.jpg", jpeg_bytes())])
    services.record_finding(visit, actor=inspector, finding_type="ledger_incomplete", description="无台账")
    assert Photo.objects.filter(finding__visit=visit).count() == 1
    services.close_visit(visit, actor=inspector, outcome="case", case_summary="销售过期种子", ack_signature=signature_png())
    referral = CaseReferral.objects.get(visit=visit)
    assert referral.suggested_articles == ["种子法第75条", "种子法第79条"]
    assert "种子法第75条" in pdf_text(visit.record_document)


def test_offline_documents_take_numbers_from_the_reserved_block(task, inspector):
    block = services.reserve_onsite_numbers(actor=inspector, doc_type="visit_record", size=5)
    visit = services.start_visit(actor=inspector, task=task)
    with pytest.raises(InvalidInput):
        services.close_visit(visit, actor=inspector, outcome="compliant", ack_signature=signature_png(),
                             record_serial_number=block.last_number + 1)
    services.close_visit(visit, actor=inspector, outcome="compliant", ack_signature=signature_png(),
                         record_serial_number=block.first_number + 2)
    assert visit.record_document.number == block.first_number + 2


def test_a_closed_visit_cannot_be_changed(task, inspector):
    visit = services.start_visit(actor=inspector, task=task)
    services.close_visit(visit, actor=inspector, outcome="compliant", ack_signature=signature_png())
    with pytest.raises(Conflict):
        services.record_finding(visit, actor=inspector, finding_type="other", description="x")


def test_people_without_an_enforcement_id_or_from_elsewhere_cannot_visit(clerk, outside_inspector, shops, directory):
    with pytest.raises(PermissionDenied):
        services.start_visit(actor=clerk, business=shops[0])
    with pytest.raises(NotFound):
        services.start_visit(actor=outside_inspector, business=shops[0])


def test_the_rectification_deadline_names_its_rule(db):
    due, rule = services.rectification_deadline(datetime.date(2026, 4, 1), 15)
    assert due == deadline(datetime.date(2026, 4, 1), 15).due and "第二百零一条" in rule
    with pytest.raises(InvalidInput):
        services.rectification_deadline(datetime.date(2026, 4, 1), 0)
