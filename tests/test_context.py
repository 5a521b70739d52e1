"""Context figures: provenance check, validation, periods, series, claim mapping and benchmarks."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers import context, econ, paths, periods
from helpers.context import SeriesError
from helpers.errors import ContextDataError


@pytest.fixture(scope="module")
def figures() -> pd.DataFrame:
    return context.load_context()


@pytest.fixture(scope="module")
def mapping(figures: pd.DataFrame) -> pd.DataFrame:
    return context.load_claim_series(context=figures)


def _copy(tmp_path: Path) -> tuple[Path, Path]:
    data, meta = tmp_path / "context_figures.csv", tmp_path / "context_figures.meta.json"
    shutil.copyfile(paths.CONTEXT, data)
    shutil.copyfile(paths.CONTEXT_META, meta)
    return data, meta


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _reseal(data: Path, meta: Path) -> None:
    """Write the edited file's sha256 and row count into its provenance, as the fix tells a user to."""
    record = json.loads(meta.read_text(encoding="utf-8"))
    record["sha256"] = context.sha256_of(data)
    with open(data, newline="", encoding="utf-8") as handle:
        record["rows"] = sum(1 for _ in csv.DictReader(handle))
    meta.write_text(json.dumps(record), encoding="utf-8")


# --- loading and provenance ------------------------------------------------------------------------

def test_shipped_context_loads_with_every_period_parsed(figures: pd.DataFrame) -> None:
    assert len(figures) == 105
    assert figures["id"].is_unique
    assert set(figures["period_kind"]) <= set(periods.PERIOD_KINDS)
    assert figures["value"].dtype == float
    # every row keeps its provenance
    for column in ("source_publisher", "source_title", "source_url", "excerpt", "confidence"):
        assert figures[column].ne("").all(), column
    on_axis = figures["period_kind"].isin(["calendar", "fiscal_pk", "iranian", "calendar_partial", "span"])
    assert figures.loc[on_axis, "period_year"].notna().all()
    assert figures.loc[~on_axis, "period_year"].isna().all()


def test_every_year_label_in_the_data_parses(figures: pd.DataFrame) -> None:
    for label in figures["year"].unique():
        assert periods.parse_period(label).kind == figures.loc[figures["year"].eq(label), "period_kind"].iloc[0]
    assert set(figures["period_kind"]) == set(periods.PERIOD_KINDS)


def test_meta_records_checksum_rows_and_caveats() -> None:
    record = json.loads(paths.CONTEXT_META.read_text(encoding="utf-8"))
    assert record["sha256"] == context.sha256_of(paths.CONTEXT)
    assert record["rows"] == 105
    assert record["origin"] == "shared/reference/context_figures.csv of the project's shared material"
    assert any("fiscal-year" in caveat for caveat in record["caveats"])
    for key in ("producer", "title", "description", "date_copied", "licence"):
        assert record[key]


def test_edited_value_fails_the_checksum_with_hashes_and_fix(tmp_path: Path) -> None:
    data, meta = _copy(tmp_path)
    expected = context.sha256_of(data)
    text = data.read_bytes().replace(b"196709621849.58618", b"196709621849.58619", 1)
    data.write_bytes(text)
    with pytest.raises(ContextDataError) as info:
        context.load_context(data, meta)
    message = str(info.value)
    assert "context_figures.csv" in message
    assert expected in message and context.sha256_of(data) in message
    assert f"if you edited the data on purpose, update sha256 in {meta}" in message
    assert [p.code for p in info.value.problems] == ["checksum-mismatch"]


def test_missing_meta_is_refused_with_the_fix(tmp_path: Path) -> None:
    data, meta = _copy(tmp_path)
    meta.unlink()
    with pytest.raises(ContextDataError) as info:
        context.load_context(data, meta)
    message = str(info.value)
    assert "missing" in message and "refused" in message
    assert "sha256" in message and "Fix:" in message


def test_meta_that_is_not_json_is_refused(tmp_path: Path) -> None:
    data, meta = _copy(tmp_path)
    meta.write_text("{not json", encoding="utf-8")
    with pytest.raises(ContextDataError, match="not valid JSON"):
        context.load_context(data, meta)


def test_validation_lists_every_problem_with_row_column_and_fix(tmp_path: Path) -> None:
    data, meta = _copy(tmp_path)
    with open(paths.CONTEXT, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    header = [c for c in context.CONTEXT_COLUMNS if c != "unit"]  # a missing column
    body = [[row[c] for c in header] for row in rows[:6]]
    body[1][0] = body[0][0]                              # duplicate id (row 3)
    body[2][header.index("value")] = "2.6 trillion"      # non-numeric value (row 4)
    body[3][header.index("confidence")] = "very high"     # unknown confidence (row 5)
    body[4][header.index("year")] = "FY2024-26"           # unparseable period (row 6)
    body[5][header.index("source_url")] = ""              # empty source_url (row 7)
    _write_csv(data, header, body)
    _reseal(data, meta)
    with pytest.raises(ContextDataError) as info:
        context.load_context(data, meta)
    found = {(p.code, p.row, p.field) for p in info.value.problems}
    assert found == {("missing-column", 1, "unit"), ("duplicate-id", 3, "id"), ("not-a-number", 4, "value"),
                     ("bad-confidence", 5, "confidence"), ("bad-period", 6, "year"),
                     ("empty-source-url", 7, "source_url")}
    assert all(p.fix for p in info.value.problems)
    assert "'2.6 trillion'" in str(info.value)


# --- series ----------------------------------------------------------------------------------------

def test_series_is_indexed_by_year_with_ids_per_point(figures: pd.DataFrame) -> None:
    gdp = context.series(figures, "GDP, current US$", "Pakistan")
    assert list(gdp.index) == list(range(2010, 2024))
    assert gdp.attrs["context_ids"] == [f"F{n:03d}" for n in range(1, 15)]
    assert gdp.attrs["mixed_periods"] is False
    assert gdp[2023] == pytest.approx(338368455317.8758)


def test_series_refuses_to_mix_calendar_and_fiscal(figures: pd.DataFrame) -> None:
    both = ["GDP, current US$", "Nominal GDP, fiscal year"]
    with pytest.raises(SeriesError) as info:
        context.series(figures, both, "Pakistan", period_kind=None)
    assert "calendar" in str(info.value) and "fiscal_pk" in str(info.value) and "allow_mixed" in str(info.value)
    with pytest.raises(SeriesError, match="mixes period kinds"):
        context.series(figures, both, "Pakistan", period_kind=["calendar", "fiscal_pk"])
    mixed = context.series(figures, both, "Pakistan", period_kind=None, allow_mixed=True)
    assert mixed.attrs["mixed_periods"] is True
    assert "mixes period kinds" in mixed.attrs["note"]
    assert mixed.attrs["context_ids"][-2:] == ["F015", "F016"]
    assert list(mixed.index[-3:]) == [2023, 2024, 2025]


def test_series_of_the_wrong_kind_says_which_kinds_exist(figures: pd.DataFrame) -> None:
    with pytest.raises(SeriesError, match="fiscal_pk"):
        context.series(figures, "Exports to China (SBP)", "Pakistan", "China")  # default calendar
    fiscal = context.series(figures, "Exports to China (SBP)", "Pakistan", "China", period_kind="fiscal_pk")
    assert list(fiscal.index) == [2023, 2024, 2025]
    assert "fiscal years" in fiscal.attrs["note"]


def test_series_leaves_out_targets_and_lists_them(figures: pd.DataFrame) -> None:
    trade = context.series(figures, "Bilateral trade", "Iran", "Pakistan")
    assert trade.attrs["context_ids"] == ["F079"]
    assert trade.attrs["excluded_ids"] == ["F085"]  # the target row, same indicator prefix
    with pytest.raises(SeriesError, match="not a series kind"):
        context.series(figures, "Bilateral trade", "Iran", "Pakistan", period_kind="target")


def test_series_refuses_two_figures_for_one_year(figures: pd.DataFrame) -> None:
    with pytest.raises(SeriesError, match="more than one figure per year"):
        context.series(figures, ["GDP, current US$", "Merchandise exports"], "Pakistan")


def test_series_unknown_indicator_lists_known_ones(figures: pd.DataFrame) -> None:
    with pytest.raises(SeriesError) as info:
        context.series(figures, "Remittances", "Pakistan")
    assert "GDP, current US$ (NY.GDP.MKTP.CD)" in str(info.value)


def test_historical_growth_of_a_context_series(figures: pd.DataFrame) -> None:
    trade = context.series(figures, "Bilateral trade turnover (Uzbek ambassador)", "Pakistan", "Uzbekistan")
    assert econ.historical_cagr(trade, 2014, 2024) == pytest.approx((404 / 36) ** 0.1 - 1)


def test_claim_series_maps_the_register_claims(mapping: pd.DataFrame) -> None:
    assert set(mapping["relation"]) <= set(context.RELATIONS)

    def ids(claim: str, relation: str) -> list[list[str]]:
        rows = mapping.loc[mapping["claim_id"].eq(claim) & mapping["relation"].eq(relation)]
        return rows["context_ids"].tolist()

    assert ids("pk-cn-exports-2035-target", "baseline_history") == [["F060", "F061", "F062"]]
    assert ids("pk-cn-exports", "same_measure") == [["F060", "F061", "F062"]]
    assert ids("cn-imports-annual", "same_measure") == [["F064", "F065", "F066"]]
    assert ids("pk-mineral-exports", "same_measure") == [["F089"]]
    assert [ids("pk-economy-2035-target", "baseline_history")[0][i] for i in (0, -1)] == ["F001", "F014"]
    assert ["F015", "F016"] in ids("pk-economy-2035-target", "baseline_history")
    uzbek = ids("pk-uz-trade-target", "baseline_history")[0]
    assert "F072" not in uzbek and {"F067", "F075"} <= set(uzbek)
    assert ["F086"] in ids("uz-pharma-imports", "same_measure") and ["F088"] in ids("uz-pharma-imports",
                                                                                     "same_measure")
    for claim in ("pk-land-lease-offer-acres", "forum-cn-companies", "forum-participants"):
        assert ids(claim, "no_context") == [[]]


def test_assumed_horizons(mapping: pd.DataFrame, figures: pd.DataFrame) -> None:
    iran = mapping.loc[mapping["claim_id"].eq("pk-ir-trade-target")]
    assert set(iran["assumed_horizon_year"]) == {2029}
    assert iran["horizon_source"].str.contains("F084").all()
    excerpt = figures.set_index("id").loc["F084", "excerpt"]
    assert "five-year" in excerpt  # the source of the assumption says so
    uzbek = mapping.loc[mapping["claim_id"].eq("pk-uz-trade-target")]
    assert uzbek["assumed_horizon_year"].isna().all()


def test_series_for_uses_the_mapping_key(figures: pd.DataFrame, mapping: pd.DataFrame) -> None:
    exports = context.series_for(figures, "pk_cn_exports_sbp_fy", mapping)
    assert exports.attrs["context_ids"] == ["F060", "F061", "F062"]
    assert exports.attrs["series"] == "pk_cn_exports_sbp_fy"
    every_key = [k for k, kind in zip(mapping["series"], mapping["period_kind"], strict=True)
                 if k and kind in context.SERIES_KINDS]
    for key in every_key:
        assert len(context.series_for(figures, key, mapping)) >= 1
    with pytest.raises(SeriesError, match="not in claim_series"):
        context.series_for(figures, "no_such_key", mapping)


def test_claim_series_validation_lists_every_problem(tmp_path: Path, figures: pd.DataFrame) -> None:
    path = tmp_path / "claim_series.csv"
    good = ["a-claim", "k1", "Mineral exports (total)", "Pakistan", "World", "calendar", "same_measure", "", "", ""]
    _write_csv(path, context.CLAIM_SERIES_COLUMNS, [
        good,
        ["b-claim", "k2", "Mineral exports (total)", "Pakistan", "World", "calendar", "related", "", "", ""],
        ["c-claim", "k3", "Mineral imports", "Pakistan", "World", "calendar", "benchmark", "", "", ""],
        ["d-claim", "k1", "GDP, current US$ (NY.GDP.MKTP.CD)", "Pakistan", "", "calendar", "benchmark", "", "",
         ""],
        ["e-claim", "k4", "Mineral exports (total)", "Pakistan", "World", "fiscal_pk", "benchmark", "", "", ""],
        ["f-claim", "", "", "", "", "", "no_context", "2030", "", ""],
    ])
    with pytest.raises(ContextDataError) as info:
        context.load_claim_series(path, context=figures)
    found = {(p.code, p.row) for p in info.value.problems}
    assert found == {("bad-relation", 3), ("unknown-indicator", 4), ("inconsistent-series", 5),
                     ("empty-selection", 6), ("horizon-without-source", 7)}


# --- benchmarks ------------------------------------------------------------------------------------

def test_benchmark_growth_hand_checked(figures: pd.DataFrame) -> None:
    table = context.benchmark_growth(figures).set_index("name")
    china = table.loc["China 2001-2011"]
    assert china["cagr"] == pytest.approx((1898381 / 266098) ** (1 / 10) - 1)
    assert china["cagr"] == pytest.approx(0.217, abs=5e-4)
    assert china["context_ids"] == ["F044", "F045"]
    assert table.loc["Viet Nam 2010-2020", "cagr"] == pytest.approx((282629 / 72237) ** 0.1 - 1)
    assert table.loc["Viet Nam 2010-2020", "context_ids"] == ["F048", "F050"]
    assert table.loc["Pakistan 2014-2024", "cagr"] == pytest.approx((32321 / 24731) ** 0.1 - 1)
    assert table.loc["Pakistan 2014-2024", "context_ids"] == ["F033", "F043"]


def test_computed_china_growth_agrees_with_the_published_average(figures: pd.DataFrame) -> None:
    table = context.benchmark_growth(figures).set_index("name")
    published = figures.set_index("id").loc["F103", "value"] / 100  # 18% a year, 2001-2014
    assert table.loc["China 2001-2014", "cagr"] == pytest.approx(published, abs=0.01)


def test_benchmark_problems_are_listed_together(tmp_path: Path, figures: pd.DataFrame) -> None:
    path = tmp_path / "benchmarks.csv"
    indicator = "Merchandise exports, current US$ (TX.VAL.MRCH.CD.WT)"
    _write_csv(path, context.BENCHMARK_COLUMNS, [
        ["China 2001-2012", "merchandise_exports_usd", indicator, "China", "2001", "2012", ""],
        ["Mars", "merchandise_exports_usd", indicator, "Mars", "2001", "2011", ""],
        ["Backwards", "merchandise_exports_usd", indicator, "China", "2011", "2001", ""],
        ["No measure", "", indicator, "China", "2001", "2011", ""],
    ])
    with pytest.raises(ContextDataError) as info:
        context.benchmark_growth(figures, path)
    assert {(p.code, p.row) for p in info.value.problems} == {("missing-year", 2), ("no-series", 3),
                                                              ("bad-years", 4), ("bad-measure", 5)}
