"""Laboratory calculations (GB/T 3543 series): raw bench data in, computed results out.

Pure functions on ``Decimal``: no database, no Django. Each names the rule it applies. Tolerance
tables are passed in as plain rows (``ToleranceBand``) so the caller decides which version of the
data applies; nothing here holds a regulatory number except the rules the standard fixes in its
text (5% weight check, 0.2-point moisture repeatability), which are named where used.

Invalid input raises ``CalculationError`` with a Chinese message and the field it concerns; a
result that the rules say must be redone is *not* an error: it comes back with ``repeat_required``
and the reason, so the worksheet can show it and refuse approval.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ONE_PLACE = Decimal("0.1")
TWO_PLACES = Decimal("0.01")
WHOLE = Decimal("1")
HUNDRED = Decimal(100)

# GB/T 3543.3 (confirmed): the components' total may differ from the working sample by at most 5%.
CLEANLINESS_WEIGHT_CHECK_PCT = Decimal(5)
# GB/T 3543.6: two determinations differing by more than 0.2 percentage points are repeated.
MOISTURE_REPEATABILITY_PCT = Decimal("0.2")
GERMINATION_REPLICATES = 4
SEEDS_PER_REPLICATE = 100


class CalculationError(ValueError):
    """Raw data that cannot be computed (negative weight, a replicate that does not add up...)."""

    def __init__(self, message: str, field: str = "__all__"):
        super().__init__(message)
        self.message = message
        self.field = field


def dec(value, field: str = "__all__", *, label: str = "") -> Decimal:
    """A Decimal from user input (str/int/Decimal), refusing floats' binary noise and garbage."""
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, float):
        result = Decimal(str(value))
    else:
        try:
            result = Decimal(str(value).strip())
        except (InvalidOperation, TypeError) as exc:
            raise CalculationError(f"{label or field}：不是有效数字", field) from exc
    if not result.is_finite():
        raise CalculationError(f"{label or field}：不是有效数字", field)
    return result


def round_half_up(value: Decimal, places: Decimal = ONE_PLACE) -> Decimal:
    """Rounding as the standards print results (四舍五入), not banker's rounding."""
    return value.quantize(places, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ToleranceBand:
    """One row of a tolerance table: for values from ``low`` to ``high`` (inclusive) the limit is
    ``limit``. ``row_id``/``source``/``status`` travel into results so a verdict can name them."""

    low: int
    high: int
    limit: Decimal
    row_id: int | None = None
    source: str = ""
    status: str = "unconfirmed"

    def describe(self) -> str:
        span = f"{self.low}" if self.low == self.high else f"{self.low}–{self.high}"
        return f"{self.source} {span}：{self.limit}（{self.status}）".strip()


def lookup_band(bands: Sequence[ToleranceBand], key: int) -> ToleranceBand | None:
    for band in bands:
        if band.low <= key <= band.high:
            return band
    return None


def mirrored_key(mean: int) -> int:
    """GB/T 3543.4 / ISTA tables list means 51–99; a mean of 50 or below uses the row of
    101 − mean (2 ↔ 99, 50 ↔ 51). A mean of 100 (or 1) has no row of its own: the 99 row is
    used, the narrowest the table has."""
    key = 101 - mean if mean <= 50 else mean
    return min(key, 99)


# --- cleanliness (净度, GB/T 3543.3) ------------------------------------------------------------
@dataclass(frozen=True)
class CleanlinessResult:
    working_sample_g: Decimal
    components_total_g: Decimal
    pure_seed_pct: Decimal
    other_seeds_pct: Decimal
    inert_matter_pct: Decimal
    weight_difference_pct: Decimal
    adjusted_component: str | None
    repeat_required: bool
    repeat_reason: str = ""

    @property
    def value(self) -> Decimal:
        return self.pure_seed_pct

    def shown(self, name: str) -> str:
        """How a component is printed: a zero component is shown as ``-0-`` (GB/T 3543.3)."""
        pct = getattr(self, f"{name}_pct")
        return "-0-" if pct == 0 else f"{pct}"


def cleanliness(working_sample_g, pure_seed_g, other_seeds_g, inert_matter_g, *, half_sample: bool = False
                ) -> CleanlinessResult:
    """Cleanliness (净度) from the weights of the separated components.

    Rules: percentages are of the components' total (not of the working sample), to one decimal
    (two for half samples), summing to 100.0; rounding that misses 100.0 is absorbed by the
    largest component (ISTA practice, unconfirmed for GB/T); when the components' total differs
    from the working sample's weight by more than 5% the analysis is redone (GB/T 3543.3,
    confirmed).
    """
    places = TWO_PLACES if half_sample else ONE_PLACE
    labels = {"working_sample_g": "送验样品重量", "pure_seed_g": "净种子", "other_seeds_g": "其他植物种子",
              "inert_matter_g": "杂质"}
    raw = {"working_sample_g": working_sample_g, "pure_seed_g": pure_seed_g, "other_seeds_g": other_seeds_g,
           "inert_matter_g": inert_matter_g}
    values = {k: dec(v, k, label=labels[k]) for k, v in raw.items()}
    for k, v in values.items():
        if v < 0:
            raise CalculationError(f"{labels[k]}：重量不能为负", k)
    working = values["working_sample_g"]
    if working <= 0:
        raise CalculationError("送验样品重量须大于 0", "working_sample_g")
    parts = {"pure_seed": values["pure_seed_g"], "other_seeds": values["other_seeds_g"],
             "inert_matter": values["inert_matter_g"]}
    total = sum(parts.values(), Decimal(0))
    if total <= 0:
        raise CalculationError("各成分重量之和须大于 0", "pure_seed_g")
    pct = {k: round_half_up(v * HUNDRED / total, places) for k, v in parts.items()}
    adjusted = None
    gap = HUNDRED - sum(pct.values(), Decimal(0))
    if gap:
        adjusted = max(pct, key=lambda k: (parts[k], k == "pure_seed"))
        pct[adjusted] += gap
    difference = round_half_up(abs(total - working) * HUNDRED / working, TWO_PLACES)
    repeat = difference > CLEANLINESS_WEIGHT_CHECK_PCT
    return CleanlinessResult(
        working_sample_g=working, components_total_g=total, pure_seed_pct=pct["pure_seed"],
        other_seeds_pct=pct["other_seeds"], inert_matter_pct=pct["inert_matter"],
        weight_difference_pct=difference, adjusted_component=adjusted, repeat_required=repeat,
        repeat_reason=(f"各成分重量之和与试样重量相差 {difference}%，超过 5%，须重新分析" if repeat else ""),
    )


# --- germination (发芽试验, GB/T 3543.4) --------------------------------------------------------
@dataclass(frozen=True)
class Replicate:
    normal: int
    abnormal: int = 0
    fresh: int = 0  # 新鲜不发芽
    hard: int = 0  # 硬实
    dead: int = 0

    @property
    def total(self) -> int:
        return self.normal + self.abnormal + self.fresh + self.hard + self.dead


@dataclass(frozen=True)
class GerminationResult:
    replicates: tuple[Replicate, ...]
    mean: int
    mean_abnormal: int
    mean_fresh: int
    mean_hard: int
    mean_dead: int
    range: int
    max_range: Decimal | None
    tolerance_band: ToleranceBand | None
    repeat_required: bool
    repeat_reason: str = ""
    seeds_examined: int = GERMINATION_REPLICATES * SEEDS_PER_REPLICATE

    @property
    def value(self) -> Decimal:
        return Decimal(self.mean)


def _mean_whole(values: Sequence[int]) -> int:
    return int(round_half_up(Decimal(sum(values)) / Decimal(len(values)), WHOLE))


def parse_replicate(data, index: int) -> Replicate:
    names = {"normal": "正常幼苗", "abnormal": "不正常幼苗", "fresh": "新鲜不发芽", "hard": "硬实", "dead": "死种子"}
    counts = {}
    for key, label in names.items():
        raw = data.get(key, 0) if isinstance(data, dict) else getattr(data, key, 0)
        raw = 0 if raw in (None, "") else raw
        value = dec(raw, f"r{index}_{key}", label=f"第{index}次重复{label}")
        if value != value.to_integral_value() or value < 0:
            raise CalculationError(f"第{index}次重复{label}：应为非负整数", f"r{index}_{key}")
        counts[key] = int(value)
    return Replicate(**counts)


def germination(replicates: Sequence, bands: Sequence[ToleranceBand]) -> GerminationResult:
    """Germination (发芽率) from 4 replicates of 100 seeds.

    Rules (GB/T 3543.4): each replicate's normal + abnormal + fresh + hard + dead = 100 seeds;
    result = mean of the normal seedlings, a whole number (四舍五入), as are the means of the other
    categories, adjusted so that the five add up to 100 (the largest category absorbs the
    difference); if the range between replicates exceeds the tolerance for that mean
    (``germination_replicate_tolerance``, a mean of 50 or below uses the row of 101 − mean) the
    test is repeated.
    """
    reps = tuple(r if isinstance(r, Replicate) else parse_replicate(r, i) for i, r in enumerate(replicates, 1))
    if len(reps) != GERMINATION_REPLICATES:
        raise CalculationError(f"发芽试验须有 {GERMINATION_REPLICATES} 次重复", "__all__")
    for i, rep in enumerate(reps, 1):
        if rep.total != SEEDS_PER_REPLICATE:
            raise CalculationError(
                f"第{i}次重复：各类合计 {rep.total} 粒，应为 {SEEDS_PER_REPLICATE} 粒", f"r{i}_normal")
    means = {k: _mean_whole([getattr(r, k) for r in reps]) for k in ("normal", "abnormal", "fresh", "hard", "dead")}
    gap = SEEDS_PER_REPLICATE - sum(means.values())
    if gap:
        # Keep the reported normal mean as computed (it is the result); the rest absorb rounding.
        others = [k for k in means if k != "normal"]
        largest = max(others, key=lambda k: means[k])
        means[largest] += gap
    normals = [r.normal for r in reps]
    spread = max(normals) - min(normals)
    band = lookup_band(bands, mirrored_key(means["normal"]))
    if band is None:
        raise CalculationError("未找到适用的发芽重复间容许差（请检查容许差表）", "__all__")
    repeat = Decimal(spread) > band.limit
    return GerminationResult(
        replicates=reps, mean=means["normal"], mean_abnormal=means["abnormal"], mean_fresh=means["fresh"],
        mean_hard=means["hard"], mean_dead=means["dead"], range=spread, max_range=band.limit,
        tolerance_band=band, repeat_required=repeat,
        repeat_reason=(f"重复间最大差距 {spread} 超过容许差 {band.limit}（平均 {means['normal']}%），须重新试验"
                       if repeat else ""),
    )


# --- moisture (水分, GB/T 3543.6) ---------------------------------------------------------------
@dataclass(frozen=True)
class MoistureDetermination:
    dish_g: Decimal  # M1: dish and lid
    wet_g: Decimal  # M2: dish, lid and sample before drying
    dry_g: Decimal  # M3: after drying

    @property
    def moisture_pct(self) -> Decimal:
        return round_half_up((self.wet_g - self.dry_g) * HUNDRED / (self.wet_g - self.dish_g), TWO_PLACES)


@dataclass(frozen=True)
class MoistureResult:
    determinations: tuple[MoistureDetermination, ...]
    mean: Decimal
    difference: Decimal
    repeat_required: bool
    repeat_reason: str = ""

    @property
    def value(self) -> Decimal:
        return self.mean


def moisture(determinations: Sequence) -> MoistureResult:
    """Moisture (水分) by the low-constant-temperature oven method (103±2 °C).

    Rules (GB/T 3543.6): each determination = (M2 − M3) / (M2 − M1) × 100, M1 the dish, M2 dish
    and sample before drying, M3 after; each taken to two decimals; result = mean of two, one
    decimal; two determinations differing by more than 0.2 points are repeated.
    """
    parsed = []
    for i, d in enumerate(determinations, 1):
        get = (lambda k, d=d: d.get(k)) if isinstance(d, dict) else (lambda k, d=d: getattr(d, k))
        vals = {}
        for key, label in (("dish_g", "铝盒重"), ("wet_g", "烘前重"), ("dry_g", "烘后重")):
            raw = get(key)
            if raw in (None, ""):
                raise CalculationError(f"第{i}次测定{label}：必填", f"m{i}_{key}")
            vals[key] = dec(raw, f"m{i}_{key}", label=f"第{i}次测定{label}")
            if vals[key] <= 0:
                raise CalculationError(f"第{i}次测定{label}：须大于 0", f"m{i}_{key}")
        if vals["wet_g"] <= vals["dish_g"]:
            raise CalculationError(f"第{i}次测定：烘前重须大于铝盒重", f"m{i}_wet_g")
        if not vals["dish_g"] <= vals["dry_g"] <= vals["wet_g"]:
            raise CalculationError(f"第{i}次测定：烘后重应在铝盒重与烘前重之间", f"m{i}_dry_g")
        parsed.append(MoistureDetermination(**vals))
    if len(parsed) != 2:
        raise CalculationError("水分测定须有两次重复", "__all__")
    a, b = (d.moisture_pct for d in parsed)
    difference = abs(a - b)
    repeat = difference > MOISTURE_REPEATABILITY_PCT
    return MoistureResult(
        determinations=tuple(parsed), mean=round_half_up((a + b) / 2, ONE_PLACE), difference=difference,
        repeat_required=repeat,
        repeat_reason=(f"两次测定相差 {difference} 个百分点，超过 0.2，须重新测定" if repeat else ""),
    )


# --- variety purity and trueness (品种纯度与真实性, GB/T 3543.5) -----------------------------------
@dataclass(frozen=True)
class PurityResult:
    method: str  # "growout" (田间小区种植) or "dna" (DNA 分子标记)
    examined: int
    off_types: int
    purity: Decimal
    trueness: bool | None
    repeat_required: bool = False
    repeat_reason: str = ""

    @property
    def value(self) -> Decimal:
        return self.purity


PURITY_METHODS = {"growout": "田间小区种植鉴定", "dna": "DNA 分子标记鉴定"}


def purity(examined, off_types, *, method: str = "growout", trueness: bool | None = None) -> PurityResult:
    """Variety purity (品种纯度) = typical plants (or samples) / examined × 100, one decimal.

    ``method`` is the grow-out (plants examined, off-type plants) or DNA markers (seeds/seedlings
    tested, off-type profiles); ``trueness`` is whether the variety is as labelled (真实性).
    """
    if method not in PURITY_METHODS:
        raise CalculationError("鉴定方法应为田间小区种植或 DNA 分子标记", "method")
    n = dec(examined, "examined", label="鉴定株（粒）数")
    off = dec(off_types, "off_types", label="异型株（粒）数")
    for value, key, label in ((n, "examined", "鉴定株（粒）数"), (off, "off_types", "异型株（粒）数")):
        if value != value.to_integral_value() or value < 0:
            raise CalculationError(f"{label}：应为非负整数", key)
    if n <= 0:
        raise CalculationError("鉴定株（粒）数须大于 0", "examined")
    if off > n:
        raise CalculationError("异型株（粒）数不能多于鉴定数", "off_types")
    value = round_half_up((n - off) * HUNDRED / n, ONE_PLACE)
    return PurityResult(method=method, examined=int(n), off_types=int(off), purity=value, trueness=trueness)


# --- re-test agreement (复检结果比较) -------------------------------------------------------------
@dataclass(frozen=True)
class RetestOutcome:
    first: Decimal
    second: Decimal
    difference: Decimal
    agree: bool
    reported: Decimal
    tolerance_band: ToleranceBand | None
    rule: str
    extra: dict = field(default_factory=dict)


def retest_agreement(first, second, bands: Sequence[ToleranceBand], *, whole_number: bool = True) -> RetestOutcome:
    """Compare a re-test with the first test.

    Rule: the two agree when their difference is within the two-tests tolerance for their mean
    (``germination_two_tests_tolerance``; means of 50 or below use the row of 101 − mean); then the
    reported result is the mean of the two (confirmed practice), else the re-test's result stands.
    Without a tolerance table for the index the re-test stands.
    """
    a, b = dec(first, "first"), dec(second, "second")
    places = WHOLE if whole_number else ONE_PLACE
    mean = round_half_up((a + b) / 2, places)
    difference = abs(a - b)
    band = lookup_band(bands, mirrored_key(int(round_half_up(mean, WHOLE)))) if bands else None
    if band is None:
        return RetestOutcome(a, b, difference, False, b, None, "无两次试验比较容许差表：以复检结果为准")
    agree = difference <= band.limit
    if agree:
        return RetestOutcome(a, b, difference, True, mean, band,
                             f"两次结果差 {difference} 未超过容许差 {band.limit}：报告两次平均值")
    return RetestOutcome(a, b, difference, False, b, band,
                         f"两次结果差 {difference} 超过容许差 {band.limit}：以复检结果为准")
