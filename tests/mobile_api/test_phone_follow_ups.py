"""The phone app's follow-up screens in headless Chromium on a 360×740 touch screen, with the
signal cut at the network layer (tests/netproxy.py): a complaint follow-up with an evidence
photo, a rectification conclusion, and the business's signature drawn on the sampling record,
all recorded offline, kept across a reload, then synced once."""

import datetime

import pytest
from django.utils import timezone

from inspections import services as inspections
from inspections.models import ComplaintFollowUp, Photo, RectificationOrder, SamplingRecord, Task
from tests.mobile_api.test_phone_app import (  # noqa: F401  (fixtures)
    SYNC_TIMEOUT_MS,
    fill_sample,
    handset,
    jpeg,
    log_in,
    proxy,
    reference_data,
    sign,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def follow_ups(clerk, shops, directory, inspector, inspector2, reference_data):  # noqa: F811
    """Today: a complaint task at shop 1 and the re-inspection of shop 2's rectification order."""
    today = timezone.localdate()
    pair = [inspector, inspector2]
    complaint = inspections.record_complaint(actor=clerk, channel="hotline", business=shops[0], anonymous=True,
                                             description="买的玉米种子发芽率低，出苗不齐")
    complaint_task = inspections.spawn_complaint_task(complaint, actor=clerk, inspectors=pair,
                                                      due_on=today + datetime.timedelta(days=5))
    inspections.plan_task_day(complaint_task, actor=clerk, day=today)
    task = inspections.create_task(actor=clerk, business=shops[1], kind="ad_hoc", due_on=today, inspectors=pair)
    visit = inspections.start_visit(actor=inspector, task=task)
    inspections.answer_checklist(visit, actor=inspector, answers={"label_complete": ("no", "标签无检疫证明编号")})
    inspections.close_visit(visit, actor=inspector, outcome="rectification", rectification_days=10,
                            ack_refused=True, ack_note="店员拒签")
    order = RectificationOrder.objects.get(visit=visit)
    inspections.plan_task_day(Task.objects.get(rectification=order), actor=clerk, day=today)
    return {"complaint": complaint, "order": order}


def open_task(page, name):
    page.click(f"#route .task:has-text('{name}')")
    page.wait_for_selector("section.card h1")


def test_a_complaint_follow_up_and_a_rectification_conclusion_offline_then_synced(handset, proxy, inspector,  # noqa: F811
                                                                                   follow_ups):
    log_in(handset, proxy, inspector)
    proxy.go_offline()

    open_task(handset, "建平县第1种子门市部")
    assert "发芽率低" in handset.inner_text("main")
    handset.click("#complaint-follow-up")
    handset.click("#follow-up button")
    handset.wait_for_selector(".field-error:has-text('请填写复查情况')")
    assert "请选择复查结论" in handset.inner_text("#follow-up")
    handset.fill("textarea[name=found]", "抽查同批次郑单958，标签发芽率85%，现场做发芽试验不足70%")
    handset.select_option("select[name=outcome]", "substantiated")
    handset.set_input_files("input[name=photos]", files=[{"name": "IMG_0101.jpg", "mimeType": "image/jpeg",
                                                          "buffer": jpeg(3)}])
    handset.click("#follow-up button")
    handset.wait_for_selector("section.follow-up:has-text('证据照片 1 张')")

    handset.goto(f"{proxy.url}/m/#/")
    open_task(handset, "建平县第2种子门市部")
    handset.click("#rectification-conclusion")
    assert "标签无检疫证明编号" in handset.inner_text("main")
    handset.check("input[name=rectified][value=no]")
    handset.click("#conclusion button")
    handset.wait_for_selector(".field-error:has-text('未整改的，须填写复查情况')")
    handset.fill("textarea[name=note]", "标签仍无检疫证明编号")
    handset.click("#conclusion button")
    handset.wait_for_selector("section.conclusion:has-text('逾期未整改')")

    handset.reload()  # still offline: the shell from the service worker, the work from IndexedDB
    handset.wait_for_selector("section.conclusion:has-text('标签仍无检疫证明编号')")
    handset.goto(f"{proxy.url}/m/#/outbox")
    handset.wait_for_selector(".outbox-item")
    items = handset.inner_text(".list")
    assert "投诉复查" in items and "整改复查结论" in items
    assert handset.locator(".outbox-item .status.pending").count() == 2
    assert not ComplaintFollowUp.objects.exists()

    proxy.go_online()
    handset.click("#sync")
    handset.wait_for_selector("#sync-progress:has-text('同步完成')", timeout=SYNC_TIMEOUT_MS)
    handset.wait_for_selector(".outbox-item .status.accepted >> nth=1")
    assert handset.inner_text("#files-uploaded") == "1"

    follow_up = ComplaintFollowUp.objects.get()
    assert (follow_up.complaint, follow_up.outcome, follow_up.recorded_by) == (
        follow_ups["complaint"], "substantiated", inspector)
    assert "发芽试验不足70%" in follow_up.found
    photo = Photo.objects.get(complaint_follow_up=follow_up)
    assert photo.complaint == follow_ups["complaint"] and max(photo.width, photo.height) == 1600
    order = follow_ups["order"]
    order.refresh_from_db()
    assert (order.status, order.conclusion_note, order.concluded_by) == ("not_rectified", "标签仍无检疫证明编号", inspector)

    handset.click("#sync")  # nothing twice
    handset.wait_for_selector("#sync-progress:has-text('同步完成')", timeout=SYNC_TIMEOUT_MS)
    assert (ComplaintFollowUp.objects.count(), Photo.objects.filter(complaint_follow_up__isnull=False).count()) == (1, 1)


def test_the_business_signs_the_sampling_record_on_the_screen(handset, proxy, inspector, follow_ups):  # noqa: F811
    log_in(handset, proxy, inspector)
    proxy.go_offline()
    open_task(handset, "建平县第1种子门市部")
    handset.click("#checkin")
    handset.wait_for_selector("#checklist")
    fill_sample(handset, lot_number="ZD2026-009", lot_size_kg="1500", packages="30", seals=("FQ-0101", "FQ-0102"))
    handset.click("#sample button.primary")
    handset.wait_for_selector(".field-error:has-text('请被抽样单位签字，或记录其拒绝签字')")
    sign(handset, "#business-signature")
    handset.click("#sample button.primary")
    handset.wait_for_selector("#checklist")

    proxy.go_online()
    handset.goto(f"{proxy.url}/m/#/outbox")
    handset.wait_for_selector("#sync-progress:has-text('同步完成')", timeout=SYNC_TIMEOUT_MS)
    record = SamplingRecord.objects.get()
    assert record.business_signature and not record.business_refused_to_sign
    assert record.lot_number == "ZD2026-009"
