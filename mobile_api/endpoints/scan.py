"""Seed-bag QR scans: the decoded text, or a photo decoded here (licensing.seedbag)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router
from ninja.files import UploadedFile

from licensing.models import Business
from licensing.seedbag import (
    SeedBagReport,
    check_seed_bag,
    check_seed_bag_in_shop,
    decode_qr_photo,
    parse_seed_bag_text,
)
from seedreg.errors import InvalidInput, NotFound

from ..schemas import ERRORS, Error, Schema, Text

router = Router(tags=["种子标签二维码"])


class ScanText(Schema):
    text: Text(1000, min_length=1) = Field(..., description="二维码解码后的文本（4行）")
    business_id: int | None = Field(None, ge=1, le=2**62, description="扫码所在的经营门店（查台账与停售）")


class ScanPhotoForm(Schema):
    business_id: int | None = Field(None, ge=1, le=2**62)


class CheckOut(Schema):
    ok: bool | None = Field(..., description="true 是 / false 否 / null 无法判断")
    reason: str


class LabelOut(Schema):
    variety: str
    producer: str
    unit_code: str
    trace_url: str


class ScanResult(Schema):
    label: LabelOut
    producer_licensed: CheckOut
    variety_approved: CheckOut
    variety_approved_here: CheckOut
    lot_in_ledger: CheckOut
    under_stop_sale: CheckOut
    variety_id: int | None
    producer_business_id: int | None
    producer_outside_id: int | None
    lot_ids: list[int]


def _report(request, label, business_id) -> dict:
    user = request.auth.user
    business = None
    if business_id is not None:
        business = Business.objects.visible_to(user).filter(pk=business_id).first()
        if business is None:
            raise NotFound()
    if business is not None:
        report: SeedBagReport = check_seed_bag_in_shop(label, business)
    else:
        report = check_seed_bag(label, region_code=user.region_id or "")
    return {
        "label": label.__dict__,
        **{name: getattr(report, name).__dict__ for name in (
            "producer_licensed", "variety_approved", "variety_approved_here", "lot_in_ledger", "under_stop_sale")},
        "variety_id": report.variety_id, "producer_business_id": report.producer_business_id,
        "producer_outside_id": report.producer_outside_id, "lot_ids": report.lot_ids,
    }


@router.post("/scans/seed-bag", response={200: ScanResult, **ERRORS}, operation_id="scan_seed_bag_text",
             summary="核验种子标签二维码（已解码文本）")
def scan_text(request, payload: ScanText):
    """四行：品种名称、生产经营者名称、单元识别代码、追溯网址（可带“品种名称：”等标题，CR LF 或 LF）。
    返回：生产经营者是否持证含该作物、品种是否审定（及是否适宜本地）、批次是否在该门店台账中、是否被停售。"""
    return _report(request, parse_seed_bag_text(payload.text), payload.business_id)


@router.post("/scans/seed-bag/photo", response={200: ScanResult, **ERRORS, 413: Error},
             operation_id="scan_seed_bag_photo", summary="核验种子标签二维码（照片，服务器识别）")
def scan_photo(request, photo: File[UploadedFile], form: Form[ScanPhotoForm]):
    """照片（JPEG、PNG 或 HEIC）中的二维码由服务器用 zxing-cpp 识别，再按文本核验。"""
    texts = decode_qr_photo(photo.read(15 * 1024 * 1024 + 1))
    if not texts:
        raise InvalidInput(_("照片中未识别到二维码，请对准标签重拍。"), code="seedbag_no_qr",
                           fields={"photo": [_("未识别到二维码")]})
    first_error = None
    for text in texts:
        try:
            label = parse_seed_bag_text(text)
        except InvalidInput as exc:
            first_error = first_error or exc
            continue
        return _report(request, label, form.business_id)
    raise first_error
