"""GET /me: who the phone belongs to, and the colleagues they may pair with."""

from __future__ import annotations

from ninja import Router

from seedreg.accounts.models import User
from seedreg.accounts.roles import FIELD_ROLES

from ..schemas import ERRORS, Schema

router = Router(tags=["我的信息"])


class Person(Schema):
    id: int
    name: str
    enforcement_id: str
    role: str
    phone: str


class Profile(Schema):
    id: int
    username: str
    name: str
    role: str
    role_label: str
    enforcement_id: str
    region_code: str
    region_name: str
    unit: str
    phone: str
    partners: list[Person]


def person(u: User) -> dict:
    return {"id": u.pk, "name": u.display_name, "enforcement_id": u.enforcement_id or "", "role": u.role,
            "phone": u.phone}


def colleagues_of(user: User):
    """Inspector-capable colleagues of the same county (an on-site document needs two)."""
    county = user.county_code
    if not county:
        return User.objects.none()
    return (User.objects.filter(is_active=True, role__in=FIELD_ROLES, enforcement_id__isnull=False,
                                region__code__startswith=county)
            .exclude(enforcement_id="").exclude(pk=user.pk).order_by("full_name", "id"))


@router.get("/me", response={200: Profile, **ERRORS}, operation_id="me_profile", summary="我的信息与可搭档的执法人员")
def me(request):
    user = request.auth.user
    return {"id": user.pk, "username": user.username, "name": user.display_name, "role": user.role,
            "role_label": str(user.get_role_display()), "enforcement_id": user.enforcement_id or "",
            "region_code": user.region_id or "", "region_name": user.region.name if user.region else "",
            "unit": user.unit, "phone": user.phone, "partners": [person(u) for u in colleagues_of(user)[:100]]}
