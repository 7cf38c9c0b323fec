"""Bulk import from real .xlsx and CSV files: all rows or none, an error workbook naming each
bad row's problem, progress on the job page, and the work done by a real Celery worker."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from licensing import tasks
from licensing.models import Business, Filing, ImportJob, SeedLicence
from licensing.services.importing import DIRECTORY_COLUMNS
from seedreg.outbox.models import OutboxMessage
from tests.factories import PASSWORD
from tests.helpers import wait_for

HEADERS = ["主体名称", "经营类型", "主体类型", "统一社会信用代码", "法定代表人", "联系电话", "经营地址", "所在区划代码",
           "许可证编号", "发证日期", "有效期至", "生产经营作物", "备案类型", "委托方名称", "委托方许可证编号", "备案日期",
           "起算日期", "备案品种"]
GOOD = [
    ["建平县金穗种业有限公司", "种子生产经营者", "企业", "91211322000000501K", "李金穗", "13900000011", "建平镇1号", "211322102",
     "B(辽朝)农种许字(2019)第0031号", "2021-03-01", "2026-12-31", "玉米", "", "", "", "", "", ""],
    ["建平县丰收种子门市部", "不再分装包装种子经营者", "个体工商户", "92211322MA0Y5Q1K44", "王丰收", "13900000012", "建平镇2号",
     "211322102", "", "", "", "", "经营不再分装的包装种子备案", "辽宁东亚种业有限公司", "A(辽)农种许字(2016)第0008号",
     "2026-03-01", "2026-03-05", "郑单958:2000；东单6531"],
]
BAD = [
    ["错误代码门市", "不再分装包装种子经营者", "企业", "91350100M000100Y44", "", "", "", "211322102"] + [""] * 10,
    ["未知品种门市", "受托代销者", "个体工商户", "92211322000000777X", "", "", "", "211322102", "", "", "", "",
     "受托代销种子备案", "辽宁东亚种业有限公司", "A(辽)农种许字(2016)第0008号", "2026-03-01", "2026-03-05", "不存在的品种"],
    ["外县门市", "不再分装包装种子经营者", "企业", "", "", "", "", "211321001"] + [""] * 10,
]


def fix_codes(rows):
    """Give the rows valid credit codes (computed, as a real export would have them)."""
    from licensing.demo import credit_code

    rows[0][3] = credit_code("91211322", 501)
    for row in rows:
        if row[0] == "未知品种门市":
            row[3] = credit_code("92211322", 777)
    return rows


def xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["建平县经营主体导出（全国种业大数据平台）"])  # a title line above the header, as exports have
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, user, data, name="名录.xlsx"):
    client.login(username=user.username, password=PASSWORD)
    return client.post(reverse("licensing:import_create"), {"file": SimpleUploadedFile(name, data)})


def test_template_downloads_with_every_column(client, clerk):
    client.login(username=clerk.username, password=PASSWORD)
    response = client.get(reverse("licensing:import_template"))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == [names[0] for names in DIRECTORY_COLUMNS.values()]
    assert load_workbook(io.BytesIO(response.content))["说明"].max_row > 5


def test_bad_rows_mean_nothing_is_applied_and_errors_are_listed(client, clerk, varieties):
    response = upload(client, clerk, xlsx(fix_codes([r[:] for r in GOOD + BAD])))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("licensing:import_detail", args=[job.pk])
    assert OutboxMessage.objects.filter(task_name="licensing.tasks.run_import").exists()
    tasks.run_import(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.error_count == 3
    assert not Business.objects.exists() and not SeedLicence.objects.exists() and not Filing.objects.exists()

    download = client.get(reverse("licensing:import_errors", args=[job.pk]))
    errors = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    rows = list(errors.worksheets[0].iter_rows(values_only=True))
    assert rows[0][-1] == "错误"
    by_name = {r[0]: r[-1] for r in rows[1:]}
    assert not by_name["建平县金穗种业有限公司"] and not by_name["建平县丰收种子门市部"]
    assert "校验位" in by_name["错误代码门市"]
    assert "不存在的品种" in by_name["未知品种门市"]
    assert "辖区" in by_name["外县门市"]
    page = client.get(reverse("licensing:import_detail", args=[job.pk])).content.decode()
    assert "3 行有错误" in page and "下载错误报告" in page


def test_good_file_applies_every_row(client, clerk, varieties):
    upload(client, clerk, xlsx(fix_codes([r[:] for r in GOOD])))
    job = ImportJob.objects.get()
    tasks.run_import(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED and job.applied_count == 2
    assert SeedLicence.objects.get().number == "B(辽朝)农种许字(2019)第0031号"
    filing = Filing.objects.get()
    assert filing.principal_outside.name == "辽宁东亚种业有限公司"
    assert sorted(i.variety.name for i in filing.items.all()) == ["东单6531", "郑单958"]
    assert client.get(reverse("licensing:import_detail", args=[job.pk]) + "?format=json").json()["finished"]
    tasks.run_import(job.pk)  # a redelivered task does not import twice
    assert Business.objects.count() == 2


def test_gbk_csv_from_excel_is_read(client, clerk, varieties):
    import csv

    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADERS)
    writer.writerow(fix_codes([r[:] for r in GOOD])[0])
    upload(client, clerk, text.getvalue().encode("gbk"), name="名录.csv")
    tasks.run_import(ImportJob.objects.get().pk)
    assert Business.objects.get().name == "建平县金穗种业有限公司"


@pytest.mark.parametrize("data,name,words", [
    (b"not a spreadsheet", "x.pdf", ".xlsx 或 .csv"),
    (b"PK\x03\x04broken", "x.xlsx", "无法读取"),
    ("名称,电话\n某店,1\n".encode(), "x.csv", "缺少必需的列"),
])
def test_unreadable_or_wrong_files_are_refused_at_once(client, clerk, data, name, words):
    response = upload(client, clerk, data, name=name)
    assert response.status_code == 422
    assert words in response.content.decode()
    assert not ImportJob.objects.exists()


def test_other_county_cannot_see_the_job(client, clerk, outsider, varieties):
    upload(client, clerk, xlsx(fix_codes([r[:] for r in GOOD])))
    job = ImportJob.objects.get()
    client.login(username=outsider.username, password=PASSWORD)
    assert client.get(reverse("licensing:import_detail", args=[job.pk])).status_code == 404


@pytest.mark.celery_worker
def test_a_real_worker_runs_the_import(celery_worker, client, clerk, varieties):
    upload(client, clerk, xlsx(fix_codes([r[:] for r in GOOD])))
    job = ImportJob.objects.get()
    assert wait_for(lambda: ImportJob.objects.get(pk=job.pk).finished, seconds=60)
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.SUCCEEDED
    assert Business.objects.count() == 2
