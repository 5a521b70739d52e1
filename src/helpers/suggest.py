"""Candidate register rows from a new article, for a person to review before they enter the register.

Every quantity the parser finds becomes either a candidate claim (money, counts, percentages) or a proposed
exclusion (years, dates, ordinals, labels, vague magnitudes). Each candidate quotes its whole sentence
verbatim with the exact offset, and carries first guesses -- claim type, target year, topic, countries, an
id -- that the reviewer corrects. Nothing here decides what enters the register.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from helpers.claims.schema import EXCLUSION_COLUMNS, REGISTER_COLUMNS
from helpers.claims.schema import SUGGESTED_NOTE as NOTES
from helpers.errors import ArticleError
from helpers.files import write_csvs
from helpers.quantities import Quantity, find_quantities

_HEADER_RE = re.compile(r"\A[^\S\n]*date[^\S\n]+(\d{4}-\d{2}-\d{2})(?![\w-])", re.I)
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sen", "rep", "gov",
                  "st", "no", "nos", "rs", "vs", "etc", "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr",
                  "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "est", "u.s", "e.g",
                  "i.e", "govt", "dept"}  # fmt: skip
_BOUNDARY_RE = re.compile(r"[.!?]+[\"'”’)\]]*(?=[^\S\n]+[\"“‘'(\[]?[A-Z0-9])")

# Target language: a quantity in a clause that says one of these is a goal, not a fact.
_TARGET_RE = re.compile(
    r"\b(?:targets?|targeted|targeting|goals?|aims?\s+to|aimed\s+(?:at|to)|aiming|by\s+(?:19|20)\d{2}"
    r"|could\s+(?:rise|reach|grow|increase|touch|climb)|can\s+be\s+(?:increased|raised|enhanced|taken)"
    r"|will\s+(?:reach|rise|increase|grow)|plans?\s+to|planned|planning\s+to|projected\s+to|expected\s+to"
    r"|seeks?\s+to|set\s+to|envisages?|ambitions?|objectives?|to\s+achieve|pledged?|committed\s+to)\b",
    re.I,
)
_ESTIMATE_RE = re.compile(
    r"\b(?:estimat\w*|valued\s+at|forecast\w*|(?:is|are|was|were|be|been)\s+(?:\w+\s+)?worth)\b", re.I
)
_FROM_BEFORE_RE = re.compile(r"\bfrom\s+(?:\w+\s+){0,2}$", re.I)
_HORIZON_RE = re.compile(r"\bby\s+(?:the\s+end\s+of\s+)?(?:FY\s?)?((?:19|20)\d{2})\b", re.I)
_CLAUSE_SPLIT_RE = re.compile(r";|,?\s+(?:but|while|whereas|although)\s+", re.I)

# Topic keywords, in order of precedence when two are equally close to the quantity.
_TOPICS: list[tuple[str, re.Pattern[str]]] = [
    (topic, re.compile(pattern, re.I)) for topic, pattern in [
        ("pharma", r"\bpharma\w*|\bmedicines?\b|\bdrugs?\b"),
        ("events", r"\bforums?\b|\bparticipants?\b|\battend\w*|\bconferences?\b|\bsummits?\b|\bexpos?\b"
                   r"|\bexhibitions?\b|\bdelegat\w*"),
        ("investment", r"\binvest\w*|\bFDI\b"),
        ("employment", r"\bjobs?\b|\bemploy\w*|\bworkers?\b|\bworkforce\b|\btrained\b"),
        ("minerals", r"\bminer(?:al|als)\b(?:\s+exports?)?|\bmining\b|\bmines?\b|\bcopper\b|\bgold\b"
                     r"|\blithium\b|\brare\s+earths?\b|\bgemstones?\b|\bsmelt\w*"),
        ("energy", r"\benergy\b|\bsolar\b|\belectricity\b|\bpower\b|\bgas\b|\boil\b|\bLNG\b|\brenewable\w*"),
        ("land", r"\bacres?\b|\bhectares?\b|\bland\b"),
        ("exports", r"\bexport\w*"),
        ("trade", r"\btrade\b|\bimport\w*|\bbilateral\b"),
        ("industry", r"\bindustr\w*|\bmanufactur\w*|\bfactor(?:y|ies)\b|\bSEZs?\b|\beconomic\s+zones?\b"),
        ("macro", r"\beconomy\b|\bGDP\b|\binflation\b|\bbudget\w*|\brevenues?\b|\bfiscal\b|\bspending\b"
                  r"|\bdevelopment\s+projects\b|\bPSDP\b|\bdebt\b|\bremittances\b"),
    ]
]  # fmt: skip
_UNIT_TOPICS = {"employees": "employment", "jobs": "employment", "workers": "employment", "acres": "land",
                "hectares": "land", "participants": "events", "delegates": "events"}  # fmt: skip

# Country mentions: (canonical name, id code, pattern).
_COUNTRIES: list[tuple[str, str, re.Pattern[str]]] = [
    (name, code, re.compile(pattern)) for name, code, pattern in [
        ("Pakistan", "pk", r"\bPak(?:istan(?:i|is)?)?\b"),
        ("China", "cn", r"\bChin(?:a|ese)\b|\bPRC\b"),
        ("Uzbekistan", "uz", r"\bUzbek(?:istan)?\b"),
        ("Iran", "ir", r"\bIran(?:ian)?\b"),
        ("Afghanistan", "af", r"\bAfghan(?:istan)?\b"),
        ("India", "in", r"\bIndian?\b"),
        ("Saudi Arabia", "sa", r"\bSaudi(?:\s+Arabia)?\b"),
        ("United Arab Emirates", "ae", r"\bUAE\b|\bUnited\s+Arab\s+Emirates\b|\bEmirati\b"),
        ("Qatar", "qa", r"\bQatar(?:i)?\b"),
        ("Turkey", "tr", r"\bTurk(?:ey|ish)\b|\bTürkiye\b"),
        ("Russia", "ru", r"\bRussian?\b"),
        ("Kazakhstan", "kz", r"\bKazakh(?:stan)?\b"),
        ("Turkmenistan", "tm", r"\bTurkmen(?:istan)?\b"),
        ("Kyrgyzstan", "kg", r"\bKyrgyz(?:stan)?\b"),
        ("Tajikistan", "tj", r"\bTajik(?:istan)?\b"),
        ("Azerbaijan", "az", r"\bAzerbaijan(?:i)?\b"),
        ("Bangladesh", "bd", r"\bBangladesh(?:i)?\b"),
        ("Sri Lanka", "lk", r"\bSri\s+Lank(?:a|an)\b"),
        ("United States", "us", r"\bUnited\s+States\b|\bU\.S\.(?!\s?\$)|\bUS(?![$\w])|\bUSA\b|\bAmerican\b"),
        ("United Kingdom", "gb", r"\bUnited\s+Kingdom\b|\bUK\b|\bBritain\b|\bBritish\b"),
        ("Japan", "jp", r"\bJapan(?:ese)?\b"),
        ("Germany", "de", r"\bGerman[y]?\b"),
        ("European Union", "eu", r"\bEuropean\s+Union\b|\bEU\b"),
    ]
]  # fmt: skip
_CODE = {name: code for name, code, _ in _COUNTRIES}
_PARTNER_CUE_RE = re.compile(r"(?:\b(?:to|with|from|and|between|for|into)\s+(?:the\s+)?|\w[-–])$", re.I)

_SPEAKER_RE = re.compile(
    r"\b((?:[A-Z][a-z]+\s){0,2}[A-Z][a-z]+)\s+(?:has\s+|had\s+)?(?:said|says|told|added|noted|stated)\b"
)
_TITLE_WORDS = {"Minister", "Federal", "Planning", "Finance", "Commerce", "Ambassador", "President", "Prime",
                "Secretary", "Chairman", "Governor", "Mr", "Dr", "Senator", "Adviser", "Advisor", "Special",
                "Assistant", "He", "She", "They", "It", "The", "This", "Officials", "Sources"}  # fmt: skip

_REASONS = {"year": "calendar year", "date": "date", "ordinal": "ordinal", "vague": "vague magnitude"}


@dataclass(frozen=True)
class _Mention:
    name: str
    start: int
    end: int
    cued: bool  # preceded by "to", "with", "from"...: a partner rather than the subject


# ---------------------------------------------------------------------------------------------- reading


def read_article(article: Path) -> str:
    """The article's text exactly as stored (UTF-8, line endings kept), so offsets index it exactly.

    Raises ``ArticleError`` naming the file and the fix when it is missing, empty or not UTF-8.
    """
    name = Path(article).name
    path = Path(article)
    if not path.is_file():
        raise ArticleError(f"{path}: file not found. Fix: check the path (e.g. seeds/005_new_article.txt)")
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
            word = re.search(r"([\w.]+)[.!?]*$", line[: m.start() + 1])
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


# -------------------------------------------------------------------------------------------- guessing


def _clause(sentence: str, at: int) -> tuple[int, int]:
    """Bounds (within the sentence) of the clause around position ``at``: split at ';' and 'but'/'while'."""
    start, end = 0, len(sentence)
    for m in _CLAUSE_SPLIT_RE.finditer(sentence):
        if m.end() <= at:
            start = m.end()
        elif m.start() >= at:
            end = m.start()
            break
    return start, end


def _claim_type(clause: str, q_at: int) -> str:
    if _FROM_BEFORE_RE.search(clause[:q_at]):
        return "fact"  # "rise from about $3 billion today to ...": the baseline of a target
    if _TARGET_RE.search(clause):
        return "target"
    if _ESTIMATE_RE.search(clause):
        return "estimate"
    return "fact"


def _topic(clause: str, q_start: int, q_end: int, unit: str) -> str:
    if unit in _UNIT_TOPICS:
        return _UNIT_TOPICS[unit]
    best: tuple[int, int, str] | None = None
    for rank, (topic, pattern) in enumerate(_TOPICS):
        for m in pattern.finditer(clause):
            # the subject usually comes first: a keyword after the quantity counts as three times as far
            gap = max(q_start - m.end(), 3 * (m.start() - q_end), 0)
            if best is None or (gap, rank) < best[:2]:
                best = (gap, rank, topic)
    return best[2] if best else "other"


def _mentions(sentence: str) -> list[_Mention]:
    found = []
    for name, _, pattern in _COUNTRIES:
        for m in pattern.finditer(sentence):
            found.append(_Mention(name, m.start(), m.end(), bool(_PARTNER_CUE_RE.search(sentence[: m.start()]))))
    return sorted(found, key=lambda x: x.start)


def _geo_partner(sentence: str, q_start: int, q_end: int, by_frequency: list[str]) -> tuple[str, str]:
    """Subject country and partner country of the quantity at ``q_start:q_end`` of ``sentence``.

    The subject is a country named inside the quantity ("100 Pakistani companies"), else the nearest one
    named before it, else the first one after it, else the article's most named country; countries after
    "to", "with", "from"... or after a hyphen ("Pak-Iran") are partners.
    """
    mentions = _mentions(sentence)
    inside = [m for m in mentions if q_start <= m.start and m.end <= q_end]
    before = [m for m in mentions if m.end <= q_start and not m.cued]
    after = [m for m in mentions if m.start >= q_end and not m.cued]
    cued = {m.name for m in mentions if m.cued}
    pick = inside[:1] or before[-1:] or after[:1]
    geo = pick[0].name if pick else next((name for name in by_frequency if name not in cued), "")
    others = [m for m in mentions if m.name != geo]
    partner = next((m.name for m in others if m.cued), others[0].name if others else "")
    return geo, partner


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


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
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


def _countries_by_frequency(text: str) -> list[str]:
    """Countries named in the text, most named first."""
    counts = {name: len(pattern.findall(text)) for name, _, pattern in _COUNTRIES}
    return [name for name in sorted(counts, key=lambda n: -counts[n]) if counts[name]]


# ----------------------------------------------------------------------------------------------- public


def suggest_claims(article: Path, existing_ids: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(candidate claims with the register columns, proposed exclusions) for every quantity in ``article``.

    Raises ``ArticleError`` when the article is missing, empty, not UTF-8 or states no quantity.
    """
    article = Path(article)
    text = read_article(article)
    found = find_quantities(text)
    if not found:
        raise ArticleError(
            f"{article.name}: no quantities found (no amount, count, percentage, year or date written in "
            "digits). Fix: check that this is the full article text; numbers written only as words "
            "('five projects') are not read"
        )
    spans = sentence_spans(text)
    as_of, by_frequency = article_date(text), _countries_by_frequency(text)
    taken = set(existing_ids)
    candidates, exclusions = [], []
    for q in found:
        if not q.is_claim:
            exclusions.append({"seed_file": article.name, "offset": q.start, "text": q.text, "kind": q.kind,
                               "reason": _exclusion_reason(q, text)})  # fmt: skip
            continue
        s_start, s_end = next(((a, b) for a, b in spans if a <= q.start < b), (q.start, q.end))
        s_start, s_end = min(s_start, q.start), max(s_end, q.end)
        sentence = text[s_start:s_end]
        c_start, c_end = _clause(sentence, q.start - s_start)
        clause = sentence[c_start:c_end]
        q_at, q_to = q.start - s_start - c_start, q.end - s_start - c_start
        claim_type = _claim_type(clause, q_at)
        horizon = _HORIZON_RE.search(clause[q_at:]) or _HORIZON_RE.search(clause)
        horizon_year = horizon.group(1) if horizon and claim_type == "target" else ""
        topic = _topic(clause, q_at, q_to, q.unit)
        geo, partner = _geo_partner(sentence, q.start - s_start, q.end - s_start, by_frequency)
        unit_part = q.unit if q.kind == "count" else "pct" if q.kind == "percent" else ""
        base = _slug(_CODE.get(geo, geo), _CODE.get(partner, partner), topic if topic != "other" else "",
                     unit_part, horizon_year, "target" if claim_type == "target" else "")  # fmt: skip
        row = {column: "" for column in REGISTER_COLUMNS}
        row.update({
            "id": _unique(base, taken), "topic": topic, "claim_type": claim_type,
            "subject": f"{topic.capitalize()}: {geo}{'-' + partner if partner else ''}", "geo": geo,
            "partner": partner, "value": _plain(q.value) if q.qualifier != "range" else "",
            "value_low": _plain(q.low) if q.qualifier == "range" else "",
            "value_high": _plain(q.high) if q.qualifier == "range" else "",
            "unit": q.unit, "qualifier": q.qualifier, "as_of": _stated_year(clause, q_to, claim_type) or as_of,
            "horizon_year": horizon_year,
            "speaker": _speaker(sentence), "seed_file": article.name, "offset": s_start, "quote": sentence,
            "notes": NOTES,
        })  # fmt: skip
        candidates.append(row)
    _link_baselines(candidates)
    exclusions = [e for e in exclusions if not _is_horizon_of(e, candidates)]
    cand = pd.DataFrame(candidates, columns=REGISTER_COLUMNS)
    excl = pd.DataFrame(exclusions, columns=EXCLUSION_COLUMNS)
    return cand, excl


_STATED_YEAR_RE = re.compile(r"^\W{0,3}(?:\w+\W+){0,3}?(?:in|during|for|as of)\s+((?:19|20)\d\d)\b")


def _stated_year(clause: str, q_to: int, claim_type: str) -> str:
    """The year a fact is stated for, when the words right after it say so ("$400 million in 2024")."""
    if claim_type == "target":
        return ""
    found = _STATED_YEAR_RE.search(clause[q_to:])
    return found.group(1) if found else ""


def _link_baselines(candidates: list[dict[str, str]]) -> None:
    """A target whose sentence also states a current figure in the same unit ("to $5B by 2030, up from
    about $400M") gets that figure as its baseline_id."""
    for target in (c for c in candidates if c["claim_type"] == "target"):
        for other in candidates:
            if other is not target and other["claim_type"] == "fact" and other["offset"] == target["offset"] \
                    and other["unit"] == target["unit"]:
                target["baseline_id"] = other["id"]
                break


def _is_horizon_of(exclusion: dict[str, object], candidates: list[dict[str, str]]) -> bool:
    """True for a year that is the horizon of a target whose quote contains it (the claim covers it)."""
    if exclusion["kind"] != "year":
        return False
    start = int(exclusion["offset"])
    return any(c["horizon_year"] == exclusion["text"] and int(c["offset"]) <= start < int(c["offset"]) + len(c["quote"])
               for c in candidates)


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
