"""Each claim's finding as a schema.org ClaimReview (JSON-LD), in its report and for the whole register.

A ``Finding`` says what a report concluded about one claim: a short rating (``reviewRating.alternateName``),
one sentence that explains it (``ratingExplanation``), the numbers behind it (``additionalProperty``) and
the report that shows it. ``claim_review`` turns a finding, the claim's register row and the article it
first appeared in (``helpers.sources.Article``, fed by ``article_of``) into a ClaimReview;
``register_document`` gathers every claim's review into one ``@graph`` for ``claims.jsonld``.

Findings are read from what the runs wrote (``findings_in_run``): first the finding an analysis wrote
itself (``finding.json``, ``helpers.gap.write_finding``); else a target's required growth and its
series' record from ``key_figures.json``; a figure's comparison with an official one from a
``claim_vs_official.csv`` table. A claim no report has checked still gets a review that says so.

JSON-LD inside a page is data: ``helpers.render.jsonld_script`` escapes it, and the page's policy runs no
script. Field choices follow schema.org/ClaimReview and Google's fact-check guidance: ``claimReviewed``,
``reviewRating.alternateName`` and ``url`` are required; ``itemReviewed`` is a ``Claim`` with ``author``,
``datePublished`` and ``firstAppearance``.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from helpers import text
from helpers.files import write_atomic
from helpers.sources import Article, ArticleOf, seed_article

CONTEXT = "https://schema.org"
REVIEWER = {"@type": "Organization", "name": "pakclaims"}
REGISTER_FILE = "claims.jsonld"
NOT_CHECKED = "Not checked against data"
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class Number:
    """One number behind a finding: its name, value, unit and how a reader reads it."""

    name: str
    value: float
    unit: str
    text: str = ""


@dataclass(frozen=True)
class Finding:
    """What a report concluded about one claim."""

    claim_id: str
    rating: str
    explanation: str
    report: str = ""  # address of the report that shows the finding, relative to where the review is published
    numbers: tuple[Number, ...] = field(default_factory=tuple)
    headline: str = ""  # the rating with its key number ("Far beyond the record: needs 35.1% a year")
    official: str = ""  # the figure the claim is checked against, with its standing (official or press-reported)
    range_text: str = ""  # the required range with the baseline behind each end


def finding_to_dict(item: Finding) -> dict:
    """A finding as JSON-ready data (``finding.json``)."""
    return {"claim_id": item.claim_id, "rating": item.rating, "explanation": item.explanation,
            "report": item.report, "headline": item.headline, "official": item.official,
            "range_text": item.range_text,
            "numbers": [{"name": n.name, "value": n.value, "unit": n.unit, "text": n.text} for n in item.numbers]}


def finding_from_dict(data: Mapping, report: str) -> Finding:
    """A finding read back from ``finding.json``; its report address is the one the reader gives."""
    numbers = tuple(Number(str(n["name"]), float(n["value"]), str(n.get("unit", "")), str(n.get("text", "")))
                    for n in data.get("numbers") or [])
    return Finding(str(data["claim_id"]), str(data["rating"]), str(data["explanation"]), report, numbers,
                   str(data.get("headline", "")), str(data.get("official", "")), str(data.get("range_text", "")))


def _written_findings(folder: Path, claims: Mapping[str, Mapping], report: str) -> list[Finding]:
    """The findings an analysis wrote itself (``finding.json``), for claims in the register."""
    path = folder / "finding.json"
    if not path.is_file():
        return []
    payload = json.loads(path.read_text(encoding="utf-8"))
    return [finding_from_dict(item, report) for item in payload.get("findings") or []
            if str(item.get("claim_id")) in claims]


def _person_or_org(name: str, person: bool) -> dict:
    return {"@type": "Person" if person else "Organization", "name": name}


def _address(base_url: str, url: str) -> str:
    """``url`` made absolute against ``base_url`` when one is given (absolute addresses stay as they are)."""
    return urljoin(base_url, url) if base_url else url


def claim_summary(claim: Mapping[str, object]) -> str:
    """``claimReviewed``: the subject and the amount as the article put it."""
    try:
        amount = text.claim_amount(claim["value_low"], claim["value_high"], str(claim["unit"]),
                                   str(claim.get("qualifier") or "exact"))
    except (KeyError, TypeError, ValueError):
        amount = str(claim.get("quote") or "")
    return f"{claim.get('subject') or claim.get('id')}: {amount}"


def claim_review(claim: Mapping[str, object], finding: Finding, *, date_published: str,
                 article: Article | None = None, base_url: str = "") -> dict:
    """A ClaimReview of ``claim`` (a register row) from ``finding``; ``date_published`` is the review's date
    (YYYY-MM-DD); ``article`` defaults to the claim's seed article; ``base_url`` makes addresses absolute."""
    article = article or seed_article(claim)
    speaker = str(claim.get("speaker") or "").strip()
    if speaker:
        author = _person_or_org(speaker, person=True)
    elif article.author:
        author = _person_or_org(article.author, person=True)
    else:
        author = _person_or_org(article.publisher or "Author not recorded", person=False)
    appearance: dict[str, object] = {"@type": "CreativeWork", "url": _address(base_url, article.url),
                                     "name": article.name}
    if article.publisher:
        appearance["publisher"] = _person_or_org(article.publisher, person=False)
    if article.date:
        appearance["datePublished"] = article.date
    claim_date = str(claim.get("as_of") or article.date or "")
    item: dict[str, object] = {"@type": "Claim", "name": str(claim.get("subject") or finding.claim_id),
                               "author": author, "firstAppearance": appearance}
    if claim_date:
        item["datePublished"] = claim_date
    review: dict[str, object] = {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "@id": f"{_address(base_url, finding.report)}#claim-{finding.claim_id}",
        "identifier": finding.claim_id,
        "url": _address(base_url, finding.report),
        "claimReviewed": claim_summary(claim),
        "author": REVIEWER,
        "datePublished": date_published[:10],
        "itemReviewed": item,
        "reviewRating": {"@type": "Rating", "alternateName": finding.rating,
                         "ratingExplanation": finding.explanation},
    }
    if finding.numbers:
        review["additionalProperty"] = [
            {"@type": "PropertyValue", "name": n.name, "value": n.value, "unitText": n.unit,
             **({"description": n.text} if n.text else {})}
            for n in finding.numbers
        ]
    return review


def problems(review: Mapping[str, object]) -> list[str]:
    """What a ClaimReview lacks or has of the wrong type (empty when its shape is valid)."""
    found: list[str] = []

    def text(obj: Mapping, key: str, where: str) -> None:
        if not isinstance(obj.get(key), str) or not str(obj.get(key)).strip():
            found.append(f"{where}.{key} must be non-empty text")

    if review.get("@context") != CONTEXT:
        found.append(f"@context must be {CONTEXT!r}")
    if review.get("@type") != "ClaimReview":
        found.append("@type must be 'ClaimReview'")
    for key in ("claimReviewed", "url", "datePublished"):
        text(review, key, "ClaimReview")
    if isinstance(review.get("datePublished"), str) and not _DATE.match(str(review["datePublished"])):
        found.append("ClaimReview.datePublished must be an ISO date")
    author = review.get("author")
    if not isinstance(author, Mapping) or author.get("@type") not in ("Organization", "Person"):
        found.append("ClaimReview.author must be an Organization or a Person")
    rating = review.get("reviewRating")
    if not isinstance(rating, Mapping) or rating.get("@type") != "Rating":
        found.append("reviewRating must be a Rating")
    else:
        text(rating, "alternateName", "reviewRating")
        text(rating, "ratingExplanation", "reviewRating")
    item = review.get("itemReviewed")
    if not isinstance(item, Mapping) or item.get("@type") != "Claim":
        found.append("itemReviewed must be a Claim")
    else:
        claim_author = item.get("author")
        if not isinstance(claim_author, Mapping) or claim_author.get("@type") not in ("Organization", "Person"):
            found.append("itemReviewed.author must be an Organization or a Person")
        else:
            text(claim_author, "name", "itemReviewed.author")
        if "datePublished" in item and not _DATE.match(str(item["datePublished"])):
            found.append("itemReviewed.datePublished must be an ISO date")
        first = item.get("firstAppearance")
        if not isinstance(first, Mapping) or first.get("@type") != "CreativeWork":
            found.append("itemReviewed.firstAppearance must be a CreativeWork")
        else:
            text(first, "url", "itemReviewed.firstAppearance")
    for number in review.get("additionalProperty") or []:
        if not isinstance(number, Mapping) or number.get("@type") != "PropertyValue":
            found.append("additionalProperty items must be PropertyValue")
        elif not isinstance(number.get("value"), int | float) or isinstance(number.get("value"), bool):
            found.append(f"additionalProperty {number.get('name')!r} must hold a number")
    return found


def register_document(reviews: Iterable[Mapping[str, object]]) -> dict:
    """One JSON-LD document with every review in its ``@graph`` (one ``@context`` for all)."""
    graph = [{k: v for k, v in review.items() if k != "@context"} for review in reviews]
    return {"@context": CONTEXT, "@graph": graph}


# --- findings from what the runs wrote ------------------------------------------------------------


def _figures(folder: Path) -> list[dict]:
    path = folder / "key_figures.json"
    if not path.is_file():
        return []
    return list(json.loads(path.read_text(encoding="utf-8")).get("figures") or [])


def _target_findings(figures: Sequence[Mapping], claims: Mapping[str, Mapping], report: str) -> list[Finding]:
    """The target whose required growth a run recorded (``required_cagr_low`` / ``_high``), against the
    series' record (``history_cagr``) when the run has one; a run that records a target (``target_low``)
    but no required growth could not measure it. Summaries of several targets (figures named
    ``required_cagr_low:<id>``) are left to each target's own run."""
    by_name = {str(f.get("name")): f for f in figures}
    out = []
    low = by_name.get("required_cagr_low")
    if low is not None and _target_of(low, claims) in claims:
        target_id = _target_of(low, claims)
        high = by_name.get("required_cagr_high", low)
        out.append(_target_finding(target_id, claims[target_id], low.get("value"), high.get("value"),
                                   by_name.get("history_cagr"), by_name, report))
    target = by_name.get("target_low")
    if not out and target is not None and _target_of(target, claims) in claims:  # a target run without baseline
        target_id = _target_of(target, claims)
        out.append(_target_finding(target_id, claims[target_id], None, None, None, by_name, report))
    return out


def _target_of(figure: Mapping, claims: Mapping[str, Mapping]) -> str:
    """The target claim a figure belongs to (the first of its claims whose type is target)."""
    return next((str(c) for c in figure.get("claims") or [] if str(claims.get(c, {}).get("claim_type")) == "target"),
                "")


def _target_finding(claim_id: str, claim: Mapping, low: float | None, high: float | None,
                    history: Mapping | None, by_name: Mapping[str, Mapping], report: str) -> Finding:
    subject = str(claim.get("subject") or claim_id)
    goal = claim_summary(claim).split(": ", 1)[-1]
    numbers = []
    if low is None:
        return Finding(claim_id, "Cannot be measured: no baseline",
                       f"No official figure gives a starting level for {subject}, so the growth that {goal} "
                       "requires cannot be computed.", report)
    required = text.bounds(low, high if high is not None else low, text.rate)
    numbers.append(Number("Required growth a year (low)", float(low), "fraction a year", text.rate(low)))
    if high is not None and high != low:
        numbers.append(Number("Required growth a year (high)", float(high), "fraction a year", text.rate(high)))
    baseline = by_name.get("baseline")
    start = ""
    if baseline and baseline.get("value") is not None:
        unit = str(baseline.get("unit") or "")
        numbers.append(Number("Baseline", float(baseline["value"]), unit))
        year = by_name.get("baseline_year", {}).get("value")
        start = f" from {text.amount(float(baseline['value']), unit.split('/')[0] or 'USD')}" + (
            f" in {int(year)}" if year else "")
    sentence = f"{subject} must grow {required} a year{start} to reach {goal}"
    if history is None or history.get("value") is None:
        return Finding(claim_id, "No record to compare", sentence + "; no history of this quantity is available.",
                       report, tuple(numbers))
    record = float(history["value"])
    numbers.append(Number(str(history.get("label") or "Historical growth a year"), record, "fraction a year",
                          text.rate(record)))
    label = str(history.get("label") or "its record").replace("Historical growth", "over").strip()
    if low <= record:
        rating = "Within its own record"
        sentence += f"; the series grew {text.rate(record)} a year {label}, so that pace has been achieved."
    else:
        rating = "Faster than its own record"
        sentence += f", faster than the {text.rate(record)} a year it grew {label}."
    return Finding(claim_id, rating, sentence, report, tuple(numbers))


def _official_findings(folder: Path, claims: Mapping[str, Mapping], report: str) -> list[Finding]:
    """Figures compared with an official one of the same measure (a ``claim_vs_official.csv`` table)."""
    path = folder / "claim_vs_official.csv"
    if not path.is_file():
        return []
    with open(path, encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r.get("claim") in claims and r.get("difference_pct")]
    rank = {"high": 0, "medium": 1, "low": 2}
    best: dict[str, dict] = {}
    for row in rows:  # the most recent official figure of the same measure, the most reliable among equals
        key = (_int(row.get("years_older")), rank.get(str(row.get("confidence")), 3))
        claim_id = str(row["claim"])
        if claim_id not in best or key < best[claim_id][0]:
            best[claim_id] = (key, row)
    out = []
    for claim_id, (_, row) in best.items():
        difference = float(row["difference_pct"])
        agrees = str(row.get("agrees")).lower() == "true"
        # "official figure" only for an agency's own release; an official statistic known through the press
        # reads as such (the table's figure_kind, else its standing)
        kind = str(row.get("figure_kind") or "") or (
            "official figure" if str(row.get("standing") or "official") == "official" else "press-reported figure")
        low, high = _float(row.get("difference_low_pct")), _float(row.get("difference_high_pct"))
        if low is not None and high is not None and high - low > 0.5 and math.isfinite(high):
            said = f"a difference of {low:+.0f}% to {high:+.0f}% (the claim's \"about\" read as a band)"
            worded = f"{low:+.0f}% to {high:+.0f}%"
        else:
            said = worded = f"{difference:+.0f}%"
            said = f"a difference of {said}"
        rating = f"Agrees with the {kind}" if agrees else (
            f"{'Higher' if difference > 0 else 'Lower'} than the {kind}")
        sentence = (f"The article's {row.get('claim_says')} compares with the {kind}, {row.get('official_figure')} "
                    f"for {row.get('period')} ({row.get('source')}), {said}.")
        label = kind[0].upper() + kind[1:]
        numbers = (Number(label, float(row["official_value"]), "US$", str(row.get("official_figure"))),
                   Number(f"Difference from the {kind}", difference / 100, "fraction", worded))
        out.append(Finding(claim_id, rating, sentence, report, numbers,
                           official=f"{row.get('official_figure')}, {row.get('period')} ({kind})"))
    return out


def _float(value: object) -> float | None:
    try:
        return float(str(value))
    except ValueError:
        return None


def _int(text: object) -> int:
    try:
        return int(float(str(text)))
    except ValueError:
        return 10**6


def findings_in_run(folder: str | Path, claims: Mapping[str, Mapping], report: str = "report.html") -> list[Finding]:
    """The findings a run wrote in ``folder``; ``claims`` maps claim id to register row; ``report`` is the
    address given to its reviews."""
    folder = Path(folder)
    written = _written_findings(folder, claims, report)
    if written:  # the analysis's own finding comes first; key figures are read only when it wrote none
        seen = {f.claim_id for f in written}
        return written + [f for f in _official_findings(folder, claims, report) if f.claim_id not in seen]
    return _target_findings(_figures(folder), claims, report) + _official_findings(folder, claims, report)


def not_checked(claim_id: str, claim: Mapping[str, object]) -> Finding:
    """The finding of a claim no report has checked yet."""
    return Finding(claim_id, NOT_CHECKED, f"The register records {claim.get('subject') or claim_id} as the article "
                   "states it; no report compares it with an official figure yet.", "index.html")


def reviews_for_run(folder: str | Path, claims: Mapping[str, Mapping], date_published: str,
                    article_of: ArticleOf = seed_article, report: str = "report.html",
                    base_url: str = "") -> list[dict]:
    """ClaimReviews of the findings in one run's folder, for its page (``render_report`` meta ``jsonld``)."""
    return [claim_review(claims[f.claim_id], f, date_published=date_published,
                         article=article_of(claims[f.claim_id]), base_url=base_url)
            for f in findings_in_run(folder, claims, report)]


def register_reviews(runs: Iterable[tuple[str | Path, str, str]], claims: Mapping[str, Mapping],
                     article_of: ArticleOf = seed_article, base_url: str = "") -> dict:
    """Every claim's review in one document: ``runs`` are (folder, report address relative to the index,
    date) of the successful runs; a claim several runs check keeps its first finding (targets first)."""
    chosen: dict[str, tuple[Finding, str]] = {}
    for folder, report, date in runs:
        for finding in findings_in_run(folder, claims, report):
            chosen.setdefault(finding.claim_id, (finding, date))
    latest = max((date for _, _, date in runs), default="")
    reviews = []
    for claim_id, claim in claims.items():
        finding, date = chosen.get(claim_id, (not_checked(claim_id, claim), latest))
        reviews.append(claim_review(claim, finding, date_published=date or "1970-01-01",
                                    article=article_of(claim), base_url=base_url))
    return register_document(reviews)


def write_register(path: str | Path, document: Mapping[str, object]) -> Path:
    """Write ``claims.jsonld`` atomically."""
    return write_atomic(Path(path), json.dumps(document, ensure_ascii=False, indent=1) + "\n")
