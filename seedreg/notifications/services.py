"""Telling people: the in-app inbox at once, SMS and e-mail through a task.

``notify`` is called inside the service whose change it reports; the inbox row and the
outgoing messages commit with that change, and the sending task starts through the outbox."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction

from seedreg.outbox.services import enqueue

from .models import Notification, OutgoingMessage

PHONE = re.compile(r"^1\d{10}$")
DELIVER_TASK = "seedreg.notifications.tasks.deliver"


def _queue(channel, recipient, *, key, body, subject="", user=None) -> OutgoingMessage | None:
    try:
        with transaction.atomic():
            message = OutgoingMessage.objects.create(channel=channel, recipient=recipient, user=user, subject=subject,
                                                     body=body, idempotency_key=key)
    except IntegrityError:
        return None  # already queued under this key
    enqueue(DELIVER_TASK, message.pk)
    return message


def notify(recipients, *, key: str, title: str, body: str = "", link: str = "",
           channels=("inbox", "sms", "email"), category: str = "") -> list[Notification]:
    """Tell ``recipients`` (users): always in their inbox, and by SMS / e-mail as ``channels``
    say. Idempotent per (key, recipient): calling again with the same key tells nobody twice.
    Returns the inbox entries created now."""
    created = []
    for user in recipients:
        if user is None:
            continue
        # The inbox entry is always written: it is also what makes a repeated call a no-op.
        try:
            with transaction.atomic():
                note = Notification.objects.create(user=user, key=key[:200], title=title[:200], body=body,
                                                   link=link[:300], category=category)
        except IntegrityError:
            continue  # this person was already told
        created.append(note)
        text = f"【种子管理站】{title}" + (f"：{body}" if body else "")
        if "sms" in channels and PHONE.match(user.phone or ""):
            _queue(OutgoingMessage.Channel.SMS, user.phone, key=f"{key}:sms:{user.pk}", body=text[:500], user=user)
        if "email" in channels and user.email:
            _queue(OutgoingMessage.Channel.EMAIL, user.email, key=f"{key}:email:{user.pk}", body=body or title,
                   subject=title, user=user)
    return created


def send_sms(phone: str, *, key: str, body: str) -> OutgoingMessage | None:
    """An SMS to someone without an account (a complainant, a dealer before their account)."""
    if not PHONE.match(phone or ""):
        from django.utils.translation import gettext_lazy as _

        from seedreg.errors import InvalidInput

        raise InvalidInput(_("手机号格式不正确（11位数字，以1开头）。"), code="invalid_phone", fields={"phone": _("格式不正确")})
    return _queue(OutgoingMessage.Channel.SMS, phone, key=f"{key}:sms:{phone}", body=body[:500])
