"""Worked examples for labs.calculations (GB/T 3543), computed by hand in the comments."""

from decimal import Decimal as D

import pytest

from labs.calculations import (
    CalculationError,
    Replicate,
    ToleranceBand,
    cleanliness,
    germination,
    mirrored_key,
    moisture,
    purity,
    retest_agreement,
)
from labs.loading import DATA


def _bands(name, value_column):
    import csv

    with open(DATA / name, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    first, last = list(rows[0])[:2]
    return [ToleranceBand(int(r[first]), int(r[last]), D(r[value_column]), status=r["status"]) for r in rows]


REPLICATE_BANDS = _bands("germination_replicate_tolerance.csv", "max_range_between_4_replicates_of_100")
TWO_TEST_BANDS = _bands("germination_two_tests_tolerance.csv", "max_difference")


def reps(*normals):
    """Replicates of 100 with the rest of each hundred counted as dead seeds."""
    return [Replicate(normal=n, abnormal=0, dead=100 - n) for n in normals]


# --- cleanliness ------------------------------------------------------------------------------
class TestCleanliness:
    def test_percentages_are_of_the_components_total_to_one_decimal(self):
        # total 99.95 g: 98.25/99.95 = 98.299 → 98.3; 0.50/99.95 = 0.500 → 0.5; 1.20/99.95 = 1.201 → 1.2
        r = cleanliness("100.00", "98.25", "0.50", "1.20")
        assert (r.pure_seed_pct, r.other_seeds_pct, r.inert_matter_pct) == (D("98.3"), D("0.5"), D("1.2"))
        assert r.adjusted_component is None
        assert r.weight_difference_pct == D("0.05")
        assert not r.repeat_required

    def test_rounding_past_100_is_taken_from_the_largest_component(self):
        # 97.45 → 97.5, 1.25 → 1.3, 1.30 → 1.3: 100.1, so the pure seed gives back 0.1
        r = cleanliness("100", "97.45", "1.25", "1.30")
        assert (r.pure_seed_pct, r.other_seeds_pct, r.inert_matter_pct) == (D("97.4"), D("1.3"), D("1.3"))
        assert r.adjusted_component == "pure_seed"
        assert r.pure_seed_pct + r.other_seeds_pct + r.inert_matter_pct == D("100.0")

    def test_a_zero_component_is_shown_as_dash_zero_dash(self):
        r = cleanliness("50", "49.5", "0", "0.5")
        assert r.shown("other_seeds") == "-0-"
        assert r.shown("pure_seed") == "99.0"

    def test_half_samples_are_reported_to_two_decimals(self):
        r = cleanliness("25", "24.651", "0.112", "0.237", half_sample=True)
        assert (r.pure_seed_pct, r.other_seeds_pct, r.inert_matter_pct) == (D("98.60"), D("0.45"), D("0.95"))

    def test_a_difference_of_exactly_5_percent_stands(self):
        assert not cleanliness("100", "94.00", "0.50", "0.50").repeat_required  # 95.00 g: 5.00%

    def test_a_difference_over_5_percent_requires_a_new_analysis(self):
        r = cleanliness("100", "93.90", "0.50", "0.50")  # 94.90 g: 5.10%
        assert r.repeat_required
        assert "5.10%" in r.repeat_reason

    @pytest.mark.parametrize(("args", "field"), [
        (("0", "1", "0", "0"), "working_sample_g"),
        (("100", "-1", "0", "0"), "pure_seed_g"),
        (("100", "abc", "0", "0"), "pure_seed_g"),
        (("100", "0", "0", "0"), "pure_seed_g"),
    ])
    def test_it_refuses_impossible_weights(self, args, field):
        with pytest.raises(CalculationError) as exc:
            cleanliness(*args)
        assert exc.value.field == field


# --- germination ------------------------------------------------------------------------------
class TestGermination:
    def test_mean_is_a_whole_number_rounded_half_up(self):
        # 85 + 86 + 86 + 85 = 342 / 4 = 85.5 → 86
        assert germination(reps(85, 86, 86, 85), REPLICATE_BANDS).mean == 86

    def test_confirmed_row_87_88_allows_a_range_of_13(self):
        at_limit = germination(reps(94, 81, 88, 85), REPLICATE_BANDS)  # mean 87, range 13
        assert (at_limit.mean, at_limit.range, at_limit.max_range) == (87, 13, D(13))
        assert not at_limit.repeat_required
        one_over = germination(reps(95, 81, 88, 84), REPLICATE_BANDS)  # mean 87, range 14
        assert one_over.repeat_required
        assert "须重新试验" in one_over.repeat_reason
        assert one_over.tolerance_band.status == "confirmed"

    def test_confirmed_row_67_72_allows_a_range_of_18(self):
        assert not germination(reps(79, 61, 70, 70), REPLICATE_BANDS).repeat_required  # mean 70, range 18
        assert germination(reps(80, 61, 70, 69), REPLICATE_BANDS).repeat_required  # mean 70, range 19

    def test_a_mean_of_50_or_below_uses_the_row_of_101_minus_the_mean(self):
        assert mirrored_key(30) == 71 and mirrored_key(50) == 51 and mirrored_key(2) == 99
        r = germination(reps(39, 21, 30, 30), REPLICATE_BANDS)  # mean 30 → row 71 → 18
        assert (r.mean, r.max_range, r.repeat_required) == (30, D(18), False)
        assert germination(reps(40, 21, 30, 29), REPLICATE_BANDS).repeat_required

    def test_mean_99_allows_5(self):
        at_limit = germination(reps(100, 95, 100, 100), REPLICATE_BANDS)  # 395/4 = 98.75 → 99, range 5
        assert (at_limit.mean, at_limit.max_range, at_limit.repeat_required) == (99, D(5), False)
        assert germination(reps(100, 94, 100, 100), REPLICATE_BANDS).repeat_required  # 98.5 → 99, range 6

    def test_other_categories_are_averaged_and_add_up_to_100(self):
        data = [{"normal": 90, "abnormal": 4, "fresh": 2, "hard": 1, "dead": 3},
                {"normal": 88, "abnormal": 5, "fresh": 3, "hard": 1, "dead": 3},
                {"normal": 91, "abnormal": 3, "fresh": 2, "hard": 2, "dead": 2},
                {"normal": 89, "abnormal": 5, "fresh": 2, "hard": 1, "dead": 3}]
        r = germination(data, REPLICATE_BANDS)
        assert r.mean == 90  # 358/4 = 89.5 → 90
        assert r.mean + r.mean_abnormal + r.mean_fresh + r.mean_hard + r.mean_dead == 100

    def test_a_replicate_that_does_not_add_up_to_100_seeds_is_refused(self):
        with pytest.raises(CalculationError) as exc:
            germination([{"normal": 90, "dead": 9}, *reps(90, 90, 90)], REPLICATE_BANDS)
        assert exc.value.field == "r1_normal"
        assert "99" in exc.value.message

    def test_it_needs_four_replicates(self):
        with pytest.raises(CalculationError):
            germination(reps(90, 90, 90), REPLICATE_BANDS)

    def test_counts_must_be_whole_numbers(self):
        with pytest.raises(CalculationError) as exc:
            germination([{"normal": "89.5", "dead": "10.5"}, *reps(90, 90, 90)], REPLICATE_BANDS)
        assert exc.value.field == "r1_normal"


# --- moisture ---------------------------------------------------------------------------------
def det(dish, wet, dry):
    return {"dish_g": dish, "wet_g": wet, "dry_g": dry}


class TestMoisture:
    def test_mean_of_two_determinations_to_one_decimal(self):
        # (15.000 − 14.350)/5 = 13.00 %; (15.000 − 14.345)/5 = 13.10 %; mean 13.05 → 13.1
        r = moisture([det("10.000", "15.000", "14.350"), det("10.000", "15.000", "14.345")])
        assert (r.mean, r.difference, r.repeat_required) == (D("13.1"), D("0.10"), False)

    def test_a_difference_of_exactly_0_2_stands(self):
        r = moisture([det("10", "15", "14.350"), det("10", "15", "14.340")])  # 13.00 and 13.20
        assert (r.difference, r.repeat_required) == (D("0.20"), False)

    def test_a_difference_over_0_2_requires_a_repeat(self):
        r = moisture([det("10", "15", "14.350"), det("10", "15", "14.335")])  # 13.00 and 13.30
        assert r.repeat_required and "0.30" in r.repeat_reason

    def test_dry_weight_above_wet_weight_is_refused(self):
        with pytest.raises(CalculationError) as exc:
            moisture([det("10", "15", "15.1"), det("10", "15", "14.3")])
        assert exc.value.field == "m1_dry_g"

    def test_missing_weight_is_refused(self):
        with pytest.raises(CalculationError) as exc:
            moisture([det("10", "", "14"), det("10", "15", "14.3")])
        assert exc.value.field == "m1_wet_g"


# --- purity -----------------------------------------------------------------------------------
class TestPurity:
    def test_purity_from_a_grow_out(self):
        assert purity(1000, 25).purity == D("97.5")

    def test_purity_from_dna_markers(self):
        r = purity(192, 3, method="dna", trueness=True)
        assert (r.purity, r.method, r.trueness) == (D("98.4"), "dna", True)  # 189/192 = 98.44

    def test_more_off_types_than_plants_is_refused(self):
        with pytest.raises(CalculationError):
            purity(10, 11)


# --- re-test agreement ------------------------------------------------------------------------
class TestRetest:
    def test_agreeing_tests_report_their_mean(self):
        # mean 70 (confirmed row 60–76: 7); difference 6 ≤ 7
        r = retest_agreement(67, 73, TWO_TEST_BANDS)
        assert (r.agree, r.reported) == (True, D(70))

    def test_differing_tests_leave_the_retest_standing(self):
        r = retest_agreement(66, 74, TWO_TEST_BANDS)  # difference 8 > 7
        assert (r.agree, r.reported) == (False, D(74))
        assert "以复检结果为准" in r.rule

    def test_without_a_table_the_retest_stands(self):
        r = retest_agreement("98.5", "98.9", [], whole_number=False)
        assert (r.agree, r.reported, r.tolerance_band) == (False, D("98.9"), None)
