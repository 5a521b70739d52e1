"""Pure economics for gap analyses: required growth, growth paths, gaps, shares and historical growth.

No I/O here. Every function checks its inputs and raises ``EconError`` (a ``ProjectError``) naming the
argument, its value and the fix. Rates are fractions per year (0.367 = 36.7% a year), compounded yearly.

Ranges and qualifiers (``Estimate``)
------------------------------------
A claim's figure is an ``Estimate`` with the register's qualifiers:

* ``exact``        -- the stated figure; low = high = value.
* ``approximate``  -- "about", "around": the stated figure, flagged approximate (no hard bounds).
* ``lower_bound``  -- "more than", "at least", "over": the true figure is >= value (no upper bound).
* ``upper_bound``  -- "up to", "less than", "under": the true figure is <= value (no lower bound).
* ``range``        -- "6-8 billion": low <= true figure <= high (value is empty).

Required growth rises with the target and falls with the baseline, so ``required_cagr_estimate`` takes the
low rate from (highest baseline, lowest target) and the high rate from (lowest baseline, highest target).
Hence a lower-bound target ("at least $10B") makes the required growth a lower bound, a lower-bound
baseline ("more than $3B today") makes it an upper bound, a range gives a range, and an approximate input
keeps the result approximate. When neither side is bounded the result is ``indeterminate``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from helpers import vocab
from helpers.errors import EconError

#: The register's qualifier kinds (one vocabulary: helpers.vocab).
QUALIFIERS: tuple[str, ...] = vocab.QUALIFIERS
#: Extra qualifier a derived estimate can carry: nothing bounds it (e.g. both inputs are lower bounds).
INDETERMINATE = "indeterminate"


def _number(name: str, value: object, fix: str) -> float:
    """``value`` as a finite float, or EconError naming the argument."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise EconError(f"{name} must be a number (value: {value!r}). Fix: {fix}") from None
    if not math.isfinite(number):
        raise EconError(f"{name} must be a finite number (value: {value!r}). Fix: {fix}")
    return number


def _positive(name: str, value: object, fix: str) -> float:
    number = _number(name, value, fix)
    if number <= 0:
        raise EconError(f"{name} must be greater than zero (value: {value!r}). Fix: {fix}")
    return number


def _rate(value: object) -> float:
    rate = _number("rate", value, "pass a yearly growth rate as a fraction, e.g. 0.05 for 5% a year")
    if rate <= -1:
        raise EconError(f"rate must be greater than -1 (-100% a year) (value: {value!r}). "
                        "Fix: pass a yearly growth rate as a fraction, e.g. -0.05 for a 5% yearly fall")
    return rate


_LEVEL_FIX = "pass a level greater than zero, in the same unit as the other amount"


def required_cagr(baseline: float, target: float, years: float) -> float:
    """Compound yearly growth that takes ``baseline`` to ``target`` in ``years``: (target/baseline)**(1/years)-1.

    Example: $3B in 2026 to $50B in 2035 (9 years) needs about 0.367 (36.7% a year).
    """
    base = _positive("baseline", baseline, _LEVEL_FIX)
    goal = _positive("target", target, _LEVEL_FIX)
    span = _positive("years", years, "give a target year later than the baseline year")
    return (goal / base) ** (1.0 / span) - 1.0


def required_cagr_range(baseline: float, target: tuple[float, float], years: float) -> tuple[float, float]:
    """Required growth for a target range ``(low, high)`` (e.g. $6-8B): ``(low_rate, high_rate)``."""
    low, high = target
    if _number("target low", low, "pass (low, high)") > _number("target high", high, "pass (low, high)"):
        raise EconError(f"target range is reversed (value: {target!r}). Fix: pass (low, high) with low <= high")
    return required_cagr(baseline, low, years), required_cagr(baseline, high, years)


def growth_path(baseline: float, rate: float, start_year: int, end_year: int) -> pd.Series:
    """Levels from ``start_year`` (= baseline) to ``end_year`` inclusive, compounding at ``rate``; index: year."""
    base = _positive("baseline", baseline, _LEVEL_FIX)
    growth = _rate(rate)
    first, last = int(start_year), int(end_year)
    if last < first:
        raise EconError(f"end_year {end_year!r} is before start_year {start_year!r}. "
                        "Fix: pass an end year on or after the start year")
    years = pd.RangeIndex(first, last + 1, name="year")
    return pd.Series([base * (1.0 + growth) ** (y - first) for y in years], index=years, name="path",
                     dtype=float)


def years_to_reach(baseline: float, target: float, rate: float) -> float:
    """Years of growth at ``rate`` until ``baseline`` first reaches ``target`` (fractional).

    0.0 when the target is already met (target <= baseline); ``math.inf`` when the target is above the
    baseline and ``rate`` <= 0 (it is never reached).
    """
    base = _positive("baseline", baseline, _LEVEL_FIX)
    goal = _positive("target", target, _LEVEL_FIX)
    growth = _rate(rate)
    if goal <= base:
        return 0.0
    if growth <= 0:
        return math.inf
    return math.log(goal / base) / math.log1p(growth)


def year_reached(baseline: float, base_year: int, target: float, rate: float) -> int | None:
    """First whole year in which the level, growing at ``rate`` from ``base_year``, is at least ``target``.

    None when it is never reached (rate <= 0 and target above baseline).
    """
    years = years_to_reach(baseline, target, rate)
    if math.isinf(years):
        return None
    return int(base_year) + math.ceil(years - 1e-9)


def gap(baseline: float, target: float) -> tuple[float, float]:
    """(target - baseline, target / baseline): the absolute gap and the multiple still to go."""
    base = _positive("baseline", baseline, _LEVEL_FIX)
    goal = _number("target", target, _LEVEL_FIX)
    return goal - base, goal / base


def implied_share(part: float, whole: float) -> float:
    """``part`` as a fraction of ``whole`` (0.02 = 2%), e.g. $50B of China's $2.58T imports."""
    whole_value = _positive("whole", whole, "pass the total (e.g. China's imports) as a positive amount")
    part_value = _number("part", part, "pass the part as a number")
    if part_value < 0:
        raise EconError(f"part must not be negative (value: {part!r}). Fix: pass the part as an amount >= 0")
    return part_value / whole_value


def historical_cagr(series: pd.Series, start: int | None = None, end: int | None = None) -> float:
    """Compound yearly growth between the first and last available points of ``series`` in [start, end].

    ``series`` is indexed by year (numbers); missing values are skipped; the rate uses the actual years
    of the two points, so gaps in the series are fine. Fewer than two points in the window is an error.
    """
    if not isinstance(series, pd.Series):
        raise EconError(f"series must be a pandas Series indexed by year (value: {type(series).__name__}). "
                        "Fix: pass e.g. context.series(...)")
    try:
        years = pd.Index(series.index).astype(float)
    except (TypeError, ValueError):
        raise EconError(f"series index must be years (value: {list(series.index)[:5]!r}). "
                        "Fix: index the series by year (int)") from None
    points = pd.Series(series.to_numpy(dtype=float), index=years).dropna().sort_index()
    if start is not None:
        points = points[points.index >= start]
    if end is not None:
        points = points[points.index <= end]
    if len(points) < 2:
        raise EconError(f"need at least two data points between {start} and {end} to compute growth "
                        f"(found {len(points)} in series {series.name!r}). Fix: widen the window or "
                        "choose a series with more years")
    first_year, last_year = float(points.index[0]), float(points.index[-1])
    return required_cagr(points.iloc[0], points.iloc[-1], last_year - first_year)


def normalize_qualifier(text: str | None) -> str:
    """The register qualifier for ``text`` ("more than" -> "lower_bound", read with ``vocab.KIND_OF_PHRASE``);
    EconError if unknown."""
    kind = vocab.qualifier_kind(text)
    if kind is not None:
        return kind
    raise EconError(f"unknown qualifier (value: {text!r}). Fix: use one of {', '.join(QUALIFIERS)} "
                    "or a wording such as 'about', 'more than', 'up to'")


@dataclass(frozen=True)
class Estimate:
    """A figure with its qualifier: ``value`` (stated), ``low``/``high`` bounds (None = unbounded).

    See the module docstring for the meaning of each qualifier and how they carry through.
    """

    value: float | None
    low: float | None
    high: float | None
    qualifier: str = "exact"
    approximate: bool = False

    @property
    def central(self) -> float | None:
        """The one number for the figure (``vocab.central_value``): the stated value, else the middle of its
        range, else its one bound."""
        return vocab.central_value(self.value, self.low, self.high)

    @classmethod
    def from_claim(cls, value: float | None, low: float | None = None, high: float | None = None,
                   qualifier: str | None = "exact") -> Estimate:
        """An Estimate from a register row's ``value``, ``value_low``, ``value_high``, ``qualifier``."""
        kind = normalize_qualifier(qualifier)

        def clean(x: float | None) -> float | None:
            return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)

        val, lo, hi = clean(value), clean(low), clean(high)
        if kind == "range":
            if lo is None or hi is None or lo > hi:
                raise EconError(f"a range needs low <= high (value: {low!r}-{high!r}). "
                                "Fix: fill value_low and value_high")
            return cls(val, lo, hi, "range")
        if val is None:
            raise EconError(f"a {kind} figure needs a value (value: {value!r}). Fix: fill value")
        if kind == "exact":
            return cls(val, val, val, "exact")
        if kind == "approximate":
            return cls(val, val, val, "approximate", approximate=True)
        if kind == "lower_bound":
            return cls(val, val, None, "lower_bound")
        return cls(val, None, val, "upper_bound")

    @classmethod
    def exact(cls, value: float) -> Estimate:
        """A stated figure with no qualifier."""
        return cls.from_claim(value, qualifier="exact")

    @classmethod
    def about(cls, value: float) -> Estimate:
        """An approximate figure ("about $3 billion")."""
        return cls.from_claim(value, qualifier="approximate")

    @classmethod
    def at_least(cls, value: float) -> Estimate:
        """A lower bound ("more than $10 billion")."""
        return cls.from_claim(value, qualifier="lower_bound")

    @classmethod
    def at_most(cls, value: float) -> Estimate:
        """An upper bound ("up to $3 billion")."""
        return cls.from_claim(value, qualifier="upper_bound")

    @classmethod
    def between(cls, low: float, high: float) -> Estimate:
        """A range ("$6-8 billion")."""
        return cls.from_claim(None, low, high, qualifier="range")


def _combine(value: float | None, low: float | None, high: float | None, approximate: bool) -> Estimate:
    """An Estimate whose qualifier follows from which bounds are known."""
    if low is not None and high is not None:
        if math.isclose(low, high, rel_tol=1e-12, abs_tol=1e-15):
            return Estimate(value, low, high, "approximate" if approximate else "exact", approximate)
        return Estimate(value, low, high, "range", approximate)
    if low is not None:
        return Estimate(value, low, None, "lower_bound", approximate)
    if high is not None:
        return Estimate(value, None, high, "upper_bound", approximate)
    return Estimate(value, None, None, INDETERMINATE, approximate)


def required_cagr_estimate(baseline: Estimate, target: Estimate, years: float) -> Estimate:
    """Required growth from ``baseline`` to ``target`` in ``years``, with bounds and qualifier carried through.

    low rate = required_cagr(baseline.high, target.low); high rate = required_cagr(baseline.low,
    target.high); a missing bound leaves that side unbounded. ``value`` is the rate between the stated
    figures when both have one (None for a range).
    """
    value = None
    if baseline.value is not None and target.value is not None:
        value = required_cagr(baseline.value, target.value, years)
    low = None
    if baseline.high is not None and target.low is not None:
        low = required_cagr(baseline.high, target.low, years)
    high = None
    if baseline.low is not None and target.high is not None:
        high = required_cagr(baseline.low, target.high, years)
    return _combine(value, low, high, baseline.approximate or target.approximate)
