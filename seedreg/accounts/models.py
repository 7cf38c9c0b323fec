from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from seedreg.regions.models import Region

from .roles import FIELD_ROLES, LAB_ROLES, STATION_STAFF, Role


class User(AbstractUser):
    """A person who logs in. Bound to one region (their jurisdiction) and one role.

    Dealer users log in with their mobile phone number as username; the licensing app binds
    them to their business."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True, db_index=True)
    region = models.ForeignKey(Region, models.PROTECT, null=True, blank=True, related_name="users",
                               verbose_name=_("所属区划"))
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.STATION_CLERK)
    enforcement_id = models.CharField(_("执法证号"), max_length=40, null=True, blank=True, unique=True)
    unit = models.CharField(_("工作单位"), max_length=100, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self):
        return self.full_name or self.username

    @property
    def county_code(self):
        return self.region_id[:6] if self.region_id and len(self.region_id) >= 6 else None

    @property
    def is_station_staff(self):
        return self.role in STATION_STAFF

    @property
    def is_station_chief(self):
        return self.role == Role.STATION_CHIEF

    @property
    def is_lab(self):
        return self.role in LAB_ROLES

    @property
    def is_dealer(self):
        return self.role == Role.DEALER

    @property
    def can_inspect(self):
        """Field work needs a field role and an enforcement ID (执法证号)."""
        return self.is_active and self.role in FIELD_ROLES and bool(self.enforcement_id)

    def can_see_personal_data(self, region_code: str) -> bool:
        """Farmers' names and phones, ID numbers: only station staff of the county where the
        record was made (DESIGN.md section 4) — never supervisors, labs or other dealers."""
        return (
            self.is_active
            and self.role in STATION_STAFF
            and bool(region_code)
            and self.county_code is not None
            and region_code[:6] == self.county_code
        )
