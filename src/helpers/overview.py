"""All targets side by side, claims against official figures, and claims that disagree with each other."""

from __future__ import annotations

import math
import re

import pandas as pd

from helpers import gap, snapshots, text, vocab
from helpers.context import series_for
from helpers.errors import SeriesError, SnapshotError


def analyse_all(claims: pd.DataFrame, context: pd.DataFrame, claim_series: pd.DataFrame,
                benchmarks: pd.DataFrame, *, base_year: int | None = None,
                horizon_years: int = gap.DEFAULT_HORIZON_YEARS,
                about_band: float = gap.DEFAULT_ABOUT_BAND) -> list[gap.GapAnalysis]:
    """A gap analysis of every target claim in the register, in register order (the same analysis, with the
    same defaults, as each target's own report)."""
    ids = claims.loc[claims["claim_type"].eq("target"), "id"]
    return [gap.analyse_target(claims, context, claim_series, benchmarks, claim_id, base_year=base_year,
                               horizon_years=horizon_years, about_band=about_band) for claim_id in ids]


def targets_table(analyses: list[gap.GapAnalysis]) -> pd.DataFrame:
    """One row per target: baseline, target, gap, multiple, required and historical growth."""
    return pd.concat([gap.gap_table(a) for a in analyses], ignore_index=True)


def targets_view(analyses: list[gap.GapAnalysis]) -> pd.DataFrame:
    """The targets table in words, for readers."""
    rows = []
    for a in analyses:
        view = gap.gap_view(a)["value"]
        ranged = a.range
        rows.append({"subject": gap.subject_of(a), "target": view["Target"], "by": a.target_year,
                     "measure": a.measure_words,
                     "baseline": view["Baseline"],
                     "gap": view["Gap (target minus baseline)"], "multiple": view["Multiple of the baseline"],
                     "required growth": view["Required growth a year"],
                     "range over baselines": (text.bounds(ranged.low, ranged.high, text.rate)
                                              if ranged is not None and ranged.central is not None else "n/a"),
                     "record": view["Historical growth a year"], "verdict": gap.rating(a),
                     "ids": ", ".join(a.claim_ids)})
    return pd.DataFrame(rows)


def growth_frame(analyses: list[gap.GapAnalysis], benchmarks: pd.DataFrame | None = None) -> pd.DataFrame:
    """Required growth of each target (fastest first) next to its series' record and the fastest episode of
    its own measure (never another measure's). ``benchmarks`` is unused: each analysis holds its own."""
    rows = []
    for a in sorted(analyses, key=lambda x: -(_slowest(x) or -1)):
        if a.required is not None:
            rows.extend(gap.growth_rows(a, record_label="  its record,"))
            if not a.benchmarks.empty:
                best = a.benchmarks.sort_values("cagr").iloc[-1]
                rows.append({"label": f"  fastest {a.measure_words}: {best['name']}", "low": best["cagr"],
                             "high": best["cagr"], "kind": "benchmark", "ids": ", ".join(best["context_ids"])})
    frame = pd.DataFrame(rows, columns=gap.GROWTH_COLUMNS)
    frame.attrs["names"] = gap.subject_names(analyses)
    return frame


def _slowest(analysis: gap.GapAnalysis) -> float | None:
    """The lowest required growth of a target (None without a baseline)."""
    required = analysis.required
    if required is None:
        return None
    return required.low if required.low is not None else required.high


def growth_title(analyses: list[gap.GapAnalysis], benchmarks: pd.DataFrame | None = None) -> str:
    """Title stating how many targets need growth faster than every episode of their own measure (computed)."""
    compared = [a for a in analyses if a.required is not None and not a.benchmarks.empty]
    faster = sum(1 for a in compared if _slowest(a) > a.benchmarks["cagr"].max())
    return (f"{faster} of {len(compared)} targets with episodes of their own measure need growth faster than "
            "every such episode")


#: Comparisons with an official figure more than this many years older than the claim are flagged as dated.
DATED_AFTER_YEARS = 3


#: Context series an agency's own series in ``data/snapshots`` covers (the same measure, place and period
#: kind): series key -> (source, code, ISO3 economy, words). The agency's figure is preferred to a press copy.
AGENCY_SAME_MEASURE: dict[str, tuple[str, str, str, str]] = {
    "cn_goods_imports_gac": ("wdi", "TM.VAL.MRCH.CD.WT", "CHN", "World Bank WDI"),
}
_RELAYED = re.compile(r"^(?P<outlet>.+?)\s*\((?P<verb>citing|quoting)\s+(?P<agency>[^)]+)\)\s*$", re.IGNORECASE)


def figure_words(source: str, standing: str) -> str:
    """What a reader should call the figure: "official figure" only for an agency's own release; "the State
    Bank of Pakistan figure as reported by Profit / Pakistan Today (press-reported)" for an official statistic
    known through the press; "press-reported figure" otherwise."""
    if standing == "official":
        return "official figure"
    relayed = _RELAYED.match(source)
    if standing.startswith("official") and relayed:
        if relayed["verb"].lower() == "quoting":  # a person speaking for the agency
            return f"figure given by {relayed['agency']}, as reported by {relayed['outlet']} (press-reported)"
        return f"{relayed['agency']} figure as reported by {relayed['outlet']} (press-reported)"
    return "press-reported figure"


def _agency_point(series_key: str, folder=None) -> dict | None:
    """The latest point of the agency series covering ``series_key``, with its code and vintage, if any."""
    if series_key not in AGENCY_SAME_MEASURE:
        return None
    source_, code, geo, words = AGENCY_SAME_MEASURE[series_key]
    try:
        points = snapshots.series(source_, code, geo, folder=folder)
    except SnapshotError:
        return None
    year = int(points.index[-1])
    return {"value": float(points.iloc[-1]), "year": year, "period": f"{year} (calendar year)",
            "source": f"{words} {code} ({points.attrs['vintage']})", "standing": "official",
            "confidence": points.attrs.get("confidence") or "high", "row_id": points.attrs["row_ids"][year],
            "unit": "current US$"}


def claim_vs_official(claims: pd.DataFrame, context: pd.DataFrame, claim_series: pd.DataFrame,
                      tolerance: float = 0.1, about_band: float = gap.DEFAULT_ABOUT_BAND,
                      folder=None) -> pd.DataFrame:
    """Each claim beside the latest full-period official or press-reported figure of the same measure.

    Uses the ``same_measure`` rows of the claim-to-series mapping that name a time series. Part-year figures
    are left out (a Jan-Aug total is not an annual one); the period, its kind, the source's standing
    (``gap.standing``: official only for agencies) and its confidence are shown, with how many years the
    figure is older than the claim, so nothing is mixed silently.
    Where an agency's own series in the snapshots covers the measure (``AGENCY_SAME_MEASURE``), its latest
    point is used instead, cited by its series code and vintage. A claim qualified "about" is the interval
    +/- ``about_band`` (the band the gap analysis uses): the difference is a range (``difference_low_pct`` to
    ``difference_high_pct``) and ``agrees`` is True when any of it is within ``tolerance``.
    """
    rows = []
    mapped = claim_series.loc[claim_series["relation"].eq("same_measure")]
    for link in mapped.itertuples():
        claim = claims.loc[claims["id"].eq(link.claim_id)]
        if claim.empty:
            continue
        claim = claim.iloc[0]
        try:
            points = series_for(context, link.series, claim_series)
        except SeriesError:
            continue  # a target or label row: a single figure, not a series to compare with
        full = [i for i, kind in enumerate(points.attrs["period_kinds"]) if not kind.endswith("_partial")]
        if not full:
            continue
        row_id = points.attrs["context_ids"][full[-1]]
        figure = context.loc[context["id"].eq(row_id)].iloc[0]
        agency = _agency_point(link.series, folder)
        if agency is not None:
            point = agency
        else:
            point = {"value": float(figure["value"]), "year": int(figure["period_year"]),
                     "period": figure["period_label"], "source": figure["source_publisher"],
                     "standing": gap.standing(str(figure["source_publisher"]), str(figure["indicator"]),
                                              str(figure["excerpt"])),
                     "confidence": figure["confidence"], "row_id": row_id, "unit": figure["unit"]}
        official = point["value"]
        stated = vocab.Amount.from_row(claim).central
        difference = (stated / official - 1) * 100
        low, high = _interval(claim, about_band)
        low_diff, high_diff = (low / official - 1) * 100, (high / official - 1) * 100
        claim_year = int(str(claim["as_of"])[:4])
        rows.append({
            "claim": claim["id"],
            "subject": claim["subject"],
            "claim_says": text.claim(claim),
            "claim_value": stated,
            "official_figure": text.reported(official, point["unit"]),
            "official_value": official,
            "period": point["period"],
            "period_kind": "calendar" if agency is not None else figure["series_kind"],
            "years_older": claim_year - point["year"],
            "source": point["source"],
            "standing": point["standing"],
            "figure_kind": figure_words(str(point["source"]), point["standing"]),
            "confidence": point["confidence"],
            "context_id": point["row_id"],
            "difference_pct": difference,
            "difference_low_pct": low_diff,
            "difference_high_pct": high_diff,
            "agrees": low_diff <= tolerance * 100 and high_diff >= -tolerance * 100,
        })
    return pd.DataFrame(rows, columns=["claim", "subject", "claim_says", "claim_value", "official_figure",
                                       "official_value",
                                       "period", "period_kind", "years_older", "source", "standing",
                                       "figure_kind", "confidence", "context_id", "difference_pct",
                                       "difference_low_pct", "difference_high_pct", "agrees"])



def checked_facts(claims: pd.DataFrame, context: pd.DataFrame, claim_series: pd.DataFrame) -> int:
    """How many claims other than targets have an official or press-reported figure of the same measure to be
    checked against (the claims ``claim_vs_official`` compares; targets are checked in their own reports)."""
    table = claim_vs_official(claims, context, claim_series)
    facts = set(claims.loc[claims["claim_type"].ne("target"), "id"])
    return len(set(table["claim"]) & facts)


def official_view(table: pd.DataFrame) -> pd.DataFrame:
    """Claim-vs-official table in words."""
    return pd.DataFrame({
        "subject": table["subject"],
        "claim says": table["claim_says"], "checked against": table["official_figure"],
        "period": table["period"] + table["years_older"].map(
            lambda y: f"; {y} years before the claim" if y > DATED_AFTER_YEARS else ""),
        "source": table["source"] + " [" + table["standing"] + "; " + table["confidence"] + " confidence]",
        "claim vs that figure": table["difference_pct"].map(lambda d: text.change(d / 100)),
        "agrees": table["agrees"].map({True: "yes", False: "no"}),
        "ids": table["claim"] + ", " + table["context_id"],
    })


def official_sentence(table: pd.DataFrame, tolerance: float) -> str:
    """How many claims agree with a recent official figure within ``tolerance`` (computed)."""
    if table.empty:
        return "No claim has an official figure of the same measure in the context data."
    recent = table.loc[table["years_older"] <= DATED_AFTER_YEARS]
    dated = len(table) - len(recent)
    sentence = (f"{int(recent['agrees'].sum())} of {len(recent)} comparisons with recent figures agree within "
                f"{text.share(tolerance)}")
    if not recent.empty:
        worst = recent.loc[recent["difference_pct"].abs().idxmax()]
        sentence += (f"; the largest difference is {worst['subject']} ({worst['claim_says']}) against "
                     f"{worst['official_figure']} in {worst['period']}: {text.change(worst['difference_pct'] / 100)}")
    if dated:
        sentence += (f". {dated} more compare with figures over {DATED_AFTER_YEARS} years older than the claim, "
                     "shown for reference only")
    return sentence + "."


def _interval(row: pd.Series, tolerance: float) -> tuple[float, float]:
    """The values a claim admits: exact/range as stated, approximate +/- tolerance, bounds open on one side."""
    low, high = float(row["value_low"]), float(row["value_high"])
    if row["qualifier"] == "approximate":
        return low * (1 - tolerance), high * (1 + tolerance)
    if row["qualifier"] == "lower_bound":
        return low, math.inf
    if row["qualifier"] == "upper_bound":
        return 0.0, high
    return low, high


def disagreeing_claims(claims: pd.DataFrame, tolerance: float = 0.1) -> pd.DataFrame:
    """Pairs of non-target claims about the same subject, place and unit whose admitted values do not overlap."""
    facts = claims.loc[claims["claim_type"].ne("target")]
    rows = []
    for _, group in facts.groupby(["subject", "geo", "partner", "unit"], sort=True):
        items = list(group.itertuples(index=False))
        for i, first in enumerate(items):
            for second in items[i + 1:]:
                a = _interval(pd.Series(first._asdict()), tolerance)
                b = _interval(pd.Series(second._asdict()), tolerance)
                if a[1] < b[0] or b[1] < a[0]:
                    rows.append({"claim_a": first.id, "says_a": text.claim(first),
                                 "claim_b": second.id, "says_b": text.claim(second),
                                 "seeds": f"{first.seed_file}, {second.seed_file}"})
    return pd.DataFrame(rows, columns=["claim_a", "says_a", "claim_b", "says_b", "seeds"])


def disagreement_view(table: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """Pairs of disagreeing claims in words: the subject, what each says and where (outlet and date); the
    claim ids last."""
    from helpers.charts import said_by

    by_id = {str(r["id"]): r for r in claims.to_dict("records")}

    def where(claim_id: str) -> str:
        row = by_id.get(claim_id)
        return said_by(row) if row is not None else claim_id

    return pd.DataFrame({
        "subject": [str(by_id.get(a, {}).get("subject", "")) for a in table["claim_a"]],
        "one claim": table["says_a"], "said by": table["claim_a"].map(where),
        "the other": table["says_b"], "said by ": table["claim_b"].map(where),
        "ids": table["claim_a"] + ", " + table["claim_b"],
    }, columns=["subject", "one claim", "said by", "the other", "said by ", "ids"])


def source(analyses: list[gap.GapAnalysis], claims: pd.DataFrame, context: pd.DataFrame) -> str:
    """Source line naming every claim and context row the analyses use."""
    from helpers.charts import source_line

    claim_ids = {i for a in analyses for i in a.claim_ids}
    context_ids = {i for a in analyses for i in a.context_ids}
    return source_line(claims.loc[claims["id"].isin(claim_ids)], context.loc[context["id"].isin(context_ids)])


def record_key_figures(analyses: list[gap.GapAnalysis], report) -> None:
    """Required growth of every target as key figures of ``report``: low and high from its baseline, and the
    central, low and high over all baselines (named as in every report, ``gap.required_figures``)."""
    for a in analyses:
        for item in gap.required_figures(a):
            report.figure(item["name"], item["label"], item["value"], item["unit"], item["claims"], item["context"])
        required = a.required
        ids, rows = a.claim_ids, a.baseline.context if a.baseline else []
        for side in ("low", "high"):
            value = getattr(required, side) if required is not None else None
            report.figure(f"required_cagr_{side}:{a.claim['id']}", f"Required growth a year ({side}), {a.claim['id']}",
                          value, "fraction/yr", ids, rows)


def record_official_figures(table: pd.DataFrame, report) -> None:
    """Each claim's difference from the latest official or reported figure of the same measure, as key figures
    (``claim_vs_official:<claim id>:<context id>``, a fraction), with the claim and context ids."""
    for row in table.itertuples():
        report.figure(f"claim_vs_official:{row.claim}:{row.context_id}",
                      f"{row.claim}: the claim against {row.official_figure} ({row.period}; {row.source}, "
                      f"{row.confidence} confidence)", row.difference_pct / 100, "fraction", [row.claim],
                      [row.context_id])


def disagreement_sentence(table: pd.DataFrame, claims: pd.DataFrame) -> str:
    """What the disagreement check found (computed)."""
    checked = len(claims.loc[claims["claim_type"].ne("target")])
    if table.empty:
        return (f"No two of the {checked} non-target claims about the same subject, place and unit disagree: "
                "where two articles state the same measure, their figures overlap.")
    return f"{len(table)} pair(s) of claims about the same subject, place and unit state figures that cannot both hold."
