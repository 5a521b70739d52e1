"""Amounts: a number with its sign, currency, scale and percent sign, alone or as a range, read into Quantities.

A bound is one amount as written ("$4.2m", "Rs 1.2 trillion", "12 million dollars", "twenty-five per cent",
"-3.2%"); a range is two bounds ("$3-4bn", "between $40 million and $60 million", "Rs150-170 billion",
"$700 million to $1.1 billion"), the first taking scale, currency and percent sign from the second when it
has none. "From $3 to $5 billion" is a change, not a range: two quantities, the first completed from the second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache

from helpers.quantities import context
from helpers.quantities import lexicon as lx
from helpers.quantities.model import Quantity

S0, S1 = lx.S0, lx.S1
_SUBUNIT_RE = re.compile(rf"{S1}(cents?|paisa|paise|paisas)(?![\w])", re.I)
_CHANGE_KINDS = {"money", "count", "percent", "number", "price", "rate"}
_IRANIAN_YEAR_RE = re.compile(r"(?:Iranian|Persian|Hijri|Shamsi)\b", re.I)


@dataclass(frozen=True)
class Bound:
    """One end of an amount as matched, before qualifiers and counted nouns are looked at."""

    start: int
    end: int
    number: Decimal
    scale: int | None
    currency: str | None
    pct: str | None  # unit of a percentage ("percent", "percentage points", "basis points")
    plus: bool
    plain_int: bool  # digits only: no separator, decimal point or word
    word: bool  # written in words ("twenty-five")
    sign: str  # "-" or "+" written before the figure, else ""
    unit: str = ""  # a unit written attached to the digits ("MW" in "1,320MW")


def bound_regex(i: str, lex: lx.Lexicon, *, signed: bool = True) -> str:
    """Regex of one amount; group names carry the suffix ``i``."""
    sign = rf"(?P<sign{i}>[-−+](?=[\d.]|{lex.prefix}))?" if signed else ""
    return (
        rf"{sign}(?:(?P<cur{i}>{lex.prefix}){S0}|(?P<wcur{i}>{lex.word}){S1}(?=[\d.]|{lx.WORDNUM}))?"
        rf"(?:(?P<num{i}>{lx.NUM})|(?P<word{i}>\b{lx.WORDNUM}(?![\w])))"
        rf"(?:(?-i:(?P<au{i}>{lx.ATTACHED_UNITS}))(?![A-Za-z])"
        rf"|(?P<sgap{i}>{S0})(?P<ss{i}>{lex.short_scale})"
        rf"|(?:{S1}|-|(?<=\d))(?P<scale{i}>{lex.long_scale}(?:{S1}{lex.long_scale})?))?"
        rf"(?P<plus{i}>\+|-plus\b)?"
        rf"(?:(?:{S1}|-)(?P<curw{i}>{lex.word}))?"
        rf"(?:{S0}(?P<pct{i}>{lx.PCT}))?"
    )


@lru_cache(maxsize=4)
def _patterns(lex: lx.Lexicon) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    bound = re.compile(r"(?<![\w.,])" + bound_regex("1", lex) + r"(?![\w])", re.I)
    tail = re.compile(rf"(?P<sep>{S0}[-–—]{S0}|{S1}to{S1}|{S1}and{S1}){bound_regex('2', lex, signed=False)}(?![\w])",
                      re.I)  # fmt: skip
    from_ = re.compile(rf"(?<![\w])from{S1}(?:(?:{lex.qualifier_words}){S1})?$", re.I)
    return bound, tail, from_


def _number(digits: str) -> Decimal:
    head, _, tail = digits.rpartition(",")
    if head and len(tail) == 1:  # "4,6 percent": a decimal comma
        return Decimal(f"{head.replace(',', '')}.{tail}")
    return Decimal(digits.replace(",", ""))


def _pct_unit(raw: str | None) -> str | None:
    if raw is None:
        return None
    low = " ".join(raw.lower().split())
    if low in {"percentage point", "percentage points", "pp"}:
        return "percentage points"
    if low in {"basis points", "bps"}:
        return "basis points"
    return "percent"


def read_bound(m: re.Match[str], i: str, lex: lx.Lexicon) -> Bound | None:
    """Group set ``i`` of a match as a Bound; None when it is not an amount ("5m" without a currency)."""
    digits, word = m.group(f"num{i}"), m.group(f"word{i}")
    number = _number(digits) if digits else lx.word_value(word)
    first = f"num{i}" if digits else f"word{i}"
    start, end = m.start(first), m.end(first)
    sign = (m.group(f"sign{i}") or "") if f"sign{i}" in m.re.groupindex else ""
    prefix, word_prefix = m.group(f"cur{i}"), m.group(f"wcur{i}")
    scale: int | None = None
    for group in (f"ss{i}", f"scale{i}"):
        if m.group(group):
            scale = 1
            for token in m.group(group).split():
                token = token.lower()
                scale *= lex.scales.get(token, lex.scales.get(token.removesuffix("s"), 1))
    short = (m.group(f"ss{i}") or "").lower()
    attached = short and not m.group(f"sgap{i}")
    currency = lex.prefix_code.get(prefix) if prefix else None
    if word_prefix and scale is not None and not short:  # "Rupees 2 billion", "dollars three billion"
        currency = _word_currency(word_prefix, lex)
    elif word_prefix:
        word_prefix = None
    curw = m.group(f"curw{i}")
    if curw:
        currency = currency or _word_currency(curw, lex)
    pct = _pct_unit(m.group(f"pct{i}"))
    subunit = _SUBUNIT_RE.match(m.string, m.end()) if not (currency or pct or scale) else None
    if subunit:  # "9 cents", "50 paisa"
        code, factor = lx.SUBUNITS[subunit.group(1).lower()]
        return Bound(start, subunit.end(), number * Decimal(str(factor)), None, code, None, False, False,
                     bool(word), "")
    if short and currency is None and (len(short) == 1 and short != "k" or (short in {"tr", "cr"} and not attached)):
        if attached or word:
            return None  # "5m long": a label; "five m" is nothing
        scale, curw, pct = None, None, None  # "5 m": the number alone
    else:
        end = m.end()
    if pct and currency:
        return None
    if word and sign:
        return None
    if prefix or word_prefix:
        start = m.start(f"cur{i}") if prefix else m.start(f"wcur{i}")
    if sign:
        start -= len(sign)
    elif i == "1" and _continues_a_token(m.string, start):
        return None
    return Bound(start, end, number, scale, currency, pct, bool(m.group(f"plus{i}")),
                 plain_int=bool(digits) and digits.isdigit(), word=bool(word), sign=sign.replace("−", "-"),
                 unit=m.group(f"au{i}") or "")  # fmt: skip


def _continues_a_token(text: str, start: int) -> bool:
    """True for digits that end a label or a range already read: "ML-1", "COVID-19", "2012-13"."""
    if start < 2 or text[start - 1] not in "-–/":
        return False
    before = re.search(r"([A-Za-z0-9]+)$", text[max(0, start - 12):start - 1])
    return bool(before) and (before.group(1).isdigit() or before.group(1).isupper())


def _word_currency(written: str, lex: lx.Lexicon) -> str | None:
    key = " ".join(written.split())
    return lex.word_code.get(key) or lex.word_code.get(key.lower())


def value_of(b: Bound) -> float:
    """The bound's value in base units."""
    return float(b.number * (b.scale or 1))


def _inherit(a: Bound, donor: Bound) -> Bound:
    """The first end of '$6-8 billion' takes scale, currency and percent sign from the second."""
    return replace(
        a,
        scale=a.scale if a.scale is not None else donor.scale,
        currency=a.currency or donor.currency,
        pct=a.pct or donor.pct,
        plain_int=a.plain_int and donor.scale is None and donor.currency is None and donor.pct is None,
    )


def _compatible(a: Bound, b: Bound) -> bool:
    if a.currency and b.currency and a.currency != b.currency:
        return False
    if a.pct and b.pct and a.pct != b.pct:
        return False
    return not ((a.currency or b.currency) and (a.pct or b.pct))


def _year_like(text: str, lo: Bound, hi: Bound | None) -> bool:
    """A plain integer (or a pair) from 1900 to 2100 -- or 1300 to 1499 near "Iranian" -- without scale,
    currency, sign or percent sign."""
    iranian = None
    for b in (lo, hi or lo):
        if not (b.plain_int and b.scale is None and b.currency is None and b.pct is None and not b.plus
                and not b.sign and not b.unit):  # fmt: skip
            return False
        if not 1900 <= b.number <= 2100:
            if iranian is None:
                iranian = bool(_IRANIAN_YEAR_RE.search(text, max(0, lo.start - 60), lo.start))
            if not (iranian and 1300 <= b.number <= 1499):
                return False
    return True


_YEAR_BEFORE_RE = re.compile(
    rf"(?<![\w])(?:in|by|since|until|till|from|to|through|during|before|after|of|for|year|and|the|its|this"
    rf"|their){S1}$",
    re.I,
)


def _word_count_allowed(text: str, lo: Bound, noun: str, span: bool, hyphen: bool) -> bool:
    """Number words count things only as figures: not "the two countries", "one of", a name ("Five Growth
    Corridors") or a compound adjective ("two-way"); with units of time they are spans ("the first four months")."""
    if hyphen and not span:
        return False
    if lo.number == 1 and not span and noun.lower() not in lx.UNIT_NOUNS:
        return False  # "one of", "one side"; but "one tola", "one cargo" measure
    written = text[lo.start:lo.end]
    previous = re.search(r"([A-Za-z’']+)[^\S\n]*$", text[max(0, lo.start - 25):lo.start])
    if previous and previous.group(1).lower() in lx.DETERMINERS and not span:
        return False
    if written[:1].isupper():
        before = text[max(0, lo.start - 3):lo.start]
        sentence_start = lo.start == 0 or re.search(r"(?:[.!?:]\W*|\n\W*|^\W*)$", before) is not None
        if not sentence_start and not noun[:1].islower():
            return False
    return True


def build(text: str, lo: Bound, hi: Bound | None, lex: lx.Lexicon, *, between: bool = False,
          noun_donor: str | None = None) -> Quantity | None:  # fmt: skip
    """Turn one amount (or a range) into a Quantity: kind, unit, qualifiers, per-unit, per-year, direction."""
    last = hi or lo
    end = last.end
    qualifier, qualifier_text = "exact", ""
    post = context.qualifier_after(text, end, lex)
    if post:
        end, qualifier, qualifier_text = post
    if last.plus:
        qualifier, qualifier_text = "lower_bound", "+"
    currency, unit, per, per_year, kind = last.currency, "", "", False, "number"
    if currency:
        kind, unit = "money", currency
        rate = context.per_unit(text, end)
        if rate:
            end, per = rate
            kind = "money" if per == "year" else "rate" if per in lx.TIME_UNITS else "price"
            per_year = per == "year"
            unit = currency + ("/yr" if per_year else "/" + per)
    elif last.pct:
        kind, unit = "percent", last.pct
        rate = context.per_unit(text, end)
        if rate and rate[1] == "year":
            end, per = rate
    elif last.unit:
        kind, unit = "count", last.unit.lower()
    else:
        noun = context.counted_noun(text, end)
        span = bool(noun) and (noun[1] in lx.TIME_UNITS or noun[1] in lx.TIME_PLURALS)
        if noun and lo.word and not _word_count_allowed(text, lo, text[end:noun[0]].split()[-1] if not noun[2]
                                                        else noun[1], span, noun[2]):  # fmt: skip
            return None
        year_context = _YEAR_BEFORE_RE.search(text, max(0, lo.start - 20), lo.start) and _year_like(text, lo, hi)
        if noun and span and not year_context:
            end, name = noun[0], noun[1]
            singular = lx.TIME_PLURALS.get(name, name)
            kind, unit = "span", singular if (hi is None and lo.number == 1) else lx.TIME_UNITS[singular]
        elif noun and not year_context:
            end, unit, kind = noun[0], noun[1], "count"
        elif noun_donor:
            kind, unit = "count", noun_donor
        elif _year_like(text, lo, hi):
            kind = "year"
        elif lo.word:
            return None  # a number word alone ("two to Narowal") is not read
    if kind == "count":
        rate = context.per_unit(text, end)
        if rate:
            end, per = rate
            per_year = per == "year"
    q_start, before_kind, before_text = context.qualifiers_before(text, lo.start, lex)
    if before_text:
        qualifier_text = (before_text + " " + qualifier_text).strip() if qualifier_text else before_text
        if qualifier == "exact":
            qualifier = before_kind
    if kind in {"money", "count"} and not per_year and not per:
        per_year = context.per_year_ahead(text, end) or context.per_year_behind(text, q_start)
        if kind == "money" and re.match(r"[^\S\n]+economy\b", text[end:end + 10], re.I):
            per_year = True  # "a trillion-dollar economy" is an annual output
        if per_year:
            per = "year"
            unit = unit + "/yr" if kind == "money" else unit
    if kind == "year":
        qualifier, qualifier_text, per_year, per, end = ("range" if hi else "exact"), "", False, "", last.end
    elif hi is not None:
        qualifier = "range"
        if between:
            qualifier_text = ("between " + qualifier_text).strip() if qualifier_text else "between"
    direction = ""
    if kind in _CHANGE_KINDS:
        extra = re.search(r"\b(more|extra|additional|less)\s+per\b", text[last.end:end], re.I)
        direction = {"-": "down", "+": "up"}.get(lo.sign, "") or ("down" if extra and extra.group(1).lower() == "less"
                                                                 else "up" if extra else "")  # fmt: skip
        direction = direction or context.direction_before(text, q_start, qualifier_text)
        direction = direction or context.direction_after(text, end)
        if not direction and kind == "percent":
            direction = context.direction_in_clause(text, q_start)
    low, high = value_of(lo), value_of(last)
    return Quantity(lo.start, end, text[lo.start:end], kind, None if hi is not None else low, low, high, unit,
                    currency, qualifier, qualifier_text, per_year, direction, per)  # fmt: skip


def _same_measure(first: Quantity | None, second: Quantity | None) -> list[Quantity]:
    """Both ends of a change measure the same thing: a yearly flow at one end is one at the other
    ("the annual target was enhanced from Rs9,200 billion to Rs9,415 billion")."""
    pair = [q for q in (first, second) if q is not None]
    if len(pair) == 2 and pair[0].kind == pair[1].kind == "money" and pair[0].per_year != pair[1].per_year:
        pair = [q if q.per_year else replace(q, per_year=True, per="year", unit=q.unit + "/yr") for q in pair]
    return pair


_BETWEEN_RE = re.compile(rf"(?<![\w])between{S1}$", re.I)
_BY_RE = re.compile(rf"(?<![\w])by{S1}(?:[\w.~]+{S1}){{0,2}}$", re.I)


def _compound(text: str, lo: Bound, lex: lx.Lexicon) -> Bound:
    """A number written with place values: "2 lakh 51 thousand 900 rupees", "2 thousand 392 dollars"."""
    if not lo.scale or lo.scale < 100 or lo.pct:
        return lo
    part = re.compile(rf"{S1}(\d{{1,3}})(?:{S1}({lex.long_scale}))?(?![\w]|[.,]\d)", re.I)
    total, scale, end = lo.number * lo.scale, lo.scale, lo.end
    while True:
        m = part.match(text, end)
        if not m:
            break
        word = (m.group(2) or "").lower()
        step = lex.scales.get(word, lex.scales.get(word.removesuffix("s"), 0)) if word else 0
        if step and step < scale:
            total, scale, end = total + Decimal(m.group(1)) * step, step, m.end()
            continue
        if not step and scale in (100, 1000) and int(m.group(1)) < scale:
            total, end = total + Decimal(m.group(1)), m.end()
        break
    if end == lo.end:
        return lo
    currency = lo.currency
    word = re.compile(rf"{S1}({lex.word})").match(text, end)
    if word and currency is None:
        currency, end = _word_currency(word.group(1), lex), word.end()
    return replace(lo, end=end, number=total, scale=1, currency=currency)


def amount_candidates(text: str, lex: lx.Lexicon) -> list[Quantity]:
    """Every amount (point or range) in ``text``, in order; they may overlap other kinds of span."""
    bound_re, tail_re, from_re = _patterns(lex)
    out: list[Quantity] = []
    for m in bound_re.finditer(text):
        lo = read_bound(m, "1", lex)
        if lo is None:
            continue
        compound = _compound(text, lo, lex)
        if compound is not lo:
            q = build(text, compound, None, lex)
            if q is not None:
                out.append(q)
            continue
        tail = tail_re.match(text, lo.end) if lo.end == m.end() else None
        hi = read_bound(tail, "2", lex) if tail else None
        if hi is not None and tail is not None:
            sep = tail.group("sep").strip().lower()
            between = bool(_BETWEEN_RE.search(text, max(0, lo.start - 20), lo.start))
            lo_in = _inherit(lo, hi)
            hi = replace(hi, currency=hi.currency or lo.currency, pct=hi.pct or lo.pct)
            if (sep == "and" and not between) or not _compatible(lo, hi) or value_of(lo_in) > value_of(hi) \
                    or (lo.word != hi.word and sep != "to"):  # fmt: skip
                hi = None
            elif sep == "to" and (from_re.search(text, max(0, lo.start - 60), lo.start) or (
                    _BY_RE.search(text, max(0, lo.start - 60), lo.start) and (lo.currency or lo.pct or lo.scale)
                    and value_of(hi) >= 2 * value_of(lo_in))):
                # "from $3 to $5 billion", "decreased by $493 million to $9.82 billion": a change, not a range
                second = build(text, hi, None, lex)
                first = build(text, lo_in, None, lex,
                              noun_donor=second.unit if second and second.kind == "count" else None)
                out.extend(_same_measure(first, second))
                continue
            else:
                q = build(text, lo_in, hi, lex, between=between)
                if q is not None:
                    out.append(q)
                    continue
        q = build(text, lo, None, lex)
        if q is not None:
            out.append(q)
    return out
