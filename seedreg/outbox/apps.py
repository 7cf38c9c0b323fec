from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "seedreg.outbox"
    label = "outbox"
    verbose_name = _("后台任务发件箱")

    def ready(self):
        from . import schedules

        schedules.connect()
