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

from helpers import econ, text, vocab
from helpers.context import series_for
from helpers.errors import ParameterError, SeriesError

#: Horizon used when neither the article, the data nor the parameters give a target year.
DEFAULT_HORIZON_YEARS = 10


@dataclass
class Baseline:
    """Where a target starts: a figure, its year, and where it comes from."""

    estimate: econ.Estimate
    year: int
    source: str  # "parameter" | "claim" | "context"
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

    @property
    def context_ids(self) -> list[str]:
        """Context row ids of the points."""
        return list(self.series.attrs.get("context_ids", []))


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
        return sorted({self.claim["id"], *(self.baseline.claims if self.baseline else [])})

    @property
    def context_ids(self) -> list[str]:
        """Context row ids used (baseline, history, benchmarks)."""
        ids = set(self.baseline.context if self.baseline else [])
        ids.update(self.history.context_ids if self.history else [])
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
                        f"{text.amount(override, claim['unit'])} in {year} (baseline_override parameter)")
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


def _history(claim_id: str, context: pd.DataFrame, claim_series: pd.DataFrame) -> tuple[History | None, list[str]]:
    """The first mapped baseline-history series with at least two points, and notes on the others."""
    notes: list[str] = []
    rows = claim_series.loc[claim_series["claim_id"].eq(claim_id) & claim_series["relation"].eq("baseline_history")]
    for row in rows.itertuples():
        try:
            points = series_for(context, row.series, claim_series)
        except SeriesError as error:
            notes.append(f"series {row.series} not used: {str(error).split(' Fix: ')[0]}")
            continue
        cagr = econ.historical_cagr(points) if len(points) >= 2 else None
        note = "; ".join(x for x in (row.note, points.attrs.get("note", "")) if x)
        return History(points, row.series, cagr, int(points.index[0]), int(points.index[-1]), note), notes
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
                   horizon_years: int = DEFAULT_HORIZON_YEARS) -> GapAnalysis:
    """The full gap analysis of one target claim (see the module docstring)."""
    claim = check_gap_parameters(claims, claim_id, base_year, target_year, baseline_override, scenario_rates)
    target = econ.Estimate.from_claim(claim["value"], claim["value_low"], claim["value_high"], claim["qualifier"])
    history, notes = _history(claim_id, context, claim_series)
    baseline = _baseline(claim, claims, history, base_year, baseline_override)
    start = baseline.year if baseline else (base_year or _year(claim["as_of"]))
    year, source = _target_year(claim, claim_series, target_year, start, horizon_years)
    if year <= start:
        raise ParameterError([f"the target year {year} (from {source}) is not after the baseline year {start}; "
                              "allowed: set target_year after the base year, or an earlier base_year"],
                             "the target-gap report")
    if history is None:
        notes.append("no history is available for this quantity in the context data")
    if not vocab.is_money(claim["unit"]):
        notes.append(f"the benchmark episodes measure export values, so they are not compared with a target "
                     f"in {claim['unit']}")
        benchmarks = benchmarks.iloc[0:0]
    return GapAnalysis(claim, target, year, source, baseline, history, benchmarks, list(scenario_rates), notes)


def scenario_table(analysis: GapAnalysis) -> pd.DataFrame:
    """For each scenario rate (and the required rate): value at the target year and the year the target is met."""
    if analysis.baseline is None:
        return pd.DataFrame(columns=["scenario", "rate", "value_at_target_year", "year_target_met"])
    base, start = analysis.baseline.estimate, analysis.baseline.year
    base_value = base.central
    goal = analysis.target.low if analysis.target.low is not None else analysis.target.value
    rows = []
    for rate in analysis.scenario_rates:
        rows.append({"scenario": f"{text.rate(rate)} a year", "rate": rate,
                     "value_at_target_year": base_value * (1 + rate) ** (analysis.target_year - start),
                     "year_target_met": econ.year_reached(base_value, start, goal, rate)})
    return pd.DataFrame(rows)


def gap_table(analysis: GapAnalysis) -> pd.DataFrame:
    """Baseline, target, gap and required growth, one row (low and high columns for ranges)."""
    claim, target, base = analysis.claim, analysis.target, analysis.baseline
    required = analysis.required
    row = {
        "claim": claim["id"], "target_low": target.low, "target_high": target.high, "unit": claim["unit"],
        "target_qualifier": target.qualifier, "target_year": analysis.target_year,
        "target_year_from": analysis.target_year_source,
        "baseline": base.estimate.central if base else None, "baseline_year": base.year if base else None,
        "baseline_from": base.label if base else "none available",
        "gap_low": None, "gap_high": None, "multiple_low": None, "multiple_high": None,
        "required_cagr_low": required.low if required else None,
        "required_cagr_high": required.high if required else None,
        "required_qualifier": required.qualifier if required else None,
        "history_cagr": analysis.history.cagr if analysis.history else None,
        "history_window": f"{analysis.history.start}-{analysis.history.end}" if analysis.history else "",
    }
    if base is not None:
        base_value = base.estimate.central
        for side, goal in (("low", target.low), ("high", target.high)):
            if goal is not None and base_value:
                row[f"gap_{side}"], row[f"multiple_{side}"] = econ.gap(base_value, goal)
    return pd.DataFrame([row])


def required_text(required: econ.Estimate) -> str:
    """Required growth as words with its qualifier ("between 11.6% and 14.9% a year", "at least 5.0% a year")."""
    if required.qualifier == "range":
        return f"between {text.rate(required.low)} and {text.rate(required.high)} a year"
    if required.qualifier == "lower_bound":
        return f"at least {text.rate(required.low)} a year"
    if required.qualifier == "upper_bound":
        return f"at most {text.rate(required.high)} a year"
    value = required.value if required.value is not None else required.low
    return ("about " if required.approximate else "") + f"{text.rate(value)} a year"


def verdict(analysis: GapAnalysis) -> str:
    """A short verdict whose every figure is computed from the analysis."""
    claim, target = analysis.claim, analysis.target
    goal = text.claim(claim)
    head = f"Target: {goal} by {analysis.target_year} (year from {analysis.target_year_source})."
    if analysis.baseline is None or analysis.required is None:
        return (f"{head} No baseline is available in the claims or the context data, so the required growth "
                "cannot be computed; set baseline_override to the current level to compute it.")
    required = analysis.required
    slowest = required.low if required.low is not None else required.high
    parts = [head, f"From {analysis.baseline.label}, it requires growth of {required_text(required)} "
                   f"for {analysis.years} years"]
    if target.value is not None or target.low is not None:
        _, times = econ.gap(analysis.baseline.estimate.central, target.low if target.low is not None else target.value)
        parts[-1] += f" (a {text.multiple(times)} increase)."
    else:
        parts[-1] += "."
    if analysis.history is not None and analysis.history.cagr is not None:
        hist = analysis.history.cagr
        ratio = slowest / hist if hist > 0 else math.inf
        record = f"The series grew {text.rate(hist)} a year over {analysis.history.start}-{analysis.history.end}"
        if not math.isfinite(ratio) or ratio <= 0:
            parts.append(record + ", so any growth beats its record.")
        elif ratio > 1:
            parts.append(record + f", so the target needs {text.multiple(ratio, ' times')} that pace.")
        else:
            parts.append(record + f": the required pace is {text.multiple(ratio, ' times')} that record, within what "
                         "it achieved.")
    else:
        parts.append("No history is available for this quantity in the context data.")
    if not analysis.benchmarks.empty:
        best = analysis.benchmarks.sort_values("cagr").iloc[-1]
        faster = int((analysis.benchmarks["cagr"] >= slowest).sum())
        if slowest > best["cagr"]:
            parts.append(f"That is faster than every benchmark episode; the fastest, {best['name']}, "
                         f"grew {text.rate(best['cagr'])} a year.")
        else:
            parts.append(f"{faster} of {len(analysis.benchmarks)} benchmark episodes grew at least that fast "
                         f"(fastest: {best['name']}, {text.rate(best['cagr'])} a year).")
    return " ".join(parts)


def record_key_figures(analysis: GapAnalysis, report) -> None:
    """Record the headline numbers of a gap analysis as key figures of ``report`` (a helpers.outputs.Report)."""
    claims = analysis.claim_ids
    target = analysis.target
    unit = analysis.claim["unit"]
    report.figure("target_low", "Target (low)", target.low, unit, [analysis.claim["id"]])
    report.figure("target_high", "Target (high)", target.high, unit, [analysis.claim["id"]])
    report.figure("target_year", "Target year", analysis.target_year, "year", [analysis.claim["id"]])
    if analysis.baseline is not None:
        base = analysis.baseline
        report.figure("baseline", "Baseline", base.estimate.central, unit, base.claims, base.context)
        report.figure("baseline_year", "Baseline year", base.year, "year", base.claims, base.context)
    required = analysis.required
    if required is not None:
        report.figure("required_cagr_low", "Required growth a year (low)", required.low, "fraction/yr", claims,
                      analysis.baseline.context)
        report.figure("required_cagr_high", "Required growth a year (high)", required.high, "fraction/yr", claims,
                      analysis.baseline.context)
    if analysis.history is not None and analysis.history.cagr is not None:
        report.figure("history_cagr", f"Historical growth {analysis.history.start}-{analysis.history.end}",
                      analysis.history.cagr, "fraction/yr", [], analysis.history.context_ids)


GROWTH_COLUMNS = ["label", "low", "high", "kind", "ids"]


def growth_rows(analysis: GapAnalysis, record_label: str = "history") -> list[dict]:
    """The target's required growth and, if known, its series' record, as rows for a growth chart."""
    rows = []
    required = analysis.required
    if required is not None:
        low = required.low if required.low is not None else required.high
        high = required.high if required.high is not None else low
        rows.append({"label": f"required: {analysis.claim['id']}", "low": low, "high": high, "kind": "required",
                     "ids": ", ".join(analysis.claim_ids)})
    if analysis.history is not None and analysis.history.cagr is not None:
        rows.append({"label": f"{record_label} {analysis.history.start}-{analysis.history.end}",
                     "low": analysis.history.cagr, "high": analysis.history.cagr, "kind": "history",
                     "ids": ", ".join(analysis.history.context_ids)})
    return rows


def benchmark_rows(benchmarks: pd.DataFrame) -> list[dict]:
    """Benchmark episodes, fastest first, as rows for a growth chart."""
    return [{"label": f"benchmark: {row.name}", "low": row.cagr, "high": row.cagr, "kind": "benchmark",
             "ids": ", ".join(row.context_ids)}
            for row in benchmarks.sort_values("cagr", ascending=False).itertuples()]


def comparison_frame(analysis: GapAnalysis) -> pd.DataFrame:
    """Required growth next to the series' own history and the benchmark episodes (label, low, high, kind)."""
    return pd.DataFrame(growth_rows(analysis) + benchmark_rows(analysis.benchmarks), columns=GROWTH_COLUMNS)


def comparison_title(analysis: GapAnalysis) -> str:
    """Chart title stating how the required growth compares with the record (computed)."""
    required = analysis.required
    if required is None:
        return "No required growth without a baseline: the record of comparable episodes"
    slowest = required.low if required.low is not None else required.high
    beaten = int((analysis.benchmarks["cagr"] >= slowest).sum()) if not analysis.benchmarks.empty else 0
    text = f"{analysis.claim['id']} needs {required_text(required)}"
    if beaten == 0 and not analysis.benchmarks.empty:
        return text + ": faster than every benchmark episode"
    return text + f": {beaten} of {len(analysis.benchmarks)} benchmark episodes grew as fast"


def gap_view(analysis: GapAnalysis) -> pd.DataFrame:
    """The gap table as a reader wants it: one measure a row, amounts and rates in words."""
    row = gap_table(analysis).iloc[0]
    unit = analysis.claim["unit"]

    def span(low: object, high: object, write) -> str:
        return text.bounds(low, high, write)

    required = analysis.required
    measures = {
        "Target": text.claim(analysis.claim),
        "Target year": f"{analysis.target_year} (from {analysis.target_year_source})",
        "Baseline": row["baseline_from"],
        "Years to go": "n/a" if analysis.years is None else str(analysis.years),
        "Gap (target minus baseline)": span(row["gap_low"], row["gap_high"], lambda v: text.amount(v, unit)),
        "Multiple of the baseline": span(row["multiple_low"], row["multiple_high"], text.multiple),
        "Required growth a year": required_text(required) if required is not None else "n/a (no baseline)",
        "Historical growth a year": (f"{text.rate(row['history_cagr'])} over {row['history_window']}"
                                     if not pd.isna(row["history_cagr"]) else "no history available"),
    }
    return pd.DataFrame({"value": list(measures.values())}, index=pd.Index(list(measures), name="measure"))


def scenario_view(analysis: GapAnalysis) -> pd.DataFrame:
    """Scenarios in words: growth a year, the level reached in the target year, the year the target is met."""
    table = scenario_table(analysis)
    unit = analysis.claim["unit"]
    return pd.DataFrame({
        "growth a year": table["rate"].map(text.rate),
        f"level in {analysis.target_year}": table["value_at_target_year"].map(lambda v: text.amount(v, unit)),
        "target met in": table["year_target_met"].map(lambda y: "never" if pd.isna(y) else str(int(y))),
    })


def comparison_view(frame: pd.DataFrame) -> pd.DataFrame:
    """A growth-comparison frame (``comparison_frame``, ``overview.growth_frame``) with rates in per cent."""
    return pd.DataFrame({
        "": frame["label"],
        "growth a year": [text.bounds(r.low, r.high, text.rate) for r in frame.itertuples()],
        "from": frame["ids"],
    })


def benchmark_view(benchmarks: pd.DataFrame) -> pd.DataFrame:
    """Benchmark episodes in words (values in the unit of each episode's figures)."""
    units = benchmarks["unit"] if "unit" in benchmarks.columns else pd.Series("", index=benchmarks.index)
    return pd.DataFrame({
        "episode": benchmarks["name"],
        "first year": [text.reported(v, u) for v, u in zip(benchmarks["start_value"], units, strict=True)],
        "last year": [text.reported(v, u) for v, u in zip(benchmarks["end_value"], units, strict=True)],
        "growth a year": benchmarks["cagr"].map(text.rate),
        "context rows": benchmarks["context_ids"].map(", ".join),
        "note": benchmarks["note"],
    })


def history_table(analysis: GapAnalysis) -> pd.DataFrame:
    """The history series: year, period, value and context row of each point (empty without history)."""
    if analysis.history is None:
        return pd.DataFrame(columns=["year", "period", "value", "context_id"])
    points = analysis.history.series
    return pd.DataFrame({"year": list(points.index),
                         "period": points.attrs.get("period_labels", [str(y) for y in points.index]),
                         "value": points.to_numpy(), "context_id": analysis.history.context_ids})


def history_view(analysis: GapAnalysis) -> pd.DataFrame:
    """The history series in words."""
    table = history_table(analysis)
    unit = analysis.history.series.attrs.get("unit", "") if analysis.history is not None else ""
    return pd.DataFrame({"period": table["period"], "value": table["value"].map(lambda v: text.reported(v, unit)),
                         "context row": table["context_id"]})
