"""The read API over the shipped snapshots: series with codes, vintages and row ids; revisions; coverage."""

from __future__ import annotations

import pandas as pd
import pytest
from replay import snapshot_copy

from helpers import paths, snapshots
from helpers.errors import SnapshotError


def reference_value(series_code: str, geo: str, period: str, copy_marker: str) -> float:
    """The full-precision value of a reference row, read from its excerpt (the public copy's own text)."""
    frame = pd.read_csv(paths.SNAPSHOTS / "seed" / "reference_series.csv", dtype=str, keep_default_na=False)
    row = frame[frame["series_code"].eq(series_code) & frame["geo"].eq(geo) & frame["period"].eq(period)
                & frame["retrieved_from"].str.contains(copy_marker, regex=False)]
    return float(row["excerpt"].item().rsplit(",", 1)[1])


def test_gdp_series_carries_code_vintage_address_and_a_row_id_per_point():
    gdp = snapshots.series("wdi", "NY.GDP.MKTP.CD", "PAK")
    assert gdp.name == "NY.GDP.MKTP.CD" and gdp.index.name == "period"
    assert gdp[2024] == reference_value("NY.GDP.MKTP.CD", "PAK", "2024", "world-development-indicators")
    attrs = gdp.attrs
    assert (attrs["source"], attrs["series_code"], attrs["vintage_date"], attrs["origin"]) == (
        "wdi", "NY.GDP.MKTP.CD", "2026-07-01", "seed")
    assert attrs["address"] == "https://api.worldbank.org/v2/en/indicator/NY.GDP.MKTP.CD?downloadformat=csv"
    assert "4ebec5a2273f531ba238a34dbe440394dc5a6c4b" in attrs["copy"] and attrs["confidence"] == "high"
    assert attrs["available_through"] == "2025"
    row = snapshots.cite(attrs["row_ids"][2024])
    assert row["value"] == gdp[2024] and row["publisher"] == "World Bank (WDI)"
    assert "FY(t-1)-t" in row["notes"]


def test_exports_and_merchandise_trade_are_available_for_the_benchmarks():
    exports = snapshots.series("wdi", "NE.EXP.GNFS.CD", "PAK")
    assert exports.attrs["vintage_date"] == "2024-12-20" and list(exports.index)[-1] == 2023
    assert exports[2003] == reference_value("NE.EXP.GNFS.CD", "PAK", "2003", "open-numbers")
    for geo in ("PAK", "CHN", "IND", "BGD", "VNM", "IDN", "TUR", "ETH", "KOR", "EGY"):
        assert snapshots.series("wdi", "TX.VAL.MRCH.CD.WT", geo).attrs["available_through"] == "2025"
        assert snapshots.series("wdi", "NY.GDP.MKTP.CD", geo).index.min() <= 2000


def test_vintages_are_never_mixed_and_older_ones_are_read_by_name():
    held = snapshots.vintages("wdi", "NY.GDP.MKTP.CD", "PAK")
    assert list(held["vintage_date"]) == ["2026-07-01", "2024-09-19"]
    older = snapshots.series("wdi", "NY.GDP.MKTP.CD", "PAK", vintage="2024-09-19")
    assert older.attrs["vintage"] == "WDI, public copy of 2024-09-19" and list(older.index)[-1] == 2023
    assert older[2023] != snapshots.series("wdi", "NY.GDP.MKTP.CD", "PAK")[2023]
    with pytest.raises(SnapshotError, match="no vintage '1999'.*2024-09-19"):
        snapshots.series("wdi", "NY.GDP.MKTP.CD", "PAK", vintage="1999")
    weo = snapshots.series("imf", "NGDPD", "PAK", vintage="WEO 2023-10")
    assert list(weo.index) == [2023] and "not a projection" in weo.attrs["notes"]


def test_unknown_series_says_what_the_snapshot_holds():
    with pytest.raises(SnapshotError, match="no snapshot rows for wdi NY.GDP.MKTP.KD PAK.*NY.GDP.MKTP.CD"):
        snapshots.series("wdi", "NY.GDP.MKTP.KD", "PAK")
    with pytest.raises(SnapshotError, match="unknown snapshot source 'oecd'"):
        snapshots.provenance("oecd")


def test_available_through_lists_the_last_period_of_every_current_series():
    through = snapshots.available_through().set_index(["source", "series_code", "geo"])
    assert through.loc[("wdi", "NY.GDP.MKTP.CD", "PAK"), "last_period"] == "2025"
    assert through.loc[("wdi", "NE.EXP.GNFS.CD", "PAK"), "last_period"] == "2023"
    assert through.loc[("wdi", "BX.KLT.DINV.CD.WD", "PAK"), "last_period"] == "2024"
    assert through.loc[("imf", "NGDPD", "PAK"), "vintage"] == "WEO 2025-10"
    meta = snapshots.provenance("wdi")
    assert {"series_code": "NY.GDP.MKTP.CD", "geo": "PAK", "last_period": "2025"}.items() <= next(
        c for c in meta["coverage"] if c["series_code"] == "NY.GDP.MKTP.CD" and c["geo"] == "PAK").items()


def test_revisions_since_returns_the_changes_recorded_after_a_time():
    seeded = snapshots.revisions_since("2026-01-01")
    assert list(seeded["period"]) == ["2022", "2023"] and set(seeded["change"]) == {"revised"}
    row = seeded.iloc[1]
    assert row["old_value"] == reference_value("NY.GDP.MKTP.CD", "PAK", "2023", "datasets/gdp")
    assert row["new_value"] == reference_value("NY.GDP.MKTP.CD", "PAK", "2023", "world-development-indicators")
    assert (row["old_vintage"], row["new_vintage"]) == ("WDI, public copy of 2024-09-19",
                                                        "WDI, public copy of 2026-07-01")
    assert snapshots.revisions_since("2026-07-02").empty
    assert len(snapshots.revisions_since(None)) == 2


def test_a_snapshot_edited_by_hand_is_refused(tmp_path):
    folder = snapshot_copy(tmp_path)
    (folder / "imf.csv").write_text((folder / "imf.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with pytest.raises(SnapshotError, match="does not match the sha256.*restore it from git"):
        snapshots.series("imf", "NGDPD", "PAK", folder=folder)


def test_bilateral_of_an_empty_snapshot_is_an_empty_table():
    table = snapshots.bilateral("comtrade", "PAK", "CHN")
    assert table.empty and list(table.columns) == ["exports", "imports", "partner_imports", "partner_exports"]
