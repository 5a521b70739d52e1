"""Currency conversion: the shipped rates, hand-checked conversions, errors naming the claim."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import fx, vocab
from helpers.errors import ContextDataError, ConversionError


@pytest.fixture(scope="module")
def rates() -> pd.DataFrame:
    return fx.load_rates()


def _write(path: Path, rows: list[list[str]], header: list[str] = fx.RATE_COLUMNS) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_shipped_rates_load_with_usd_and_pkr(rates: pd.DataFrame) -> None:
    assert set(rates["currency"]) >= {"USD", "PKR"}
    assert rates.loc[rates["currency"].eq("USD"), "per_usd"].tolist() == [1.0]
    others = rates.loc[rates["currency"].ne("USD")]
    assert others["source"].ne("").all()
    assert (others["source_url"].ne("") | others["note"].str.contains("verify")).all()


def test_pkr_converts_with_the_latest_earlier_rate(rates: pd.DataFrame) -> None:
    # 2,814,250,000 PKR on 2025-09-30: the 2025-09-24 rate 281.425 applies -> exactly $10 million
    usd, row = fx.to_usd(2_814_250_000, "PKR", "2025-09-30", rates, claim_id="pk-x")
    assert usd == pytest.approx(10_000_000)
    assert row["date"] == "2025-09-24" and row["per_usd"] == 281.425 and row["age_days"] == 6
    assert row["source"] and row["currency"] == "PKR"
    # on the rate's own date that rate is used
    assert fx.to_usd(281.1515, "PKR/yr", dt.date(2025, 10, 14), rates)[1]["date"] == "2025-10-14"


def test_usd_is_shown_as_a_rate_of_one(rates: pd.DataFrame) -> None:
    usd, row = fx.to_usd(3e9, "USD/yr", "2026-01-28", rates, claim_id="pk-cn-exports")
    assert usd == 3e9 and row["per_usd"] == 1.0 and row["currency"] == "USD"


def test_year_only_dates_stand_for_the_year_end(rates: pd.DataFrame) -> None:
    _, row = fx.to_usd(1, "PKR", "2024", rates)
    assert row["date"] == "2024-12-31"
    _, row = fx.to_usd(1, "PKR", "2025-08", rates)
    assert row["date"] == "2025-08-15"


def test_missing_currency_names_the_claim_and_fix(rates: pd.DataFrame) -> None:
    with pytest.raises(ConversionError) as info:
        fx.to_usd(5e6, "EUR", "2025-08-01", rates, claim_id="eu-grant")
    message = str(info.value)
    assert message.startswith("claim eu-grant:")
    assert "no EUR rate" in message and "Fix: add a EUR row" in message and "fx_rates.csv" in message


def test_no_rate_before_the_date_names_the_claim(rates: pd.DataFrame) -> None:
    with pytest.raises(ConversionError) as info:
        fx.to_usd(1e9, "PKR", "2019-06-30", rates, claim_id="pk-old-budget")
    message = str(info.value)
    assert "claim pk-old-budget" in message and "on or before 2019-06-30" in message
    assert "earliest 2023-12-31" in message and "Fix:" in message


def test_stale_rate_is_refused_when_a_limit_is_set(rates: pd.DataFrame) -> None:
    with pytest.raises(ConversionError, match="days earlier"):
        fx.to_usd(1, "PKR", "2026-06-30", rates, claim_id="pk-y", max_age_days=90)
    assert fx.to_usd(1, "PKR", "2025-10-20", rates, max_age_days=90)[1]["age_days"] == 6


@pytest.mark.parametrize(("amount", "unit", "date", "words"), [
    (6000, "acres", "2025", "not a currency"),
    (1, "PKR", "someday", "not a date"),
    (1, "PKR", None, "no date given"),
    (1, "PKR", "2025-02-30", "not a date"),
    (float("nan"), "PKR", "2025", "not a number"),
])
def test_bad_inputs_name_the_claim(rates, amount, unit, date, words) -> None:
    with pytest.raises(ConversionError) as info:
        fx.to_usd(amount, unit, date, rates, claim_id="c-1")
    assert "claim c-1" in str(info.value) and words in str(info.value) and "Fix:" in str(info.value)


@pytest.mark.parametrize(("unit", "code"), [("PKR/yr", "PKR"), ("USD", "USD"), ("current US$", "USD"),
                                            ("CNY", "CNY"), ("acres", None), ("percent", None)])
def test_the_currency_of_a_unit_comes_from_the_vocabulary(unit, code) -> None:
    assert vocab.currency_of(unit) == code


def test_rate_table_problems_are_listed_together(tmp_path: Path) -> None:
    path = _write(tmp_path / "fx_rates.csv", [
        ["pkr", "281", "2025-01-01", "SBP", "https://example.org/a", ""],
        ["PKR", "-3", "2025-01-02", "SBP", "https://example.org/b", ""],
        ["PKR", "281", "2025-13-01", "SBP", "https://example.org/c", ""],
        ["CNY", "7.2", "2025-01-01", "", "", ""],
        ["CNY", "7.3", "2025-01-01", "someone", "", "rate to verify"],
    ])
    with pytest.raises(ContextDataError) as info:
        fx.load_rates(path)
    found = {(p.code, p.row) for p in info.value.problems}
    assert found == {("bad-currency", 2), ("bad-rate", 3), ("bad-date", 4), ("empty-source", 5),
                     ("unsourced-rate", 5), ("duplicate-rate", 6), ("missing-usd", None)}


def test_rate_table_missing_column_and_bad_usd(tmp_path: Path) -> None:
    path = _write(tmp_path / "fx_rates.csv", [["USD", "2", "2025-01-01", "x", ""]], fx.RATE_COLUMNS[:-1])
    with pytest.raises(ContextDataError) as info:
        fx.load_rates(path)
    assert {p.code for p in info.value.problems} == {"missing-column", "usd-not-one"}


@given(st.dates(min_value=dt.date(2023, 12, 31), max_value=dt.date(2030, 1, 1)),
       st.floats(min_value=0, max_value=1e15, allow_nan=False))
def test_chosen_rate_is_the_latest_on_or_before_the_date(when, amount) -> None:
    table = fx.load_rates()
    usd, row = fx.to_usd(amount, "PKR", when, table)
    pkr = table.loc[table["currency"].eq("PKR")]
    chosen = dt.date.fromisoformat(str(row["date"]))
    assert chosen <= when
    assert not ((pkr["date"].dt.date > chosen) & (pkr["date"].dt.date <= when)).any()
    assert usd * float(row["per_usd"]) == pytest.approx(amount)


def test_claims_in_usd_converts_with_the_rate_shown():
    claims = pd.DataFrame([
        {"id": "pk-budget", "unit": "PKR/yr", "as_of": "2025-06-30", "value": 1.2e12, "value_low": 1.2e12,
         "value_high": 1.2e12},
        {"id": "cn-x", "unit": "USD", "as_of": "2025", "value": 3e9, "value_low": 3e9, "value_high": 3e9},
        {"id": "acres", "unit": "acres", "as_of": "2025", "value": 6000.0, "value_low": 6000.0,
         "value_high": 6000.0},
    ])
    rates = fx.load_rates()
    usd, conversions = fx.claims_in_usd(claims, rates)
    rate = conversions.iloc[0]["per_usd"]
    assert conversions["claim"].tolist() == ["pk-budget"]
    assert usd.loc[0, "value"] == pytest.approx(1.2e12 / rate) and usd.loc[0, "unit"] == "USD/yr"
    assert usd.loc[1, "value"] == 3e9 and usd.loc[2, "unit"] == "acres"
    table = rates.loc[rates["currency"].eq("PKR") & rates["date"].le("2025-06-30")].sort_values("date")
    assert rate == table.iloc[-1]["per_usd"]
    assert conversions.iloc[0]["rate_date"] == table.iloc[-1]["date"].date().isoformat()


def test_claims_in_usd_names_every_claim_it_cannot_convert():
    claims = pd.DataFrame([
        {"id": "eu-fund", "unit": "EUR", "as_of": "2025", "value": 1e9, "value_low": 1e9, "value_high": 1e9},
        {"id": "old-pk", "unit": "PKR", "as_of": "2001", "value": 1e9, "value_low": 1e9, "value_high": 1e9},
    ])
    with pytest.raises(ConversionError) as caught:
        fx.claims_in_usd(claims, fx.load_rates())
    assert "claim eu-fund" in str(caught.value) and "claim old-pk" in str(caught.value)
