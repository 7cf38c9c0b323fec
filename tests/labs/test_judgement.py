"""labs.judgement against hand-worked examples. Pure: the standards rows are read from the CSV
the migration loads, without the database."""

import csv
from decimal import Decimal as D

import pytest

from labs.judgement import (
    BINOMIAL_RULE,
    FAKE,
    NO_TOLERANCE_RULE,
    QUALIFIED,
    UNQUALIFIED,
    ComparisonBand,
    FrozenLimit,
    JudgementError,
    LotFacts,
    StandardRow,
    binomial_tolerance,
    freeze_limit,
    judge,
    select_standard,
)
from labs.loading import DATA, SEED_TYPES


def _rows():
    out = []
    with open(DATA / "seed_quality_standards.csv", encoding="utf-8") as f:
        for i, r in enumerate(csv.DictReader(f), 1):
            types, form = SEED_TYPES[r["seed_type"]]
            num = {k: (D(r[k]) if r[k] else None) for k in ("purity_min", "cleanliness_min", "germination_min",
                                                             "moisture_max", "moisture_max_north",
                                                             "moisture_max_japonica")}
            out.append(StandardRow(row_id=i, standard=r["standard"], crop_code=r["crop_code"], crop_name=r["crop"],
                                   seed_type_label=r["seed_type"], seed_types=tuple(types), seed_class=r["seed_class"],
                                   seed_form=form, status=r["status"], **num))
    return out


ROWS = _rows()
LABEL_MAIZE = {"purity": D("96.0"), "cleanliness": D("99.0"), "germination": D("85"), "moisture": D("13.0")}


def maize(**kw):
    base = {"crop_code": "maize", "seed_type": "single_cross", "seed_class": "大田用种", "label": LABEL_MAIZE}
    return LotFacts(**{**base, **kw})


def limits(lot, *, n_germ=400, n_purity=None, bands=()):
    row = select_standard(ROWS, lot)
    out = {i: freeze_limit(i, row, lot, examined=n, comparison_bands=bands)
           for i, n in (("purity", n_purity), ("cleanliness", None), ("germination", n_germ), ("moisture", None))}
    return row, out


class TestChoosingTheRow:
    def test_maize_single_cross_field_seed(self):
        row = select_standard(ROWS, maize())
        assert (row.seed_type_label, row.purity_min, row.germination_min) == ("单交种", D("96.0"), D("85"))

    def test_a_maintainer_line_uses_the_sterile_maintainer_restorer_row(self):
        lot = LotFacts(crop_code="rice", seed_type="maintainer", seed_class="原种", rice_subspecies="indica")
        assert select_standard(ROWS, lot).seed_type_label == "不育系、保持系、恢复系"

    def test_cotton_needs_the_seed_form(self):
        lot = LotFacts(crop_code="cotton", seed_type="conventional", seed_class="大田用种")
        with pytest.raises(JudgementError, match="种子形态"):
            select_standard(ROWS, lot)
        coated = select_standard(ROWS, LotFacts(crop_code="cotton", seed_type="conventional", seed_class="大田用种",
                                                seed_form="薄膜包衣籽"))
        assert (coated.seed_type_label, coated.status) == ("常规种薄膜包衣籽", "likely")
        parent = select_standard(ROWS, LotFacts(crop_code="cotton", seed_type="parent", seed_class="亲本",
                                                seed_form="光籽"))
        assert parent.seed_type_label == "杂交种亲本光籽或薄膜包衣籽"

    def test_no_row_is_an_error_naming_what_was_looked_for(self):
        with pytest.raises(JudgementError, match="wheat"):
            select_standard(ROWS, LotFacts(crop_code="wheat", seed_type="hybrid", seed_class="大田用种"))


class TestTolerance:
    def test_binomial_formula(self):
        # 1.65 × √(85 × 15 / 400) = 1.65 × 1.7854 = 2.946 → 2.9
        assert binomial_tolerance(D(85), 400) == D("2.9")
        # 1.65 × √(96 × 4 / 1000) = 1.65 × 0.6197 = 1.022 → 1.0
        assert binomial_tolerance(D(96), 1000) == D("1.0")

    def test_germination_at_the_standard_passes_down_to_the_tolerance(self):
        _, lim = limits(maize())
        g = lim["germination"]
        assert (g.limit, g.limit_from, g.tolerance, g.tolerance_rule) == (D(85), "standard", D("2.9"), BINOMIAL_RULE)
        assert g.passes(D(83)) and not g.passes(D(82))  # threshold 82.1

    def test_indexes_without_a_count_get_no_tolerance_and_say_so(self):
        _, lim = limits(maize())
        assert (lim["cleanliness"].tolerance, lim["cleanliness"].tolerance_rule) == (D(0), NO_TOLERANCE_RULE)
        assert lim["moisture"].tolerance == D(0)

    def test_a_loaded_comparison_band_replaces_the_formula(self):
        band = ComparisonBand("germination", D(80), D(90), 400, 400, D("5.0"), row_id=7, source="GB/T 3543.4 附表",
                              status="unconfirmed")
        _, lim = limits(maize(), bands=[band])
        g = lim["germination"]
        assert (g.tolerance, g.tolerance_row_id) == (D("5.0"), 7)
        assert "GB/T 3543.4 附表" in g.tolerance_rule


class TestStricterOfStandardAndLabel:
    def test_label_stricter_than_standard(self):
        lot = maize(label={**LABEL_MAIZE, "germination": D(90)})
        _, lim = limits(lot)
        g = lim["germination"]
        # 1.65 × √(90 × 10 / 400) = 2.475 → 2.5: threshold 87.5
        assert (g.limit, g.limit_from, g.tolerance) == (D(90), "label", D("2.5"))
        assert not g.passes(D(87)) and g.passes(D(88))
        assert "标签标注值 90" in g.source_text()

    def test_standard_stricter_than_label(self):
        _, lim = limits(maize(label={**LABEL_MAIZE, "germination": D(80), "moisture": D("14.0")}))
        assert (lim["germination"].limit, lim["germination"].limit_from) == (D(85), "standard")
        assert (lim["moisture"].limit, lim["moisture"].limit_from) == (D("13.0"), "standard")

    def test_label_moisture_lower_than_standard_is_the_limit(self):
        _, lim = limits(maize(label={**LABEL_MAIZE, "moisture": D("12.0")}))
        assert (lim["moisture"].limit, lim["moisture"].limit_from) == (D("12.0"), "label")

    def test_no_label_value_means_the_standard(self):
        _, lim = limits(maize(label={}))
        assert lim["purity"].limit == D("96.0") and lim["purity"].label_value is None


class TestMoistureExceptions:
    def test_north_of_the_great_wall_allows_16(self):
        lot = maize(label={**LABEL_MAIZE, "moisture": D("16.0")}, north_of_great_wall=True)
        _, lim = limits(lot)
        m = lim["moisture"]
        assert m.limit == D("16.0") and "长城以北" in m.standard_rule
        assert m.passes(D("16.0")) and not m.passes(D("16.1"))

    def test_south_of_it_the_standard_13_applies_whatever_the_label(self):
        _, lim = limits(maize(label={**LABEL_MAIZE, "moisture": D("16.0")}, north_of_great_wall=False))
        assert lim["moisture"].limit == D("13.0")
        assert not lim["moisture"].passes(D("13.1"))

    def test_japonica_rice_allows_14_5(self):
        lot = LotFacts(crop_code="rice", seed_type="conventional", seed_class="大田用种", rice_subspecies="japonica",
                       label={"moisture": D("14.5")})
        row = select_standard(ROWS, lot)
        m = freeze_limit("moisture", row, lot)
        assert m.limit == D("14.5") and "粳稻" in m.standard_rule
        assert m.passes(D("14.5")) and not m.passes(D("14.6"))

    def test_indica_rice_keeps_13(self):
        lot = LotFacts(crop_code="rice", seed_type="conventional", seed_class="大田用种", rice_subspecies="indica",
                       label={"moisture": D("14.5")})
        assert freeze_limit("moisture", select_standard(ROWS, lot), lot).limit == D("13.0")

    def test_wheat_has_no_northern_exception(self):
        lot = LotFacts(crop_code="wheat", seed_type="conventional", seed_class="大田用种", north_of_great_wall=True,
                       label={"moisture": D("16.0")})
        assert freeze_limit("moisture", select_standard(ROWS, lot), lot).limit == D("13.0")


class TestVerdict:
    def test_all_indexes_passing_is_qualified(self):
        _, lim = limits(maize(), n_purity=1000)
        v = judge({"purity": D("96.5"), "cleanliness": D("99.2"), "germination": D(88), "moisture": D("12.8")}, lim,
                  trueness=True)
        assert v.outcome == QUALIFIED and v.reasons == ()

    def test_one_failing_index_is_inferior_seed_naming_limit_and_source(self):
        _, lim = limits(maize(), n_purity=1000)
        v = judge({"purity": D("96.5"), "cleanliness": D("98.9"), "germination": D(88), "moisture": D("12.8")}, lim)
        assert v.outcome == UNQUALIFIED
        assert [f.index for f in v.failing] == ["cleanliness"]
        assert "净度 98.9%：不符合" in v.reasons[0]
        assert "GB 4404.1-2008 玉米 单交种 大田用种" in v.reasons[0]
        data = v.as_dict()
        assert data["label"] == "不合格（劣种子）"
        assert BINOMIAL_RULE in data["unconfirmed_sources"]

    def test_purity_at_one_below_the_tolerance(self):
        _, lim = limits(maize(), n_purity=1000)  # 96.0 − 1.0 = 95.0
        assert judge({"purity": D("95.0")}, lim).outcome == QUALIFIED
        assert judge({"purity": D("94.9")}, lim).outcome == UNQUALIFIED

    def test_trueness_failed_is_fake_whatever_the_indexes(self):
        _, lim = limits(maize())
        v = judge({"germination": D(95)}, lim, trueness=False)
        assert v.outcome == FAKE and "假种子" in v.reasons[0]

    def test_a_result_without_a_limit_cannot_be_judged(self):
        with pytest.raises(JudgementError):
            judge({"germination": D(90)}, {})

    def test_frozen_limits_survive_a_round_trip_through_json(self):
        _, lim = limits(maize())
        again = FrozenLimit.from_dict(lim["germination"].as_dict())
        assert again == lim["germination"]
