from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "seedreg.health"
    label = "health"
    verbose_name = _("运行状态")

    def ready(self):
        from . import checks

        checks.register_platform_checks()

        from django.db.models.signals import post_migrate

        post_migrate.connect(checks.ensure_job_rows, sender=self, dispatch_uid="health.ensure_job_rows")

        from seedreg.outbox.schedules import register_schedule

        register_schedule("平台：后台任务心跳", "seedreg.health.tasks.worker_heartbeat", every_seconds=300,
                          description="证明 beat、消息队列和 worker 都在运行")
