"""Stop-sale orders (停止销售通知) on a seed lot.

Drafted by a clerk, reviewed and issued by the chief (``ReviewedDocument``). From the moment it
is issued, every holder found by forward trace is frozen for the lot (a ``StopSaleHolder`` row
each, with the stock they held then, their notice and its service record); lifting needs a
reason and is audited."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.documents.lifecycle import ReviewedDocument
from seedreg.regions.scoping import JurisdictionQuerySet
from seedreg.regulated import RegulatedModel, RegulatedQuerySet

from .directory import Business
from .lots import SeedLot


def receipt_scan_path(instance, filename):
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"stop_sale_receipts/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{suffix}"


class StopSaleQuerySet(JurisdictionQuerySet, RegulatedQuerySet):
    def in_force(self):
        return self.filter(status=ReviewedDocument.Status.ISSUED, lifted_at__isnull=True)


class StopSaleOrder(ReviewedDocument, RegulatedModel):
    lot = models.ForeignKey(SeedLot, models.PROTECT, related_name="stop_sale_orders", verbose_name=_("种子批"))
    region_code = models.CharField(_("签发县"), max_length=12, db_index=True)
    reason = models.TextField(_("停止销售理由"))
    legal_basis = models.TextField(_("法律依据"))
    source = models.CharField(_("来源"), max_length=200, blank=True, help_text=_("如检验报告编号"))
    lifted_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("解除人"))
    lift_reason = models.TextField(_("解除理由"), blank=True)

    objects = StopSaleQuerySet.as_manager()

    class Meta:
        verbose_name = _("停止销售通知")
        verbose_name_plural = _("停止销售通知")
        ordering = ["-drafted_at", "-id"]

    def __str__(self):
        serial = self.document.serial if self.document_id else _("草稿")
        return f"停止销售通知 {serial}（{self.lot}）"

    @property
    def serial(self):
        return self.document.serial if self.document_id else ""

    @property
    def is_in_force(self):
        return self.status == self.Status.ISSUED and self.lifted_at is None


class StopSaleHolder(RegulatedModel):
    """One holder frozen by an order, for one lot (the order's lot, or a lot repacked from it)."""

    order = models.ForeignKey(StopSaleOrder, models.PROTECT, related_name="holders", verbose_name=_("停止销售通知"))
    business = models.ForeignKey(Business, models.PROTECT, related_name="stop_sales", verbose_name=_("经营主体"))
    lot = models.ForeignKey(SeedLot, models.PROTECT, related_name="+", verbose_name=_("种子批"))
    stock_kg = models.DecimalField(_("签发时库存（千克）"), max_digits=14, decimal_places=3)
    stock_packages = models.IntegerField(_("签发时库存（袋）"), default=0)
    service_record = models.ForeignKey("documents.ServiceRecord", models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("送达记录"))
    # The printed notice (送达回证) for serving on paper, above all to holders without a portal
    # account, and the record that it was served: by whom, with the signed receipt's scan.
    notice_document = models.OneToOneField("documents.IssuedDocument", models.PROTECT, null=True, blank=True,
                                           related_name="+", verbose_name=_("送达回证"))
    paper_service = models.OneToOneField("documents.ServiceRecord", models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("书面送达记录"))
    served_by = models.CharField(_("送达人"), max_length=100, blank=True)
    receipt_scan = models.FileField(_("送达回证扫描件"), upload_to=receipt_scan_path, blank=True)
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True)

    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("停售冻结主体")
        verbose_name_plural = _("停售冻结主体")
        constraints = [models.UniqueConstraint(fields=["order", "business", "lot"], name="stopsale_holder_once")]

    def __str__(self):
        return f"{self.order} {self.business}"

    @property
    def is_served(self):
        return self.service_record_id is not None or self.paper_service_id is not None
