"""The SMS adapter. Rural dealers read SMS, not e-mail. A provider backend implements
``send(phone, body, *, idempotency_key)`` and passes the key to the provider where it supports
one; ``SMS_BACKEND`` names the class."""

import logging

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


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()
