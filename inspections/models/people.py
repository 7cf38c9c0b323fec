"""The inspector directory (执法检查人员名录库) and complaints (投诉举报)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.regulated import RegulatedModel

from ._base import InspectionQuerySet, client_uuid_field


class InspectorProfile(RegulatedModel):
    """A field user's entry in the inspector directory. Name, enforcement ID (执法证号) and unit
    live on the user (one source of truth); this row adds qualifications and availability."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.PROTECT, related_name="inspector_profile",
                                verbose_name=_("人员"))
    region_code = models.CharField(_("所属县"), max_length=12, db_index=True)
    may_inspect = models.BooleanField(_("可执法检查"), default=True)
    may_sample = models.BooleanField(_("可抽样"), default=True)
    active = models.BooleanField(_("在名录中"), default=True)
    absent_from = models.DateField(_("不在岗起"), null=True, blank=True)
    absent_until = models.DateField(_("不在岗至"), null=True, blank=True)
    absence_note = models.CharField(_("不在岗说明"), max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("执法检查人员")
        verbose_name_plural = _("执法检查人员名录")
        ordering = ["user__full_name", "id"]

    def __str__(self):
        return f"{self.user.display_name}（{self.user.enforcement_id or '无执法证'}）"

    def is_available_on(self, day) -> bool:
        if not self.active or not self.may_inspect or not self.user.can_inspect:
            return False
        if self.absent_from and self.absent_from <= day and (self.absent_until is None or day <= self.absent_until):
            return False
        return True


class ConflictOfInterest(RegulatedModel):
    """A business the inspector must not inspect (回避)."""

    profile = models.ForeignKey(InspectorProfile, models.CASCADE, related_name="conflicts", verbose_name=_("执法人员"))
    business = models.ForeignKey("licensing.Business", models.PROTECT, related_name="+", verbose_name=_("经营主体"))
    reason = models.CharField(_("回避理由"), max_length=200)
    declared_on = models.DateField(_("申报日期"), default=timezone.localdate)

    jurisdiction_path = "profile__region_code"
    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("利益冲突回避")
        verbose_name_plural = _("利益冲突回避")
        constraints = [models.UniqueConstraint(fields=["profile", "business"], name="conflict_unique")]

    def __str__(self):
        return f"{self.profile} ⟂ {self.business}"

    @property
    def region_code(self):
        return self.profile.region_code


class Complaint(RegulatedModel):
    """A complaint or report from a farmer or the public (投诉举报)."""

    class Channel(models.TextChoices):
        HOTLINE = "hotline", _("电话（12316等）")
        VISIT = "visit", _("来访")
        LETTER = "letter", _("来信")
        ONLINE = "online", _("网络")
        REFERRED = "referred", _("上级转办")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        OPEN = "open", _("办理中")
        CLOSED = "closed", _("已办结")

    client_uuid = client_uuid_field()
    region_code = models.CharField(_("所属区划"), max_length=12, db_index=True)
    channel = models.CharField(_("来源渠道"), max_length=10, choices=Channel.choices)
    # Personal data: shown only to the county's station staff.
    complainant_name = models.CharField(_("投诉人"), max_length=50, blank=True)
    complainant_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    anonymous = models.BooleanField(_("匿名"), default=False)
    business = models.ForeignKey("licensing.Business", models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("被投诉主体"))
    lot = models.ForeignKey("licensing.SeedLot", models.PROTECT, null=True, blank=True, related_name="+",
                            verbose_name=_("涉及种子批"))
    lot_text = models.CharField(_("涉及种子（品种、批号）"), max_length=200, blank=True)
    description = models.TextField(_("投诉内容"))
    received_at = models.DateTimeField(_("受理时间"), default=timezone.now)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("受理人"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True)
    outcome = models.TextField(_("处理结果"), blank=True)
    outcome_told_at = models.DateTimeField(_("告知时间"), null=True, blank=True)
    outcome_told_how = models.CharField(_("告知方式"), max_length=50, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("办结人"))

    # Personal data stays out of audit snapshots (the timeline is wider than who may see it).
    audit_exclude = ("complainant_name", "complainant_phone")
    objects = InspectionQuerySet.as_manager()
    jurisdiction_roles = frozenset({"station_chief", "station_clerk", "inspector", "supervisor"})

    class Meta:
        verbose_name = _("投诉举报")
        verbose_name_plural = _("投诉举报")
        ordering = ["-received_at"]

    def __str__(self):
        target = self.business.name if self.business_id else (self.lot_text or "—")
        return f"投诉：{target}（{self.received_at:%Y-%m-%d}）"


class ComplaintFollowUp(RegulatedModel):
    """复查: what the inspectors found when following a complaint up on site, with evidence
    photos and their view of it. The station closes the complaint and tells the complainant."""

    class Outcome(models.TextChoices):
        SUBSTANTIATED = "substantiated", _("投诉属实")
        PARTLY = "partly", _("部分属实")
        UNSUBSTANTIATED = "unsubstantiated", _("投诉不属实")
        NOT_VERIFIABLE = "not_verifiable", _("无法核实")

    client_uuid = client_uuid_field()
    region_code = models.CharField(_("所属区划"), max_length=12, db_index=True)
    complaint = models.ForeignKey(Complaint, models.PROTECT, related_name="follow_ups", verbose_name=_("投诉举报"))
    visit = models.ForeignKey("inspections.Visit", models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("现场检查"))
    found = models.TextField(_("复查情况"))
    outcome = models.CharField(_("复查结论"), max_length=16, choices=Outcome.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("复查人"))
    recorded_at = models.DateTimeField(_("复查时间"), default=timezone.now)

    objects = InspectionQuerySet.as_manager()
    jurisdiction_roles = Complaint.jurisdiction_roles

    class Meta:
        verbose_name = _("投诉复查")
        verbose_name_plural = _("投诉复查")
        ordering = ["recorded_at", "id"]

    def __str__(self):
        return f"复查：{self.complaint}（{self.get_outcome_display()}）"
