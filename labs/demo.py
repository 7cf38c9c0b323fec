"""The laboratory part of the demo county: samples at every stage. The inspections demo leaves
one sample waiting for intake; this samples four more shops of the spring campaign and takes
their test samples through the lab — one in test, one in review, one qualified, and one
unqualified maize lot whose stop-sale order is issued and whose re-test is open at the
higher-level lab (the backup sample handed over and received there)."""

from __future__ import annotations

from django.utils import timezone

GOOD = {
    "cleanliness": {"working_sample_g": "100", "pure_seed_g": "99.30", "other_seeds_g": "0.20", "inert_matter_g": "0.50"},
    "germination": {"r1_normal": "90", "r1_dead": "10", "r2_normal": "88", "r2_dead": "12", "r3_normal": "91",
                    "r3_dead": "9", "r4_normal": "89", "r4_dead": "11"},
    "moisture": {"m1_dish_g": "10", "m1_wet_g": "15", "m1_dry_g": "14.400", "m2_dish_g": "10", "m2_wet_g": "15",
                 "m2_dry_g": "14.395"},
    "purity": {"examined": "1000", "off_types": "20", "method": "growout", "trueness": "yes"},
}
# Germination 80% against a label of 85% (and GB 4404.1's 85%): unqualified.
POOR_GERMINATION = {"r1_normal": "81", "r1_dead": "19", "r2_normal": "79", "r2_dead": "21", "r3_normal": "80",
                    "r3_dead": "20", "r4_normal": "80", "r4_dead": "20"}


def build_labs(ctx):
    from inspections.models import Task

    from .models import LabSample

    county = ctx.county.code
    if LabSample.objects.filter(region_code__startswith=county).exists():
        return
    tasks = [t for t in Task.objects.filter(region_code__startswith=county, status="open", draw__isnull=False)
             .select_related("business").order_by("id") if "maize" not in t.blocked_crops]
    if len(tasks) < 4:
        ctx.say("检验：开放任务不足，未生成检验演示数据")
        return
    tech, reviewer, chief, clerk = (ctx.users[u] for u in ("jianyan", "shenhe", "zhanzhang", "keyuan"))
    unqualified_task = _holder_of_spreading_lot(tasks) or tasks[0]
    others = [t for t in tasks if t is not unqualified_task][:3]
    samples = [_sample_at(task, n, tech) for n, task in enumerate(others, 1)]
    bad = _sample_at(unqualified_task, 4, tech, held_lot=True)
    in_test, in_review, qualified = samples
    _enter(in_test, tech, {"cleanliness": GOOD["cleanliness"]}, submit=False)
    _enter(in_review, tech, GOOD)
    _enter(qualified, tech, GOOD, reviewer=reviewer)
    _enter(bad, tech, {**GOOD, "germination": POOR_GERMINATION}, reviewer=reviewer)
    from . import services

    services.judge_sample(qualified, actor=reviewer)
    report = services.judge_sample(bad, actor=reviewer)
    _issue_stop_sale(report, chief)
    _open_retest(report, clerk, ctx.users["shiji"])
    ctx.say(f"检验：5个样品（待收样1、检验中1、待审核1、合格1、不合格1）；不合格样品 {bad.code} 已发停止销售通知，"
            f"复检在上级检验机构进行")


def _holder_of_spreading_lot(tasks):
    from licensing import selectors

    for task in tasks:
        if selectors.lots_held_by(task.business).filter(variety__crop__code="maize").exists():
            return task
    return None


def _sample_at(task, n, tech, *, held_lot=False):
    """Visit the task's shop, sample maize (its ledger lot when ``held_lot``), hand to the lab."""
    from inspections import services as inspections
    from inspections.demo import _near, demo_signature
    from licensing import selectors
    from licensing.models import Variety

    from . import services

    lead = task.inspectors.order_by("pk").first()
    lat, lon = _near(task.business)
    visit = inspections.start_visit(actor=lead, task=task, latitude=lat, longitude=lon, accuracy_m=11)
    lot = selectors.lots_held_by(task.business).filter(variety__crop__code="maize").first() if held_lot else None
    common = {"lot_size_kg": "1200", "packages": 480, "test_seals": [f"建封1{n}01", f"建封1{n}02"],
              "backup_seals": [f"建封1{n}03"], "backup_kept_at": "建平县种子管理站样品室",
              "business_signer": task.business.legal_representative or "店主", "business_signature": demo_signature()}
    if lot is not None:
        record = inspections.record_sampling(visit, actor=lead, lot=lot, **common)
    else:
        variety = Variety.objects.filter(crop__code="maize").order_by("pk").first()
        record = inspections.record_sampling(
            visit, actor=lead, crop="maize", variety=variety, variety_name=variety.name if variety else "郑单958",
            lot_number=f"2026-04-{n:03d}", producer_name="河南秋乐种业科技股份有限公司",
            label={"purity": "96.0", "cleanliness": "99.0", "germination": "85", "moisture": "13.0",
                   "seed_type": "single_cross", "seed_class": "大田用种"}, **common)
    inspections.close_visit(visit, actor=lead, outcome="compliant", ack_signature=demo_signature(), latitude=lat,
                            longitude=lon, accuracy_m=9)
    test = record.samples.get(role="test")
    return services.receive_sample(actor=tech, code=test.code, seal_numbers=test.seal_numbers, seals_intact=True,
                                   quantity_g="1000", storage_location=f"样品柜A-{n}", condition="干燥，无霉变",
                                   seed_class="大田用种")


def _enter(sample, tech, raw, *, submit=True, reviewer=None):
    from . import services
    from .models import LabTest

    for index, data in raw.items():
        test = LabTest.objects.current().get(sample=sample, index=index)
        services.enter_test_data(test, actor=tech, raw=data)
        if submit:
            services.submit_test(test, actor=tech)
        if reviewer is not None:
            services.review_test(test, actor=reviewer, approve=True)


def _issue_stop_sale(report, chief):
    from licensing import services as licensing

    if report.stop_sale_order_id:
        licensing.review_stop_sale_order(actor=chief, order=report.stop_sale_order)
        licensing.issue_stop_sale_order(actor=chief, order=report.stop_sale_order)


def _open_retest(report, clerk, higher_lab):
    """The shop objects on paper the day the report is served; the backup goes to the city lab."""
    from seedreg.documents.services import record_service

    from . import services

    business = report.sample.sample.sampling.business
    record_service(report.document, method="in_person", served_at=timezone.now(), actor=clerk,
                   recipient_name=business.legal_representative or business.name, recipient_label=business.name)
    retest = services.request_retest(report, actor=clerk, reason="被抽样单位对发芽率结果有异议，申请复检",
                                     received_on=timezone.localdate())
    services.dispatch_backup(retest, actor=clerk, to="朝阳市农业综合检验检测中心（专人送样）")
    backup = report.sample.sample.sampling.samples.get(role="backup")
    services.receive_backup(retest, actor=higher_lab, seal_numbers=backup.seal_numbers, seals_intact=True,
                            quantity_g="1000", storage_location="市检样品库2号", condition="封签完好")
