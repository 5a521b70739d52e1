"""Target-gap analysis: one target claim measured against its baseline, its history and the record.

``analyse_target`` gathers everything a report needs for one target (baseline, target year, required
growth with its qualifier, the series' own historical growth, benchmark episodes, scenario paths) from the
register, the context figures and the claim-to-series mapping; ``verdict`` turns it into a sentence whose
every figure is computed. The notebooks only call these.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from helpers import econ, episodes, snapshots, text
from helpers.context import series_for
from helpers.errors import ParameterError, SeriesError, SnapshotError
from helpers.gap.baselines import (
    AGENCY_SERIES,
    DEFAULT_ABOUT_BAND,
    ISO3,
    RequiredRange,
    required_range,
    set_by_parameter,
)

#: Horizon used when neither the article, the data nor the parameters give a target year.
DEFAULT_HORIZON_YEARS = 10


@dataclass
class Baseline:
    """Where a target starts: a figure, its year, and where it comes from."""

    estimate: econ.Estimate
    year: int
    source: str  # "parameter" | "claim" | "context" | "snapshot"
    label: str
    claims: list[str] = field(default_factory=list)
    context: list[str] = field(default_factory=list)


@dataclass
class History:
    """The measured series of the quantity a target targets, with its growth over the window."""

    series: pd.Series
    key: str
    cagr: float | None
    start: int
    end: int
    note: str
    record: pd.Series | None = None  # the agency's longer series, for the best spell of the series itself

    @property
    def context_ids(self) -> list[str]:
        """Context row ids of the points."""
        return list(self.series.attrs.get("context_ids", []))

    def best_spell(self, span: int) -> tuple[float, int, int] | None:
        """The fastest growth a year over any ``span`` years of the series' own record: (rate, start, end)."""
        points = self.record if self.record is not None else self.series
        best = None
        for start in points.index:
            end = start + span
            if end in points.index and points[start] > 0:
                rate = (float(points[end]) / float(points[start])) ** (1 / span) - 1
                if best is None or rate > best[0]:
                    best = (rate, int(start), int(end))
        return best


@dataclass
class GapAnalysis:
    """Everything a target-gap report shows, computed from data."""

    claim: pd.Series
    target: econ.Estimate
    target_year: int
    target_year_source: str
    baseline: Baseline | None
    history: History | None
    benchmarks: pd.DataFrame
    scenario_rates: list[float]
    notes: list[str] = field(default_factory=list)
    measure: str | None = None
    measure_source: str = ""
    range: RequiredRange | None = None
    literature: pd.DataFrame = field(default_factory=pd.DataFrame)
    about_band: float = DEFAULT_ABOUT_BAND

    @property
    def measure_words(self) -> str:
        """What the target measures, in words ("GDP in current US$")."""
        return episodes.measure_words(self.measure)

    @property
    def years(self) -> int | None:
        """Years from the baseline to the target year."""
        return None if self.baseline is None else self.target_year - self.baseline.year

    @property
    def required(self) -> econ.Estimate | None:
        """Required compound growth a year (None without a baseline)."""
        if self.baseline is None or not self.years:
            return None
        return econ.required_cagr_estimate(self.baseline.estimate, self.target, self.years)

    @property
    def claim_ids(self) -> list[str]:
        """Register ids used."""
        extra = [c for cand in (self.range.candidates if self.range else []) for c in cand.claims]
        return sorted({self.claim["id"], *(self.baseline.claims if self.baseline else []), *extra})

    @property
    def context_ids(self) -> list[str]:
        """Context row ids used (baseline, history, benchmarks)."""
        ids = set(self.baseline.context if self.baseline else [])
        ids.update(self.history.context_ids if self.history else [])
        for cand in self.range.candidates if self.range else []:
            ids.update(cand.context)
        for row in self.benchmarks.itertuples():
            ids.update(row.context_ids)
        return sorted(ids)


def _year(text: object) -> int | None:
    """The year of an ``as_of`` value (YYYY, YYYY-MM or YYYY-MM-DD)."""
    value = str(text or "")[:4]
    return int(value) if value.isdigit() else None


def check_gap_parameters(claims: pd.DataFrame, claim_id: str, base_year: int | None, target_year: int | None,
                         baseline_override: float | None, scenario_rates: Sequence[float]) -> pd.Series:
    """The target claim, or ParameterError naming every wrong value and what is allowed."""
    problems: list[str] = []
    claim = None
    targets = claims.loc[claims["claim_type"].eq("target"), "id"].tolist()
    match = claims.loc[claims["id"].eq(claim_id)]
    if match.empty:
        problems.append(f"claim_id {claim_id!r} is not in the register; allowed: one of the target claims "
                        f"{', '.join(targets)}")
    elif match.iloc[0]["claim_type"] != "target":
        problems.append(f"claim_id {claim_id!r} is a {match.iloc[0]['claim_type']} claim, not a target; allowed: "
                        f"{', '.join(targets)}")
    else:
        claim = match.iloc[0]
    if base_year is not None and target_year is not None and target_year <= base_year:
        problems.append(f"target_year {target_year} is not after base_year {base_year}; allowed: a year after "
                        "the base year")
    if claim is not None and base_year is not None and target_year is None and not pd.isna(claim["horizon_year"]) \
            and int(claim["horizon_year"]) <= base_year:
        problems.append(f"base_year {base_year} is not before the claim's target year {int(claim['horizon_year'])}; "
                        "allowed: an earlier base year")
    if baseline_override is not None and not (isinstance(baseline_override, int | float)
                                              and baseline_override > 0 and math.isfinite(baseline_override)):
        problems.append(f"baseline_override {baseline_override!r} is not a positive amount; allowed: an amount "
                        f"> 0 in the claim's unit ({claim['unit'] if claim is not None else 'e.g. USD/yr'}), or None")
    for rate in scenario_rates:
        if not isinstance(rate, int | float) or not -0.5 < rate < 2:
            problems.append(f"scenario rate {rate!r} is out of range; allowed: fractions a year between -0.5 and 2 "
                            "(0.1 means 10% a year)")
    if problems:
        raise ParameterError(problems, "the target-gap report")
    return claim


def _baseline(claim: pd.Series, claims: pd.DataFrame, history: History | None, base_year: int | None,
              override: float | None) -> Baseline | None:
    """Baseline from the parameter, else the claim's baseline claim, else its history's point for the base year.

    A figure keeps its own year: a base_year that differs from a baseline claim's year is refused (the claim
    states one year's level), and for a history series the point of that year is taken.
    """
    if override is not None:
        year = base_year or _year(claim["as_of"])
        return Baseline(econ.Estimate.exact(override), year, "parameter",
                        f"{text.amount(override, claim['unit'])} in {year} (baseline set by parameter: "
                        "baseline_override)")
    if claim["baseline_id"]:
        base = claims.loc[claims["id"].eq(claim["baseline_id"])].iloc[0]
        year = _year(base["as_of"])
        if base_year is not None and base_year != year:
            raise ParameterError([f"base_year {base_year} differs from the year of the baseline claim {base['id']} "
                                  f"({year}); allowed: 0 (the baseline's own year), or base_year together with "
                                  "baseline_override for that year"], "the target-gap report")
        estimate = econ.Estimate.from_claim(base["value"], base["value_low"], base["value_high"], base["qualifier"])
        amount = text.claim(base)
        return Baseline(estimate, year, "claim", f"{amount} in {year} (claim {base['id']})", claims=[base["id"]])
    if history is not None:
        points = history.series
        if base_year is not None and base_year not in points.index:
            raise ParameterError([f"base_year {base_year} has no figure in the history series {history.key} "
                                  f"(years {', '.join(str(y) for y in points.index)}); allowed: one of those "
                                  "years, 0 (the latest), or base_year with baseline_override"],
                                 "the target-gap report")
        position = list(points.index).index(base_year) if base_year is not None else len(points) - 1
        year, value = int(points.index[position]), float(points.iloc[position])
        row_id = history.context_ids[position]
        label = points.attrs.get("period_labels", [str(year)] * len(points))[position]
        return Baseline(econ.Estimate.exact(value), year, "context",
                        f"{text.reported(value, points.attrs.get('unit', ''))} in {label} (context {row_id})",
                        context=[row_id])
    return None


def _central_baseline(ranged: RequiredRange) -> Baseline:
    """The central case's baseline (the latest official figure, else the article's) as the report's baseline."""
    cand = ranged.central_from
    source = {"article": "claim", "agency": "snapshot"}.get(cand.key.split(":")[0], "context")
    return Baseline(cand.estimate, cand.year, source, cand.label, list(cand.claims), list(cand.context))


def _agency_history(points: pd.Series, measure: str | None, geo: str) -> tuple[pd.Series, pd.Series] | None:
    """The agency's own series in the snapshots for the same measure and economy, from the context series'
    first year to its latest (the window shown), and all of it (the record), when it covers the context
    series and runs later; else None."""
    for source, code, words in AGENCY_SERIES.get((measure or "", geo), [])[:1]:
        try:
            agency = snapshots.series(source, code, ISO3.get(geo, geo))
        except SnapshotError:
            return None
        first = int(points.index[0])
        if first not in agency.index or int(agency.index[-1]) <= int(points.index[-1]):
            return None
        shown = agency.loc[agency.index >= first].copy()
        years = [int(y) for y in shown.index]
        shown.attrs.update(unit="current US$", context_ids=[agency.attrs["row_ids"][y] for y in years],
                           period_labels=[f"{y} (calendar year)" for y in years],
                           period_kinds=["calendar"] * len(years), confidences=["high"] * len(years),
                           publishers=[f"{words} {code}, {agency.attrs['vintage']}"],
                           note=f"{words} series {code} ({agency.attrs['vintage']}), preferred to the context copy")
        return shown, agency
    return None


def _history(claim_id: str, context: pd.DataFrame, claim_series: pd.DataFrame, measure: str | None = None,
             geo: str = "") -> tuple[History | None, list[str]]:
    """The first mapped baseline-history series with at least two points, and notes on the others. Where an
    agency's series in the snapshots covers it (GDP: World Bank WDI) and runs later, that series is used."""
    notes: list[str] = []
    rows = claim_series.loc[claim_series["claim_id"].eq(claim_id) & claim_series["relation"].eq("baseline_history")]
    for row in rows.itertuples():
        try:
            points = series_for(context, row.series, claim_series)
        except SeriesError as error:
            notes.append(f"series {row.series} not used: {str(error).split(' Fix: ')[0]}")
            continue
        confidence = dict(zip(context["id"], context["confidence"], strict=True))
        points.attrs["confidences"] = [confidence.get(i, "") for i in points.attrs.get("context_ids", [])]
        agency = _agency_history(points, measure, geo) if len(points) >= 2 else None
        record = None
        if agency is not None:
            notes.append(f"history: {agency[0].attrs['note']} (which ends {int(points.index[-1])})")
            points, record = agency
            note = agency[0].attrs["note"]
        else:
            note = "; ".join(x for x in (row.note, points.attrs.get("note", "")) if x)
        cagr = econ.historical_cagr(points) if len(points) >= 2 else None
        return History(points, row.series, cagr, int(points.index[0]), int(points.index[-1]), note, record), notes
    return None, notes


def _target_year(claim: pd.Series, claim_series: pd.DataFrame, target_year: int | None, start: int,
                 horizon_years: int) -> tuple[int, str]:
    """Target year and where it comes from: parameter, the article, the data, or the default horizon."""
    if target_year is not None:
        return target_year, "the target_year parameter"
    if not pd.isna(claim["horizon_year"]):
        return int(claim["horizon_year"]), "the article"
    assumed = claim_series.loc[claim_series["claim_id"].eq(claim["id"]), ["assumed_horizon_year", "horizon_source"]]
    assumed = assumed.dropna(subset=["assumed_horizon_year"])
    if not assumed.empty:
        return int(assumed.iloc[0]["assumed_horizon_year"]), f"the context data ({assumed.iloc[0]['horizon_source']})"
    return start + horizon_years, (f"an assumption: the article gives no year, so {horizon_years} years from "
                                   f"{start} (horizon_years parameter)")


def analyse_target(claims: pd.DataFrame, context: pd.DataFrame, claim_series: pd.DataFrame,
                   benchmarks: pd.DataFrame, claim_id: str, *, base_year: int | None = None,
                   target_year: int | None = None, baseline_override: float | None = None,
                   scenario_rates: Sequence[float] = (0.05, 0.10, 0.20),
                   horizon_years: int = DEFAULT_HORIZON_YEARS,
                   about_band: float = DEFAULT_ABOUT_BAND) -> GapAnalysis:
    """The full gap analysis of one target claim (see the module docstring).

    Benchmarks are narrowed to the episodes of the target's own measure (``helpers.episodes``); the
    required growth is also computed from every baseline the data support (``gap.baselines``), with "about"
    figures as a band of +/- ``about_band``.
    """
    claim = check_gap_parameters(claims, claim_id, base_year, target_year, baseline_override, scenario_rates)
    target = econ.Estimate.from_claim(claim["value"], claim["value_low"], claim["value_high"], claim["qualifier"])
    measure, measure_source = episodes.target_measure(claim)
    history, notes = _history(claim_id, context, claim_series, measure, str(claim["geo"]))
    baseline = _baseline(claim, claims, history, base_year, baseline_override)
    start = baseline.year if baseline else (base_year or _year(claim["as_of"]))
    year, source = _target_year(claim, claim_series, target_year, start, horizon_years)
    if year <= start:
        raise ParameterError([f"the target year {year} (from {source}) is not after the baseline year {start}; "
                              "allowed: set target_year after the base year, or an earlier base_year"],
                             "the target-gap report")
    if history is None:
        notes.append("no history is available for this quantity in the context data")
    ranged = required_range(claim, claims, context, claim_series, target, year, measure, about_band=about_band)
    if baseline_override is not None and baseline is not None:  # the run's baseline drives the whole analysis
        ranged = set_by_parameter(ranged, baseline.estimate, baseline.year, baseline.label,
                                  text.amount(baseline_override, claim["unit"]), target, year, about_band)
    notes.extend(ranged.notes)
    if baseline_override is None and base_year is None and ranged.central_from is not None:
        baseline = _central_baseline(ranged)
    years = year - (ranged.central_from.year if ranged.central_from is not None else start)
    comparable = episodes.comparators(measure, benchmarks, years)
    if comparable.empty:
        notes.append(f"no episode of {episodes.measure_words(measure)} is in the data, so the required growth "
                     "is not set against episodes of another measure")
    return GapAnalysis(claim, target, year, source, baseline, history, comparable, list(scenario_rates), notes,
                       measure, measure_source, ranged, episodes.base_rates(measure), about_band)


