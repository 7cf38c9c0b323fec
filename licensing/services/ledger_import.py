"""The ledger import: a dealer's (or a clerk's typed-in paper) purchase-and-sale ledger from
.xlsx or CSV, applied row by row through the same services the forms use, all rows or none
(the generic runner in ``importing``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from seedreg.errors import InvalidInput

from ..models import Business, ImportJob, OutsideParty, Variety
from .importing import IMPORTERS, Importer, parse_choice, parse_date, text
from .ledger import record_loss, record_purchase, record_return, record_sale
from .lots import find_lot, register_seed_lot

KIND_CHOICES = {"购进": "purchase", "进货": "purchase", "销售": "sale", "售出": "sale", "退货（购买方退回）": "return_in",
                "退回": "return_in", "退货（退回供货方）": "return_out", "退供货方": "return_out", "损耗": "loss",
                "销毁": "loss"}


class _Kinds:
    """The row types the template offers, in the shape ``parse_choice`` reads."""

    values = ["purchase", "sale", "return_in", "return_out", "loss"]
    choices = [("purchase", "购进"), ("sale", "销售"), ("return_in", "退货（购买方退回）"),
               ("return_out", "退货（退回供货方）"), ("loss", "损耗/销毁")]


LEDGER_COLUMNS = {
    "occurred_on": ("日期", "发生日期", "购销日期"),
    "kind": ("类型", "购销类型", "业务类型"),
    "crop": ("作物", "作物种类"),
    "variety": ("品种", "品种名称"),
    "lot_number": ("批号", "生产批号", "种子批号"),
    "producer": ("生产经营者", "生产商", "生产企业"),
    "quantity_kg": ("数量（千克）", "数量(千克)", "数量", "重量（千克）"),
    "packages": ("件数", "袋数", "件数（袋）"),
    "counterparty": ("对方", "供货方/购买人", "供货单位", "购买人"),
    "phone": ("电话", "购买人电话", "联系电话"),
    "village": ("村组", "住址"),
    "document_number": ("票据号", "单据号", "凭证号"),
    "note": ("说明", "备注", "原因"),
}
LEDGER_NOTES = {
    "occurred_on": "如 2026-03-15；只能补录本县规定天数内的记录",
    "kind": "购进、销售、退货（购买方退回）、退货（退回供货方）、损耗/销毁",
    "variety": "品种名称，须为品种目录中的品种",
    "producer": "种子标签上的生产经营者名称（本县主体或已登记的外地主体）",
    "counterparty": "购进：供货方名称；销售：购买人姓名（农户）或本县经营者名称",
    "phone": "销售给农户时填写，不会公开",
    "note": "损耗/销毁须说明原因",
}
LEDGER_EXAMPLE = {
    "occurred_on": "2026-03-15", "kind": "销售", "crop": "玉米", "variety": "郑单958", "lot_number": "ZD2026-001",
    "producer": "北京德农种业有限公司", "quantity_kg": "40", "packages": "2", "counterparty": "赵大山",
    "phone": "13812345678", "village": "建平镇东村", "document_number": "XS-0001",
}


class _Lookups:
    """Per-job caches: a 100,000-row file names a few dozen varieties and producers."""

    def __init__(self, job):
        self.job = job
        self.business = Business.objects.get(pk=job.business_id)
        self.varieties, self.producers, self.parties, self.lots = {}, {}, {}, {}

    def variety(self, crop, name):
        key = (crop, name)
        if key not in self.varieties:
            found = Variety.objects.filter(name=name)
            if crop:
                found = found.filter(crop__name=crop)
            found = list(found[:2])
            if len(found) != 1:
                raise InvalidInput(_("品种“%(name)s”%(why)s。"), code="variety_unknown", name=name,
                                   why="不在品种目录中" if not found else "在多个作物中重名，请填写作物")
            self.varieties[key] = found[0]
        return self.varieties[key]

    def producer(self, name):
        if name not in self.producers:
            local = Business.objects.filter(name=name, kind__in=["producer", "wholesaler"]).first()
            outside = None if local else OutsideParty.objects.filter(name=name).first()
            if local is None and outside is None:
                raise InvalidInput(_("生产经营者“%(name)s”尚未登记，请联系种子管理站登记外地主体后再导入。"),
                                   code="producer_unknown", name=name)
            self.producers[name] = (local, outside)
        return self.producers[name]

    def party(self, name):
        """A counterparty name: a business of the county, an outside party, or just a name."""
        if name not in self.parties:
            business = (Business.objects.active().filter(name=name, region_code__startswith=self.business.county_code)
                        .exclude(pk=self.business.pk).first())
            outside = None if business else OutsideParty.objects.filter(name=name).first()
            self.parties[name] = (business, outside)
        return self.parties[name]

    def lot(self, v):
        variety = self.variety(text(v.get("crop")), text(v.get("variety")))
        producer, outside = self.producer(text(v.get("producer")))
        key = (variety.pk, getattr(producer, "pk", None), getattr(outside, "pk", None), text(v.get("lot_number")))
        if key in self.lots:
            return self.lots[key]
        lot = find_lot(variety=variety, lot_number=key[3], producer=producer, producer_outside=outside)
        if lot is not None:
            # Only lots that exist outside this row are cached: a lot registered by a row that
            # fails is rolled back with the row's savepoint.
            self.lots[key] = lot
            return lot
        return register_seed_lot(actor=self.job.created_by, variety=variety, lot_number=key[3], producer=producer,
                                 producer_outside=outside)


def apply_ledger_row(job, v) -> None:
    # The runner hands every row the same job object: the lookups live on it for the run.
    lookups = getattr(job, "_ledger_lookups", None)
    if lookups is None:
        lookups = job._ledger_lookups = _Lookups(job)
    business, actor = lookups.business, job.created_by
    kind = parse_choice(v.get("kind"), _Kinds, KIND_CHOICES, "类型")
    common = {"actor": actor, "business": business, "lot": lookups.lot(v), "quantity_kg": text(v.get("quantity_kg")),
              "packages": text(v.get("packages")), "occurred_on": parse_date(v.get("occurred_on"), "日期")}
    name = text(v.get("counterparty"))
    party, outside = lookups.party(name) if name else (None, None)
    if kind == "purchase":
        record_purchase(**common, supplier_business=party, supplier_outside=outside,
                        supplier_name="" if party or outside else name, document_number=text(v.get("document_number")))
    elif kind == "sale":
        if party is not None:
            record_sale(**common, buyer_business=party, document_number=text(v.get("document_number")))
        else:
            record_sale(**common, farmer_name=name, farmer_phone=text(v.get("phone")),
                        farmer_village=text(v.get("village")), document_number=text(v.get("document_number")))
    elif kind in ("return_in", "return_out"):
        record_return(**common, direction=kind[len("return_"):], counterparty_business=party,
                      counterparty_outside=outside, counterparty_name="" if party or outside else name,
                      reason=text(v.get("note")))
    else:
        record_loss(**common, reason=text(v.get("note")))


IMPORTERS[ImportJob.Kind.LEDGER] = Importer(
    kind=ImportJob.Kind.LEDGER, columns=LEDGER_COLUMNS,
    required=("occurred_on", "kind", "variety", "lot_number", "producer", "quantity_kg"),
    notes=LEDGER_NOTES, example=LEDGER_EXAMPLE, apply_row=apply_ledger_row)
