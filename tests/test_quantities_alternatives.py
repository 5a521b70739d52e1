"""Why the project parses quantities itself: phrases that off-the-shelf parsers misread.

Outputs of quantulum3 0.10.0 (without its optional classifier extra) and price-parser 0.5.1 were recorded
in a scratch environment. The tests run our parser on every phrase; when an alternative is importable, they
also check that it still misreads the phrase (exactly as recorded, for the recorded version), so that the
comparison stays honest if someone upgrades or adds the package.
"""

from __future__ import annotations

import warnings
from importlib import metadata

import pytest

from helpers.quantities import parse_quantity

B = 1e9

# phrase -> (our text, kind, low, high, unit, qualifier)
OURS = {
    "USD 10bn trade goal": ("USD 10bn", "money", 10 * B, 10 * B, "USD", "exact"),
    "$6-8 billion per year": ("$6-8 billion per year", "money", 6 * B, 8 * B, "USD/yr", "range"),
    "$6 to $8 billion": ("$6 to $8 billion", "money", 6 * B, 8 * B, "USD", "range"),
    "between $6 and $8 billion": ("$6 and $8 billion", "money", 6 * B, 8 * B, "USD", "range"),
    "US$ 1.5 billion": ("US$ 1.5 billion", "money", 1.5 * B, 1.5 * B, "USD", "exact"),
    "Rs 1.2 trillion": ("Rs 1.2 trillion", "money", 1.2e12, 1.2e12, "PKR", "exact"),
    "PKR 500 crore": ("PKR 500 crore", "money", 5e9, 5e9, "PKR", "exact"),
    "Rs 50 lakh": ("Rs 50 lakh", "money", 5e6, 5e6, "PKR", "exact"),
    "more than $10 billion": ("$10 billion", "money", 10 * B, 10 * B, "USD", "lower_bound"),
    "5,200 local employees": ("5,200 local employees", "count", 5200, 5200, "employees", "exact"),
    "0.03%": ("0.03%", "percent", 0.03, 0.03, "percent", "exact"),
}

# phrase -> first quantity quantulum3 0.10.0 returns: (surface, value, unit name)
QUANTULUM3 = {
    "USD 10bn trade goal": ("10bn", 10.0, "bit newton"),
    "$6-8 billion per year": ("$6-8 billi", 40500000003.0, "dollar"),
    "$6 to $8 billion": ("$6 to $800000000", 4000000003.0, "dollar"),
    "between $6 and $8 billion": ("$6", 6.0, "dollar"),
    "US$ 1.5 billion": ("1.5 billion", 1.5 * B, "dimensionless"),
    "Rs 1.2 trillion": ("1.2 trillion", 1.2e12, "dimensionless"),
    "PKR 500 crore": ("500", 500.0, "dimensionless"),
    "Rs 50 lakh": ("50 lakh", 50.0, "litre year kelvin hour"),
    "5,200 local employees": ("5,200", 5200.0, "dimensionless"),
}
QUANTULUM3_VERSION = "0.10.0"

# phrase -> what price-parser 0.5.1 returns: (amount, currency) -- it never applies a scale word
PRICE_PARSER = {
    "USD 10bn trade goal": ("10", "USD"),
    "$6-8 billion per year": ("6", "$"),
    "Rs 1.2 trillion": ("1.2", "Rs"),
    "PKR 500 crore": ("500", "PKR"),
    "more than $10 billion": ("10", "$"),
    "0.03%": ("0", None),
}
PRICE_PARSER_VERSION = "0.5.1"


@pytest.mark.parametrize("phrase", sorted(OURS))
def test_our_parser_reads_what_alternatives_misread(phrase):
    text, kind, low, high, unit, qualifier = OURS[phrase]
    q = parse_quantity(phrase)
    assert (q.text, q.kind, q.unit, q.qualifier) == (text, kind, unit, qualifier)
    assert (q.low, q.high) == (pytest.approx(low), pytest.approx(high))


@pytest.mark.parametrize("phrase", sorted(QUANTULUM3))
def test_quantulum3_misreads(phrase):
    q3 = pytest.importorskip("quantulum3.parser")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Classifier dependencies not installed"
        found = q3.parse(phrase)
    first = (found[0].surface, found[0].value, found[0].unit.name)
    if metadata.version("quantulum3") == QUANTULUM3_VERSION:
        assert first == QUANTULUM3[phrase]
    _, kind, low, high, unit, _ = OURS[phrase]
    right_value = first[1] == pytest.approx(low) and low == high
    right_unit = (first[2] == "dollar") == (unit.startswith("USD")) and first[2] != "dimensionless"
    assert not (right_value and right_unit), f"quantulum3 now reads {phrase!r} correctly: {first}"


@pytest.mark.parametrize("phrase", sorted(PRICE_PARSER))
def test_price_parser_ignores_scale_words(phrase):
    price_parser = pytest.importorskip("price_parser")
    price = price_parser.Price.fromstring(phrase)
    got = (str(price.amount), price.currency)
    if metadata.version("price-parser") == PRICE_PARSER_VERSION:
        assert got == PRICE_PARSER[phrase]
    assert price.amount is None or float(price.amount) != pytest.approx(OURS[phrase][2])
