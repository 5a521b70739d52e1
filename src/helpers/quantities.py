"""Find every quantity in a news text, with exact character offsets (stdlib only, regex based).

``find_quantities(text)`` reports money ("$6-8 billion per year", "Rs 1.2 trillion", "a trillion-dollar
economy"), counts ("over 5,200 local employees"), percentages ("5 per cent") and bare numbers, and also
classifies what is *not* a claim -- calendar years ("by 2035", "FY2024-25"), dates ("September 15-16,
2025"), ordinals ("22nd"), vague magnitudes ("millions of") and labels ("5Es", "B2B") -- so that a caller
can exclude them explicitly. Values are in base units (``6e12`` for "$6 trillion"); a range keeps
``value=None`` and its bounds in ``low``/``high``.

Conventions: "$" is the US dollar and "Rs" the Pakistani rupee (write "INR" or "Indian rupees" for India);
"¥" is the Chinese yuan. The short scales "m", "b", "tr" and "cr" count only after a currency ("$5m",
"Rs500cr"). A 4-digit integer from 1900 to 2100 without a unit is a year. Signs are not read: "-5%" is 5%.
A phrase's text includes its scale, currency word, counted noun and an adjacent "per year"; qualifier words
before it are reported in ``qualifier_text``, not in the text. "From $3 to $5 billion" is a change, not a
range: two quantities, the first completed from the second ($3 billion).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from helpers.errors import QuantityParseError

CLAIM_KINDS = frozenset({"money", "count", "percent"})
KINDS = ("money", "count", "percent", "number", "year", "date", "ordinal", "vague")


@dataclass(frozen=True)
class Quantity:
    """One quantity phrase of a text; ``text == source[start:end]``."""

    start: int
    end: int
    text: str
    kind: str  # money | count | percent | number | year | date | ordinal | vague
    value: float | None  # base units; None for ranges and for dates/vague magnitudes
    low: float | None
    high: float | None
    unit: str  # "USD", "USD/yr", "percent", counted noun ("acres"), or "" for numbers, years, dates, ordinals
    currency: str | None
    qualifier: str  # exact | approximate | lower_bound | upper_bound | range
    qualifier_text: str  # the qualifier words as written ("more than"), "" if none
    per_year: bool

    @property
    def is_claim(self) -> bool:
        """True for money, counts and percentages: the kinds that can be register claims."""
        return self.kind in CLAIM_KINDS


# --------------------------------------------------------------------------------------------- vocabulary

_S0 = r"[^\S\n]*"  # optional spaces, never a line break
_S1 = r"[^\S\n]+"

_SCALES: dict[str, int] = {
    "hundred": 10**2, "thousand": 10**3, "k": 10**3, "lakh": 10**5, "lakhs": 10**5, "lac": 10**5,
    "lacs": 10**5, "million": 10**6, "mn": 10**6, "mln": 10**6, "m": 10**6, "crore": 10**7,
    "crores": 10**7, "cr": 10**7, "billion": 10**9, "bn": 10**9, "bln": 10**9, "b": 10**9,
    "arab": 10**9, "arabs": 10**9, "kharab": 10**11, "trillion": 10**12, "tn": 10**12, "trn": 10**12,
    "tr": 10**12,
}  # fmt: skip
_LONG_SCALE = (
    r"(?:hundred|thousand|million|billion|trillion|crores?|lakhs?|(?-i:lacs?|arabs?|kharab))(?![A-Za-z])"
)
_SHORT_ANY = r"(?:trn|tn|tr|bln|bn|b|mln|mn|m|cr|k)(?![A-Za-z])"  # after a currency only
_SHORT_SAFE = r"(?:trn|tn|bln|bn|mln|mn|k)(?![A-Za-z])"

_CODES = ("USD", "PKR", "CNY", "RMB", "EUR", "GBP", "UZS", "IRR", "INR", "AED", "SAR", "JPY", "CAD", "AUD",
          "HKD", "CHF", "AFN", "KZT", "TMT", "TRY", "QAR", "KWD", "OMR", "BDT", "LKR")  # fmt: skip
_CODE = r"(?-i:" + "|".join(_CODES) + r")(?![A-Za-z])"
_CUR_PRE = r"(?:US[^\S\n]?\$|U\.S\.[^\S\n]?\$|HK\$|C\$|A\$|\$|(?-i:Rs|RS|rs)\.?|₨|₹|¥|€|£|" + _CODE + ")"
_CUR_WORD = (
    r"(?:(?:US|U\.S\.|American)[^\S\n]+dollars?|dollars?|(?:Pakistani|Indian)[^\S\n]+rupees?|rupees?|yuan"
    r"|renminbi|euros?|(?:pounds[^\S\n]+)?sterling|soums?|rials?|riyals?|dirhams?|yen|afghanis?)(?![A-Za-z])"
)
_SYMBOLS = {"$": "USD", "us$": "USD", "us $": "USD", "u.s.$": "USD", "u.s. $": "USD", "hk$": "HKD", "c$": "CAD",
            "a$": "AUD", "rs": "PKR", "rs.": "PKR", "₨": "PKR", "₹": "INR", "¥": "CNY", "€": "EUR",
            "£": "GBP", "rmb": "CNY"}  # fmt: skip
_WORD_CURRENCIES = {"dollar": "USD", "rupee": "PKR", "yuan": "CNY", "renminbi": "CNY", "euro": "EUR",
                    "sterling": "GBP", "soum": "UZS", "rial": "IRR", "riyal": "SAR", "dirham": "AED",
                    "yen": "JPY", "afghani": "AFN"}  # fmt: skip

_PCT = r"(?:%|percentage[^\S\n]+points?|percent|per[^\S\n]+cent|(?-i:pc|pp)|basis[^\S\n]+points|bps)"

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
         "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]  # fmt: skip
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_WORD_VALUES: dict[str, Decimal] = {w: Decimal(i) for i, w in enumerate(_ONES)}
_WORD_VALUES.update({w: Decimal(20 + 10 * i) for i, w in enumerate(_TENS)})
_WORD_VALUES["a"] = Decimal(1)
_WORDNUM = (
    r"(?:half[^\S\n]+a|a|(?:" + "|".join(_TENS) + r")(?:[-\s](?:" + "|".join(_ONES[1:10]) + r"))?|"
    + "|".join(sorted(_ONES, key=len, reverse=True)) + r")"
)

_NUM = r"(?:\d{1,2}(?:,\d{2})+,\d{3}|\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"


def _bound(i: str) -> str:
    """Regex of one amount (a point or one end of a range); group names carry the suffix ``i``."""
    return (
        rf"(?:(?P<cur{i}>{_CUR_PRE}){_S0}(?P<numc{i}>{_NUM})(?:{_S0}(?P<sc{i}>{_SHORT_ANY}))?"
        rf"|(?P<num{i}>{_NUM})(?:[^\S\n]?(?P<ss{i}>{_SHORT_SAFE}))?"
        rf"|(?P<word{i}>\b{_WORDNUM})(?=(?:{_S1}|-)(?:{_LONG_SCALE}|{_CUR_WORD}|percent|per{_S1}cent)))"
        rf"(?:(?:{_S1}|-)(?P<scale{i}>{_LONG_SCALE}(?:{_S1}{_LONG_SCALE})?))?"
        rf"(?P<plus{i}>\+|-plus\b)?"
        rf"(?:(?:{_S1}|-)(?P<curw{i}>{_CUR_WORD})|{_S1}(?P<curc{i}>{_CODE}))?"
        rf"(?:{_S0}(?P<pct{i}>{_PCT}))?"
    )


_BOUND_RE = re.compile(r"(?<![\w.,])" + _bound("1") + r"(?![\w])", re.I)
_RANGE_TAIL_RE = re.compile(
    rf"(?P<sep>{_S0}[-–—]{_S0}|{_S1}to{_S1}|{_S1}and{_S1}){_bound('2')}(?![\w])", re.I
)

# Qualifiers immediately before the quantity (matched at the end of the preceding text).
_QUALIFIERS: dict[str, str] = {}
for _kind, _words in {
    "approximate": ["about", "around", "approximately", "approx.", "approx", "nearly", "almost", "roughly",
                    "some", "close to", "an estimated", "estimated", "circa", "in the region of", "~"],
    "lower_bound": ["more than", "over", "above", "at least", "in excess of", "upwards of", "exceeding",
                    "greater than", "no less than", "not less than", "a minimum of", "north of"],
    "upper_bound": ["up to", "less than", "under", "below", "as much as", "as many as", "at most",
                    "no more than", "not more than", "fewer than", "a maximum of", "as high as"],
    "exact": ["only", "just", "merely", "a mere", "mere"],
}.items():  # fmt: skip
    _QUALIFIERS.update({w: _kind for w in _words})
_QUAL_ALT = "|".join(re.escape(w).replace(r"\ ", _S1) for w in sorted(_QUALIFIERS, key=len, reverse=True))
_QUAL_BEFORE_RE = re.compile(rf"(?:(?<![\w])(?P<q>{_QUAL_ALT})(?<=\w|\.){_S1}|(?P<t>~){_S0})$", re.I)
_YEAR_BEFORE_RE = re.compile(
    rf"(?<![\w])(?:in|by|since|until|till|from|to|through|during|before|after|of|for|year|and){_S1}$", re.I
)
_EXTENT_VERB_RE = re.compile(
    rf"(?<![\w])(?:spread(?:s|ing)?(?:{_S1}out)?|stretch(?:es|ed|ing)?|extend(?:s|ed|ing)?|spanning|sprawling"
    rf"|situated|located|built|set{_S1}up){_S1}$",
    re.I,
)
_BETWEEN_RE = re.compile(rf"(?<![\w])between{_S1}$", re.I)
_FROM_RE = re.compile(rf"(?<![\w])from{_S1}(?:(?:{_QUAL_ALT}){_S1})?$", re.I)
_POSTFIX_QUAL_RE = re.compile(rf"{_S1}(?P<q>or{_S1}more|or{_S1}so|or{_S1}less|and{_S1}above)(?![\w])", re.I)
_POSTFIX_KIND = {"or more": "lower_bound", "and above": "lower_bound", "or so": "approximate",
                 "or less": "upper_bound"}  # fmt: skip

_PER_YEAR_ADJ_RE = re.compile(
    rf"(?:(?:{_S1}|-)(?:per|a|each|every)(?:{_S1}|-)(?:year|annum)|{_S1}(?:annually|yearly|p\.a\.)"
    rf"|{_S0}/{_S0}(?:yr|year|annum))(?!{_S1}(?:ago|earlier|later|before|after|back)\b)(?![\w])",
    re.I,
)
_PER_YEAR_WORD_RE = re.compile(r"^(?:annually|yearly|annum|year)$", re.I)
_CLAUSE_STOP_RE = re.compile(r"[.;:!?,()\[\]\"“”\d$€£¥₹\n]")
_CLAUSE_STOP_WORDS = {"which", "that", "who", "while", "but", "whereas", "although", "when", "where", "if",
                      "because", "since", "until", "ago", "earlier", "later"}  # fmt: skip
_NOT_ANNUAL_FLOWS = {"report", "meeting", "session", "summit", "conference", "event", "plan", "review", "day",
                     "general", "leave", "award", "festival"}  # fmt: skip

# Counted nouns: a plural-looking word, or a unit written in the singular, after up to two adjectives.
_WORD_RE = re.compile(rf"{_S1}(?P<w>[A-Za-z][A-Za-z’'-]*)")
_UNIT_NOUNS = {"people", "men", "women", "children", "staff", "personnel", "acre", "hectare", "ton", "tonne",
               "barrel", "unit", "mw", "gw", "kw", "mwh", "gwh", "km", "kg", "sq", "person", "job",
               "employee", "company", "participant", "project", "mou", "feet", "livestock", "cattle"}  # fmt: skip
_NOT_NOUNS = {"is", "was", "has", "does", "this", "its", "his", "hers", "ours", "yours", "theirs", "as", "us",
              "thus", "plus", "less", "unless", "across", "always", "perhaps", "whereas", "yes", "news",
              "times", "towards", "afterwards", "besides", "sometimes", "various", "numerous", "goes",
              "lies", "says", "remains", "means", "includes", "comes", "becomes", "makes"}  # fmt: skip
_NOT_ADJECTIVES = {"the", "a", "an", "of", "in", "on", "at", "to", "for", "by", "with", "from", "and", "or",
                   "but", "is", "are", "was", "were", "be", "been", "will", "would", "can", "could", "may",
                   "might", "should", "shall", "has", "have", "had", "this", "that", "these", "those",
                   "which", "who", "it", "its", "as", "per", "than", "today", "last", "next",
                   "year", "years", "each", "every", "worth", "annually", "yearly", "while", "so", "not",
                   "their", "his", "her", "our", "they", "he", "she", "we", "also", "under", "over"}  # fmt: skip

# Spans that are not claims.
_MONTH = (
    r"(?-i:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_DAYS = rf"{_DAY}(?:{_S0}[-–]{_S0}{_DAY})?"
_YEAR4 = r"(?:19|20)\d{2}"
_DATE_RE = re.compile(
    rf"(?<![\w.,])(?:{_MONTH}{_S1}{_DAYS}(?:,?{_S1}{_YEAR4})?"
    rf"|{_DAYS}{_S1}(?:of{_S1})?{_MONTH}(?:,?{_S1}{_YEAR4})?"
    rf"|{_MONTH},?{_S1}{_YEAR4}"
    rf"|{_YEAR4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
    rf"|\d{{1,2}}[/.]\d{{1,2}}[/.](?:{_YEAR4}|\d{{2}})"
    rf"|\d{{1,2}}:\d{{2}}(?:{_S0}[ap]\.?m\.?)?|\d{{1,2}}{_S0}(?:[ap]\.m\.|[ap]m))(?![\w])",
    re.I,
)
_YEAR_RE = re.compile(
    rf"(?<![\w.,])(?:(?P<fy>FY|CY){_S0}'?(?P<y1>\d{{4}}|\d{{2}})(?:[-–/](?P<y2>\d{{4}}|\d{{2}}))?"
    rf"|(?P<a>{_YEAR4})[-–/](?P<b>{_YEAR4}|\d{{2}})|(?P<dec>(?:19|20)\d0)s)(?![\w])"
)
_ORDINAL_RE = re.compile(r"(?<![\w.,])(?P<n>\d+)(?:st|nd|rd|th)(?![\w])", re.I)
_VAGUE_RE = re.compile(
    rf"(?<![\w])(?:(?:tens|hundreds){_S1}of{_S1})?(?:dozens|scores|hundreds|thousands|millions|billions"
    rf"|trillions|lakhs|crores){_S1}of(?![\w])|(?<![\w])(?:several|a{_S1}few|many|multiple){_S1}"
    rf"(?:hundred|thousand|million|billion|trillion)s?(?![\w])|(?<![\w])multi-?(?:million|billion|trillion)"
    rf"(?![A-Za-z])",
    re.I,
)
_LABEL_RE = re.compile(
    r"(?<![\w.$€£¥₹])(?:[A-Za-z0-9]*(?:[A-Za-z]\d|\d[A-Za-z])[A-Za-z0-9]*|[A-Za-z]{1,10}-\d+(?:\.\d+)?)(?![\w])"
)

_PRIORITY = {"date": 0, "year": 1, "ordinal": 2, "amount": 3, "vague": 4, "label": 5}


# ------------------------------------------------------------------------------------------------ amounts


@dataclass(frozen=True)
class _Amount:
    """One end of an amount as matched, before qualifiers and counted nouns are looked at."""

    start: int
    end: int
    number: Decimal
    scale: int | None
    currency: str | None
    pct: str | None  # unit of a percentage ("percent", "percentage points", "basis points")
    plus: bool
    plain_int: bool  # digits only: no separator, decimal point or word


def _currency_of(symbol: str | None, word: str | None, code: str | None) -> str | None:
    if symbol:
        s = re.sub(r"\s+", " ", symbol.lower())
        return _SYMBOLS.get(s, symbol.upper())
    if code:
        return "CNY" if code.upper() == "RMB" else code.upper()
    if word:
        w = re.sub(r"\s+", " ", word.lower())
        if w.startswith("indian"):
            return "INR"
        for stem, iso in _WORD_CURRENCIES.items():
            if stem in w:
                return iso
    return None


def _pct_unit(raw: str | None) -> str | None:
    if raw is None:
        return None
    low = re.sub(r"\s+", " ", raw.lower())
    if low in {"percentage point", "percentage points", "pp"}:
        return "percentage points"
    if low in {"basis points", "bps"}:
        return "basis points"
    return "percent"


def _amount(m: re.Match[str], i: str) -> _Amount | None:
    """Read group set ``i`` of a bound match; None when the amount is not one (e.g. '5m' without currency)."""
    digits = m.group(f"numc{i}") or m.group(f"num{i}")
    word = m.group(f"word{i}")
    if digits:
        number = Decimal(digits.replace(",", ""))
    else:  # "a", "two", "half a", "twenty-five"
        parts = re.split(r"[\s-]+", word.lower())
        number = Decimal("0.5") if parts[0] == "half" else sum((_WORD_VALUES[p] for p in parts), Decimal(0))
    scale = 1
    has_scale = False
    for group in (f"sc{i}", f"ss{i}", f"scale{i}"):
        if m.group(group):
            for token in m.group(group).split():
                scale *= _SCALES[token.lower()]
            has_scale = True
    currency = _currency_of(m.group(f"cur{i}"), m.group(f"curw{i}"), m.group(f"curc{i}"))
    pct = _pct_unit(m.group(f"pct{i}"))
    if pct and currency:
        return None
    first = next(g for g in (f"cur{i}", f"numc{i}", f"num{i}", f"word{i}") if m.group(g))
    return _Amount(m.start(first), m.end(), number, scale if has_scale else None, currency, pct,
                   bool(m.group(f"plus{i}")), plain_int=bool(digits) and digits.isdigit())  # fmt: skip


def _value(a: _Amount) -> float:
    return float(a.number * (a.scale or 1))


def _inherit(a: _Amount, donor: _Amount) -> _Amount:
    """The first end of '$6-8 billion' takes scale, currency and percent sign from the second."""
    return replace(
        a,
        scale=a.scale if a.scale is not None else donor.scale,
        currency=a.currency or donor.currency,
        pct=a.pct or donor.pct,
        plain_int=a.plain_int and donor.scale is None and donor.currency is None and donor.pct is None,
    )


def _compatible(a: _Amount, b: _Amount) -> bool:
    if a.currency and b.currency and a.currency != b.currency:
        return False
    if a.pct and b.pct and a.pct != b.pct:
        return False
    return not ((a.currency or b.currency) and (a.pct or b.pct))


def _qualifiers_before(text: str, start: int) -> tuple[int, str, str]:
    """(start of the qualifier words, qualifier, qualifier text) for the words right before ``start``."""
    q_start, kind = start, "exact"
    for _ in range(2):
        m = _QUAL_BEFORE_RE.search(text, max(0, q_start - 40), q_start)
        if not m:
            break
        word = re.sub(r"\s+", " ", (m.group("q") or m.group("t")).lower())
        extent = _EXTENT_VERB_RE.search(text, max(0, m.start() - 30), m.start())
        if word in {"over", "above", "under", "below"} and extent:
            break  # "spread over 1,200 acres" states the size, not a bound
        if _QUALIFIERS[word] != "exact" and kind == "exact":
            kind = _QUALIFIERS[word]
        elif _QUALIFIERS[word] != "exact":
            break  # two bounds in a row ("over about"): keep the nearer one
        q_start = m.start()
    return q_start, kind, text[q_start:start].strip()


def _counted_noun(text: str, end: int) -> tuple[int, str] | None:
    """(end, noun) of the counted noun after an amount, skipping up to two adjectives."""
    m = re.match(r"-(?P<w>[A-Za-z]+)(?![\w-])", text[end:])  # "30-year lease", "5-member delegation"
    if m and m.group("w").lower() not in _SCALES:
        return end + m.end(), m.group("w").lower()
    pos, skipped = end, 0
    while skipped <= 2:
        m = _WORD_RE.match(text, pos)
        if not m:
            return None
        word = m.group("w").rstrip("’'-")
        low = word.lower()
        plural = low.endswith("s") and len(low) > 2 and not low.endswith(("ss", "us", "is", "ous"))
        acronyms = re.fullmatch(r"[A-Z][A-Za-z]*[A-Z]s", word)  # "MoUs", "SMEs", "SEZs"
        if low in _UNIT_NOUNS or acronyms or (plural and low not in _NOT_NOUNS and not word.isupper()):
            return m.start("w") + len(word), low
        if low in _NOT_ADJECTIVES or low in _NOT_NOUNS or "’" in word or "'" in word:
            return None
        pos, skipped = m.end(), skipped + 1
    return None


def _per_year_ahead(text: str, end: int) -> bool:
    """True when 'annually'/'per year' follows within six words of the same clause."""
    clause = text[end:end + 120]
    stop = _CLAUSE_STOP_RE.search(clause)
    words = re.findall(r"[A-Za-z’'-]+", clause[: stop.start()] if stop else clause)[:8]
    for i, word in enumerate(words):
        low = word.lower()
        if low in _CLAUSE_STOP_WORDS or i > 6:
            return False
        if low in {"annually", "yearly"}:
            return True
        if low in {"per", "each", "every", "a"} and i + 1 < len(words) and _PER_YEAR_WORD_RE.match(words[i + 1]):
            return i + 2 >= len(words) or words[i + 2].lower() not in {"ago", "earlier", "later", "before"}
    return False


def _per_year_behind(text: str, start: int) -> bool:
    """True when 'annual'/'yearly' stands at most four words before, in the same clause."""
    before = text[max(0, start - 80):start]
    cut = max(before.rfind(c) for c in ".;:!?,()[]\n\"“”0123456789")
    words = re.findall(r"[A-Za-z’'-]+", before[cut + 1:])[-4:]
    for i, word in enumerate(words):
        if word.lower() in {"annual", "yearly"}:
            following = words[i + 1].lower() if i + 1 < len(words) else ""
            return following not in _NOT_ANNUAL_FLOWS
    return False


def _year_like(lo: _Amount, hi: _Amount | None) -> bool:
    """A plain integer (or a pair of them) from 1900 to 2100, without scale, currency or percent sign."""
    return all(a.plain_int and a.scale is None and a.currency is None and a.pct is None and not a.plus
               and 1900 <= a.number <= 2100 for a in (lo, hi or lo))  # fmt: skip


def _build(text: str, lo: _Amount, hi: _Amount | None, *, allow_between: bool = False,
           noun_donor: str | None = None) -> Quantity:  # fmt: skip
    """Turn one amount (or a range) into a Quantity: qualifiers, counted noun, per-year, kind."""
    last = hi or lo
    end = last.end
    qualifier, qualifier_text = "exact", ""
    post = _POSTFIX_QUAL_RE.match(text, end)
    if post:
        qualifier = _POSTFIX_KIND[re.sub(r"\s+", " ", post.group("q").lower())]
        qualifier_text = post.group("q")
        end = post.end()
    if last.plus:
        qualifier, qualifier_text = "lower_bound", "+"
    unit = ""
    if last.currency is None and last.pct is None:
        noun = _counted_noun(text, end)
        if noun:
            end, unit = noun
        elif noun_donor:
            unit = noun_donor
    adj = _PER_YEAR_ADJ_RE.match(text, end)
    per_year = bool(adj)
    if adj:
        end = adj.end()
    q_start, before_kind, before_text = _qualifiers_before(text, lo.start)
    if before_text:
        qualifier_text = (before_text + " " + qualifier_text).strip() if qualifier_text else before_text
        if qualifier == "exact":
            qualifier = before_kind
    if not per_year:
        per_year = _per_year_ahead(text, end) or _per_year_behind(text, q_start)
        if not per_year and last.currency and re.match(r"\s+economy\b", text[end:], re.I):
            per_year = True  # "a trillion-dollar economy" is an annual output
    if hi is not None:
        qualifier = "range"
        if allow_between:
            qualifier_text = ("between " + qualifier_text).strip() if qualifier_text else "between"
    currency = last.currency
    low, high = _value(lo), _value(last)
    value = None if hi is not None else low
    if currency:
        kind, unit = "money", currency + ("/yr" if per_year else "")
    elif last.pct:
        kind, unit = "percent", last.pct
    elif unit and not (_YEAR_BEFORE_RE.search(text, max(0, lo.start - 20), lo.start) and _year_like(lo, hi)):
        kind = "count"
    elif _year_like(lo, hi):
        kind, qualifier, qualifier_text, per_year = "year", "range" if hi else "exact", "", False
        end, unit = last.end, ""
    else:
        kind = "number"
    return Quantity(lo.start, end, text[lo.start:end], kind, value, low, high, unit, currency, qualifier,
                    qualifier_text, per_year)  # fmt: skip


def _amount_candidates(text: str) -> list[Quantity]:
    out: list[Quantity] = []
    for m in _BOUND_RE.finditer(text):
        lo = _amount(m, "1")
        if lo is None:
            continue
        tail = _RANGE_TAIL_RE.match(text, m.end())
        hi = _amount(tail, "2") if tail else None
        if hi is not None and tail is not None:
            sep = tail.group("sep").strip().lower()
            between = bool(_BETWEEN_RE.search(text, max(0, lo.start - 20), lo.start))
            lo_in = _inherit(lo, hi)
            hi = replace(hi, currency=hi.currency or lo.currency, pct=hi.pct or lo.pct)
            if (sep == "and" and not between) or not _compatible(lo, hi) or _value(lo_in) > _value(hi):
                hi = None
            elif sep == "to" and _FROM_RE.search(text, max(0, lo.start - 40), lo.start):
                # "from $3 to $5 billion" is a change, not a range: two quantities, the first completed
                second = _build(text, hi, None)
                out.append(_build(text, lo_in, None, noun_donor=second.unit if second.kind == "count" else None))
                continue
            else:
                out.append(_build(text, lo_in, hi, allow_between=between))
                continue
        out.append(_build(text, lo, None))
    return out


# ------------------------------------------------------------------------------------------ other spans


def _span(text: str, m: re.Match[str], kind: str, value: float | None = None, low: float | None = None,
          high: float | None = None, qualifier: str = "exact") -> Quantity:  # fmt: skip
    if low is None and high is None:
        low = high = value
    return Quantity(m.start(), m.end(), m.group(0), kind, value, low, high, "", None, qualifier, "", False)


def _year_candidates(text: str) -> list[Quantity]:
    out = []
    for m in _YEAR_RE.finditer(text):
        if m.group("dec"):
            out.append(_span(text, m, "year", None, float(m.group("dec")), float(m.group("dec")) + 9, "range"))
            continue
        first, second = (m.group("y1"), m.group("y2")) if m.group("fy") else (m.group("a"), m.group("b"))
        y1 = int(first) if len(first) == 4 else 2000 + int(first)
        if second is None:
            out.append(_span(text, m, "year", float(y1)))
            continue
        y2 = int(second) if len(second) == 4 else (y1 // 100) * 100 + int(second)
        if y2 > y1:
            out.append(_span(text, m, "year", None, float(y1), float(y2), "range"))
    return out


def _other_candidates(text: str) -> list[tuple[Quantity, int]]:
    found = [(q, _PRIORITY["year"]) for q in _year_candidates(text)]
    found += [(_span(text, m, "date"), _PRIORITY["date"]) for m in _DATE_RE.finditer(text)]
    found += [(_span(text, m, "ordinal", float(m.group("n"))), _PRIORITY["ordinal"])
              for m in _ORDINAL_RE.finditer(text)]  # fmt: skip
    found += [(_span(text, m, "vague"), _PRIORITY["vague"]) for m in _VAGUE_RE.finditer(text)]
    found += [(_span(text, m, "number"), _PRIORITY["label"]) for m in _LABEL_RE.finditer(text)]
    return found


# ----------------------------------------------------------------------------------------------- public


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in ``text``, sorted by start, non-overlapping (the longest phrase wins a clash)."""
    found = [(q, _PRIORITY["amount"]) for q in _amount_candidates(text)] + _other_candidates(text)
    found.sort(key=lambda item: (item[0].start - item[0].end, item[1], item[0].start))
    taken: list[Quantity] = []
    for q, _ in found:
        if all(q.end <= t.start or q.start >= t.end for t in taken):
            taken.append(q)
    return sorted(taken, key=lambda q: q.start)


_MAIN_RANK = {"money": 0, "count": 0, "percent": 0, "number": 1, "vague": 2, "year": 3, "date": 3, "ordinal": 3}


def parse_quantity(phrase: str) -> Quantity:
    """The main quantity of a short phrase (the first money, count or percentage, else the first other).

    Raises ``QuantityParseError`` when the phrase holds no quantity.
    """
    found = find_quantities(phrase)
    if not found:
        raise QuantityParseError(
            f"no quantity found in {phrase!r}. Fix: give a phrase with a number written in digits, or a "
            "number word with a scale or currency (e.g. '$6 billion', '5,200 employees', 'two billion dollars')"
        )
    return min(found, key=lambda q: (_MAIN_RANK[q.kind], q.start))
