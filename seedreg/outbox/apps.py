from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "seedreg.outbox"
    label = "outbox"
    verbose_name = "后台任务发件箱"

    def ready(self):
        from . import schedules

        schedules.connect()
