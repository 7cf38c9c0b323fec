from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "seedreg.sync"
    label = "sync"
    verbose_name = "离线同步变更记录"

    def ready(self):
        from . import versions

        versions.connect()
