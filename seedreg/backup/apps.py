from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupConfig(AppConfig):
    name = "seedreg.backup"
    label = "backup"
    verbose_name = _("备份与恢复")
