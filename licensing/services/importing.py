"""Bulk imports (directory now, ledgers later): every row validated through the same services
a form uses, all rows applied or none, an error copy of the file when any row fails.

A job is created by ``start_import`` (which queues the Celery task through the outbox) and run
by ``run_import``: the rows are applied in one transaction, each in a savepoint so one bad row
does not hide the next one's problem; if any row failed the whole transaction is rolled back
and the error workbook is written. Progress is published through the cache because the rows'
own transaction is not visible to the page polling it until it commits."""

from __future__ import annotations

import datetime
import re
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.accounts.permissions import require
from seedreg.errors import DomainError, InvalidInput
from seedreg.lib import tabular
from seedreg.lib.faults import checkpoint
from seedreg.lib.files import save_file
from seedreg.outbox.services import enqueue
from seedreg.regulated import service, service_context

from ..models import (
    Business,
    BusinessKind,
    CoordinateSystem,
    Crop,
    EntityType,
    FilingType,
    ImportJob,
    OutsideParty,
    SeedLicence,
    Variety,
)
from ..validators import normalize_code, normalize_licence_number

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
PROGRESS_EVERY = 25
PROGRESS_SECONDS = 0.5  # the streamed runner publishes its progress at most this often
ERROR_HEADER = "错误"


# --- cell parsing ---------------------------------------------------------------------------

def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed into a numeric Excel cell
    return str(value).strip()


_DATE_PATTERNS = [re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"), re.compile(r"^(\d{4})(\d{2})(\d{2})$")]


def parse_date(value, label) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raw = text(value)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            try:
                return datetime.date(*(int(g) for g in match.groups()))
            except ValueError:
                break
    raise InvalidInput(_("%(label)s“%(value)s”不是有效日期（如 2026-03-01）。"), code="date_invalid", label=label,
                       value=raw)


def split_list(value) -> list[str]:
    return [p.strip() for p in re.split(r"[、,，;；/\n]+", text(value)) if p.strip()]


def parse_choice(value, choices, aliases: dict[str, str], label, default=None):
    raw = text(value)
    if not raw:
        if default is not None:
            return default
        raise InvalidInput(_("请填写%(label)s。"), code="required", label=label)
    if raw in choices.values:
        return raw
    for choice_value, choice_label in choices.choices:
        if raw == str(choice_label):
            return choice_value
    for key, choice_value in aliases.items():
        if key in raw:
            return choice_value
    raise InvalidInput(_("%(label)s“%(value)s”无法识别，可选：%(options)s。"), code="choice_invalid", label=label, value=raw,
                       options="、".join(str(lbl) for _v, lbl in choices.choices))


# --- the generic runner --------------------------------------------------------------------

@dataclass
class Importer:
    """What one kind of import needs: its columns (field → accepted headers, the first one is
    the template's), required fields, notes for the template, and the row handler."""

    kind: str
    columns: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    notes: dict[str, str]
    example: dict[str, str]
    apply_row: object  # (job, values: dict[str, object]) -> None; raises DomainError
    # Optional: (job, rows, progress) -> {row index: error}, applying a whole file at once; ``rows()``
    # yields (index, values) afresh on each call, so a large file is streamed, never held whole.
    apply_all: object = None

    def template_workbook(self) -> bytes:
        headers = [names[0] for names in self.columns.values()]
        example = [self.example.get(key, "") for key in self.columns]
        notes = [(names[0] + ("（必填）" if key in self.required else ""), self.notes.get(key, ""))
                 for key, names in self.columns.items()]
        return tabular.write_workbook(headers, [example], notes=notes)


IMPORTERS: dict[str, Importer] = {}


def _progress_key(job_id):
    return f"import-progress:{job_id}"


def progress_of(job: ImportJob) -> int:
    return max(job.processed_rows, cache.get(_progress_key(job.pk)) or 0)


@service
def start_import(*, actor, kind: str, upload, region_code: str | None = None, business=None) -> ImportJob:
    """Accept an uploaded file and queue its import. The file is checked for readability and
    columns now, so an obviously wrong file is refused on the spot."""
    if kind not in IMPORTERS:
        raise InvalidInput(_("未知的导入类型。"), code="import_kind")
    importer = IMPORTERS[kind]
    if kind == ImportJob.Kind.DIRECTORY:
        require(actor, "licensing.import_directory")
    elif business is None:
        raise InvalidInput(_("请选择要导入台账的经营主体。"), code="business_required")
    else:
        require(actor, "licensing.keep_ledger", business)
        region_code = business.region_code
    if upload is None:
        raise InvalidInput(_("请选择要上传的文件。"), code="file_required", fields={"file": [_("必填")]})
    if upload.size > MAX_UPLOAD_BYTES:
        raise InvalidInput(_("文件超过20MB，请分批导入。"), code="file_too_large", fields={"file": [_("过大")]})
    # The upload is read where it lies (Django spools a large one to a temporary file): its
    # header and first rows now, its length from the sheet's dimension or its raw bytes (for the
    # progress bar; the run counts the real rows); then it is copied to storage in chunks.
    table = tabular.open_table(upload, upload.name)
    tabular.map_columns(table, importer.columns, importer.required)
    if not table.has_rows():
        raise InvalidInput(_("文件中没有数据行。"), code="no_rows", fields={"file": [_("没有数据")]})
    job = ImportJob(kind=kind, region_code=region_code or actor.region_id or "", created_by=actor,
                    business_id=getattr(business, "pk", None), original_name=upload.name[:200],
                    total_rows=table.estimated_rows())
    upload.seek(0)
    save_file(job.source_file, upload.name, upload)
    job.save()
    enqueue("licensing.tasks.run_import", job.pk, dedup_key=f"import:{job.pk}")
    return job


def run_import(job_id: int) -> ImportJob:
    """Apply a queued import: all rows or none. Safe to call twice (a finished job is left)."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.finished:
        return job
    importer = IMPORTERS[job.kind]
    job.status = ImportJob.Status.VALIDATING
    job.save(update_fields=["status"])
    if importer.apply_all is not None:
        with job.source_file.open("rb") as f:
            return _run_whole_file(job, importer, f)
    with job.source_file.open("rb") as f:
        data = f.read()
    try:
        table = tabular.read_table(data, job.original_name)
        columns = tabular.map_columns(table, importer.columns, importer.required)
    except DomainError as exc:
        return _finish(job, ImportJob.Status.FAILED, message=str(exc))
    errors: dict[int, str] = {}
    with service_context(), transaction.atomic():
        # A re-delivered task may start while the first run is still going (a short visibility
        # timeout): the row lock makes it wait, and it then finds the job finished.
        job = ImportJob.objects.select_for_update().select_related("created_by").get(pk=job_id)
        if job.finished:
            return job
        for index, row in enumerate(table.rows):
            values = {key: (row[i] if i < len(row) else None) for key, i in columns.items()}
            missing = [importer.columns[k][0] for k in importer.required if not text(values.get(k))]
            try:
                if missing:
                    raise InvalidInput(_("缺少必填项：%(columns)s"), code="required", columns="、".join(missing))
                with transaction.atomic():
                    importer.apply_row(job, values)
            except DomainError as exc:
                errors[index] = describe_error(exc)
            if index % PROGRESS_EVERY == 0:
                cache.set(_progress_key(job.pk), index + 1, 3600)
            checkpoint("licensing.import.row_applied")
        if not errors:
            # Finished in the rows' own transaction: a worker killed after the rows commit but
            # before the job says so would otherwise apply every row again when re-delivered.
            job.applied_count = len(table.rows)
            return _finish(job, ImportJob.Status.SUCCEEDED, message=f"已导入 {len(table.rows)} 行。")
        transaction.set_rollback(True)
    headers = table.headers + [ERROR_HEADER]
    rows = [list(row) + [errors.get(i, "")] for i, row in enumerate(table.rows)]
    job.error_file.save(f"errors-{job.pk}.xlsx",
                        ContentFile(tabular.write_workbook(headers, rows, highlight_column=len(headers) - 1)),
                        save=False)
    job.error_count = len(errors)
    return _finish(job, ImportJob.Status.FAILED,
                   message=f"{len(errors)} 行有错误，全部 {len(table.rows)} 行均未导入。请按错误列修改后重新上传。")


def missing_required(importer: Importer, values) -> InvalidInput | None:
    missing = [importer.columns[k][0] for k in importer.required if not text(values.get(k))]
    if missing:
        return InvalidInput(_("缺少必填项：%(columns)s"), code="required", columns="、".join(missing))
    return None


def _run_whole_file(job, importer, source):
    """The streamed runner: the importer applies the file (``source``: the stored file, read
    from disk as it is parsed) in one go, in one transaction, all rows or none; the error copy
    is written row by row. The job's row count becomes the rows actually read."""
    try:
        table = tabular.open_table(source, job.original_name)
        columns = tabular.map_columns(table, importer.columns, importer.required)
    except DomainError as exc:
        return _finish(job, ImportJob.Status.FAILED, message=str(exc))

    read = [0]
    fields = list(columns.items())

    def rows():
        for index, row in enumerate(table.rows()):
            read[0] = index + 1
            width = len(row)
            yield index, {key: (row[i] if i < width else None) for key, i in fields}

    published = [0.0]

    def progress(index):
        # By time, not rows: the page polls every 1.5 s, and a cache write per 25 rows was a
        # tenth of a fast import's time.
        now = time.monotonic()
        if now - published[0] >= PROGRESS_SECONDS:
            published[0] = now
            cache.set(_progress_key(job.pk), index + 1, 3600)

    try:
        with service_context(), transaction.atomic():
            # As in ``run_import``: a re-delivered task waits for the first run, then finds the
            # job finished, which is recorded in the rows' own transaction.
            locked = ImportJob.objects.select_for_update().select_related("created_by").get(pk=job.pk)
            if locked.finished:
                return locked
            errors = importer.apply_all(job, rows, progress)
            job.total_rows = total = read[0]
            if errors:
                transaction.set_rollback(True)
            else:
                job.applied_count = total
                return _finish(job, ImportJob.Status.SUCCEEDED, message=f"已导入 {total} 行。")
    except DomainError as exc:  # the file is refused as a whole (too many rows)
        return _finish(job, ImportJob.Status.FAILED, message=str(exc))
    headers = table.headers + [ERROR_HEADER]
    copy = (list(row) + [errors.get(i, "")] for i, row in enumerate(table.rows()))
    job.error_file.save(f"errors-{job.pk}.xlsx",
                        ContentFile(tabular.write_rows_streamed(headers, copy, highlight_column=len(headers) - 1)),
                        save=False)
    job.error_count = len(errors)
    return _finish(job, ImportJob.Status.FAILED,
                   message=f"{len(errors)} 行有错误，全部 {total} 行均未导入。请按错误列修改后重新上传。")


def describe_error(exc: DomainError) -> str:
    parts = [str(exc)]
    for field, messages in (exc.fields or {}).items():
        for message in messages:
            if str(message) not in parts[0]:
                parts.append(f"{field}: {message}")
    return "；".join(parts)


def _finish(job, status, *, message):
    job.status = status
    job.processed_rows = job.total_rows
    job.message = message
    job.finished_at = timezone.now()
    job.save()
    cache.delete(_progress_key(job.pk))
    return job


# --- the directory import ------------------------------------------------------------------

KIND_ALIASES = {"生产经营者": BusinessKind.PRODUCER, "生产": BusinessKind.PRODUCER, "批发": BusinessKind.WHOLESALER,
                "分支": BusinessKind.BRANCH, "不再分装": BusinessKind.PACKAGED_SELLER,
                "包装种子": BusinessKind.PACKAGED_SELLER, "门店": BusinessKind.PACKAGED_SELLER,
                "代销": BusinessKind.CONSIGNMENT, "受托生产": BusinessKind.ENTRUSTED_PRODUCER,
                "商贩": BusinessKind.INDIVIDUAL, "农民": BusinessKind.INDIVIDUAL, "个人": BusinessKind.INDIVIDUAL}
ENTITY_ALIASES = {"公司": EntityType.ENTERPRISE, "企业": EntityType.ENTERPRISE, "个体": EntityType.INDIVIDUAL_BUSINESS,
                  "合作社": EntityType.COOPERATIVE, "自然人": EntityType.NATURAL_PERSON}
FILING_ALIASES = {"分支": FilingType.BRANCH, "不再分装": FilingType.PACKAGED_SELLER, "包装": FilingType.PACKAGED_SELLER,
                  "经营": FilingType.PACKAGED_SELLER, "代销": FilingType.CONSIGNMENT,
                  "受托生产": FilingType.ENTRUSTED_PRODUCTION}
COORD_ALIASES = {"WGS": CoordinateSystem.WGS84, "GPS": CoordinateSystem.WGS84, "GCJ": CoordinateSystem.GCJ02,
                 "高德": CoordinateSystem.GCJ02, "腾讯": CoordinateSystem.GCJ02}

DIRECTORY_COLUMNS = {
    "name": ("主体名称", "经营主体名称", "企业名称", "名称", "单位名称"),
    "kind": ("经营类型", "主体类别", "经营者类型"),
    "entity_type": ("主体类型", "企业类型"),
    "credit_code": ("统一社会信用代码", "社会信用代码", "信用代码"),
    "id_number": ("身份证号码", "身份证号"),
    "legal_representative": ("法定代表人", "负责人", "法定代表人/负责人"),
    "contact_name": ("联系人",),
    "contact_phone": ("联系电话", "电话", "手机号码"),
    "address": ("经营地址", "住所", "地址"),
    "region_code": ("所在区划代码", "区划代码", "行政区划代码"),
    "latitude": ("纬度",),
    "longitude": ("经度",),
    "coordinate_system": ("坐标系",),
    "licence_number": ("许可证编号", "种子生产经营许可证编号"),
    "licence_issued_on": ("发证日期", "许可证发证日期"),
    "licence_expires_on": ("有效期至", "许可证有效期至"),
    "licence_crops": ("生产经营作物", "作物种类"),
    "issuing_organ": ("发证机关",),
    "filing_type": ("备案类型",),
    "principal_name": ("委托方名称", "总公司名称", "委托单位"),
    "principal_credit_code": ("委托方统一社会信用代码",),
    "principal_licence_number": ("委托方许可证编号", "总公司许可证编号"),
    "filed_on": ("备案日期",),
    "event_on": ("起算日期", "开始销售日期", "营业执照取得日期", "播种日期"),
    "sale_location": ("经营地点", "销售地点"),
    "filing_varieties": ("备案品种", "品种"),
}

DIRECTORY_NOTES = {
    "kind": "种子生产经营者、种子批发企业、分支机构、不再分装包装种子经营者、受托代销者、受托生产者、个人",
    "entity_type": "企业、个体工商户、农民专业合作社、自然人；留空为企业",
    "credit_code": "18位，按 GB 32100 校验；自然人可不填",
    "id_number": "仅自然人填写，不会公开显示",
    "region_code": "乡镇（9位）或县（6位）行政区划代码，须在本辖区内",
    "coordinate_system": "WGS-84（手机定位）或 GCJ-02（高德/腾讯地图选点），留空为 WGS-84",
    "licence_number": "持证主体填写；如 A(辽)农种许字(2016)第0008号",
    "licence_crops": "多个作物用顿号分隔，如 玉米、大豆",
    "filing_type": "分支机构备案、经营不再分装的包装种子备案、受托代销种子备案、受托生产种子备案",
    "filing_varieties": "品种名称，可加数量（千克），如 郑单958:2000；先玉335",
    "event_on": "分支机构：营业执照取得日期；经营/代销：开始销售日期；受托生产：播种日期",
}

DIRECTORY_EXAMPLE = {
    "name": "建平县丰收种业门市部", "kind": "不再分装包装种子经营者", "entity_type": "个体工商户",
    "credit_code": "92211322MA0Y5Q1K44", "legal_representative": "王丰收", "contact_phone": "13904211234",
    "address": "建平县叶柏寿街道农资市场12号", "region_code": "211322", "filing_type": "经营不再分装的包装种子备案",
    "principal_name": "辽宁东亚种业有限公司", "principal_licence_number": "A(辽)农种许字(2016)第0008号",
    "filed_on": "2026-03-01", "event_on": "2026-03-05", "filing_varieties": "郑单958:2000；先玉335",
}


def _business_for_row(job, v) -> Business:
    from .directory import register_business

    code = normalize_code(text(v.get("credit_code")))
    region = text(v.get("region_code"))
    if code:
        existing = Business.objects.filter(credit_code=code, status=Business.Status.ACTIVE).first()
        if existing:
            if existing.county_code != region[:6]:
                raise InvalidInput(_("统一社会信用代码 %(credit_code)s 已在其他区县登记。"), code="credit_code_elsewhere",
                               credit_code=code)
            return existing
    return register_business(
        actor=job.created_by, name=text(v.get("name")),
        kind=parse_choice(v.get("kind"), BusinessKind, KIND_ALIASES, "经营类型"),
        entity_type=parse_choice(v.get("entity_type"), EntityType, ENTITY_ALIASES, "主体类型",
                                 default=EntityType.ENTERPRISE),
        region_code=region, credit_code=code or None, id_number=normalize_code(text(v.get("id_number"))),
        legal_representative=text(v.get("legal_representative")), contact_name=text(v.get("contact_name")),
        contact_phone=text(v.get("contact_phone")), address=text(v.get("address")),
        latitude=text(v.get("latitude")) or None, longitude=text(v.get("longitude")) or None,
        coordinate_system=parse_choice(v.get("coordinate_system"), CoordinateSystem, COORD_ALIASES, "坐标系",
                                       default=CoordinateSystem.WGS84))


def _crops(names) -> list[Crop]:
    crops = []
    for name in names:
        crop = Crop.objects.filter(name=name).first()
        if crop is None:
            raise InvalidInput(_("作物“%(name)s”不在作物目录中。"), code="crop_unknown", name=name)
        crops.append(crop)
    return crops


def parse_variety_items(text) -> list[tuple[Variety, Decimal | None]]:
    """"郑单958:2000；先玉335" (or one per line) → [(variety, kg or None)], for forms and imports."""
    return _varieties(split_list(text))


def _varieties(entries) -> list[tuple[Variety, Decimal | None]]:
    items = []
    for entry in entries:
        name, _sep, quantity = entry.partition(":") if ":" in entry else entry.partition("：")
        matches = list(Variety.objects.filter(name=name.strip()).select_related("crop")[:2])
        if not matches:
            raise InvalidInput(_("品种“%(name)s”不在品种目录中，请先登记品种。"), code="variety_unknown", name=name.strip())
        if len(matches) > 1:
            raise InvalidInput(_("品种名“%(name)s”对应多个作物，请在品种目录中核对。"), code="variety_ambiguous",
                               name=name.strip())
        try:
            qty = Decimal(quantity.strip()) if quantity.strip() else None
        except InvalidOperation as exc:
            raise InvalidInput(_("品种“%(name)s”的数量“%(qty)s”不是数字。"), code="quantity_invalid", name=name,
                               qty=quantity) from exc
        items.append((matches[0], qty))
    return items


def _principal(job, v):
    from .directory import register_outside_party

    number = text(v.get("principal_licence_number"))
    licence = SeedLicence.objects.filter(number_normalized=normalize_licence_number(number)).first() if number else None
    if licence is not None:
        return licence.business, None
    name = text(v.get("principal_name"))
    if not name:
        raise InvalidInput(_("备案须填写委托方名称。"), code="principal_required")
    code = normalize_code(text(v.get("principal_credit_code")))
    party = (OutsideParty.objects.filter(credit_code=code).first() if code
             else OutsideParty.objects.filter(name=name, licence_number=number).first())
    if party is None:
        party = register_outside_party(actor=job.created_by, name=name, credit_code=code, licence_number=number)
    return None, party


def apply_directory_row(job, v) -> None:
    from .filings import record_filing
    from .licences import issue_seed_licence

    business = _business_for_row(job, v)
    number = text(v.get("licence_number"))
    if number and not SeedLicence.objects.filter(number_normalized=normalize_licence_number(number)).exists():
        issue_seed_licence(
            business, actor=job.created_by, number=number,
            issued_on=parse_date(v.get("licence_issued_on"), "发证日期"),
            expires_on=parse_date(v.get("licence_expires_on"), "有效期至"),
            crops=_crops(split_list(v.get("licence_crops"))), issuing_organ=text(v.get("issuing_organ")))
    if text(v.get("filing_type")):
        principal_business, principal_outside = _principal(job, v)
        record_filing(
            business, actor=job.created_by,
            filing_type=parse_choice(v.get("filing_type"), FilingType, FILING_ALIASES, "备案类型"),
            principal_business=principal_business, principal_outside=principal_outside,
            principal_licence_number=text(v.get("principal_licence_number")),
            sale_location=text(v.get("sale_location")) or business.address,
            filed_on=parse_date(v.get("filed_on"), "备案日期"), event_on=parse_date(v.get("event_on"), "起算日期"),
            items=parse_variety_items(v.get("filing_varieties")))


IMPORTERS[ImportJob.Kind.DIRECTORY] = Importer(
    kind=ImportJob.Kind.DIRECTORY, columns=DIRECTORY_COLUMNS, required=("name", "kind", "region_code"),
    notes=DIRECTORY_NOTES, example=DIRECTORY_EXAMPLE, apply_row=apply_directory_row)
