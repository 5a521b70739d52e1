"""Target-gap tables, views and chart rows in words (computed from a ``GapAnalysis``)."""

from __future__ import annotations

import re

import pandas as pd

from helpers import econ, episodes, text
from helpers.gap.analysis import GapAnalysis


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
    """Episodes, fastest first, as rows for a growth chart, each labelled with its measure."""
    return [{"label": f"{episodes.measure_words(getattr(row, 'measure', None))}: {row.name}", "low": row.cagr,
             "high": row.cagr, "kind": "benchmark",
             "ids": ", ".join(row.context_ids)}
            for row in benchmarks.sort_values("cagr", ascending=False).itertuples()]


def comparison_frame(analysis: GapAnalysis) -> pd.DataFrame:
    """Required growth next to the series' own history and the benchmark episodes (label, low, high, kind).
    The labels keep the claim id (the CSV is a trace); ``attrs["names"]`` maps it to the claim's subject."""
    frame = pd.DataFrame(growth_rows(analysis) + benchmark_rows(analysis.benchmarks), columns=GROWTH_COLUMNS)
    frame.attrs["names"] = subject_names([analysis])
    return frame


def subject_of(analysis: GapAnalysis) -> str:
    """The target as a reader knows it: the claim's subject ("Pakistan's exports to China")."""
    return str(analysis.claim.get("subject") or "") or str(analysis.claim["id"])


def subject_names(analyses: list[GapAnalysis]) -> dict[str, str]:
    """{claim id: subject} for the target claims of ``analyses`` (to put names where ids were)."""
    return {str(a.claim["id"]): subject_of(a) for a in analyses}


def comparison_title(analysis: GapAnalysis) -> str:
    """Chart title stating how the required growth compares with the record (computed)."""
    required = analysis.required
    if required is None:
        return "No required growth without a baseline: the record of comparable episodes"
    slowest = required.low if required.low is not None else required.high
    beaten = int((analysis.benchmarks["cagr"] >= slowest).sum()) if not analysis.benchmarks.empty else 0
    text = f"{subject_of(analysis)} needs {required_text(required)}"
    measure = analysis.measure_words
    if analysis.benchmarks.empty:
        return text + f": no episode of {measure} in the data to compare with"
    if beaten == 0:
        return text + f": faster than every episode of {measure} in the data"
    return text + f": {beaten} of {len(analysis.benchmarks)} episodes of {measure} grew as fast"


def gap_view(analysis: GapAnalysis) -> pd.DataFrame:
    """The gap table as a reader wants it: one measure a row, amounts and rates in words."""
    row = gap_table(analysis).iloc[0]
    unit = analysis.claim["unit"]

    def span(low: object, high: object, write) -> str:
        return text.bounds(low, high, write)

    required = analysis.required
    base = analysis.baseline
    base_ids = [*base.claims, *base.context] if base is not None else []
    history_ids = list(analysis.history.context_ids) if analysis.history is not None else []
    measures = {
        "Target": text.claim(analysis.claim),
        "Target year": text.without_ids(f"{analysis.target_year} (from {analysis.target_year_source})",
                                        context_ids_in(str(analysis.target_year_source), analysis.context_ids)),
        "Baseline": text.without_ids(row["baseline_from"], base_ids),
        "Years to go": "n/a" if analysis.years is None else str(analysis.years),
        "Gap (target minus baseline)": span(row["gap_low"], row["gap_high"], lambda v: text.amount(v, unit)),
        "Multiple of the baseline": span(row["multiple_low"], row["multiple_high"], text.multiple),
        "Required growth a year": required_text(required) if required is not None else "n/a (no baseline)",
        "Historical growth a year": (f"{text.rate(row['history_cagr'])} over {row['history_window']}"
                                     if not pd.isna(row["history_cagr"])
                                     else text.without_ids(_one_point(analysis), history_ids)),
    }
    year_ids = context_ids_in(str(analysis.target_year_source), analysis.context_ids)
    ids = {"Target": [analysis.claim["id"]], "Target year": year_ids, "Baseline": base_ids,
           "Historical growth a year": history_ids,
           "Required growth a year": analysis.claim_ids if required is not None else []}
    return pd.DataFrame({"value": list(measures.values()), "ids": [", ".join(ids.get(m, [])) for m in measures]},
                        index=pd.Index(list(measures), name="measure"))


def context_ids_in(words: str, known: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The context row ids ``words`` mention: ``known`` ones, and any written as "(F084: ..." or "context F084"."""
    found = [i for i in known if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", words)]
    found += re.findall(r"\(([A-Z]\d+):", words) + re.findall(r"\bcontext ([A-Z]\d+)\b", words)
    return list(dict.fromkeys(found))


def notes_view(analysis: GapAnalysis) -> list[str]:
    """The analysis's notes as sentences for readers, without the context ids (they are in the tables' ids)."""
    return [f"Note: {text.without_ids(note, context_ids_in(note, analysis.context_ids))}." for note in analysis.notes]


def _one_point(analysis: GapAnalysis) -> str:
    """What the data hold when no growth can be measured: nothing, or one earlier figure (stated exactly)."""
    history = analysis.history
    if history is None or history.series.empty:
        return "no earlier figure in the data"
    points = history.series
    label = points.attrs.get("period_labels", [str(points.index[0])])[0].split(" (")[0]
    rated = (points.attrs.get("confidences") or [""])[0]
    return (f"one earlier figure only: {label}, {text.reported(float(points.iloc[0]), points.attrs.get('unit', ''))}"
            f"{f', {rated} confidence' if rated else ''} (context {history.context_ids[0]})")


def scenario_view(analysis: GapAnalysis) -> pd.DataFrame:
    """Scenarios in words: growth a year, the level reached in the target year, the year the target is met."""
    table = scenario_table(analysis)
    unit = analysis.claim["unit"]
    return pd.DataFrame({
        "growth a year": table["rate"].map(text.rate),
        f"level in {analysis.target_year}": table["value_at_target_year"].map(lambda v: text.amount(v, unit)),
        "target met in": table["year_target_met"].map(lambda y: "never" if pd.isna(y) else str(int(y))),
    })


def comparison_view(frame: pd.DataFrame, names: dict[str, str] | None = None) -> pd.DataFrame:
    """A growth-comparison frame (``comparison_frame``, ``overview.growth_frame``) with rates in per cent and
    each claim id in a label replaced by the claim's subject (``names``, else ``frame.attrs["names"]``); the
    ids are the last column."""
    from helpers.glance import readable_label

    names = names if names is not None else frame.attrs.get("names") or {}
    return pd.DataFrame({
        "": [readable_label(str(label), names) for label in frame["label"]],
        "growth a year": [text.bounds(r.low, r.high, text.rate) for r in frame.itertuples()],
        "ids": frame["ids"],
    })


def benchmark_view(benchmarks: pd.DataFrame) -> pd.DataFrame:
    """Episodes of the target's measure in words (values in the unit of each episode's figures), with their
    publisher and confidence and the context, reference or snapshot rows of both ends."""
    units = benchmarks["unit"] if "unit" in benchmarks.columns else pd.Series("", index=benchmarks.index)
    return pd.DataFrame({
        "episode": benchmarks["name"],
        "first year": [text.reported(v, u) for v, u in zip(benchmarks["start_value"], units, strict=True)],
        "last year": [text.reported(v, u) for v, u in zip(benchmarks["end_value"], units, strict=True)],
        "growth a year": benchmarks["cagr"].map(text.rate),
        "source": [f"{p} ({c} confidence)" if isinstance(p, str) and p else "context figures"
                   for p, c in zip(benchmarks.get("publisher", pd.Series("", index=benchmarks.index)),
                                   benchmarks.get("confidence", pd.Series("", index=benchmarks.index)), strict=True)],
        "note": benchmarks["note"],
        "ids": benchmarks["context_ids"].map(", ".join),
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
                         "ids": table["context_id"]})
