"""helpers.vocab: the one place that knows units, currencies, scale words, qualifiers and amounts."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import vocab


def test_units_table_names_every_currency_with_its_forms() -> None:
    units = vocab.load_units()
    usd = units["USD"]
    assert usd.is_money and usd.symbol == "$" and "US$" in usd.prefixes and "dollars" in usd.words
    assert not units["acres"].is_money
    assert set(vocab.currencies()) >= {"USD", "PKR", "CNY", "EUR", "UZS", "IRR"}


@pytest.mark.parametrize(("unit", "code"), [("USD", "USD"), ("PKR/yr", "PKR"), ("current US$", "USD"),
                                            ("acres", None), ("tonnes copper/yr", None), ("percent", None)])
def test_currency_of(unit: str, code: str | None) -> None:
    assert vocab.currency_of(unit) == code
    assert vocab.is_money(unit) is (code is not None)


def test_a_currency_is_a_row_in_the_units_table(tmp_path: Path) -> None:
    table = tmp_path / "units.csv"
    table.write_text("unit,dimension,symbol,prefixes,words,description\nXAF,money,,FCFA,CFA francs,CFA franc\n",
                     encoding="utf-8")
    units = vocab.load_units(table)
    assert vocab.currency_of("XAF/yr", units) == "XAF" and units["XAF"].words == ("CFA francs",)


@pytest.mark.parametrize(("phrase", "kind"), [("about", "approximate"), ("More than", "lower_bound"),
                                              ("up to", "upper_bound"), ("lower bound", "lower_bound"),
                                              ("", "exact"), ("between", "range"), ("sideways", None)])
def test_qualifier_phrases_read_one_way_and_write_the_other(phrase: str, kind: str | None) -> None:
    assert vocab.qualifier_kind(phrase) == kind
    assert set(vocab.PHRASE_OF_KIND) == set(vocab.QUALIFIERS)


def test_amount_central_value_and_conversion() -> None:
    rng = vocab.Amount.from_row({"value": "", "value_low": "6e9", "value_high": "8e9", "unit": "USD/yr",
                                 "qualifier": "range"})
    assert rng.central == 7e9 and rng.is_range and rng.per_year and rng.is_money
    point = vocab.Amount.from_row({"value": 2.8e9, "unit": "PKR", "qualifier": "approximate"})
    assert (point.low, point.central, point.high) == (2.8e9, 2.8e9, 2.8e9) and not point.is_range
    usd = point.to_usd({"currency": "PKR", "per_usd": 280.0})
    assert usd.unit == "USD" and usd.central == pytest.approx(1e7) and usd.qualifier == "approximate"
    with pytest.raises(ValueError):
        point.to_usd({"currency": "CNY", "per_usd": 7.1})
    with pytest.raises(ValueError):
        vocab.Amount.from_row({"value": 5, "unit": "acres"}).to_usd(None)
