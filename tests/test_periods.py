"""Periods: every label form in the context figures, other common forms, Iranian years, errors."""

from __future__ import annotations

import datetime as dt

import pytest

from helpers import periods
from helpers.errors import ProjectError
from helpers.periods import PeriodError, parse_period

D = dt.date


# --- the label forms in the context figures ---

CSV_FORMS = [
    ("2010", "calendar", D(2010, 1, 1), D(2010, 12, 31), 2010),
    ("FY2023-24", "fiscal_pk", D(2023, 7, 1), D(2024, 6, 30), 2024),
    ("FY2024-25", "fiscal_pk", D(2024, 7, 1), D(2025, 6, 30), 2025),
    ("IR1401 (2022-03-21..2023-03-20)", "iranian", D(2022, 3, 21), D(2023, 3, 20), 2023),
    ("IR1403 9M (2024-03-20..2024-12-21)", "iranian", D(2024, 3, 20), D(2024, 12, 21), 2024),
    ("2020 (Jan-Aug)", "calendar_partial", D(2020, 1, 1), D(2020, 8, 31), 2020),
    ("2001-2014", "span", D(2001, 1, 1), D(2014, 12, 31), 2014),
    ("2028-2065 (projection)", "span", D(2028, 1, 1), D(2065, 12, 31), 2065),
    ("target (set 2025-02)", "target", D(2025, 2, 1), None, None),
    ("target (reaffirmed 2025)", "target", D(2025, 1, 1), None, None),
    ("FS 2025", "label", D(2025, 1, 1), D(2025, 12, 31), None),
    ("Phase 1 (2029-)", "label", D(2029, 1, 1), None, None),
    ("Phase 2 (2034-2043)", "label", D(2034, 1, 1), D(2043, 12, 31), None),
    ("post-expansion (planned)", "label", None, None, None),
]


@pytest.mark.parametrize(("text", "kind", "start", "end", "year"), CSV_FORMS)
def test_each_label_form_in_the_data_parses(text, kind, start, end, year) -> None:
    period = parse_period(text)
    assert (period.kind, period.start, period.end, period.year) == (kind, start, end, year)
    assert period.label


def test_partial_iranian_year_is_its_own_series_kind() -> None:
    period = parse_period("IR1403 9M (2024-03-20..2024-12-21)")
    assert period.partial and period.series_kind == "iranian_partial"
    assert parse_period("IR1401").series_kind == "iranian"


@pytest.mark.parametrize(("year", "nowruz"), [
    (1399, D(2020, 3, 20)), (1400, D(2021, 3, 21)), (1401, D(2022, 3, 21)), (1402, D(2023, 3, 21)),
    (1403, D(2024, 3, 20)), (1404, D(2025, 3, 21)), (1375, D(1996, 3, 20)),
])
def test_iranian_year_start_is_nowruz(year, nowruz) -> None:
    assert periods.iranian_year_start(year) == nowruz


def test_iranian_year_without_dates_is_computed() -> None:
    full = parse_period("IR1402")
    assert (full.start, full.end) == (D(2023, 3, 21), D(2024, 3, 19))  # 1403 starts 2024-03-20
    part = parse_period("IR1403 6M")
    assert (part.start, part.end, part.partial) == (D(2024, 3, 20), D(2024, 9, 21), True)  # 6 x 31 days


@pytest.mark.parametrize(("text", "kind", "start", "end"), [
    ("FY25", "fiscal_pk", D(2024, 7, 1), D(2025, 6, 30)),
    ("FY1999-00", "fiscal_pk", D(1999, 7, 1), D(2000, 6, 30)),
    ("FY 2024/2025", "fiscal_pk", D(2024, 7, 1), D(2025, 6, 30)),
    ("2020 H1", "calendar_partial", D(2020, 1, 1), D(2020, 6, 30)),
    ("2021 Q3", "calendar_partial", D(2021, 7, 1), D(2021, 9, 30)),
    ("2024 9M", "calendar_partial", D(2024, 1, 1), D(2024, 9, 30)),
    ("2019 (January-December)", "calendar", D(2019, 1, 1), D(2019, 12, 31)),
    ("target", "target", None, None),
])
def test_other_common_forms(text, kind, start, end) -> None:
    period = parse_period(text)
    assert (period.kind, period.start, period.end) == (kind, start, end)


@pytest.mark.parametrize("text", ["", "20x5", "FY2024-26", "FY2025", "2014-2010", "2020 (Aug-Jan)",
                                  "IR1401 (2022-03-25..2023-03-20)", "IR1401 (2022-03-21..2023-01-01)",
                                  "IR1403 12M", "target (set 2025-13)", "2020 13M", "-2020"])
def test_unparseable_periods_raise_with_a_fix(text) -> None:
    with pytest.raises(PeriodError) as info:
        parse_period(text)
    assert isinstance(info.value, ProjectError)
    assert "Fix:" in str(info.value)


def test_period_midpoint_places_fiscal_years_between_calendar_years() -> None:
    assert parse_period("2024").mid == pytest.approx(2024.5, abs=0.01)
    assert parse_period("FY2024-25").mid == pytest.approx(2025.0, abs=0.01)
