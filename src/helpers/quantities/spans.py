"""Phrases that are not amounts: years, dates, ordinals, vague magnitudes, labels; and shares and multiples
written in words ("half of", "a third of", "two-fold", "five times").
"""

from __future__ import annotations

import re

from helpers.quantities import context
from helpers.quantities import lexicon as lx
from helpers.quantities.model import Quantity

S0, S1 = lx.S0, lx.S1

_MONTH = (
    r"(?-i:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_DAYS = rf"{_DAY}(?:{S0}(?:[-–]|and|&){S0}{_DAY})?"
_YEAR4 = r"(?:19|20)\d{2}"
_YEAR_END = _YEAR4 + r"(?![-–/]\d)"  # "December 2020-21" is a fiscal year, not December 2020
DATE_RE = re.compile(
    rf"(?<![\w.,])(?:{_MONTH}{S1}{_DAYS}(?:{S0},?{S1}{_YEAR_END})?"
    rf"|{_DAYS}{S1}(?:of{S1})?{_MONTH}(?:,?{S1}{_YEAR_END})?"
    rf"|{_MONTH},?{S1}{_YEAR_END}"
    rf"|{_DAY}-{_MONTH}-(?:{_YEAR4}|\d{{2}})"
    rf"|{_YEAR4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
    rf"|\d{{1,2}}[/.]\d{{1,2}}[/.](?:{_YEAR4}|\d{{2}})"
    rf"|\d{{1,2}}:\d{{2}}(?:{S0}[ap]\.?m\.?)?|\d{{1,2}}{S0}(?:[ap]\.m\.|[ap]m))(?![\w])",
    re.I,
)
YEAR_RE = re.compile(
    rf"(?<![\w.,])(?:(?P<fy>FY|CY){S0}'?(?P<y1>\d{{4}}|\d{{2}})(?:[-–/](?P<y2>\d{{4}}|\d{{2}}))?"
    rf"|(?P<a>(?:19|20)\d{{2}})[-–/](?P<b>(?:19|20)\d{{2}}|\d{{2}})|(?P<dec>(?:19|20)\d0)s)(?![\w])"
)
ORDINAL_RE = re.compile(r"(?<![\w.,])(?P<n>\d+)(?:st|nd|rd|th)(?![\w])", re.I)
VAGUE_RE = re.compile(
    rf"(?<![\w])(?:(?:tens|hundreds){S1}of{S1})?(?:dozens|scores|hundreds|thousands|millions|billions"
    rf"|trillions|lakhs|crores){S1}of(?![\w])|(?<![\w])(?:several|a{S1}few|many|multiple){S1}"
    rf"(?:hundred|thousand|million|billion|trillion)s?(?![\w])|(?<![\w])multi-?(?:million|billion|trillion)"
    rf"(?![A-Za-z])",
    re.I,
)
LABEL_RE = re.compile(
    r"(?<![\w.$€£¥₹])(?:[A-Za-z0-9]*(?:[A-Za-z]\d|\d[A-Za-z])[A-Za-z0-9]*|[A-Za-z]{1,10}-\d+(?:\.\d+)?)(?![\w])"
)
_FRACTIONS = {"half": 50.0, "third": 100 / 3, "quarter": 25.0, "fourth": 25.0, "fifth": 20.0, "tenth": 10.0}
_FRACTION_RE = re.compile(
    rf"(?<![\w-])(?:(?P<half>half)|(?P<n>a|one|two|three|four){S0}[-\s]{S0}(?P<d>third|quarter|fourth|fifth|tenth)s?)"
    rf"(?={S1}of\b)",
    re.I,
)
_PERIOD_BEFORE_RE = re.compile(rf"(?:first|second|third|fourth|last|latter|former|final|next|past){S1}$", re.I)
_MULTIPLE_RE = re.compile(
    rf"(?<![\w.,])(?:(?P<n>\d+(?:\.\d+)?|{lx.WORDNUM})(?:{S0}-{S0}|{S0})fold|(?P<x>\d+(?:\.\d+)?)x"
    rf"|(?P<t>\d+(?:\.\d+)?|{lx.WORDNUM}){S1}times(?={S1}(?:more|higher|larger|bigger|greater|as|over|the)\b))"
    rf"(?![\w])",
    re.I,
)
_TIMES_AFTER_CHANGE_RE = re.compile(
    rf"(?:increas\w*|grow\w*|grew|rise|rose|risen|surg\w*|jump\w*|up|expand\w*|multipl\w*){S1}(?:by{S1})?"
    rf"(?:(?:more{S1}than|over|almost|nearly|about|around){S1})?$",
    re.I,
)
_TIMES_RE = re.compile(rf"(?<![\w.,])(?P<t>\d+(?:\.\d+)?|{lx.WORDNUM}){S1}times(?![\w])", re.I)
_NUMBER_WORD = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4}


def _span(m: re.Match[str], kind: str, value: float | None = None, low: float | None = None,
          high: float | None = None, qualifier: str = "exact") -> Quantity:  # fmt: skip
    if low is None and high is None:
        low = high = value
    return Quantity(m.start(), m.end(), m.group(0), kind, value, low, high, "", None, qualifier, "", False)


def year_candidates(text: str) -> list[Quantity]:
    """Years and fiscal years: "by 2035", "FY2024-25", "2027/2028", "the 1990s"."""
    out = []
    for m in YEAR_RE.finditer(text):
        if m.group("dec"):
            out.append(_span(m, "year", None, float(m.group("dec")), float(m.group("dec")) + 9, "range"))
            continue
        first, second = (m.group("y1"), m.group("y2")) if m.group("fy") else (m.group("a"), m.group("b"))
        y1 = int(first) if len(first) == 4 else 2000 + int(first)
        if second is None:
            out.append(_span(m, "year", float(y1)))
            continue
        y2 = int(second) if len(second) == 4 else (y1 // 100) * 100 + int(second)
        if y2 > y1:
            out.append(_span(m, "year", None, float(y1), float(y2), "range"))
    return out


def share_and_multiple_candidates(text: str, lex: lx.Lexicon) -> list[Quantity]:
    """Shares in words ("half of", "a third of" -> percent) and multiples ("two-fold", "five times more")."""
    out: list[Quantity] = []
    for m in _FRACTION_RE.finditer(text):
        if _PERIOD_BEFORE_RE.search(text, max(0, m.start() - 12), m.start()):
            continue  # "the first half of the year" is a period
        half = m.group("half")
        value = 50.0 if half else _NUMBER_WORD[m.group("n").lower()] * _FRACTIONS[m.group("d").lower()]
        out.append(_with_context(text, m.start(), m.end(), "percent", value, "percent", lex, allow_the=True))
    found = list(_MULTIPLE_RE.finditer(text))
    found += [m for m in _TIMES_RE.finditer(text)
              if _TIMES_AFTER_CHANGE_RE.search(text, max(0, m.start() - 40), m.start())]  # fmt: skip
    for m in found:
        groups = m.groupdict()
        raw = groups.get("n") or groups.get("x") or groups["t"]
        value = float(raw) if raw[0].isdigit() else float(lx.word_value(raw))
        out.append(_with_context(text, m.start(), m.end(), "multiple", value, "times", lex))
    return out


def _with_context(text: str, start: int, end: int, kind: str, value: float, unit: str, lex: lx.Lexicon, *,
                  allow_the: bool = False) -> Quantity:  # fmt: skip
    """A Quantity for a share or multiple, with the qualifier and direction the words around it give."""
    anchor = start
    if allow_the:
        the = re.search(rf"(?<![\w])the{S1}$", text[max(0, start - 5):start], re.I)
        anchor = start - len(the.group(0)) if the else start
    q_start, qualifier, qualifier_text = context.qualifiers_before(text, anchor, lex)
    if anchor != start and not qualifier_text:
        q_start = start
    direction = context.direction_before(text, q_start, qualifier_text) or context.direction_after(text, end)
    return Quantity(start, end, text[start:end], kind, value, value, value, unit, None, qualifier, qualifier_text,
                    False, direction if kind == "multiple" else "")  # fmt: skip


def other_candidates(text: str) -> list[tuple[Quantity, int]]:
    """Years, dates, ordinals, vague magnitudes and labels, each with its priority in a clash (lower wins)."""
    found = [(q, 1) for q in year_candidates(text)]
    found += [(_span(m, "date"), 0) for m in DATE_RE.finditer(text)]
    found += [(_span(m, "ordinal", float(m.group("n"))), 2) for m in ORDINAL_RE.finditer(text)]
    found += [(_span(m, "vague"), 4) for m in VAGUE_RE.finditer(text)]
    found += [(_span(m, "number"), 5) for m in LABEL_RE.finditer(text)]
    return found
