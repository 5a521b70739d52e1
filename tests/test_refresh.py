"""The refresh command: offline it keeps every file and says why; exit codes; retries; the plan; the seeds."""

from __future__ import annotations

import pandas as pd
import pytest
from replay import file_hashes, no_dns, no_sockets, snapshot_copy

from helpers import paths, snapshots
from helpers.errors import ProjectError, SourceUnavailable, Transient
from helpers.refresh import comtrade, net, seed
from helpers.refresh import runner as refresh
from helpers.refresh.__main__ import main
from helpers.refresh.plan import load_plan


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """No DNS and no sockets: what the build machine and CI look like to the refresh."""
    monkeypatch.setattr(net, "BACKOFF", 0.0)
    monkeypatch.setattr(comtrade, "PAUSE", 0.0)
    with no_sockets(), no_dns():
        yield


def test_without_network_every_file_is_kept_and_each_source_says_why(tmp_path, capsys):
    folder = snapshot_copy(tmp_path)
    before = file_hashes(folder)
    code = main(["--snapshots", str(folder)])
    out = capsys.readouterr().out
    assert code == refresh.EXIT_KEPT == 3
    assert file_hashes(folder) == before
    for source in ("wdi", "imf", "comtrade"):
        assert f"{source}: kept: last good snapshot kept (unreachable)" in out
    assert out.count("the host name does not resolve") == 3
    assert "3 of 3 source(s) kept their last good snapshot" in out


def test_an_invalid_plan_exits_2_naming_the_field(tmp_path, capsys):
    folder = snapshot_copy(tmp_path)
    plan = folder / "sources.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("[PAK, CHN, IRN, UZB, IND", "[PAK, china, IRN, UZB, IND", 1), encoding="utf-8")
    before = file_hashes(folder)
    assert main(["--snapshots", str(folder)]) == refresh.EXIT_INVALID
    err = capsys.readouterr().err
    assert "column 'wdi.economies'" in err and "'china'" in err and "three capital letters" in err
    assert file_hashes(folder) == before


def test_unknown_source_and_bad_option_exit_2(tmp_path, capsys):
    folder = snapshot_copy(tmp_path)
    assert main(["--snapshots", str(folder), "eurostat"]) == refresh.EXIT_INVALID
    assert "eurostat" in capsys.readouterr().err
    assert main(["--no-such-option"]) == refresh.EXIT_INVALID


def test_a_snapshot_changed_by_hand_is_refused(tmp_path, capsys):
    folder = snapshot_copy(tmp_path)
    path = folder / "wdi.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("99484802344.5277", "99484802345.5277"),
                    encoding="utf-8")
    assert main(["--snapshots", str(folder), "wdi"]) == refresh.EXIT_INVALID
    assert "does not match the sha256" in capsys.readouterr().err


def test_an_interrupted_refresh_exits_130_and_writes_nothing(tmp_path, monkeypatch):
    folder = snapshot_copy(tmp_path)
    before = file_hashes(folder)

    def interrupted(plan):
        raise KeyboardInterrupt

    monkeypatch.setattr(refresh, "fetchers", lambda: {"wdi": interrupted, "imf": interrupted,
                                                       "comtrade": interrupted})
    assert main(["--snapshots", str(folder)]) == refresh.EXIT_INTERRUPTED
    assert file_hashes(folder) == before


def test_status_reads_the_snapshots_offline(capsys):
    assert main(["--status"]) == refresh.EXIT_OK
    out = capsys.readouterr().out
    assert "wdi: seeded" in out and "comtrade: empty, 0 rows" in out and "NY.GDP.MKTP.CD" in out


def test_retrying_waits_what_the_service_asks_else_backs_off():
    waits = []
    answers = iter([Transient("rate limited", wait=7), Transient("HTTP 503"), "ok"])

    def call():
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert net.retrying(call, what="test", base=2.0, sleep=waits.append) == "ok"
    assert waits == [7, 4.0]
    with pytest.raises(SourceUnavailable, match="gave up after 2 attempts"):
        net.retrying(lambda: (_ for _ in ()).throw(Transient("HTTP 429")), what="test", attempts=2,
                     sleep=waits.append)


def test_a_transient_failure_is_a_project_error_and_one_that_escapes_keeps_the_snapshot(tmp_path):
    """Transient lives in the one hierarchy: a source unavailable (exit 3) when no retry absorbs it."""
    assert issubclass(Transient, SourceUnavailable) and issubclass(Transient, ProjectError)
    assert Transient("HTTP 503").exit_code == 3 and Transient("rate limited", wait=5).wait == 5
    folder = snapshot_copy(tmp_path)
    before = file_hashes(folder)

    def rate_limited(plan):
        raise Transient("rate limited", wait=30)

    outcome = refresh.refresh_source("wdi", load_plan()["wdi"], folder, fetch=rate_limited)
    assert outcome.status == "kept" and "rate limited" in outcome.message
    assert file_hashes(folder) == before


def test_session_retries_rate_limits_honouring_retry_after():
    policy = net.session().get_adapter("https://api.imf.org").max_retries
    assert policy.respect_retry_after_header and 429 in policy.status_forcelist and policy.connect == 0


@pytest.mark.parametrize(("printed", "kind", "wait"), [
    ('{ "statusCode": 429, "message": "Rate limit is exceeded. Try again in 23 seconds." }', Transient, 23),
    ('{ "statusCode": 401, "message": "Access denied due to invalid subscription key." }', SourceUnavailable, None),
    ('{ "statusCode": 403, "message": "Out of call volume quota." }', SourceUnavailable, None),
    ("Request error: HTTPSConnectionPool(host='comtradeapi.un.org', port=443): Max retries exceeded "
     "(Caused by NameResolutionError(...))", SourceUnavailable, None),
])
def test_comtrade_messages_are_sorted_into_retry_keep_or_refused(printed, kind, wait):
    error = comtrade.classify(printed, "UN Comtrade PAK")
    assert isinstance(error, kind)
    if wait is not None:
        assert error.wait == wait
    if "401" in printed:
        assert "subscription key" in str(error)


def test_the_shipped_plan_asks_for_what_the_analyses_need():
    plan = load_plan()
    assert set(plan["wdi"].indicators) == {"NY.GDP.MKTP.CD", "NE.EXP.GNFS.CD", "NE.IMP.GNFS.CD",
                                           "TX.VAL.MRCH.CD.WT", "TM.VAL.MRCH.CD.WT", "BX.KLT.DINV.CD.WD"}
    assert {"PAK", "CHN", "IRN", "UZB", "IND", "BGD", "VNM", "IDN", "TUR", "ETH", "KOR", "EGY"} == set(
        plan["wdi"].economies)
    assert set(plan["imf"].datasets) == {"IMTS", "WEO"}
    assert set(plan["imf"].datasets["WEO"].indicators) == {"NGDPD", "NGDP", "NGDP_RPCH"}
    assert plan["comtrade"].pairs["PAK"] == ("CHN", "IRN", "UZB")
    assert all(plan["comtrade"].pairs[p] == ("PAK",) for p in ("CHN", "IRN", "UZB"))


def test_committed_seeds_are_exactly_what_the_reference_copy_gives():
    built = seed.seed_frames()
    for source in ("wdi", "imf"):
        shipped = snapshots.load(source)
        seeded = shipped[shipped["origin"].eq("seed")]
        expected = built[source].set_index("row_id")["value"]
        assert seeded.set_index("row_id")["value"].sort_index().equals(expected.sort_index())
    assert snapshots.load("comtrade").empty
    assert "no public copy" in snapshots.provenance("comtrade")["seeded_from"]


def test_the_reference_copy_is_byte_identical_to_its_recorded_checksum():
    meta = snapshots.provenance("wdi")
    from helpers.files import sha256_file

    assert sha256_file(paths.SNAPSHOTS / meta["reference_copy"]["path"]) == meta["reference_copy"]["sha256"]
    assert len(pd.read_csv(paths.SNAPSHOTS / "seed" / "reference_series.csv")) == 773


def test_scheduling_docs_use_the_documented_exit_codes():
    import ast

    dag = (paths.ROOT / "docs" / "airflow_dag.py").read_text(encoding="utf-8")
    ast.parse(dag)
    assert f"skip_on_exit_code={refresh.EXIT_KEPT}" in dag and "-m helpers.batch" in dag
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    cron = next(line for line in readme.splitlines() if "-m helpers.refresh;" in line)
    assert "[ $r -eq 3 ]" in cron and "-m helpers.batch" in cron
