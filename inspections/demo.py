"""The inspections part of the demo county: the inspector directory, a spring campaign with a
published draw and tasks for the coming days, a complaint, two visits done (one with findings,
photos and a rectification order, one with sampling) and samples waiting for the lab."""

from __future__ import annotations

import datetime
import io

from django.utils import timezone
from PIL import Image, ImageDraw

from licensing.models import Business, Crop


def demo_photo(seed: int, taken: datetime.datetime) -> bytes:
    """A generated 'photo' of a seed bag: a coloured bag with a label panel, EXIF time and GPS."""
    from PIL.TiffImagePlugin import IFDRational

    image = Image.new("RGB", (1600, 1200), (90 + seed * 20 % 120, 140, 60))
    draw = ImageDraw.Draw(image)
    draw.rectangle((400, 250, 1200, 950), fill=(235, 225, 200), outline=(40, 40, 40), width=8)
    for row in range(6):
        draw.rectangle((470, 320 + row * 100, 1130 - row * 60, 360 + row * 100), fill=(60, 60, 60))
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = timezone.localtime(taken).strftime("%Y:%m:%d %H:%M:%S")
    gps = exif.get_ifd(0x8825)
    gps[1], gps[3] = "N", "E"
    gps[2] = (IFDRational(41), IFDRational(24), IFDRational(108, 10))
    gps[4] = (IFDRational(119), IFDRational(38), IFDRational(348, 10))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80, exif=exif)
    return out.getvalue()


def demo_signature() -> bytes:
    image = Image.new("RGB", (400, 140), (255, 255, 255))
    ImageDraw.Draw(image).line([(30, 100), (120, 40), (200, 110), (300, 30), (370, 90)], fill=(0, 0, 0), width=6)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def build_inspections(ctx):
    from . import services
    from .models import Plan, Task

    county = ctx.county.code
    if Plan.objects.filter(region_code=county).exists():
        return
    chief, clerk = ctx.users["zhanzhang"], ctx.users["keyuan"]
    inspectors = [ctx.users["zhifa1"], ctx.users["zhifa2"], ctx.users["zhifa3"]]
    today = timezone.localdate()
    for user in [*inspectors, chief]:
        services.save_inspector_profile(user, actor=chief)
    businesses = list(Business.objects.within(county).active().exclude(latitude=None).order_by("id"))
    if len(businesses) < 4:
        return
    services.declare_conflict(inspectors[2].inspector_profile, actor=chief, business=businesses[0],
                              reason="配偶在该店任职")
    plan = services.create_plan(actor=clerk, year=today.year, title=f"{today.year}年种子市场监督检查计划",
                                summary="春秋两季专项检查，双随机抽查比例不低于30%，重点检查上年度抽检不合格主体。")
    campaign = services.create_campaign(
        plan, actor=clerk, name=f"{today.year}年春季种子市场专项检查", mode="sweep", season="spring_in_sale",
        starts_on=today - datetime.timedelta(days=3), ends_on=today + datetime.timedelta(days=30),
        crops=[Crop.objects.get(code="maize"), Crop.objects.get(code="soybean")],
        matters=["证照公示", "购销台账", "种子标签", "品种审定", "质量抽检"], sampling_target=20, take_first_batch=True)
    services.create_campaign(
        plan, actor=clerk, name=f"{today.year}年秋季联合检查", mode="joint", season="autumn_pre_sale",
        starts_on=datetime.date(today.year, 9, 1), ends_on=datetime.date(today.year, 10, 31),
        joint_agencies=["建平县市场监督管理局"], crops=[Crop.objects.get(code="maize")], matters=["证照", "标签"])
    services.record_complaint(actor=clerk, channel="hotline", business=businesses[1], complainant_name="赵大山",
                              complainant_phone="13904217788", lot_text="郑单958",
                              description="购买的玉米种子发芽率低，疑似陈种子。",
                              photos=[("complaint.jpg", demo_photo(1, timezone.now()))])
    draw = services.run_draw(campaign, actor=chief, ratio="0.3", seed=f"jianping-{today.year}-spring")
    services.create_draw_tasks(draw, actor=chief)
    services.publish_draw(draw, actor=chief)
    tasks = list(Task.objects.filter(draw=draw).order_by("id"))
    for i, task in enumerate(tasks):
        services.plan_task_day(task, actor=clerk, day=today + datetime.timedelta(days=i % 3))
    done = [t for t in tasks[:2]]
    if done:
        _visit_with_rectification(done[0], businesses)
    if len(done) > 1:
        _visit_with_sampling(done[1])
    ctx.say(f"监督检查：专项检查“{campaign.name}”，抽取{draw.subject_count}户，已公示")


def _near(business):
    return business.latitude, business.longitude


def _visit_with_rectification(task, businesses):
    from . import services

    people = list(task.inspectors.order_by("pk"))
    lead = people[0]
    lat, lon = _near(task.business)
    visit = services.start_visit(actor=lead, task=task, latitude=lat, longitude=lon, accuracy_m=12)
    services.answer_checklist(visit, actor=lead, answers={
        "licence_displayed": "yes", "ledger_complete": ("no", "3月以来销售未登记购买人"),
        "label_complete": ("no", "“先玉335”标签缺检疫证明编号"), "not_past_guarantee": "yes"})
    for n, finding in enumerate(visit.findings.all()):
        services.add_finding_photo(finding, actor=lead, data=demo_photo(n + 2, timezone.now()), name=f"现场{n + 1}.jpg")
    services.close_visit(visit, actor=lead, outcome="rectification", rectification_days=15, ack_signature=demo_signature(),
                         latitude=lat, longitude=lon, accuracy_m=10)


def _visit_with_sampling(task):
    from . import services

    people = list(task.inspectors.order_by("pk"))
    lead = people[0]
    lat, lon = _near(task.business)
    visit = services.start_visit(actor=lead, task=task, latitude=lat, longitude=lon, accuracy_m=15)
    blocked = set(task.blocked_crops)
    crop = "soybean" if "maize" in blocked else "maize"
    services.record_sampling(
        visit, actor=lead, crop=crop, variety_name="郑单958" if crop == "maize" else "辽豆15", lot_number="2026-03-118",
        producer_name="河南秋乐种业科技股份有限公司", label={"purity": "96.0", "cleanliness": "99.0",
                                                   "germination": "85", "moisture": "13.0"},
        lot_size_kg="1500", packages=600, test_seals=["建封0001", "建封0002"], backup_seals=["建封0003"],
        backup_kept_at="建平县种子管理站样品室", business_signer=task.business.legal_representative or "店主",
        business_signature=demo_signature())
    services.answer_checklist(visit, actor=lead, answers={"licence_displayed": "yes", "label_complete": "yes"})
    services.close_visit(visit, actor=lead, outcome="compliant", ack_signature=demo_signature(), latitude=lat,
                         longitude=lon, accuracy_m=9)
