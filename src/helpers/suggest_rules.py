"""The first guesses ``suggest`` makes for a figure from its sentence: claim type, period, per-year, subject,
topic and countries. Each looks only at the figure's sentence, so guessing stays linear in the article.

Rules (documented for reviewers in the README):

* **Claim type.** A *target* is a goal or plan someone states: "target", "goal", "aims to", "plans to",
  "pledged", "committed to", "agreed to raise", "seeks to", "envisages". A projection or expectation without a
  goal ("is expected to reach", "could rise to", "will reach", "can be increased to", "has the potential to") is
  an *estimate*, as is a valuation ("worth", "valued at", "estimated"). A figure after "from" in a change ("rise
  from $3 billion to $50 billion") is the starting level: a *fact*. Everything else is a *fact*.
* **Per year.** Money and counts are yearly flows when the parser reads "annually", "a year", "per annum",
  "yearly" or "annual ..." in the figure's clause, or when the sentence says so and no other figure in it
  took the words.
* **Period.** A fact bounded in time keeps its period in the notes ("in the first quarter", "in July-September",
  "during FY2024-25", "in the first four months"); "in March 2025" also dates it (``as_of`` 2025-03).
* **Countries.** Geography and partner follow the sentence: the country named in the figure ("40 Chinese
  companies"), else the owner of the measured thing ("Pakistan's exports"), else the first of a pair
  ("Pakistan-Uzbekistan trade", "between Pakistan and China"), else the nearest country named before it; the
  partner is the country after "to", "with", "from", "between" or the second of a pair, in the same clause.
* **Subject.** The noun phrase the figure measures, as the sentence words it: "exports to China rose ... to
  $450 million" -> "Exports to China"; "$3 billion worth of pharmaceutical products" -> "Pharmaceutical
  products"; "a trade target of $10bn" -> "Trade target".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from helpers.quantities import Quantity

# ----------------------------------------------------------------------------------------------- claim type

_GOAL_RE = re.compile(
    r"\b(?:targets?|targeted|targeting|goals?|aims?|aimed|aiming|objectives?|ambitions?|plans?\s+to|planned\s+to"
    r"|planning\s+to|pledged?|pledges|committed\s+to|commitment|resolved?\s+to|vowed?\s+to|seeks?\s+to"
    r"|seeking\s+to|envisages?|envisaged|intends?\s+to|strives?\s+to|(?:agreed|decided)\s+to\s+(?:raise|increase"
    r"|enhance|boost|take|double|expand|achieve|reach|invest)|to\s+achieve|milestone|roadmap)\b",
    re.I,
)
_PROJECTION_RE = re.compile(
    r"\b(?:expected|expects?|expecting|projected|projection|forecasts?|forecasted|could|can\s+be|may"
    r"|might|will|would|likely|potential|poised|set\s+to|on\s+(?:course|track)\s+to|anticipated?|predicts?"
    r"|predicted|estimated|estimates?|hopes?\s+to)\b",
    re.I,
)
_VALUATION_RE = re.compile(r"\b(?:estimat\w*|valued\s+at|worth\s+(?:about|around|some|an\s+estimated)|"
                           r"(?:is|are|was|were|be|been)\s+(?:\w+\s+)?worth)\b", re.I)  # fmt: skip
_FROM_BEFORE_RE = re.compile(r"\bfrom\s+(?:\w+\s+){0,2}$", re.I)


def claim_type(clause: str, q_at: int) -> tuple[str, str]:
    """(claim type, why) for the figure at ``q_at`` of ``clause``."""
    if _FROM_BEFORE_RE.search(clause[:q_at]):
        return "fact", ""  # "rise from about $3 billion today to ...": the starting level
    goal = _GOAL_RE.search(clause)
    if goal:
        return "target", ""
    projection = _PROJECTION_RE.search(clause)
    if projection:
        return "estimate", f"projection ('{projection.group(0)}'), not a stated goal"
    if _VALUATION_RE.search(clause):
        return "estimate", ""
    return "fact", ""


# ---------------------------------------------------------------------------------------------- per year

_SENTENCE_PER_YEAR_RE = re.compile(
    r"\b(?:annually|yearly|per\s+annum|p\.a\.|(?:a|per|each|every)\s+year(?![\w-])(?!\s+(?:ago|earlier|later|back|before))"
    r"|annual\s+(?!report|meeting|session|summit|conference|event|review|day|general|leave|award|festival))",
    re.I,
)
_DURATION_RE = re.compile(r"\b(?:for|over|within|in)\s+(?:a|one|per)\s+year\b", re.I)


def sentence_says_per_year(sentence: str) -> bool:
    """True when the sentence says "annually", "a year", "per annum", "yearly" or "annual <flow>"."""
    cleaned = _DURATION_RE.sub(" ", sentence)
    return bool(_SENTENCE_PER_YEAR_RE.search(cleaned))


# ------------------------------------------------------------------------------------------------- period

_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar"
           "|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec")  # fmt: skip
_NUMBER_WORDS = r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_PERIOD_RE = re.compile(
    rf"\b(?:in|during|for|over|of)\s+(?:the\s+)?(?P<p>"
    rf"(?:first|second|third|fourth|last|past|latest)\s+(?:{_NUMBER_WORDS}\s+)?(?:quarter|half|months?|weeks?)"
    rf"(?:\s+of\s+(?:the\s+)?(?:current\s+|last\s+|previous\s+|this\s+)?(?:fiscal|financial|calendar)?\s*year"
    rf"(?:\s+(?:FY\s?)?\d{{2,4}}(?:[-–/]\d{{2,4}})?)?|\s+of\s+(?:FY\s?)?\d{{2,4}}(?:[-–/]\d{{2,4}})?)?"
    rf"|(?:Q[1-4]|H[12])(?:\s+(?:of\s+)?(?:FY\s?)?\d{{2,4}}(?:[-–/]\d{{2,4}})?)?"
    rf"|(?:{_MONTHS})\.?\s*[-–]\s*(?:{_MONTHS})\.?(?:\s+(?:FY\s?)?\d{{2,4}}(?:[-–/]\d{{2,4}})?)?"
    rf"|(?:fiscal\s+year\s+|FY\s?)\d{{2,4}}(?:[-–/]\d{{2,4}})?"
    rf"|(?:{_MONTHS})(?:\s+(?:19|20)\d\d)?)\b",
    re.I,
)
_MONTH_NUMBER = {m.lower()[:3]: i for i, m in enumerate(["January", "February", "March", "April", "May", "June",
                                                          "July", "August", "September", "October", "November",
                                                          "December"], start=1)}  # fmt: skip


def period(clause: str, q_to: int) -> tuple[str, str]:
    """(period words, as_of) for a fact bounded in time: the period stated after the figure, else before it
    in the clause; ``as_of`` is YYYY-MM for a month and year ("in March 2025"), else ""."""
    found = _PERIOD_RE.search(clause, q_to) or _PERIOD_RE.search(clause[:q_to])
    if not found:
        return "", ""
    words = " ".join(found.group("p").split())
    month = re.fullmatch(rf"({_MONTHS})\s+((?:19|20)\d\d)", words, re.I)
    as_of = f"{month.group(2)}-{_MONTH_NUMBER[month.group(1).lower()[:3]]:02d}" if month else ""
    return words, as_of


# ---------------------------------------------------------------------------------------------- countries

_COUNTRIES: list[tuple[str, str, re.Pattern[str]]] = [
    (name, code, re.compile(pattern)) for name, code, pattern in [
        ("Pakistan", "pk", r"\bPak(?:istan(?:i|is)?)?\b"),
        ("China", "cn", r"\bChin(?:a|ese)\b|\bPRC\b"),
        ("Uzbekistan", "uz", r"\bUzbek(?:istan)?\b"),
        ("Iran", "ir", r"\bIran(?:ian)?\b"),
        ("Afghanistan", "af", r"\bAfghan(?:istan)?\b"),
        ("India", "in", r"\bIndian?\b"),
        ("Saudi Arabia", "sa", r"\bSaudi(?:\s+Arabia)?\b|\bKSA\b"),
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
CODES = {name: code for name, code, _ in _COUNTRIES}
_ANY_COUNTRY_RE = re.compile("|".join(f"(?P<c{i}>{p.pattern})" for i, (_, _, p) in enumerate(_COUNTRIES)))
_PARTNER_CUE_RE = re.compile(r"(?:\b(?P<w>to|with|from|between|into|in|and)\s+(?:the\s+)?|\w[-–])$", re.I)
_WEAK_CUES = {"in"}  # "invest in Pakistan": a partner if another country is the subject, else the subject
_POSSESSIVE_RE = re.compile(r"\A(?:’s|'s|’|')")


@dataclass(frozen=True)
class Mention:
    """A country named in a sentence, and whether words before it mark a partner ("to China")."""

    name: str
    start: int
    end: int
    cued: bool
    weak: bool  # after "in": a partner only when another country is the subject
    possessive: bool  # "Pakistan's exports"
    paired: bool  # the first of "Pakistan-China" or "Pakistan and China"


def mentions(sentence: str) -> list[Mention]:
    """Every country named in ``sentence``, in order."""
    found = []
    for m in _ANY_COUNTRY_RE.finditer(sentence):
        name = _COUNTRIES[int(str(m.lastgroup)[1:])][0]
        paired = bool(re.match(r"[-–]\w|\s+and\s", sentence[m.end():m.end() + 6]))
        cue = _PARTNER_CUE_RE.search(sentence[max(0, m.start() - 20):m.start()])
        word = (cue.group("w") or "").lower() if cue else ""
        between = word == "between"  # "between A and B": A comes first
        weak = word in _WEAK_CUES
        found.append(Mention(name, m.start(), m.end(), bool(cue) and not between and not weak, weak,
                             bool(_POSSESSIVE_RE.match(sentence[m.end():m.end() + 3])), paired or between))
    return found


def countries_by_frequency(text: str) -> list[str]:
    """Countries named in the text, most named first."""
    counts = {name: len(pattern.findall(text)) for name, _, pattern in _COUNTRIES}
    return [name for name in sorted(counts, key=lambda n: -counts[n]) if counts[name]]


def geo_partner(clause: str, q_start: int, q_end: int, by_frequency: list[str]) -> tuple[str, str]:
    """Subject country and partner country of the figure at ``q_start:q_end`` of ``clause``, in the sentence's
    order: "Pakistan-Uzbekistan trade" -> (Pakistan, Uzbekistan); "Uzbekistan aims to raise its trade with
    Pakistan" -> (Uzbekistan, Pakistan)."""
    found = mentions(clause)
    inside = [m for m in found if q_start <= m.start and m.end <= q_end]
    before = [m for m in found if m.end <= q_start]
    after = [m for m in found if m.start >= q_end]
    owner = [m for m in before if m.possessive and not m.cued and not m.weak]
    pair = [m for m in before + after if m.paired and not m.cued]
    plain_before = [m for m in before if not m.cued and not m.weak]
    plain_after = [m for m in after if not m.cued]
    pick = inside[:1] or owner[-1:] or pair[:1] or plain_before[-1:] or plain_after[:1]
    cued = {m.name for m in found if m.cued}
    geo = pick[0].name if pick else next((name for name in by_frequency if name not in cued), "")
    partner = next((m.name for m in found if m.cued and m.name != geo), "")
    partner = partner or next((m.name for m in found if m.weak and m.name != geo), "")
    return geo, partner


# ------------------------------------------------------------------------------------------------ subject

_STOP = {"the", "a", "an", "its", "their", "his", "her", "our", "this", "that", "these", "those", "of", "total",
         "overall", "country’s", "country's", "nation’s", "nation's", "government’s", "government's"}  # fmt: skip
_NOT_SUBJECT_HEAD = {"he", "she", "it", "they", "we", "which", "that", "who", "this", "there", "said", "says",
                     "minister", "ministry", "bank", "official", "officials", "report", "data", "figures",
                     "sources", "spokesperson", "ambassador", "envoy", "adviser", "advisor", "secretary"}  # fmt: skip
_TOKEN_RE = re.compile(r"[A-Za-z][\w’'-]*|\d[\d.,]*|[^\w\s]")
_VERBS = {"rose", "rise", "rises", "risen", "fell", "fall", "falls", "fallen", "increased", "increase", "increases",
          "decreased", "declined", "declines", "grew", "grow", "grows", "grown", "dropped", "drops", "jumped",
          "surged", "climbed", "reached", "reach", "reaches", "stood", "stands", "stand", "amounted", "amounts",
          "totalled", "totaled", "totals", "was", "were", "is", "are", "be", "been", "hit", "touched", "crossed",
          "remained", "registered", "posted", "witnessed", "recorded", "soared", "plunged", "slumped", "tumbled",
          "eased", "expanded", "contracted", "improved", "shrank", "exceeded", "surpassed", "will", "could", "can",
          "may", "might", "would", "should", "have", "has", "had", "worth", "valued", "estimated", "expected",
          "projected", "set", "likely", "go", "went", "gone", "came", "come", "stay", "stayed"}  # fmt: skip
_SKIP = {"to", "from", "by", "at", "of", "about", "around", "nearly", "almost", "over", "more", "than", "less",
         "only", "just", "today", "currently", "now", "also", "further", "alone", "still", "already", "up", "down",
         "some", "roughly", "approximately", "an", "estimated", "another", "a", "respectively"}  # fmt: skip
_FIGURE_WORDS = {"billion", "million", "trillion", "thousand", "crore", "lakh", "bn", "mn", "tn", "percent", "per",
                 "cent", "pc", "dollars", "rupees", "usd", "pkr", "rs"}  # fmt: skip
_NOT_IN_SUBJECT = _VERBS | {"said", "says", "that", "which", "who", "and", "or", "but", "while", "the", "a", "an",
                            "this", "these", "those", "he", "she", "it", "they", "we", "there", "in", "on", "for",
                            "during", "as", "after", "before", "since", "if", "when", "where", "with", "to", "over",
                            "near", "under", "across", "into", "from", "at", "by", "spread", "located", "situated",
                            "built", "through", "until", "till", "via"}  # fmt: skip
_ADVERBS_AFTER = {"annually", "yearly", "daily", "monthly", "today", "each", "every", "per"}
_AFTER_NP_RE = re.compile(r"\A\s*(?:worth\s+of|of|in|for)\s+(?P<np>[^,;.()\d]{1,80})")
_COMPOUND_AFTER_RE = re.compile(r"\A\s*(?P<np>[a-z][\w-]*(?:\s+[a-z][\w-]*){0,3})")
_HEAD_NOUNS_AFTER = {"goal", "target", "targets", "investment", "investments", "package", "deal", "loan", "project",
                     "programme", "program", "economy", "facility", "plan", "budget", "agreement", "trade",
                     "exports", "imports", "deficit", "surplus", "outlay", "fund", "bailout", "expansion"}  # fmt: skip


def _noun_phrase(words: list[str]) -> str:
    """Words of a noun phrase as written, cut at its first verb, preposition or clause word; a country's
    possessive is kept ("Pakistan’s mineral exports"), other determiners and possessives are dropped."""
    kept: list[str] = []
    words = [w for w in (re.sub(r"[^\w’'-]+$", "", w) for w in words) if w]
    for i, word in enumerate(words):
        low = word.lower()
        partner = low in {"to", "with", "between", "in"} and i + 1 < len(words) and words[i + 1][:1].isupper()
        if not partner and (low in _NOT_IN_SUBJECT or low in _ADVERBS_AFTER or not word[:1].isalpha()):
            if kept:
                break
            continue
        kept.append(word)
    while kept and (kept[0].lower() in _STOP or (re.search(r"(?:’s|'s)$", kept[0])
                                                 and not any(p.match(kept[0]) for _, _, p in _COUNTRIES))):  # fmt: skip
        kept = kept[1:]
    while kept and kept[-1].lower() in _STOP | {"to", "with", "between", "in"}:
        kept = kept[:-1]
    if not kept or kept[-1].lower() in _NOT_SUBJECT_HEAD or kept[0].lower() in _NOT_SUBJECT_HEAD:
        return ""
    text = " ".join(kept[:6])
    return text[:1].upper() + text[1:]


def _before_verb(before: str) -> str:
    """The noun phrase that opens the verb governing the figure: "mineral exports can be increased to" ->
    "mineral exports"; figures, qualifiers and a change before ("rose 12.5 percent to") are skipped."""
    tokens = _TOKEN_RE.findall(before)
    i, seen_verb = len(tokens) - 1, False
    while i >= 0:
        low = tokens[i].lower()
        if low in _VERBS:
            seen_verb = True
        elif not (low in _SKIP or low in _FIGURE_WORDS or tokens[i][:1].isdigit() or tokens[i] in "$%~"):
            break
        i -= 1
    if not seen_verb:
        return ""
    end = i + 1
    while i >= 0 and (tokens[i][:1].isalpha() or tokens[i] in {"-"}) and end - i <= 7:
        low = tokens[i].lower()
        if low in _NOT_IN_SUBJECT and not (low in {"to", "with"} and tokens[i + 1][:1].isupper()):
            break
        i -= 1
    return _noun_phrase(tokens[i + 1:end])


def subject(clause: str, q_at: int, q_to: int, q: Quantity) -> str:
    """The noun phrase the figure measures, as the clause words it ("" when none is found)."""
    before, after = clause[:q_at], clause[q_to:]
    if q.kind == "count" and q.unit:
        written = _TOKEN_RE.findall(clause[q_at:q_to] + " " + " ".join(after.split()[:3]))
        words = [w for w in written if w[:1].isalpha() and w.lower() not in _FIGURE_WORDS]
        if len(words) > 1 and words[1].lower() == "of":  # "6,000 acres of land"
            words = words[:3]
        else:
            words = words[: next((i + 1 for i, w in enumerate(words) if w.lower().startswith(q.unit[:4])), 1)]
        return _noun_phrase(words) if words else ""
    raised = re.search(r"\b(?:raise|increase|enhance|boost|take|double|expand|lift)\s+(?P<np>[^,;]{1,60}?)\s+(?:to|by)"
                       r"\s+(?:about\s+|around\s+|over\s+)?$", before, re.I)  # fmt: skip
    if raised:
        found = _noun_phrase(raised.group("np").split())
        if found:
            return found
    if q.kind == "money":
        compound = _COMPOUND_AFTER_RE.match(after)
        words = compound.group("np").split() if compound else []
        heads = [i for i, w in enumerate(words) if w.lower() in _HEAD_NOUNS_AFTER]
        if heads:  # "USD 10bn trade goal", "the $2 billion trade target with Uzbekistan"
            return _noun_phrase(words + after[compound.end():].split()[:4])
        found = _before_verb(before)
        if found:
            return found
        invest = re.search(r"\binvest(?:s|ed|ing)?\s+(?:\w+\s+){0,2}$", before, re.I)
        tail = _AFTER_NP_RE.match(after)
        if invest and tail and re.match(r"\s*in\b", after):
            found = _noun_phrase(["in", *tail.group("np").split()])
            return "Investment " + found[:1].lower() + found[1:] if found else "Investment"
        tail = _AFTER_NP_RE.match(after)
        if tail:
            return _noun_phrase(tail.group("np").split())
        of = re.search(r"(?P<np>(?:[A-Za-z][\w’'-]*\s+){0,3}[A-Za-z][\w’'-]*)\s+of\s+$", before)
        return _noun_phrase(of.group("np").split()) if of else ""
    found = _before_verb(before)
    if found:
        return found
    of = re.search(r"(?P<np>(?:[A-Za-z][\w’'-]*\s+){0,3}[A-Za-z][\w’'-]*)\s+of\s+$", before)
    return _noun_phrase(of.group("np").split()) if of else ""


# -------------------------------------------------------------------------------------------------- topic

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
_ANY_TOPIC_RE = re.compile("|".join(f"(?P<t{i}>{p.pattern})" for i, (_, p) in enumerate(_TOPICS)), re.I)
_UNIT_TOPICS = {"employees": "employment", "jobs": "employment", "workers": "employment", "acres": "land",
                "hectares": "land", "participants": "events", "delegates": "events"}  # fmt: skip


def topic(clause: str, q_start: int, q_end: int, unit: str, subject_words: str = "") -> str:
    """The register topic: from the counted noun, else the subject, else the nearest topic word."""
    if unit in _UNIT_TOPICS:
        return _UNIT_TOPICS[unit]
    for rank_topic, pattern in _TOPICS:
        if subject_words and pattern.search(subject_words):
            return rank_topic
    best: tuple[int, int, str] | None = None
    for m in _ANY_TOPIC_RE.finditer(clause):
        rank = int(str(m.lastgroup)[1:])
        # the subject usually comes first: a keyword after the quantity counts as three times as far
        gap = max(q_start - m.end(), 3 * (m.start() - q_end), 0)
        if best is None or (gap, rank) < best[:2]:
            best = (gap, rank, _TOPICS[rank][0])
    return best[2] if best else "other"
