from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkCalendarConfig(AppConfig):
    name = "seedreg.workcalendar"
    label = "workcalendar"
    verbose_name = _("节假日与法定期限")
