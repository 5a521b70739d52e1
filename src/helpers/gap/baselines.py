"""Baselines as ranges: every starting level the data support for a target, and the growth each requires.

Candidates, each with its year, its standing and its ids:

* the article's own figure (the target's baseline claim), a press-reported statement;
* the latest full-period point of every series the claim-to-series mapping gives as the target's history
  (official when a statistics office, central bank, customs or ministry publishes it, press-reported when it
  reaches us through the press; one-direction series of a two-way trade target are marked as floors);
* for a GDP target, the agencies' own series in the snapshots (World Bank WDI, IMF WEO).

Figures over ``DATED_AFTER_YEARS`` older than the claim are not baselines (they are kept as history). An
"about" figure becomes an explicit band of +/- ``about_band`` (a report parameter). The central case is the
latest official figure (an agency's own series first, then the best-rated press report of official data),
else the article's figure; the low and high ends are the lowest and highest required growth over all
candidates, each naming its baseline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from helpers import econ, snapshots, text
from helpers.context import series_for
from helpers.errors import SeriesError, SnapshotError

#: Figures more than this many years older than the claim are history, not a baseline.
DATED_AFTER_YEARS = 3
#: Default half-width of the band an "about" figure stands for (0.1: +/- 10%).
DEFAULT_ABOUT_BAND = 0.1
_AGENCY = re.compile(r"State Bank|\bSBP\b|Bureau of Statistics|\bPBS\b|National Accounts|\bNAC\b|Ministry of "
                     r"Commerce|\bMoC\b|Customs|\bGACC?\b|\bIRICA\b|World Bank|\bWDI\b|\bIMF\b|\bWTO\b|Trade "
                     r"Development Authority|\bTDAP\b|statistics|Trade Promotion", re.IGNORECASE)
_PRESS = re.compile(r"\bciting\b|\bquoting\b|as reported|\bvia\b.*(Times|News|Recorder|Dawn|Profit|APP)",
                    re.IGNORECASE)
_STATEMENT = re.compile(r"ambassador|envoy|minister|president|interview|chairman", re.IGNORECASE)
#: A report that names no publication, only unnamed "sources" (English or Urdu "ذرائع"), is press-reported
#: even when it says the sources are in a ministry: nobody can check the figure against a release.
_UNNAMED = re.compile(r"\bsources\b|\bsources (say|said)\b|ذرائع", re.IGNORECASE)
#: Snapshot series that give an official baseline for a measure and economy: (source, code, agency). The
#: snapshot's vintage names the dataset ("WDI, public copy of ...", "WEO 2025-10"), so the agency is said alone.
AGENCY_SERIES: dict[tuple[str, str], list[tuple[str, str, str]]] = {
    ("gdp_current_usd", "Pakistan"): [("wdi", "NY.GDP.MKTP.CD", "World Bank"),
                                      ("imf", "NGDPD", "IMF")],
}
ISO3 = {"Pakistan": "PAK", "China": "CHN"}


def standing(publisher: str, indicator: str = "", excerpt: str = "") -> str:
    """How official a figure is: "official", "official, press-reported", "press-reported statement" or
    "press-reported" (official only for statistics offices, central banks, customs, ministries' trade
    statistics and international institutions; a figure the publisher or its excerpt attributes only to
    unnamed "sources" is press-reported, whoever the sources are said to work for)."""
    both = f"{publisher} {indicator}"
    if _UNNAMED.search(f"{publisher} {excerpt}"):
        return "press-reported"
    if _STATEMENT.search(publisher) and not _AGENCY.search(publisher):
        return "press-reported statement"
    if _AGENCY.search(both):
        return "official, press-reported" if _PRESS.search(publisher) else "official"
    return "press-reported"


@dataclass
class Candidate:
    """One baseline the data support, and the growth it requires to the target year."""

    key: str  # "article", "series:<key>", "agency:<source>"
    label: str
    estimate: econ.Estimate
    year: int
    standing: str
    confidence: str
    required: econ.Estimate | None = None
    central_rate: float | None = None
    floor: bool = False  # one direction of a two-way trade target: a floor for the baseline
    amount: str = ""  # the figure in words
    cited: str = ""  # how a reader finds it, when not by its ids (an agency's series code)
    claims: list[str] = field(default_factory=list)
    context: list[str] = field(default_factory=list)

    @property
    def short(self) -> str:
        """The baseline in a few words: "$2.5 billion in FY2024-25 (official, press-reported)", an agency's
        series with its code ("(WDI NY.GDP.MKTP.CD; official)"); the ids are in ``ids``."""
        where = [self.cited] if self.cited else []
        return f"{self.label.split(' (')[0]} ({'; '.join([*where, self.standing])})"

    @property
    def words(self) -> str:
        """The label as a reader sees it in a table or a verdict: without its ids (they are in ``ids``)."""
        return text.without_ids(self.label, self.ids)

    @property
    def ids(self) -> list[str]:
        """Claim and context (or snapshot) ids behind the baseline."""
        return [*self.claims, *self.context]


@dataclass
class RequiredRange:
    """Low, central and high required growth a year, each with the baseline behind it."""

    low: float | None
    central: float | None
    high: float | None
    low_from: Candidate | None
    central_from: Candidate | None
    high_from: Candidate | None
    candidates: list[Candidate]
    notes: list[str] = field(default_factory=list)

    def brief(self) -> str:
        """The range in a line for the index: "24.4% to 69.1% a year (from $2.7 billion in 2023 (Iran Press;
        press-reported) to $1.2 billion in FY2024-25 (...), a floor)"; one baseline: "17.3% a year from ..."."""
        if self.central is None or self.central_from is None:
            return "not measurable: no baseline"
        if self.low is None or self.high is None or not self.low < self.high:
            return f"{text.rate(self.central)} a year from {self.central_from.short}"
        ends = [c.short for c in (self.low_from, self.high_from) if c is not None]
        floor = ", a floor" if self.high_from is not None and self.high_from.floor else ""
        central = (f"; central {text.rate(self.central)}" if self.central not in (self.low, self.high) else "")
        return (f"{text.bounds(self.low, self.high, text.rate)} a year{central} (from {' to '.join(ends)}{floor})"
                if len(ends) == 2 and ends[0] != ends[1] else
                f"{text.bounds(self.low, self.high, text.rate)} a year{central}")

    def text(self) -> str:
        """"35.1% a year (from ...), range 33.4% (from ...) to 38.3% (from ...)"."""
        if self.central is None:
            return "not measurable: no baseline"
        if self.low_from is self.central_from and self.high_from is self.central_from:
            bound = self.central_from.required.qualifier if self.central_from.required is not None else ""
            if bound in ("lower_bound", "upper_bound"):  # a "more than" / "up to" target
                side = ("at least", self.low) if bound == "lower_bound" else ("at most", self.high)
                return f"{side[0]} {text.rate(side[1])} a year from {self.central_from.words}"
            if self.low is not None and self.high is not None and self.low < self.high:
                return (f"between {text.rate(self.low)} and {text.rate(self.high)} a year (central "
                        f"{text.rate(self.central)}) from {self.central_from.words}")
            return f"{text.rate(self.central)} a year from {self.central_from.words}"
        out = f"{text.rate(self.central)} a year from {self.central_from.words}"
        if not self.central_from.standing.startswith("official") and self.central_from.key != "article":
            out += " (press-reported: no official figure of the full measure is in the data)"
        if self.low is not None and self.high is not None:
            def end(value: float, cand: Candidate) -> str:
                return f"{text.rate(value)} " + ("(this baseline)" if cand is self.central_from else
                                                 f"(from {cand.words})")
            if self.high_from.floor and self.high_from is not self.central_from:
                out += (f"; range {end(self.low, self.low_from)} up to {text.rate(self.high)} only if counted "
                        f"from {self.high_from.words} alone (one direction of the trade: a floor for the "
                        "baseline, so an upper bound for the growth)")
            else:
                out += f"; range {end(self.low, self.low_from)} to {end(self.high, self.high_from)}"
        return out


def banded(estimate: econ.Estimate, band: float) -> econ.Estimate:
    """An "about" figure as the explicit band value * (1 -/+ band); other figures unchanged."""
    if not estimate.approximate or estimate.value is None or band <= 0:
        return estimate
    return econ.Estimate(estimate.value, estimate.value * (1 - band), estimate.value * (1 + band), "range", True)


def _article(claim: pd.Series, claims: pd.DataFrame) -> Candidate | None:
    if not claim["baseline_id"]:
        return None
    base = claims.loc[claims["id"].eq(claim["baseline_id"])].iloc[0]
    estimate = econ.Estimate.from_claim(base["value"], base["value_low"], base["value_high"], base["qualifier"])
    year = int(str(base["as_of"])[:4])
    who = f", {base['speaker']}" if str(base.get("speaker") or "") else ""
    return Candidate("article", f"the article's {text.claim(base)} in {year} (claim {base['id']}{who}; "
                     "a press-reported statement)", estimate, year, "press-reported statement", "as stated",
                     claims=[base["id"]], amount=text.claim(base))


def _series(claim: pd.Series, context: pd.DataFrame, claim_series: pd.DataFrame, measure: str | None,
            notes: list[str]) -> list[Candidate]:
    out = []
    rows = claim_series.loc[claim_series["claim_id"].eq(claim["id"]) & claim_series["relation"].eq("baseline_history")]
    claim_year = int(str(claim["as_of"])[:4])
    for row in rows.itertuples():
        try:
            points = series_for(context, row.series, claim_series)
        except SeriesError:
            continue
        full = [i for i, kind in enumerate(points.attrs["period_kinds"]) if not kind.endswith("_partial")]
        if not full:
            continue
        position = full[-1]
        row_id = points.attrs["context_ids"][position]
        figure = context.loc[context["id"].eq(row_id)].iloc[0]
        year, label = int(points.index[position]), points.attrs["period_labels"][position].split(" (")[0]
        amount = text.reported(float(points.iloc[position]), points.attrs["unit"])
        if claim_year - year > DATED_AFTER_YEARS:
            notes.append(f"{amount} in {label} (context {row_id}, {figure['confidence']} confidence) is over "
                         f"{DATED_AFTER_YEARS} years older than the claim, so it is history, not a baseline")
            continue
        where = standing(str(figure["source_publisher"]), str(figure["indicator"]), str(figure["excerpt"]))
        floor = measure == "bilateral_trade_usd" and bool(re.search(r"imports from|exports to|exports\b|non-oil",
                                                                    str(figure["indicator"]), re.IGNORECASE))
        kind = "; part of two-way trade only, a floor" if floor else ""
        out.append(Candidate(f"series:{row.series}", f"{amount} in {label} ({figure['source_publisher']}; {where}, "
                             f"{figure['confidence']} confidence{kind}; context {row_id})",
                             econ.Estimate.exact(float(points.iloc[position])), year, where,
                             str(figure["confidence"]), floor=floor, context=[row_id], amount=amount))
    return out


def _agency(measure: str | None, geo: str, folder=None) -> list[Candidate]:
    out = []
    for source, code, words in AGENCY_SERIES.get((measure or "", geo), []):
        try:
            points = snapshots.series(source, code, ISO3.get(geo, geo), folder=folder)
        except SnapshotError:
            continue
        year = int(points.index[-1])
        row = points.attrs["row_ids"][year]
        out.append(Candidate(f"agency:{source}", f"{text.amount(float(points.iloc[-1]), 'USD')} in {year} "
                             f"({words}, {points.attrs['vintage']}; official; series {code})",
                             econ.Estimate.exact(float(points.iloc[-1])), year, "official",
                             points.attrs.get("confidence") or "high", context=[row],
                             amount=text.amount(float(points.iloc[-1]), "USD"), cited=f"{source.upper()} {code}"))
    return out


_RANK = {"official": 0, "official, press-reported": 1, "press-reported statement": 3, "press-reported": 4}
_CONFIDENCE = {"high": 0, "medium": 1, "low": 2}


def central_candidate(candidates: list[Candidate]) -> Candidate | None:
    """The best figure of the full measure: the latest official one (agency series first, then the best-rated
    press report of official data), else the article's figure, else a press-reported full-measure figure.
    A floor (one direction of a two-way trade target) understates the baseline, so the growth from it is
    only an upper bound: it is the central case only when no full-measure figure exists."""
    usable = [c for c in candidates if c.required is not None]
    if not usable:
        return None

    def order(c: Candidate) -> tuple:
        source = 0 if c.standing.startswith("official") else 1 if c.key == "article" else 2
        return (c.floor, source, _RANK.get(c.standing, 5), -c.year, _CONFIDENCE.get(c.confidence, 3))
    return min(usable, key=order)


def required_range(claim: pd.Series, claims: pd.DataFrame, context: pd.DataFrame, claim_series: pd.DataFrame,
                   target: econ.Estimate, target_year: int, measure: str | None, *,
                   about_band: float = DEFAULT_ABOUT_BAND, folder=None) -> RequiredRange:
    """Every supported baseline's required growth to ``target`` in ``target_year``, and the low, central
    and high of them (see the module docstring)."""
    notes: list[str] = []
    candidates = [c for c in [_article(claim, claims)] if c is not None]
    candidates += _series(claim, context, claim_series, measure, notes)
    candidates += _agency(measure, str(claim["geo"]), folder)
    goal = banded(target, about_band)
    for cand in candidates:
        years = target_year - cand.year
        if years <= 0:
            notes.append(f"{cand.label} is not before the target year {target_year}")
            continue
        cand.required = econ.required_cagr_estimate(banded(cand.estimate, about_band), goal, years)
        if cand.estimate.central and target.central:
            cand.central_rate = econ.required_cagr(cand.estimate.central, target.central, years)
    usable = [c for c in candidates if c.required is not None]
    if not usable:
        return RequiredRange(None, None, None, None, None, None, candidates, notes)
    central = central_candidate(candidates)
    lows = [(c.required.low, c) for c in usable if c.required.low is not None]
    highs = [(c.required.high, c) for c in usable if c.required.high is not None]
    low = min(lows, key=lambda x: x[0]) if lows else (None, None)
    high = max(highs, key=lambda x: x[0]) if highs else (None, None)
    return RequiredRange(low[0], central.central_rate, high[0], low[1], central, high[1], candidates, notes)


def set_by_parameter(result: RequiredRange, estimate: econ.Estimate, year: int, label: str, amount: str,
                     target: econ.Estimate, target_year: int, about_band: float = DEFAULT_ABOUT_BAND
                     ) -> RequiredRange:
    """The range when a run sets the baseline (``baseline_override``): central, low and high all from that
    baseline, "baseline set by parameter"; the data's baselines stay listed for reference, with no role."""
    cand = Candidate("parameter", label, estimate, year, "baseline set by parameter", "as set", amount=amount)
    years = target_year - year
    cand.required = econ.required_cagr_estimate(estimate, banded(target, about_band), years)
    if estimate.central and target.central:
        cand.central_rate = econ.required_cagr(estimate.central, target.central, years)
    return RequiredRange(cand.required.low, cand.central_rate, cand.required.high, cand, cand, cand,
                         [cand, *result.candidates], list(result.notes))


def candidates_view(result: RequiredRange) -> pd.DataFrame:
    """One row a baseline: the figure, its standing, and the growth it requires (low-high)."""
    rows = []
    for c in result.candidates:
        req = c.required
        role = [name for name, who in (("central", result.central_from), ("low end", result.low_from),
                                       ("high end", result.high_from)) if who is c]
        rows.append({"baseline": c.words, "standing": c.standing, "year": c.year,
                     "required growth a year": "n/a" if req is None else text.bounds(req.low, req.high, text.rate),
                     "central case": "n/a" if c.central_rate is None else text.rate(c.central_rate),
                     "role": ", ".join(role), "ids": ", ".join(c.ids)})
    return pd.DataFrame(rows, columns=["baseline", "standing", "year", "required growth a year", "central case",
                                       "role", "ids"])
