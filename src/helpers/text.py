"""Numbers in words: the one place that writes amounts, rates, shares, multiples, periods and qualifiers.

Every report, the index, the charts and the key figures write figures through this module, with one
rounding rule per kind of figure, so a number reads the same wherever it appears:

========================  =====================================================  ===========================
kind (unit)               rule                                                   examples
========================  =====================================================  ===========================
money (a currency)        scale word and one decimal from a million up; below a  $6.0 trillion, Rs 1.2
                          million the ``number`` rule                            billion, $950,000
quantity (other units)    ``number``: scale word and one decimal from a million  6,000 acres, 1.5 million
                          up; whole from 100; one decimal from 1; two            tonnes, 12.5 years, 0.0041
                          significant figures below 1
growth rate (fraction/yr  one decimal place, at least two significant figures    36.7%, 9.5%, 0.033%, -5.0%
or percent)
share (fraction)          two significant figures                                72%, 0.67%, 0.033%, 150%
multiple                  one decimal below 100, whole from 100                  4.0x, 16.7x, 723x
difference                signed, whole per cent                                 +16%, -3%
calendar year (year)      as it is                                               2035
========================  =====================================================  ===========================

``amount(value, unit)`` reads any unit -- register units (``USD/yr``, ``acres``), context units
(``current US$``, ``tonnes copper/yr``, ``percent per year (volume)``) and key-figure units (``fraction``,
``fraction/yr``, ``multiple``, ``years``, ``year``) -- and applies the rule of its kind: it is what the index
writes for a key figure, and what a report writes for the same figure.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from helpers import vocab

NA = "n/a"
A_YEAR = " a year"

_PER_YEAR = re.compile(
    r"\s*(?:/\s*(?:yr|year|annum|a)|per\s+(?:yr|year|annum)|a\s+year|p\.?\s?a\.?|yearly|annual(?:ly)?)$",
    re.IGNORECASE,
)
#: Key-figure and context units of each kind (lower case).
SHARE_UNITS = frozenset({"fraction", "share", "proportion", "ratio"})
PERCENT_UNITS = frozenset({"percent", "per cent", "%", "pct"})
POINT_UNITS = frozenset({"pp", "percentage point", "percentage points", "pct points", "points"})
MULTIPLE_UNITS = frozenset({"x", "times", "multiple", "×"})
YEAR_UNITS = frozenset({"year", "calendar year"})
DURATION_UNITS = frozenset({"years", "yrs"})


def _significant(x: float, figures: int) -> str:
    """``x`` with ``figures`` significant figures, no exponent, trailing zeros kept only as needed."""
    if x == 0:
        return "0"
    decimals = max(0, figures - 1 - math.floor(math.log10(abs(x))))
    return f"{x:,.{decimals}f}"


# ----------------------------------------------------------------------------------------------- numbers


def number(value: Any) -> str:
    """A plain quantity: ``6000`` -> "6,000", ``1.5e6`` -> "1.5 million", ``12.5`` -> "12.5", ``722.9`` ->
    "723", ``0.00412`` -> "0.0041" (the quantity rule in the module docstring)."""
    x = vocab.finite(value)
    if x is None:
        return NA
    for size, word in vocab.SCALE_NAMES[:3]:  # trillion, billion, million
        if abs(x) >= size * 0.9995:  # 999.96 million reads "1.0 billion", never "1,000.0 million"
            return f"{x / size:,.1f} {word}"
    if x == 0:
        return "0"
    if abs(x) >= 100 or float(x).is_integer():
        return f"{x:,.0f}"
    if abs(x) >= 1:
        text = f"{x:.1f}"
        return text.removesuffix(".0")
    return _significant(x, 2)


def _prefix(currency: str) -> str:
    """What stands before an amount in ``currency``: "$", "Rs ", "CNY "."""
    unit = vocab.find_unit(currency)
    return unit.prefix if unit is not None else f"{currency} "


def money(value: Any, currency: str) -> str:
    """An amount of money in ``currency`` (an ISO code of the units table): "$6.0 trillion", "Rs 1.2
    billion", "-$1.5 billion", "CNY 3.0 million"."""
    x = vocab.finite(value)
    if x is None:
        return NA
    return ("-" if x < 0 else "") + _prefix(currency) + number(abs(x))


def rate(value: Any) -> str:
    """A growth rate a year, given as a fraction: 0.3670 -> "36.7%", 0.0945 -> "9.5%", 0.000333 -> "0.033%"."""
    x = vocab.finite(value)
    if x is None:
        return NA
    percent = x * 100.0
    if percent != 0 and abs(percent) < 1:
        return f"{_significant(percent, 2)}%"
    return f"{percent:,.1f}%"


def share(value: Any) -> str:
    """A share of a whole, given as a fraction, with two significant figures: 0.72 -> "72%", 0.0067 ->
    "0.67%", 0.000333 -> "0.033%", 1.5 -> "150%"."""
    x = vocab.finite(value)
    if x is None:
        return NA
    return f"{_significant(x * 100.0, 2)}%"


def multiple(value: Any, word: str = "x") -> str:
    """How many times one figure is another: 4.0 -> "4.0x", 16.67 -> "16.7x", 722.9 -> "723x"; with
    ``word=" times"``: "3.5 times"."""
    x = vocab.finite(value)
    if x is None:
        return NA
    return (f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.1f}") + word


def change(value: Any) -> str:
    """A difference between two figures, given as a fraction, signed in whole per cent: 0.16 -> "+16%"."""
    x = vocab.finite(value)
    if x is None:
        return NA
    return f"{x * 100:+.0f}%"


def currency_label(currency: str) -> str:
    """How a label names a currency in words: "US$" for the US dollar (the reference currency), else its code."""
    return "US$" if currency == vocab.USD else currency


def tick(value: float, currency: str) -> str:
    """An axis tick of money: the scale word and only the decimals the tick needs ("$2 billion", "$2.5
    billion", "0"). Ticks label a scale, not a figure: they are not rounded like figures."""
    if value <= 0:
        return "0"
    prefix = _prefix(currency)
    for size, word in vocab.SCALE_NAMES[:3]:
        if value >= size * 0.9995:
            scaled = value / size
            digits = 0 if math.isclose(scaled, round(scaled), abs_tol=1e-9) else 1
            return f"{prefix}{scaled:,.{digits}f} {word}"
    return f"{prefix}{value:,.0f}"


# ----------------------------------------------------------------------------------------------- amounts


def _split_unit(unit: str) -> tuple[str, bool, list[str], float]:
    """(the unit's core, per year?, notes in parentheses and price basis, scale factor of a word in it)."""
    text = (unit or "").strip()
    notes: list[str] = []
    paren = re.search(r"\s*\(([^()]*)\)$", text)
    if paren:
        notes.append(paren.group(1).strip())
        text = text[: paren.start()].strip()
    yearly = bool(_PER_YEAR.search(text))
    text = _PER_YEAR.sub("", text).strip()
    basis = vocab.PRICE_BASIS.match(text)
    if basis:
        notes.insert(0, f"{basis.group(1).lower()} prices")
        text = text[basis.end():].strip()
    factor = 1.0
    words = text.split()
    if len(words) > 1 and words[-1].lower() in vocab.SCALE_WORDS:  # "USD bn": a value counted in billions
        factor = float(vocab.SCALE_WORDS[words[-1].lower()])
        text = " ".join(words[:-1])
    return text, yearly, notes, factor


def amount(value: Any, unit: str) -> str:
    """Any figure with its unit, by the rule of its kind: ``2e9, "USD/yr"`` -> "$2.0 billion a year",
    ``2.59e12, "current US$"`` -> "$2.6 trillion (current prices)", ``6000, "acres"`` -> "6,000 acres",
    ``0.367, "fraction/yr"`` -> "36.7% a year", ``0.72, "fraction"`` -> "72%", ``4, "multiple"`` -> "4.0x",
    ``2035, "year"`` -> "2035", ``3000, "years"`` -> "3,000 years". Missing values give "n/a"."""
    x = vocab.finite(value)
    if x is None:
        return NA
    core, yearly, notes, factor = _split_unit(unit)
    x *= factor
    key = core.lower()
    currency = vocab.currency_of(core) if core else None
    if currency is not None:
        out = money(x, currency)
    elif key in SHARE_UNITS:
        out = rate(x) if yearly else share(x)
    elif key in PERCENT_UNITS:
        out = rate(x / 100.0)
    elif key in POINT_UNITS:
        out = f"{number(x)} percentage point{'' if abs(x) == 1 else 's'}"
    elif key in MULTIPLE_UNITS:
        out = multiple(x)
    elif key in YEAR_UNITS and float(x).is_integer() and 1000 <= x <= 2999:
        out = str(round(x))
    elif key in YEAR_UNITS | DURATION_UNITS:
        out = f"{number(x)} year{'' if abs(x) == 1 else 's'}"
    elif core:
        out = f"{number(x)} {core}"
    else:
        out = number(x)
    if yearly:
        out += A_YEAR
    if notes:
        out += f" ({', '.join(notes)})"
    return out


def bounds(low: Any, high: Any, write: Callable[[Any], str] | None = None, unit: str = "") -> str:
    """One figure, or "low to high" when the two differ: written by ``write`` (e.g. ``rate``), else as
    amounts in ``unit``, with "a year" said once at the end: "$6.0 billion to $8.0 billion a year"."""
    lo, hi = vocab.finite(low), vocab.finite(high)
    suffix = ""
    if write is None:
        plain = (unit or "").strip()
        if _PER_YEAR.search(plain):
            plain, suffix = _PER_YEAR.sub("", plain).strip(), A_YEAR

        def write(v: Any, _unit: str = plain) -> str:
            return amount(v, _unit)
    if lo is None and hi is None:
        return NA
    if lo is None or hi is None or math.isclose(lo, hi):
        return write(lo if lo is not None else hi) + suffix
    return f"{write(lo)} to {write(hi)}{suffix}"


def qualifier(kind: str | None) -> str:
    """The words a report puts before a figure of a qualifier kind, with a space: "about ", "more than ",
    "up to ", "" (exact figures and ranges)."""
    words = vocab.PHRASE_OF_KIND.get(str(kind or "exact"), "")
    return f"{words} " if words else ""


def stated(figure: vocab.Amount) -> str:
    """A stated amount as a reader says it: "about $6.0 trillion", "$6.0 billion to $8.0 billion a year",
    "more than 70 companies"."""
    return qualifier(figure.qualifier) + bounds(figure.low, figure.high, unit=figure.unit)


def claim_amount(low: Any, high: Any, unit: str, qualifier_kind: str) -> str:
    """A claim's amount from its register fields (see ``stated``)."""
    return stated(vocab.Amount(None, vocab.finite(low), vocab.finite(high), str(unit), str(qualifier_kind)))


def claim(row: Any) -> str:
    """A register row's amount in words (a mapping, a pandas row or a named tuple)."""
    return stated(vocab.Amount.from_row(row))


def compact_range(low: float, high: float, unit: str) -> str:
    """A range with one scale word when both ends fit it, for titles: "$6-8 billion a year", "$6.5-8
    billion"; otherwise as ``bounds`` writes it ("$800.0 million to $1.2 billion a year")."""
    yearly = vocab.is_per_year(unit)
    base = vocab.base_unit(unit)
    suffix = A_YEAR if yearly else ""
    if math.isclose(low, high):
        return amount(low, base) + suffix
    currency = vocab.currency_of(base)
    size = next((s for s, _ in vocab.SCALE_NAMES[:3] if high >= s), None)
    ends = [value / size for value in (low, high)] if size else []
    if currency is None or not ends or ends[0] < 1 or any(not math.isclose(round(e, 1), e, abs_tol=1e-9)
                                                           for e in ends):
        return bounds(low, high, unit=unit)
    word = dict(vocab.SCALE_NAMES)[size]
    return f"{_prefix(currency)}{ends[0]:g}-{ends[1]:g} {word}{suffix}"


# ----------------------------------------------------------------------------------------------- periods


def period(kind: str | None, label: str, described: str = "") -> str:
    """A period in words: a calendar year as it is ("2023"), a Pakistan fiscal year with its months
    ("FY2024-25, a July-June fiscal year"), anything else as ``described`` (the period's readable label)
    or the label."""
    if kind == "calendar" and label:
        return str(label)
    if kind == "fiscal_pk" and label:
        return f"{label}, a July-June fiscal year"
    return str(described or label)


def years_span(first: int, last: int) -> str:
    """Both ends counted: "2026-2035 (10 years)", "2026 (1 year)"."""
    count = int(last) - int(first) + 1
    span = str(first) if count == 1 else f"{first}-{last}"
    return f"{span} ({count} year{'' if count == 1 else 's'})"


def reported(value: Any, unit: str) -> str:
    """A reported (context) figure in words: money in its currency without the price-basis note ("current US$"
    -> "$2.6 trillion"; the source column says the basis), other units as stated ("240,000 tonnes copper a
    year")."""
    currency = vocab.currency_of(unit)
    if currency is None:
        return amount(value, unit)
    return amount(value, vocab.per_year(currency, vocab.is_per_year(unit)))


_ID_WORD = r"(?:claims?|context(?: rows?)?|rows?|series)"


def without_ids(words: str, ids: Any) -> str:
    """``words`` with each mention of one of ``ids`` ("claim pk-x", "context F062", a bare id) taken out, for
    a cell a reader sees; the ids go to the table's final "ids" column, the source line and the CSV.

    "$2.5 billion (SBP; official; context F062)" -> "$2.5 billion (SBP; official)";
    "the article's $3.0 billion (claim pk-x, Ahsan Iqbal; press)" -> "the article's $3.0 billion (Ahsan Iqbal;
    press)"."""
    out = str(words)
    for one in sorted({str(i) for i in ids or [] if str(i)}, key=len, reverse=True):
        token = rf"(?:{_ID_WORD}\s+)?{re.escape(one)}(?![\w-])"
        out = re.sub(rf"\(\s*{token}\s*\)", "", out)  # "(F062)": the whole bracket
        out = re.sub(rf"[;,]\s*{token}(?=\s*[);,]|\s*$)", "", out)  # "...; context F062)"
        out = re.sub(rf"(?<=\()\s*{token}\s*[;,:]\s*", "", out)  # "(claim pk-x, Ahsan Iqbal", "(F084: 'within"
        out = re.sub(rf"\b{token}", "", out)
    return re.sub(r"\s{2,}", " ", re.sub(r"\s+([),;.])", r"\1", out)).strip(" ;,")
