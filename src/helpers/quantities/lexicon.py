"""The words the quantity parser reads: vocabulary from ``helpers.vocab``, grammar of news phrasing here.

Currencies (their prefixes and written forms), scale words and qualifier phrases come from the project
vocabulary (``data/units.csv`` through ``helpers.vocab``), so that a currency added there is read here too.
This module adds only grammar: which scale abbreviations are safe without a currency, number words, words
of rise and fall, units of time, and the nouns that count things.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from helpers import vocab

S0 = r"[^\S\n]*"  # optional spaces, never a line break
S1 = r"[^\S\n]+"

#: A number in digits: Western (1,234,567) or South Asian (12,34,567) grouping, irregular grouping as
#: printed (40,150000), decimals; "4,6" before a percent sign is a decimal comma.
NUM = (r"\d{1,3},\d(?=" + S0 + r"(?:%|per" + S0 + r"cent|percent))"
       r"|(?:\d+(?:,\d{2,})+|\d+)(?:\.\d+)?|\.\d+")  # fmt: skip
PCT = r"(?:%|percentage" + S1 + r"points?|per" + S0 + r"-?cent|percent|(?-i:pc|pp)(?![A-Za-z])|basis" + S1 + \
      r"points|bps)"  # fmt: skip

ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]  # fmt: skip
TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
WORD_VALUES: dict[str, Decimal] = {w: Decimal(i) for i, w in enumerate(ONES)}
WORD_VALUES.update({w: Decimal(20 + 10 * i) for i, w in enumerate(TENS)})
WORD_VALUES.update({"a": Decimal(1), "an": Decimal(1), "dozen": Decimal(12)})
_ONE_TO_NINETY_NINE = (r"(?:(?:" + "|".join(TENS) + r")(?:(?:-|" + S1 + r")(?:" + "|".join(ONES[1:10]) + r"))?|"
                       + "|".join(sorted(ONES[1:], key=len, reverse=True)) + r")")  # fmt: skip
#: A number in words: "twenty-five", "thirty one", "a dozen", "half a", "one and a half".
WORDNUM = (r"(?:half" + S1 + r"a|(?:a|" + _ONE_TO_NINETY_NINE + r")" + S1 + r"dozen|"
           + _ONE_TO_NINETY_NINE + r"(?:" + S1 + r"and" + S1 + r"a" + S1 + r"half)?|an?(?=" + S1 + r"(?:half|"
           r"hundred|thousand|million|billion|trillion|lakh|crore)))")  # fmt: skip



def word_value(words: str) -> Decimal:
    """The value of a number in words: "twenty-five" 25, "half a" 0.5, "two dozen" 24, "one and a half" 1.5."""
    parts = [p for p in re.split(r"[\s-]+", words.lower()) if p]
    if parts[:2] == ["half", "a"]:
        return Decimal("0.5")
    if "and" in parts:
        return word_value(" ".join(parts[: parts.index("and")])) + Decimal("0.5")
    if parts[-1] == "dozen":
        return (word_value(" ".join(parts[:-1])) if parts[:-1] else Decimal(1)) * 12
    return sum((WORD_VALUES[p] for p in parts), Decimal(0))


# Scale words: those that are also ordinary words or names are read in lower case only; abbreviations of one
# or two letters ("m", "b", "tr", "cr") count only after a currency, or (tr, cr) attached to the digits.
_LOWER_ONLY_SCALES = {"lac", "lacs", "arab", "arabs", "kharab"}
_PLURAL_SCALES = {"hundred", "thousand", "million", "billion", "trillion"}

#: Determiners before a number word that make it a reference ("the two countries"), not a figure.
DETERMINERS = {"the", "these", "those", "its", "their", "our", "his", "her", "both", "all", "each", "every", "my",
               "your", "whose", "other", "first", "last", "next", "past", "same", "which", "such"}  # fmt: skip

# Units of time: after a number they make a span ("four months"); after "per"/"a" they make a rate.
TIME_UNITS = {"second": "seconds", "minute": "minutes", "hour": "hours", "day": "days", "week": "weeks",
              "fortnight": "fortnights", "month": "months", "quarter": "quarters", "year": "years",
              "decade": "decades"}  # fmt: skip
TIME_PLURALS = {plural: singular for singular, plural in TIME_UNITS.items()}
#: Adverbs of frequency: "110,000 barrels daily".
FREQUENCY = {"daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter", "annually": "year",
             "yearly": "year"}  # fmt: skip
#: Units a price can be "a"/"an" of ("$70 a barrel"); after "per" or "/" any unit word is read.
PRICE_UNITS = {"tonne", "ton", "barrel", "kg", "kilogram", "litre", "liter", "ounce", "unit", "maund", "bag",
               "share", "head", "person", "gallon", "mmbtu", "kwh", "piece", "dozen", "pound", "carton"}  # fmt: skip

# Counted nouns: a plural-looking word, or a unit written in the singular, after up to three modifiers.
UNIT_NOUNS = {"people", "men", "women", "children", "staff", "personnel", "acre", "hectare", "ton", "tonne",
              "barrel", "unit", "mw", "gw", "kw", "mwh", "gwh", "km", "kg", "sq", "person", "job", "employee",
              "company", "participant", "project", "mou", "feet", "livestock", "cattle", "memoranda", "mt", "bpd",
              "mmcfd", "cc", "megawatt", "kilometre", "kilometer", "tcf", "bcf", "mmbtu", "tola", "gram", "karat",
              "carat", "cargo", "kilogram", "litre", "liter", "ounce", "maund", "gallon"}  # fmt: skip
#: Currency subunits: "9 cents", "50 paisa".
SUBUNITS = {"cent": ("USD", 0.01), "cents": ("USD", 0.01), "paisa": ("PKR", 0.01), "paise": ("PKR", 0.01),
            "paisas": ("PKR", 0.01)}  # fmt: skip
#: Units written attached to the digits ("1,320MW", "800cc").
ATTACHED_UNITS = r"(?:MWh|GWh|MW|GW|kW|KW|km|KM|kg|cc|MT|mt|bpd|mmcfd|MMcfd|mtpa|MTPA)"
NOT_NOUNS = {"is", "was", "has", "does", "this", "its", "his", "hers", "ours", "yours", "theirs", "as", "us",
             "thus", "plus", "less", "unless", "across", "always", "perhaps", "whereas", "yes", "news", "times",
             "towards", "afterwards", "besides", "sometimes", "various", "numerous", "goes", "lies", "says",
             "remains", "means", "includes", "comes", "becomes", "makes", "terms", "respectively", "sides",
             "percentage"}  # fmt: skip
NOT_ADJECTIVES = {"the", "a", "an", "of", "in", "on", "at", "to", "for", "by", "with", "from", "and", "or", "but",
                  "is", "are", "was", "were", "be", "been", "will", "would", "can", "could", "may", "might",
                  "should", "shall", "has", "have", "had", "this", "that", "these", "those", "which", "who", "it",
                  "its", "as", "per", "than", "today", "last", "next", "year", "years", "each", "every", "worth",
                  "annually", "yearly", "while", "so", "not", "their", "his", "her", "our", "they", "he", "she",
                  "we", "also", "under", "over", "during", "till", "until", "into", "up", "down", "less",
                  "higher", "lower", "increase", "decrease", "growth", "decline", "rise", "fall", "daily",
                  "monthly", "weekly", "quarterly", "billion", "million", "trillion", "thousand", "compared",
                  "against", "versus", "vs", "then", "when", "where", "there", "here"}  # fmt: skip

# Words of rise and fall.
UP_WORDS = {"rose", "rise", "rises", "risen", "rising", "increase", "increased", "increases", "increasing", "grew",
            "grow", "grows", "grown", "growing", "gain", "gained", "gains", "gaining", "jump", "jumped", "jumps",
            "jumping", "surge", "surged", "surges", "surging", "climb", "climbed", "climbs", "climbing", "soar",
            "soared", "soars", "soaring", "expand", "expanded", "expands", "expanding", "improve", "improved",
            "improves", "improving", "boost", "boosted", "boosts", "enhance", "enhanced", "enhances",
            "accelerated", "up", "higher", "more", "hike", "hiked", "spiked", "rebounded", "advanced", "raise",
            "raised", "raises", "raising", "lift", "lifted", "lifts", "add", "adds", "widen", "widened"}  # fmt: skip
DOWN_WORDS = {"fell", "fall", "falls", "fallen", "falling", "decline", "declined", "declines", "declining",
              "decrease", "decreased", "decreases", "decreasing", "drop", "dropped", "drops", "dropping", "dip",
              "dipped", "dips", "plunge", "plunged", "plunges", "plummeted", "plummets", "slump", "slumped",
              "slumps", "slipped", "slid", "slide", "shrank", "shrink", "shrinks", "shrinking", "shrunk",
              "contract", "contracted", "contracts", "contracting", "tumble", "tumbled", "tumbles", "lost", "lose",
              "loses", "cut", "cuts", "reduce", "reduced", "reduces", "reducing", "down", "lower", "less",
              "negatively", "negative", "deteriorated", "shed", "eased"}  # fmt: skip
UP_NOUNS = {"increase", "rise", "growth", "jump", "surge", "gain", "hike", "spike", "expansion", "improvement",
            "boost", "uptick", "rebound", "higher", "more", "up"}  # fmt: skip
DOWN_NOUNS = {"decline", "decrease", "fall", "drop", "dip", "plunge", "slump", "loss", "contraction", "cut",
              "reduction", "downturn", "slide", "lower", "less", "down", "fall-off"}  # fmt: skip
#: Nouns of fall read only after a figure ("a 12 percent loss"), not before ("loss of 40,000 lives").
AFTER_ONLY = {"loss"}
#: Words that make what follows a level reached, not a change ("rose to $5bn", "up from $3bn").
LEVEL_WORDS = {"to", "from", "reach", "reached", "reaching", "reaches", "stood", "stand", "stands", "standing",
               "remained", "remain", "remains", "against", "compared", "versus", "vs", "at", "hit", "hitting",
               "hits", "touched", "totalled", "totaled", "amounted", "recorded", "worth", "valued"}  # fmt: skip
CLAUSE_STOPS = {"which", "that", "who", "while", "but", "whereas", "although", "when", "where", "if", "because",
                "since", "as", "after", "before", "whilst", "though"}  # fmt: skip


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one per units table
class Lexicon:
    """Regular-expression sources and lookup tables built from the vocabulary."""

    prefix: str  # currency prefixes: "$", "US$", "Rs", "PKR", "Dh" (case as written)
    word: str  # currency words: "dollars", "Pakistani rupees", "USD"
    prefix_code: dict[str, str]  # prefix as written -> ISO code
    word_code: dict[str, str]  # word in lower case (codes as written) -> ISO code
    long_scale: str  # "million", "billion", "crore", "lakh"... (optionally plural)
    short_scale: str  # "bn", "mn", "m", "k", "tr"...
    scales: dict[str, int]  # lower case -> multiplier
    qualifier_words: str  # alternation of the qualifier phrases written before a figure
    qualifier_before: str  # those phrases at the end of the text before a figure
    qualifier_after: str  # "or more", "or so"...
    qualifier_kinds: dict[str, str]  # phrase in lower case with single spaces -> kind


def _phrase_re(phrase: str) -> str:
    """Regex of a phrase: escaped, any run of spaces for a space."""
    return re.escape(phrase).replace(r"\ ", S1)


def _alternation(phrases: list[str]) -> str:
    return "|".join(_phrase_re(p) for p in sorted(set(phrases), key=len, reverse=True))


def _scale_alternation(words: list[str]) -> str:
    """Scale words longest first; million, billion... also in the plural ("Rs 50 billions")."""
    return "|".join(_phrase_re(w) + ("s?" if w in _PLURAL_SCALES else "") for w in sorted(words, key=len, reverse=True))


def _has_upper(text: str) -> bool:
    return any(c.isupper() for c in text)


@lru_cache(maxsize=4)
def _build(currencies: tuple[vocab.Unit, ...]) -> Lexicon:
    prefix_code: dict[str, str] = {}
    word_code: dict[str, str] = {}
    for unit in currencies:  # the first currency to claim a form keeps it ("$" is the US dollar)
        for prefix in unit.prefixes:
            prefix_code.setdefault(prefix, unit.code)
        for word in unit.words:
            word_code.setdefault(word if word.isupper() else word.lower(), unit.code)
    cased_words = [w for w in word_code if _has_upper(w)]
    plain_words = [w for w in word_code if not _has_upper(w)]
    word = r"(?:(?-i:" + _alternation(cased_words) + r")|" + _alternation(plain_words) + r")(?![A-Za-z])"
    prefix = r"(?-i:" + _alternation(list(prefix_code)) + r")"

    scales = {w.lower(): int(v) for w, v in vocab.SCALE_WORDS.items()}
    short = [w for w in scales if len(w) <= 3 and w not in _LOWER_ONLY_SCALES]
    long_any = [w for w in scales if w not in short and w not in _LOWER_ONLY_SCALES]
    long_scale = (r"(?:" + _scale_alternation(long_any) + r"|(?-i:" + _scale_alternation(list(_LOWER_ONLY_SCALES))
                  + r"))(?![A-Za-z])")  # fmt: skip
    short_scale = r"(?:" + _alternation(short) + r")(?![A-Za-z])"

    names = set(vocab.QUALIFIERS) | {q.replace("_", " ") for q in vocab.QUALIFIERS} | {"", "between"}
    kinds = {" ".join(p.split()): k for p, k in vocab.KIND_OF_PHRASE.items() if p not in names}
    after = [p for p in kinds if p.startswith(("or ", "and "))]
    before = [p for p in kinds if p not in after and p not in {"+", "~"}]
    qualifier_words = _alternation(before)
    qualifier_before = r"(?:(?<![\w])(?:" + qualifier_words + r")(?<=\w|\.)" + S1 + r"|~" + S0 + r")$"
    qualifier_after = S1 + r"(?:" + _alternation(after) + r")(?![\w])"
    return Lexicon(prefix, word, prefix_code, word_code, long_scale, short_scale, scales, qualifier_words,
                   qualifier_before, qualifier_after, kinds)


def lexicon() -> Lexicon:
    """The lexicon for the current units table (rebuilt only when the table's currencies change)."""
    return _build(tuple(vocab.currencies().values()))
