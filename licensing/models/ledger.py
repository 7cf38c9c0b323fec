"""Purchase-and-sale ledgers (购销台账, Seed Law art. 36).

``LedgerEntry`` is append-only: a mistake is corrected by a reversal entry (same kind, opposite
sign, ``reverses`` pointing at the original, with a reason), never by editing or deleting. The
model and its queryset refuse updates and deletes, and database triggers refuse them even to raw
SQL (``seedreg.lib.appendonly``). ``StockBalance`` holds one row per dealer and lot, kept equal
to the sum of that pair's entries; writers lock it, which is what serialises two clerks selling
the last bags (locking existing entries would not stop a concurrent insert)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.audit.models import AppendOnlyError
from seedreg.regulated import RegulatedModel, RegulatedQuerySet

from .directory import Business, DealerScopedQuerySet, OutsideParty
from .lots import SeedLot


class EntryKind(models.TextChoices):
    PRODUCED = "produced", _("生产入库")
    PURCHASE = "purchase", _("购进")
    SALE = "sale", _("销售")
    RETURN_IN = "return_in", _("退货（购买方退回）")
    RETURN_OUT = "return_out", _("退货（退回供货方）")
    LOSS = "loss", _("损耗/销毁")
    REPACK_IN = "repack_in", _("分装产出")
    REPACK_OUT = "repack_out", _("分装投料")


# The sign each kind gives to stock; a reversal carries the opposite sign of its original.
INBOUND_KINDS = frozenset({EntryKind.PRODUCED, EntryKind.PURCHASE, EntryKind.RETURN_IN, EntryKind.REPACK_IN})
OUTBOUND_KINDS = frozenset({EntryKind.SALE, EntryKind.RETURN_OUT, EntryKind.LOSS, EntryKind.REPACK_OUT})
# How a lot enters a ledger: the first such entry in a county is what first-batch sampling reads.
ENTERING_KINDS = (EntryKind.PRODUCED, EntryKind.PURCHASE, EntryKind.REPACK_IN)


def sign_of(kind) -> int:
    return 1 if kind in INBOUND_KINDS else -1


class LedgerEntryQuerySet(DealerScopedQuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("ledger entries are append-only: record a reversal instead")

    def delete(self):
        raise AppendOnlyError("ledger entries are append-only: record a reversal instead")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("ledger entries are append-only: record a reversal instead")

    def farmer_sales(self):
        return self.filter(kind=EntryKind.SALE, counterparty_business__isnull=True, reverses__isnull=True)


class LedgerEntry(RegulatedModel):
    business = models.ForeignKey(Business, models.PROTECT, related_name="ledger_entries", verbose_name=_("经营主体"))
    lot = models.ForeignKey(SeedLot, models.PROTECT, related_name="ledger_entries", verbose_name=_("种子批"))
    kind = models.CharField(_("类型"), max_length=12, choices=EntryKind.choices)
    # Signed: inbound kinds positive, outbound negative, reversals the opposite of their original.
    quantity_kg = models.DecimalField(_("数量（千克）"), max_digits=14, decimal_places=3)
    packages = models.IntegerField(_("件数（袋）"), default=0)
    occurred_on = models.DateField(_("发生日期"))
    recorded_at = models.DateTimeField(_("录入时间"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("录入人"))
    reverses = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="reversals",
                                 verbose_name=_("冲正的记录"))
    reason = models.CharField(_("理由/说明"), max_length=200, blank=True)
    # The other side: a registered business, an outside party, or (for farmers and unregistered
    # suppliers) a name; farmers' names and phones are personal data (DESIGN.md section 4).
    counterparty_business = models.ForeignKey(Business, models.PROTECT, null=True, blank=True, related_name="+",
                                              verbose_name=_("对方（本系统主体）"))
    counterparty_outside = models.ForeignKey(OutsideParty, models.PROTECT, null=True, blank=True, related_name="+",
                                             verbose_name=_("对方（外地主体）"))
    counterparty_name = models.CharField(_("对方名称/农户姓名"), max_length=100, blank=True)
    farmer_phone = models.CharField(_("农户电话"), max_length=20, blank=True)
    farmer_village = models.CharField(_("农户村组"), max_length=100, blank=True)
    document_number = models.CharField(_("票据号"), max_length=60, blank=True)
    # The buyer's purchase created from a registered dealer's sale points at that sale.
    linked_sale = models.OneToOneField("self", models.PROTECT, null=True, blank=True, related_name="linked_purchase",
                                       verbose_name=_("对应的销售记录"))
    # Denormalised from the business so scoping and county-wide reads need no join.
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("台账记录")
        verbose_name_plural = _("台账记录")
        ordering = ["occurred_on", "id"]
        indexes = [
            # A lot's entries by dealer and date. It carries every column the forward trace reads
            # (``selectors.trace_forward``: the per-dealer sums and counts, the dealer-to-dealer
            # edges), so on PostgreSQL the trace is an index-only scan of the lot's own entries and
            # its cost follows the lot, not the table; SQLite ignores ``include``.
            models.Index(fields=["lot", "business", "occurred_on"], name="ledger_lot_trace_idx",
                         include=["kind", "quantity_kg", "region_code", "counterparty_business", "reverses", "id"]),
            # A lot's dealer-to-dealer sales (the trace's edges), with what the trace reads of them:
            # a few thousand rows of a hot lot, found without visiting its farmer sales or the table.
            models.Index(fields=["lot"], name="ledger_lot_dealer_sales_idx",
                         include=["business", "region_code", "counterparty_business", "quantity_kg", "occurred_on"],
                         condition=Q(kind="sale", counterparty_business__isnull=False)),
            # A business's ledger newest first (the ledger pages): the index hands over the first
            # page in order, instead of every entry of the business being joined and sorted.
            models.Index(fields=["business", "-occurred_on", "-id"], name="ledger_business_newest_idx"),
            models.Index(fields=["region_code", "kind", "occurred_on"], name="ledger_region_kind_idx"),
            # A region's sales in a date window, summed per business (the draw's large-volume
            # sellers, over a county's or a city's hundreds of thousands of sales): read from the
            # index alone, without visiting the table. Pattern ops: the region is a LIKE prefix,
            # which a plain index serves only under the C collation.
            models.Index(fields=["region_code", "occurred_on"], include=["business", "quantity_kg"],
                         opclasses=["varchar_pattern_ops", "date_ops"], condition=Q(kind="sale"),
                         name="ledger_region_sales_idx"),
            # How lots entered a region's ledgers (first-batch sampling, read by the draw): the
            # few entering entries among the region's sales, read from the index alone.
            models.Index(fields=["region_code"], include=["lot", "business", "occurred_on"],
                         opclasses=["varchar_pattern_ops"],
                         condition=Q(kind__in=ENTERING_KINDS, reverses__isnull=True), name="ledger_region_entering_idx"),
            # A lot's farmer sales in date order (the lot page's first rows): read in order and
            # stopped at the page's limit, instead of every sale of a hot lot fetched and sorted.
            models.Index(fields=["lot", "occurred_on", "id"], name="ledger_lot_farmer_sales_idx",
                         condition=Q(kind="sale", counterparty_business__isnull=True, reverses__isnull=True)),
        ]
        constraints = [
            # An entry is reversed at most once.
            models.UniqueConstraint(fields=["reverses"], condition=Q(reverses__isnull=False),
                                    name="ledger_reversed_once"),
            models.CheckConstraint(condition=~Q(quantity_kg=0), name="ledger_quantity_nonzero"),
        ]

    def __str__(self):
        # The kind's own label, not get_kind_display(), which translates every kind's label on
        # each call (it hashes them all).
        return self.describe(EntryKind(self.kind).label if self.kind in EntryKind.values else self.kind)

    def describe(self, kind_label) -> str:
        """``str(entry)`` with the kind's label given: an import names thousands of entries in
        their audit rows and translates each kind's label once."""
        return f"{kind_label} {self.quantity_kg}kg {self.occurred_on}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("ledger entries are append-only: record a reversal instead")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("ledger entries are append-only: record a reversal instead")

    @property
    def is_reversal(self):
        return self.reverses_id is not None

    @property
    def magnitude_kg(self):
        return abs(self.quantity_kg)

    @property
    def is_farmer_sale(self):
        return self.kind == EntryKind.SALE and self.counterparty_business_id is None

    @property
    def counterparty_label(self):
        party = self.counterparty_business or self.counterparty_outside
        return party.name if party is not None else self.counterparty_name


class StockBalance(RegulatedModel):
    """One row per dealer and lot: the sum of that pair's entries, locked by every writer."""

    business = models.ForeignKey(Business, models.PROTECT, related_name="stock_balances", verbose_name=_("经营主体"))
    lot = models.ForeignKey(SeedLot, models.PROTECT, related_name="stock_balances", verbose_name=_("种子批"))
    quantity_kg = models.DecimalField(_("库存（千克）"), max_digits=14, decimal_places=3, default=Decimal("0"))
    packages = models.IntegerField(_("库存（袋）"), default=0)
    # True while every entry of the pair carried a package count: only then is ``packages`` the
    # number of bags on the shelf, and a sale or loss of more bags than that refused.
    packages_known = models.BooleanField(_("件数完整"), default=True, db_default=True)  # raw COPY (bench) too
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DealerScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("库存")
        verbose_name_plural = _("库存")
        constraints = [
            models.UniqueConstraint(fields=["business", "lot"], name="stock_one_row_per_business_lot"),
            models.CheckConstraint(condition=Q(quantity_kg__gte=0), name="stock_never_negative"),
        ]
        indexes = [models.Index(fields=["lot", "business"], name="stock_lot_idx")]

    def __str__(self):
        return f"{self.business} {self.lot}: {self.quantity_kg}kg"


class TransferQuerySet(DealerScopedQuerySet):
    def visible_to(self, user):
        """A dealer sees the transfers of which they are the buyer or the seller (the link to the
        other side's sale, nothing else of its books)."""
        if getattr(user, "is_authenticated", False) and user.is_active and user.role == "dealer":
            return self.filter(Q(buyer__dealer_memberships__user=user) | Q(seller__dealer_memberships__user=user))
        return super().visible_to(user)


class DealerTransfer(RegulatedModel):
    """A sale from one registered dealer to another: the buyer confirms it (and the matching
    purchase is written to their ledger, linked to the sale) or disputes it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        DISPUTED = "disputed", _("有异议")
        CANCELLED = "cancelled", _("已撤销（销售已冲正）")

    sale = models.OneToOneField(LedgerEntry, models.PROTECT, related_name="transfer", verbose_name=_("销售记录"))
    seller = models.ForeignKey(Business, models.PROTECT, related_name="transfers_out", verbose_name=_("销售方"))
    buyer = models.ForeignKey(Business, models.PROTECT, related_name="transfers_in", verbose_name=_("购买方"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    purchase = models.OneToOneField(LedgerEntry, models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("购进记录"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    dispute_reason = models.CharField(_("异议理由"), max_length=200, blank=True)
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True)  # the buyer's
    created_at = models.DateTimeField(default=timezone.now)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("经营者间调拨")
        verbose_name_plural = _("经营者间调拨")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.seller} → {self.buyer} {self.sale.lot}"


class LotDerivationQuerySet(RegulatedQuerySet):
    def in_force(self):
        """The links trace follows: those of repackings that were not reversed."""
        return self.filter(reversed_by__isnull=True)


class LotDerivation(RegulatedModel):
    """Repacking (分装): an input lot went into an output lot at a licence holder. Trace
    follows these links in both directions, until the repacking is reversed: the link stays (the
    history is kept) with ``reversed_by`` pointing at the reversal of the output entry."""

    business = models.ForeignKey(Business, models.PROTECT, related_name="+", verbose_name=_("分装主体"))
    input_lot = models.ForeignKey(SeedLot, models.PROTECT, related_name="derived_into", verbose_name=_("投料批"))
    output_lot = models.ForeignKey(SeedLot, models.PROTECT, related_name="derived_from", verbose_name=_("产出批"))
    quantity_kg = models.DecimalField(_("投料数量（千克）"), max_digits=14, decimal_places=3)
    input_entry = models.OneToOneField(LedgerEntry, models.PROTECT, related_name="+")
    output_entry = models.ForeignKey(LedgerEntry, models.PROTECT, related_name="+")
    reversed_by = models.ForeignKey(LedgerEntry, models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("冲正记录"))

    objects = LotDerivationQuerySet.as_manager()

    class Meta:
        verbose_name = _("分装关系")
        verbose_name_plural = _("分装关系")

    def __str__(self):
        return f"{self.input_lot} → {self.output_lot}"


class CountObservation(RegulatedModel):
    """An inspector's count of a lot at a visit (recorded by the inspection app through
    ``record_count_observation``); a difference from the ledger is a ledger-quality flag."""

    business = models.ForeignKey(Business, models.PROTECT, related_name="count_observations",
                                 verbose_name=_("经营主体"))
    lot = models.ForeignKey(SeedLot, models.PROTECT, related_name="count_observations", verbose_name=_("种子批"))
    observed_on = models.DateField(_("清点日期"))
    counted_kg = models.DecimalField(_("清点数量（千克）"), max_digits=14, decimal_places=3)
    counted_packages = models.IntegerField(_("清点件数"), null=True, blank=True)
    ledger_kg = models.DecimalField(_("台账库存（千克）"), max_digits=14, decimal_places=3)
    difference_kg = models.DecimalField(_("差异（千克）"), max_digits=14, decimal_places=3)
    is_flagged = models.BooleanField(_("差异超出允许范围"), default=False)
    source = models.CharField(_("来源"), max_length=200, blank=True)
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = DealerScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("库存清点")
        verbose_name_plural = _("库存清点")
        ordering = ["-observed_on", "-id"]

    def __str__(self):
        return f"{self.business} {self.lot} {self.observed_on}"
