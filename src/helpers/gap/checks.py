"""The checks an economist makes first, computed for every target of the kind, from the agencies' series.

* a bilateral export or trade target as a share of the partner's total imports and of Pakistan's total
  merchandise exports or trade in the target year (totals projected from their latest official figure at
  their own growth over the last ten years: a stated assumption, shown beside the result);
* a GDP target's required growth against the World Bank's record and the IMF's latest figures (the IMF
  snapshot holds no US$ projection for Pakistan beyond its latest year: said so, not filled in);
* an investment target against the country's foreign direct investment record (World Bank WDI).

Each check is a dict: name, label, value, unit, text (the sentence), claims and context (snapshot row ids).
"""

from __future__ import annotations

import pandas as pd

from helpers import econ, snapshots, text
from helpers.errors import ParameterError, SnapshotError

#: Years of the record used to project a total to the target year.
PROJECTION_YEARS = 10
ISO3 = {"Pakistan": "PAK", "China": "CHN"}


def _series(source: str, code: str, geo: str) -> pd.Series | None:
    try:
        return snapshots.series(source, code, geo)
    except SnapshotError:
        return None


def _projected(points: pd.Series, year: int) -> tuple[float, float, int, list[str]]:
    """(level in ``year``, growth used, last year, row ids): the latest figure grown at its own growth over
    the last ``PROJECTION_YEARS`` years."""
    last = int(points.index[-1])
    first = last - PROJECTION_YEARS if last - PROJECTION_YEARS in points.index else int(points.index[0])
    growth = econ.historical_cagr(points, first, last)
    ids = [points.attrs["row_ids"][first], points.attrs["row_ids"][last]]
    return float(points[last]) * (1 + growth) ** (year - last), growth, last, ids


def _share_check(name: str, label: str, goal: float, points: pd.Series, year: int, what: str, why: str,
                 claim_id: str) -> dict:
    level, growth, last, ids = _projected(points, year)
    share = econ.implied_share(goal, level)
    sentence = (f"{text.amount(goal, 'USD')} would be {text.share(share)} of {what} in {year} "
                f"({text.amount(level, 'USD')}, projected from {text.amount(float(points[last]), 'USD')} in {last} "
                f"at its own growth of {text.rate(growth)} a year over {last - PROJECTION_YEARS}-{last}; {why}; "
                f"{points.attrs['publisher']}, {points.attrs['series_code']})")
    return {"name": name, "label": label, "value": share, "unit": "fraction", "text": sentence,
            "claims": [claim_id], "context": ids}


def bilateral_checks(analysis) -> list[dict]:
    """Shares of the partner's imports and of Pakistan's totals in the target year."""
    claim, year = analysis.claim, analysis.target_year
    goal = analysis.target.central
    out: list[dict] = []
    partner = ISO3.get(str(claim["partner"]))
    if partner:
        imports = _series("wdi", "TM.VAL.MRCH.CD.WT", partner)
        if imports is not None:
            out.append(_share_check("share_of_partner_imports", f"Target as a share of {claim['partner']}'s "
                                    f"merchandise imports in {year}", goal, imports, year,
                                    f"{claim['partner']}'s total merchandise imports",
                                    "merchandise, because the target counts goods", claim["id"]))
    if partner is None or not out:
        out.append({"name": "share_of_partner_imports", "label": "Target as a share of the partner's imports",
                    "value": None, "unit": "fraction", "claims": [claim["id"]], "context": [],
                    "text": f"{claim['partner']}'s total imports are not in the snapshots, so the target cannot be "
                            "set against them"})
    exports = _series("wdi", "TX.VAL.MRCH.CD.WT", "PAK")
    if exports is None:
        return out
    if analysis.measure == "bilateral_trade_usd":
        imports = _series("wdi", "TM.VAL.MRCH.CD.WT", "PAK")
        if imports is not None:
            total = (exports + imports).dropna()
            total.attrs.update(exports.attrs)
            total.attrs["row_ids"] = {y: f"{exports.attrs['row_ids'][y]} + {imports.attrs['row_ids'][y]}"
                                      for y in total.index}
            total.attrs["series_code"] = "TX.VAL.MRCH.CD.WT + TM.VAL.MRCH.CD.WT"
            out.append(_share_check("share_of_pakistan_trade", f"Target as a share of Pakistan's merchandise trade "
                                    f"in {year}", goal, total, year, "Pakistan's total merchandise trade (exports "
                                    "plus imports)", "two-way trade against two-way totals", claim["id"]))
    else:
        out.append(_share_check("share_of_pakistan_exports", f"Target as a share of Pakistan's merchandise "
                                f"exports in {year}", goal, exports, year, "Pakistan's total merchandise exports",
                                "exports to one partner against exports to all", claim["id"]))
    return out


def gdp_checks(analysis) -> list[dict]:
    """The GDP target's required growth against the World Bank's record and the IMF's latest figures."""
    out: list[dict] = []
    claim = analysis.claim
    wdi = _series("wdi", "NY.GDP.MKTP.CD", "PAK")
    if wdi is not None:
        last = int(wdi.index[-1])
        first = last - PROJECTION_YEARS
        record = econ.historical_cagr(wdi, first, last)
        out.append({"name": "gdp_record_wdi", "label": f"Pakistan's GDP growth in current US$, {first}-{last} "
                    "(World Bank WDI)", "value": record, "unit": "fraction/yr", "claims": [claim["id"]],
                    "context": [wdi.attrs["row_ids"][first], wdi.attrs["row_ids"][last]],
                    "text": f"the World Bank's series grew {text.rate(record)} a year in nominal US$ over "
                            f"{first}-{last} ({wdi.attrs['vintage']})"})
    imf = _series("imf", "NGDPD", "PAK")
    if imf is not None:
        last = int(imf.index[-1])
        step = float(imf[last]) / float(imf[last - 1]) - 1
        out.append({"name": "gdp_latest_imf", "label": f"IMF WEO growth of GDP in current US$, {last - 1}-{last}",
                    "value": step, "unit": "fraction/yr", "claims": [claim["id"]],
                    "context": [imf.attrs["row_ids"][last - 1], imf.attrs["row_ids"][last]],
                    "text": f"the IMF's {imf.attrs['vintage']} has {text.amount(float(imf[last]), 'USD')} for {last} "
                            f"({text.rate(step)} over {last - 1}); the snapshot holds no IMF US$ projection for "
                            f"Pakistan beyond {last}, so none is compared"})
    return out


def investment_checks(analysis) -> list[dict]:
    """An investment target against the country's FDI record (all sectors, net inflows)."""
    claim = analysis.claim
    fdi = _series("wdi", "BX.KLT.DINV.CD.WD", ISO3.get(str(claim["geo"]), "PAK"))
    if fdi is None:
        return []
    peak_year = int(fdi.idxmax())
    last = int(fdi.index[-1])
    window = fdi.loc[last - PROJECTION_YEARS + 1:last]
    total = float(window.sum())
    goal = analysis.target.central
    ids = fdi.attrs["row_ids"]
    return [
        {"name": "fdi_peak", "label": f"Pakistan's largest year of FDI inflows, all sectors ({peak_year})",
         "value": float(fdi[peak_year]), "unit": "USD", "claims": [claim["id"]], "context": [ids[peak_year]],
         "text": f"Pakistan's largest year of net FDI inflows, all sectors, was "
                 f"{text.amount(float(fdi[peak_year]), 'USD')} in {peak_year} (World Bank WDI, BX.KLT.DINV.CD.WD)"},
        {"name": "fdi_last_decade", "label": f"Pakistan's FDI inflows, all sectors, {window.index[0]}-{last}",
         "value": total, "unit": "USD", "claims": [claim["id"]], "context": [ids[int(window.index[0])], ids[last]],
         "text": f"{text.amount(goal, 'USD')} is {text.multiple(goal / total)} the {text.amount(total, 'USD')} of "
                 f"net FDI inflows into all sectors over {int(window.index[0])}-{last}, and "
                 f"{text.multiple(goal / float(fdi[peak_year]))} the peak year"},
    ]


def economist_checks(analysis) -> list[dict]:
    """The first checks for the target's kind (empty for kinds without one)."""
    if analysis.measure in ("bilateral_exports_usd", "bilateral_trade_usd"):
        return bilateral_checks(analysis)
    if analysis.measure == "gdp_current_usd":
        return gdp_checks(analysis)
    if analysis.measure in ("investment_usd", "fdi_inflows_usd"):
        return investment_checks(analysis)
    return []


def checks_view(checks: list[dict]) -> pd.DataFrame:
    """The checks in words, with their ids."""
    return pd.DataFrame({"check": [c["label"] for c in checks],
                         "result": [c["text"] for c in checks],
                         "ids": [", ".join([*c["claims"], *c["context"]]) for c in checks]},
                        columns=["check", "result", "ids"])


def why_empty(analysis, section: str) -> str:
    """One sentence saying why a section of the target-gap report has nothing to show, or "" when it has
    something. ``section``: "first_checks", "scenarios" or "record"."""
    if section not in ("first_checks", "scenarios", "record"):
        raise ParameterError([f"section {section!r} is not a report section; allowed: first_checks, scenarios, "
                              "record"], "the target-gap report")
    measure = analysis.measure_words
    has_baseline = (analysis.range is not None and analysis.range.central is not None) or \
        analysis.baseline is not None
    if section == "first_checks" and not economist_checks(analysis):
        return (f"Nothing to check here: the data hold no total that {measure} is a part of (such as a country's "
                "exports, a partner's imports or GDP), so the target cannot be set against one.")
    if section == "scenarios" and not has_baseline:
        return ("No scenario can be drawn: there is no baseline to grow from (no figure of the starting level in "
                "the claims, the context data or the snapshots; set baseline_override to compute them).")
    if section == "record" and not has_baseline and analysis.benchmarks.empty and analysis.history is None:
        return (f"Nothing to compare: without a baseline there is no required growth, and no earlier figure or "
                f"episode of {measure} is in the data.")
    if section == "record" and not has_baseline:
        return "Without a baseline there is no required growth to set against the record below."
    return ""
