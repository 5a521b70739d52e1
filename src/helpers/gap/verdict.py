"""The verdict of a gap analysis as words, key figures and a finding (``finding.json``) other pages read.

The analysis decides the rating: with episodes of the target's own measure, "Far beyond the record" (even
the lowest required growth is faster than the fastest episode), "Beyond the record" (the central case is),
or "Within the record" ("Within others' record, beyond its own" when the series' own record is slower);
without episodes, against the series' own record ("Faster than its own record",
"Within its own record"); "No comparable record" when neither exists; "Cannot be measured" without a
baseline. The explanation states the range and the baselines behind it.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

from helpers import snapshots, text
from helpers.claimreview import Finding, Number, finding_to_dict
from helpers.files import write_atomic
from helpers.gap.analysis import GapAnalysis
from helpers.gap.checks import economist_checks
from helpers.gap.views import required_text

FINDING_FILE = "finding.json"


def data_through(analysis: GapAnalysis | None = None) -> str:
    """"Data available through ...": the latest period of the figures used and of the agencies' series."""
    parts = []
    if analysis is not None and analysis.range is not None and analysis.range.candidates:
        latest = max(analysis.range.candidates, key=lambda c: c.year)
        parts.append(f"baselines to {latest.year}")
    if analysis is not None and analysis.history is not None:
        parts.append(f"history to {analysis.history.series.attrs.get('period_labels', [analysis.history.end])[-1]}")
    try:
        table = snapshots.available_through()
    except Exception:  # noqa: BLE001 - a report without snapshots still says what it has
        table = None
    if table is not None and not table.empty:
        for source, group in table.groupby("source"):
            parts.append(f"{source.upper()} snapshot to {max(group['last_period'])} ({group['vintage'].iloc[0]})")
    return "Data available through: " + ("; ".join(parts) if parts else "no dated figure") + "."


def _history_sentence(analysis: GapAnalysis, slowest: float | None) -> str:
    history = analysis.history
    if history is None:
        return "No earlier figure of this quantity is in the data."
    points = history.series
    if history.cagr is None:
        label = points.attrs.get("period_labels", [str(points.index[0])])[0]
        amount = text.reported(float(points.iloc[0]), points.attrs.get("unit", ""))
        rated = (points.attrs.get("confidences") or [""])[0]
        return (f"One earlier figure only: {label}, {amount}{f', {rated} confidence' if rated else ''}"
                f" ({', '.join(points.attrs.get('publishers', []))}); no growth can be measured from one point.")
    record = f"The series grew {text.rate(history.cagr)} a year over {history.start}-{history.end}"
    best = own_best_spell(analysis)
    if best is not None:
        source = f"; {history.note}" if history.record is not None else ""
        record = (f"Its own record is a range: {text.rate(history.cagr)} a year over {history.start}-{history.end} "
                  f"(recent pace{source}) up to {text.rate(best[0])} a year in its best "
                  f"{best[2] - best[1]}-year spell ({best[1]}-{best[2]})")
    if slowest is None:
        return record + "."
    ratio = slowest / history.cagr if history.cagr > 0 else math.inf
    if best is not None and slowest <= best[0]:
        return (record + f": the target needs {text.multiple(ratio, ' times')} the recent pace, within its best "
                "spell.")
    if not math.isfinite(ratio) or ratio <= 0:
        return record + ", so any growth beats its record."
    if ratio > 1:
        return record + f", so the target needs {text.multiple(ratio, ' times')} that pace."
    return record + f": the required pace is {text.multiple(ratio, ' times')} that record, within what it achieved."


def _episodes_sentence(analysis: GapAnalysis, slowest: float) -> str:
    measure = analysis.measure_words
    table = analysis.benchmarks
    if table.empty:
        return f"No episode of {measure} is in the data; none of another measure is used in its place."
    best = table.sort_values("cagr").iloc[-1]
    faster = int((table["cagr"] >= slowest).sum())
    if analysis.measure == "gdp_current_usd":
        span = int(best["end"] - best["start"])
        measure += f" (each economy's fastest {span}-year spell: a ceiling, not a typical pace)"
    if slowest > best["cagr"]:
        return (f"That is faster than all {len(table)} episodes of {measure} in the data; the fastest, "
                f"{best['name']}, grew {text.rate(best['cagr'])} a year.")
    return (f"{faster} of {len(table)} episodes of {measure} grew at least that fast (fastest: {best['name']}, "
            f"{text.rate(best['cagr'])} a year).")


def _literature_sentence(analysis: GapAnalysis) -> str:
    rows = analysis.literature
    if rows.empty:
        return ""
    return "**Literature.** " + "; ".join(f"{r.authors} find {r.finding}" for r in rows.itertuples()) + "."


def answer(analysis: GapAnalysis, checks: bool = True) -> str:
    """The one-sentence answer a verdict opens with (and the finding's explanation): the growth the target
    needs in the central case, its range over the baselines, and the fastest comparable record; without a
    baseline, that it cannot be computed and (``checks``) what the first checks find instead."""
    ranged = analysis.range
    subject = str(analysis.claim.get("subject") or analysis.claim["id"])
    goal = text.claim(analysis.claim)
    if ranged is None or ranged.central is None:
        found = economist_checks(analysis) if checks else []
        return (f"No official figure or article figure gives a starting level for {subject}, so the growth "
                f"that {goal} requires cannot be computed"
                + ("; " + "; ".join(c["text"] for c in found) if found else "") + ".")
    spread = ""
    if ranged.low is not None and ranged.high is not None and ranged.low < ranged.high:
        floor = ranged.high_from is not None and ranged.high_from.floor and ranged.high_from is not ranged.central_from
        spread = (f" ({text.bounds(ranged.low, ranged.high, text.rate)} over the baselines, the high end from one "
                  "direction of the trade only, a floor)" if floor
                  else f" ({text.bounds(ranged.low, ranged.high, text.rate)} over the baselines)")
    sentence = (f"{subject} must grow {text.rate(ranged.central)} a year{spread} to reach {goal} by "
                f"{analysis.target_year}")
    if not analysis.benchmarks.empty:
        best = analysis.benchmarks.sort_values("cagr").iloc[-1]
        sentence += f"; the fastest episode of {analysis.measure_words} in the data grew {text.rate(best['cagr'])}"
    elif analysis.history is not None and analysis.history.cagr is not None:
        sentence += f"; the series itself grew {text.rate(analysis.history.cagr)} a year"
    return sentence + "."


def verdict(analysis: GapAnalysis) -> str:
    """The verdict as Markdown whose every figure is computed from the analysis: the rating and the one-sentence
    answer first, then a short list: the target and its measure, the required growth over the baselines (which
    baseline gives each end), the article's own figure, the series' record, the episodes of the same measure and
    what the literature finds."""
    claim = analysis.claim
    source = str(analysis.target_year_source)
    year_from = text.without_ids(source, re.findall(r"\(([A-Z]\d+):", source))
    items = [f"**Target.** {text.claim(claim)} by {analysis.target_year} (year from {year_from}); measure: "
             f"{analysis.measure_words}, nominal US$."]
    opening = f"**{rating(analysis)}.** {answer(analysis, checks=False)}"  # the checks follow in the list
    ranged = analysis.range
    if (ranged is None or ranged.central is None) and analysis.baseline is None:
        items.append("No baseline is available in the claims, the context data or the snapshots, so the required "
                     "growth cannot be computed; set baseline_override to the current level to compute it.")
        items += [c["text"][0].upper() + c["text"][1:] + "." for c in economist_checks(analysis)]
        return _markdown(opening, items)
    if ranged is not None and ranged.central is not None:
        items.append(f"**Required growth.** {ranged.text()}.")
    required = analysis.required
    if (required is not None and analysis.baseline is not None and analysis.baseline.source == "parameter"
            and (ranged is None or ranged.central is None)):  # else the required-growth line already says it
        items.append(f"**Baseline set as a parameter.** From baseline_override, {analysis.baseline.label}, it requires "
                     f"{required_text(required)} for {analysis.years} years.")
    article = next((c for c in ranged.candidates if c.key == "article"), None) if ranged is not None else None
    if article is not None and article.required is not None and article is not ranged.central_from:
        base = analysis.baseline
        times = ""
        if base is not None and base.claims == article.claims and analysis.target.central:
            times = (f" for {analysis.years} years (a "
                     f"{text.multiple(analysis.target.central / base.estimate.central)} increase)")
        band = (f"; {text.bounds(article.required.low, article.required.high, text.rate)} a year with \"about\" read "
                f"as +/- {text.share(analysis.about_band)}" if article.estimate.approximate else "")
        items.append(f"**The article's figure.** The article's own starting figure, {article.amount} in "
                     f"{article.year}, gives {'about ' if article.estimate.approximate else ''}"
                     f"{text.rate(article.central_rate)} a year{times}{band}.")
    slowest = ranged.central if ranged is not None and ranged.central is not None else (
        required.low if required is not None and required.low is not None else None)
    items.append("**Record.** " + _history_sentence(analysis, slowest))
    if slowest is not None:
        items.append("**Comparators.** " + _episodes_sentence(analysis, slowest))
    items.append(_literature_sentence(analysis))
    return _markdown(opening, items)


def _markdown(opening: str, items: list[str]) -> str:
    """An opening line and a bullet list, as Markdown."""
    return opening + "\n\n" + "\n".join(f"- {item}" for item in items if item)


def rating(analysis: GapAnalysis) -> str:
    """The short rating the analysis decides (see the module docstring)."""
    ranged = analysis.range
    if ranged is None or ranged.central is None:
        return "Cannot be measured: no baseline"
    table = analysis.benchmarks
    if not table.empty:
        best = float(table["cagr"].max())
        low = ranged.low if ranged.low is not None else ranged.central
        if low > best:
            return "Far beyond the record"
        within = _rating_with_own_record(analysis, "Within the record")
        return "Beyond the record" if ranged.central > best else within
    history = analysis.history
    if history is not None and history.cagr is not None:
        return "Faster than its own record" if ranged.central > history.cagr else "Within its own record"
    return "No comparable record"


def own_best_spell(analysis: GapAnalysis) -> tuple[float, int, int] | None:
    """The series' fastest growth over as many years as the target allows (rate, start, end), when its own
    record (the agency's series) is long enough to hold such a spell beside the recent pace."""
    history = analysis.history
    years = analysis.years
    if history is None or history.cagr is None or not years:
        return None
    best = history.best_spell(years)
    if best is None or (best[1], best[2]) == (history.start, history.end):
        return None
    return best


def _rating_with_own_record(analysis: GapAnalysis, rating_: str) -> str:
    """"Within the record" of other episodes, but faster than the series' own record (its best spell when
    its record holds one, else its recent pace), says both."""
    history = analysis.history
    if rating_ != "Within the record" or history is None or history.cagr is None:
        return rating_
    best = own_best_spell(analysis)
    own = best[0] if best is not None else history.cagr
    return "Within others' record, beyond its own" if analysis.range.central > own else rating_


def required_figures(analysis: GapAnalysis) -> list[dict]:
    """The figures every report records for a target, named ``<figure>:<claim id>`` (the same in every
    key-figures file): central, low and high required growth, each with the baseline behind it."""
    ranged, claim_id = analysis.range, analysis.claim["id"]
    out = []
    if ranged is None:
        return out
    for side, value, cand in (("central", ranged.central, ranged.central_from), ("low", ranged.low, ranged.low_from),
                              ("high", ranged.high, ranged.high_from)):
        out.append({"name": f"required_growth_{side}:{claim_id}",
                    "label": f"Required growth a year ({side}), {claim_id}: from "
                             f"{cand.short if cand else 'no baseline'}",
                    "value": value, "unit": "fraction/yr",
                    "claims": [claim_id, *(cand.claims if cand else [])], "context": cand.context if cand else []})
    return out


def record_key_figures(analysis: GapAnalysis, report) -> None:
    """Record the headline numbers of a gap analysis as key figures of ``report`` (a helpers.outputs.Report):
    the target, its primary baseline, the required growth (low/high of the target's range, and the low,
    central and high over all baselines), the record, and the economist's checks."""
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
    for item in required_figures(analysis):
        report.figure(item["name"], item["label"], item["value"], item["unit"], item["claims"], item["context"])
    for check in economist_checks(analysis):
        report.figure(f"check_{check['name']}:{analysis.claim['id']}", check["label"], check["value"], check["unit"],
                      check["claims"], check["context"])


def finding(analysis: GapAnalysis, report: str = "report.html") -> Finding:
    """The analysis's finding as a ``helpers.claimreview.Finding`` (rating, one sentence, the numbers)."""
    ranged = analysis.range
    verdict_rating = rating(analysis)
    numbers = []
    sentence = answer(analysis)
    if ranged is None or ranged.central is None:
        for check in economist_checks(analysis):
            if check["value"] is not None:
                numbers.append(Number(check["label"], float(check["value"]), check["unit"]))
        return Finding(analysis.claim["id"], verdict_rating, sentence, report, tuple(numbers),
                       headline=verdict_rating, range_text="")
    for side in ("central", "low", "high"):
        value = getattr(ranged, side)
        cand = getattr(ranged, f"{side}_from")
        if value is not None:
            numbers.append(Number(f"Required growth a year ({side}), from {cand.short}", float(value),
                                  "fraction a year", text.rate(value)))
    if not analysis.benchmarks.empty:
        best = analysis.benchmarks.sort_values("cagr").iloc[-1]
        numbers.append(Number(f"Fastest episode of {analysis.measure_words}: {best['name']}", float(best["cagr"]),
                              "fraction a year", text.rate(best["cagr"])))
    official = ranged.central_from.words if ranged.central_from.standing.startswith("official") else ""
    return Finding(analysis.claim["id"], verdict_rating, sentence, report, tuple(numbers),
                   headline=f"{verdict_rating}: needs {text.rate(ranged.central)} a year", official=official,
                   range_text=ranged.brief())  # the whole range with its baselines is on the report


def write_finding(analysis: GapAnalysis, folder: str | Path, report: str = "report.html") -> Path:
    """Write the analysis's finding as ``finding.json`` in the run folder (read by ``findings_in_run``)."""
    payload = {"findings": [finding_to_dict(finding(analysis, report))]}
    return write_atomic(Path(folder) / FINDING_FILE, json.dumps(payload, ensure_ascii=False, indent=1) + "\n")


#: Figure names that state a target's required growth (compared across key-figures files).
SHARED_FIGURES = ("required_growth_central", "required_growth_low", "required_growth_high", "required_cagr_low",
                  "required_cagr_high")


def key_figure_conflicts(folders: list[str | Path], claims: dict[str, dict]) -> list[str]:
    """Targets whose required growth differs between the ``key_figures.json`` of ``folders`` (e.g. every run
    of a batch): one line a conflict, naming the figure, the target and each file's value. A figure is named
    ``<figure>:<claim id>``, or ``<figure>`` in a target's own report (its target is its target claim)."""
    seen: dict[tuple[str, str], list[tuple[str, float]]] = {}
    for folder in folders:
        path = Path(folder) / "key_figures.json"
        if not path.is_file():
            continue
        for item in json.loads(path.read_text(encoding="utf-8")).get("figures") or []:
            name, _, target = str(item["name"]).partition(":")
            if name not in SHARED_FIGURES or item.get("value") is None:
                continue
            if not target:
                target = next((c for c in item.get("claims") or []
                               if str(claims.get(c, {}).get("claim_type")) == "target"), "")
            if target:
                seen.setdefault((name, target), []).append((str(folder), float(item["value"])))
    return [f"{name} of {target}: " + ", ".join(f"{text.rate(v)} in {f}" for f, v in values)
            for (name, target), values in sorted(seen.items())
            if any(not math.isclose(v, values[0][1], rel_tol=1e-12) for _, v in values)]
