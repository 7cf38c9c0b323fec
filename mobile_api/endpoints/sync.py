"""POST /sync (a batch of objects made offline) and POST /files (one photo or signature)."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router
from ninja.files import UploadedFile as NinjaUploadedFile
from ninja.responses import Status
from pydantic import model_validator

from seedreg.errors import DomainError
from seedreg.sync.feed import current_cursor

from .. import handlers, services  # noqa: F401  (handlers registers the object types)
from ..schemas import ERRORS, Error, Kilograms, Latitude, Longitude, Schema, Text, Timestamp
from ..sync import Incoming, apply_batch
from .tasks import SerialBlockOut, serial_blocks_for

router = Router(tags=["离线同步"])

MAX_OBJECTS = 100
SerialNumber = Annotated[int, Field(ge=1, le=999_999)]


class Position(Schema):
    latitude: Latitude
    longitude: Longitude
    accuracy_m: int | None = Field(None, ge=0, le=100_000, description="定位精度（米）")


class ChecklistEntry(Schema):
    code: Text(60, min_length=1)
    answer: Literal["yes", "no", "na"]
    note: Text(200) = ""


class InspectorSignature(Schema):
    inspector_id: int = Field(..., ge=1, le=2**62, description="签名的执法人员")
    file_uuid: UUID = Field(..., description="签名图片文件的编号（先用 POST /files 上传，归属本对象）")


InspectorSignatures = Annotated[list[InspectorSignature], Field(
    default_factory=list, max_length=5, description="执法人员本人签名（各一张；文书的审核签字）")]


def _one_signature_each(signatures):
    ids = [s.inspector_id for s in signatures]
    if len(ids) != len(set(ids)):
        raise ValueError(_("每名执法人员只能签名一次"))


class Checkout(Schema):
    checked_out_at: Timestamp
    position: Position | None = None
    outcome: Literal["compliant", "refused", "rectification", "case"]
    refusal_account: Text(2000) = ""
    rectification_items: list[Text(200)] = Field(default_factory=list, max_length=30)
    rectification_days: int | None = Field(None, ge=1, le=180)
    case_summary: Text(2000) = ""
    ack_signature_file: UUID | None = Field(None, description="经营者签名文件的编号（先用 POST /files 上传）")
    ack_refused: bool = False
    ack_note: Text(200) = ""
    record_serial_number: SerialNumber | None = Field(None, description="现场检查笔录编号（取自预留编号段）")
    order_serial_number: SerialNumber | None = Field(None, description="责令整改通知书编号（取自预留编号段）")
    inspector_signatures: InspectorSignatures

    @model_validator(mode="after")
    def _signers_unique(self):
        _one_signature_each(self.inspector_signatures)
        return self


class VisitData(Schema):
    task_id: int | None = Field(None, ge=1, le=2**62)
    business_id: int | None = Field(None, ge=1, le=2**62)
    peddler_location: Text(200) = ""
    peddler_description: Text(200) = ""
    goods_sold: Text(200) = ""
    farmer_own_surplus: bool = False
    region_code: Text(12) = ""
    partner_ids: list[Annotated[int, Field(ge=1, le=2**62)]] = Field(default_factory=list, max_length=5)
    checked_in_at: Timestamp
    checkin: Position | None = None
    checklist: list[ChecklistEntry] = Field(default_factory=list, max_length=100)
    checkout: Checkout | None = None


class FindingData(Schema):
    visit_uuid: UUID
    finding_type: Text(60, min_length=1)
    description: Text(2000, min_length=1)
    checklist_item: Text(60) | None = None
    photos: list[UUID] = Field(default_factory=list, max_length=30, description="本发现的照片文件编号")


class SamplingData(Schema):
    visit_uuid: UUID
    lot_id: int | None = Field(None, ge=1, le=2**62, description="从经营者台账库存中选择的种子批")
    crop_code: Text(30) = ""
    variety_name: Text(60) = ""
    lot_number: Text(60) = ""
    producer_name: Text(100) = ""
    label: dict[Text(30), Text(100)] = Field(default_factory=dict, max_length=20, description="标签标注值")
    lot_size_kg: Kilograms
    packages: int = Field(..., ge=1, le=1_000_000)
    test_seals: list[Text(40, min_length=1)] = Field(..., min_length=1, max_length=10)
    backup_seals: list[Text(40, min_length=1)] = Field(..., min_length=1, max_length=10)
    backup_kept_at: Text(100, min_length=1)
    sample_quantity_g: int | None = Field(None, ge=1, le=100_000)
    business_signer: Text(50) = ""
    business_signature_file: UUID | None = None
    business_refused_to_sign: bool = False
    sampled_at: Timestamp | None = None
    serial_number: SerialNumber | None = Field(None, description="抽样单编号（取自预留编号段）")
    inspector_signatures: InspectorSignatures

    @model_validator(mode="after")
    def _signers_unique(self):
        _one_signature_each(self.inspector_signatures)
        return self


class VisitJoinData(Schema):
    task_id: int | None = Field(None, ge=1, le=2**62, description="加入该任务正在进行的检查")
    business_id: int | None = Field(None, ge=1, le=2**62, description="或：加入同事在该经营主体正在进行的检查（临时检查）")
    visit_uuid: UUID | None = Field(None, description="或：同事检查记录的编号（已知时）")
    joined_at: Timestamp | None = None

    @model_validator(mode="after")
    def _one_target(self):
        if self.task_id is None and self.business_id is None and self.visit_uuid is None:
            raise ValueError("task_id、business_id 与 visit_uuid 至少填写一项")
        return self


class ComplaintFollowUpData(Schema):
    complaint_id: int = Field(..., ge=1, le=2**62)
    visit_uuid: UUID | None = Field(None, description="复查时的现场检查（如有）")
    found: Text(2000, min_length=1) = Field(..., description="复查情况")
    outcome: Literal["substantiated", "partly", "unsubstantiated", "not_verifiable"] = Field(
        ..., description="复查结论：属实/部分属实/不属实/无法核实")
    followed_up_at: Timestamp | None = None
    photos: list[UUID] = Field(default_factory=list, max_length=30, description="证据照片文件编号")


class RectificationConclusionData(Schema):
    order_id: int = Field(..., ge=1, le=2**62)
    rectified: bool = Field(..., description="已整改（是）或逾期未整改（否）")
    note: Text(2000) = Field("", description="复查情况（未整改的必填）")
    visit_uuid: UUID | None = Field(None, description="复查时的现场检查（如有）")
    concluded_at: Timestamp | None = None


class _Envelope(Schema):
    uuid: UUID = Field(..., description="手机生成的对象编号")
    revision: UUID = Field(..., description="本次修订的编号（每次修改都是新编号）")
    base_revision: UUID | None = Field(None, description="所基于的上一修订；第一版为空")
    recorded_at: Timestamp | None = Field(None, description="手机上记录的时间")


class VisitObject(_Envelope):
    type: Literal["visit"]
    data: VisitData


class FindingObject(_Envelope):
    type: Literal["finding"]
    data: FindingData


class SamplingObject(_Envelope):
    type: Literal["sampling"]
    data: SamplingData


class VisitJoinObject(_Envelope):
    type: Literal["visit_join"]
    data: VisitJoinData


class ComplaintFollowUpObject(_Envelope):
    type: Literal["complaint_follow_up"]
    data: ComplaintFollowUpData


class RectificationReviewObject(_Envelope):
    type: Literal["rectification_review"]
    data: RectificationConclusionData


SyncObject = Annotated[VisitObject | FindingObject | SamplingObject | VisitJoinObject | ComplaintFollowUpObject
                       | RectificationReviewObject, Field(discriminator="type")]


class SyncRequest(Schema):
    device_id: Text(64) = ""
    app_version: Text(40) = ""
    objects: list[SyncObject] = Field(..., min_length=1, max_length=MAX_OBJECTS)

    @model_validator(mode="after")
    def _revisions_unique(self):
        seen = [str(o.revision) for o in self.objects]
        if len(seen) != len(set(seen)):
            raise ValueError(_("同一批次中修订编号重复"))
        return self


class ObjectResult(Schema):
    type: str
    uuid: str
    revision: str
    status: Literal["created", "applied", "already_had", "rejected", "conflict", "in_progress", "waiting_files"]
    code: str
    message: str
    fields: dict[str, list[str]]
    server_id: int | None
    server_revision: str | None
    server_state: dict[str, Any] | None
    missing_files: list[str]
    flags: list[str]


class SyncResponse(Schema):
    results: list[ObjectResult]
    cursor: int
    serial_blocks: list[SerialBlockOut]


@router.post("/sync", response={200: SyncResponse, **ERRORS}, operation_id="sync_batch",
             summary="批量同步离线记录（逐个对象答复：已创建/已有/拒绝/冲突/处理中/缺文件）")
def sync_batch(request, payload: SyncRequest):
    """对象按顺序处理（检查记录先于其检查发现）。重发同一批次不会重复创建；同一修订编号内容不同为冲突；
    新修订须基于服务器当前修订。答复附带补足后的预留文书编号段。"""
    user = request.auth.user
    device_id = payload.device_id or request.auth.device_id
    app_version = payload.app_version or request.auth.app_version
    items = [Incoming(type=obj.type, uuid=obj.uuid, revision=obj.revision, base_revision=obj.base_revision,
                      recorded_at=obj.recorded_at, data=obj.data, raw=obj.data.model_dump(mode="json"))
             for obj in payload.objects]
    results = apply_batch(user, items, device_id=device_id, app_version=app_version)
    return {"results": results, "cursor": current_cursor(),
            "serial_blocks": serial_blocks_for(user, request.auth.device_id)}  # the token's phone


class FileForm(Schema):
    object_uuid: UUID = Field(..., description="文件所属对象（检查发现、投诉复查、抽样或现场检查）的编号")
    file_uuid: UUID = Field(..., description="手机生成的文件编号")
    kind: Literal["photo", "signature"] = "photo"
    captured_at: Timestamp | None = Field(None, description="拍摄时间（手机记录；照片可能已被压缩而丢失 EXIF）")
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    accuracy_m: int | None = Field(None, ge=0, le=100_000)


class FileResult(Schema):
    file_uuid: str
    object_uuid: str
    status: Literal["stored", "already_had"]
    attached: bool
    server_id: int | None


@router.post("/files", response={200: FileResult, 201: FileResult, **ERRORS, 409: Error, 413: Error},
             operation_id="file_upload", summary="上传一张照片或签名（每次一个文件，按内容去重）")
def file_upload(request, file: File[NinjaUploadedFile], form: Form[FileForm]):
    """JPEG、PNG、HEIC。服务器检查是否为真实图片（改名的文本文件、截断的 JPEG、解压炸弹返回 4xx），
    重新编码、按方向旋转、缩小、生成缩略图，读取 EXIF 时间和位置后从存储文件中去除。"""
    if file.size is not None and file.size > settings.UPLOAD_MAX_BYTES:
        raise DomainError(_("上传内容过大。"), code="too_large", status=413)
    data = file.read(settings.UPLOAD_MAX_BYTES + 1)
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise DomainError(_("上传内容过大。"), code="too_large", status=413)
    upload, created = services.receive_upload(
        actor=request.auth.user, data=data, name=(file.name or "")[:200], object_uuid=form.object_uuid,
        file_uuid=form.file_uuid, kind=form.kind, captured_at=form.captured_at, latitude=form.latitude,
        longitude=form.longitude, accuracy_m=form.accuracy_m)
    body = {"file_uuid": str(upload.uuid), "object_uuid": str(upload.object_uuid),
            "status": "stored" if created else "already_had", "attached": upload.attached_at is not None,
            "server_id": upload.server_id}
    return Status(201 if created else 200, body)
