from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobHeartbeat(models.Model):
    """The last successful run of a scheduled job. A nightly job that silently stopped shows
    on /healthz and on the station's home page instead of leaving stale data unnoticed."""

    name = models.CharField(_("任务"), max_length=100, primary_key=True)
    label = models.CharField(_("名称"), max_length=100, blank=True)
    last_success_at = models.DateTimeField(_("上次成功运行"), null=True, blank=True)
    last_failure_at = models.DateTimeField(_("上次失败"), null=True, blank=True)
    last_error = models.TextField(blank=True)
    # When the job became expected to run (first migrate after it was added): a job that has
    # never run is stale only once its allowed age has passed since then.
    expected_since = models.DateTimeField(_("开始计划运行"), default=timezone.now)

    class Meta:
        verbose_name = _("定时任务运行记录")
        verbose_name_plural = _("定时任务运行记录")

    def __str__(self):
        return self.label or self.name
