"""Tests of the quantity parser on newspaper house styles: abbreviations, ranges, written currencies, number
words, signed changes, prices and rates, spans of time, shares and multiples; and its vocabulary source."""

from __future__ import annotations

import pytest

from helpers import paths
from helpers.quantities import Quantity, find_quantities, parse_quantity

B, M, T = 1e9, 1e6, 1e12

# phrase -> (text, kind, low, high, unit, qualifier, direction)
STYLES = {
    # scale abbreviations attached or spaced
    "$4.2m": ("$4.2m", "money", 4.2 * M, 4.2 * M, "USD", "exact", ""),
    "Rs3bn": ("Rs3bn", "money", 3 * B, 3 * B, "PKR", "exact", ""),
    "the deficit hit 1.5tr": ("1.5tr", "number", 1.5 * T, 1.5 * T, "", "exact", ""),
    "USD2.6bln": ("USD2.6bln", "money", 2.6 * B, 2.6 * B, "USD", "exact", ""),
    "USD 2.6 bln": ("USD 2.6 bln", "money", 2.6 * B, 2.6 * B, "USD", "exact", ""),
    "$200mn": ("$200mn", "money", 200 * M, 200 * M, "USD", "exact", ""),
    "Rs1.2 tn": ("Rs1.2 tn", "money", 1.2 * T, 1.2 * T, "PKR", "exact", ""),
    "$300k": ("$300k", "money", 3e5, 3e5, "USD", "exact", ""),
    "Rs1.27billion": ("Rs1.27billion", "money", 1.27 * B, 1.27 * B, "PKR", "exact", ""),
    "PKR 7Tn budget": ("PKR 7Tn", "money", 7 * T, 7 * T, "PKR", "exact", ""),
    "worth more than Rs 50 billions": ("Rs 50 billions", "money", 50 * B, 50 * B, "PKR", "lower_bound", ""),
    "US$3 BILLION INVESTMENTS": ("US$3 BILLION", "money", 3 * B, 3 * B, "USD", "exact", ""),
    "Dh30 billion": ("Dh30 billion", "money", 30 * B, 30 * B, "AED", "exact", ""),
    "SR5bn": ("SR5bn", "money", 5 * B, 5 * B, "SAR", "exact", ""),
    # ranges: each end with its own scale, or one shared
    "between $40 million and $60 million": ("$40 million and $60 million", "money", 40 * M, 60 * M, "USD", "range",
                                            ""),
    "$3-4bn": ("$3-4bn", "money", 3 * B, 4 * B, "USD", "range", ""),
    "$700 million to $1.1 billion": ("$700 million to $1.1 billion", "money", 700 * M, 1.1 * B, "USD", "range", ""),
    "Rs150-170 billion": ("Rs150-170 billion", "money", 150 * B, 170 * B, "PKR", "range", ""),
    "inflation of 23-25pc": ("23-25pc", "percent", 23, 25, "percent", "range", ""),
    # currencies written out, before or after the number
    "Rupees 2 billion": ("Rupees 2 billion", "money", 2 * B, 2 * B, "PKR", "exact", ""),
    "12 million dollars": ("12 million dollars", "money", 12 * M, 12 * M, "USD", "exact", ""),
    "2.4 billion US dollars": ("2.4 billion US dollars", "money", 2.4 * B, 2.4 * B, "USD", "exact", ""),
    "dollars three billion a year": ("dollars three billion a year", "money", 3 * B, 3 * B, "USD/yr", "exact", ""),
    "20 Saudi Riyals": ("20 Saudi Riyals", "money", 20, 20, "SAR", "exact", ""),
    "9 cents": ("9 cents", "money", 0.09, 0.09, "USD", "exact", ""),
    # digits as printed
    "Rs12,34,567": ("Rs12,34,567", "money", 1234567, 1234567, "PKR", "exact", ""),
    "40,150000 barrels": ("40,150000 barrels", "count", 40150000, 40150000, "barrels", "exact", ""),
    "Kyrgyzstan (4,6 percent)": ("4,6 percent", "percent", 4.6, 4.6, "percent", "exact", ""),
    "2 lakh 51 thousand 900 rupees": ("2 lakh 51 thousand 900 rupees", "money", 251900, 251900, "PKR", "exact", ""),
    "1,320MW": ("1,320MW", "count", 1320, 1320, "mw", "exact", ""),
    # pc and per cent
    "grew 13pc": ("13pc", "percent", 13, 13, "percent", "exact", "up"),
    "5 per cent": ("5 per cent", "percent", 5, 5, "percent", "exact", ""),
    "declined by 46percent": ("46percent", "percent", 46, 46, "percent", "exact", "down"),
    # numbers in words
    "twenty-five per cent": ("twenty-five per cent", "percent", 25, 25, "percent", "exact", ""),
    "thirty one billion dollars": ("thirty one billion dollars", "money", 31 * B, 31 * B, "USD", "exact", ""),
    "One and a half million US dollars": ("One and a half million US dollars", "money", 1.5 * M, 1.5 * M, "USD",
                                          "exact", ""),
    "signed a dozen MoUs": ("a dozen MoUs", "count", 12, 12, "mous", "exact", ""),
    "signed five agreements": ("five agreements", "count", 5, 5, "agreements", "exact", ""),
    "more than half of this": ("half", "percent", 50, 50, "percent", "lower_bound", ""),
    "almost the one-fifth of": ("one-fifth", "percent", 20, 20, "percent", "approximate", ""),
    "a two-fold increase": ("two-fold", "multiple", 2, 2, "times", "exact", "up"),
    "increases by more than five times": ("five times", "multiple", 5, 5, "times", "lower_bound", "up"),
    # signed changes
    "exports fell 5 per cent": ("5 per cent", "percent", 5, 5, "percent", "exact", "down"),
    "GDP -3.2%": ("-3.2%", "percent", 3.2, 3.2, "percent", "exact", "down"),
    "closed +1.5%": ("+1.5%", "percent", 1.5, 1.5, "percent", "exact", "up"),
    "a 17 per cent increase": ("17 per cent", "percent", 17, 17, "percent", "exact", "up"),
    "34.43 percent less than": ("34.43 percent", "percent", 34.43, 34.43, "percent", "exact", "down"),
    "reduce current expenditures by Rs85 billion": ("Rs85 billion", "money", 85 * B, 85 * B, "PKR", "exact", "down"),
    "raise policy rate by 25 basis points": ("25 basis points", "percent", 25, 25, "basis points", "exact", "up"),
    "registered a negative growth of 65pc": ("65pc", "percent", 65, 65, "percent", "exact", "down"),
    "rose to $5 billion": ("$5 billion", "money", 5 * B, 5 * B, "USD", "exact", ""),
    "up from $14.3 billion": ("$14.3 billion", "money", 14.3 * B, 14.3 * B, "USD", "exact", ""),
    "will increase up to $5 billion": ("$5 billion", "money", 5 * B, 5 * B, "USD", "upper_bound", ""),
    # prices and rates
    "$12 per tonne": ("$12 per tonne", "price", 12, 12, "USD/tonne", "exact", ""),
    "north of $70 a barrel": ("$70 a barrel", "price", 70, 70, "USD/barrel", "lower_bound", ""),
    "Rs 234/kg": ("Rs 234/kg", "price", 234, 234, "PKR/kg", "exact", ""),
    "$1,500 per capita": ("$1,500 per capita", "price", 1500, 1500, "USD/capita", "exact", ""),
    "shrinking by around $500 million a month": ("$500 million a month", "rate", 500 * M, 500 * M, "USD/month",
                                                 "approximate", "down"),
    "Rs1.27billion per day": ("Rs1.27billion per day", "rate", 1.27 * B, 1.27 * B, "PKR/day", "exact", ""),
    "$15.19-$15.49 per mmBtu": ("$15.19-$15.49 per mmBtu", "price", 15.19, 15.49, "USD/mmbtu", "range", ""),
    # spans of time
    "in the first four months of the year": ("four months", "span", 4, 4, "months", "exact", ""),
    "a 30-year lease": ("30-year", "span", 30, 30, "years", "exact", ""),
    "for a five-year period": ("five-year", "span", 5, 5, "years", "exact", ""),
    "within 48 hours": ("48 hours", "span", 48, 48, "hours", "upper_bound", ""),
    "in next 5-6 years": ("5-6 years", "span", 5, 6, "years", "range", ""),
    "for one year": ("one year", "span", 1, 1, "year", "exact", ""),
}  # fmt: skip


def _only(phrase: str) -> Quantity:
    found = [q for q in find_quantities(phrase) if q.kind not in {"year", "date"}]
    assert len(found) == 1, found
    q = found[0]
    assert phrase[q.start:q.end] == q.text
    return q


@pytest.mark.parametrize("phrase", sorted(STYLES))
def test_house_styles(phrase):
    text, kind, low, high, unit, qualifier, direction = STYLES[phrase]
    q = _only(phrase)
    assert (q.text, q.kind, q.unit, q.qualifier, q.direction) == (text, kind, unit, qualifier, direction)
    assert (q.low, q.high) == (pytest.approx(low), pytest.approx(high))
    assert (q.value is None) == (q.qualifier == "range")
    assert q.low >= 0 and q.high >= 0  # sizes: the sign lives in the direction


def test_signed_value_applies_the_direction():
    q = parse_quantity("exports fell 5 per cent")
    assert (q.value, q.signed_value) == (5.0, -5.0)
    assert parse_quantity("rose 3%").signed_value == 3.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("exports dropped 27pc in value and 7pc in quantity", ["down", "down"]),
        ("increased by 18.4 percent, Britain by 20.8%, Germany at 15.1%", ["up", "up", "up"]),
        ("exports increased by $4 billion, or 27 percent, in the first six months", ["up", "up", ""]),
        ("Increased By 121.3 (0.11%)", ["up", "up"]),
        ("decreased by $4 and was sold at $1,703", ["down", ""]),
        ("rose 12.5 percent to $450 million in the first quarter", ["up", ""]),
    ],
)
def test_directions_in_lists(text, expected):
    assert [q.direction for q in find_quantities(text)] == expected


def test_by_x_to_y_is_a_change_and_a_level():
    change, level = find_quantities("reserves decreased by $493 million to $9.82 billion")
    assert (change.value, change.direction, level.value, level.direction) == (493e6, "down", 9.82e9, "")
    rise = parse_quantity("the price will increase further by $4 to $5 per mmBtu")
    assert (rise.kind, rise.low, rise.high, rise.direction) == ("price", 4.0, 5.0, "up")


def test_from_to_keeps_one_measure():
    first, second = find_quantities("the annual FBR tax collection target was enhanced from Rs9,200 billion to "
                                    "Rs9,415 billion")  # fmt: skip
    assert (first.unit, second.unit) == ("PKR/yr", "PKR/yr")


def test_a_listed_amount_shares_the_unit_of_the_price_after_it():
    first, second = find_quantities("gas tariffs of PKR 1,350 and PKR 1,550 per MMBtu")
    assert (first.kind, first.unit, second.kind, second.unit) == ("price", "PKR/mmbtu", "price", "PKR/mmbtu")


def test_a_bracketed_conversion_keeps_the_qualifier():
    usd, aed = find_quantities("transactions lower than $200 (Dh735)")
    assert (usd.qualifier, aed.qualifier, aed.currency) == ("upper_bound", "upper_bound", "AED")


@pytest.mark.parametrize(
    ("text", "per_year"),
    [
        ("USD10 billion in annual trade", True),
        ("the annual target of $12.1 billion", True),
        ("$3 billion in foreign currency support for a year", False),
        ("$1.472bn a year earlier", False),
        ("$2.48 billion on a year-on-year basis", False),
        ("200,000 tonnes of copper annually", True),
    ],
)
def test_per_year_reads_the_clause(text, per_year):
    assert parse_quantity(text).per_year is per_year


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("the 2022 floods", "year"),
        ("July-December 2020-21", "year"),
        ("30-Jun-2022", "date"),
        ("on August 24 and 25", "date"),
        ("Published in Dawn, July 23rd , 2014", "date"),
        ("the strategic ML-1 project", "number"),
        ("the Iranian calendar year in 1396", "year"),
        ("the first half of the year", None),
    ],
)
def test_non_claims(text, kind):
    found = find_quantities(text)
    assert [q.kind for q in found] == ([kind] if kind else [])


def test_number_words_need_a_figure_context():
    assert find_quantities("The two countries and both sides") == []
    assert find_quantities("Nine Development Schemes Worth Over Rs 50b Approved")[0].unit == "schemes"
    assert find_quantities("to link it with the Five Growth Corridors") == []
    assert [q.kind for q in find_quantities("Pakistan bought 4 LNG cargoes")] == ["count"]


def test_the_parser_reads_its_currencies_from_the_units_table(tmp_path, monkeypatch):
    table = tmp_path / "units.csv"
    rows = (paths.UNITS.read_text(encoding="utf-8").rstrip("\n")
            + "\nXAF,money,,FCFA,CFA francs,CFA franc (ISO 4217)\n")  # fmt: skip
    table.write_text(rows, encoding="utf-8")
    assert parse_quantity("FCFA 5 billion").kind == "number"  # FCFA is unknown to the shipped table
    monkeypatch.setattr(paths, "UNITS", table)
    q = parse_quantity("FCFA 5 billion")
    assert (q.kind, q.currency, q.value) == ("money", "XAF", 5e9)
    assert parse_quantity("300 million CFA francs").currency == "XAF"


def test_reading_is_linear_in_clashes():
    """Many overlapping candidates resolve without comparing each pair (a long run of ranges and dates)."""
    text = "On March 5, 2025 exports of $6-8 billion per year rose 5%. " * 2000
    found = find_quantities(text)
    assert len(found) == 6000
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))
