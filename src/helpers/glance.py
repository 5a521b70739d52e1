"""What a reader sees first: every claim's finding in plain words, a report's verdict and headline figures,
its sources, the data revisions and the runs computed with settings other than the notebook's defaults.

The functions here turn what the runs wrote (``key_figures.json``, ``claim_vs_official.csv``, read through
``helpers.claimreview.findings_in_run``), the register and the articles table into plain dicts of text that
the page templates show (``helpers.render``). Every number is written by ``helpers.text``. Findings may carry
optional fields (``headline``, ``official``, ``range_text``): shown when present, otherwise the official
figure and the range are read from the finding's numbers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from helpers import text
from helpers.claimreview import NOT_CHECKED, Finding, findings_in_run
from helpers.sources import Article, ArticleOf, seed_article

#: Headline figures shown at the top of a report (the rest are in its tables and workbook).
HEADLINE_LIMIT = 8
#: Revisions listed on the index (the newest first; the rest are in data/snapshots/revisions.csv).
REVISIONS_LIMIT = 20
#: Names readers know for the ISO 3166 codes the agencies' series use (unknown codes are shown as they are).
COUNTRIES = {"PAK": "Pakistan", "CHN": "China", "IRN": "Iran", "UZB": "Uzbekistan", "IND": "India",
             "BGD": "Bangladesh", "VNM": "Viet Nam", "IDN": "Indonesia", "KOR": "South Korea", "TUR": "Turkey",
             "EGY": "Egypt", "ETH": "Ethiopia", "AFG": "Afghanistan", "USA": "United States", "WLD": "World"}
#: Words for the parts of a snapshot measure name (``gdp_current_usd`` -> "GDP, current US$").
_MEASURE_WORDS = {"gdp": "GDP", "fdi": "FDI", "usd": "US$"}


def _clean(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def claim_amount(claim: Mapping[str, Any]) -> str:
    """The amount a claim states, in words (``"$10.0 billion a year"``, ``"about 6,000 acres"``)."""
    try:
        return text.claim_amount(claim["value_low"], claim["value_high"], str(claim["unit"]),
                                 str(claim.get("qualifier") or "exact"))
    except (KeyError, TypeError, ValueError):
        return _clean(claim.get("quote"))


def claimed_by(claim: Mapping[str, Any], article: Article) -> str:
    """Who made a claim: the speaker and the outlet (``"Jane Doe, in Dawn"``), either alone, or ""."""
    speaker, outlet = _clean(claim.get("speaker")), article.publisher
    if speaker and outlet:
        return f"{speaker}, in {outlet}"
    return speaker or outlet


def _number_text(finding: Finding, *names: str) -> str:
    for number in finding.numbers:
        if any(number.name.lower().startswith(n.lower()) for n in names):
            return number.text or text.amount(number.value, number.unit)
    return ""


def official_text(finding: Finding) -> str:
    """The official figure a finding measures the claim against (its ``official`` field, else its numbers)."""
    given = _clean(getattr(finding, "official", ""))
    return given or _number_text(finding, "Official figure", "Baseline")


def range_text(finding: Finding) -> str:
    """The range of a finding: its ``range_text`` field, else the low-high span of the growth it requires."""
    given = _clean(getattr(finding, "range_text", ""))
    if given:
        return given
    low = next((n for n in finding.numbers if n.name.startswith("Required growth a year (low)")), None)
    high = next((n for n in finding.numbers if n.name.startswith("Required growth a year (high)")), low)
    if low is None or high is None:
        return ""
    return f"needs {text.bounds(low.value, high.value, text.rate)} a year"


def finding_view(finding: Finding, claim: Mapping[str, Any]) -> dict[str, str]:
    """A finding as a page shows it: the claim's subject, the rating, one sentence, official figure, range."""
    sentence = _clean(getattr(finding, "headline", "")) or finding.explanation
    if sentence.rstrip(". ").lower() == finding.rating.lower():
        sentence = finding.explanation  # a headline that is only the rating says nothing more
    elif sentence.lower().startswith(finding.rating.lower()):
        # "Far beyond the record: needs 35.1% a year" beside its rating reads "Needs 35.1% a year."
        rest = sentence[len(finding.rating):].lstrip(":;,. ")
        sentence = rest[:1].upper() + rest[1:] + ("" if rest.endswith(".") else ".")
    return {"subject": _clean(claim.get("subject")) or finding.claim_id, "rating": finding.rating,
            "sentence": sentence, "official": official_text(finding), "range": range_text(finding),
            "checked": "no" if finding.rating == NOT_CHECKED else "yes"}


def chosen_findings(runs: Iterable[tuple[str | Path, str]], claims: Mapping[str, Mapping]) -> dict[str, Finding]:
    """{claim id: finding} over ``runs`` ((folder, report address)): a claim several runs check keeps the
    first (runs in name order put each target's own report before the overview)."""
    chosen: dict[str, Finding] = {}
    for folder, report in runs:
        if not Path(folder).is_dir():
            continue
        for finding in findings_in_run(folder, claims, report):
            chosen.setdefault(finding.claim_id, finding)
    return chosen


def glance_rows(runs: Iterable[tuple[str | Path, str]], claims: Mapping[str, Mapping],
                article_of: ArticleOf = seed_article) -> list[dict[str, str]]:
    """One row per claim of the register, in its order: what was claimed, by whom, when, where (article
    headline and address), the verdict and its sentence, the official figure, the range and the report."""
    chosen = chosen_findings(runs, claims)
    rows = []
    for claim_id, claim in claims.items():
        article = article_of(claim)
        finding = chosen.get(claim_id)
        view = finding_view(finding, claim) if finding is not None else {
            "subject": _clean(claim.get("subject")) or claim_id, "rating": NOT_CHECKED,
            "sentence": "No report compares this figure with an official one yet.", "official": "", "range": "",
            "checked": "no"}
        rows.append({**view, "id": claim_id, "amount": claim_amount(claim), "by": claimed_by(claim, article),
                     "when": article.date or _clean(claim.get("as_of")), "headline": article.name,
                     "article_href": article.url if article.linkable else "",
                     "report": finding.report if finding is not None else ""})
    return rows


def readable_label(label: str, names: Mapping[str, str] | None = None) -> str:
    """``label`` with each claim id in it replaced by the claim's subject (``names``: {id: subject})."""
    for claim_id in sorted(names or {}, key=len, reverse=True):
        if claim_id and claim_id in label:
            label = label.replace(claim_id, str((names or {})[claim_id]))
    return label


def headline_figures(folder: str | Path, limit: int = HEADLINE_LIMIT,
                     names: Mapping[str, str] | None = None) -> tuple[list[dict[str, str]], int]:
    """The first ``limit`` key figures of a run as (label, value in words), and how many there are; claim
    ids in labels become the claims' subjects (``names``), and a range whose two ends read the same is one
    figure ("Target", not "Target (low)" and "Target (high)")."""
    path = Path(folder) / "key_figures.json"
    if not path.is_file():
        return [], 0
    figures = list(json.loads(path.read_text(encoding="utf-8")).get("figures") or [])
    rows = [{"label": readable_label(str(f.get("label") or f.get("name") or ""), names),
             "value": "n/a" if f.get("value") is None else text.amount(f["value"], str(f.get("unit") or ""))}
            for f in figures]
    values = {row["label"]: row["value"] for row in rows}
    shown = []
    for row in rows:
        label = row["label"]
        if "(high)" in label and values.get(label.replace("(high)", "(low)")) == row["value"]:
            continue
        if "(low)" in label and values.get(label.replace("(low)", "(high)")) == row["value"]:
            row = {**row, "label": label.replace(" (low)", "").replace("(low)", "")}
        shown.append(row)
    return shown[:limit], len(shown)


def page_sources(frame: Any) -> dict[str, list[dict[str, str]]]:
    """A report's sources (``helpers.sources.sources_frame``) as a page lists them: each article once, with
    the claims read from it; each context row with its publisher, title, year and address."""
    articles: dict[tuple[str, str], dict[str, Any]] = {}
    context = []
    for row in frame.to_dict("records"):
        address = _clean(row.get("address"))
        href = address if address.startswith(("https://", "http://")) else ""
        if row.get("kind") == "claim":
            key = (_clean(row.get("article")), address)
            entry = articles.setdefault(key, {"headline": key[0], "source": _clean(row.get("source")),
                                              "date": _clean(row.get("date")), "href": href,
                                              "address": address, "claims": []})
            entry["claims"].append(_clean(row.get("what")))
        else:
            context.append({"what": _clean(row.get("what")), "source": _clean(row.get("source")),
                            "date": _clean(row.get("date")), "href": href, "address": address,
                            "id": _clean(row.get("id"))})
    return {"articles": [{**a, "claims": "; ".join(a["claims"])} for a in articles.values()],
            "context": context}


def revision_rows(frame: Any, series: Mapping[tuple[str, str], tuple[str, str]] | None = None,
                  limit: int = REVISIONS_LIMIT) -> tuple[list[dict[str, str]], int]:
    """Data revisions (``helpers.snapshots.revisions_since``), newest first, as text: series (its measure
    from ``series`` {(source, code): (measure, unit)} with dataset and code), place, period, old and new
    value, old and new vintage, and what happened; with the number of revisions in ``frame``."""
    if frame is None or len(frame) == 0:
        return [], 0
    series = series or {}
    ordered = frame.sort_values("recorded_at", ascending=False, kind="stable")
    rows = []
    for row in ordered.head(limit).to_dict("records"):
        code = _clean(row.get("series_code"))
        measure, unit = series.get((_clean(row.get("source")), code), ("", ""))
        place = " with ".join(COUNTRIES.get(x, x) for x in (_clean(row.get("geo")), _clean(row.get("partner")))
                              if x)
        rows.append({"measure": measure_words(measure) or code,
                     "series": f"{_clean(row.get('dataset'))} {code}".strip(),
                     "place": place, "period": _clean(row.get("period")),
                     "old": _value(row.get("old_value"), unit), "new": _value(row.get("new_value"), unit),
                     "old_vintage": _clean(row.get("old_vintage")), "new_vintage": _clean(row.get("new_vintage")),
                     "change": _clean(row.get("change")), "recorded": _clean(row.get("recorded_at"))[:10]})
    return rows, len(frame)


def measure_words(measure: str) -> str:
    """A snapshot measure in words: ``"gdp_current_usd"`` -> ``"GDP, current US$"``."""
    parts = [p for p in str(measure).split("_") if p]
    if not parts:
        return ""
    unit, rest = "", parts
    if parts[-2:] == ["current", "usd"]:
        unit, rest = "current US$", parts[:-2]
    elif parts[-1] == "usd":
        unit, rest = "US$", parts[:-1]
    words = " ".join(_MEASURE_WORDS.get(p, p) for p in rest)
    words = words[:1].upper() + words[1:]
    return f"{words}, {unit}" if unit else words


def _value(value: object, unit: str) -> str:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "none"
    if number != number:
        return "none"
    return text.amount(number, unit)


def non_default_parameters(parameters: Mapping[str, Any], declared: Sequence[Any],
                           rules: Mapping[str, Any] | None = None) -> list[tuple[str, str, str]]:
    """(name, value, default) of every parameter a run set to something other than its notebook's default.

    ``declared`` are the notebook's parameters (``helpers.params.read_parameters``). Left out: ``output_dir``
    (the batch's own), parameters the notebook does not declare, and parameters that choose which claim a
    report is about (their rule names a ``claim``): the report's title names that claim.
    """
    properties = (rules or {}).get("properties") or {}
    defaults = {p.name: p.default for p in declared}
    out = []
    for name, value in parameters.items():
        if name == "output_dir" or name not in defaults:
            continue
        if isinstance(properties.get(name), Mapping) and properties[name].get("claim"):
            continue
        if value != defaults[name]:
            out.append((name, json.dumps(value, default=str), json.dumps(defaults[name], default=str)))
    return out
