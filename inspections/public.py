"""What anyone may see of the station's inspection work without logging in (双随机、一公开):
plans, campaigns and published draws. Selectors return plain dicts with public facts only —
business names (a natural person's is replaced by a neutral label), townships, how a subject
was selected — never inspectors' names or IDs, complainants or reasons tied to a complaint."""

from __future__ import annotations

from django.db.models import Prefetch

from seedreg.regions.models import Region

from .models import Campaign, Draw, Plan


def _region_names(codes) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=set(codes)).values_list("code", "name"))


def public_plans(county: str | None = None) -> list[dict]:
    """Plans with their campaigns and whether each campaign's draw is published. Four queries."""
    plans = Plan.objects.all()
    if county:
        plans = plans.within(county)
    plans = plans.prefetch_related(
        Prefetch("campaigns", queryset=Campaign.objects.prefetch_related("crops").select_related("results_package")
                 .order_by("starts_on", "id")),
        Prefetch("campaigns__draws", queryset=Draw.objects.filter(published_at__isnull=False).only(
            "id", "campaign_id", "published_at", "outputs")))
    plans = list(plans.order_by("-year", "region_code", "id")[:50])
    codes = {p.region_code for p in plans} | {t for p in plans for c in p.campaigns.all() for t in c.townships}
    names = _region_names(codes)
    out = []
    for plan in plans:
        campaigns = []
        for c in plan.campaigns.all():
            draws = list(c.draws.all())
            campaigns.append({
                "name": c.name, "mode": c.get_mode_display(), "season": c.get_season_display(),
                "joint_agencies": "、".join(c.joint_agencies), "starts_on": c.starts_on, "ends_on": c.ends_on,
                "area": "、".join(names.get(t, t) for t in c.townships) or "全县",
                "crops": "、".join(crop.name for crop in c.crops.all()), "matters": "、".join(c.matters),
                # The results package (labs) once published: 监督抽查办法第三十三条.
                "results_id": c.pk if hasattr(c, "results_package") else None,
                "draws": [{"id": d.pk, "published_at": d.published_at, "subjects": len(d.outputs["tasks"])}
                          for d in draws]})
        out.append({"year": plan.year, "title": plan.title, "county": names.get(plan.region_code, plan.region_code),
                    "campaigns": campaigns})
    return out


def public_draw(pk: int) -> dict | None:
    draw = Draw.objects.filter(pk=pk, published_at__isnull=False).select_related("campaign", "document").first()
    if draw is None:
        return None
    names = _region_names({v.get("region_code", "")[:9] for v in draw.labels.values()} | {draw.region_code})
    rows = []
    for n, task in enumerate(draw.outputs["tasks"], 1):
        label = draw.labels.get(str(task["business"]), {})
        township = names.get(label.get("region_code", "")[:9], "")
        rows.append({"n": n, "township": township,
                     "name": "个体经营者" if label.get("natural_person") else label.get("name", ""),
                     "selection": "随机抽取" if task["selection"] == "random" else "重点检查",
                     "inspectors": len(task["inspectors"])})
    return {"campaign": draw.campaign.name, "county": names.get(draw.region_code, ""), "ran_at": draw.ran_at,
            "published_at": draw.published_at, "seed": draw.seed, "inputs_digest": draw.inputs_digest,
            "ratio": draw.rules.get("ratio"), "count": draw.rules.get("count"),
            "pool_size": draw.outputs["pool_size"], "subject_count": len(draw.inputs["subjects"]),
            "serial": draw.document.serial if draw.document_id else "",
            "verify_token": draw.document.verify_token if draw.document_id else "", "rows": rows}
