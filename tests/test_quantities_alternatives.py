"""Why the project parses quantities itself: phrases that off-the-shelf parsers misread.

Outputs of quantulum3 0.10.0 (without its optional classifier extra) and price-parser 0.5.1 were recorded
in a scratch environment. The tests run our parser on every phrase; when an alternative is importable, they
also check that it still misreads the phrase (exactly as recorded, for the recorded version), so that the
comparison stays honest if someone upgrades or adds the package. The newspaper house styles at the end (attached
abbreviations, rupee ranges, written currencies, "pc", South Asian place values) are misread too. Where an
alternative does read a phrase ("12 million dollars", "$12 per tonne" with quantulum3), it is left out: the
evidence is what they miss, not a claim that they miss everything.
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
    # newspaper house styles
    "$4.2m": ("$4.2m", "money", 4.2e6, 4.2e6, "USD", "exact"),
    "Rs3bn": ("Rs3bn", "money", 3 * B, 3 * B, "PKR", "exact"),
    "USD2.6bln": ("USD2.6bln", "money", 2.6 * B, 2.6 * B, "USD", "exact"),
    "$3-4bn": ("$3-4bn", "money", 3 * B, 4 * B, "USD", "range"),
    "Rs150-170 billion": ("Rs150-170 billion", "money", 150 * B, 170 * B, "PKR", "range"),
    "Rupees 2 billion": ("Rupees 2 billion", "money", 2 * B, 2 * B, "PKR", "exact"),
    "grew 13pc": ("13pc", "percent", 13, 13, "percent", "exact"),
    "2 lakh 51 thousand 900 rupees": ("2 lakh 51 thousand 900 rupees", "money", 251900, 251900, "PKR", "exact"),
    "$700 million to $1.1 billion": ("$700 million to $1.1 billion", "money", 7e8, 1.1 * B, "USD", "range"),
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
    "$4.2m": ("$4.2m", 4.2, "dollar metre"),
    "Rs3bn": None,
    "USD2.6bln": None,
    "$3-4bn": ("$3-4bn", 3.5, "dollar barn newton"),
    "Rs150-170 billion": ("billion", 1e9, "dimensionless"),
    "Rupees 2 billion": ("2 billion", 2e9, "dimensionless"),
    "grew 13pc": ("13pc", 13.0, "set"),
    "2 lakh 51 thousand 900 rupees": ("2 lakh", 2.0, "litre year kelvin hour"),
    "$700 million to $1.1 billion": ("$700000000.0 to $1100000000.", 9e8, "dollar"),
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
    "$4.2m": ("4.2", "$"),
    "Rs3bn": ("3", "Rs"),
    "USD2.6bln": ("2.6", "USD"),
    "Rs150-170 billion": ("150", "Rs"),
    "Rupees 2 billion": ("2", None),
}
PRICE_PARSER_VERSION = "0.5.1"


@pytest.mark.parametrize("phrase", sorted(OURS))
def test_our_parser_reads_what_alternatives_misread(phrase):
    text, kind, low, high, unit, qualifier = OURS[phrase]
    q = parse_quantity(phrase)
    assert (q.text, q.kind, q.unit, q.qualifier) == (text, kind, unit, qualifier)
    assert (q.low, q.high) == (pytest.approx(low), pytest.approx(high))


def _names_our_unit(name: str, unit: str) -> bool:
    """True when quantulum3's unit name is the unit we read (dollar, rupee, percentage, the counted noun)."""
    if unit.startswith("USD"):
        return name == "dollar"
    if unit.startswith("PKR"):
        return "rupee" in name
    if unit == "percent":
        return name in {"percentage", "per cent", "percent"}
    return name != "dimensionless" and unit.rstrip("s") in name


@pytest.mark.slow  # quantulum3 loads its unit model (about 8 s) on first use
@pytest.mark.parametrize("phrase", sorted(QUANTULUM3))
def test_quantulum3_misreads(phrase):
    q3 = pytest.importorskip("quantulum3.parser")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Classifier dependencies not installed"
        found = q3.parse(phrase)
    first = (found[0].surface, found[0].value, found[0].unit.name) if found else None
    if metadata.version("quantulum3") == QUANTULUM3_VERSION:
        assert first == QUANTULUM3[phrase]
    if first is None:
        return  # nothing read at all
    _, kind, low, high, unit, _ = OURS[phrase]
    right_value = first[1] == pytest.approx(low) and low == high
    assert not (right_value and _names_our_unit(first[2], unit)), f"quantulum3 now reads {phrase!r} correctly: {first}"


@pytest.mark.parametrize("phrase", sorted(PRICE_PARSER))
def test_price_parser_ignores_scale_words(phrase):
    price_parser = pytest.importorskip("price_parser")
    price = price_parser.Price.fromstring(phrase)
    got = (str(price.amount), price.currency)
    if metadata.version("price-parser") == PRICE_PARSER_VERSION:
        assert got == PRICE_PARSER[phrase]
    assert price.amount is None or float(price.amount) != pytest.approx(OURS[phrase][2])
