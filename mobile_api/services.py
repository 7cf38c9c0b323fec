"""Device tokens: issue on a password login, touch on use, revoke by the holder or the chief."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.accounts.permissions import require
from seedreg.audit.services import audited, log_action
from seedreg.errors import InvalidInput
from seedreg.regulated import service

from .models import DeviceToken, hash_token

# last_used_at is informative (the token list shows it); writing it on every request would
# turn every read into a write, so it is refreshed at most this often.
TOUCH_INTERVAL = datetime.timedelta(minutes=5)


@service
def issue_device_token(*, actor, device_id: str, device_name: str = "", app_version: str = "") -> tuple[DeviceToken, str]:
    """A new token for ``actor``'s phone: returns the row and the raw token (shown once).

    A phone that logs in again replaces its own earlier token (same user, same device id), so
    the list shows one row per phone and a reinstalled app does not leave a live stray token."""
    require(actor, "mobile_api.hold_token",
            message=_("只有持执法证的执法人员可以使用手机执法终端。"))
    device_id = (device_id or "").strip()
    if not device_id:
        raise InvalidInput(_("缺少设备标识。"), fields={"device_id": _("必填")})
    now = timezone.now()
    for old in DeviceToken.objects.filter(user=actor, device_id=device_id, revoked_at__isnull=True):
        with audited(old, "mobile_api.token.revoked", actor=actor, reason="同一设备重新登录"):
            old.revoked_at, old.revoked_by, old.revoke_reason = now, actor, "同一设备重新登录"
            old.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    raw = secrets.token_urlsafe(32)
    token = DeviceToken.objects.create(
        user=actor, token_hash=hash_token(raw), prefix=raw[:8], device_id=device_id,
        device_name=device_name.strip(), app_version=app_version.strip(), created_at=now, last_used_at=now,
        expires_at=now + datetime.timedelta(days=settings.MOBILE_TOKEN_DAYS))
    log_action(token, "mobile_api.token.issued", actor=actor, data={"device_id": device_id})
    return token, raw


@service
def revoke_device_token(*, actor, token: DeviceToken, reason: str = "") -> DeviceToken:
    """Cut a phone off at once: its next request is refused (401)."""
    require(actor, "mobile_api.revoke_token", token)
    if token.revoked_at is not None:
        return token
    with audited(token, "mobile_api.token.revoked", actor=actor, reason=reason):
        token.revoked_at, token.revoked_by, token.revoke_reason = timezone.now(), actor, reason[:200]
        token.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    return token


def touch_device_token(token: DeviceToken, *, app_version: str = "") -> None:
    """Record that the phone was seen (not audited: it changes nothing regulatory). Most
    requests change nothing here and open no transaction."""
    now = timezone.now()
    changes = {}
    if token.last_used_at is None or now - token.last_used_at > TOUCH_INTERVAL:
        changes["last_used_at"] = now
    if app_version and app_version != token.app_version:
        changes["app_version"] = app_version[:40]
    if changes:
        _save_token_use(token, changes)


@service
def _save_token_use(token, changes):
    DeviceToken.objects.filter(pk=token.pk).update(**changes)
    for name, value in changes.items():
        setattr(token, name, value)


# --- reserved serial numbers for documents issued offline ----------------------------------
# How many numbers of each on-site document type a phone keeps in hand: a day rarely needs
# more than a few; a new block is reserved when fewer than LOW_WATER are left.
LOW_WATER = 5


@service
def top_up_serial_blocks(*, actor, device_id: str = "", year: int | None = None):
    """The blocks of reserved numbers of ``actor``'s phone ``device_id`` for each on-site
    document type (visit record, rectification order, sampling form), reserving a block through
    ``inspections.services.reserve_onsite_numbers`` where fewer than LOW_WATER are free.

    Blocks are per phone, not per pair nor per person (issue 5's ``onsite_serial`` accepts a
    number from any of the issuing inspector's blocks): no two phones, not the two of a pair nor
    two of one inspector, then hand out the same number while offline. Returns [(block, free
    numbers)]."""
    from inspections.services import reserve_onsite_numbers
    from inspections.services.onsite import ONSITE_TYPES, block_holder
    from seedreg.documents.models import SerialBlock
    from seedreg.documents.serials import free_numbers

    require(actor, "mobile_api.hold_token")
    year = year or timezone.localdate().year
    out = []
    for doc_type in ONSITE_TYPES:
        blocks = SerialBlock.objects.filter(holder=block_holder(actor, device_id), county_code=(actor.region_id or "")[:6],
                                            doc_type=doc_type, year=year).order_by("first_number")
        free = [(block, free_numbers(block)) for block in blocks]
        if sum(len(numbers) for _block, numbers in free) < LOW_WATER:
            block = reserve_onsite_numbers(actor=actor, doc_type=doc_type, year=year, device_id=device_id)
            free.append((block, free_numbers(block)))
        out.extend((block, numbers) for block, numbers in free if numbers)
    return out


# --- uploads -------------------------------------------------------------------------------------

def receive_upload(*, actor, data: bytes, name: str, object_uuid, file_uuid, kind: str, captured_at=None,
                   latitude=None, longitude=None, accuracy_m=None):
    """Keep one uploaded file for ``object_uuid`` (idempotent by content hash) and hand it to the
    owning app at once when the object has synced. Returns (UploadedFile, created).

    The file is checked before anything is stored: a text file renamed .jpg, a truncated JPEG
    or a decompression bomb is an InvalidInput (4xx), through the same decoder that stores it
    (inspections.photos)."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.db import IntegrityError, transaction

    from inspections.photos import process_photo, process_signature
    from seedreg.errors import Conflict, NotFound

    from .handlers import attach_uploaded_photo
    from .models import SyncedObject, UploadedFile

    require(actor, "mobile_api.hold_token")
    digest = hashlib.sha256(data).hexdigest()
    existing = UploadedFile.objects.filter(object_uuid=object_uuid, sha256=digest).first()
    if existing is not None:
        return existing, False
    if UploadedFile.objects.filter(uuid=file_uuid).exists():
        raise Conflict(_("该文件编号已用于另一个文件。"), code="file_uuid_reused", fields={"file_uuid": [_("已使用")]})
    head = SyncedObject.objects.filter(uuid=object_uuid).first()
    if head is not None and head.user_id != actor.pk and head.region_code[:6] != (actor.county_code or "-"):
        raise NotFound()
    if kind == UploadedFile.Kind.SIGNATURE:
        process_signature(data)
        exif = None
    else:
        exif = process_photo(data)  # checks the image; the stored copy is made when attached
    try:
        with transaction.atomic():
            upload = UploadedFile(uuid=file_uuid, object_uuid=object_uuid, kind=kind, sha256=digest, size=len(data),
                                  original_name=name, captured_at=captured_at, latitude=latitude,
                                  longitude=longitude, accuracy_m=accuracy_m, user=actor)
            if exif is not None:
                upload.exif_taken_at, upload.exif_latitude, upload.exif_longitude = (exif.taken_at, exif.latitude,
                                                                                      exif.longitude)
            upload.content.save(f"{file_uuid}", ContentFile(data), save=False)
            upload.save()
    except IntegrityError:
        # The same file arrived on another connection meanwhile: one row, whoever won.
        upload.content.delete(save=False)
        existing = UploadedFile.objects.filter(object_uuid=object_uuid, sha256=digest).first()
        if existing is None:
            raise Conflict(_("该文件编号已用于另一个文件。"), code="file_uuid_reused") from None
        return existing, False
    if head is not None and kind == UploadedFile.Kind.PHOTO:
        attach_uploaded_photo(actor, head, upload)
        upload.refresh_from_db()
    return upload, True
