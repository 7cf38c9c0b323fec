"""The directory of seed businesses (经营主体) and of outside parties."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.regions.scoping import JurisdictionQuerySet, jurisdiction_of
from seedreg.regulated import RegulatedModel, RegulatedQuerySet

from ..validators import validate_resident_id, validate_uscc


class BusinessKind(models.TextChoices):
    PRODUCER = "producer", _("种子生产经营者（持证）")
    WHOLESALER = "wholesaler", _("种子批发企业（持证）")
    BRANCH = "branch", _("分支机构（备案）")
    PACKAGED_SELLER = "packaged_seller", _("不再分装包装种子经营者（备案）")
    CONSIGNMENT = "consignment", _("受托代销者（备案）")
    ENTRUSTED_PRODUCER = "entrusted_producer", _("受托生产者（备案）")
    INDIVIDUAL = "individual", _("个人（流动商贩、农民余种）")


LICENSED_KINDS = {BusinessKind.PRODUCER, BusinessKind.WHOLESALER}


class EntityType(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")
    COOPERATIVE = "cooperative", _("农民专业合作社")
    NATURAL_PERSON = "natural_person", _("自然人")


class CoordinateSystem(models.TextChoices):
    WGS84 = "wgs84", _("WGS-84（手机定位）")
    GCJ02 = "gcj02", _("GCJ-02（国内地图选点，已换算）")


class DealerScopedQuerySet(JurisdictionQuerySet, RegulatedQuerySet):
    """Staff see their jurisdiction; a dealer user sees only their own business's records.
    ``dealer_path`` is the lookup from the model to ``Business.dealer_memberships``."""

    dealer_path = "business__dealer_memberships"

    def visible_to(self, user):
        if getattr(user, "is_authenticated", False) and user.is_active and user.role == "dealer":
            return self.filter(**{f"{self.dealer_path}__user": user})
        return super().visible_to(user)


class BusinessQuerySet(DealerScopedQuerySet):
    dealer_path = "dealer_memberships"

    def active(self):
        return self.filter(status=Business.Status.ACTIVE)

    def with_last_check(self):
        from .checks import DocumentCheck

        last = DocumentCheck.objects.filter(business=models.OuterRef("pk")).order_by("-checked_at")
        return self.annotate(last_checked_at=models.Subquery(last.values("checked_at")[:1]))


class Business(RegulatedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("在营")
        SUSPENDED = "suspended", _("停业")
        CLOSED = "closed", _("注销/歇业")

    name = models.CharField(_("名称"), max_length=100, db_index=True)
    kind = models.CharField(_("经营类型"), max_length=20, choices=BusinessKind.choices)
    entity_type = models.CharField(_("主体类型"), max_length=20, choices=EntityType.choices,
                                   default=EntityType.ENTERPRISE)
    # NULL (not "") for natural persons, so the partial unique constraint below ignores them.
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, null=True, blank=True,  # noqa: DJ001
                                   db_index=True, validators=[validate_uscc])
    # Personal data: natural persons only, never shown publicly (DESIGN.md section 4).
    id_number = models.CharField(_("身份证号码"), max_length=18, blank=True, validators=[validate_resident_id])
    legal_representative = models.CharField(_("法定代表人/负责人"), max_length=50, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("经营地址"), max_length=200, blank=True)
    region_code = models.CharField(_("所在区划"), max_length=12, db_index=True,
                                   help_text=_("乡镇（9位）或县（6位）区划代码"))
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True, db_index=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True, db_index=True)
    coordinate_source = models.CharField(_("坐标来源"), max_length=10, choices=CoordinateSystem.choices, blank=True)
    principal = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="branches",
                                  verbose_name=_("所属主体（分支机构的总公司）"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    notes = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    audit_exclude = ("updated_at",)
    objects = BusinessQuerySet.as_manager()

    class Meta:
        verbose_name = _("经营主体")
        verbose_name_plural = _("经营主体")
        ordering = ["name", "id"]
        constraints = [
            # A credit code identifies one active business; a closed one may be re-registered.
            models.UniqueConstraint(fields=["credit_code"], condition=Q(status="active") & Q(credit_code__isnull=False),
                                    name="business_credit_code_unique_active"),
        ]
        indexes = [models.Index(fields=["latitude", "longitude"], name="business_location_idx")]

    def __str__(self):
        return self.name

    @property
    def county_code(self):
        return self.region_code[:6]

    @property
    def is_natural_person(self):
        return self.entity_type == EntityType.NATURAL_PERSON

    @property
    def location(self):
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)


class OutsidePartyQuerySet(RegulatedQuerySet):
    def visible_to(self, user):
        """Outside parties are referenced by any county: every staff role and dealers may read
        them (names, codes and licence numbers are public business data)."""
        if jurisdiction_of(user) is None:
            return self.none()
        return self


class OutsideParty(RegulatedModel):
    """A producer or wholesaler registered elsewhere whose seed comes here (DESIGN.md section 4)."""

    class Kind(models.TextChoices):
        PRODUCER = "producer", _("种子生产经营者")
        WHOLESALER = "wholesaler", _("种子批发商")
        IMPORTER = "importer", _("进口商")
        OTHER = "other", _("其他")

    name = models.CharField(_("名称"), max_length=100, db_index=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.PRODUCER)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True,
                                   validators=[validate_uscc])
    licence_number = models.CharField(_("种子生产经营许可证编号"), max_length=60, blank=True, db_index=True)
    home_region_code = models.CharField(_("注册地区划代码"), max_length=12, blank=True)
    home_region_text = models.CharField(_("注册地"), max_length=100, blank=True)
    created_by_region_code = models.CharField(_("录入县"), max_length=12, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = OutsidePartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("外地主体")
        verbose_name_plural = _("外地主体")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["credit_code"], condition=~Q(credit_code=""),
                                               name="outside_party_credit_code_unique")]

    def __str__(self):
        return self.name

    @property
    def region_code(self):
        # For audit grouping: the county that recorded it.
        return self.created_by_region_code


class BusinessLicenceQuerySet(JurisdictionQuerySet, RegulatedQuerySet):
    pass


class BusinessLicence(RegulatedModel):
    """The business licence (营业执照) issued by market regulation."""

    business = models.ForeignKey(Business, models.PROTECT, related_name="business_licences",
                                 verbose_name=_("经营主体"))
    registered_name = models.CharField(_("登记名称"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, validators=[validate_uscc])
    registration_authority = models.CharField(_("登记机关"), max_length=100, blank=True)
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    valid_until = models.DateField(_("营业期限至"), null=True, blank=True, help_text=_("留空表示长期"))
    business_scope = models.TextField(_("经营范围"), blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    jurisdiction_path = "business__region_code"
    objects = BusinessLicenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("营业执照")
        verbose_name_plural = _("营业执照")
        ordering = ["-recorded_at"]

    def __str__(self):
        return f"{self.registered_name}（{self.credit_code}）"

    @property
    def region_code(self):
        return self.business.region_code

    def is_current(self, on=None):
        on = on or timezone.localdate()
        return self.valid_until is None or self.valid_until >= on


class DealerMembership(models.Model):
    """Binds a dealer user (role "dealer") to the one business they act for."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="dealer_membership",
                                verbose_name=_("用户"))
    business = models.ForeignKey(Business, models.PROTECT, related_name="dealer_memberships",
                                 verbose_name=_("经营主体"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("经营者账户")
        verbose_name_plural = _("经营者账户")

    def __str__(self):
        return f"{self.user} → {self.business}"


class BusinessSearchToken(models.Model):
    """Character bigrams of business names, for public search that works for Chinese on
    SQLite and on PostgreSQL alike (pg_trgm skips CJK characters under a C ctype). A query's
    bigrams must all be present; the name is then checked for the whole fragment."""

    business = models.ForeignKey(Business, models.CASCADE, related_name="+")
    token = models.CharField(max_length=8)

    class Meta:
        indexes = [models.Index(fields=["token", "business"], name="business_token_idx")]
        constraints = [models.UniqueConstraint(fields=["business", "token"], name="business_token_unique")]

    def __str__(self):
        return self.token


