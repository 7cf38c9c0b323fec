"""The SMS adapter. Rural dealers read SMS, not e-mail. A provider backend implements
``send(phone, body, *, idempotency_key)`` and passes the key to the provider where it supports
one; ``SMS_BACKEND`` names the class."""

import hashlib
import json
import logging
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

log = logging.getLogger("seedreg.sms")


class BaseSmsBackend:
    def send(self, phone: str, body: str, *, idempotency_key: str) -> None:
        raise NotImplementedError


class LoggingSmsBackend(BaseSmsBackend):
    """Development and test backend: records each message once per key and logs it."""

    def send(self, phone, body, *, idempotency_key):
        from .models import SmsLog

        try:
            with transaction.atomic():
                SmsLog.objects.create(idempotency_key=idempotency_key, phone=phone, body=body)
        except IntegrityError:
            log.info("sms duplicate ignored key=%s", idempotency_key)
            return
        log.info("sms phone=%s key=%s body=%s", phone, idempotency_key, body)


class FileSmsBackend(BaseSmsBackend):
    """Writes each SMS to a file in ``SMS_FILE_PATH`` (like Django's file e-mail backend),
    one file per idempotency key: a key already written is not written again, which is what a
    provider that honours client message ids does. Unlike ``LoggingSmsBackend`` the record is
    outside the database, so a rolled-back transaction cannot take the "sent" message back:
    the fault tests use it as the outside world."""

    def send(self, phone, body, *, idempotency_key):
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32] + ".json"
        try:
            with open(folder / name, "x", encoding="utf-8") as f:
                json.dump({"phone": phone, "body": body, "idempotency_key": idempotency_key}, f, ensure_ascii=False)
        except FileExistsError:
            log.info("sms duplicate ignored key=%s", idempotency_key)
            return
        log.info("sms phone=%s key=%s file=%s", phone, idempotency_key, name)


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()
