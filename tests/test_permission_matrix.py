"""The permission matrix: every web page of the site × every persona, generated from the URL
configuration, so that a new page cannot escape it.

How it works
------------
``tests.urlwalk.routes()`` walks Django's URL resolver and lists every named route (the admin,
i18n, static files and the django-ninja APIs are left out: the mobile API has its own matrix).
``MATRIX`` below declares, for every route name, what each persona must get. A route that has no
row fails ``test_every_route_declares_its_access``; a row whose route no longer exists fails it
too. Each row is then requested as every persona, with a fresh client, and the status compared.

Personas (built by ``world``): ``anonymous``; the county's staff ``chief``, ``clerk``,
``inspector``, ``lab_tech``, ``lab_reviewer``; the city's ``higher_lab`` and ``supervisor``;
the neighbouring county's ``outsider`` (chief) and ``outside_inspector``; ``dealer`` (of the
county's shop that every URL points at) and ``other_dealer`` (of another shop).

Adding a page (other branches: add your rows here, one per route)
-------------------------------------------------------------------
1. If the URL takes objects, make sure ``world`` builds one (add a line: ``objects["lot"] =
   …`` for the county of 建平县, with whatever it needs) and name it in the row's ``obj``. The
   URL's ``pk``/``token`` come from that object; any other kwarg (``user_id``, ``app_label``…)
   is looked up in ``objects`` by the kwarg's own name.
2. Add ``"app:name": Row(obj=..., method="GET"|"POST", expect=...)``. Build ``expect`` with
   ``access(...)``: a default for the staff of the county, overrides per persona, and the
   defaults for the others (anonymous → login page, other county → 404, dealers → 404). A status
   is an int, or ``LOGIN`` (a redirect to the login page). For POST rows the data is empty: an
   allowed persona gets the form back (200) or a redirect, a refused one 403/404, so the row
   checks the permission, not the form.
   A GET of a form page checks who may *see* the form; the service's ``require`` refuses the
   submit (403) for a role that may not act, and the app's own tests post real data.
3. Run ``pytest tests/test_permission_matrix.py``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from inspections import services as inspections
from labs import services as labs
from labs.models import LabTest, QualityStandard, ToleranceRow
from licensing import services
from licensing.models import ImportJob
from mobile_api.services import issue_device_token
from seedreg.notifications.services import notify
from seedreg.regulated import service_context
from tests.labs.conftest import GOOD_RAW, build_lab_sample, standards  # noqa: F401  (fixture)
from tests.labs.test_retests import run_tests
from tests.licensing.conftest import crops, make_business, seed_producer, varieties  # noqa: F401  (fixtures)
from tests.urlwalk import routes

LOGIN = "login"
COUNTY_STAFF = ("chief", "clerk", "inspector", "lab_tech", "lab_reviewer")
CITY = ("higher_lab", "supervisor")
FOREIGN = ("outsider", "outside_inspector")
DEALERS = ("dealer", "other_dealer")
PERSONAS = ("anonymous", *FOREIGN, *DEALERS, *COUNTY_STAFF, *CITY)


def access(staff, *, anonymous=LOGIN, foreign=404, dealers=404, **personas):
    """Expected status per persona: ``staff`` for the county's and the city's staff unless
    overridden by name (``clerk=200``); ``foreign`` for the other county's people."""
    expect = {name: staff for name in (*COUNTY_STAFF, *CITY)}
    expect.update({"anonymous": anonymous, **dict.fromkeys(FOREIGN, foreign), **dict.fromkeys(DEALERS, dealers)})
    expect.update(personas)
    assert set(expect) == set(PERSONAS), set(expect) ^ set(PERSONAS)
    return expect


def public(status=200):
    return dict.fromkeys(PERSONAS, status)


@dataclass(frozen=True)
class Row:
    expect: dict
    obj: str | None = None
    method: str = "GET"
    data: dict = field(default_factory=dict)


MATRIX: dict[str, Row] = {
    # --- platform -----------------------------------------------------------------------------
    "healthz": Row(public(200)),
    "home": Row(access(200, foreign=200, dealers=302)),  # dealers are sent to their portal
    "accounts:login": Row({**public(302), "anonymous": 200}),  # a logged-in user is sent on
    "accounts:logout": Row(public(LOGIN), method="POST"),
    "accounts:password_change": Row(access(200, foreign=200, dealers=200)),
    "audit:timeline": Row(access(403, chief=200, clerk=200, dealers=403), obj="business"),
    "documents:verify": Row(public(200), obj="document"),
    "documents:pdf": Row(access(200), obj="document"),
    "notifications:inbox": Row(access(200, foreign=200, dealers=200)),
    "notifications:read": Row(access(302, foreign=302, dealers=302), obj="notification", method="POST"),
    "notifications:read_all": Row(access(302, foreign=302, dealers=302), method="POST"),
    # --- licensing (station pages) ------------------------------------------------------------
    # Pages without an object show the other county's staff their own county.
    "licensing:business_list": Row(access(200, foreign=200)),
    "licensing:business_create": Row(access(200, foreign=200)),
    "licensing:business_detail": Row(access(200), obj="business"),
    "licensing:business_edit": Row(access(200), obj="business"),
    "licensing:business_licence_create": Row(access(200), obj="business"),
    "licensing:document_check_create": Row(access(200), obj="business"),
    "licensing:licence_create": Row(access(200), obj="business"),
    "licensing:filing_create": Row(access(200), obj="business"),
    "licensing:dealer_account_create": Row(access(200), obj="business"),
    "licensing:dealer_password_reset": Row(access(403, chief=200, clerk=200), obj="business", method="POST"),
    "licensing:licence_detail": Row(access(200), obj="licence"),
    "licensing:licence_renew": Row(access(200), obj="licence"),
    "licensing:licence_status": Row(access(200), obj="licence"),
    "licensing:licence_rotate_token": Row(access(403, chief=302, clerk=302), obj="licence", method="POST"),
    "licensing:filing_receipt": Row(access(403, chief=302, clerk=302), obj="filing", method="POST"),
    # The variety catalogue and outside parties are shared by every county.
    "licensing:variety_list": Row(access(200, foreign=200)),
    "licensing:variety_create": Row(access(200, foreign=200)),
    "licensing:variety_withdraw": Row(access(200, foreign=200), obj="variety"),
    "licensing:outside_party_list": Row(access(200, foreign=200)),
    "licensing:outside_party_create": Row(access(200, foreign=200)),
    "licensing:import_create": Row(access(200, foreign=200)),
    "licensing:import_template": Row(access(200, foreign=200)),
    "licensing:import_detail": Row(access(200), obj="import_job"),
    "licensing:import_errors": Row(access(200), obj="import_job"),
    # --- portal (public and dealers) ----------------------------------------------------------
    "portal:dealer_home": Row(access(404, foreign=404, dealers=200)),
    "portal:verify_search": Row(public(200)),
    "portal:licence_public": Row(public(200), obj="licence"),
    "portal:licence_certificate": Row(access(200), obj="licence"),
    "portal:password_forgot": Row(public(200)),
    # --- ledgers, lots, trace, stop-sale (station pages) ---------------------------------------
    # A dealer's ledger: the county's station staff, inspectors and the city's supervisor
    # (licensing.view_ledger); the laboratory never reads ledgers.
    "licensing:business_ledger": Row(access(200, lab_tech=404, lab_reviewer=404, higher_lab=404), obj="business"),
    # The station may import a paper ledger for a dealer of its county (licensing.keep_ledger).
    "licensing:business_ledger_import": Row(access(403, chief=200, clerk=200), obj="business"),
    "licensing:ledger_import_template": Row(access(200, foreign=200)),
    # A seed lot is national: the other county opens it and sees its own dealers in full and ours
    # as a county total. The trace (who holds it) is ledger data: not for the laboratory.
    "licensing:lot_detail": Row(access(200, foreign=200, lab_tech=404, lab_reviewer=404, higher_lab=404), obj="lot"),
    "licensing:lot_trace_export": Row(access(200, foreign=200, lab_tech=404, lab_reviewer=404, higher_lab=404),
                                      obj="lot"),
    "licensing:lot_trace_backward": Row(access(200, lab_tech=404, lab_reviewer=404, higher_lab=404), obj="business"),
    # Drafting is a form any staff may open (the service lets the clerk, the chief and the lab
    # reviewer submit); orders are the county's: review, issue and lift are the chief's (the
    # clerk's submit is refused with 403).
    "licensing:stop_sale_create": Row(access(200, foreign=200), obj="lot"),
    "licensing:stop_sale_list": Row(access(200, foreign=200)),
    "licensing:stop_sale_detail": Row(access(200), obj="stop_sale"),
    "licensing:stop_sale_review": Row(access(403, chief=302), obj="stop_sale", method="POST"),
    "licensing:stop_sale_issue": Row(access(403, chief=302), obj="stop_sale", method="POST"),
    "licensing:stop_sale_lift": Row(access(403, chief=302), obj="stop_sale", method="POST"),
    # A holder's printed notice and its paper service: the issuing county's staff and inspectors.
    "licensing:stop_sale_notice": Row(access(403, chief=302, clerk=302, inspector=302), obj="stop_sale_holder",
                                      method="POST"),
    "licensing:stop_sale_served": Row(access(403, chief=200, clerk=200, inspector=200), obj="stop_sale_holder"),
    "licensing:stop_sale_receipt": Row(access(404), obj="stop_sale_holder"),  # no scan uploaded in this world
    # --- the dealer's ledger in the portal: their own business only, nobody else's -----------
    "portal:lot_public": Row(public(200), obj="lot"),  # the QR on a sales receipt
    "portal:dealer_ledger": Row(access(404, dealers=200)),
    "portal:dealer_purchase": Row(access(404, dealers=200)),
    "portal:dealer_sale": Row(access(404, dealers=200)),
    "portal:dealer_ledger_export": Row(access(404, dealers=200)),
    "portal:dealer_import": Row(access(404, dealers=200)),
    "portal:dealer_import_template": Row(access(404, dealers=200)),
    "portal:dealer_sale_done": Row(access(404, dealer=200), obj="ledger_entry"),
    "portal:dealer_receipt": Row(access(404, dealer=200), obj="ledger_entry"),
    "portal:dealer_import_detail": Row(access(404, dealer=200), obj="ledger_import"),
    "portal:dealer_import_errors": Row(access(404, dealer=200), obj="ledger_import"),
    "portal:dealer_reverse": Row(access(404, dealer=302), obj="ledger_entry", method="POST"),
    "portal:dealer_stop_sale_acknowledge": Row(access(404, dealer=302), obj="stop_sale_holder", method="POST"),
    # The pending transfer is the shop's sale to the other shop: only the buyer decides.
    "portal:dealer_transfer_decide": Row(access(404, other_dealer=302), obj="transfer", method="POST"),
    # --- inspections -------------------------------------------------------------------------
    # Lists show every staff member their own county (the other county sees its own).
    "inspections:campaign_list": Row(access(200, foreign=200)),
    "inspections:task_list": Row(access(200, foreign=200)),
    "inspections:my_tasks": Row(access(200, foreign=200)),
    "inspections:rectification_list": Row(access(200, foreign=200)),
    # The inspector directory is a county's: the city's users have no county (404).
    "inspections:inspector_list": Row(access(200, foreign=200, higher_lab=404, supervisor=404)),
    # Planning, the directory and complaints are the station's (clerk, chief); everyone else
    # 403, the other county's chief 404 on our objects and their own county's forms otherwise.
    "inspections:plan_create": Row(access(403, chief=200, clerk=200, outsider=200, outside_inspector=403)),
    "inspections:complaint_create": Row(access(403, chief=200, clerk=200, outsider=200, outside_inspector=403)),
    "inspections:complaint_list": Row(access(403, chief=200, clerk=200, outsider=200, outside_inspector=403)),
    "inspections:complaint_detail": Row(access(403, chief=200, clerk=200, outside_inspector=403), obj="complaint"),
    "inspections:campaign_create": Row(access(403, chief=200, clerk=200, outside_inspector=404)),
    "inspections:inspector_edit": Row(access(403, chief=200, clerk=200, outside_inspector=403)),
    "inspections:conflict_create": Row(access(403, chief=200, clerk=200, outside_inspector=404)),
    # The county's records: every staff member of the county and the city, nobody else.
    "inspections:campaign_detail": Row(access(200), obj="campaign"),
    "inspections:task_reassign": Row(access(200), obj="task"),
    "inspections:visit_detail": Row(access(200), obj="visit"),
    "inspections:business_timeline": Row(access(200)),
    # The draw: POSTed without a form, everyone who may see the campaign gets the form back
    # (422: the service, reached only with a valid form, lets the chief alone draw, once);
    # verification by the chief or the clerk; publication by the chief.
    "inspections:draw_run": Row(access(422), obj="campaign", method="POST"),
    "inspections:draw_verify": Row(access(403, chief=302, clerk=302), obj="draw", method="POST"),
    "inspections:draw_publish": Row(access(403, chief=302), obj="draw", method="POST"),
    # Published draws are public (双随机 results are announced).
    # Doing a visit at the web pages: people who may inspect (an enforcement ID: the chief and the
    # inspectors); the rest of the staff are refused (403), other counties' visits are 404.
    "inspections:visit_start": Row(access(403, chief=200, inspector=200, foreign=200)),
    "inspections:peddler_visit": Row(access(403, chief=200, inspector=200, foreign=200)),
    "inspections:task_visit_start": Row(access(403, chief=200, inspector=200), obj="task"),
    "inspections:visit_checklist": Row(access(403, chief=200, inspector=200), obj="visit"),
    "inspections:finding_create": Row(access(403, chief=200, inspector=200), obj="visit"),
    "inspections:sampling_create": Row(access(403, chief=200, inspector=200), obj="visit"),
    "inspections:visit_close": Row(access(403, chief=200, inspector=200), obj="visit"),
    # Joining the visit (or adding a colleague) and counting stock: the same people; the service
    # decides who may join (the task's inspectors, no conflict of interest).
    "inspections:visit_join": Row(access(403, chief=200, inspector=200), obj="visit"),
    "inspections:stock_count": Row(access(403, chief=200, inspector=200), obj="visit"),
    # The follow-up's conclusion: the form for the county's staff; the service decides who submits.
    "inspections:rectification_conclude": Row(access(200), obj="rectification"),
    "inspections:public_index": Row(public(200)),
    "inspections:public_draw": Row(public(200), obj="published_draw"),
    # --- labs (the same intent as tests/labs/test_pages.py's EXPECTED) --------------------------
    # Samples are seen by the lab, the station and the city (jurisdiction_roles), not by
    # inspectors (404); each action is one lab role's (403 for the other roles).
    "labs:queue": Row(access(200, foreign=200, outside_inspector=403, inspector=403, supervisor=403)),
    "labs:intake": Row(access(403, foreign=403, lab_tech=200, higher_lab=200)),
    "labs:standards": Row(access(200, foreign=200, outside_inspector=403, inspector=403, supervisor=403)),
    # National and provincial tables: only the provincial station's chief edits them (no persona here).
    "labs:standard_revise": Row(access(403, foreign=403), obj="standard"),
    "labs:tolerance_revise": Row(access(403, foreign=403), obj="tolerance"),
    "labs:sample_detail": Row(access(200, inspector=404), obj="lab_sample"),
    "labs:worksheet": Row(access(200, inspector=404), obj="lab_test"),
    "labs:test_retract": Row(access(403, inspector=404, lab_tech=200, higher_lab=200), obj="lab_test"),
    "labs:test_repeat": Row(access(403, inspector=404, lab_reviewer=200, higher_lab=200), obj="lab_test"),
    "labs:retest_receive": Row(access(403, inspector=404, lab_tech=200, higher_lab=200), obj="retest"),
    "labs:judge": Row(access(403, inspector=404, lab_reviewer=302, higher_lab=302), obj="lab_sample", method="POST"),
    "labs:test_review": Row(access(403, inspector=404, lab_reviewer=302, higher_lab=302), obj="lab_test",
                            method="POST"),
    "labs:retest_conclude": Row(access(403, inspector=404, lab_reviewer=302, higher_lab=302), obj="retest",
                                method="POST"),
    "labs:retest_request": Row(access(403, inspector=404, chief=302, clerk=302), obj="lab_sample", method="POST"),
    "labs:retest_dispatch": Row(access(403, inspector=404, chief=302, clerk=302), obj="retest", method="POST"),
    # A dealer's reports: their own list (empty for the other dealer), their own report only.
    # A campaign's results: the lab and the station read them; the chief publishes (POST, tested
    # in tests/labs/test_results.py); the published page and workbook are public.
    "labs:campaign_results": Row(access(200, inspector=403, supervisor=403, outside_inspector=403), obj="campaign"),
    "portal:campaign_results_public": Row(public(200), obj="published_campaign"),
    "portal:campaign_results_public_xlsx": Row(public(200), obj="published_campaign"),
    "labs:report_withdraw": Row(access(403, inspector=404, chief=200), obj="lab_report"),
    # Referrals: the station or the lab reviewer drafts (the world's report is not final: refused,
    # back to the sample); everyone of the lab and station reads; the chief reviews and issues.
    "labs:referral_draft": Row(access(403, inspector=404, chief=302, clerk=302, lab_reviewer=302, higher_lab=302),
                               obj="lab_report", method="POST"),
    "labs:referral_detail": Row(access(200, inspector=404), obj="referral"),
    "labs:my_reports": Row(access(404, dealers=200)),
    "labs:my_report": Row(access(404, dealer=200), obj="lab_report"),
    # --- phones ------------------------------------------------------------------------------
    # Phone tokens: the chief revokes any of the county's, an inspector their own; the page
    # lists each user the tokens they may see (none for most). Dealers have no phone tokens.
    "mobile:token_list": Row(access(200, foreign=200)),
    "mobile:token_revoke": Row(access(404, chief=302, inspector=302), obj="device_token", method="POST"),
    # The phone app's shell, service worker and manifest are static: it logs in through the API.
    "phone:shell": Row(public(200)),
    "phone:service_worker": Row(public(200)),
    "phone:manifest": Row(public(200)),
}


# --- the world every row is requested in ------------------------------------------------------

@pytest.fixture
def world(chief, clerk, inspector, inspector2, lab_tech, lab_reviewer, higher_lab, supervisor, outsider,
          outside_inspector, crops, varieties, seed_producer, standards):  # noqa: F811
    today = timezone.localdate()
    shop = make_business(clerk)
    other_shop = make_business(clerk, "建平县万家种子店", serial=3)
    producer = make_business(clerk, "建平县丰禾种业有限公司", serial=2, kind="producer")
    with service_context():
        licence = services.issue_seed_licence(
            producer, actor=clerk, number="B(辽朝)农种许字(2019)第0012号", issued_on=today - datetime.timedelta(days=1000),
            expires_on=today + datetime.timedelta(days=100), crops=[crops["maize"]], issuing_organ="朝阳市农业农村局",
            valid_region="辽宁省")
        filing = services.record_filing(shop, actor=clerk, filing_type="consignment", principal_business=producer,
                                        principal_licence_number=licence.number, sale_location=shop.address,
                                        filed_on=today, event_on=today, items=[(varieties["郑单958"], 10)])
        document = services.issue_filing_receipt(filing, actor=clerk)
        dealer, _ = services.create_dealer_user(shop, actor=clerk, phone="13900000009", full_name="王丰收",
                                                delivery="slip")
        other_dealer, _ = services.create_dealer_user(other_shop, actor=clerk, phone="13900000010", full_name="李万家",
                                                      delivery="slip")
        notify([clerk], key="matrix", title="测试通知")
    job = ImportJob.objects.create(kind=ImportJob.Kind.DIRECTORY, region_code="211322", created_by=clerk,
                                   original_name="名录.xlsx", status=ImportJob.Status.FAILED, error_count=1)
    job.error_file.save("errors.xlsx", ContentFile(b"PK-not-really-a-workbook"))
    people = {"anonymous": None, "chief": chief, "clerk": clerk, "inspector": inspector, "lab_tech": lab_tech,
              "lab_reviewer": lab_reviewer, "higher_lab": higher_lab, "supervisor": supervisor, "outsider": outsider,
              "outside_inspector": outside_inspector, "dealer": dealer, "other_dealer": other_dealer}
    objects = {"business": shop, "licence": licence, "filing": filing, "document": document,
               "variety": varieties["郑单958"], "import_job": job, "user_id": dealer.pk,
               "notification": clerk.notifications.get(), "app_label": "licensing", "model": "business"}
    objects.update(ledger_world(clerk, chief, shop, other_shop, dealer, other_dealer, varieties, seed_producer))
    objects.update(inspections_world(clerk, chief, inspector, inspector2, shop, crops))
    objects.update(labs_world(lab_tech, lab_reviewer, chief, shop))
    objects["referral"] = referral_world(chief, objects["lab_report"])
    objects["published_campaign"] = results_world(chief, objects["lab_sample"], objects["published_draw"].campaign)
    with service_context():
        objects["device_token"], _raw = issue_device_token(actor=inspector, device_id="matrix-phone")
    return people, objects


def ledger_world(clerk, chief, shop, other_shop, dealer, other_dealer, varieties, seed_producer):  # noqa: F811
    """The shop's books: a lot bought from an outside producer, sold to a farmer and to the
    other shop (a transfer waiting for the other shop's dealer); a draft stop-sale order on it;
    a second lot under an issued order (the shop holds it: a notice to acknowledge); a ledger
    import with an error file."""
    today = timezone.localdate()
    with service_context():
        lots = [services.register_seed_lot(
            actor=clerk, variety=varieties["郑单958"], lot_number=f"MX2026-00{n}", producer_outside=seed_producer,
            purity="96.0", cleanliness="99.0", germination="85", moisture="13.0", net_content_kg="20") for n in (1, 2)]
        for lot in lots:
            services.record_purchase(actor=dealer, business=shop, lot=lot, quantity_kg="200", packages=10,
                                     occurred_on=today - datetime.timedelta(days=6), supplier_outside=seed_producer)
        sale = services.record_sale(actor=dealer, business=shop, lot=lots[0], quantity_kg="1", occurred_on=today,
                                    farmer_name="赵大山")
        transfer = services.record_sale(actor=dealer, business=shop, lot=lots[0], quantity_kg="1", occurred_on=today,
                                        buyer_business=other_shop).transfer
        draft = services.draft_stop_sale_order(actor=clerk, lot=lots[0], reason="劣种子", legal_basis="种子法")
        issued = services.draft_stop_sale_order(actor=clerk, lot=lots[1], reason="劣种子", legal_basis="种子法")
        services.review_stop_sale_order(actor=chief, order=issued)
        services.issue_stop_sale_order(actor=chief, order=issued)
    job = ImportJob.objects.create(kind=ImportJob.Kind.LEDGER, region_code=shop.region_code[:6], created_by=dealer,
                                   business_id=shop.pk, original_name="台账.xlsx", status=ImportJob.Status.FAILED,
                                   error_count=1)
    job.error_file.save("errors.xlsx", ContentFile(b"PK-not-really-a-workbook"))
    return {"lot": lots[0], "lot_pk": lots[0].pk, "ledger_entry": sale, "transfer": transfer, "decision": "confirm",
            "stop_sale": draft, "stop_sale_holder": issued.holders.get(business=shop), "ledger_import": job}


def inspections_world(clerk, chief, inspector, inspector2, shop, crops):  # noqa: F811
    """A plan, a campaign over the shop's township with its draw, two inspectors in the
    directory, a complaint, a task and a visit at the shop."""
    today = timezone.localdate()
    with service_context():
        profiles = [inspections.save_inspector_profile(u, actor=chief) for u in (inspector, inspector2)]
        plan = inspections.create_plan(actor=clerk, year=today.year, title="种子市场监督检查计划")
        campaign = inspections.create_campaign(
            plan, actor=clerk, name="春季种子市场专项检查", mode="sweep", season="spring_in_sale", starts_on=today,
            ends_on=today + datetime.timedelta(days=30), townships=[shop.region_code], crops=[crops["maize"]],
            matters=["证照"], sampling_target=1)
        draw = inspections.run_draw(campaign, actor=chief, count=1, seed="matrix")
        autumn = inspections.create_campaign(  # a second campaign whose draw is already public
            plan, actor=clerk, name="秋季种子市场专项检查", mode="sweep", season="spring_in_sale", starts_on=today,
            ends_on=today + datetime.timedelta(days=30), townships=[shop.region_code], crops=[crops["maize"]],
            matters=["证照"], sampling_target=1)
        published = inspections.run_draw(autumn, actor=chief, count=1, seed="matrix-autumn")
        inspections.publish_draw(published, actor=chief)
        complaint = inspections.record_complaint(actor=clerk, channel="hotline", business=shop, anonymous=True,
                                                 description="买的玉米种子发芽率低")
        task = inspections.create_task(actor=clerk, business=shop, kind="ad_hoc",
                                       due_on=today + datetime.timedelta(days=5), inspectors=[inspector, inspector2])
        visit = inspections.start_visit(actor=inspector, task=task)
        earlier = inspections.start_visit(actor=inspector, business=shop, inspectors=[inspector, inspector2])
        inspections.record_finding(earlier, actor=inspector, finding_type="label_incomplete", description="标签不全")
        inspections.close_visit(earlier, actor=inspector, outcome="rectification", ack_refused=True, ack_note="拒签")
    return {"rectification": earlier.rectification, "task_pk": task.pk, "plan_pk": plan.pk, "campaign": campaign, "draw": draw, "published_draw": published, "user_pk": inspector.pk,
            "profile_pk": profiles[0].pk, "complaint": complaint, "task": task, "visit": visit,
            "business_pk": shop.pk}


def labs_world(lab_tech, lab_reviewer, chief, shop):
    """A sample of the shop's seed received by the lab, tested, judged (the report goes to the
    shop's dealer) and escalated by the chief for a re-test."""
    sample = build_lab_sample(lab_tech, business=shop)
    with service_context():
        run_tests(sample, lab_tech, lab_reviewer, GOOD_RAW)
        report = labs.judge_sample(sample, actor=lab_reviewer)
        labs.request_retest(report, actor=chief, reason="站里提请复检", escalate=True)
    return {"lab_sample": sample, "lab_test": LabTest.objects.current().get(sample=sample, index="germination"),
            "lab_report": report, "retest": report.retest, "standard": QualityStandard.objects.first(),
            "tolerance": ToleranceRow.objects.first()}


def results_world(chief, lab_sample, campaign):
    """The lab sample counted in the autumn campaign, whose results are published."""
    from inspections.models import Task

    visit = lab_sample.sample.sampling.visit
    with service_context():
        visit.task = Task.objects.create(region_code=visit.region_code, kind=Task.Kind.DRAWN, campaign=campaign,
                                         business=visit.business, due_on=campaign.ends_on)
        visit.save()
        labs.publish_campaign_results(campaign, actor=chief)
    return campaign


def referral_world(chief, report):
    """A drafted penalty referral (made directly: the world's report is not a final failing one)."""
    from labs.models import PenaltyReferral

    with service_context():
        return PenaltyReferral.objects.create(report=report, region_code=report.region_code, outcome="unqualified",
                                              facts="事实", suggested_articles="条款", basis="依据", drafted_by=chief)


def url_for(name, route, row, objects):
    kwargs = {}
    for kwarg in route.kwargs:
        if kwarg == "pk":
            kwargs[kwarg] = objects[row.obj].pk
        elif kwarg == "token":
            obj = objects[row.obj]
            kwargs[kwarg] = getattr(obj, "public_token", None) or obj.verify_token
        else:
            kwargs[kwarg] = objects[kwarg]
    return reverse(name, kwargs=kwargs)


def outcome(response):
    if response.status_code == 302 and reverse("accounts:login") in response["Location"]:
        return LOGIN
    return response.status_code


# --- the tests ----------------------------------------------------------------------------------

ROUTES = {route.name: route for route in routes()}


def test_every_route_declares_its_access():
    unnamed = [route.route for route in ROUTES.values() if not route.name.rsplit(":", 1)[-1]]
    assert unnamed == [] or unnamed == [""], f"routes without a name cannot be declared: {unnamed}"
    missing = sorted(set(ROUTES) - set(MATRIX) - {""})
    stale = sorted(set(MATRIX) - set(ROUTES))
    assert missing == [], f"add a MATRIX row for each new page: {missing}"
    assert stale == [], f"rows for routes that no longer exist: {stale}"


def test_every_persona_gets_what_each_page_declares(world):
    """One world, every row × every persona (GET rows first: a POST may change what a later
    request sees, e.g. a rotated token). All mismatches are listed together."""
    people, objects = world
    wrong = {}
    for name in sorted(MATRIX, key=lambda n: (MATRIX[n].method == "POST", n)):
        row, route = MATRIX[name], ROUTES[name]
        if row.obj:
            objects[row.obj].refresh_from_db()
        url = url_for(name, route, row, objects)
        for persona in PERSONAS:
            client = Client()
            if people[persona] is not None:
                people[persona].refresh_from_db()  # a POST row may have reset a password
                client.force_login(people[persona])
            response = client.post(url, row.data) if row.method == "POST" else client.get(url)
            got = outcome(response)
            if got != row.expect[persona]:
                wrong[f"{row.method} {name} as {persona}"] = f"expected {row.expect[persona]}, got {got}"
    assert not wrong, "\n" + "\n".join(f"{key}: {value}" for key, value in sorted(wrong.items()))
