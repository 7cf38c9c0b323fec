"""A campaign's results (监督抽查办法第三十三条): the summary, the results table, the lists of
qualified, unqualified and refusing businesses and how objections and re-tests were handled.

``campaign_results`` reads them as plain, JSON-ready dicts — the PDF, the workbooks, the staff
page and the published snapshot all render the same dict. With ``public=True`` it keeps no
personal data: a natural person's business (or a label producer that is one) reads
“个体经营者”, and no names of testers, inspectors, applicants or reasons appear."""

from __future__ import annotations

from collections import OrderedDict

from django.utils import timezone

from seedreg.lib import tabular
from seedreg.regions.models import Region

from .models import LabSample, Outcome, RetestRequest

NATURAL_PERSON_LABEL = "个体经营者"
PENDING = "pending"
OUTCOME_LABELS = {**dict(Outcome.choices), PENDING: "检验中"}


def _business_name(business, public: bool) -> str:
    if business is None:
        return "—"
    return NATURAL_PERSON_LABEL if public and business.is_natural_person else business.name


def _producer_name(sample: LabSample, public: bool) -> str:
    lot = sample.lot
    producer = getattr(lot, "producer", None) if lot else None
    if producer is not None:
        return _business_name(producer, public)
    return sample.sample.sampling.producer_name or "—"


def _failing(report, final: dict | None) -> list[str]:
    details = (final or {}) or (report.details if report else {})
    items = [f"{i['name']}（{i['value']}%，要求{'≤' if i['limit'].get('direction') == 'max' else '≥'}"
             f"{i['limit'].get('limit')}%）" for i in details.get("indexes", []) if not i.get("passed")]
    if details.get("trueness") is False:
        items.append("品种真实性（与标注不符）")
    return items


def campaign_results(campaign, *, public: bool = False) -> dict:
    """The results of ``campaign``'s first tests, with each re-test's final result in place of
    the first where one was concluded. A fixed number of queries, whatever the campaign's size."""
    from inspections.models import Visit
    from inspections.models.visits import Outcome as VisitOutcome

    samples = list(
        LabSample.objects.filter(purpose=LabSample.Purpose.FIRST_TEST, sample__sampling__visit__task__campaign=campaign)
        .select_related("sample__sampling__business", "lot__producer", "report__document", "report__retest",
                        "report__retest__retest_sample__report__document")
        .order_by("sample__sampling__sampled_at", "pk"))
    refusals = list(Visit.objects.filter(task__campaign=campaign, outcome=VisitOutcome.REFUSED)
                    .select_related("business").order_by("checked_in_at", "pk"))
    townships = {s.sample.sampling.business.region_code[:9] for s in samples if s.sample.sampling.business_id}
    townships |= {v.business.region_code[:9] for v in refusals if v.business_id}
    names = dict(Region.objects.filter(code__in=townships | {campaign.region_code[:6]}).values_list("code", "name"))

    rows, retests = [], []
    by_outcome: dict[str, OrderedDict] = {o: OrderedDict() for o in (*Outcome.values, PENDING)}
    for n, s in enumerate(samples, 1):
        sampling, business = s.sample.sampling, s.sample.sampling.business
        report = getattr(s, "report", None)
        retest = getattr(report, "retest", None) if report else None
        final_report = None
        if retest is not None and retest.status == RetestRequest.Status.COMPLETED and retest.retest_sample_id:
            final_report = getattr(retest.retest_sample, "report", None)
        withdrawn = report is not None and report.document_id and report.document.status == "invalidated"
        outcome = PENDING if report is None or withdrawn else (retest.final_outcome if final_report else report.outcome)
        name = _business_name(business, public)
        row = {"n": n, "code": s.code, "business": name,
               "township": names.get(business.region_code[:9], "") if business else "",
               "crop": s.crop_name, "variety": s.variety_name, "lot_number": s.lot_number,
               "producer": _producer_name(s, public), "sampled_on": sampling.sampled_at.date().isoformat(),
               "outcome": outcome, "outcome_label": str(OUTCOME_LABELS[outcome]),
               "failing": _failing(report, final_report.details if final_report else None),
               "report": (final_report or report).document.serial if report and (final_report or report).document_id
               else "", "retest": str(retest.get_status_display()) if retest else ""}
        rows.append(row)
        key = business.pk if business else f"sample-{s.pk}"
        entry = by_outcome[outcome].setdefault(key, {"business": name, "township": row["township"], "lots": []})
        entry["lots"].append(f"{s.variety_name} {s.lot_number}".strip())
        if retest is not None:
            retests.append({
                "code": s.code, "business": name, "first_outcome": str(report.get_outcome_display()),
                "applied_by": "种子站提请" if retest.by_station else "被抽样单位申请",
                "received_on": retest.received_on.isoformat(), "objection_due":
                retest.objection_due.isoformat() if retest.objection_due else "",
                "lab": str(retest.get_assigned_lab_display()), "status": str(retest.get_status_display()),
                "final_outcome": str(retest.get_final_outcome_display()) if retest.final_outcome else "",
                "case_outcome": str(retest.get_case_outcome_display()) if retest.case_outcome else "",
                "original_lab_pays": {True: "是", False: "否", None: ""}[retest.original_lab_pays]})
    refusing = [{"business": _business_name(v.business, public) if v.business_id else "流动商贩",
                 "township": names.get(v.business.region_code[:9], "") if v.business_id else "",
                 "on": v.checked_in_at.date().isoformat()} for v in refusals]
    judged = sum(1 for r in rows if r["outcome"] != PENDING)
    qualified = sum(1 for r in rows if r["outcome"] == Outcome.QUALIFIED)
    return {
        "campaign": campaign.name, "county": names.get(campaign.region_code[:6], ""),
        "period": f"{campaign.starts_on:%Y-%m-%d} 至 {campaign.ends_on:%Y-%m-%d}",
        "generated_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "summary": {"samples": len(rows), "judged": judged, "pending": len(rows) - judged, "qualified": qualified,
                    "unqualified": sum(1 for r in rows if r["outcome"] == Outcome.UNQUALIFIED),
                    "fake": sum(1 for r in rows if r["outcome"] == Outcome.FAKE),
                    "rate": f"{qualified * 100 / judged:.1f}%" if judged else "—",
                    "businesses": len({r["business"] for r in rows}), "refusing": len(refusing),
                    "retests": len(retests),
                    "retests_changed": sum(1 for r in retests if r["final_outcome"]
                                           and r["final_outcome"] != r["first_outcome"])},
        "rows": rows,
        "qualified": list(by_outcome[Outcome.QUALIFIED].values()),
        "unqualified": [{**e, "outcome": str(OUTCOME_LABELS[o])} for o in (Outcome.UNQUALIFIED, Outcome.FAKE)
                        for e in by_outcome[o].values()],
        "refusing": refusing, "retests": retests,
    }


RESULT_HEADERS = ["序号", "样品编号", "被抽样单位", "乡镇", "作物", "品种", "批号", "标称生产经营者", "抽样日期",
                  "检验结论", "不合格项目", "检验报告编号", "复检"]


def results_workbook(results: dict) -> bytes:
    """The results as an .xlsx: 汇总, 检验结果, 合格, 不合格, 拒绝抽查, 异议与复检."""
    s = results["summary"]
    sheets = [
        ("汇总", ["项目", "内容"], [
            ["专项检查", results["campaign"]], ["县", results["county"]], ["期间", results["period"]],
            ["抽检批次", s["samples"]], ["已出结论", s["judged"]], ["检验中", s["pending"]], ["合格", s["qualified"]],
            ["不合格（劣种子）", s["unqualified"]], ["假种子", s["fake"]], ["合格率", s["rate"]],
            ["拒绝抽查", s["refusing"]], ["申请复检", s["retests"]], ["复检改变结论", s["retests_changed"]],
            ["生成时间", results["generated_at"]]]),
        ("检验结果", RESULT_HEADERS, [
            [r["n"], r["code"], r["business"], r["township"], r["crop"], r["variety"], r["lot_number"], r["producer"],
             r["sampled_on"], r["outcome_label"], "；".join(r["failing"]), r["report"], r["retest"]]
            for r in results["rows"]]),
        ("合格", ["被抽样单位", "乡镇", "种子批"], [[e["business"], e["township"], "、".join(e["lots"])]
                                          for e in results["qualified"]]),
        ("不合格", ["被抽样单位", "乡镇", "结论", "种子批"], [
            [e["business"], e["township"], e["outcome"], "、".join(e["lots"])] for e in results["unqualified"]]),
        ("拒绝抽查", ["被检查单位", "乡镇", "日期"], [[e["business"], e["township"], e["on"]]
                                          for e in results["refusing"]]),
        ("异议与复检", ["样品编号", "被抽样单位", "初检结论", "提出方式", "申请收到日期", "异议期限", "复检机构", "状态",
                   "复检结论", "案件处理", "原检验机构承担费用"], [
            [r["code"], r["business"], r["first_outcome"], r["applied_by"], r["received_on"], r["objection_due"],
             r["lab"], r["status"], r["final_outcome"], r["case_outcome"], r["original_lab_pays"]]
            for r in results["retests"]]),
    ]
    return tabular.write_sheets(sheets)
