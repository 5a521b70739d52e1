"""Explicit periods for figure labels: calendar, Pakistan fiscal, Iranian (Solar Hijri), part years, spans.

========================  ==================  ====================================================
label                     kind                dates
========================  ==================  ====================================================
``2024``                  calendar            2024-01-01 .. 2024-12-31
``FY2024-25`` / ``FY25``  fiscal_pk           2024-07-01 .. 2025-06-30 (Pakistan, July-June)
``IR1401``                iranian             1 Farvardin 1401 .. 29/30 Esfand = 2022-03-21 .. 2023-03-20
``IR1403 9M (a..b)``      iranian, partial    dates in the label (checked against the Iranian year)
``2020 (Jan-Aug)``        calendar_partial    2020-01-01 .. 2020-08-31 (also ``2020 H1``, ``Q3``, ``9M``)
``2001-2014 (note)``      span                2001-01-01 .. 2014-12-31
``target (set 2025-02)``  target              set on 2025-02-01, no end
anything else             label               years in it, if any (``Phase 1 (2029-)``)
========================  ==================  ====================================================

``Period.year`` is the calendar year in which a period ends (FY2024-25 -> 2025, IR1401 -> 2023, a span ->
its last year); targets and labels have none. ``Period.mid`` is the midpoint as a decimal year, for charts
that place periods of different kinds on one axis.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from helpers.errors import PeriodError

PERIOD_KINDS: tuple[str, ...] = ("calendar", "fiscal_pk", "iranian", "calendar_partial", "span", "target",
                                 "label")
_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
_IRANIAN_MONTH_DAYS = (31, 31, 31, 31, 31, 31, 30, 30, 30, 30, 30, 29)
_JALALI_BREAKS = (-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324,
                  2394, 2456, 3178)


@dataclass(frozen=True)
class Period:
    """An explicit period: kind, first and last day (None when open or unknown), readable label."""

    text: str
    kind: str
    start: dt.date | None
    end: dt.date | None
    label: str
    partial: bool = False
    note: str = ""

    @property
    def year(self) -> int | None:
        """Calendar year in which the period ends; None for targets and labels (not points in time)."""
        if self.kind in ("target", "label") or self.end is None:
            return None
        return self.end.year

    @property
    def mid(self) -> float | None:
        """Midpoint as a decimal year (2024.5 for calendar 2024); None without both dates."""
        if self.start is None or self.end is None or self.kind in ("target", "label"):
            return None
        middle = self.start + (self.end - self.start + dt.timedelta(days=1)) / 2
        first = dt.date(middle.year, 1, 1)
        length = (dt.date(middle.year + 1, 1, 1) - first).days
        return middle.year + (middle - first).days / length

    @property
    def series_kind(self) -> str:
        """The kind ``series()`` groups by: part Iranian years are ``iranian_partial``."""
        return "iranian_partial" if self.kind == "iranian" and self.partial else self.kind


def iranian_year_start(year: int) -> dt.date:
    """Gregorian date of 1 Farvardin (Nowruz) of Solar Hijri ``year`` (1401 -> 2022-03-21).

    The 33-year leap rule with Borkowski's break years, valid for years -61..3177.
    """
    if not _JALALI_BREAKS[0] <= year < _JALALI_BREAKS[-1]:
        raise PeriodError(f"Iranian year {year} is outside the supported range. Fix: use a year 1..3177")
    leap_j, previous, jump = -14, _JALALI_BREAKS[0], 0
    for brk in _JALALI_BREAKS[1:]:
        jump = brk - previous
        if year < brk:
            break
        leap_j += jump // 33 * 8 + (jump % 33) // 4
        previous = brk
    n = year - previous
    leap_j += n // 33 * 8 + (n % 33 + 3) // 4
    if jump % 33 == 4 and jump - n == 4:
        leap_j += 1
    gregorian = year + 621
    leap_g = gregorian // 4 - (gregorian // 100 + 1) * 3 // 4 - 150
    return dt.date(gregorian, 3, 1) + dt.timedelta(days=20 + leap_j - leap_g - 1)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _text(date: dt.date) -> str:
    return f"{date.day} {calendar.month_abbr[date.month]} {date.year}"


def _iso(text: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise PeriodError(f"{label!r} holds {text!r}, which is not a date. Fix: write dates as YYYY-MM-DD") from None


_CALENDAR = re.compile(r"^(\d{4})$")
_FISCAL = re.compile(r"^FY\s?(\d{4})\s*[-/\u2013]\s*(\d{2}|\d{4})$", re.IGNORECASE)
_FISCAL_SHORT = re.compile(r"^FY\s?(\d{2})$", re.IGNORECASE)
_IRANIAN = re.compile(r"^IR\s?(\d{4})(?:\s+(\d{1,2})M)?(?:\s*\((\S+?)\s*\.\.\s*(\S+?)\))?$", re.IGNORECASE)
_PART_MONTHS = re.compile(r"^(\d{4})\s*\(\s*([A-Za-z]{3})[a-z]*\.?\s*[-\u2013]\s*([A-Za-z]{3})[a-z]*\.?\s*\)$")
_PART_HALF = re.compile(r"^(\d{4})\s*H([12])$", re.IGNORECASE)
_PART_QUARTER = re.compile(r"^(\d{4})\s*Q([1-4])$", re.IGNORECASE)
_PART_FIRST = re.compile(r"^(\d{4})\s+(\d{1,2})M$", re.IGNORECASE)
_SPAN = re.compile(r"^(\d{4})\s*[-\u2013]\s*(\d{4})(?:\s*\(([^)]*)\))?$")
_TARGET = re.compile(r"^target(?:\s*\(\s*([A-Za-z][A-Za-z ]*?)\s+(\d{4})(?:-(\d{2}))?\s*\))?$", re.IGNORECASE)
_LABEL_OPEN = re.compile(r"\((\d{4})\s*[-\u2013]\s*\)")
_LABEL_RANGE = re.compile(r"\b(\d{4})\s*[-\u2013]\s*(\d{4})\b")
_LABEL_YEAR = re.compile(r"\b(\d{4})\b")
_RESERVED = re.compile(r"^(?:\d|FY\s?\d|IR\s?\d|target\b)", re.IGNORECASE)

FORMS = ("2024 | FY2024-25 | FY25 | IR1401 | IR1403 9M (2024-03-20..2024-12-21) | 2020 (Jan-Aug) | 2020 H1 "
          "| 2020 Q3 | 2020 9M | 2001-2014 | target (set 2025-02) | a label starting with a letter")


def _partial_calendar(text: str) -> Period | None:
    """Part of a calendar year: (Jan-Aug), H1, Q3, 9M; None when ``text`` is none of these."""
    if match := _PART_MONTHS.match(text):
        year = int(match[1])
        first, last = _MONTHS.get(match[2].lower()), _MONTHS.get(match[3].lower())
        if first is None or last is None or first > last:
            raise PeriodError(f"{text!r}: month range is not Jan..Dec in order. Fix: write e.g. 2020 (Jan-Aug)")
        start, end = dt.date(year, first, 1), _month_end(year, last)
    elif match := _PART_HALF.match(text):
        year, half = int(match[1]), int(match[2])
        start, end = dt.date(year, 6 * half - 5, 1), _month_end(year, 6 * half)
    elif match := _PART_QUARTER.match(text):
        year, quarter = int(match[1]), int(match[2])
        start, end = dt.date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter)
    elif match := _PART_FIRST.match(text):
        year, months = int(match[1]), int(match[2])
        if not 1 <= months <= 11:
            raise PeriodError(f"{text!r}: a part year has 1-11 months. Fix: write the year alone for 12 months")
        start, end = dt.date(year, 1, 1), _month_end(year, months)
    else:
        return None
    if start.month == 1 and end.month == 12:
        return Period(text, "calendar", start, end, f"{year} (calendar year)")
    months_text = f"{calendar.month_abbr[start.month]}-{calendar.month_abbr[end.month]}"
    return Period(text, "calendar_partial", start, end, f"{year} {months_text} (part year)", partial=True)


def _iranian(text: str, match: re.Match[str]) -> Period:
    year = int(match[1])
    months = int(match[2]) if match[2] else None
    start = iranian_year_start(year)
    year_end = iranian_year_start(year + 1) - dt.timedelta(days=1)
    if months is not None and not 1 <= months <= 11:
        raise PeriodError(f"{text!r}: a part Iranian year has 1-11 months. Fix: write IR{year} for 12 months")
    end = year_end if months is None else start + dt.timedelta(days=sum(_IRANIAN_MONTH_DAYS[:months]) - 1)
    if match[3]:
        given_start, given_end = _iso(match[3], text), _iso(match[4], text)
        one_day = dt.timedelta(days=1)
        if abs(given_start - start) > one_day:
            raise PeriodError(f"{text!r}: starts {given_start}, but IR{year} starts {start}. "
                              "Fix: correct the dates or the Iranian year in the label")
        if months is None and abs(given_end - year_end) > one_day:
            raise PeriodError(f"{text!r}: ends {given_end}, but IR{year} ends {year_end}. "
                              f"Fix: correct the dates, or mark a part year (IR{year} 9M (...))")
        if not given_start < given_end <= year_end + one_day:
            raise PeriodError(f"{text!r}: end {given_end} is not inside IR{year} ({start}..{year_end}). "
                              "Fix: correct the dates")
        start, end = given_start, given_end
    span = f"{_text(start)}-{_text(end)}"
    if months is None:
        return Period(text, "iranian", start, end, f"IR{year} (Iranian year, {span})")
    return Period(text, "iranian", start, end, f"IR{year} first {months} months ({span}, part year)",
                  partial=True)


def _label(text: str) -> Period:
    start = end = None
    if match := _LABEL_OPEN.search(text):
        start = dt.date(int(match[1]), 1, 1)
    elif match := _LABEL_RANGE.search(text):
        start, end = dt.date(int(match[1]), 1, 1), dt.date(int(match[2]), 12, 31)
    elif match := _LABEL_YEAR.search(text):
        start, end = dt.date(int(match[1]), 1, 1), dt.date(int(match[1]), 12, 31)
    return Period(text, "label", start, end, text, note="a label, not a point in time")


def parse_period(text: str) -> Period:
    """The explicit ``Period`` for a ``year`` label (forms in the module docstring); PeriodError if none fits."""
    raw = str(text).strip()
    if not raw:
        raise PeriodError(f"empty period. Fix: write one of: {FORMS}")
    if match := _CALENDAR.match(raw):
        year = int(match[1])
        return Period(raw, "calendar", dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year} (calendar year)")
    if (match := _FISCAL.match(raw)) or (match := _FISCAL_SHORT.match(raw)):
        if match.re is _FISCAL_SHORT:
            last = 2000 + int(match[1])
            first = last - 1
        else:
            first = int(match[1])
            tail = match[2]
            last = int(tail) if len(tail) == 4 else (first // 100) * 100 + int(tail) + (100 if tail == "00" else 0)
            if last != first + 1:
                raise PeriodError(f"{raw!r}: a fiscal year runs July to June of the next year. "
                                  f"Fix: write FY{first}-{str(first + 1)[2:]}")
        return Period(raw, "fiscal_pk", dt.date(first, 7, 1), dt.date(last, 6, 30),
                      f"FY{first}-{str(last)[2:]} (Jul {first}-Jun {last})")
    if match := _IRANIAN.match(raw):
        return _iranian(raw, match)
    if (period := _partial_calendar(raw)) is not None:
        return period
    if match := _SPAN.match(raw):
        first, last = int(match[1]), int(match[2])
        if last <= first:
            raise PeriodError(f"{raw!r}: a span must end after it starts. Fix: write e.g. 2001-2014")
        note = (match[3] or "").strip()
        label = f"{first}-{last} ({note})" if note else f"{first}-{last} (multi-year period)"
        return Period(raw, "span", dt.date(first, 1, 1), dt.date(last, 12, 31), label, note=note)
    if match := _TARGET.match(raw):
        if not match[2]:
            return Period(raw, "target", None, None, "target (date not given)")
        month = int(match[3]) if match[3] else 1
        if not 1 <= month <= 12:
            raise PeriodError(f"{raw!r}: month {month} does not exist. Fix: write target (set YYYY-MM)")
        when = dt.date(int(match[2]), month, 1)
        stamp = f"{match[2]}-{match[3]}" if match[3] else match[2]
        return Period(raw, "target", when, None, f"target ({match[1].lower()} {stamp})", note=match[1].lower())
    if _RESERVED.match(raw) or not raw[0].isalpha():
        raise PeriodError(f"{raw!r} is not a period this project reads. Fix: write one of: {FORMS}")
    return _label(raw)
