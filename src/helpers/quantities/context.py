"""What the words around a figure say about it: qualifiers, counted nouns, per-unit and per-year, direction.

Every function looks at a bounded window of text next to the figure (a few words, never the whole text),
so reading an article stays linear in its length.
"""

from __future__ import annotations

import re

from helpers.quantities import lexicon as lx

_WORD_RE = re.compile(rf"{lx.S1}(?P<w>[A-Za-z][A-Za-z’'-]*)")
_WORDS_RE = re.compile(r"[A-Za-z][A-Za-z’'-]*")
_EXTENT_VERB_RE = re.compile(
    rf"(?<![\w])(?:spread(?:s|ing)?(?:{lx.S1}out)?|stretch(?:es|ed|ing)?|extend(?:s|ed|ing)?|spanning|sprawling"
    rf"|situated|located|built|set{lx.S1}up){lx.S1}$",
    re.I,
)
_CLAUSE_STOP_RE = re.compile(r"[.;:!?,()\[\]\"“”\d$€£¥₹\n]")
_NOT_ANNUAL_FLOWS = {"report", "reports", "meeting", "session", "summit", "conference", "event", "plan", "review",
                     "day", "general", "leave", "award", "festival", "convention", "results", "ceremony"}  # fmt: skip
_PER_RE = re.compile(
    rf"(?:{lx.S1}(?:more|less|extra|additional)(?={lx.S1}per\b))?"
    rf"(?:{lx.S0}/{lx.S0}|(?:{lx.S1}|-)(?:per|a|an|each|every)(?:{lx.S1}|-))(?P<u>[A-Za-z]+)"
    rf"|{lx.S1}(?P<f>daily|weekly|monthly|quarterly|annually|yearly|p\.a\.)",
    re.I,
)
_NOT_AFTER_PER_YEAR = {"ago", "earlier", "later", "before", "after", "back", "prior"}


# ------------------------------------------------------------------------------------------- qualifiers


def qualifiers_before(text: str, start: int, lex: lx.Lexicon) -> tuple[int, str, str]:
    """(start of the qualifier words, qualifier kind, qualifier text) for the words right before ``start``."""
    pattern = _qualifier_re(lex.qualifier_before)
    q_start, kind = start, "exact"
    for _ in range(2):
        m = pattern.search(text, max(0, q_start - 40), q_start)
        if not m:
            break
        word = " ".join(m.group(0).lower().split())
        found = lex.qualifier_kinds.get(word, "approximate" if word == "~" else "exact")
        if word in {"over", "above", "under", "below"} and _EXTENT_VERB_RE.search(text, max(0, m.start() - 30),
                                                                                  m.start()):  # fmt: skip
            break  # "spread over 1,200 acres" states the size, not a bound
        if found != "exact" and kind == "exact":
            kind = found
        elif found != "exact":
            break  # two bounds in a row ("over about"): keep the nearer one
        q_start = m.start()
    return q_start, kind, text[q_start:start].strip()


_QUALIFIER_CACHE: dict[str, re.Pattern[str]] = {}


def _qualifier_re(source: str) -> re.Pattern[str]:
    if source not in _QUALIFIER_CACHE:
        _QUALIFIER_CACHE[source] = re.compile(source, re.I)
    return _QUALIFIER_CACHE[source]


def qualifier_after(text: str, end: int, lex: lx.Lexicon) -> tuple[int, str, str] | None:
    """(end, kind, words) of a qualifier written after the figure ("100 or more"), or None."""
    m = _qualifier_re(r"\A" + lex.qualifier_after).match(text[end:end + 40])
    if not m:
        return None
    words = m.group(0).strip()
    return end + m.end(), lex.qualifier_kinds[" ".join(words.lower().split())], words


# ------------------------------------------------------------------------------------------------ nouns


def counted_noun(text: str, end: int) -> tuple[int, str, bool] | None:
    """(end, noun, hyphenated) of the counted noun after a figure, skipping up to three modifiers."""
    m = re.match(r"-(?P<w>[A-Za-z]+)(?![\w-])", text[end:end + 40])  # "30-year lease", "5-member delegation"
    if m:
        return end + m.end(), m.group("w").lower(), True
    pos, skipped = end, 0
    while skipped <= 3:
        m = _WORD_RE.match(text, pos)
        if not m or m.start() - pos > 3:
            return None
        word = m.group("w").rstrip("’'-")
        low = word.lower()
        head = low.split("-")[0]
        if "-" in low and head in lx.UNIT_NOUNS:  # "783 km-long"
            return m.start("w") + len(head), head, False
        plural = low.endswith("s") and len(low) > 2 and not low.endswith(("ss", "us", "sis", "ous", "xis"))
        acronyms = re.fullmatch(r"[A-Z][A-Za-z]*[A-Z]s", word)  # "MoUs", "SMEs", "SEZs"
        if low in lx.UNIT_NOUNS or low in lx.TIME_UNITS or acronyms or (
                plural and low not in lx.NOT_NOUNS and not word.isupper()):  # fmt: skip
            return m.start("w") + len(word), low, False
        if low in lx.NOT_ADJECTIVES or low in lx.NOT_NOUNS or "’" in word or "'" in word:
            return None
        if word.isupper() and len(word) > 5:
            return None
        pos, skipped = m.end(), skipped + 1
    return None


def per_unit(text: str, end: int) -> tuple[int, str] | None:
    """(end, unit) of "per tonne", "/kg", "a barrel", "a month", "per annum", "annually" right after a figure.

    The unit is singular and lower case; a year is "year". "a year ago" and "for a year" are not rates.
    """
    m = _PER_RE.match(text, end)
    if not m:
        return None
    if m.group("f"):
        word = m.group("f").lower()
        return m.end(), "year" if word == "p.a." else lx.FREQUENCY[word]
    unit = m.group("u").rstrip(".").lower()
    joiner = text[end:m.start("u")].strip().lower().strip("-")
    if unit in {"annum", "yr", "year"}:
        unit = "year"
    elif unit in lx.TIME_PLURALS:
        unit = lx.TIME_PLURALS[unit]
    if joiner not in {"per", "/"} and unit not in lx.TIME_UNITS and unit not in lx.PRICE_UNITS:
        return None  # "a deal", "an agreement": not a unit
    if unit in lx.TIME_UNITS and joiner in {"a", "an"}:
        after = _WORDS_RE.match(text, m.end() + 1) if m.end() < len(text) else None
        if after and after.group(0).lower() in _NOT_AFTER_PER_YEAR:
            return None  # "$5 billion a year ago"
    return m.end(), unit


def _clause_words(fragment: str, *, ahead: bool) -> list[str]:
    stop = _CLAUSE_STOP_RE.search(fragment) if ahead else None
    if ahead:
        return _WORDS_RE.findall(fragment[: stop.start()] if stop else fragment)
    cut = max(fragment.rfind(c) for c in ".;:!?,()[]\n\"“”0123456789$")
    return _WORDS_RE.findall(fragment[cut + 1:])


def per_year_ahead(text: str, end: int) -> bool:
    """True when 'annually', 'per year' or 'annual <flow>' follows within eight words of the same clause."""
    words = _clause_words(text[end:end + 120], ahead=True)[:9]
    for i, word in enumerate(words):
        low = word.lower()
        if low in lx.CLAUSE_STOPS:
            return False
        if low in {"annually", "yearly"}:
            return True
        if low == "annual" and i + 1 < len(words) and words[i + 1].lower() not in _NOT_ANNUAL_FLOWS:
            return True
        if low in {"per", "each", "every", "a"} and i + 1 < len(words) and words[i + 1].lower() in {"year", "annum"}:
            if i > 0 and words[i - 1].lower() in {"for", "over", "within", "in"}:
                return False  # "for a year" is a duration
            return i + 2 >= len(words) or words[i + 2].lower() not in _NOT_AFTER_PER_YEAR
    return False


def per_year_behind(text: str, start: int) -> bool:
    """True when 'annual'/'yearly' stands at most ten words before, in the same clause ("the annual FBR tax
    collection target has been enhanced from Rs9,200 billion")."""
    words = _clause_words(text[max(0, start - 120):start], ahead=False)[-10:]
    for i, word in enumerate(words):
        if word.lower() in {"annual", "yearly", "annualised", "annualized"}:
            following = words[i + 1].lower() if i + 1 < len(words) else ""
            if following not in _NOT_ANNUAL_FLOWS and not any(w.lower() in lx.CLAUSE_STOPS for w in words[i:]):
                return True
    return False


# -------------------------------------------------------------------------------------------- direction

_BEFORE_RE = re.compile(r"([A-Za-z][A-Za-z’'-]*|[▲▼(])[^\S\n]*$")
_FILLERS = {"another", "only", "just", "by", "of", "a", "an", "the", "nearly", "almost", "around", "about",
            "some", "over", "more", "than", "marginal", "sharp", "massive", "record", "whopping", "modest",
            "further", "significant", "considerable", "double-digit", "slight", "steep"}  # fmt: skip
_ADJECTIVES_AFTER = {"annual", "yearly", "year-on-year", "marginal", "sharp", "massive", "record", "steep",
                     "slight", "nominal", "real", "overall", "cumulative", "monthly", "quarterly", "y-o-y"}  # fmt: skip


def _direction_of(word: str, *, before: bool = False) -> str:
    low = word.lower()
    if before and low in lx.AFTER_ONLY:
        return ""
    if low in lx.DOWN_WORDS or low in lx.DOWN_NOUNS:
        return "down"
    if low in lx.UP_WORDS or low in lx.UP_NOUNS:
        return "up"
    return ""


_OF_CHAIN = {"rate", "target", "level", "average", "annual", "the", "a", "an", "at", "record", "of", "pace", "with"}
_GROWTH_LINKS = {"rate", "target", "was", "is", "will", "be", "been", "has", "of", "at", "stood", "remained",
                 "recorded", "the", "a", "an", "average", "annual", "expected", "to", "projected", "forecast",
                 "estimated", "economic", "gdp", "real"}  # fmt: skip
_NOT_UP_AFTER = {"set", "sets", "setting", "signed", "sign", "build", "built", "draw", "drawn", "drew", "put",
                 "open", "opened", "take", "took", "taken", "make", "made", "wrap", "wrapped", "team", "teamed",
                 "line", "lined", "show", "showed", "shown", "come", "came", "end", "ended", "summed",
                 "laid", "lay", "write", "wrote", "written", "broke", "broken", "break", "settled", "handed",
                 "passed", "turned", "shut", "sat", "sit", "follow", "followed", "makes", "making"}  # fmt: skip


def direction_before(text: str, start: int, qualifier_text: str) -> str:
    """'up'/'down' when the words before a figure state a change ("rose by", "an increase of", "down", "▼").

    A level reached ("rose to $5bn", "up from $3bn", "increase up to $5bn") has no direction; the nearest
    word of change decides ("climbed down by", "negative growth of", "grow negatively by").
    """
    window = text[max(0, start - 80):start]
    cut = max(window.rfind(c) for c in ".;:!?,\n\"“”")
    words = re.findall(r"[A-Za-z][A-Za-z’'-]*|[▲▼]", window[cut + 1:])[-8:]
    if not words:
        return ""
    if words[-1] in {"▲", "▼"}:
        return "up" if words[-1] == "▲" else "down"
    lowered = [w.lower() for w in words]
    last = lowered[-1]
    if last in lx.LEVEL_WORDS - {"at"}:
        return ""
    qualifier = " ".join(qualifier_text.lower().split())
    if qualifier in {"up to", "upto", "as high as", "as much as"} and last not in {"by", "of"}:
        return ""  # "increase up to $5 billion" names the level reached
    if "growth" in lowered[-5:]:  # "the growth rate will be 4.8 percent": a rate of growth
        at = len(lowered) - 1 - lowered[::-1].index("growth")
        negative = at > 0 and lowered[at - 1] == "negative"
        if all(w in _GROWTH_LINKS for w in lowered[at + 1:]):
            return "down" if negative else "up"
    chain = last if last in {"by", "of"} else ""
    for i in range(len(lowered) - 1, -1, -1):
        word = lowered[i]
        found = _direction_of(word, before=True)
        if found and not (word in {"more", "higher", "lower", "less"} and i < len(lowered) - 1):
            previous = lowered[i - 1] if i > 0 else ""
            if previous in {"negative", "negatively"}:
                return "down"
            if word in {"up", "down"} and previous in _NOT_UP_AFTER:
                return ""
            return found
        if word in lx.LEVEL_WORDS - {"at"} or word in lx.CLAUSE_STOPS:
            return ""
        if word in _FILLERS or (chain == "of" and word in _OF_CHAIN):
            continue
        if chain == "by" and len(lowered) - i <= 5:
            continue
        return ""
    return ""


_AUXILIARIES = {"will", "be", "been", "was", "were", "is", "are", "has", "have", "had", "being"}
_ADDED = {"added": "up", "wiped": "down", "shaved": "down", "knocked": "down", "slashed": "down"}
_NOT_AFTER = {"expansion", "improvement", "boost"}
_COMPARATIVES = {"up", "down", "more", "less", "higher", "lower"}  # "a $3.5 billion expansion" is a cost, not a change


def direction_after(text: str, end: int) -> str:
    """'up'/'down' when the word after a figure is one of change ("a 17 per cent increase", "30% higher",
    "Rs436 billion will be added")."""
    fragment = text[end:end + 60]
    fragment = re.sub(r"\A[^\S\n]*\([^()\n]{0,20}\)", "", fragment)  # "eight percent (8%) growth"
    stop = _CLAUSE_STOP_RE.search(fragment)
    words = re.findall(r"[A-Za-z][A-Za-z’'-]*", fragment[: stop.start() if stop else len(fragment)])[:4]
    lowered = [w.lower() for w in words]
    verbs = [w for w in lowered if w not in _AUXILIARIES]
    if lowered and lowered[0] in _AUXILIARIES and verbs and verbs[0] in _ADDED:
        return _ADDED[verbs[0]]
    for index, low in enumerate(lowered[:4]):
        if low in _NOT_AFTER or (index > 0 and low in _COMPARATIVES):
            return ""  # "ten gram silver went up": "up" counts only right after the figure
        if low in lx.UP_NOUNS:
            return "up"
        if low in lx.DOWN_NOUNS:
            return "down"
        if low not in _ADJECTIVES_AFTER and (low in lx.NOT_ADJECTIVES or low in lx.CLAUSE_STOPS
                                              or low in lx.LEVEL_WORDS or low in _AUXILIARIES):  # fmt: skip
            return ""
    return ""


def direction_in_clause(text: str, start: int) -> str:
    """'up'/'down' for a percentage when a verb of change earlier in the clause governs it, with no level word
    or other figure in between ("exports dropped both in value (19pc)")."""
    window = text[max(0, start - 80):start]
    cut = max(window.rfind(c) for c in ".;:!?,\n\"“”$%")
    cut = max(cut, max((m.end() for m in re.finditer(r"\d", window)), default=0) - 1)
    words = [w.lower() for w in _WORDS_RE.findall(window[cut + 1:])][-6:]
    if words and _direction_of(words[-1]):
        return ""  # "increased upto 45 percent": the words right before already said it is a level
    for i in range(len(words) - 1, -1, -1):
        word = words[i]
        if word in lx.LEVEL_WORDS or word in lx.CLAUSE_STOPS or word in {"and", "or", "with"}:
            return ""
        if word in lx.UP_WORDS - {"more", "higher", "up"} and word.endswith(("ed", "ew", "ose", "ing")):
            return "up"
        if word in lx.DOWN_WORDS - {"less", "lower", "down"} and word.endswith(("ed", "ell", "ost", "ing", "ank")):
            return "down"
    return ""
