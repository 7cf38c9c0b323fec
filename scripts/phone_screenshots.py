"""Phone-sized screenshots of the inspectors' app for docs/phone-app.md (360×740, touch).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/seedreg_w9 .venv/bin/python scripts/phone_screenshots.py [--port 8901]

Makes a fresh day (bench/bench_phone_app.py's builder, plus a complaint to follow up and a
rectification order to re-check), serves it with gunicorn on loopback and walks one visit:
login, route, business, checklist, finding with photo, sampling with the business's signature,
check-out with both inspectors' own signatures, joining the colleague's visit at another shop,
complaint follow-up, rectification conclusion, offline outbox, sync answers, seed-bag scan.
Writes docs/phone-app/*.png."""

import argparse
import datetime
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import bench_phone_app as bench  # noqa: E402
from _django import setup  # noqa: E402

OUT = ROOT / "docs" / "phone-app"


def add_follow_ups(pair_ids):
    """A complaint at the day's last shop and, at the one before, a visit closed with a
    rectification order whose follow-up (re-check) is planned for today."""
    from django.utils import timezone

    from inspections import services as inspections
    from inspections.models import RectificationOrder, Task
    from seedreg.accounts.models import User
    from seedreg.accounts.roles import Role
    from tests.factories import make_user

    today = timezone.localdate()
    pair = list(User.objects.filter(pk__in=pair_ids).order_by("pk"))
    clerk = make_user(Role.STATION_CLERK, username=f"shots-clerk-{Task.objects.count()}")
    tasks = list(Task.objects.filter(inspectors=pair[0], status=Task.Status.OPEN).order_by("-id")[:2])
    complaint = inspections.record_complaint(actor=clerk, channel="hotline", business=tasks[0].business, anonymous=True,
                                             description="农户反映所购“郑单958”出苗率低，怀疑发芽率不合格",
                                             lot_text="郑单958 批号ZD2026-001")
    task = inspections.spawn_complaint_task(complaint, actor=clerk, inspectors=pair,
                                            due_on=today + datetime.timedelta(days=5))
    inspections.plan_task_day(task, actor=clerk, day=today)
    visit = inspections.start_visit(actor=pair[0], task=tasks[1])
    inspections.answer_checklist(visit, actor=pair[0], answers={"label_complete": ("no", "“先玉335”标签缺检疫证明编号")})
    inspections.close_visit(visit, actor=pair[0], outcome="rectification", rectification_days=10, ack_refused=True,
                            ack_note="负责人外出，店员拒签")
    follow_up = Task.objects.get(rectification=RectificationOrder.objects.get(visit=visit))
    inspections.plan_task_day(follow_up, actor=clerk, day=today)
    # The colleague has checked in on their own phone at shop 1: the phone joins that visit.
    colleague = Task.objects.get(inspectors=pair[0], business__name__endswith="-1种子门市部")
    inspections.start_visit(actor=pair[1], task=colleague)


def sign(page, pad, hand=0):
    """Draw on a pad (a selector or a locator); each ``hand`` a stroke of its own."""
    pad = page.locator(pad) if isinstance(pad, str) else pad
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + 100)
    page.mouse.down()
    for step in range(1, 16):
        page.mouse.move(box["x"] + 30 + step * (18 - 2 * hand), box["y"] + 100 - (step % (4 + hand)) * 18)
    page.mouse.up()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=bench.PORT)
    bench.PORT = parser.parse_args().port
    setup("bench.settings_bench")
    from django.core.management import call_command
    from PIL import Image

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    username, password, pair = bench.make_day(6)
    add_follow_ups(pair)
    url = f"http://localhost:{bench.PORT}"
    server = bench.start_server(url)
    OUT.mkdir(exist_ok=True)
    photo = io.BytesIO()
    Image.radial_gradient("L").resize((2000, 1500)).convert("RGB").save(photo, "JPEG")
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = bench.chromium(p)
            context = bench.phone_context(browser)
            page = context.new_page()
            shot = lambda name: page.screenshot(path=OUT / f"{name}.png")  # noqa: E731
            page.goto(f"{url}/m/")
            page.fill("input[name=username]", username)
            page.fill("input[name=device_name]", "张执法的手机")
            shot("01-login")
            page.fill("input[name=password]", password)
            page.click("button[type=submit]")
            page.wait_for_selector("#route .task .distance")
            shot("02-route")
            page.click("#route .task:not(:has-text('投诉')):not(:has-text('整改')) >> nth=0")
            page.wait_for_selector("#checkin")
            shot("03-business")
            context.set_offline(True)  # only for the banner: the app's own work needs no network here
            page.click("#checkin")
            page.wait_for_selector("#checklist")
            items = page.locator("#checklist fieldset.item")
            for i in range(items.count()):
                items.nth(i).locator("input[value=yes]").check()
            items.nth(1).locator("input[value=no]").check()
            items.nth(1).locator("input:not([type])").fill("购销台账缺少销售去向")
            page.locator("#checklist fieldset.item >> nth=1").scroll_into_view_if_needed()
            shot("04-checklist")
            page.click("#checklist button")
            page.wait_for_selector("#findings li.finding")
            page.set_input_files("#findings .photo-input", files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg",
                                                                   "buffer": photo.getvalue()}])
            page.wait_for_selector("#findings li.finding:has-text('照片 1 张')")
            page.locator("#findings").scroll_into_view_if_needed()
            shot("05-finding-photo")
            page.click("#add-sample")
            page.select_option("select[name=crop_code]", "maize")
            page.fill("input[name=variety_name]", "郑单958")
            page.fill("input[name=lot_number]", "ZD2026-001")
            page.fill("input[name=lot_size_kg]", "2000")
            page.fill("input[name=packages]", "20")
            page.fill("input[name=test_seals]", "FQ-0001")
            page.fill("input[name=backup_seals]", "FQ-0002")
            page.fill("input[name=backup_kept_at]", "门市部库房")
            page.fill("input[name=business_signer]", "王经理")
            sign(page, "#business-signature")
            shot("06-sampling")
            for hand, box in enumerate(page.locator("#sample .inspector-signature canvas").all(), 1):
                sign(page, box, hand)
            page.click("#sample button.primary")
            page.wait_for_selector("#close")
            page.select_option("select[name=outcome]", "rectification")
            sign(page, "#signature")
            shot("07-checkout")
            for hand, box in enumerate(page.locator("#close .inspector-signature canvas").all(), 1):
                sign(page, box, hand)
            page.locator("#close #inspector-signatures legend").scroll_into_view_if_needed()
            shot("14-inspector-signatures")
            page.click("#close button.big")
            page.wait_for_selector("#route")
            page.click("#route .task:has-text('-1种子门市部')")
            page.wait_for_selector("#join-visit")
            shot("13-join-visit")
            page.click("#join-visit")
            page.wait_for_selector("#joined")
            page.goto(f"{url}/m/#/")
            page.click("#route .task:has-text('投诉举报')")
            page.click("#complaint-follow-up")
            page.fill("textarea[name=found]", "现场抽查同批次郑单958（批号ZD2026-001），标签发芽率85%；门市部未留存购种凭证")
            page.select_option("select[name=outcome]", "partly")
            page.set_input_files("input[name=photos]", files=[{"name": "IMG_0002.jpg", "mimeType": "image/jpeg",
                                                               "buffer": photo.getvalue()}])
            page.click("#follow-up button")
            page.wait_for_selector("section.follow-up:has-text('证据照片 1 张')")
            shot("11-complaint-follow-up")
            page.goto(f"{url}/m/#/")
            page.click("#route .task:has-text('整改复查')")
            page.click("#rectification-conclusion")
            page.check("input[name=rectified][value=no]")
            page.click("#conclusion button")
            page.wait_for_selector(".field-error")
            page.fill("textarea[name=note]", "“先玉335”标签仍未补正检疫证明编号")
            page.locator("#conclusion").scroll_into_view_if_needed()
            shot("12-rectification-review")
            page.click("#conclusion button")
            page.wait_for_selector("section.conclusion")
            page.goto(f"{url}/m/#/outbox")
            page.wait_for_selector(".outbox-item")
            shot("08-outbox-offline")
            context.set_offline(False)
            page.click("#sync")
            page.wait_for_selector("#sync-progress:has-text('同步完成')", timeout=120000)
            shot("09-synced")
            page.goto(f"{url}/m/#/scan")
            page.fill("textarea[name=text]", "品种名称：郑单958\n生产经营者名称：河南秋乐种业科技股份有限公司\n"
                                             "单元识别代码：0001170315123456789\n追溯网址：http://www.zzsc.cn/q/0001170315123456789")
            page.click("#scan button")
            page.wait_for_selector("#scan-result")
            shot("10-scan")
            browser.close()
    finally:
        server.terminate()
        server.wait()
    for png in sorted(OUT.glob("*.png")):
        print(png.relative_to(ROOT), png.stat().st_size)


if __name__ == "__main__":
    main()
