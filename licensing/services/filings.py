"""Filings (备案): record, deadline by the Seed Law's rule, receipt (备案回执), withdrawal."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.accounts.permissions import require
from seedreg.audit.services import audited, log_action
from seedreg.documents.pdf import in_official_language
from seedreg.errors import Conflict, InvalidInput
from seedreg.regions.station_settings import county_setting
from seedreg.regulated import service
from seedreg.workcalendar.deadlines import Rule, deadline

from ..models import Filing, FilingItem, FilingType
from ._common import required

BRANCH_RULE = "《种子法》第三十八条：分支机构应当在取得营业执照后{days}个工作日内备案（按工作日历计算）"
BEFORE_SELLING_RULE = "《种子法》第三十八条：应当在开始销售前备案"
BEFORE_SOWING_RULE = "《种子法》第三十八条：受托生产应当在播种前备案"


def filing_deadline(filing_type: str, event_on, region_code: str):
    """(deadline date, rule text) for a filing whose triggering event happened on ``event_on``."""
    if filing_type == FilingType.BRANCH:
        days = county_setting(region_code, "filing_branch_working_days")
        return deadline(event_on, days, Rule.WORKING_DAYS).due, BRANCH_RULE.format(days=days)
    if filing_type == FilingType.ENTRUSTED_PRODUCTION:
        return event_on, BEFORE_SOWING_RULE
    return event_on, BEFORE_SELLING_RULE


def _items(items):
    cleaned, seen = [], set()
    for variety, quantity in items or ():
        if variety is None:
            continue
        if variety.pk in seen:
            raise InvalidInput(_("品种“%(name)s”重复。"), code="duplicate_variety", name=variety.name,
                               fields={"items": [_("品种重复")]})
        seen.add(variety.pk)
        try:
            qty = None if quantity in (None, "") else Decimal(str(quantity))
        except (InvalidOperation, ValueError) as exc:
            raise InvalidInput(_("数量应为数字（千克）。"), code="quantity_invalid", fields={"items": [_("数量无效")]}) from exc
        if qty is not None and (qty <= 0 or qty > Decimal("100000000")):
            raise InvalidInput(_("数量须大于0。"), code="quantity_invalid", fields={"items": [_("数量须大于0")]})
        cleaned.append((variety, qty))
    if not cleaned:
        raise InvalidInput(_("请填写备案的品种。"), code="items_required", fields={"items": [_("至少一个品种")]})
    return cleaned


@service
def record_filing(business, *, actor, filing_type: str, principal_licence_number: str, sale_location: str,
                  filed_on, event_on, items, principal_business=None, principal_outside=None,
                  on_paper: bool = False) -> Filing:
    """Record a filing (备案). A clerk may enter a paper filing for a dealer without internet
    (``on_paper``) and print its receipt. A filing after its deadline is recorded and flagged."""
    require(actor, "licensing.record_filing", business)
    if filing_type not in FilingType.values:
        raise InvalidInput(_("备案类型无效。"), code="filing_type", fields={"filing_type": [_("无效")]})
    if not filed_on or not event_on:
        raise InvalidInput(_("请填写备案日期和起算日期。"), code="filing_dates",
                           fields={"filed_on": [_("必填")], "event_on": [_("必填")]})
    if filed_on > timezone.localdate():
        raise InvalidInput(_("备案日期不能晚于今天。"), code="filing_in_future", fields={"filed_on": [_("不能晚于今天")]})
    if principal_business is None and principal_outside is None:
        raise InvalidInput(_("请选择委托方（总公司）。"), code="principal_required",
                           fields={"principal_business": [_("必填")]})
    if principal_business is not None and principal_business.pk == business.pk:
        raise InvalidInput(_("委托方不能是备案主体自己。"), code="principal_self", fields={"principal_business": [_("无效")]})
    items = _items(items)
    due, rule = filing_deadline(filing_type, event_on, business.region_code)
    filing = Filing.objects.create(
        business=business, filing_type=filing_type, principal_business=principal_business,
        principal_outside=principal_outside,
        principal_licence_number=required(principal_licence_number, "principal_licence_number", _("委托方许可证编号")),
        sale_location=required(sale_location, "sale_location", _("经营地点")), filed_on=filed_on, event_on=event_on,
        deadline_on=due, deadline_rule=rule, is_late=filed_on > due, on_paper=on_paper, recorded_by=actor)
    for variety, qty in items:
        FilingItem.objects.create(filing=filing, variety=variety, quantity_kg=qty)
    log_action(filing, "licensing.filing.recorded", actor=actor, parent=business,
               data={"items": [(v.name, q) for v, q in items], "late": filing.is_late})
    return filing


@service
@in_official_language
def issue_filing_receipt(filing: Filing, *, actor):
    """The signed filing receipt (备案回执) a clerk prints for a dealer who filed on paper."""
    from seedreg.documents.services import issue_document

    require(actor, "licensing.record_filing", filing)
    if filing.receipt_id:
        return filing.receipt
    items = list(filing.items.select_related("variety__crop"))
    document = issue_document(
        source=filing, doc_type="filing_receipt", title=f"种子经营备案回执（{filing.business.name}）",
        template="licensing/documents/filing_receipt.html", region_code=filing.business.region_code, actor=actor,
        context={"filing": filing, "items": items})
    with audited(filing, "licensing.filing.receipt_issued", actor=actor, parent=filing.business):
        filing.receipt = document
        filing.save(update_fields=["receipt"])
    return document


@service
def withdraw_filing(filing: Filing, *, actor, reason: str) -> Filing:
    require(actor, "licensing.record_filing", filing)
    reason = required(reason, "reason", _("理由"))
    if filing.status != Filing.Status.ACTIVE:
        raise Conflict(_("该备案已撤销。"), code="filing_withdrawn")
    with audited(filing, "licensing.filing.withdrawn", actor=actor, reason=reason, parent=filing.business):
        filing.status = Filing.Status.WITHDRAWN
        filing.save(update_fields=["status"])
    return filing
