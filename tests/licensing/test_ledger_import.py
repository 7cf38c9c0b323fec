"""The ledger import: a real .xlsx through the dealer portal, all rows or none, an error
workbook naming each bad row, the template, and a real Celery worker."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from licensing import selectors, tasks
from licensing.models import ImportJob, LedgerEntry, SeedLot, StockBalance
from licensing.services.ledger_import import LEDGER_COLUMNS
from tests.helpers import wait_for
from tests.licensing.conftest import days_ago
from tests.licensing.test_pages import login

HEADERS = ["日期", "类型", "作物", "品种", "批号", "生产经营者", "数量（千克）", "件数", "对方", "电话", "村组", "票据号", "说明"]


def good_rows():
    return [
        [days_ago(6), "购进", "玉米", "郑单958", "ZD2026-001", "北京德农种业有限公司", 200, 10, "北京德农种业有限公司", "", "", "FP-1", ""],
        [days_ago(5).isoformat(), "销售", "玉米", "郑单958", "ZD2026-001", "北京德农种业有限公司", "40", 2, "赵大山", "13812345678",
         "建平镇东村", "XS-1", ""],
        [days_ago(4).isoformat(), "销售", "", "郑单958", "ZD2026-001", "北京德农种业有限公司", 20.5, 1, "建平县黑水镇农资店", "", "",
         "XS-2", ""],
        [days_ago(3).isoformat(), "损耗", "玉米", "郑单958", "ZD2026-001", "北京德农种业有限公司", 1.5, 0, "", "", "", "", "鼠害"],
    ]


def bad_rows():
    return [
        [days_ago(2).isoformat(), "销售", "玉米", "郑单958", "ZD2026-001", "北京德农种业有限公司", 1000, 50, "李四", "", "", "", ""],
        [days_ago(2).isoformat(), "销售", "玉米", "不存在的品种", "X-1", "北京德农种业有限公司", 1, 0, "王五", "", "", "", ""],
        [days_ago(400).isoformat(), "购进", "玉米", "郑单958", "ZD2026-001", "北京德农种业有限公司", 5, 0, "", "", "", "", ""],
        [days_ago(2).isoformat(), "购进", "玉米", "郑单958", "ZD2026-009", "没有登记的厂家", 5, 0, "", "", "", "", ""],
    ]


def xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["建平县丰收种子门市部购销台账"])  # a title line above the header
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, data, name="台账.xlsx"):
    return client.post(reverse("portal:dealer_import"), {"file": SimpleUploadedFile(name, data)})


@pytest.fixture
def ready(shop_dealer, shop_b, lot, client):
    login(client, shop_dealer)
    return lot


@pytest.mark.django_db
def test_the_template_has_every_column(client, ready):
    workbook = load_workbook(io.BytesIO(client.get(reverse("portal:dealer_import_template")).content))
    assert [c.value for c in workbook.worksheets[0][1]] == [names[0] for names in LEDGER_COLUMNS.values()]


@pytest.mark.django_db
def test_a_good_file_applies_every_row(client, ready, shop, shop_b):
    response = upload(client, xlsx(good_rows()))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("portal:dealer_import_detail", args=[job.pk])
    tasks.run_import(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED and job.applied_count == 4
    assert selectors.stock_of(shop, ready) == Decimal("138")
    assert SeedLot.objects.count() == 1
    sale = LedgerEntry.objects.get(document_number="XS-1")
    assert (sale.counterparty_name, sale.farmer_phone, sale.farmer_village) == ("赵大山", "13812345678", "建平镇东村")
    # A sale to a registered dealer of the county waits for them to confirm it.
    assert LedgerEntry.objects.get(document_number="XS-2").transfer.buyer == shop_b
    progress = client.get(reverse("portal:dealer_import_detail", args=[job.pk]), {"format": "json"}).json()
    assert progress["finished"] and progress["processed"] == 4


@pytest.mark.django_db
def test_any_bad_row_means_nothing_is_applied_and_the_file_comes_back_with_errors(client, ready, shop):
    upload(client, xlsx(good_rows() + bad_rows()))
    job = ImportJob.objects.get()
    tasks.run_import(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.error_count == 4
    assert not LedgerEntry.objects.exists() and selectors.stock_of(shop, ready) == 0
    page = client.get(reverse("portal:dealer_import_detail", args=[job.pk])).content.decode()
    assert reverse("portal:dealer_import_errors", args=[job.pk]) in page and "4 行有错误" in page
    errors = client.get(reverse("portal:dealer_import_errors", args=[job.pk]))
    rows = list(load_workbook(io.BytesIO(b"".join(errors.streaming_content))).active.values)
    assert rows[0][-1] == "错误"
    assert [bool(r[-1]) for r in rows[1:]] == [False] * 4 + [True] * 4
    messages = [r[-1] for r in rows[5:]]
    assert "库存不足" in messages[0] and "不在品种目录中" in messages[1]
    assert "天内" in messages[2] and "尚未登记" in messages[3]


@pytest.mark.django_db
def test_other_dealers_and_staff_cannot_see_the_job(client, ready, clerk, shop_b):
    from tests.licensing.conftest import make_dealer

    upload(client, xlsx(good_rows()))
    job = ImportJob.objects.get()
    for user in (make_dealer(clerk, shop_b, "13904217777"), clerk):
        login(client, user)
        assert client.get(reverse("portal:dealer_import_detail", args=[job.pk])).status_code == 404


@pytest.mark.celery_worker
def test_a_real_worker_runs_the_ledger_import(celery_worker, client, shop_dealer, shop_b, lot, shop):
    login(client, shop_dealer)
    upload(client, xlsx(good_rows()))
    job = ImportJob.objects.get()
    assert wait_for(lambda: ImportJob.objects.get(pk=job.pk).finished, seconds=60)
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.SUCCEEDED
    assert selectors.stock_of(shop, lot) == Decimal("138")


def _import(actor, business, data):
    """Queue and run an import of ``data``; the finished job and its error column (or None)."""
    from licensing.services import run_import, start_import
    from seedreg.regulated import service_context

    with service_context():
        job = start_import(actor=actor, kind=ImportJob.Kind.LEDGER, upload=SimpleUploadedFile("台账.xlsx", data),
                           business=business)
    job = run_import(job.pk)
    if not job.error_file:
        return job, None
    with job.error_file.open("rb") as f:
        return job, [r[-1] or "" for r in list(load_workbook(io.BytesIO(f.read())).active.values)[1:]]


def _ledger_state(business):
    entries = sorted(
        (e.kind, e.lot.lot_number, e.quantity_kg, e.packages, e.occurred_on, e.counterparty_name,
         e.counterparty_business_id, e.counterparty_outside_id, e.farmer_phone, e.farmer_village, e.document_number,
         e.reason, getattr(getattr(e, "transfer", None), "buyer_id", None))
        for e in LedgerEntry.objects.filter(business=business).select_related("lot"))
    balances = sorted((b.lot.lot_number, b.quantity_kg, b.packages)
                      for b in StockBalance.objects.filter(business=business).select_related("lot"))
    return entries, balances


def _both_ways(monkeypatch, actor, business, data):
    """The same file through the batched import and through the per-row services (the runner's
    row-by-row path with ``apply_ledger_row``), each rolled back after it is looked at."""
    import dataclasses

    from django.db import transaction

    from licensing.services.importing import IMPORTERS

    results = []
    for batched in (True, False):
        with monkeypatch.context() as patch:
            if not batched:
                patch.setitem(IMPORTERS, ImportJob.Kind.LEDGER,
                              dataclasses.replace(IMPORTERS[ImportJob.Kind.LEDGER], apply_all=None))
            with transaction.atomic():
                job, errors = _import(actor, business, data)
                results.append((job.status, job.applied_count, errors, _ledger_state(business)))
                transaction.set_rollback(True)
    return results


def stock_rule_rows():
    """Purchases and sales of one lot across dates, out of date order, so that back-dated rows meet
    the stock of later dates; rows 3, 5 and 8 must be refused."""
    p = ["玉米", "郑单958", "ZD2026-001", "北京德农种业有限公司"]
    return [
        [days_ago(6).isoformat(), "购进", *p, 100, 5, "北京德农种业有限公司", "", "", "FP-1", ""],
        [days_ago(2).isoformat(), "销售", *p, 60, 3, "赵大山", "13812345678", "东村", "XS-1", ""],
        [days_ago(4).isoformat(), "销售", *p, 50, 0, "钱二", "", "", "XS-2", ""],  # d-2 would be -10
        [days_ago(4).isoformat(), "销售", *p, 30, 0, "建平县黑水镇农资店", "", "", "XS-3", ""],
        [days_ago(5).isoformat(), "销售", *p, 20, 0, "孙三", "", "", "XS-4", ""],  # d-2 would be -10
        [days_ago(3).isoformat(), "购进", *p, 20, 1, "", "", "", "FP-2", ""],
        [days_ago(5).isoformat(), "销售", *p, 25, 0, "李四", "", "", "XS-5", ""],  # lowest after: 5
        [days_ago(7).isoformat(), "销售", *p, 10, 0, "周五", "", "", "XS-6", ""],  # nothing on d-7
        [days_ago(3).isoformat(), "退货（购买方退回）", *p, 2.5, 0, "赵大山", "", "", "", "包装破损"],
        [days_ago(1).isoformat(), "损耗", *p, 1.25, 0, "", "", "", "", "鼠害"],
        [days_ago(2).isoformat(), "购进", "玉米", "郑单958", "ZD2026-NEW", "北京德农种业有限公司", 8, 0, "", "", "", "", ""],
    ]


@pytest.mark.django_db
def test_the_batched_import_and_the_per_row_services_agree(monkeypatch, ready, shop_dealer, shop, shop_b):
    rows = stock_rule_rows()
    refused = _both_ways(monkeypatch, shop_dealer, shop, xlsx(rows))
    assert refused[0] == refused[1]
    status, _applied, errors, _state = refused[0]
    assert status == ImportJob.Status.FAILED
    assert [i + 1 for i, e in enumerate(errors) if e] == [3, 5, 8]
    assert "会使" in errors[2] and "库存变为负数" in errors[2] and "库存不足" in errors[7]

    accepted = _both_ways(monkeypatch, shop_dealer, shop, xlsx([r for i, r in enumerate(rows) if i + 1 not in (3, 5, 8)]))
    assert accepted[0] == accepted[1]
    status, applied, errors, (entries, balances) = accepted[0]
    assert status == ImportJob.Status.SUCCEEDED and applied == 8 and errors is None
    assert balances == [("ZD2026-001", Decimal("6.250"), 3), ("ZD2026-NEW", Decimal("8.000"), 0)]
    assert [e[-1] for e in entries if e[10] == "XS-3"] == [shop_b.pk]  # the dealer sale awaits confirmation


def excel_like(rows) -> bytes:
    """The file as Excel or WPS saves it (shared strings, a dimension, dates as day numbers)."""
    from tests.xlsx import write_excel_like

    out = io.BytesIO()
    write_excel_like(out, HEADERS, rows, len(rows) + 1)
    return out.getvalue()


@pytest.mark.django_db
def test_a_file_saved_by_excel_imports_like_any_other(ready, shop_dealer, shop):
    """Texts in a shared-strings table (read from a temporary file, not memory) and dates stored
    as day numbers come out as openpyxl reads them."""
    job, errors = _import(shop_dealer, shop, excel_like(good_rows()))
    assert errors is None and job.status == ImportJob.Status.SUCCEEDED and job.applied_count == 4
    assert selectors.stock_of(shop, ready) == Decimal("138")
    sale = LedgerEntry.objects.get(document_number="XS-1")
    assert (sale.counterparty_name, sale.farmer_phone, sale.occurred_on) == ("赵大山", "13812345678", days_ago(5))


def many_rows(n):
    p = ["玉米", "郑单958", "ZD2026-001", "北京德农种业有限公司"]
    yield [days_ago(3), "购进", *p, n * 2, 0, "北京德农种业有限公司", "", "", "FP-1", ""]
    for i in range(n - 1):
        yield [days_ago(2), "销售", *p, 1, 0, f"农户{i}", "", "东村", f"XS-{i}", ""]


@pytest.mark.django_db
def test_the_import_reads_its_file_once(monkeypatch, ready, shop_dealer, shop):
    """One pass over the rows (the header is found from the first few), in blocks; before, the
    file was read three times (a count on upload, then two passes)."""
    from seedreg.lib import tabular

    parsed = []
    real = tabular._sheet_rows

    def counting(workbook):
        for row in real(workbook):
            parsed.append(row[0])
            yield row

    monkeypatch.setattr(tabular, "_sheet_rows", counting)
    monkeypatch.setattr("licensing.services.ledger_import.BLOCK", 100)
    rows = list(many_rows(450))
    job, errors = _import(shop_dealer, shop, excel_like(rows))
    assert errors is None and job.applied_count == 450 and job.total_rows == 450
    assert LedgerEntry.objects.filter(business=shop).count() == 450
    # Finding the header reads the first five rows (on upload and at the start of the run); every
    # row after those is parsed once.
    assert sorted(n for n in parsed if n > 5) == list(range(6, 452))
    assert selectors.stock_of(shop, ready) == Decimal("451")


@pytest.mark.django_db
def test_the_row_count_is_estimated_on_upload_and_counted_by_the_run(ready, shop_dealer, shop):
    from licensing.services import run_import, start_import
    from seedreg.regulated import service_context

    rows = list(many_rows(30))
    with_blanks = rows[:10] + [[None] * len(HEADERS)] * 5 + rows[10:]
    inline = Workbook(write_only=True)  # openpyxl's write-only files carry no dimension
    sheet = inline.create_sheet("数据")
    for row in [HEADERS, *with_blanks]:
        sheet.append(row)
    out = io.BytesIO()
    inline.save(out)
    csv_data = "\n".join(",".join(str(c or "") for c in row) for row in [HEADERS, *with_blanks]).encode("gb18030")
    for name, data in [("台账.xlsx", excel_like(with_blanks)), ("台账.xlsx", out.getvalue()), ("台账.csv", csv_data)]:
        with service_context():
            job = start_import(actor=shop_dealer, kind=ImportJob.Kind.LEDGER, upload=SimpleUploadedFile(name, data),
                               business=shop)
        assert job.total_rows == 35  # blank rows count until the run reads them
        with transaction.atomic():
            job = run_import(job.pk)
            assert job.status == ImportJob.Status.SUCCEEDED and job.total_rows == job.applied_count == 30
            assert job.message == "已导入 30 行。"
            transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_station_imports_a_paper_ledger_for_a_dealer_of_its_county(client, lot, shop, shop_b, shop_dealer, clerk):
    """The clerk types a dealer's paper ledger into the template and uploads it on the dealer's
    ledger page: the dealer's import (same service, same all-or-nothing run, same progress
    page), the entries the dealer's, recorded by the clerk; the dealer sees the job too."""
    login(client, clerk)
    page = client.get(reverse("licensing:business_ledger", args=[shop.pk])).content.decode()
    assert reverse("licensing:business_ledger_import", args=[shop.pk]) in page
    form = client.get(reverse("licensing:business_ledger_import", args=[shop.pk])).content.decode()
    assert reverse("licensing:ledger_import_template") in form
    template = load_workbook(io.BytesIO(client.get(reverse("licensing:ledger_import_template")).content))
    assert [c.value for c in template.worksheets[0][1]] == [names[0] for names in LEDGER_COLUMNS.values()]

    response = client.post(reverse("licensing:business_ledger_import", args=[shop.pk]),
                           {"file": SimpleUploadedFile("纸质台账.xlsx", xlsx(good_rows()))})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("licensing:import_detail", args=[job.pk])
    assert (job.kind, job.business_id, job.created_by, job.region_code) == (ImportJob.Kind.LEDGER, shop.pk, clerk,
                                                                             shop.region_code)
    tasks.run_import(job.pk)
    detail = client.get(reverse("licensing:import_detail", args=[job.pk])).content.decode()
    assert "已导入 4 行" in detail and reverse("licensing:business_ledger_import", args=[shop.pk]) in detail
    assert selectors.stock_of(shop, lot) == Decimal("138")
    assert set(LedgerEntry.objects.values_list("business", "recorded_by")) == {(shop.pk, clerk.pk)}
    listing = client.get(reverse("licensing:business_ledger_import", args=[shop.pk])).content.decode()
    assert reverse("licensing:import_detail", args=[job.pk]) in listing

    login(client, shop_dealer)  # the dealer follows the import of their ledger in the portal
    assert client.get(reverse("portal:dealer_import_detail", args=[job.pk])).status_code == 200

    bad = client.post  # a bad row: nothing applied, the error workbook from the station's page
    login(client, clerk)
    bad(reverse("licensing:business_ledger_import", args=[shop.pk]),
        {"file": SimpleUploadedFile("纸质台账.xlsx", xlsx(bad_rows()[:1]))})
    failed = ImportJob.objects.latest("pk")
    tasks.run_import(failed.pk)
    assert client.get(reverse("licensing:import_errors", args=[failed.pk])).status_code == 200
    assert LedgerEntry.objects.count() == 4


@pytest.mark.django_db
def test_only_the_station_of_the_dealers_county_imports_their_ledger(client, shop, lot, inspector, outsider):
    url = reverse("licensing:business_ledger_import", args=[shop.pk])
    data = xlsx(good_rows())
    login(client, outsider)  # the neighbouring county's chief: not theirs to see
    assert client.get(url).status_code == 404
    assert client.post(url, {"file": SimpleUploadedFile("a.xlsx", data)}).status_code == 404
    login(client, inspector)  # reads ledgers, does not keep them
    assert client.get(url).status_code == 403
    assert client.post(url, {"file": SimpleUploadedFile("a.xlsx", data)}).status_code == 403
    assert not client.get(reverse("licensing:business_ledger", args=[shop.pk])).content.decode().count(url)
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_every_imported_entry_has_its_own_audit_row_written_in_bulk(ready, shop_dealer, shop):
    """Each entry an import creates is traceable to the import and its actor (one audit row
    each, like an entry typed in a form), and those rows go in with the entries' batch insert,
    not one query per entry."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from seedreg.audit.models import AuditEntry

    with CaptureQueriesContext(connection) as queries:
        job, errors = _import(shop_dealer, shop, excel_like(list(many_rows(300))))
    assert errors is None and job.applied_count == 300
    entries = {e.pk: e for e in LedgerEntry.objects.filter(business=shop)}
    audits = AuditEntry.objects.filter(object_type__model="ledgerentry", object_id__in=[str(pk) for pk in entries])
    assert audits.count() == 300
    assert {(a.actor_id, a.parent_id, a.data["import_job"]) for a in audits} == {(shop_dealer.pk, str(shop.pk), job.pk)}
    assert sorted(a.data["row"] for a in audits) == list(range(1, 301))
    first = audits.get(data__row=1)
    assert first.action == "licensing.ledger.purchase" and first.object_label.startswith("购进 600.000kg")
    assert AuditEntry.objects.filter(action="licensing.ledger.imported", object_id=str(job.pk)).count() == 1
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "audit_auditentry"')]
    # The entries' batch (on PostgreSQL one COPY, which Django's query log does not show; SQLite's
    # 999-parameter limit cuts its INSERT into five) and the import's own entry: never one per entry.
    assert len(inserts) <= 6
