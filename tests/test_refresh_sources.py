"""Each source's client against recorded exchanges in the service's own format (no socket is opened)."""

from __future__ import annotations

import pytest
from replay import PLAN, file_hashes, no_sockets, replay, snapshot_copy
from vcr.errors import CannotOverwriteExistingCassetteException

from helpers import snapshots
from helpers.refresh import comtrade, net
from helpers.refresh import runner as refresh
from helpers.refresh.plan import load_plan


@pytest.fixture(autouse=True)
def quiet_and_offline(monkeypatch):
    monkeypatch.setattr(net, "BACKOFF", 0.0)
    monkeypatch.setattr(comtrade, "PAUSE", 0.0)
    monkeypatch.delenv("PAKCLAIMS_TEST_COMTRADE_KEY", raising=False)
    with no_sockets():
        yield


def run(folder, *sources):
    lines = []
    code = refresh.run(list(sources), folder=folder, plan_path=PLAN, echo=lines.append)
    return code, "\n".join(lines)


def test_wdi_replay_replaces_seeds_and_logs_revisions(tmp_path):
    folder = snapshot_copy(tmp_path)
    before = snapshots.series("wdi", "NY.GDP.MKTP.CD", "PAK", folder=folder)
    start = "2000-01-01T00:00:00"
    seeded_revisions = len(snapshots.revisions_since(start, folder))
    with replay("wdi"):
        code, out = run(folder, "wdi")
    assert code == refresh.EXIT_OK, out
    gdp = snapshots.series("wdi", "NY.GDP.MKTP.CD", "PAK", folder=folder)
    assert list(gdp.index) == [2021, 2022, 2023, 2024, 2025]
    assert gdp.attrs["vintage"] == "WDI 2026-10-15" and gdp.attrs["origin"] == "live"
    assert gdp.attrs["address"].startswith("https://api.worldbank.org/v2/en/sources/2/series/NY.GDP.MKTP.CD/")
    assert gdp.attrs["row_ids"][2024] == "wdi/NY.GDP.MKTP.CD/PAK/2024@2026-10-15"
    assert gdp[2024] == pytest.approx(before[2024] * 1.004)
    assert gdp[2023] == pytest.approx(before[2023])
    # Years the plan did not ask for leave the current vintage but stay readable under their own vintage.
    older = snapshots.series("wdi", "NY.GDP.MKTP.CD", "PAK", vintage="2026-07-01", folder=folder)
    assert older.index.min() == 2000 and older.attrs["origin"] == "seed"
    revisions = snapshots.revisions_since(start, folder).iloc[seeded_revisions:]
    revised = revisions[revisions["change"].eq("revised")].iloc[0]
    assert (revised["series_code"], revised["geo"], revised["period"]) == ("NY.GDP.MKTP.CD", "PAK", "2024")
    assert revised["old_value"] == pytest.approx(before[2024])
    assert revised["new_value"] == pytest.approx(before[2024] * 1.004)
    assert (revised["old_vintage"], revised["new_vintage"]) == ("WDI, public copy of 2026-07-01", "WDI 2026-10-15")
    withdrawn = revisions[revisions["change"].eq("withdrawn")]
    assert list(zip(withdrawn["series_code"], withdrawn["geo"], withdrawn["period"], strict=True)) == [
        ("TX.VAL.MRCH.CD.WT", "CHN", "2025")]
    assert snapshots.provenance("wdi", folder)["status"] == "live and seeded"
    through = snapshots.available_through("wdi", folder)
    assert through.set_index(["series_code", "geo"]).loc[("TX.VAL.MRCH.CD.WT", "CHN"), "last_period"] == "2024"


def test_imf_replay_gives_both_sides_of_each_pair_and_archives_the_superseded_weo(tmp_path):
    folder = snapshot_copy(tmp_path)
    with replay("imf") as cassette:
        code, out = run(folder, "imf")
    assert code == refresh.EXIT_OK, out
    assert cassette.play_count == 4  # the 429 with Retry-After was answered by a retry
    exports = snapshots.series("imf", "XG_FOB_USD", "PAK", "CHN", folder=folder)
    assert exports.attrs["dataset"] == "IMTS" and exports.attrs["vintage"] == "IMTS as of 2026-11-20"
    assert exports.attrs["address"] == ("https://api.imf.org/external/sdmx/2.1/data/IMF.STA,IMTS/"
                                        "PAK.XG_FOB_USD+MG_CIF_USD.CHN.A?startPeriod=2021&endPeriod=2025")
    table = snapshots.bilateral("imf", "PAK", "CHN", folder=folder)
    assert list(table.columns) == ["exports", "imports", "partner_imports", "partner_exports"]
    assert table.loc["2021"].tolist() == pytest.approx([2101.5e6, 15100.0e6, 3100.5e6, 20100.0e6])
    weo = snapshots.series("imf", "NGDPD", "PAK", folder=folder)
    assert weo[2025] == pytest.approx(410e9) and weo.attrs["vintage"] == "WEO as of 2026-11-20"
    editions = snapshots.vintages("imf", "NGDPD", "PAK", folder=folder).set_index("vintage")
    assert editions.loc["WEO 2025-10", "role"] == "archive"
    assert snapshots.series("imf", "NGDPD", "PAK", vintage="WEO 2025-10", folder=folder)[2025] == pytest.approx(
        410.495e9)
    growth = snapshots.series("imf", "NGDP_RPCH", "PAK", folder=folder)
    assert growth.attrs["unit"] == "percent" and growth[2023] == pytest.approx(-0.2)


def test_comtrade_preview_replay_waits_out_the_rate_limit_and_keeps_mirror_figures(tmp_path):
    folder = snapshot_copy(tmp_path)
    with replay("comtrade") as cassette:
        code, out = run(folder, "comtrade")
    assert code == refresh.EXIT_OK, out
    assert cassette.play_count == 3
    table = snapshots.bilateral("comtrade", "PAK", "CHN", folder=folder)
    assert table.loc["2021", "exports"] == 2.39e9 and table.loc["2021", "partner_imports"] == 3.58e9
    assert list(table.index) == ["2021", "2022", "2023", "2024"]
    series = snapshots.series("comtrade", "TOTAL.M", "CHN", "PAK", folder=folder)
    assert series.attrs["address"].startswith("https://comtradeapi.un.org/public/v1/preview/C/A/HS?")
    assert "FOB" in snapshots.series("comtrade", "TOTAL.X", "PAK", "CHN", folder=folder).attrs["notes"]


def test_comtrade_key_selects_the_data_api_and_is_never_stored(tmp_path, monkeypatch):
    folder = snapshot_copy(tmp_path)
    monkeypatch.setenv("PAKCLAIMS_TEST_COMTRADE_KEY", "test-key-not-real")
    with replay("comtrade_keyed"):
        code, out = run(folder, "comtrade")
    assert code == refresh.EXIT_OK, out
    text = "".join(p.read_text(encoding="utf-8") for p in folder.glob("comtrade*"))
    assert "comtradeapi.un.org/data/v1/get" in text and "test-key-not-real" not in text


def test_an_unexpected_format_keeps_the_snapshot_byte_for_byte(tmp_path):
    folder = snapshot_copy(tmp_path)
    before = file_hashes(folder)
    with replay("wdi_html"):
        code, out = run(folder, "wdi")
    assert code == refresh.EXIT_KEPT
    assert "wdi: kept: last good snapshot kept (unexpected answer)" in out and "JSON" in out
    assert file_hashes(folder) == before


def test_a_request_the_cassette_does_not_hold_fails_the_test(tmp_path):
    folder = snapshot_copy(tmp_path)
    with pytest.raises(CannotOverwriteExistingCassetteException), replay("wdi_html"):
        run(folder, "imf")


def test_the_test_plan_is_a_valid_plan():
    plan = load_plan(PLAN)
    assert plan["imf"].datasets["IMTS"].pairs == {"PAK": ("CHN",), "CHN": ("PAK",)}
