"""The phone app (/m/) in headless Chromium, 360×740 touch, the signal cut at the network layer
(tests/netproxy.py): the second inspector joins the colleague's visit from the task screen
(the API's visit_join), and both inspectors sign the visit record and the sampling form."""

import pytest

from inspections import services as inspections
from inspections.models import InspectorSignature, SamplingRecord, Visit
from mobile_api.models import SyncedObject
from tests.mobile_api.test_phone_app import (  # noqa: F401  (fixtures)
    SYNC_TIMEOUT_MS,
    day,
    files_on_phone,
    fill_sample,
    handset,
    log_in,
    proxy,
    reference_data,
    sign,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOP = "建平县第1种子门市部"


def open_task(page, name=SHOP):
    page.click(f"#route .task:has-text('{name}')")
    page.wait_for_selector("section.card h1")


def test_the_partner_joins_the_colleagues_visit_on_the_phone(handset, proxy, inspector, inspector2, day):  # noqa: F811
    log_in(handset, proxy, inspector2)  # the second inspector's own phone
    proxy.go_offline()
    open_task(handset)
    handset.click("#join-visit")
    handset.wait_for_selector("#joined:has-text('待上传')")
    assert handset.locator("#checkin").count() == 0  # joined: no second check-in from this phone
    handset.reload()  # still offline: the join is kept on the phone
    handset.wait_for_selector("#joined")
    handset.goto(f"{proxy.url}/m/#/")
    assert "已加入同事的检查" in handset.inner_text("#route")

    # Signal again, but the colleague's check-in has not reached the server: the server says so
    # and stores nothing; the phone keeps the join for the next sync.
    proxy.go_online()
    handset.goto(f"{proxy.url}/m/#/outbox")
    handset.wait_for_selector("#sync-progress:has-text('同步完成')", timeout=SYNC_TIMEOUT_MS)
    handset.wait_for_selector(".outbox-item.in_progress:has-text('同事的到达签到尚未同步')")
    assert Visit.objects.count() == 0 and not SyncedObject.objects.filter(object_type="visit_join").exists()

    visit = inspections.start_visit(actor=inspector, task=day[0])  # the colleague's phone synced its check-in
    handset.click("#sync")
    handset.wait_for_selector(".outbox-item:has-text('加入同事的检查') .status.accepted", timeout=SYNC_TIMEOUT_MS)
    joined = SyncedObject.objects.get(object_type="visit_join")
    assert (joined.server_id, joined.user) == (visit.pk, inspector2)
    assert Visit.objects.count() == 1 and set(visit.inspectors.all()) == {inspector, inspector2}
    handset.goto(f"{proxy.url}/m/#/task/{day[0].pk}")
    handset.wait_for_selector("#joined:has-text('已接收')")

    handset.goto(f"{proxy.url}/m/#/outbox")  # a sync on opening: nothing twice
    handset.wait_for_selector("#sync-progress:has-text('同步完成')", timeout=SYNC_TIMEOUT_MS)
    assert SyncedObject.objects.filter(object_type="visit_join").count() == 1 and Visit.objects.count() == 1


def signer_pad(form, user):
    return f"{form} .inspector-signature[data-inspector='{user.pk}'] canvas"


def test_both_inspectors_sign_the_record_and_the_sampling_form(handset, proxy, inspector, inspector2, day):  # noqa: F811
    log_in(handset, proxy, inspector)
    proxy.go_offline()
    open_task(handset)
    handset.click("#checkin")
    handset.wait_for_selector("#checklist")

    fill_sample(handset, lot_number="ZD2026-031", seals=("FQ-3101", "FQ-3102"))
    assert handset.locator("#sample .inspector-signature").count() == 2
    assert inspector2.full_name in handset.inner_text("#inspector-signatures")
    handset.check("input[name=business_refused_to_sign]")
    sign(handset, signer_pad("#sample", inspector), hand=1)
    sign(handset, signer_pad("#sample", inspector2), hand=2)
    handset.click("#sample button.primary")
    handset.wait_for_selector("#checklist")

    handset.select_option("select[name=outcome]", "compliant")
    sign(handset)  # the business
    sign(handset, signer_pad("#close", inspector), hand=1)
    sign(handset, signer_pad("#close", inspector2), hand=2)
    handset.click("#close button.big")
    handset.wait_for_selector("#route")
    assert [f["role"] for f in files_on_phone(handset)].count("signature") == 5  # 2 + business + 2

    proxy.go_online()
    handset.goto(f"{proxy.url}/m/#/outbox")
    handset.wait_for_selector("#sync-progress:has-text('同步完成')", timeout=SYNC_TIMEOUT_MS)
    assert handset.inner_text("#files-uploaded") == "5"
    visit = Visit.objects.get()
    assert (visit.status, visit.outcome) == ("closed", "compliant") and visit.ack_signature
    pair = sorted([inspector.pk, inspector2.pk])
    assert sorted(InspectorSignature.objects.filter(visit=visit).values_list("inspector", flat=True)) == pair
    sampling = SamplingRecord.objects.get()
    assert sampling.business_refused_to_sign and sampling.lot_number == "ZD2026-031"
    assert sorted(sampling.inspector_signatures.values_list("inspector", flat=True)) == pair
    assert all(s.image.name for s in InspectorSignature.objects.all())
