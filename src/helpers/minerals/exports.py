"""Export paths from today's mineral exports to the ambition, and the share of the reserves they add up to.

Years are counted inclusively: a path from ``base_year`` to ``by_year`` sums the exports of every year
from ``base_year`` to ``by_year``, both included, and the base year counts in full at the claimed current
level (the claims are dated January of the base year and say "currently ... per year"). So 2026 to 2035 is
ten years, and $2 billion a year flat adds up to $20 billion, 0.333% of $6 trillion.

A ramp path grows at a constant yearly rate from the current level in ``base_year`` to the target level in
``base_year + ramp_years`` and stays at the target afterwards (the article gives no year for the target).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from helpers import econ, text, vocab
from helpers.errors import MineralsError
from helpers.minerals.roles import FoundClaims, check_years, find_claims, money_claim


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
    currency: str = vocab.USD


def define_paths(claims: pd.DataFrame, base_year: int, ramp_years: int,
                 found: FoundClaims | None = None, rates: Sequence[float] | None = None) -> list[ExportPath]:
    """The flat path at today's exports and one ramp to each end of the target (one ramp for a single figure).

    ``rates`` (one per ramp, lowest end first) are the target's required growth from its gap analysis
    (``helpers.gap``), so the minerals report and the target-gap report state the same rate; without them the
    rate is computed from today's level over ``ramp_years``.
    """
    check_years(base_year, base_year, ramp_years)
    found = found or find_claims(claims)
    flow = money_claim(claims, found.exports, per_year=True)
    target = money_claim(claims, found.exports_target, per_year=True)
    currency = vocab.currency_of(flow["unit"])
    if currency != vocab.currency_of(target["unit"]):
        raise MineralsError(f"claims register, claim {found.exports_target!r}, field 'unit' (value: "
                            f"{target['unit']!r}): not in the currency of {found.exports!r} ({flow['unit']}). "
                            "Fix: state both in one currency")
    now, unit = vocab.Amount.from_row(flow).central, str(flow["unit"])
    out = [ExportPath("flat", f"flat at {text.amount(now, unit)}", now, now, 0.0, int(base_year), (found.exports,),
                      str(currency))]
    low, high = float(target["value_low"]), float(target["value_high"])
    ends = [("ramp", high)] if math.isclose(low, high) else [("ramp_low", low), ("ramp_high", high)]
    reached = int(base_year) + int(ramp_years)
    for number, (key, level) in enumerate(ends):
        rate = econ.required_cagr(now, level, ramp_years) if rates is None else float(rates[number])
        out.append(ExportPath(key, f"to {text.amount(level, unit)} by {reached}", now, level, rate, reached,
                              (found.exports, found.exports_target), str(currency)))
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
    return wide[order].map(text.share).rename_axis(columns=None)


def path_summary(paths: Sequence[ExportPath], levels: pd.DataFrame, reserves: float) -> pd.DataFrame:
    """Per path: growth, level and cumulative exports in the last year, and the share of the reserves exported.

    ``years_at_last_level`` is the years it would take, at the path's level in the last year, to export the
    reserves' value; ``currency`` is the currency of the amounts.
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
                     "years_at_last_level": reserves / level, "claims": ", ".join(path.claim_ids),
                     "currency": path.currency})
    return pd.DataFrame(rows)


def readable_paths(summary: pd.DataFrame) -> pd.DataFrame:
    """The path summary as a reader wants it (amounts in words, percentages)."""
    return pd.DataFrame({
        "path": summary["label"],
        "growth a year": summary["yearly_growth"].map(text.rate),
        "years counted": [text.years_span(a, b) for a, b in zip(summary["first_year"], summary["last_year"],
                                                                strict=True)],
        "exports in last year": [text.amount(v, vocab.per_year(c, True))
                                 for v, c in zip(summary["level_in_last_year"], summary["currency"], strict=True)],
        "cumulative exports": [text.amount(v, c) for v, c in zip(summary["cumulative_exports"], summary["currency"],
                                                                 strict=True)],
        "share of reserves": summary["share_of_reserves"].map(text.share),
        "years to export reserves at last level": summary["years_at_last_level"].map(text.number),
    })


def paths_finding(summary: pd.DataFrame) -> str:
    """The chart title: the share of the reserves even the fastest path would have exported by the last year."""
    best = summary.loc[summary["share_of_reserves"].idxmax()]
    lead = "even the fastest path" if len(summary) > 1 else "the path"
    return (f"By {best['last_year']} {lead} would have exported {text.share(best['share_of_reserves'])} "
            "of the claimed reserves")


def path_figures(paths: Sequence[ExportPath], summary: pd.DataFrame, reserves_id: str) -> list[dict[str, object]]:
    """Key figures of each path (cumulative exports, share of reserves, yearly growth), with their claim ids."""
    out: list[dict[str, object]] = []
    for path, row in zip(paths, summary.itertuples(), strict=True):
        span = f"{row.first_year}-{row.last_year}"
        ids = [*path.claim_ids, reserves_id]
        out.append({"name": f"cumulative_exports_{path.key}", "label": f"Cumulative exports {span}, {path.label}",
                    "value": row.cumulative_exports, "unit": path.currency, "claims": list(path.claim_ids)})
        out.append({"name": f"share_of_reserves_{path.key}",
                    "label": f"Share of the claimed reserves exported {span}, {path.label}",
                    "value": row.share_of_reserves, "unit": "fraction", "claims": ids})
        if path.key != "flat":
            out.append({"name": f"yearly_growth_{path.key}", "label": f"Yearly growth needed, {path.label}",
                        "value": path.rate, "unit": "fraction/yr", "claims": list(path.claim_ids)})
    return out


def paths_sentence(summary: pd.DataFrame) -> str:
    """What each path adds up to by the last year, and the growth each ramp needs."""
    first = summary.iloc[0]
    parts = []
    for row in summary.itertuples():
        growth = "" if row.yearly_growth == 0 else f", growing {text.rate(row.yearly_growth)} a year,"
        parts.append(f"{row.label}{growth} adds up to {text.amount(row.cumulative_exports, row.currency)} "
                     f"({text.share(row.share_of_reserves)} of the reserves)")
    years = "year" if first["years_counted"] == 1 else "years"
    return (f"Counting every year from {first['first_year']} to {first['last_year']}, both included "
            f"({first['years_counted']} {years}): " + "; ".join(parts) + ".")
