"""Issued documents, their serial numbers and their service records (送达)."""

import secrets
import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.regions.scoping import JurisdictionQuerySet
from seedreg.regulated import RegulatedModel, RegulatedQuerySet


def new_verify_token() -> str:
    # 96 random bits, URL-safe: unguessable, and short enough for a small QR on a print.
    return secrets.token_urlsafe(12)


def document_path(instance, filename):
    return f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


def signature_path(instance, filename):
    return f"signatures/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.png"


class SerialCounter(models.Model):
    """The next free number for a county, document type and year. Locked (select_for_update)
    while a number is taken, so concurrent issuers never get the same one and none is skipped."""

    county_code = models.CharField(_("县级区划代码"), max_length=6)
    doc_type = models.CharField(_("文书类型"), max_length=40)
    year = models.PositiveSmallIntegerField(_("年度"))
    next_number = models.PositiveIntegerField(_("下一个编号"), default=1)

    class Meta:
        verbose_name = _("文书编号计数器")
        verbose_name_plural = _("文书编号计数器")
        constraints = [models.UniqueConstraint(fields=["county_code", "doc_type", "year"], name="serial_counter_unique")]

    def __str__(self):
        return f"{self.county_code} {self.doc_type} {self.year}: {self.next_number}"


class SerialBlockQuerySet(JurisdictionQuerySet, RegulatedQuerySet):
    pass


class SerialBlock(RegulatedModel):
    """Numbers reserved for a holder (an inspector's phone) to issue documents offline."""

    county_code = models.CharField(_("县级区划代码"), max_length=6)
    doc_type = models.CharField(_("文书类型"), max_length=40)
    year = models.PositiveSmallIntegerField(_("年度"))
    first_number = models.PositiveIntegerField(_("起始编号"))
    last_number = models.PositiveIntegerField(_("截止编号"))
    holder = models.CharField(_("持有人"), max_length=100, db_index=True)
    reserved_at = models.DateTimeField(_("预留时间"), default=timezone.now)
    reserved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")

    jurisdiction_path = "county_code"
    objects = SerialBlockQuerySet.as_manager()

    class Meta:
        verbose_name = _("预留文书编号段")
        verbose_name_plural = _("预留文书编号段")
        ordering = ["county_code", "doc_type", "year", "first_number"]

    def __str__(self):
        return f"{self.doc_type} {self.year} {self.first_number}–{self.last_number} ({self.holder})"

    @property
    def region_code(self):
        return self.county_code

    @property
    def size(self):
        return self.last_number - self.first_number + 1

    def contains(self, number: int) -> bool:
        return self.first_number <= number <= self.last_number


class IssuedDocumentQuerySet(JurisdictionQuerySet, RegulatedQuerySet):
    def for_source(self, obj):
        ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        return self.filter(source_type=ct, source_id=str(obj.pk))


class IssuedDocument(RegulatedModel):
    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        INVALIDATED = "invalidated", _("已作废")
        SUPERSEDED = "superseded", _("已被替代")

    doc_type = models.CharField(_("文书类型"), max_length=40, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    county_code = models.CharField(_("县级区划代码"), max_length=6)
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveIntegerField(_("编号"))
    version = models.PositiveSmallIntegerField(_("版本"), default=0, help_text=_("0为原件，1起为更正后的新版本"))
    # Unique per county, not nationally: two counties' stations may share a short name (建平县 and
    # 建昌县 are both 建), and each numbers its documents on its own.
    serial = models.CharField(_("文书编号"), max_length=60)
    pdf = models.FileField(_("PDF文件"), upload_to=document_path, blank=True)
    verify_token = models.CharField(_("核验码"), max_length=32, unique=True, default=new_verify_token)
    issued_at = models.DateTimeField(_("签发时间"), default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("签发人"))
    source_type = models.ForeignKey(ContentType, models.PROTECT, null=True, blank=True, related_name="+")
    source_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.VALID)
    status_reason = models.TextField(_("作废理由"), blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    supersedes = models.OneToOneField("self", models.PROTECT, null=True, blank=True, related_name="superseded_by",
                                      verbose_name=_("替代的文书"))

    objects = IssuedDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["county_code", "doc_type", "year", "number", "version"],
                                    name="issued_document_number_unique"),
            models.UniqueConstraint(fields=["county_code", "serial"], name="issued_document_serial_unique"),
        ]
        indexes = [models.Index(fields=["source_type", "source_id"], name="document_source_idx")]

    def __str__(self):
        return f"{self.title}（{self.serial}）"

    @property
    def type(self):
        from .types import get_document_type

        return get_document_type(self.doc_type)

    @property
    def source(self):
        if not self.source_type_id:
            return None
        return self.source_type.get_object_for_this_type(pk=self.source_id)

    def first_service(self):
        return self.service_records.order_by("served_at").first()

    @property
    def served_at(self):
        """When the document was first served (送达): legal clocks start here, not at issue."""
        record = self.first_service()
        return record.served_at if record else None


class ServiceRecordQuerySet(JurisdictionQuerySet, RegulatedQuerySet):
    pass


class ServiceRecord(RegulatedModel):
    class Method(models.TextChoices):
        IN_PERSON = "in_person", _("直接送达")
        POST = "post", _("邮寄送达")
        PORTAL = "portal", _("门户确认送达")
        LEFT = "left", _("留置送达")
        ELECTRONIC = "electronic", _("电子送达（短信/邮件）")
        ANNOUNCEMENT = "announcement", _("公告送达")

    document = models.ForeignKey(IssuedDocument, models.PROTECT, related_name="service_records",
                                 verbose_name=_("文书"))
    method = models.CharField(_("送达方式"), max_length=20, choices=Method.choices)
    served_at = models.DateTimeField(_("送达时间"))
    recipient_name = models.CharField(_("受送达人"), max_length=100)
    recipient_user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("受送达用户"))
    recipient_label = models.CharField(_("受送达单位"), max_length=200, blank=True)
    signature = models.FileField(_("签名"), upload_to=signature_path, blank=True)
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("记录人"))
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    jurisdiction_path = "document__region_code"
    objects = ServiceRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("送达记录")
        verbose_name_plural = _("送达记录")
        ordering = ["served_at", "id"]

    def __str__(self):
        return f"{self.document.serial} → {self.recipient_name}（{self.get_method_display()}）"

    @property
    def region_code(self):
        return self.document.region_code
