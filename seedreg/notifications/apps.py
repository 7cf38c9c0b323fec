from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "seedreg.notifications"
    label = "notifications"
    verbose_name = _("通知")

    def ready(self):
        from seedreg.accounts.navigation import register
        from seedreg.accounts.roles import Role

        register(_("通知"), "notifications:inbox", set(Role), order=900)
