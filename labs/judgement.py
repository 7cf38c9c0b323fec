"""Judgement: is a seed lot qualified, inferior (劣种子) or fake (假种子)?

Pure, data-driven code with no database access (DOMAIN.md section 5, Seed Law art. 48):

1. ``select_standard`` picks the national standard row by the lot's crop, seed type, class and,
   for rice, subspecies (and, for cotton, the seed form 毛籽/光籽/包衣籽).
2. ``freeze_limit`` fixes, per index, the limit a result is judged against: the **stricter** of
   the standard row (moisture: the north-of-the-Great-Wall or japonica exception where it
   applies) and the lot's **label value**, plus the **comparison tolerance** — from the
   comparison table when a row covers the value and sample size, else the one-sided 5% binomial
   tolerance 1.65·√(p(100−p)/n), named as such. The worksheet freezes these onto each test no
   later than its approval, so a later edit of the tables never changes a past verdict.
3. ``judge`` compares the results with the frozen limits: any failing index → unqualified
   (劣种子); trueness failed → fake (假种子). The verdict names each failing index, the limit
   used, its source and its confirmation status.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal

QUALIFIED, UNQUALIFIED, FAKE = "qualified", "unqualified", "fake"
VERDICT_LABELS = {QUALIFIED: "合格", UNQUALIFIED: "不合格（劣种子）", FAKE: "假种子"}

# Indexes in report order; minimums except moisture, a maximum.
INDEXES = ("purity", "cleanliness", "germination", "moisture")
INDEX_LABELS = {"purity": "品种纯度", "cleanliness": "净度", "germination": "发芽率", "moisture": "水分"}
MAXIMUM_INDEXES = frozenset({"moisture"})

STATUS_LABELS = {"confirmed": "已核实", "likely": "基本可信", "unconfirmed": "未核实"}

BINOMIAL_RULE = "单侧 5% 二项分布容许差 1.65·√(p(100−p)/n)（官方比较容许差表未载入时的替代公式）"
NO_TOLERANCE_RULE = "未加容许差（无适用的比较容许差表，且该项无检验粒/株数可用公式）"
Z_ONE_SIDED_5 = Decimal("1.65")


class JudgementError(ValueError):
    """The data needed to judge is missing or ambiguous (no standard row, several rows...)."""


@dataclass(frozen=True)
class StandardRow:
    """A snapshot of one row of the quality-standards table (one standard, crop, seed type, class)."""

    row_id: int | None
    standard: str
    crop_code: str
    crop_name: str
    seed_type_label: str
    seed_types: tuple[str, ...]
    seed_class: str
    purity_min: Decimal | None
    cleanliness_min: Decimal | None
    germination_min: Decimal | None
    moisture_max: Decimal | None
    moisture_max_north: Decimal | None = None
    moisture_max_japonica: Decimal | None = None
    seed_form: str = ""
    status: str = "unconfirmed"
    source: str = ""

    def describe(self) -> str:
        return f"{self.standard} {self.crop_name} {self.seed_type_label} {self.seed_class}"


@dataclass(frozen=True)
class LotFacts:
    """What judgement needs to know about the lot (from the lot, its variety and the county)."""

    crop_code: str
    seed_type: str
    seed_class: str
    rice_subspecies: str = ""
    seed_form: str = ""
    north_of_great_wall: bool = False
    label: Mapping[str, Decimal | None] = field(default_factory=dict)


@dataclass(frozen=True)
class ComparisonBand:
    """A row of the table for comparing one result with a specified value (unconfirmed data)."""

    index: str
    low: Decimal
    high: Decimal
    n_low: int
    n_high: int
    limit: Decimal
    row_id: int | None = None
    source: str = ""
    status: str = "unconfirmed"


@dataclass(frozen=True)
class FrozenLimit:
    """The limit one index is judged against, fixed when the test is approved."""

    index: str
    direction: str  # "min" or "max"
    standard_value: Decimal | None
    standard_rule: str
    standard_status: str
    standard_row_id: int | None
    label_value: Decimal | None
    limit: Decimal
    limit_from: str  # "standard" or "label"
    tolerance: Decimal
    tolerance_rule: str
    tolerance_status: str
    tolerance_row_id: int | None = None

    @property
    def threshold(self) -> Decimal:
        """The value a result may reach before it fails (limit widened by the tolerance)."""
        return self.limit + self.tolerance if self.direction == "max" else self.limit - self.tolerance

    def passes(self, value: Decimal) -> bool:
        return value <= self.threshold if self.direction == "max" else value >= self.threshold

    def source_text(self) -> str:
        if self.limit_from == "label":
            return f"标签标注值 {self.label_value}（严于标准 {self.standard_value}，{self.standard_rule}）"
        return f"{self.standard_rule}（{STATUS_LABELS.get(self.standard_status, self.standard_status)}）"

    def as_dict(self) -> dict:
        return _jsonable(asdict(self))

    @classmethod
    def from_dict(cls, data: Mapping) -> FrozenLimit:
        values = dict(data)
        for key in ("standard_value", "label_value", "limit", "tolerance"):
            if values.get(key) is not None:
                values[key] = Decimal(str(values[key]))
        return cls(**values)


@dataclass(frozen=True)
class IndexVerdict:
    index: str
    value: Decimal
    limit: FrozenLimit
    passed: bool

    def explain(self) -> str:
        sign = "≤" if self.limit.direction == "max" else "≥"
        word = "符合" if self.passed else "不符合"
        return (f"{INDEX_LABELS[self.index]} {self.value}%：{word}（要求 {sign}{self.limit.limit}%，"
                f"容许差 {self.limit.tolerance}，依据：{self.limit.source_text()}；容许差：{self.limit.tolerance_rule}）")


@dataclass(frozen=True)
class Verdict:
    outcome: str
    indexes: tuple[IndexVerdict, ...]
    trueness: bool | None
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.outcome]

    @property
    def failing(self) -> tuple[IndexVerdict, ...]:
        return tuple(v for v in self.indexes if not v.passed)

    def as_dict(self) -> dict:
        return {
            "outcome": self.outcome, "label": self.label, "trueness": self.trueness, "reasons": list(self.reasons),
            "indexes": [{"index": v.index, "name": INDEX_LABELS[v.index], "value": str(v.value), "passed": v.passed,
                         "explanation": v.explain(), "limit": v.limit.as_dict()} for v in self.indexes],
            "unconfirmed_sources": sorted({v.limit.standard_rule for v in self.indexes
                                           if v.limit.standard_status != "confirmed"}
                                          | {v.limit.tolerance_rule for v in self.indexes
                                             if v.limit.tolerance_status != "confirmed"}),
        }


def _jsonable(data):
    if isinstance(data, dict):
        return {k: _jsonable(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_jsonable(v) for v in data]
    if isinstance(data, Decimal):
        return str(data)
    return data


# --- choosing the row ---------------------------------------------------------------------------
def select_standard(rows: Iterable[StandardRow], lot: LotFacts) -> StandardRow:
    """The standard row for the lot: same crop, class and seed type (a row may cover several
    types, e.g. 不育系、保持系、恢复系); for cotton the seed form decides among rows of one type."""
    matches = [r for r in rows
               if r.crop_code == lot.crop_code and r.seed_class == lot.seed_class and lot.seed_type in r.seed_types]
    if lot.seed_form:
        # A row's form may name alternatives: "光籽或薄膜包衣籽".
        with_form = [r for r in matches if lot.seed_form in r.seed_form.split("或")]
        matches = with_form or [r for r in matches if not r.seed_form]
    if not matches:
        raise JudgementError(f"没有适用的质量标准：作物 {lot.crop_code}、种子类型 {lot.seed_type}、级别 {lot.seed_class}")
    if len(matches) > 1:
        forms = "、".join(sorted({r.seed_form for r in matches if r.seed_form}))
        raise JudgementError(f"适用的质量标准不止一行，须指明种子形态（{forms}）" if forms
                             else "适用的质量标准不止一行，请检查标准表")
    return matches[0]


def standard_value(row: StandardRow, index: str, lot: LotFacts) -> tuple[Decimal | None, str]:
    """The standard's value for ``index`` and the rule that gave it (moisture exceptions named)."""
    base = row.describe()
    if index != "moisture":
        return getattr(row, f"{index}_min"), base
    # GB 4404.1: japonica rice seed may hold 14.5%; rice, maize and sorghum north of the Great
    # Wall or in alpine areas up to 16%. Where both apply the higher (more lenient) one is the
    # standard's own allowance for that lot.
    candidates = [(row.moisture_max, f"{base}，水分")]
    if lot.rice_subspecies == "japonica" and row.moisture_max_japonica is not None:
        candidates.append((row.moisture_max_japonica, f"{base}，粳稻水分"))
    if lot.north_of_great_wall and row.moisture_max_north is not None:
        candidates.append((row.moisture_max_north, f"{base}，长城以北和高寒地区水分"))
    candidates = [c for c in candidates if c[0] is not None]
    if not candidates:
        return None, base
    return max(candidates, key=lambda c: c[0])


# --- tolerance ------------------------------------------------------------------------------------
def binomial_tolerance(specified: Decimal, n: int) -> Decimal:
    """One-sided 5% binomial tolerance 1.65·√(p(100−p)/n), p in %, rounded to one decimal."""
    p = Decimal(specified)
    variance = p * (100 - p) / Decimal(n)
    return (Z_ONE_SIDED_5 * variance.sqrt()).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def comparison_tolerance(index: str, specified: Decimal, n: int | None, bands: Sequence[ComparisonBand]
                         ) -> tuple[Decimal, str, str, int | None]:
    """(tolerance, rule, status, row id) for comparing a result with ``specified``."""
    for band in bands:
        if band.index == index and band.low <= specified <= band.high and n is not None \
                and band.n_low <= n <= band.n_high:
            return band.limit, f"比较容许差表 {band.source}".strip(), band.status, band.row_id
    if n and index != "moisture":
        return binomial_tolerance(specified, n), BINOMIAL_RULE, "unconfirmed", None
    return Decimal(0), NO_TOLERANCE_RULE, "unconfirmed", None


def freeze_limit(index: str, row: StandardRow, lot: LotFacts, *, examined: int | None = None,
                 comparison_bands: Sequence[ComparisonBand] = ()) -> FrozenLimit:
    """The limit for ``index``: stricter of standard and label, plus the comparison tolerance.

    ``examined`` is n for the binomial tolerance: seeds in the germination test (400), plants or
    seeds examined for purity; cleanliness and moisture have none.
    """
    if index not in INDEXES:
        raise JudgementError(f"未知检验项目 {index}")
    direction = "max" if index in MAXIMUM_INDEXES else "min"
    std, rule = standard_value(row, index, lot)
    label = lot.label.get(index)
    label = Decimal(str(label)) if label not in (None, "") else None
    if std is None and label is None:
        raise JudgementError(f"{INDEX_LABELS[index]}：标准和标签均无规定值")
    candidates = [(v, src) for v, src in ((std, "standard"), (label, "label")) if v is not None]
    pick = min if direction == "max" else max
    # Ties go to the standard: it is the published source, the label merely repeats it.
    standard_first = 1 if direction == "min" else 0  # max() takes the larger tiebreak, min() the smaller
    limit, limit_from = pick(candidates, key=lambda c: (c[0], standard_first if c[1] == "standard" else 1 - standard_first))
    tol, tol_rule, tol_status, tol_row = comparison_tolerance(index, limit, examined, comparison_bands)
    return FrozenLimit(index=index, direction=direction, standard_value=std, standard_rule=rule,
                       standard_status=row.status, standard_row_id=row.row_id, label_value=label, limit=limit,
                       limit_from=limit_from, tolerance=tol, tolerance_rule=tol_rule, tolerance_status=tol_status,
                       tolerance_row_id=tol_row)


# --- the verdict ----------------------------------------------------------------------------------
def judge(results: Mapping[str, Decimal], limits: Mapping[str, FrozenLimit], *, trueness: bool | None = None
          ) -> Verdict:
    """Overall verdict from the results and their frozen limits.

    Any failing index → unqualified (劣种子, Seed Law art. 48: below the national standard or
    the label); trueness failed (variety not as labelled) → fake (假种子), whatever the indexes.
    """
    verdicts = []
    for index in INDEXES:
        if index not in results or results[index] is None:
            continue
        if index not in limits:
            raise JudgementError(f"{INDEX_LABELS[index]}：缺少判定限值")
        value = Decimal(str(results[index]))
        verdicts.append(IndexVerdict(index, value, limits[index], limits[index].passes(value)))
    reasons = [v.explain() for v in verdicts if not v.passed]
    if trueness is False:
        outcome = FAKE
        reasons.insert(0, "品种真实性不符（品种与标签标注不符）：假种子")
    elif reasons:
        outcome = UNQUALIFIED
    else:
        outcome = QUALIFIED
    return Verdict(outcome, tuple(verdicts), trueness, tuple(reasons))
