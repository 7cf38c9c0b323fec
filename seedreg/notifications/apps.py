from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "seedreg.notifications"
    label = "notifications"
    verbose_name = "通知"
