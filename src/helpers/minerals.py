"""Minerals: claimed reserves against yearly exports, export paths to the ambition, and the figures beside them.

Pure functions over the claims register (``claims.load_claims``) and the context figures
(``context.load_context`` / ``context.load_claim_series``); no I/O.

Years are counted inclusively: a path from ``base_year`` to ``by_year`` sums the exports of every year
from ``base_year`` to ``by_year``, both included, and the base year counts in full at the claimed current
level (the claims are dated January of the base year and say "currently ... per year"). So 2026 to 2035 is
ten years, and $2 billion a year flat adds up to $20 billion, 0.333% of $6 trillion.

A ramp path grows at a constant yearly rate from the current level in ``base_year`` to the target level in
``base_year + ramp_years`` and stays at the target afterwards (the article gives no year for the target).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from helpers import econ, fmt
from helpers.claims import get_claim
from helpers.errors import ParameterError, ProjectError
from helpers.fx import currency_of

RESERVES = "pk-mineral-resources-value"
EXPORTS = "pk-mineral-exports"
EXPORTS_TARGET = "pk-mineral-exports-target"
INVESTMENT_TARGET = "pk-mineral-investment-target"
#: The register claims this report is about, in the order it shows them.
MINERAL_CLAIMS: tuple[str, ...] = (RESERVES, EXPORTS, EXPORTS_TARGET, INVESTMENT_TARGET)
#: Context figures about one project carry its name in ``geo``: "Pakistan (Reko Diq)".
PROJECT_GEO = re.compile(r"^Pakistan \((?P<project>.+)\)$")
_SCALE = {"trillion": 1e12, "billion": 1e9, "million": 1e6}
#: Kinds of context figures that are yearly flows (a full calendar or fiscal year).
YEARLY_KINDS: tuple[str, ...] = ("calendar", "fiscal_pk")


class MineralsError(ProjectError):
    """A claim or context figure cannot be used the way the minerals report needs (wrong unit, no level)."""


# --- parameters -------------------------------------------------------------------------------------

def check_years(base_year: int, by_year: int, ramp_years: int = 1) -> None:
    """Raise ParameterError listing every problem with the report's years; None when they fit together."""
    problems = []
    if by_year < base_year:
        problems.append(f"parameter 'by_year' = {by_year!r} is before base_year = {base_year!r}, so no year of "
                        f"exports would be counted. Fix: give a by_year of {base_year} or later (or an earlier "
                        "base_year)")
    if ramp_years < 1:
        problems.append(f"parameter 'ramp_years' = {ramp_years!r} must be at least 1 (the years a ramp takes "
                        "to reach the target). Fix: give a whole number of years >= 1")
    if problems:
        raise ParameterError(problems, notebook="20_minerals")


# --- claims -----------------------------------------------------------------------------------------

def _money_claim(claims: pd.DataFrame, claim_id: str, per_year: bool) -> pd.Series:
    """The claim, checked to be an amount of money that is (or is not) a yearly flow."""
    claim = get_claim(claims, claim_id)
    unit = str(claim["unit"])
    wanted = "a yearly amount of money (unit like 'USD/yr')" if per_year else "a stock of money (unit like 'USD')"
    if currency_of(unit) is None or unit.endswith("/yr") != per_year:
        raise MineralsError(f"claims register, claim {claim_id!r}, field 'unit' (value: {unit!r}): the report "
                            f"needs {wanted}. Fix: correct the claim's unit in the register, or point the report "
                            "at the right claim")
    if pd.isna(claim["value_low"]) or pd.isna(claim["value_high"]) or claim["value_low"] <= 0:
        raise MineralsError(f"claims register, claim {claim_id!r}, field 'value' (value: {claim['value']!r}): "
                            "the report needs a positive amount. Fix: fill value (or value_low and value_high)")
    return claim


def central(claim: pd.Series) -> float:
    """The stated figure of a claim: ``value``, or the middle of ``value_low``..``value_high`` for a range."""
    if not pd.isna(claim["value"]):
        return float(claim["value"])
    return (float(claim["value_low"]) + float(claim["value_high"])) / 2.0


def claim_text(claim: pd.Series) -> str:
    """A claim's amount as the article says it ("about $6.0 trillion", "$6.0 billion to $8.0 billion a year")."""
    return fmt.claim_amount(claim["value_low"], claim["value_high"], claim["unit"], claim["qualifier"])


#: Small shares of the reserves, as percentages with two significant figures (one formatter: helpers.fmt).
share_text = fmt.share


@dataclass(frozen=True)
class Headline:
    """Yearly exports against the claimed reserves (a stock against a flow, in the same currency)."""

    reserves: float  # stock, currency units
    exports: float  # flow, currency units a year
    share_per_year: float  # exports / reserves: the fraction of the reserves' value exported each year
    years_to_export: float  # reserves / exports: years at the current pace to export the reserves' value
    currency: str
    claim_ids: tuple[str, str]


def headline(claims: pd.DataFrame, reserves_id: str = RESERVES, exports_id: str = EXPORTS) -> Headline:
    """Exports per year as a share of the reserves, and years at that pace to export the reserves' value."""
    stock = _money_claim(claims, reserves_id, per_year=False)
    flow = _money_claim(claims, exports_id, per_year=True)
    stock_currency, flow_currency = currency_of(stock["unit"]), currency_of(flow["unit"])
    if stock_currency != flow_currency:
        raise MineralsError(f"claims register, claim {exports_id!r}, field 'unit' (value: {flow['unit']!r}): "
                            f"in {flow_currency}, but {reserves_id!r} is in {stock_currency}. Fix: state both "
                            "claims in one currency (convert with helpers.fx)")
    reserves, exports = central(stock), central(flow)
    return Headline(reserves, exports, econ.implied_share(exports, reserves), reserves / exports,
                    str(stock_currency), (reserves_id, exports_id))


# --- export paths -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExportPath:
    """One path of yearly exports: from ``start`` in the base year to ``end`` in ``reached_year``."""

    key: str  # "flat", "ramp_low", "ramp_high" (or "ramp" when the target is one figure)
    label: str
    start: float
    end: float
    rate: float  # compound yearly growth until ``reached_year`` (0 for the flat path)
    reached_year: int
    claim_ids: tuple[str, ...]


def define_paths(claims: pd.DataFrame, base_year: int, ramp_years: int, exports_id: str = EXPORTS,
                 target_id: str = EXPORTS_TARGET) -> list[ExportPath]:
    """The flat path at today's exports and one ramp to each end of the target (one ramp for a single figure)."""
    check_years(base_year, base_year, ramp_years)
    flow = _money_claim(claims, exports_id, per_year=True)
    target = _money_claim(claims, target_id, per_year=True)
    if currency_of(flow["unit"]) != currency_of(target["unit"]):
        raise MineralsError(f"claims register, claim {target_id!r}, field 'unit' (value: {target['unit']!r}): "
                            f"not in the currency of {exports_id!r} ({flow['unit']}). Fix: state both in one "
                            "currency")
    now, unit = central(flow), str(flow["unit"])
    out = [ExportPath("flat", f"flat at {fmt.amount(now, unit)}", now, now, 0.0, int(base_year), (exports_id,))]
    low, high = float(target["value_low"]), float(target["value_high"])
    ends = [("ramp", high)] if math.isclose(low, high) else [("ramp_low", low), ("ramp_high", high)]
    reached = int(base_year) + int(ramp_years)
    for key, level in ends:
        rate = econ.required_cagr(now, level, ramp_years)
        out.append(ExportPath(key, f"to {fmt.amount(level, unit)} by {reached}", now, level, rate, reached,
                              (exports_id, target_id)))
    return out


def path_levels(paths: Sequence[ExportPath], base_year: int, by_year: int) -> pd.DataFrame:
    """Yearly exports of each path (columns: path keys) for every year from ``base_year`` to ``by_year``."""
    check_years(base_year, by_year)
    columns = {}
    for path in paths:
        grown = econ.growth_path(path.start, path.rate, base_year, by_year)
        columns[path.key] = grown.clip(upper=path.end) if path.end >= path.start else grown.clip(lower=path.end)
    return pd.DataFrame(columns, index=pd.RangeIndex(int(base_year), int(by_year) + 1, name="year"))


def cumulative(levels: pd.DataFrame) -> pd.DataFrame:
    """Exports added up from the first year through each year (both included)."""
    return levels.cumsum()


def yearly_table(paths: Sequence[ExportPath], levels: pd.DataFrame, reserves: float) -> pd.DataFrame:
    """One row per year and path: exports that year, cumulative exports, cumulative share of the reserves."""
    totals = cumulative(levels)
    rows = [{"year": int(year), "path": path.key, "label": path.label, "exports": float(levels.at[year, path.key]),
             "cumulative_exports": float(totals.at[year, path.key]),
             "share_of_reserves": econ.implied_share(float(totals.at[year, path.key]), reserves)}
            for path in paths for year in levels.index]
    return pd.DataFrame(rows, columns=["year", "path", "label", "exports", "cumulative_exports",
                                       "share_of_reserves"])


def readable_yearly(yearly: pd.DataFrame) -> pd.DataFrame:
    """Cumulative share of the reserves by year (rows) and path (columns), as percentages."""
    wide = yearly.pivot(index="year", columns="label", values="share_of_reserves")
    order = list(dict.fromkeys(yearly["label"]))
    return wide[order].map(share_text).rename_axis(columns=None)


def path_summary(paths: Sequence[ExportPath], levels: pd.DataFrame, reserves: float) -> pd.DataFrame:
    """Per path: growth, level and cumulative exports in the last year, and the share of the reserves exported.

    ``years_at_last_level`` is the years it would take, at the path's level in the last year, to export the
    reserves' value.
    """
    totals = cumulative(levels).iloc[-1]
    last_year, first_year = int(levels.index[-1]), int(levels.index[0])
    rows = []
    for path in paths:
        level = float(levels[path.key].iloc[-1])
        rows.append({"path": path.key, "label": path.label, "yearly_growth": path.rate,
                     "target_reached": path.reached_year, "first_year": first_year, "last_year": last_year,
                     "years_counted": last_year - first_year + 1, "level_in_last_year": level,
                     "cumulative_exports": float(totals[path.key]),
                     "share_of_reserves": econ.implied_share(float(totals[path.key]), reserves),
                     "years_at_last_level": reserves / level, "claims": ", ".join(path.claim_ids)})
    return pd.DataFrame(rows)


def readable_paths(summary: pd.DataFrame, unit: str = "USD") -> pd.DataFrame:
    """The path summary as a reader wants it (amounts in words, percentages)."""
    return pd.DataFrame({
        "path": summary["label"],
        "growth a year": summary["yearly_growth"].map(lambda r: fmt.rate(r, 1)),
        "years counted": [f"{a}-{b} ({n})" for a, b, n in
                          zip(summary["first_year"], summary["last_year"], summary["years_counted"], strict=True)],
        "exports in last year": summary["level_in_last_year"].map(lambda v: fmt.amount(v, unit)),
        "cumulative exports": summary["cumulative_exports"].map(lambda v: fmt.amount(v, unit)),
        "share of reserves": summary["share_of_reserves"].map(share_text),
        "years to export reserves at last level": summary["years_at_last_level"].map(lambda v: f"{v:,.0f}"),
    })


def paths_finding(summary: pd.DataFrame) -> str:
    """The chart title: the share of the reserves even the fastest path would have exported by the last year."""
    best = summary.loc[summary["share_of_reserves"].idxmax()]
    lead = "even the fastest path" if len(summary) > 1 else "the path"
    return (f"By {best['last_year']} {lead} would have exported {share_text(best['share_of_reserves'])} "
            "of the claimed reserves")


def path_figures(paths: Sequence[ExportPath], summary: pd.DataFrame, reserves_id: str = RESERVES
                 ) -> list[dict[str, object]]:
    """Key figures of each path (cumulative exports, share of reserves, yearly growth), with their claim ids."""
    out: list[dict[str, object]] = []
    for path, row in zip(paths, summary.itertuples(), strict=True):
        span = f"{row.first_year}-{row.last_year}"
        ids = [*path.claim_ids, reserves_id]
        out.append({"name": f"cumulative_exports_{path.key}", "label": f"Cumulative exports {span}, {path.label}",
                    "value": row.cumulative_exports, "unit": "USD", "claims": list(path.claim_ids)})
        out.append({"name": f"share_of_reserves_{path.key}",
                    "label": f"Share of the claimed reserves exported {span}, {path.label}",
                    "value": row.share_of_reserves, "unit": "fraction", "claims": ids})
        if path.key != "flat":
            out.append({"name": f"yearly_growth_{path.key}", "label": f"Yearly growth needed, {path.label}",
                        "value": path.rate, "unit": "fraction/yr", "claims": list(path.claim_ids)})
    return out


def paths_sentence(summary: pd.DataFrame, unit: str = "USD") -> str:
    """What each path adds up to by the last year, and the growth each ramp needs."""
    first = summary.iloc[0]
    parts = []
    for row in summary.itertuples():
        growth = "" if row.yearly_growth == 0 else f", growing {fmt.rate(row.yearly_growth, 1)} a year,"
        parts.append(f"{row.label}{growth} adds up to {fmt.amount(row.cumulative_exports, unit)} "
                     f"({share_text(row.share_of_reserves)} of the reserves)")
    years = "year" if first["years_counted"] == 1 else "years"
    return (f"Counting every year from {first['first_year']} to {first['last_year']}, both included "
            f"({first['years_counted']} {years}): " + "; ".join(parts) + ".")


# --- context ----------------------------------------------------------------------------------------

def _latest(rows: pd.DataFrame) -> pd.DataFrame:
    """The latest figure of a time series (one row); all rows when they are labels or targets."""
    dated = rows.loc[rows["period_year"].notna()]
    if dated.empty or len(dated) < len(rows):
        return rows
    return dated.loc[[dated["period_year"].astype(int).idxmax()]]


def linked_figures(context: pd.DataFrame, claim_series: pd.DataFrame,
                   claim_ids: Sequence[str] = MINERAL_CLAIMS) -> pd.DataFrame:
    """Context figures the claim-series mapping links to ``claim_ids``: the latest point of each series.

    One row per (claim, series): the context row's columns plus ``claim_id``, ``series``, ``relation`` and
    ``note`` from the mapping. Label and target figures (not time series) come in full.
    """
    mapping = claim_series.loc[claim_series["claim_id"].isin(list(claim_ids))
                               & ~claim_series["relation"].eq("no_context")]
    parts = []
    for link in mapping.itertuples():
        rows = _latest(context.loc[context["id"].isin(list(link.context_ids))]).copy()
        rows["claim_id"], rows["series"], rows["relation"], rows["note"] = (link.claim_id, link.series,
                                                                           link.relation, link.note)
        parts.append(rows)
    if not parts:
        raise MineralsError(f"claim_series.csv links no context figures to {', '.join(claim_ids)}. Fix: add "
                            "rows for these claims to data/claim_series.csv (see data/README.md)")
    return pd.concat(parts, ignore_index=True)


def project_figures(context: pd.DataFrame) -> pd.DataFrame:
    """Context figures about named projects (``geo`` like "Pakistan (Reko Diq)"), with a ``project`` column."""
    names = context["geo"].str.extract(PROJECT_GEO)["project"]
    chosen = context.loc[names.notna()].copy()
    chosen.insert(1, "project", names[names.notna()])
    return chosen


def figure_amount(value: float, unit: str) -> str:
    """A context figure's value in words: money in its currency, other units as stated."""
    currency = currency_of(unit)
    if currency is not None:
        return fmt.amount(value, currency + ("/yr" if unit.endswith("/yr") else ""))
    return fmt.amount(value, unit)


def figures_table(claims: pd.DataFrame, figures: pd.DataFrame,
                  claim_ids: Sequence[str] = MINERAL_CLAIMS) -> pd.DataFrame:
    """The claims next to context figures, each with its source, period label and confidence.

    Claims come first (source: speaker and seed file; confidence: "claim, not checked"); then each context
    figure once (a figure linked to several claims is listed once). Fiscal years keep their label, e.g.
    "FY2024-25 (Jul 2024-Jun 2025)".
    """
    rows = []
    for claim_id in claim_ids:
        claim = get_claim(claims, claim_id)
        rows.append({"id": claim_id, "kind": f"claim ({claim['claim_type']})", "item": claim["subject"],
                     "value": central(claim), "unit": claim["unit"], "amount": claim_text(claim),
                     "period": f"stated {claim['as_of']}" + ("" if pd.isna(claim["horizon_year"])
                                                             else f", by {claim['horizon_year']}"),
                     "source": f"{claim['speaker'] or 'article'} (seeds/{claim['seed_file']})",
                     "confidence": "claim, not checked"})
    for figure in figures.drop_duplicates("id").itertuples():
        kind = "fiscal year" if figure.period_kind == "fiscal_pk" else figure.period_kind
        rows.append({"id": figure.id, "kind": f"reported ({kind})", "item": figure.indicator,
                     "value": figure.value, "unit": figure.unit, "amount": figure_amount(figure.value, figure.unit),
                     "period": figure.period_label, "source": figure.source_publisher,
                     "confidence": figure.confidence})
    return pd.DataFrame(rows, columns=["id", "kind", "item", "value", "unit", "amount", "period", "source",
                                       "confidence"])


def compare_with_figures(claims: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """Each claim divided by each money figure linked to it: ``ratio_low``..``ratio_high`` (claim / figure).

    ``figures`` is ``linked_figures`` output. Only figures in the claim's currency are compared; a stock
    divided by a yearly flow reads as years of that flow. Columns: claim_id, series, relation, context_id,
    indicator, year (the label as published), period, period_kind, confidence, claim_qualifier, claim_low,
    claim_high, figure, ratio_low, ratio_high, stock_vs_flow.
    """
    rows = []
    for figure in figures.itertuples():
        claim = get_claim(claims, figure.claim_id)
        if currency_of(figure.unit) is None or currency_of(figure.unit) != currency_of(claim["unit"]):
            continue
        rows.append({"claim_id": figure.claim_id, "series": figure.series, "relation": figure.relation,
                     "context_id": figure.id, "indicator": figure.indicator, "year": figure.year,
                     "period": figure.period_label,
                     "period_kind": figure.period_kind, "confidence": figure.confidence,
                     "claim_qualifier": claim["qualifier"], "claim_low": float(claim["value_low"]),
                     "claim_high": float(claim["value_high"]),
                     "figure": float(figure.value),
                     "ratio_low": float(claim["value_low"]) / float(figure.value),
                     "ratio_high": float(claim["value_high"]) / float(figure.value),
                     "stock_vs_flow": not str(claim["unit"]).endswith("/yr")
                     and figure.period_kind in YEARLY_KINDS})
    return pd.DataFrame(rows, columns=["claim_id", "series", "relation", "context_id", "indicator", "year",
                                       "period", "period_kind", "confidence", "claim_qualifier", "claim_low",
                                       "claim_high", "figure", "ratio_low", "ratio_high", "stock_vs_flow"])


def comparison(table: pd.DataFrame, claim_id: str, series: str) -> pd.Series:
    """One row of ``compare_with_figures`` by claim and series key; an error naming the pairs there are."""
    match = table.loc[table["claim_id"].eq(claim_id) & table["series"].eq(series)]
    if match.empty:
        known = ", ".join(f"{c}/{s}" for c, s in zip(table["claim_id"], table["series"], strict=True))
        raise MineralsError(f"no comparison of claim {claim_id!r} with series {series!r}. Fix: link them in "
                            f"data/claim_series.csv, or use one of: {known or 'none'}")
    return match.iloc[0]


def period_text(row: pd.Series) -> str:
    """A comparison's period in words: "2023", "FY2024-25, a July-June fiscal year", or the label as given."""
    kind, year = row.get("period_kind"), str(row.get("year", ""))
    if kind == "calendar" and year:
        return year
    if kind == "fiscal_pk" and year:
        return f"{year}, a July-June fiscal year"
    return str(row["period"])


def short_range(low: float, high: float, unit: str) -> str:
    """A range of amounts with one scale word when both ends fit it: "$6-8 billion a year"; otherwise
    "$800.0 million to $1.2 billion a year"."""
    per_year = " a year" if unit.endswith("/yr") else ""
    currency = currency_of(unit) or unit.removesuffix("/yr")
    if math.isclose(low, high):
        return fmt.amount(low, currency) + per_year
    scale = next((size for size in _SCALE.values() if high >= size), None)
    ends = [value / scale for value in (low, high)] if scale else []
    if not ends or ends[0] < 1 or any(not math.isclose(round(e, 1), e, abs_tol=1e-9) for e in ends):
        return fmt.bounds(low, high, unit=currency) + per_year
    text = fmt.amount(high, currency, digits=0 if float(ends[1]).is_integer() else 1)
    first_digit = next(i for i, char in enumerate(text) if char.isdigit())
    return f"{text[:first_digit]}{ends[0]:g}-{text[first_digit:]}{per_year}"


def ambition_finding(claims: pd.DataFrame, table: pd.DataFrame, series: str,
                     target_id: str = EXPORTS_TARGET) -> str:
    """A title: the target as a share (or multiple) of the latest figure of ``series``, e.g. "The $6-8 billion
    a year ambition is 72% to 96% of mineral output value in 2023"."""
    row = comparison(table, target_id, series)
    target = get_claim(claims, target_id)
    amount = short_range(float(target["value_low"]), float(target["value_high"]), str(target["unit"]))
    return f"The {amount} ambition is {ratio_text(row)} of {indicator_text(row)} in {period_text(row)}"


def indicator_text(row: pd.Series) -> str:
    """A figure's indicator for a sentence: without its parentheses, lower case unless a name
    ("Mineral output value (World Mining Data 2025)" -> "mineral output value")."""
    return lower_first(re.sub(r"\s*\([^)]*\)", "", str(row["indicator"])).strip())


def lower_first(text: str) -> str:
    """``text`` with its first letter in lower case, unless it starts a name or an acronym ("Reko Diq ...",
    "GDP, ..." stay as they are)."""
    words = text.split(" ")
    if not text[1:2].islower() or (len(words) > 1 and words[1][:1].isupper()):
        return text
    return text[:1].lower() + text[1:]


def ratio_text(row: pd.Series) -> str:
    """A comparison's ratio in words, with the claim's qualifier: shares below one as percentages, else
    multiples ("72% to 96%", "4.0x", "about 723x", "more than 1.0x")."""
    low, high = float(row["ratio_low"]), float(row["ratio_high"])
    if high < 1:
        text = fmt.bounds(low, high, formatter=share_text)
    else:
        text = fmt.bounds(low, high, formatter=lambda v: fmt.multiple(v, 0 if v >= 100 else 1))
    return fmt.QUALIFIER_WORDS.get(str(row.get("claim_qualifier", "")), "") + text


def readable_comparisons(table: pd.DataFrame) -> pd.DataFrame:
    """Comparisons as a reader wants them: the claim, the figure with its period and confidence, the ratio."""
    return pd.DataFrame({
        "claim": table["claim_id"],
        "compared with": table["indicator"],
        "period": table["period"],
        "figure": [figure_amount(v, "USD") for v in table["figure"]],
        "claim / figure": [ratio_text(r) for _, r in table.iterrows()],
        "confidence": table["confidence"],
        "reading": ["years of this yearly flow" if s else r.replace("_", " ")
                    for s, r in zip(table["stock_vs_flow"], table["relation"], strict=True)],
        "context id": table["context_id"],
    })


def flow_bars(claims: pd.DataFrame, figures: pd.DataFrame, claim_ids: Sequence[str] = (EXPORTS, EXPORTS_TARGET)
              ) -> pd.DataFrame:
    """Yearly money flows to draw side by side: the per-year claims and the full-year figures linked to them.

    Columns: id, label, low, high, kind ("claim", "target" or "reported"), confidence. Sorted by ``high``.
    """
    rows = []
    for claim_id in claim_ids:
        claim = _money_claim(claims, claim_id, per_year=True)
        kind = "target" if claim["claim_type"] == "target" else "claim"
        rows.append({"id": claim_id, "label": f"{claim['subject']}: {kind}, stated {claim['as_of'][:4]}",
                     "low": float(claim["value_low"]), "high": float(claim["value_high"]),
                     "kind": kind, "confidence": "claim"})
    chosen = figures.loc[figures["claim_id"].isin(list(claim_ids)) & figures["period_kind"].isin(YEARLY_KINDS)
                         & ~figures["period_partial"].astype(bool)].drop_duplicates("id")
    for figure in chosen.itertuples():
        if currency_of(figure.unit) is None:
            continue
        caveat = "" if figure.confidence == "high" else f", {figure.confidence} confidence"
        rows.append({"id": figure.id, "label": f"{figure.indicator}: {figure.year}{caveat}",
                     "low": float(figure.value), "high": float(figure.value), "kind": "reported",
                     "confidence": figure.confidence})
    return pd.DataFrame(rows, columns=["id", "label", "low", "high", "kind", "confidence"]).sort_values(
        "high", ignore_index=True)
