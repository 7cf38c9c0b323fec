"""The roles of SeedReg (see DESIGN.md section 4). A user has exactly one role, bound to one region."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STATION_CHIEF = "station_chief", _("站长")
    STATION_CLERK = "station_clerk", _("科员")
    INSPECTOR = "inspector", _("执法人员")
    LAB_TECHNICIAN = "lab_technician", _("检验员")
    LAB_REVIEWER = "lab_reviewer", _("审核员")
    HIGHER_LAB = "higher_lab", _("上级检验机构")
    SUPERVISOR = "supervisor", _("监督人员（只读）")
    DEALER = "dealer", _("经营者")


STATION_STAFF = frozenset({Role.STATION_CHIEF, Role.STATION_CLERK})
# Roles that may hold an enforcement ID and go into the field (inspector directory, phone tokens).
FIELD_ROLES = frozenset({Role.INSPECTOR, Role.STATION_CHIEF, Role.STATION_CLERK})
LAB_ROLES = frozenset({Role.LAB_TECHNICIAN, Role.LAB_REVIEWER, Role.HIGHER_LAB})
# Everyone who works for the administration (everything but dealers).
STAFF_ROLES = frozenset(set(Role) - {Role.DEALER})
