"""POST /auth/token, GET /auth/tokens, POST /auth/tokens/{id}/revoke."""

from __future__ import annotations

import datetime

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.responses import Status

from seedreg.errors import DomainError, NotFound, PermissionDenied

from .. import services
from ..auth import LoginThrottle
from ..models import DeviceToken
from ..schemas import ERRORS, Error, Id, Page, Schema, Text

router = Router(tags=["认证与设备令牌"])


class TokenRequest(Schema):
    username: Text(150, min_length=1)
    password: Text(128, min_length=1)
    device_id: Text(64, min_length=1)
    device_name: Text(100) = ""
    app_version: Text(40) = ""


class TokenIssued(Schema):
    token: str
    token_id: int
    expires_at: datetime.datetime
    user_id: int


class TokenOut(Schema):
    id: int
    user_id: int
    user_name: str
    prefix: str
    device_id: str
    device_name: str
    app_version: str
    created_at: datetime.datetime
    expires_at: datetime.datetime
    last_used_at: datetime.datetime | None
    revoked_at: datetime.datetime | None
    status: str


class RevokeRequest(Schema):
    reason: Text(200) = ""


def token_out(t: DeviceToken) -> dict:
    return {"id": t.pk, "user_id": t.user_id, "user_name": t.user.display_name, "prefix": t.prefix,
            "device_id": t.device_id, "device_name": t.device_name, "app_version": t.app_version,
            "created_at": t.created_at, "expires_at": t.expires_at, "last_used_at": t.last_used_at,
            "revoked_at": t.revoked_at, "status": t.status_label}


class LockedOut(DomainError):
    code = "locked_out"
    status = 429


@router.post("/auth/token", auth=None, throttle=[LoginThrottle()], operation_id="auth_token_create",
             summary="用户名和密码换取设备令牌", response={201: TokenIssued, 400: Error, 401: Error, 403: Error, 422: Error, 429: Error})
def create_token(request, payload: TokenRequest):
    """仅持执法证的执法人员可获取令牌。令牌只显示一次，服务器只保存其摘要。连续登录失败后该用户名在此地址被锁定（django-axes）。"""
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        # Answer in this API's JSON shape; the flag would make axes' middleware swap in its page.
        request.axes_locked_out = False
        raise LockedOut(_("登录失败次数过多，该账户在此地址已被暂时锁定，请稍后再试。"))
    if user is None:
        raise DomainError(_("用户名或密码错误。"), code="invalid_credentials", status=401)
    try:
        token, raw = services.issue_device_token(actor=user, device_id=payload.device_id,
                                                 device_name=payload.device_name, app_version=payload.app_version)
    except PermissionDenied as exc:
        raise PermissionDenied(exc.message, code="role_not_allowed") from exc
    return Status(201, {"token": raw, "token_id": token.pk, "expires_at": token.expires_at, "user_id": user.pk})


@router.get("/auth/tokens", response={200: list[TokenOut], **ERRORS}, operation_id="auth_token_list",
            summary="设备令牌列表（本人；站长可查看全县）")
def list_tokens(request, page: Query[Page], county: bool = False):
    user = request.auth.user
    qs = DeviceToken.objects.select_related("user")
    if county and user.has_perm("mobile_api.list_tokens"):
        qs = qs.visible_to(user)
    else:
        qs = qs.filter(user=user)
    qs = qs.order_by("-created_at", "-id")[page.offset: page.offset + page.limit]
    return [token_out(t) for t in qs]


@router.post("/auth/tokens/{token_id}/revoke", response={200: TokenOut, **ERRORS},
             operation_id="auth_token_revoke", summary="吊销设备令牌（丢失手机立即失效）")
def revoke_token(request, token_id: Path[Id], payload: RevokeRequest):
    user = request.auth.user
    token = DeviceToken.objects.select_related("user").filter(pk=token_id).first()
    if token is None or not (token.user_id == user.pk or user.has_perm("mobile_api.revoke_token", token)):
        raise NotFound()
    return token_out(services.revoke_device_token(actor=user, token=token, reason=payload.reason))

