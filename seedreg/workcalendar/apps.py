from django.apps import AppConfig


class WorkCalendarConfig(AppConfig):
    name = "seedreg.workcalendar"
    label = "workcalendar"
    verbose_name = "节假日与法定期限"
