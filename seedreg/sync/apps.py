from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyncConfig(AppConfig):
    name = "seedreg.sync"
    label = "sync"
    verbose_name = _("离线同步变更记录")

    def ready(self):
        from . import versions

        versions.connect()
