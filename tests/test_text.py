"""helpers.text: one rounding rule per kind of figure, and the same figure written the same on every page."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import claims as register
from helpers import context, gap, render, text

finite = st.floats(min_value=-1e13, max_value=1e13, allow_nan=False, allow_infinity=False)


def test_amounts_in_words():
    assert text.amount(6e12, "USD") == "$6.0 trillion"
    assert text.amount(2e9, "USD/yr") == "$2.0 billion a year"
    assert text.amount(404e6, "USD") == "$404.0 million"
    assert text.amount(999.96e6, "USD") == "$1.0 billion"
    assert text.amount(950_000, "USD") == "$950,000"
    assert text.amount(1.2e12, "PKR") == "Rs 1.2 trillion"
    assert text.amount(3e6, "CNY") == "CNY 3.0 million"
    assert text.amount(6000, "acres") == "6,000 acres"
    assert text.amount(2.59e12, "current US$") == "$2.6 trillion (current prices)"
    assert text.reported(2.59e12, "current US$") == "$2.6 trillion"
    assert text.amount(None, "USD") == "n/a" and text.amount(float("nan"), "USD") == "n/a"


@pytest.mark.parametrize(("value", "rate", "share"), [
    (0.36697, "36.7%", "37%"), (0.0945043, "9.5%", "9.5%"), (0.000333, "0.033%", "0.033%"),
    (0.0067, "0.67%", "0.67%"), (0.72289, "72.3%", "72%"), (1.5, "150.0%", "150%"), (0.0, "0.0%", "0%"),
    (-0.05, "-5.0%", "-5.0%"),
])
def test_one_rule_for_rates_and_one_for_shares(value, rate, share):
    assert text.rate(value) == rate and text.share(value) == share


def test_multiples_numbers_changes_and_periods():
    assert text.multiple(50 / 3) == "16.7x" and text.multiple(722.9) == "723x" and text.multiple(4) == "4.0x"
    assert text.multiple(3.46, " times") == "3.5 times"
    assert text.number(12.5) == "12.5" and text.number(722.9) == "723" and text.number(0.00412) == "0.0041"
    assert text.number(1.5e6) == "1.5 million" and text.number(6000) == "6,000"
    assert text.change(0.158) == "+16%" and text.change(-0.03) == "-3%"
    assert text.period("fiscal_pk", "FY2024-25") == "FY2024-25, a July-June fiscal year"
    assert text.period("calendar", "2023") == "2023" and text.period("label", "x", "Phase 1") == "Phase 1"
    assert text.years_span(2026, 2035) == "2026-2035 (10 years)" and text.years_span(2026, 2026) == "2026 (1 year)"


def test_claim_amounts_carry_qualifiers_and_say_a_year_once():
    assert text.claim_amount(70, 70, "companies", "lower_bound") == "more than 70 companies"
    assert text.claim_amount(6e9, 8e9, "USD/yr", "range") == "$6.0 billion to $8.0 billion a year"
    assert text.claim_amount(2e12, 2e12, "USD/yr", "approximate") == "about $2.0 trillion a year"
    assert text.bounds(6e9, 8e9, unit="USD/yr") == "$6.0 billion to $8.0 billion a year"
    assert text.bounds(0.1, 0.2, text.rate) == "10.0% to 20.0%"
    assert text.compact_range(6e9, 8e9, "USD/yr") == "$6-8 billion a year"
    assert text.compact_range(8e8, 1.2e9, "USD/yr") == "$800.0 million to $1.2 billion a year"


@given(finite)
def test_every_kind_of_key_figure_reads_as_its_kind(value):
    assert text.amount(value, "fraction/yr") == text.rate(value) + " a year"
    assert text.amount(value, "fraction") == text.share(value)
    assert text.amount(value, "multiple") == text.multiple(value)
    assert text.amount(value, "USD") == text.money(value, "USD")
    assert render.format_value(value, "fraction/yr") == text.amount(value, "fraction/yr")


def test_a_figure_reads_the_same_on_the_index_and_in_its_report():
    """The economy target needs (1000/407.3)**(1/10)-1 = 9.397...% a year from the World Bank's 2025 figure:
    the report's gap table and verdict and the index's key figure all write "9.4%" (never 9.40 or 9.397)."""
    figures = context.load_context()
    analysis = gap.analyse_target(register.load_claims(), figures, context.load_claim_series(context=figures),
                                  context.benchmark_growth(figures), "pk-economy-2035-target")
    required = analysis.required.low
    report_cell = gap.gap_view(analysis).loc["Required growth a year", "value"]
    verdict = gap.verdict(analysis)
    run = {"name": "r", "title": "R", "notebook": "n.ipynb", "parameters": {}, "status": "ok",
           "last_attempt": "2026-01-01T00:00:00+00:00", "last_success": "2026-01-01T00:00:00+00:00",
           "duration_s": 1.0, "error": None, "html": "runs/r/report.html", "failed_html": None, "tables": [],
           "key_figures": [{"name": "required_cagr_low", "label": "Required growth a year (low)",
                            "value": required, "unit": "fraction/yr", "claims": [], "context": []}],
           "changes": [], "changes_are_new": False, "new_report": False}
    index = render.render_index({"generated": "2026-01-01T00:00:00+00:00", "batch": {}, "runs": {"r": run}})
    shown = text.rate(required)
    assert shown == "9.4%" and required == pytest.approx((1e12 / 407307214476.222) ** 0.1 - 1)
    assert f"{shown} a year" in report_cell and f"{shown} a year" in verdict
    assert re.search(rf">\s*{re.escape(shown)} a year\s*<", index)
    assert "9.40" not in index and "9.397" not in index
