"""helpers.vocab: the one place that knows units, currencies, scale words, qualifiers and amounts."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import vocab
from helpers.errors import ConversionError


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
    with pytest.raises(ConversionError):
        point.to_usd({"currency": "CNY", "per_usd": 7.1})
    with pytest.raises(ConversionError):
        vocab.Amount.from_row({"value": 5, "unit": "acres"}).to_usd(None)


def test_central_value_is_the_one_rule():
    assert vocab.central_value(5.0, 1.0, 9.0) == 5.0
    assert vocab.central_value(None, 6e9, 8e9) == 7e9
    assert vocab.central_value(float("nan"), 10.0, None) == 10.0
    assert vocab.central_value(None, None, None) is None


def test_dimensions_and_counted_nouns():
    assert vocab.dimension_of("USD/yr") == "money" and vocab.dimension_of("acres") == "area"
    assert vocab.dimension_of("tonnes") == "mass" and vocab.dimension_of("widgets") is None
    assert vocab.noun_unit("participant").code == "participants" and vocab.noun_unit("tonne").code == "tonnes"
    assert vocab.noun_unit("workers") is None


def test_units_table_problems_name_row_and_fix(tmp_path: Path) -> None:
    table = tmp_path / "units.csv"
    table.write_text("unit,dimension,symbol,prefixes,words,description\nusd,money,,,,\nacres,area,,,,\n"
                     "acres,area,,,,\n", encoding="utf-8")
    _, problems = vocab.unit_problems(table)
    assert {(p.code, p.row) for p in problems} == {("bad-currency", 2), ("duplicate-unit", 4)}


ARTICLE = "Kazakhstan will put KZT 600 billion into the trade corridor.\n"


def test_adding_a_currency_is_a_row_in_units_csv_plus_its_rates(tmp_path: Path) -> None:
    """A data folder without KZT refuses a claim in KZT; the units row and a rate make the register check, the
    conversion and the text of the amount work, with no code changed."""
    import csv
    import os
    import shutil
    import subprocess
    import sys

    from helpers import paths

    data, seeds = tmp_path / "data", tmp_path / "seeds"
    shutil.copytree(paths.DATA, data)
    shutil.copytree(paths.SEEDS, seeds)
    units = (data / "units.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    kzt_row = next(line for line in units if line.startswith("KZT,"))
    (data / "units.csv").write_text("".join(line for line in units if line != kzt_row), encoding="utf-8")
    (seeds / "006_kz.txt").write_text(ARTICLE, encoding="utf-8")
    with open(data / "articles.csv", "a", encoding="utf-8", newline="") as handle:  # every seed has its row
        csv.writer(handle, lineterminator="\n").writerow(
            ["006_kz.txt", "", "", "", "", "", "news", "en", "", "", "pasted",
             "written for this test: no outlet, headline, date or address"])
    with open(data / "claims.csv", "a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            ["kz-corridor-investment", "investment", "fact", "Kazakh investment in the trade corridor", "Kazakhstan",
             "Pakistan", "600000000000", "", "", "KZT", "exact", "2025-06-01", "", "", "", "006_kz.txt",
             str(ARTICLE.index("KZT")), "KZT 600 billion", ""])
    env = {**os.environ, "PAKCLAIMS_DATA": str(data), "PAKCLAIMS_SEEDS": str(seeds)}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, *args], cwd=paths.ROOT, env=env, capture_output=True, text=True,
                              timeout=120)

    before = run("-m", "helpers.claims", "check")
    assert before.returncode == 2 and "unknown unit" in before.stderr and "(value: 'KZT')" in before.stderr

    (data / "units.csv").write_text((data / "units.csv").read_text(encoding="utf-8") + kzt_row, encoding="utf-8")
    no_rate = run("-m", "helpers.claims", "check")
    assert no_rate.returncode == 2 and "no KZT rate" in no_rate.stderr and "kz-corridor-investment" in no_rate.stderr

    with open(data / "fx_rates.csv", "a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            ["KZT", "500", "2025-05-30", "National Bank of Kazakhstan", "", "rate to verify"])
    after = run("-m", "helpers.claims", "check")
    assert after.returncode == 0, after.stderr
    code = ("from helpers import claims, fx, text; c = claims.load_claims(); "
            "usd, conv = fx.claims_in_usd(c, fx.load_rates()); "
            "row = usd.set_index('id').loc['kz-corridor-investment']; "
            "print(text.amount(6e11, 'KZT'), '|', text.claim(row), '|', conv['per_usd'].tolist())")
    shown = run("-c", code)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == "KZT 600.0 billion | $1.2 billion | [500.0]"
