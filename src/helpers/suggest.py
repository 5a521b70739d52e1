"""Candidate register rows from a new article, for a person to review before they enter the register.

Every quantity the parser finds becomes either a candidate claim (money, counts, percentages) or a proposed
exclusion (years, dates, ordinals, labels, vague magnitudes, spans of time, prices, rates, multiples). Each
candidate quotes its sentence verbatim with the exact offset, and carries first guesses -- claim type, subject,
target year, period, topic, countries, an id (``helpers.suggest_rules`` documents the rules) -- that the reviewer
corrects. Nothing here decides what enters the register.

Limits: an article larger than ``MAX_ARTICLE_BYTES`` (2 MB; a long news article is under 100 KB) is refused
with a message naming the file and the limit; a sentence longer than ``MAX_QUOTE_CHARS`` is quoted as the
stretch of at most that many characters around the figure. Reading is linear in the article's length.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from datetime import date
from pathlib import Path

import pandas as pd

from helpers import suggest_rules as rules
from helpers.claims.schema import EXCLUSION_COLUMNS, REGISTER_COLUMNS
from helpers.claims.schema import SUGGESTED_NOTE as NOTES
from helpers.errors import ArticleError
from helpers.files import write_csvs
from helpers.quantities import Quantity, find_quantities

#: Articles above this size are refused (a long news article is under 100 KB).
MAX_ARTICLE_BYTES = 2_000_000
#: A sentence longer than this is quoted as the stretch around the figure.
MAX_QUOTE_CHARS = 600

_HEADER_RE = re.compile(r"\A[^\S\n]*date[^\S\n]+(\d{4}-\d{2}-\d{2})(?![\w-])", re.I)
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sen", "rep", "gov",
                  "st", "no", "nos", "rs", "vs", "etc", "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr",
                  "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "est", "u.s", "e.g",
                  "i.e", "govt", "dept"}  # fmt: skip
_BOUNDARY_RE = re.compile(r"[.!?]+[\"'”’)\]]*(?=[^\S\n]+[\"“‘'(\[]?[A-Z0-9])")
_TOKEN_BEFORE_RE = re.compile(r"([\w.]+)[.!?]*$")
_CLAUSE_SPLIT_RE = re.compile(r";|,?\s+(?:but|while|whereas|although)\s+|,\s+(?:which|where|who)\s+|,\s+\w+ing\s"
                              r"|\s+and\s+(?=(?:a|an|the|its|their|this)\s)", re.I)  # fmt: skip
_HORIZON_RE = re.compile(r"\b(?:by|until|till|in)\s+(?:the\s+end\s+of\s+)?(?:FY\s?)?((?:19|20)\d{2})\b", re.I)
_STATED_YEAR_RE = re.compile(r"^\W{0,3}(?:\w+\W+){0,3}?(?:in|during|for|as of)\s+((?:19|20)\d\d)\b")
_SPEAKER_RE = re.compile(
    r"\b((?:[A-Z][a-z]+\s){0,2}[A-Z][a-z]+)\s+(?:has\s+|had\s+)?(?:said|says|told|added|noted|stated)\b"
)
_TITLE_WORDS = {"Minister", "Federal", "Planning", "Finance", "Commerce", "Ambassador", "President", "Prime",
                "Secretary", "Chairman", "Governor", "Mr", "Dr", "Senator", "Adviser", "Advisor", "Special",
                "Assistant", "He", "She", "They", "It", "The", "This", "Officials", "Sources"}  # fmt: skip
_REASONS = {"year": "calendar year", "date": "date", "ordinal": "ordinal", "vague": "vague magnitude",
            "span": "span of time (the period of another figure), not a claim",
            "price": "price per unit: the register holds amounts, counts and percentages",
            "rate": "amount per month, week or day: the register holds amounts, counts and percentages",
            "multiple": "multiple ('two-fold'): the register holds amounts, counts and percentages"}  # fmt: skip
_FLOW_TOPICS = {"trade", "exports", "pharma"}

# ---------------------------------------------------------------------------------------------- reading


def read_article(article: Path) -> str:
    """The article's text exactly as stored (UTF-8, line endings kept), so offsets index it exactly.

    Raises ``ArticleError`` naming the file and the fix when it is missing, empty, larger than
    ``MAX_ARTICLE_BYTES`` or not UTF-8.
    """
    path = Path(article)
    name = path.name
    if not path.is_file():
        raise ArticleError(f"{path}: file not found. Fix: check the path (e.g. seeds/005_new_article.txt)")
    size = path.stat().st_size
    if size > MAX_ARTICLE_BYTES:
        raise ArticleError(
            f"{name}: the file is {size / 1e6:.1f} MB; suggest reads articles up to {MAX_ARTICLE_BYTES / 1e6:g} MB "
            "(a long news article is under 100 KB). Fix: split the file into single articles, or check that it "
            "holds article text and not a saved page, a data dump or a binary file"
        )
    data = path.read_bytes()
    if not data.strip():
        raise ArticleError(f"{name}: the file is empty. Fix: paste the article text into {name} and save it")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ArticleError(
            f"{name}: not UTF-8 text (invalid byte {data[error.start]:#04x} at byte offset {error.start}). "
            f"Fix: re-save {name} as UTF-8 (e.g. iconv -f WINDOWS-1252 -t UTF-8 {name})"
        ) from None


def article_date(text: str) -> str:
    """The date of a leading "date YYYY-MM-DD" header line, or "" when the article has none."""
    m = _HEADER_RE.match(text)
    if not m:
        return ""
    try:
        return date.fromisoformat(m.group(1)).isoformat()
    except ValueError:
        return ""


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence, trimmed of surrounding spaces; lines never share a sentence."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        cuts = [0]
        header = _HEADER_RE.match(line) if pos == 0 else None
        if header:
            cuts.append(header.end())
        for m in _BOUNDARY_RE.finditer(line):
            word = _TOKEN_BEFORE_RE.search(line, max(0, m.start() - 40), m.start() + 1)
            token = word.group(1).rstrip(".").lower() if word else ""
            if token in _ABBREVIATIONS or re.fullmatch(r"[A-Za-z]", token):
                continue
            cuts.append(m.end())
        cuts.append(len(line))
        for a, b in zip(cuts, cuts[1:], strict=False):
            piece = line[a:b]
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                spans.append((pos + a + lead, pos + a + len(piece.rstrip())))
        pos += len(line)
    return spans


def _quote_span(text: str, spans: list[tuple[int, int]], starts: list[int], q: Quantity) -> tuple[int, int]:
    """The sentence around ``q``; a sentence over ``MAX_QUOTE_CHARS`` is cut at spaces around the figure."""
    i = bisect_right(starts, q.start) - 1
    a, b = spans[i] if i >= 0 and spans[i][0] <= q.start < spans[i][1] else (q.start, q.end)
    a, b = min(a, q.start), max(b, q.end)
    if b - a <= MAX_QUOTE_CHARS:
        return a, b
    room = max(0, (MAX_QUOTE_CHARS - (q.end - q.start)) // 2)
    left = text.rfind(" ", max(a, q.start - room), q.start)
    right = text.find(" ", q.end, min(b, q.end + room))
    return (left + 1 if left >= 0 else max(a, q.start - room)), (right if right >= 0 else min(b, q.end + room))


# -------------------------------------------------------------------------------------------- guessing


def _clause(sentence: str, at: int) -> tuple[int, int]:
    """Bounds (within the sentence) of the clause around position ``at``: split at ';', 'but', 'while',
    ', which', ', where' and a participle after a comma (', presenting')."""
    start, end = 0, len(sentence)
    for m in _CLAUSE_SPLIT_RE.finditer(sentence):
        if m.end() <= at:
            start = m.end()
        elif m.start() >= at:
            end = m.start()
            break
    return start, end


def _speaker(sentence: str) -> str:
    for m in _SPEAKER_RE.finditer(sentence):
        words = m.group(1).split()
        while words and words[0] in _TITLE_WORDS:
            words.pop(0)
        if len(words) >= 2:
            return " ".join(words)
    return ""


def _slug(*parts: str) -> str:
    text = "-".join(p for p in parts if p)
    return re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9]+", "-", text.lower())).strip("-") or "claim"


def _unique(base: str, taken: set[str], counters: dict[str, int]) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is free (counters keep this linear)."""
    candidate, n = base, counters.get(base, 1)
    if n > 1:
        candidate = f"{base}-{n}"
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    counters[base] = n
    taken.add(candidate)
    return candidate


def _plain(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _exclusion_reason(q: Quantity, text: str) -> str:
    if q.kind in _REASONS:
        return _REASONS[q.kind]
    previous = re.search(r"([A-Za-z]+)[^\S\n]*$", text[max(0, q.start - 20):q.start])
    label = re.search(r"[A-Za-z]", q.text) or (previous and previous.group(1).isupper() and "." in q.text)
    return "version or label" if label else "number without unit"


def _stated_year(clause: str, q_to: int, claim_type: str) -> str:
    """The year a fact is stated for, when the words right after it say so ("$400 million in 2024")."""
    if claim_type == "target":
        return ""
    found = _STATED_YEAR_RE.search(clause[q_to:])
    return found.group(1) if found else ""


def _candidate(q: Quantity, text: str, a: int, b: int, context: dict[str, object]) -> dict[str, str]:
    """One register row for the claim ``q`` quoted as ``text[a:b]``."""
    sentence = text[a:b]
    c_start, c_end = _clause(sentence, q.start - a)
    clause = sentence[c_start:c_end]
    q_at, q_to = q.start - a - c_start, q.end - a - c_start
    claim_type, why = rules.claim_type(clause, q_at)
    horizon = _HORIZON_RE.search(clause, q_to) or _HORIZON_RE.search(clause)
    horizon_year = horizon.group(1) if horizon and claim_type != "fact" else ""
    subject = rules.subject(clause, q_at, q_to, q)
    topic = rules.topic(clause, q_at, q_to, q.unit, subject)
    if topic == "other":  # the clause names no topic: the sentence may ("... Trade Expo, where 40 companies")
        topic = rules.topic(sentence, q.start - a, q.end - a, q.unit)
    geo, partner = rules.geo_partner(clause, q_at, q_to, context["by_frequency"])  # type: ignore[arg-type]
    notes = [NOTES]
    if why:
        notes.append(why)
    unit = q.unit
    if q.kind in {"money", "count"} and not q.per_year and context["sentence_per_year"]:
        unit = unit + "/yr" if q.kind == "money" else unit
        notes.append("per year: the sentence says so")
    period, period_as_of = rules.period(clause, q_to) if claim_type == "fact" else ("", "")
    if q.kind == "money" and not unit.endswith("/yr") and topic in _FLOW_TOPICS and not period \
            and claim_type != "fact":  # fmt: skip
        notes.append("a trade flow is usually counted per year: use " + unit + "/yr if the article means one year")
    if period:
        notes.append(f"period: {period}")
    if q.direction:
        notes.append(f"a change ({'rise' if q.direction == 'up' else 'fall'}), not a level")
    if q.per and q.per != "year":
        notes.append(f"per {q.per}")
    unit_part = q.unit if q.kind == "count" else "pct" if q.kind == "percent" else ""
    base = _slug(rules.CODES.get(geo, geo), rules.CODES.get(partner, partner), topic if topic != "other" else "",
                 unit_part, horizon_year, claim_type if claim_type != "fact" else "")  # fmt: skip
    row = dict.fromkeys(REGISTER_COLUMNS, "")
    row.update({
        "id": _unique(base, context["taken"], context["counters"]),  # type: ignore[arg-type]
        "topic": topic, "claim_type": claim_type,
        "subject": subject or f"{topic.capitalize()} ({geo}{', ' + partner if partner else ''})",
        "geo": geo, "partner": partner, "value": _plain(q.value) if q.qualifier != "range" else "",
        "value_low": _plain(q.low) if q.qualifier == "range" else "",
        "value_high": _plain(q.high) if q.qualifier == "range" else "",
        "unit": unit, "qualifier": q.qualifier,
        "as_of": period_as_of or _stated_year(clause, q_to, claim_type) or context["as_of"],
        "horizon_year": horizon_year, "speaker": _speaker(sentence), "seed_file": context["name"],
        "offset": a, "quote": sentence, "notes": "; ".join(notes),
    })  # fmt: skip
    return row


# ----------------------------------------------------------------------------------------------- public


def suggest_claims(article: Path, existing_ids: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(candidate claims with the register columns, proposed exclusions) for every quantity in ``article``.

    Raises ``ArticleError`` when the article is missing, empty, too large, not UTF-8 or states no quantity.
    """
    article = Path(article)
    text = read_article(article)
    found = find_quantities(text)
    if not found:
        raise ArticleError(
            f"{article.name}: no quantities found (no amount, count, percentage, year or date in digits, and no "
            "number word with a scale, currency or counted noun). Fix: check that this is the full article text"
        )
    spans = sentence_spans(text)
    starts = [a for a, _ in spans]
    context: dict[str, object] = {"name": article.name, "as_of": article_date(text), "taken": set(existing_ids),
                                  "counters": {}, "by_frequency": rules.countries_by_frequency(text)}  # fmt: skip
    per_year_taken: set[int] = {bisect_right(starts, q.start) for q in found if q.per_year}
    candidates, exclusions = [], []
    for q in found:
        if not q.is_claim:
            exclusions.append({"seed_file": article.name, "offset": q.start, "text": q.text, "kind": q.kind,
                               "reason": _exclusion_reason(q, text)})  # fmt: skip
            continue
        a, b = _quote_span(text, spans, starts, q)
        context["sentence_per_year"] = (bisect_right(starts, q.start) not in per_year_taken
                                        and rules.sentence_says_per_year(text[a:b]))  # fmt: skip
        candidates.append(_candidate(q, text, a, b, context))
    _link_baselines(candidates)
    exclusions = _without_horizons(exclusions, candidates)
    return pd.DataFrame(candidates, columns=REGISTER_COLUMNS), pd.DataFrame(exclusions, columns=EXCLUSION_COLUMNS)


def _link_baselines(candidates: list[dict[str, str]]) -> None:
    """A target whose sentence also states a current figure in the same unit ("to $5B by 2030, up from
    about $400M") gets that figure as its baseline_id."""
    facts: dict[tuple[object, str], dict[str, str]] = {}
    for c in candidates:
        if c["claim_type"] == "fact":
            facts.setdefault((c["offset"], c["unit"]), c)
    for c in candidates:
        base = facts.get((c["offset"], c["unit"]))
        if c["claim_type"] == "target" and base is not None:
            c["baseline_id"] = base["id"]
            if base["subject"].endswith(")"):  # a fallback subject: the baseline measures what the target does
                base["subject"] = c["subject"]


def _without_horizons(exclusions: list[dict[str, object]], candidates: list[dict[str, str]]) -> list[dict[str, object]]:
    """The exclusions less the years that are the horizon of a target or projection whose quote holds them."""
    horizons: dict[str, list[tuple[int, int]]] = {}
    for c in candidates:
        if c["horizon_year"]:
            horizons.setdefault(c["horizon_year"], []).append((int(c["offset"]), int(c["offset"]) + len(c["quote"])))
    return [e for e in exclusions if not (e["kind"] == "year" and any(
        a <= int(e["offset"]) < b for a, b in horizons.get(str(e["text"]), ())))]  # type: ignore[arg-type]


def write_suggestions(article: Path, out_dir: Path, existing_ids: set[str]) -> tuple[Path, Path]:
    """Write ``<stem>.candidates.csv`` and ``<stem>.exclusions.csv`` into ``out_dir``; return both paths.

    Nothing is written when the article is refused (``ArticleError``).
    """
    candidates, exclusions = suggest_claims(article, existing_ids)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = Path(article).stem
    targets = (out_dir / f"{stem}.candidates.csv", out_dir / f"{stem}.exclusions.csv")
    # reviewers open these in a spreadsheet: formula-like text is neutralised (files.restore_cell undoes it)
    write_csvs(dict(zip(targets, (candidates, exclusions), strict=True)), for_people=True)
    return targets
