"""Businesses near me, one business's card, and the variety catalogue."""

from __future__ import annotations

import datetime

from ninja import Field, Path, Query, Router

from licensing.models import Business, Variety
from seedreg.errors import NotFound
from seedreg.sync.feed import current_cursor

from ..schemas import ERRORS, Id, Latitude, Longitude, Schema
from ..selectors import business_card, nearby_businesses, with_card_details

router = Router(tags=["经营主体与品种目录"])


class NearbyQuery(Schema):
    lat: Latitude
    lng: Longitude
    radius_m: int = Field(2000, ge=10, le=50_000, description="半径（米）")
    limit: int = Field(20, ge=1, le=100)


class NearbyBusiness(Schema):
    id: int
    name: str
    kind: str
    status: str
    address: str
    region_code: str
    latitude: float
    longitude: float
    distance_m: float


class Licence(Schema):
    number: str
    licence_class: str
    status: str
    status_label: str
    is_valid: bool
    crops: str
    varieties: str
    valid_region: str
    issued_on: datetime.date | None
    expires_on: datetime.date | None
    issuing_organ: str


class FilingOut(Schema):
    id: int
    type: str
    principal: str
    principal_licence_number: str
    sale_location: str
    filed_on: datetime.date
    is_late: bool
    varieties: str


class BusinessCard(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    status: str
    credit_code: str
    address: str
    legal_representative: str
    contact_name: str
    contact_phone: str
    region_code: str
    latitude: float | None
    longitude: float | None
    licences: list[Licence]
    filings: list[FilingOut]


class VarietyOut(Schema):
    id: int
    crop_code: str
    crop_name: str
    is_main_crop: bool
    name: str
    seed_type: str
    approval_number: str
    registration_number: str
    approved_region_codes: list[str]
    approved_here: bool
    withdrawn_on: datetime.date | None


class VarietyPage(Schema):
    cursor: int = Field(..., description="下载开始时的变更序号：之后用 GET /changes?since= 增量同步")
    items: list[VarietyOut]
    next_after: int | None = Field(None, description="还有更多时，下一页的 after 参数")


class VarietyQuery(Schema):
    after: int = Field(0, ge=0, le=2**62, description="上一页最后一个品种 id")
    limit: int = Field(200, ge=1, le=500)


@router.get("/businesses/nearby", response={200: list[NearbyBusiness], **ERRORS}, operation_id="businesses_nearby",
            summary="附近的经营主体（由近到远，含距离）")
def businesses_nearby(request, q: Query[NearbyQuery]):
    found = nearby_businesses(request.auth.user, q.lat, q.lng, q.radius_m, limit=q.limit)
    return [{"id": b.pk, "name": b.name, "kind": b.kind, "status": b.status, "address": b.address,
             "region_code": b.region_code, "latitude": float(b.latitude), "longitude": float(b.longitude),
             "distance_m": round(metres, 1)} for b, metres in found]


@router.get("/businesses/{business_id}", response={200: BusinessCard, **ERRORS}, operation_id="business_detail",
            summary="经营主体详情（许可证、备案及其状态）")
def business_detail(request, business_id: Path[Id]):
    business = with_card_details(Business.objects.visible_to(request.auth.user)).filter(pk=business_id).first()
    if business is None:
        raise NotFound()
    return business_card(business)


@router.get("/varieties", response={200: VarietyPage, **ERRORS}, operation_id="varieties_list",
            summary="品种目录下载（按 id 分页）")
def varieties_list(request, q: Query[VarietyQuery]):
    cursor = current_cursor()
    county = request.auth.user.county_code or request.auth.user.region_id or ""
    rows = list(Variety.objects.select_related("crop").filter(pk__gt=q.after).order_by("pk")[: q.limit + 1])
    more = len(rows) > q.limit
    rows = rows[: q.limit]
    items = [{"id": v.pk, "crop_code": v.crop.code, "crop_name": v.crop.name, "is_main_crop": v.crop.is_main_crop,
              "name": v.name, "seed_type": v.seed_type, "approval_number": v.approval_number,
              "registration_number": v.registration_number, "approved_region_codes": v.approved_region_codes,
              "approved_here": v.approved_for(county),
              "withdrawn_on": v.withdrawn_on}
             for v in rows]
    return {"cursor": cursor, "items": items, "next_after": rows[-1].pk if more else None}
