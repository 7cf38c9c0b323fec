"""Bad input everywhere: every field of the station's forms, the public pages and the directory
import tried with empty, too long, wrong type, script tags, SQL fragments and another county's
ids. Each answer is a form error or a clear 4xx (never a 500: the test client re-raises one),
nothing is half-written (a refused request changes no row), and nothing is rendered unescaped
(the raw script tag never appears in the answer or in the page a successful post leads to).

A form is listed in ``FORMS`` with the URL it posts to and a valid payload; every field of the
payload is then replaced by every bad value in turn."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from inspections import services as inspections
from licensing import services, tasks
from licensing.demo import credit_code
from licensing.models import Business, Crop, ImportJob
from seedreg.audit.models import AuditEntry
from seedreg.outbox.models import OutboxMessage
from seedreg.regulated import service_context
from tests.factories import CHAOYANG_COUNTY, make_user
from tests.licensing.conftest import crops, make_business, varieties  # noqa: F401  (fixtures)
from tests.licensing.test_import import HEADERS

SCRIPT = "<script>alert(1)</script>"
SQL = "1' OR '1'='1'; DROP TABLE licensing_business; --"
BAD_VALUES = {
    "empty": "",
    "too long": "长" * 5000,
    "wrong type": "二〇二六年某日∑",
    "script": SCRIPT,
    "sql": SQL,
}
ERROR_MARK = 'role="alert"'  # how form and page errors are rendered (forms/form.html, errors/)
FOREIGN_REGION = "211321102"  # 朝阳县波罗赤镇: another county


@dataclass(frozen=True)
class FormCase:
    url: str  # name of the URL
    obj: str | None  # the world's object the URL points at
    payload: dict
    user: str = "clerk"


def today(offset_days=0):
    return (timezone.localdate() + datetime.timedelta(days=offset_days)).isoformat()


FORMS = {
    "business_create": FormCase("licensing:business_create", None, {
        "name": "建平县新苗种子店", "kind": "packaged_seller", "entity_type": "enterprise",
        "credit_code": credit_code("92211322", 41), "region_code": "211322102", "coordinate_system": "wgs84",
        "contact_phone": "13904210041", "address": "建平镇新街1号", "notes": "新开业"}),
    "business_edit": FormCase("licensing:business_edit", "shop", {
        "name": "建平县丰收种子门市部", "kind": "packaged_seller", "entity_type": "enterprise",
        "credit_code": credit_code("92211322", 1), "region_code": "211322102", "coordinate_system": "wgs84",
        "address": "建平镇农资市场12号"}),
    "licence_create": FormCase("licensing:licence_create", "producer", {
        "number": "C(辽朝建)农种许字(2026)第0099号", "issued_on": today(), "expires_on": today(1800),
        "crops": "maize", "issuing_organ": "建平县农业农村局", "valid_region": "建平县"}),
    "licence_status": FormCase("licensing:licence_status", "licence", {
        "kind": "suspended", "effective_on": today(), "decision_number": "建农种罚〔2026〕1号", "reason": "违法经营"},
        user="chief"),
    "filing_create": FormCase("licensing:filing_create", "shop", {
        "filing_type": "consignment", "principal_business": "producer", "principal_licence_number": "licence",
        "sale_location": "建平镇农资市场12号", "event_on": today(), "filed_on": today(), "varieties": "郑单958:100"}),
    "document_check_create": FormCase("licensing:document_check_create", "shop", {
        "displayed": "on", "current": "on", "matches_record": "on", "notes": "证照齐全"}, user="inspector"),
    "dealer_account_create": FormCase("licensing:dealer_account_create", "shop", {
        "phone": "13900000077", "full_name": "赵店主", "delivery": "slip"}),
    "variety_create": FormCase("licensing:variety_create", None, {
        "crop": "maize", "name": "建玉新1号", "seed_type": "single_cross", "approval_number": "辽审玉2026001",
        "approved_region_codes": "21"}),
    "outside_party_create": FormCase("licensing:outside_party_create", None, {
        "name": "吉林某种业有限公司", "kind": "producer", "home_region_text": "吉林省公主岭市"}),
    # Doing a visit (inspections): the inspector at the web pages, on an open visit at the shop.
    "visit_start": FormCase("inspections:visit_start", None, {
        "business": "shop", "partners": "inspector2", "latitude": "41.40", "longitude": "119.64", "accuracy_m": "10",
        "checked_in_at": "2026-03-01T09:30"}, user="inspector"),
    "peddler_visit": FormCase("inspections:peddler_visit", None, {
        "region_code": "211322102", "peddler_location": "建平镇大集东口", "peddler_description": "三轮车，男",
        "goods_sold": "散装玉米种子", "partners": "inspector2"}, user="inspector"),
    "visit_checklist": FormCase("inspections:visit_checklist", "visit", {
        "answer_label_complete": "no", "note_label_complete": "无检疫证明编号"}, user="inspector"),
    "finding_create": FormCase("inspections:finding_create", "visit", {
        "finding_type": "label_incomplete", "description": "标签缺少生产日期"}, user="inspector"),
    "sampling_create": FormCase("inspections:sampling_create", "visit", {
        "crop": "maize", "variety_name": "郑单958", "lot_number": "20260301A", "germination": "85",
        "lot_size_kg": "1200", "packages": "480", "test_seals": "JP0001", "backup_seals": "JP0002",
        "backup_kept_at": "县种子站样品室", "business_signer": "王丰收"}, user="inspector"),
    "visit_close": FormCase("inspections:visit_close", "visit", {
        "outcome": "compliant", "ack_refused": "on", "ack_note": "店主拒绝签字", "rectification_days": "10"},
        user="inspector"),
    "login": FormCase("accounts:login", None, {"username": "nobody", "password": "wrong-password"}, user=""),
    "password_forgot": FormCase("portal:password_forgot", None, {"step": "request", "phone": "13900000078"}, user=""),
}


@pytest.fixture
def world(clerk, chief, inspector, inspector2, crops, varieties):  # noqa: F811
    shop = make_business(clerk)
    producer = make_business(clerk, "建平县丰禾种业有限公司", serial=2, kind="producer")
    outsider = make_user(region=CHAOYANG_COUNTY)
    foreign = make_business(outsider, "朝阳县外县种业有限公司", serial=9, region=FOREIGN_REGION, kind="producer")
    with service_context():
        licence = services.issue_seed_licence(
            producer, actor=clerk, number="B(辽朝)农种许字(2019)第0012号", issued_on=timezone.localdate() - datetime.timedelta(days=900),
            expires_on=timezone.localdate() + datetime.timedelta(days=300), crops=[crops["maize"]],
            issuing_organ="朝阳市农业农村局")
        for user in (inspector, inspector2):
            inspections.save_inspector_profile(user, actor=chief)
        visit = inspections.start_visit(actor=inspector, business=shop, inspectors=[inspector, inspector2])
    people = {"clerk": clerk, "chief": chief, "inspector": inspector, "": None}
    objects = {"shop": shop, "producer": producer, "licence": licence, "foreign": foreign, "visit": visit,
               "inspector2": inspector2}
    return people, objects


def resolve_payload(payload, objects):
    """Symbolic values in FORMS → real ones (object ids, the licence's number, crop ids)."""
    real = {}
    for key, value in payload.items():
        if key == "principal_business":
            real[key] = objects[value].pk
        elif key == "principal_licence_number":
            real[key] = objects["licence"].number
        elif key in ("business", "partners"):  # a person or business of the world
            real[key] = objects[value].pk
        elif key == "crops" or key == "crop":
            real[key] = Crop.objects.get(code=value).pk
        else:
            real[key] = value
    return real


WATCHED_APPS = ("licensing", "inspections", "audit", "outbox", "notifications", "documents", "accounts")


def snapshot():
    """Row counts of every watched table and the newest audit entry, in one query."""
    tables = sorted({m._meta.db_table for label in WATCHED_APPS for m in apps.get_app_config(label).get_models()})
    counts = ", ".join(f'(SELECT COUNT(*) FROM "{table}")' for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT {counts}, (SELECT MAX(id) FROM "{AuditEntry._meta.db_table}")')
        return dict(zip([*tables, "last_audit"], cursor.fetchone(), strict=True))


def check_answer(client, response, context, failures):
    body = response.content.decode(errors="replace")
    if SCRIPT in body:
        failures.append(f"{context}: the script tag was rendered unescaped")
    if response.status_code not in (200, 302, 400, 403, 404, 409, 413, 422, 429):
        failures.append(f"{context}: answered {response.status_code}")
    if response.status_code == 302:
        landing = client.get(response["Location"])
        if SCRIPT in landing.content.decode(errors="replace"):
            failures.append(f"{context}: the script tag was rendered unescaped on {response['Location']}")


@pytest.mark.parametrize("form_name", sorted(FORMS))
def test_every_field_of_a_form_survives_bad_input(form_name, world):
    people, objects = world
    case = FORMS[form_name]
    url = reverse(case.url, args=[objects[case.obj].pk] if case.obj else [])
    failures: list[str] = []
    for field_name in case.payload:
        for label, bad in BAD_VALUES.items():
            client = Client()
            if people[case.user]:
                client.force_login(people[case.user])
            payload = {**resolve_payload(case.payload, objects), field_name: bad}
            before = snapshot()
            response = client.post(url, payload)
            context = f"{field_name} = {label}"
            check_answer(client, response, context, failures)
            wrote = snapshot() != before
            told = response.status_code >= 400 or ERROR_MARK in response.content.decode()
            if told and wrote:
                failures.append(f"{context}: refused ({response.status_code}) but rows were written")
            if not told and not wrote and response.status_code == 200:
                failures.append(f"{context}: neither saved nor told why")
    assert not failures, "\n" + "\n".join(failures)


def test_another_countys_ids_are_refused_and_nothing_changes(world, clerk):
    _people, objects = world
    client = Client()
    client.force_login(clerk)
    foreign = objects["foreign"]
    before = snapshot()
    refused = [
        client.post(reverse("licensing:business_edit", args=[foreign.pk]), {"name": "改名", "kind": "producer",
                                                                            "entity_type": "enterprise",
                                                                            "region_code": FOREIGN_REGION}),
        client.post(reverse("licensing:licence_create", args=[foreign.pk]), {"number": "X", "issued_on": today()}),
        client.post(reverse("licensing:business_create"), {**FORMS["business_create"].payload,
                                                           "region_code": FOREIGN_REGION}),
        client.post(reverse("licensing:filing_create", args=[objects["shop"].pk]), {
            **resolve_payload(FORMS["filing_create"].payload, objects), "principal_business": foreign.pk}),
    ]
    assert [r.status_code for r in refused] == [404, 404, 422, 422]
    assert ERROR_MARK in refused[2].content.decode() and ERROR_MARK in refused[3].content.decode()
    assert snapshot() == before
    assert Business.objects.get(pk=foreign.pk).name == "朝阳县外县种业有限公司"


def test_public_search_takes_any_query_without_harm(client, world):
    for bad in [*BAD_VALUES.values(), "%", "_", "\\", "\x00"]:
        response = client.get(reverse("portal:verify_search"), {"q": bad})
        assert response.status_code in (200, 400), bad
        assert SCRIPT not in response.content.decode()


# --- the directory import -----------------------------------------------------------------------

def csv_bytes(rows, encoding="utf-8", bom=False):
    text = "\r\n".join(",".join(cell for cell in row) for row in [HEADERS, *rows]) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def row(name="建平县新苗种子店", serial=51, region="211322102", issued_on="", number=""):
    cells = [name, "不再分装包装种子经营者", "企业", credit_code("92211322", serial), "王新苗", "13904210051",
             "建平镇新街1号", region, number, issued_on, "", "", "", "", "", "", "", ""]
    return cells


def import_file(client, data, name):
    response = client.post(reverse("licensing:import_create"), {"file": SimpleUploadedFile(name, data)})
    job = ImportJob.objects.order_by("-pk").first()
    if response.status_code == 302 and job is not None:
        tasks.run_import(job.pk)
        job.refresh_from_db()
    return response, job


@pytest.fixture
def importer(client, clerk, world):
    client.force_login(clerk)
    return client


@pytest.mark.parametrize("encoding,bom", [("gbk", False), ("utf-8", True), ("utf-8", False)])
def test_a_csv_in_gbk_or_with_a_bom_imports_its_chinese_names(importer, encoding, bom):
    response, job = import_file(importer, csv_bytes([row()], encoding, bom), "名录.csv")
    assert response.status_code == 302 and job.status == ImportJob.Status.SUCCEEDED, job.message
    assert Business.objects.filter(name="建平县新苗种子店", address="建平镇新街1号").exists()


@pytest.mark.parametrize("label,bad_row", [
    ("another county's region", row(region=FOREIGN_REGION)),
    ("too long a name", row(name="长" * 500)),
    ("a date of the wrong type", row(number="C(辽朝建)农种许字(2026)第0098号", issued_on="不是日期")),
    ("an empty name", row(name="")),
])
def test_a_bad_row_fails_the_whole_import_and_writes_nothing(importer, label, bad_row):
    before = Business.objects.count()
    response, job = import_file(importer, csv_bytes([row(serial=52), bad_row]), "名录.csv")
    assert response.status_code == 302, label
    assert job.status == ImportJob.Status.FAILED and job.error_count == 1, (label, job.message)
    assert Business.objects.count() == before  # the good row was rolled back too


def test_script_tags_and_sql_in_an_import_are_stored_as_text_and_shown_escaped(importer):
    response, job = import_file(importer, csv_bytes([row(name=SCRIPT, serial=53), row(name=SQL, serial=54)]), "名录.csv")
    assert job.status == ImportJob.Status.SUCCEEDED, job.message
    assert set(Business.objects.filter(name__in=[SCRIPT, SQL]).values_list("name", flat=True)) == {SCRIPT, SQL}
    page = importer.get(reverse("licensing:business_list")).content.decode()
    assert SCRIPT not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize("label,data,name", [
    ("an empty file", b"", "名录.csv"),
    ("only a header", csv_bytes([]), "名录.csv"),
    ("a picture called .xlsx", b"\x89PNG\r\n\x1a\n" + bytes(200), "名录.xlsx"),
    ("a broken workbook", b"PK\x03\x04" + bytes(100), "名录.xlsx"),
    ("a text file", "随便写的内容".encode(), "说明.txt"),
    ("columns of something else", "姓名,年龄\r\n张三,30\r\n".encode(), "名录.csv"),
])
def test_an_unreadable_file_is_refused_at_upload(importer, label, data, name):
    response, job = import_file(importer, data, name)
    assert response.status_code in (200, 400, 422), label
    assert job is None, label  # no job, nothing queued
    assert not OutboxMessage.objects.filter(task_name="licensing.tasks.run_import").exists()
    assert ERROR_MARK in response.content.decode() or response.status_code >= 400, label


def test_a_name_with_a_long_latin_word_is_saved_and_found(client, clerk, crops):  # noqa: F811
    # Its search token used to overflow a varchar(8) column: a 500 on PostgreSQL only.
    shop = make_business(clerk, "Pioneer International 先锋种业建平经销部", serial=56)
    response = client.get(reverse("portal:verify_search"), {"q": "先锋种业"})
    assert response.status_code == 200 and shop.name in response.content.decode()
