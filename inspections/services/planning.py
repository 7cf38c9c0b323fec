"""Plans and campaigns (检查计划与专项行动)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from licensing.models import Crop
from seedreg.accounts.permissions import require
from seedreg.audit.services import audited, log_action
from seedreg.errors import InvalidInput
from seedreg.regions.models import Region
from seedreg.regulated import service

from ..models import Campaign, CampaignMode, Plan, Season
from ._common import county_of, required_text


@service
def create_plan(*, actor, year: int, title: str, summary: str = "") -> Plan:
    county = county_of(actor)
    plan = Plan(region_code=county, year=year, title=required_text(title, "title", _("计划名称"), 100), summary=summary,
                created_by=actor)
    require(actor, "inspections.plan", plan)
    if not 2000 <= int(year) <= 2100:
        raise InvalidInput(_("年度无效。"), code="year_invalid", fields={"year": [_("年度无效")]})
    plan.save()
    log_action(plan, "inspections.plan.created", actor=actor)
    return plan


def _clean_campaign(plan, *, mode, season, townships, joint_agencies, matters, starts_on, ends_on, sampling_target):
    if mode not in CampaignMode.values:
        raise InvalidInput(_("检查方式无效。"), code="mode_invalid", fields={"mode": [_("无效")]})
    if season not in Season.values:
        raise InvalidInput(_("季节无效。"), code="season_invalid", fields={"season": [_("无效")]})
    agencies = [a.strip() for a in joint_agencies or () if a and a.strip()]
    if mode == CampaignMode.JOINT and not agencies:
        raise InvalidInput(_("联合式检查须填写联合执法单位。"), code="joint_agencies_required",
                           fields={"joint_agencies": [_("必填")]})
    townships = sorted({t.strip() for t in townships or () if t and t.strip()})
    known = set(Region.objects.filter(code__in=townships, level=Region.Level.TOWNSHIP).values_list("code", flat=True))
    for code in townships:
        if code not in known or not code.startswith(plan.region_code):
            raise InvalidInput(_("乡镇代码 %(c)s 不是本县的乡镇。"), code="township_outside", c=code,
                               fields={"townships": [_("不在本县")]})
    if not starts_on or not ends_on:
        raise InvalidInput(_("请填写开始和结束日期。"), code="dates_required",
                           fields={"starts_on": [_("必填")], "ends_on": [_("必填")]})
    if ends_on < starts_on:
        raise InvalidInput(_("结束日期不能早于开始日期。"), code="dates_order", fields={"ends_on": [_("早于开始日期")]})
    if sampling_target is not None and int(sampling_target) < 0:
        raise InvalidInput(_("计划抽样批次不能为负数。"), code="sampling_target", fields={"sampling_target": [_("无效")]})
    return agencies, townships, [m.strip() for m in matters or () if m and m.strip()]


@service
def create_campaign(plan: Plan, *, actor, name: str, mode: str, season: str, starts_on, ends_on, townships=(),
                    crops=(), matters=(), joint_agencies=(), sampling_target: int = 0,
                    take_first_batch: bool = False) -> Campaign:
    """Add a campaign to the plan: mode (joint campaigns name their agencies), season, area
    (townships of the county; none = the whole county), crops, matters, sampling target, dates."""
    require(actor, "inspections.plan", plan)
    agencies, townships, matters = _clean_campaign(
        plan, mode=mode, season=season, townships=townships, joint_agencies=joint_agencies, matters=matters,
        starts_on=starts_on, ends_on=ends_on, sampling_target=sampling_target)
    campaign = Campaign.objects.create(
        plan=plan, region_code=plan.region_code, name=required_text(name, "name", _("名称"), 100), mode=mode, season=season,
        townships=townships, matters=matters, joint_agencies=agencies, sampling_target=int(sampling_target or 0),
        starts_on=starts_on, ends_on=ends_on, take_first_batch=bool(take_first_batch), created_by=actor)
    crops = [c if isinstance(c, Crop) else Crop.objects.get(code=c) for c in crops]
    campaign.crops.set(crops)
    log_action(campaign, "inspections.campaign.created", actor=actor, parent=plan,
               data={"crops": [c.code for c in crops]})
    return campaign


@service
def set_campaign_status(campaign: Campaign, *, actor, status: str) -> Campaign:
    require(actor, "inspections.plan", campaign)
    if status not in Campaign.Status.values:
        raise InvalidInput(_("状态无效。"), code="status_invalid")
    with audited(campaign, "inspections.campaign.status_changed", actor=actor, parent=campaign.plan):
        campaign.status = status
        campaign.save(update_fields=["status"])
    return campaign
