"""Market visits (市场检查): check-in/out, checklist, findings with photos, outcomes."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.regulated import RegulatedModel

from ._base import InspectionQuerySet, client_uuid_field
from .rules import ChecklistItem, FindingType
from .tasks import Task


def photo_path(instance, filename):
    return f"inspections/photos/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.jpg"


def thumb_path(instance, filename):
    return f"inspections/thumbs/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.jpg"


def signature_path(instance, filename):
    return f"inspections/signatures/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.png"


class Outcome(models.TextChoices):
    COMPLIANT = "compliant", _("未发现问题")
    REFUSED = "refused", _("拒绝接受监督检查或抽样")
    RECTIFICATION = "rectification", _("责令整改")
    CASE = "case", _("移送立案")


class Visit(RegulatedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("检查中")
        CLOSED = "closed", _("已结束")

    client_uuid = client_uuid_field()
    region_code = models.CharField(_("所属区划"), max_length=12, db_index=True)
    task = models.ForeignKey(Task, models.PROTECT, null=True, blank=True, related_name="visits",
                             verbose_name=_("检查任务"))
    business = models.ForeignKey("licensing.Business", models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("检查对象"))
    # A peddler at a rural fair (流动商贩) has no directory record: what we saw is recorded here.
    peddler_location = models.CharField(_("商贩位置"), max_length=200, blank=True)
    peddler_description = models.CharField(_("商贩情况"), max_length=200, blank=True)
    goods_sold = models.CharField(_("销售的种子"), max_length=200, blank=True)
    farmer_own_surplus = models.BooleanField(
        _("农民自繁自用剩余常规种子"), default=False,
        help_text=_("《种子法》第三十七条：农民个人自繁自用的常规种子有剩余的，可以在当地集贸市场上出售、串换，不需要办理种子生产经营许可证"))
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="inspection_visits",
                                        verbose_name=_("执法人员"))
    checked_in_at = models.DateTimeField(_("到达时间"))
    checkin_latitude = models.DecimalField(_("到达纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    checkin_longitude = models.DecimalField(_("到达经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    checkin_accuracy_m = models.PositiveIntegerField(_("定位精度（米）"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("距登记地址（米）"), null=True, blank=True)
    geofence_radius_m = models.PositiveIntegerField(_("允许半径（米）"), null=True, blank=True)
    outside_geofence = models.BooleanField(_("超出允许半径"), default=False)
    # The phone's position was too vague to prove where the check-in happened (accuracy worse
    # than the county's inspection_max_accuracy_m when checking in).
    poor_accuracy = models.BooleanField(_("定位精度不足"), default=False)
    checked_out_at = models.DateTimeField(_("离开时间"), null=True, blank=True)
    checkout_latitude = models.DecimalField(_("离开纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    checkout_longitude = models.DecimalField(_("离开经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    checkout_accuracy_m = models.PositiveIntegerField(_("离开定位精度（米）"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True)
    outcome = models.CharField(_("检查结论"), max_length=16, choices=Outcome.choices, blank=True)
    refusal_account = models.TextField(_("拒绝检查情况"), blank=True)
    ack_signature = models.FileField(_("经营者签名"), upload_to=signature_path, blank=True)
    ack_refused = models.BooleanField(_("经营者拒绝签字"), default=False)
    ack_note = models.CharField(_("签字情况说明"), max_length=200, blank=True)
    record_document = models.OneToOneField("documents.IssuedDocument", models.PROTECT, null=True, blank=True,
                                           related_name="+", verbose_name=_("现场检查笔录"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("记录人"))

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("现场检查")
        verbose_name_plural = _("现场检查")
        ordering = ["-checked_in_at"]

    def __str__(self):
        who = self.business.name if self.business_id else f"流动商贩（{self.peddler_location}）"
        return f"{who} {timezone.localtime(self.checked_in_at):%Y-%m-%d %H:%M}"

    @property
    def subject_name(self):
        return self.business.name if self.business_id else f"流动商贩：{self.peddler_description or self.peddler_location}"


class ChecklistAnswer(RegulatedModel):
    class Answer(models.TextChoices):
        YES = "yes", _("符合")
        NO = "no", _("不符合")
        NOT_APPLICABLE = "na", _("不适用")

    visit = models.ForeignKey(Visit, models.CASCADE, related_name="answers", verbose_name=_("现场检查"))
    item = models.ForeignKey(ChecklistItem, models.PROTECT, related_name="+", verbose_name=_("检查项目"))
    answer = models.CharField(_("结果"), max_length=3, choices=Answer.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    jurisdiction_path = "visit__region_code"
    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("检查项目结果")
        verbose_name_plural = _("检查项目结果")
        constraints = [models.UniqueConstraint(fields=["visit", "item"], name="checklist_answer_unique")]

    def __str__(self):
        return f"{self.item.code}: {self.answer}"

    @property
    def region_code(self):
        return self.visit.region_code


class Finding(RegulatedModel):
    client_uuid = client_uuid_field()
    visit = models.ForeignKey(Visit, models.PROTECT, related_name="findings", verbose_name=_("现场检查"))
    finding_type = models.ForeignKey(FindingType, models.PROTECT, related_name="+", verbose_name=_("问题类型"))
    checklist_item = models.ForeignKey(ChecklistItem, models.PROTECT, null=True, blank=True, related_name="+",
                                       verbose_name=_("检查项目"))
    description = models.TextField(_("问题描述"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("记录人"))
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    jurisdiction_path = "visit__region_code"
    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("检查发现")
        verbose_name_plural = _("检查发现")
        ordering = ["recorded_at", "id"]

    def __str__(self):
        return f"{self.finding_type}：{self.description[:30]}"

    @property
    def region_code(self):
        return self.visit.region_code


class Photo(RegulatedModel):
    """A photo re-encoded by ``inspections.photos``: orientation applied, EXIF stripped from
    the file, its time and GPS kept here as data, a thumbnail made."""

    client_uuid = client_uuid_field()
    region_code = models.CharField(_("所属区划"), max_length=12, db_index=True)
    finding = models.ForeignKey(Finding, models.PROTECT, null=True, blank=True, related_name="photos",
                                verbose_name=_("检查发现"))
    complaint = models.ForeignKey("inspections.Complaint", models.PROTECT, null=True, blank=True,
                                  related_name="photos", verbose_name=_("投诉举报"))
    # Evidence taken when following a complaint up (also linked to the complaint, so its page
    # shows intake and follow-up photos together).
    complaint_follow_up = models.ForeignKey("inspections.ComplaintFollowUp", models.PROTECT, null=True, blank=True,
                                            related_name="photos", verbose_name=_("投诉复查"))
    image = models.FileField(_("照片"), upload_to=photo_path)
    thumbnail = models.FileField(_("缩略图"), upload_to=thumb_path)
    width = models.PositiveIntegerField(_("宽"))
    height = models.PositiveIntegerField(_("高"))
    taken_at = models.DateTimeField(_("拍摄时间（EXIF）"), null=True, blank=True)
    gps_latitude = models.DecimalField(_("拍摄纬度（EXIF）"), max_digits=9, decimal_places=6, null=True, blank=True)
    gps_longitude = models.DecimalField(_("拍摄经度（EXIF）"), max_digits=9, decimal_places=6, null=True, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("照片")
        verbose_name_plural = _("照片")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name or self.image.name


class RectificationOrder(RegulatedModel):
    """责令整改通知: items to correct by a deadline; a follow-up task checks it."""

    class Status(models.TextChoices):
        OPEN = "open", _("整改中")
        RECTIFIED = "rectified", _("已整改")
        NOT_RECTIFIED = "not_rectified", _("逾期未整改")

    client_uuid = client_uuid_field()
    visit = models.OneToOneField(Visit, models.PROTECT, related_name="rectification", verbose_name=_("现场检查"))
    region_code = models.CharField(_("所属区划"), max_length=12, db_index=True)
    business = models.ForeignKey("licensing.Business", models.PROTECT, related_name="+", verbose_name=_("经营主体"))
    items = models.JSONField(_("整改事项"))
    issued_on = models.DateField(_("下达日期"))
    days = models.PositiveSmallIntegerField(_("整改期限（日）"))
    deadline_on = models.DateField(_("整改期限至"), db_index=True)
    deadline_rule = models.CharField(_("期限计算规则"), max_length=200)
    status = models.CharField(_("状态"), max_length=14, choices=Status.choices, default=Status.OPEN, db_index=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # The conclusion of the follow-up (复查): who concluded, what the re-inspection found, and
    # the visit of the re-inspection when there was one (its findings and photos).
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("复查结论人"))
    conclusion_note = models.TextField(_("复查情况"), blank=True)
    review_visit = models.ForeignKey(Visit, models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("复查检查"))
    document = models.OneToOneField("documents.IssuedDocument", models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("整改通知书"))

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("责令整改通知")
        verbose_name_plural = _("责令整改通知")
        ordering = ["deadline_on", "id"]

    def __str__(self):
        return f"责令整改：{self.business}（{self.deadline_on:%Y-%m-%d}前）"

    def is_overdue(self, today=None):
        return self.status == self.Status.OPEN and self.deadline_on < (today or timezone.localdate())


class CaseReferral(RegulatedModel):
    """移送立案: the articles the findings suggest; people decide which apply."""

    visit = models.OneToOneField(Visit, models.PROTECT, related_name="case_referral", verbose_name=_("现场检查"))
    region_code = models.CharField(_("所属区划"), max_length=12, db_index=True)
    suggested_articles = models.JSONField(_("系统建议条款"), default=list)
    decided_articles = models.JSONField(_("认定条款"), default=list, blank=True)
    summary = models.TextField(_("案情摘要"))
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("移送人"))
    referred_at = models.DateTimeField(_("移送时间"), default=timezone.now)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("移送立案")
        verbose_name_plural = _("移送立案")

    def __str__(self):
        return f"移送立案：{self.visit}"


class InspectorSignature(RegulatedModel):
    """An inspector's own signature on an on-site document (visit record, rectification order,
    sampling form): the two inspectors' signatures are the document's review (DESIGN.md section 4,
    Enforcement documents). The image is re-encoded like every uploaded picture."""

    region_code = models.CharField(_("所属区划"), max_length=12, db_index=True)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("执法人员"))
    visit = models.ForeignKey(Visit, models.PROTECT, null=True, blank=True, related_name="inspector_signatures",
                              verbose_name=_("现场检查"))
    sampling = models.ForeignKey("inspections.SamplingRecord", models.PROTECT, null=True, blank=True,
                                 related_name="inspector_signatures", verbose_name=_("抽样记录"))
    image = models.FileField(_("签名"), upload_to=signature_path)
    signed_at = models.DateTimeField(_("签名时间"), default=timezone.now)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("执法人员签名")
        verbose_name_plural = _("执法人员签名")
        ordering = ["inspector_id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(visit__isnull=True) ^ models.Q(sampling__isnull=True),
                                   name="inspector_signature_one_document"),
            models.UniqueConstraint(fields=["visit", "inspector"], name="inspector_signs_visit_once"),
            models.UniqueConstraint(fields=["sampling", "inspector"], name="inspector_signs_sampling_once"),
        ]

    def __str__(self):
        return f"{self.inspector}签名"
