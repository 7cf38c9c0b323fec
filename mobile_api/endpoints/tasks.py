"""GET /tasks: everything a day of offline work needs, in one download."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from ninja import Field, Query, Router

from inspections.models import ChecklistItem
from seedreg.lib.choices import choice_label
from seedreg.sync.feed import current_cursor

from .. import services
from ..download_cache import cached_download
from ..schemas import ERRORS, Schema
from ..selectors import (
    applicable_checklist_codes,
    business_card,
    lots_for_businesses,
    my_open_tasks,
    open_complaints_by_id,
    open_rectifications_by_business,
    phone_county_settings,
    reference_data,
)
from .directory import BusinessCard

router = Router(tags=["任务下载"])


class TasksQuery(Schema):
    days: int = Field(7, ge=0, le=60, description="今天及之后几天内计划的任务（未排期的任务总是包含）")


class PersonOut(Schema):
    id: int
    name: str
    enforcement_id: str


class RectificationOut(Schema):
    id: int
    client_uuid: str
    items: list[Any]
    issued_on: datetime.date
    deadline_on: datetime.date
    serial: str


class ComplaintOut(Schema):
    id: int
    channel: str
    channel_label: str
    description: str
    lot_text: str
    received_at: datetime.datetime
    anonymous: bool


class LotOut(Schema):
    lot_id: int
    variety: str
    crop: str
    lot_number: str
    producer: str
    quantity_kg: float
    under_stop_sale: bool


class TaskOut(Schema):
    id: int
    kind: str
    kind_label: str
    status: str
    due_on: datetime.date
    planned_on: datetime.date | None
    campaign: str
    reasons: list[Any]
    blocked_crops: list[Any]
    note: str
    inspectors: list[PersonOut]
    business: BusinessCard
    rectification_orders: list[RectificationOut]
    rectification_id: int | None = Field(None, description="整改复查任务所复查的整改通知")
    complaint: ComplaintOut | None = Field(None, description="投诉举报任务的投诉（办理中的；不含投诉人信息）")
    lots_held: list[LotOut]
    stop_sale_lots: list[LotOut]
    checklist_codes: list[str]


class ChecklistItemOut(Schema):
    code: str
    text: str
    legal_basis: str
    applies_to: list[str]
    finding_type: str
    position: int


class FindingTypeOut(Schema):
    code: str
    label: str


class SamplingRuleOut(Schema):
    crop_code: str
    crop_name: str
    max_lot_kg: int
    submitted_sample_g: int


class PrimarySampleRuleOut(Schema):
    containers_from: int
    containers_to: int | None
    primary_samples: int
    per_container: bool
    rule: str


class SerialBlockOut(Schema):
    holder: str
    doc_type: str
    year: int
    first_number: int
    last_number: int
    free_numbers: list[int]


class CountySettingsOut(Schema):
    county_code: str
    geofence_radius_m: int = Field(..., description="到达定位偏离登记地址超过此半径（米）的检查标记为“超出范围”")
    max_accuracy_m: int = Field(..., description="定位精度差于此值（米）的到达标记为“定位精度不足”")
    small_package_kg: float = Field(..., description="每件不足此重量（千克）的小包装按100千克为一个扦样单位")
    rectification_days: int = Field(..., description="责令整改的默认期限（日）")
    resample_exclusion_months: int = Field(..., description="同一主体同一作物不得重复抽样的期限（月）")


class TasksDownload(Schema):
    cursor: int = Field(..., description="下载开始时的变更序号：之后用 GET /changes?since= 增量同步")
    generated_at: datetime.datetime
    tasks: list[TaskOut]
    checklist_items: list[ChecklistItemOut]
    finding_types: list[FindingTypeOut]
    sampling_rules: list[SamplingRuleOut]
    primary_sample_rules: list[PrimarySampleRuleOut]
    serial_blocks: list[SerialBlockOut]
    county_settings: CountySettingsOut = Field(..., description="本县设置：手机离线时按同样的规则提示和校验")


def person(u) -> dict:
    return {"id": u.pk, "name": u.display_name, "enforcement_id": u.enforcement_id or ""}


def serial_blocks_for(user, device_id: str) -> list[dict]:
    return [{"holder": block.holder, "doc_type": block.doc_type, "year": block.year,
             "first_number": block.first_number, "last_number": block.last_number, "free_numbers": free}
            for block, free in services.top_up_serial_blocks(actor=user, device_id=device_id)]


def tasks_download(user, days: int, device_id: str, serial_blocks: list[dict] | None = None) -> dict:
    """The download's content; ``serial_blocks``: the phone's blocks if already topped up."""
    cursor = current_cursor()  # before reading: a change made meanwhile is fetched again, not lost
    today = timezone.localdate()
    tasks = list(my_open_tasks(user, until=today + datetime.timedelta(days=days))[:200])
    reference = reference_data()
    items = list(ChecklistItem.objects.filter(active=True))
    rectifications = open_rectifications_by_business({t.business_id for t in tasks})
    lots = lots_for_businesses({t.business_id for t in tasks})
    complaints = open_complaints_by_id({t.complaint_id for t in tasks if t.complaint_id})
    out = []
    for task in tasks:
        card = business_card(task.business, today)
        held = lots.get(task.business_id, [])
        out.append({
            "id": task.pk, "kind": task.kind, "kind_label": choice_label(task, "kind"), "status": task.status,
            "due_on": task.due_on, "planned_on": task.planned_on,
            "campaign": task.campaign.name if task.campaign_id else "", "reasons": task.reason_labels,
            "blocked_crops": task.blocked_crops, "note": task.note,
            "inspectors": [person(u) for u in task.inspectors.all()], "business": card,
            "rectification_orders": rectifications.get(task.business_id, []),
            "rectification_id": task.rectification_id, "complaint": complaints.get(task.complaint_id),
            "lots_held": held, "stop_sale_lots": [lot for lot in held if lot["under_stop_sale"]],
            "checklist_codes": applicable_checklist_codes(card, items),
        })
    return {"cursor": cursor, "generated_at": timezone.now(), "tasks": out, **reference,
            "serial_blocks": serial_blocks_for(user, device_id) if serial_blocks is None else serial_blocks,
            "county_settings": phone_county_settings(user)}


@router.get("/tasks", response={200: TasksDownload, **ERRORS}, operation_id="tasks_download",
            summary="下载我的检查任务（今天及之后几天），含主体、证照、整改、库存批次、停售批次、检查项目、扦样规则、预留文书编号")
def tasks(request, q: Query[TasksQuery]):
    """同一用户重复下载且数据未变时直接返回上次的结果（任何相关数据变更后立即重新生成）。"""
    user, device_id = request.auth.user, request.auth.device_id

    def top_up() -> list[dict]:  # a write: done before the versions the answer is kept under are read
        return serial_blocks_for(user, device_id)

    def render(serial_blocks) -> bytes:
        return download_body(user, q.days, device_id, serial_blocks)

    # Per phone: its serial blocks are its own.
    return cached_download(request, "tasks", f"days={q.days}:device={device_id}", render, prepare=top_up)


def render_download(content: dict, *, validate_tasks: bool = False) -> bytes:
    """The JSON bytes of ``content`` as ``TasksDownload`` and the API's renderer make them.

    The tasks, the bulk (~800 nested objects for 40 shops), are built by ``tasks_download`` and
    its selectors in ``TaskOut``'s shape (its fields, in its order, of its types) and are
    rendered as built: passing them through the schema (``validate_tasks=True``) gives the same
    bytes (tests/mobile_api/test_download_body.py compares them) at the cost of ninja's
    per-field getter on each object, a third of the CPU of a download. The rest (reference tables, serial
    blocks, county settings: small, and read from settings that need coercing) goes through the
    schema."""
    from ..api import api

    tasks = content["tasks"]
    body = TasksDownload.model_validate({**content, "tasks": tasks if validate_tasks else []}).model_dump()
    if not validate_tasks:
        body["tasks"] = tasks
    return api.renderer.render(None, body, response_status=200).encode()


def download_body(user, days: int, device_id: str, serial_blocks: list[dict] | None = None) -> bytes:
    return render_download(tasks_download(user, days, device_id, serial_blocks))
