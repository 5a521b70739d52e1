"""Comparators of the same measure: sourced episodes, computed GDP spells, base rates, target measures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers import claims as register
from helpers import context, episodes
from helpers.errors import ContextDataError


@pytest.fixture(scope="module")
def benchmarks() -> pd.DataFrame:
    return context.benchmark_growth(context.load_context())


def test_every_benchmark_names_its_measure(benchmarks):
    assert set(benchmarks["measure"]) == {"merchandise_exports_usd"}
    assert set(episodes.load_episodes()["measure"]) <= set(context.MEASURES)


def test_sourced_bilateral_episodes_hand_checked():
    table = episodes.load_episodes().set_index("name")
    phase2 = table.loc["Pakistan's exports to China, FY2019-20 to FY2021-22 (FTA phase II)"]
    assert phase2["cagr"] == pytest.approx((2780 / 1663) ** (1 / 2) - 1)  # SBP via APP, R719 and R721
    assert phase2["context_ids"] == ["R719", "R721"] and phase2["confidence"] == "medium"
    pre = table.loc["Pakistan's exports to China, FY2003-04 to FY2006-07 (before the FTA)"]
    assert pre["cagr"] == pytest.approx((575.903 / 288.259) ** (1 / 3) - 1)
    phase1 = table.loc["Pakistan's exports to China, FY2006-07 to FY2018-19 (FTA phase I)"]
    assert phase1["cagr"] == pytest.approx((1850 / 575.903) ** (1 / 12) - 1)
    customs = table.loc["China-Pakistan trade, 2009 to 2021 (China customs)"]
    assert customs["cagr"] == pytest.approx((27.82 / 6.7) ** (1 / 12) - 1)
    uz = table.loc["Pakistan-Uzbekistan trade, 2014 to 2023 (Uzbek envoys)"]
    assert uz["cagr"] == pytest.approx((387 / 36) ** (1 / 9) - 1) and uz["confidence"] == "low"


def test_gdp_spells_are_each_economys_fastest_from_the_wdi_snapshot():
    spells = episodes.gdp_spells(10).set_index("geo")
    assert len(spells) == 10 and set(spells["measure"]) == {"gdp_current_usd"}
    china = spells.loc["CHN"]
    assert (china["start"], china["end"]) == (2002, 2012)
    assert china["cagr"] == pytest.approx((8673664713189.24 / 1489821682050.54) ** (1 / 10) - 1)
    assert china["context_ids"] == ["wdi/NY.GDP.MKTP.CD/CHN/2002@2026-07-01", "wdi/NY.GDP.MKTP.CD/CHN/2012@2026-07-01"]
    pakistan = spells.loc["PAK"]
    assert (pakistan["start"], pakistan["end"]) == (2002, 2012)
    assert pakistan["cagr"] == pytest.approx((250106966104.704 / 97923302809.3537) ** (1 / 10) - 1)
    assert episodes.gdp_spells(10)["cagr"].is_monotonic_decreasing


def test_a_target_meets_only_episodes_of_its_own_measure(benchmarks):
    gdp = episodes.comparators("gdp_current_usd", benchmarks, 10)
    assert set(gdp["measure"]) == {"gdp_current_usd"} and len(gdp) == 10
    bilateral = episodes.comparators("bilateral_exports_usd", benchmarks, 10)
    assert set(bilateral["measure"]) == {"bilateral_exports_usd"} and len(bilateral) == 3
    assert episodes.comparators("investment_usd", benchmarks, 10).empty  # none: no fall-back
    assert episodes.comparators("sector_exports_usd", benchmarks, 10).empty
    assert episodes.comparators(None, benchmarks, 10).empty
    exports = episodes.comparators("merchandise_exports_usd", benchmarks, 10)
    assert len(exports) == len(benchmarks)


def test_every_register_target_has_a_measure_and_the_rules_agree():
    claims = register.load_claims()
    listed = episodes.load_target_measures()
    for _, claim in claims.loc[claims["claim_type"].eq("target")].iterrows():
        measure, source = episodes.target_measure(claim, listed)
        assert measure in context.MEASURES and source == "data/target_measures.csv"
        assert episodes.infer_measure(claim) == measure  # the rules read the same from the subject


@pytest.mark.parametrize(("subject", "partner", "unit", "measure"), [
    ("Pakistan's exports to Turkey", "Turkey", "USD/yr", "bilateral_exports_usd"),
    ("Pakistan-Turkey bilateral trade", "Turkey", "USD/yr", "bilateral_trade_usd"),
    ("Pakistan's textile exports", "World", "USD/yr", "sector_exports_usd"),
    ("Pakistan's total exports", "World", "USD/yr", "merchandise_exports_usd"),
    ("Size of the economy", "", "USD/yr", "gdp_current_usd"),
    ("Foreign direct investment in Pakistan", "", "USD", "fdi_inflows_usd"),
    ("Jobs created", "", "jobs", None),
])
def test_measure_rules_for_unseen_targets(subject, partner, unit, measure):
    claim = pd.Series({"id": "new", "subject": subject, "partner": partner, "unit": unit})
    assert episodes.infer_measure(claim) == measure
    assert episodes.target_measure(claim, {})[0] == measure


def test_base_rates_are_cited_for_their_measure():
    gdp = episodes.base_rates("gdp_current_usd")
    assert set(gdp["id"]) == {"hpr2005", "ps2014"} and gdp["address"].str.startswith("http").all()
    assert episodes.base_rates("investment_usd").empty


def test_bad_episode_rows_are_listed_together(tmp_path: Path):
    path = tmp_path / "episodes.csv"
    header = ",".join(episodes.EPISODE_COLUMNS)
    path.write_text(header + "\n"
                    "A,gdp,PAK,,2001,2002,2001,2002,1,2,USD,X,high,http://x,R1,\n"
                    "B,bilateral_trade_usd,PAK,,2005,2002,2005,2002,1,2,USD,X,high,http://x,R1,\n"
                    "C,bilateral_trade_usd,PAK,,2001,2002,2001,2002,1,2,USD,X,high,,,\n", encoding="utf-8")
    with pytest.raises(ContextDataError) as info:
        episodes.load_episodes(path)
    assert {(p.code, p.row) for p in info.value.problems} == {("bad-measure", 2), ("bad-episode", 3),
                                                              ("no-provenance", 4)}


def test_the_input_check_refuses_a_bad_episode_row(tmp_path: Path):
    """make check (check_inputs) reads the comparator files too: a bad row exits 2 before any report runs."""
    import shutil

    from helpers import paths
    from helpers.claims.inputs import context_problems

    data = tmp_path / "data"
    shutil.copytree(paths.DATA, data)
    assert context_problems(data / "context_figures.csv", data / "context_figures.meta.json",
                            data / "claim_series.csv", data / "benchmarks.csv") == []
    path = data / "target_measures.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("gdp_current_usd", "gdp", 1), encoding="utf-8")
    problems = context_problems(data / "context_figures.csv", data / "context_figures.meta.json",
                                data / "claim_series.csv", data / "benchmarks.csv")
    assert [(p.code, p.field, p.value) for p in problems] == [("bad-measure", "measure", "gdp")]
