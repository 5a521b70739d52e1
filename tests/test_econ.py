"""Economics: hand-checked values and property tests."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from helpers import econ
from helpers.econ import EconError, Estimate
from helpers.errors import ProjectError

levels = st.floats(min_value=1e-3, max_value=1e13, allow_nan=False, allow_infinity=False)
rates = st.floats(min_value=-0.5, max_value=2.0, allow_nan=False, allow_infinity=False)
year_counts = st.integers(min_value=1, max_value=60)


# --- hand-checked values -------------------------------------------------------------------------

def test_required_cagr_three_to_fifty_billion_in_nine_years() -> None:
    # (50/3)**(1/9) - 1 = 0.36698 (36.7%): ln(16.667) = 2.8134, / 9 = 0.31260, e**0.31260 = 1.36698
    rate = econ.required_cagr(3e9, 50e9, 2035 - 2026)
    assert rate == pytest.approx(0.36698, abs=1e-5)
    assert rate == pytest.approx((50 / 3) ** (1 / 9) - 1, rel=1e-12)


def test_required_cagr_doubling_in_ten_years_is_about_seven_percent() -> None:
    assert econ.required_cagr(100, 200, 10) == pytest.approx(0.071773, abs=1e-6)  # 2**0.1 - 1


def test_required_cagr_range_two_to_six_eight_billion() -> None:
    # $2B -> $6-8B in 10 years: 3**0.1 - 1 = 0.11612, 4**0.1 - 1 = 0.14870
    low, high = econ.required_cagr_range(2e9, (6e9, 8e9), 10)
    assert low == pytest.approx(0.11612, abs=1e-5)
    assert high == pytest.approx(0.14870, abs=1e-5)


def test_required_cagr_falls_when_target_below_baseline() -> None:
    assert econ.required_cagr(100, 81, 2) == pytest.approx(-0.1)


@pytest.mark.parametrize(("baseline", "target", "years", "word"), [
    (0, 50, 9, "baseline"), (-3, 50, 9, "baseline"), (3, 0, 9, "target"), (3, -1, 9, "target"),
    (3, 50, 0, "years"), (3, 50, -2, "years"), (float("nan"), 50, 9, "baseline"), ("x", 50, 9, "baseline"),
])
def test_required_cagr_rejects_bad_inputs_with_the_argument_and_fix(baseline, target, years, word) -> None:
    with pytest.raises(EconError) as info:
        econ.required_cagr(baseline, target, years)
    assert isinstance(info.value, ProjectError)
    message = str(info.value)
    assert message.startswith(word)
    assert "Fix:" in message


def test_required_cagr_range_rejects_reversed_range() -> None:
    with pytest.raises(EconError, match="reversed"):
        econ.required_cagr_range(2, (8, 6), 10)


def test_growth_path_hand_checked() -> None:
    path = econ.growth_path(100, 0.1, 2026, 2028)
    assert list(path.index) == [2026, 2027, 2028]
    assert path.tolist() == pytest.approx([100, 110, 121])
    assert path.index.name == "year"


def test_growth_path_rejects_end_before_start_and_rate_minus_one() -> None:
    with pytest.raises(EconError, match="before start_year"):
        econ.growth_path(1, 0.1, 2030, 2029)
    with pytest.raises(EconError, match="greater than -1"):
        econ.growth_path(1, -1.0, 2026, 2030)


def test_years_to_reach_and_year_reached_hand_checked() -> None:
    # 100 -> 200 at 10%: ln 2 / ln 1.1 = 7.2725 years, so first reached in year 8 after the base year
    assert econ.years_to_reach(100, 200, 0.1) == pytest.approx(7.2725, abs=1e-4)
    assert econ.year_reached(100, 2026, 200, 0.1) == 2034
    # 100 -> 121 at exactly 10% is reached in year 2, not 3, despite float rounding
    assert econ.year_reached(100, 2026, 121, 0.1) == 2028


def test_years_to_reach_never_and_already() -> None:
    assert econ.years_to_reach(100, 200, 0.0) == math.inf
    assert econ.years_to_reach(100, 200, -0.05) == math.inf
    assert econ.year_reached(100, 2026, 200, -0.05) is None
    assert econ.years_to_reach(100, 80, 0.05) == 0.0
    assert econ.year_reached(100, 2026, 100, 0.0) == 2026


def test_gap_and_implied_share() -> None:
    assert econ.gap(3e9, 50e9) == (47e9, pytest.approx(16.6667, abs=1e-4))
    # $50B of China's $2.58T imports = 1.94%
    assert econ.implied_share(50e9, 2.58e12) == pytest.approx(0.01938, abs=1e-5)
    with pytest.raises(EconError, match="whole"):
        econ.implied_share(1, 0)
    with pytest.raises(EconError, match="part"):
        econ.implied_share(-1, 10)


def test_historical_cagr_uses_first_and_last_points_in_window() -> None:
    series = pd.Series([100.0, None, 121.0, 133.1, 500.0], index=[2010, 2011, 2012, 2013, 2014])
    assert econ.historical_cagr(series, 2010, 2013) == pytest.approx(0.1)
    # the window start falls in a gap: the first available point is 2012
    assert econ.historical_cagr(series, 2011, 2013) == pytest.approx(0.1)
    # whole series: 100 -> 500 in 4 years
    assert econ.historical_cagr(series) == pytest.approx(5 ** 0.25 - 1)


def test_historical_cagr_needs_two_points() -> None:
    series = pd.Series([100.0, 110.0], index=[2010, 2011])
    with pytest.raises(EconError, match="at least two data points"):
        econ.historical_cagr(series, 2011, 2020)
    with pytest.raises(EconError, match="Series"):
        econ.historical_cagr([1, 2])  # type: ignore[arg-type]


# --- qualifiers ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("about", "approximate"), ("Around", "approximate"), ("more than", "lower_bound"),
    ("at least", "lower_bound"), ("lower_bound", "lower_bound"), ("lower-bound", "lower_bound"),
    ("up to", "upper_bound"), ("less than", "upper_bound"), ("", "exact"), (None, "exact"), ("range", "range"),
])
def test_normalize_qualifier(text, expected) -> None:
    assert econ.normalize_qualifier(text) == expected


def test_normalize_qualifier_unknown() -> None:
    with pytest.raises(EconError, match="unknown qualifier"):
        econ.normalize_qualifier("perhaps")


def test_lower_bound_target_makes_required_growth_a_lower_bound() -> None:
    result = econ.required_cagr_estimate(Estimate.exact(3), Estimate.at_least(50), 9)
    assert result.qualifier == "lower_bound"
    assert result.low == pytest.approx(0.36698, abs=1e-5)
    assert result.high is None


def test_lower_bound_baseline_makes_required_growth_an_upper_bound() -> None:
    result = econ.required_cagr_estimate(Estimate.at_least(3), Estimate.exact(50), 9)
    assert result.qualifier == "upper_bound"
    assert result.high == pytest.approx(0.36698, abs=1e-5)
    assert result.low is None


def test_about_stays_approximate_and_range_gives_range() -> None:
    about = econ.required_cagr_estimate(Estimate.about(3), Estimate.exact(50), 9)
    assert about.qualifier == "approximate" and about.approximate
    assert about.value == pytest.approx(0.36698, abs=1e-5)
    ranged = econ.required_cagr_estimate(Estimate.exact(2), Estimate.between(6, 8), 10)
    assert ranged.qualifier == "range"
    assert (ranged.low, ranged.high) == pytest.approx(econ.required_cagr_range(2, (6, 8), 10))
    assert ranged.value is None


def test_two_lower_bounds_are_indeterminate() -> None:
    result = econ.required_cagr_estimate(Estimate.at_least(3), Estimate.at_least(50), 9)
    assert result.qualifier == econ.INDETERMINATE
    assert result.low is None and result.high is None


def test_estimate_from_claim_row_values() -> None:
    assert Estimate.from_claim(float("nan"), 6e9, 8e9, "range") == Estimate(None, 6e9, 8e9, "range")
    with pytest.raises(EconError, match="low <= high"):
        Estimate.from_claim(None, 8, 6, "range")
    with pytest.raises(EconError, match="needs a value"):
        Estimate.from_claim(None, qualifier="exact")


# --- properties ----------------------------------------------------------------------------------

@given(levels, levels, year_counts)
def test_path_at_required_rate_reaches_target(baseline, target, years) -> None:
    # within float tolerance: (1 + rate) loses digits when the ratio is extreme, so keep it in 1e-4..1e6
    assume(1e-4 <= target / baseline <= 1e6)
    rate = econ.required_cagr(baseline, target, years)
    path = econ.growth_path(baseline, rate, 2026, 2026 + years)
    assert path.iloc[-1] == pytest.approx(target, rel=1e-9)
    assert path.iloc[0] == baseline


@given(levels, levels, year_counts, st.integers(min_value=1, max_value=40))
def test_more_years_never_require_more_growth(baseline, target, years, extra) -> None:
    if target <= baseline:
        return
    assert econ.required_cagr(baseline, target, years + extra) <= econ.required_cagr(baseline, target, years)


@given(levels, levels, year_counts)
def test_years_to_reach_inverts_required_cagr(baseline, target, years) -> None:
    if target <= baseline * (1 + 1e-6):
        return
    rate = econ.required_cagr(baseline, target, years)
    assert econ.years_to_reach(baseline, target, rate) == pytest.approx(years, rel=1e-6)


@given(levels, rates, st.integers(min_value=1990, max_value=2030), st.integers(min_value=1, max_value=30))
def test_historical_cagr_of_geometric_series_returns_its_rate(start_level, rate, first_year, length) -> None:
    series = econ.growth_path(start_level, rate, first_year, first_year + length)
    assert econ.historical_cagr(series) == pytest.approx(rate, abs=1e-9)


@given(levels, levels, levels, st.integers(min_value=1, max_value=40))
def test_range_bounds_are_ordered_and_bracket_inner_targets(baseline, a, b, years) -> None:
    low, high = sorted((a, b))
    low_rate, high_rate = econ.required_cagr_range(baseline, (low, high), years)
    assert low_rate <= high_rate
    middle = math.sqrt(low * high)
    assert low_rate - 1e-12 <= econ.required_cagr(baseline, middle, years) <= high_rate + 1e-12
