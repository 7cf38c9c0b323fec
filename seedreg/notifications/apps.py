from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "seedreg.notifications"
    label = "notifications"
    verbose_name = "通知"

    def ready(self):
        from seedreg.accounts.navigation import register
        from seedreg.accounts.roles import Role

        register("通知", "notifications:inbox", set(Role), order=900)
