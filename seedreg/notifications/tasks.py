import hashlib
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from seedreg.lib.faults import checkpoint

from .models import OutgoingMessage
from .sms import get_backend

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


class TransientSendError(Exception):
    pass


def email_message_id(idempotency_key: str) -> str:
    """The same Message-ID for every attempt at one message. SMTP has no idempotency key: a
    worker killed after the server took the e-mail and before the commit sends it again on the
    re-run, and the recipient's mail system drops the copy by its Message-ID (RFC 5322 §3.6.4:
    one message, one id)."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "seedreg.local"
    return f"<{hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]}@{domain}>"


@shared_task(name="seedreg.notifications.tasks.deliver", bind=True, ignore_result=True,
             autoretry_for=(TransientSendError,), retry_backoff=30, max_retries=MAX_ATTEMPTS)
def deliver(self, message_id: int):
    """Send one SMS or e-mail. Idempotent: a message already sent is not sent again, and the
    backend receives the message's idempotency key for the window between sending and
    recording it (a worker killed there re-runs the task)."""
    with transaction.atomic():
        message = OutgoingMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status == OutgoingMessage.Status.SENT:
            return
        message.attempts += 1
        try:
            if message.channel == OutgoingMessage.Channel.SMS:
                get_backend().send(message.recipient, message.body, idempotency_key=message.idempotency_key)
            else:
                EmailMessage(message.subject, message.body, to=[message.recipient],
                             headers={"Message-ID": email_message_id(message.idempotency_key),
                                      "X-Idempotency-Key": message.idempotency_key}).send()
        except Exception as exc:
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            message.status = (OutgoingMessage.Status.FAILED if message.attempts >= MAX_ATTEMPTS
                              else OutgoingMessage.Status.PENDING)
            message.save(update_fields=["attempts", "last_error", "status"])
            log.warning("delivery failed id=%s attempt=%s error=%s", message.pk, message.attempts, message.last_error)
            if message.status == OutgoingMessage.Status.PENDING:
                raise TransientSendError(message.last_error) from exc
            return
        # The provider has the message; a worker that dies before the commit below re-runs the
        # task, and the idempotency key stops the SMS provider from sending it again (an e-mail
        # goes again with the same Message-ID, which the recipient's mail system de-duplicates).
        checkpoint("notifications.deliver.sent")
        message.status = OutgoingMessage.Status.SENT
        message.sent_at = timezone.now()
        message.save(update_fields=["attempts", "status", "sent_at"])
