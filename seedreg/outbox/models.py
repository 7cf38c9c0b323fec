from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """A Celery task to start, written in the same transaction as the change that needs it.

    The relay hands pending rows to the broker and marks them sent; while the broker is down
    they wait here, so a committed change never loses its follow-up work."""

    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True)
    task_name = models.CharField(_("任务"), max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    # Optional: a second enqueue with the same key while the first is pending is dropped.
    dedup_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    countdown = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(_("已发送"), null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("发件箱任务")
        verbose_name_plural = _("发件箱任务")
        indexes = [models.Index(fields=["sent_at", "next_attempt_at"], name="outbox_pending_idx")]

    def __str__(self):
        return f"{self.task_name}{tuple(self.args)}"
