"""Dealer accounts: a clerk creates the dealer's login (their mobile number); the first
password reaches them by SMS or on a printed slip; they can reset it with an SMS code."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from seedreg.accounts.permissions import require
from seedreg.accounts.roles import Role
from seedreg.audit.services import log_action
from seedreg.errors import Conflict, InvalidInput, RuleViolation
from seedreg.notifications.services import send_sms
from seedreg.regulated import service

from ..models import DealerMembership
from ._common import required

PHONE = re.compile(r"^1\d{10}$")
# No 0/O, 1/l/I: the slip is read off paper and typed on a phone.
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_TTL = 600
CODE_RESEND_SECONDS = 60
CODE_MAX_ATTEMPTS = 5


def _password() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(10))


def _check_phone(phone):
    phone = (phone or "").strip().replace(" ", "")
    if not PHONE.match(phone):
        raise InvalidInput(_("手机号格式不正确（11位数字，以1开头）。"), code="invalid_phone", fields={"phone": [_("格式不正确")]})
    return phone


def _deliver(user, password, delivery, key):
    if delivery == "sms":
        send_sms(user.phone, key=key, body=f"【种子管理站】您的SeedReg账号为{user.username}，初始密码{password}，"
                                             f"请登录后修改。网址：{settings.SITE_URL}")
    elif delivery != "slip":
        raise InvalidInput(_("请选择密码送达方式：短信或打印。"), code="delivery", fields={"delivery": [_("无效")]})


@service
def create_dealer_user(business, *, actor, phone: str, full_name: str, delivery: str = "sms"):
    """Create the dealer's login. Returns (user, first password): show the password once on a
    printed slip when ``delivery`` is "slip"; with "sms" it is also texted to the phone."""
    require(actor, "licensing.manage_dealer_accounts", business)
    phone = _check_phone(phone)
    User = get_user_model()
    if User.objects.filter(username=phone).exists():
        raise Conflict(_("手机号 %(phone)s 已有账号。"), code="phone_taken", phone=phone, fields={"phone": [_("已有账号")]})
    password = _password()
    user = User.objects.create_user(username=phone, password=password, phone=phone, role=Role.DEALER,
                                    full_name=required(full_name, "full_name", _("姓名")),
                                    region_id=business.region_code[:6], unit=business.name)
    DealerMembership.objects.create(user=user, business=business)
    _deliver(user, password, delivery, key=f"dealer-account:{user.pk}")
    log_action(business, "licensing.dealer_account.created", actor=actor, parent=business,
               data={"user": user.pk, "phone": phone, "delivery": delivery})
    return user, password


@service
def reset_dealer_password(user, *, actor, delivery: str = "sms"):
    membership = DealerMembership.objects.select_related("business").filter(user=user).first()
    if membership is None:
        raise InvalidInput(_("该用户不是经营者账号。"), code="not_a_dealer")
    require(actor, "licensing.manage_dealer_accounts", membership.business)
    password = _password()
    user.set_password(password)
    user.save(update_fields=["password"])
    _deliver(user, password, delivery, key=f"dealer-password:{user.pk}:{secrets.token_hex(4)}")
    log_action(membership.business, "licensing.dealer_account.password_reset", actor=actor,
               parent=membership.business, data={"user": user.pk, "delivery": delivery})
    return password


def _code_key(phone):
    return "pwreset:" + hashlib.sha256(phone.encode()).hexdigest()


def _hash(code):
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), "sha256").hexdigest()


@service
def request_password_code(phone: str) -> None:
    """A dealer who forgot the password asks for a 6-digit code by SMS. Answers the same way
    whether or not the number has an account (no account enumeration)."""
    phone = _check_phone(phone)
    key = _code_key(phone)
    if cache.get(key + ":sent"):
        raise RuleViolation(_("验证码已发送，请%(seconds)s秒后再试。"), code="code_too_soon", seconds=CODE_RESEND_SECONDS,
                            status=429)
    cache.set(key + ":sent", True, CODE_RESEND_SECONDS)
    User = get_user_model()
    if not User.objects.filter(username=phone, role=Role.DEALER, is_active=True).exists():
        return
    code = f"{secrets.randbelow(10**6):06d}"
    cache.set(key, {"hash": _hash(code), "attempts": 0}, CODE_TTL)
    send_sms(phone, key=f"pwreset:{phone}:{secrets.token_hex(4)}", body=f"【种子管理站】验证码{code}，10分钟内有效。"
                                                                         f"如非本人操作请忽略。")


@service
def reset_password_with_code(phone: str, code: str, new_password: str):
    phone = _check_phone(phone)
    key = _code_key(phone)
    entry = cache.get(key)
    if not entry or entry["attempts"] >= CODE_MAX_ATTEMPTS:
        raise InvalidInput(_("验证码无效或已过期，请重新获取。"), code="code_invalid", fields={"code": [_("无效或已过期")]})
    if not hmac.compare_digest(entry["hash"], _hash((code or "").strip())):
        entry["attempts"] += 1
        cache.set(key, entry, CODE_TTL)
        raise InvalidInput(_("验证码不正确。"), code="code_wrong", fields={"code": [_("不正确")]})
    User = get_user_model()
    user = User.objects.get(username=phone, role=Role.DEALER)
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise InvalidInput("；".join(exc.messages), code="weak_password", fields={"new_password": exc.messages}) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    cache.delete(key)
    membership = DealerMembership.objects.select_related("business").get(user=user)
    log_action(membership.business, "licensing.dealer_account.password_reset_by_code", actor=user,
               parent=membership.business)
    return user
