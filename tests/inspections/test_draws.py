"""The double-random draw: reproducible, recorded, respecting mandatory inclusions, the
six-month resampling rule, two inspectors per task and conflicts of interest."""

import datetime
import hashlib
import hmac
import io

import pytest
from django.utils import timezone

from inspections import services
from inspections.drawing import compute_draw
from inspections.models import Draw, Task
from seedreg.errors import Conflict, PermissionDenied, RuleViolation

from .conftest import make_business, make_sample_pair


def test_the_same_seed_and_inputs_give_the_same_result(chief, directory, shops, campaign):
    draw = services.run_draw(campaign, actor=chief, count=3, seed="2026春季")
    assert compute_draw(draw.inputs, draw.rules, "2026春季") == draw.outputs
    assert compute_draw(draw.inputs, draw.rules, "another seed") != draw.outputs or len(shops) < 3
    check = services.verify_draw(draw, actor=chief)
    assert check.reproduced and not check.inputs_changed and check.difference == {}


def test_the_order_is_the_hmac_of_seed_and_id(chief, directory, shops, campaign):
    draw = services.run_draw(campaign, actor=chief, count=2, seed="abc")
    by_hmac = sorted((s.pk for s in shops), key=lambda pk: hmac.new(b"abc", f"subject:{pk}".encode(),
                                                                      hashlib.sha256).digest())
    assert [t["business"] for t in draw.outputs["tasks"]] == by_hmac[:2]


def test_a_known_draw_comes_out_the_same_on_any_machine():
    """A golden record: these inputs and this seed have always drawn these subjects and pairs.
    If this fails, old draws could no longer be verified."""
    inputs = {"subjects": [[i, "211322102"] for i in range(1, 11)], "campaign_crops": ["maize"],
              "mandatory": {"7": ["open_complaint"]}, "blocked": {"3": ["maize"]},
              "inspectors": [[101, True], [102, True], [103, True], [104, False]], "conflicts": {"101": [7]}}
    rules = {"algorithm": "hmac-sha256-v1", "ratio": "0.3", "count": None, "inspectors_per_task": 2,
             "sampling": True}
    out = compute_draw(inputs, rules, "seedreg")
    assert out["pool_size"] == 8 and out["random_count"] == 3 and out["excluded"] == [3]
    assert out["tasks"][0] == {"business": 7, "selection": "mandatory", "reasons": ["open_complaint"],
                               "blocked_crops": [], "inspectors": out["tasks"][0]["inspectors"]}
    assert 101 not in out["tasks"][0]["inspectors"]
    assert [(t["business"], t["inspectors"]) for t in out["tasks"]] == GOLDEN


GOLDEN = [(7, [102, 103]), (4, [101, 103]), (1, [101, 102]), (6, [101, 103])]


def test_changing_one_input_is_recorded_as_a_difference(chief, clerk, directory, shops, campaign, inspector):
    draw = services.run_draw(campaign, actor=chief, ratio="0.4", seed="s1")
    newcomer = make_business(clerk, "新开种子店", serial=300, region="211322103")
    services.declare_conflict(directory[inspector.pk], actor=chief, business=shops[0], reason="亲属")
    check = services.verify_draw(draw, actor=chief)
    assert check.reproduced, "the frozen inputs still give the stored result"
    assert check.inputs_changed
    assert check.difference["inputs"]["subjects_added"] == [newcomer.pk]
    assert check.difference["inputs"]["conflicts_changed"][str(inspector.pk)]["after"] == [shops[0].pk]
    assert "outputs" in check.difference
    assert draw.verifications.count() == 1


def test_tampering_with_the_stored_result_is_detected(chief, directory, shops, campaign):
    from seedreg.regulated import service_context

    draw = services.run_draw(campaign, actor=chief, count=2, seed="s2")
    with service_context():
        Draw.objects.filter(pk=draw.pk).update(outputs={**draw.outputs, "random_count": 1})
    draw.refresh_from_db()
    assert not services.verify_draw(draw, actor=chief).reproduced


def test_open_complaints_are_always_included(chief, clerk, directory, shops, campaign):
    services.record_complaint(actor=clerk, channel="hotline", business=shops[4], anonymous=True, description="无标签")
    draw = services.run_draw(campaign, actor=chief, count=0, seed="x")
    assert [(t["business"], t["selection"], t["reasons"]) for t in draw.outputs["tasks"]] == [
        (shops[4].pk, "mandatory", ["open_complaint"])]


def test_a_business_outside_the_campaign_area_is_not_drawn(chief, clerk, directory, shops, campaign):
    elsewhere = make_business(clerk, "朱碌科镇种子店", serial=301, region="211322101")
    draw = services.run_draw(campaign, actor=chief, ratio="1", seed="x")
    assert elsewhere.pk not in {t["business"] for t in draw.outputs["tasks"]}
    assert len(draw.outputs["tasks"]) == len(shops)


def test_same_crop_sampled_within_six_months_is_excluded(chief, directory, inspector, inspector2, shops, campaign,
                                                         crops):
    now = timezone.now()
    make_sample_pair([inspector, inspector2], shops[0], crops["maize"], sampled_at=now - datetime.timedelta(days=60),
                     number=1)
    make_sample_pair([inspector, inspector2], shops[1], crops["maize"], sampled_at=now - datetime.timedelta(days=200),
                     number=2)
    make_sample_pair([inspector, inspector2], shops[2], crops["rice"], sampled_at=now - datetime.timedelta(days=30),
                     number=3)
    draw = services.run_draw(campaign, actor=chief, ratio="1", seed="x")
    drawn = {t["business"] for t in draw.outputs["tasks"]}
    assert shops[0].pk not in drawn and draw.outputs["excluded"] == [shops[0].pk]
    assert shops[1].pk in drawn and shops[2].pk in drawn  # over six months ago / another crop


def test_a_mandatory_subject_stays_but_its_blocked_crop_is_noted(chief, clerk, directory, inspector, inspector2,
                                                                  shops, campaign, crops):
    make_sample_pair([inspector, inspector2], shops[0], crops["maize"],
                     sampled_at=timezone.now() - datetime.timedelta(days=10))
    services.record_complaint(actor=clerk, channel="hotline", business=shops[0], anonymous=True, description="x")
    draw = services.run_draw(campaign, actor=chief, count=0, seed="x")
    assert draw.outputs["tasks"] == [{"business": shops[0].pk, "selection": "mandatory",
                                      "reasons": ["open_complaint"], "blocked_crops": ["maize"],
                                      "inspectors": draw.outputs["tasks"][0]["inspectors"]}]


def test_every_task_gets_two_different_inspectors_without_conflicts(chief, directory, inspector, shops, campaign):
    for shop in shops[:3]:
        services.declare_conflict(directory[inspector.pk], actor=chief, business=shop, reason="曾在该店任职")
    draw = services.run_draw(campaign, actor=chief, ratio="1", seed="pairs")
    for task in draw.outputs["tasks"]:
        assert len(set(task["inspectors"])) == 2 == len(task["inspectors"])
        if task["business"] in {s.pk for s in shops[:3]}:
            assert inspector.pk not in task["inspectors"]


def test_not_enough_unconflicted_inspectors_refuses_the_draw(chief, inspector, inspector2, shops, campaign):
    profiles = {u.pk: services.save_inspector_profile(u, actor=chief) for u in (inspector, inspector2)}
    services.declare_conflict(profiles[inspector.pk], actor=chief, business=shops[0], reason="亲属")
    with pytest.raises(RuleViolation) as exc:
        services.run_draw(campaign, actor=chief, ratio="1", seed="x")
    assert exc.value.code == "draw_not_enough_inspectors"
    assert not Draw.objects.exists()


def test_sampling_campaigns_draw_only_inspectors_who_may_sample(chief, directory, inspector, shops, campaign):
    services.save_inspector_profile(inspector, actor=chief, may_sample=False)
    draw = services.run_draw(campaign, actor=chief, ratio="1", seed="x")
    assert all(inspector.pk not in t["inspectors"] for t in draw.outputs["tasks"])


def test_only_the_chief_runs_a_draw_and_only_once(clerk, chief, outsider, directory, shops, campaign):
    with pytest.raises(PermissionDenied):
        services.run_draw(campaign, actor=clerk, count=1)
    from seedreg.errors import NotFound

    with pytest.raises(NotFound):
        services.run_draw(campaign, actor=outsider, count=1)
    services.run_draw(campaign, actor=chief, count=1)
    with pytest.raises(Conflict):
        services.run_draw(campaign, actor=chief, count=2)


def test_tasks_are_made_from_the_draw(chief, directory, shops, campaign):
    draw = services.run_draw(campaign, actor=chief, count=2, seed="t")
    assert services.create_draw_tasks(draw, actor=chief) == 2
    tasks = Task.objects.filter(draw=draw).prefetch_related("inspectors")
    assert {t.business_id for t in tasks} == {t["business"] for t in draw.outputs["tasks"]}
    for task, drawn in zip(tasks.order_by("id"), draw.outputs["tasks"], strict=True):
        assert sorted(u.pk for u in task.inspectors.all()) == sorted(drawn["inspectors"])
        assert task.due_on == campaign.ends_on
    with pytest.raises(Conflict):
        services.create_draw_tasks(draw, actor=chief)


def test_publishing_issues_the_draw_record_pdf(chief, directory, shops, campaign):
    from pypdf import PdfReader

    draw = services.run_draw(campaign, actor=chief, count=2, seed="pdf-seed")
    services.publish_draw(draw, actor=chief)
    draw.refresh_from_db()
    assert draw.published_at and draw.document.serial.startswith("建种随〔")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(draw.document.pdf.read())).pages).replace(" ", "").replace("\n", "")
    assert "双随机抽查抽取记录" in text and "pdf-seed" in text
    assert draw.labels[str(draw.outputs["tasks"][0]["business"])]["name"] in text
    with pytest.raises(Conflict):
        services.publish_draw(draw, actor=chief)
