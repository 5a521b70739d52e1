"""``--executor dask``: notebooks run on dask.distributed workers (a LocalCluster here), publishing on the client."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from batchkit import BEHAVE, FIGURES, Project

from helpers.batch.dask_engine import DaskEngine

pytestmark = pytest.mark.slow


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


def test_notebooks_run_on_a_local_cluster_and_publish_on_the_client(project: Project) -> None:
    data_file = project.data / "claims.csv"
    project.write_plan(f"""
        runs:
          - {{name: fig, notebook: {FIGURES}, parameters: {{data_file: {data_file}}}}}
          - {{name: good, notebook: {BEHAVE}, parameters: {{value: 2}}}}
          - {{name: raises, notebook: {BEHAVE}, parameters: {{mode: raise}}}}
    """)
    engine = DaskEngine(workers=1)
    summary, out, err = project.run(engine=engine, workers=1)
    status = {r.name: r for r in summary.results}
    assert summary.exit_code == 1, out + err
    assert status["fig"].status == "ok" and status["good"].status == "ok"
    assert status["raises"].status == "failed" and "ValueError" in status["raises"].error
    manifest = project.manifest()
    assert {f["name"]: f["value"] for f in manifest["runs"]["fig"]["key_figures"]}["total"] == 35.0
    assert (project.reports / "runs" / "fig" / "rows.csv").is_file()
    assert (project.reports / "runs" / "fig" / "report.html").is_file()
    assert (project.reports / "failed" / "raises" / "report.html").is_file()
    assert engine.client is None and engine.cluster is None  # the batch let its LocalCluster go

    again, _, _ = project.run(engine=DaskEngine(workers=1), workers=1)
    assert {r.name: r.status for r in again.results}["fig"] == "skipped"


def test_the_batch_joins_an_existing_cluster(project: Project) -> None:
    from distributed import LocalCluster

    project.write_plan(f"runs:\n  - {{name: good, notebook: {BEHAVE}, parameters: {{value: 3}}}}\n")
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        code, out, err = project.cli("--executor", "dask", "--scheduler", cluster.scheduler_address,
                                     "--workers", "1")
    assert code == 0, out + err
    figures = json.loads((project.reports / "runs" / "good" / "key_figures.json").read_text())
    assert figures["figures"][0]["value"] == 3.0


def test_scheduler_without_the_dask_executor_is_refused(project: Project) -> None:
    project.write_plan(f"runs:\n  - {{name: good, notebook: {BEHAVE}}}\n")
    code, _, err = project.cli("--scheduler", "tcp://127.0.0.1:8786")
    assert code == 2 and "--executor dask" in err
    assert not (project.reports / "runs").exists()


def test_workers_fork_kernels_from_a_server_of_the_batch_and_stop_it_at_the_end(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    from helpers.batch import dask_engine, forked

    if not forked.supported():
        pytest.skip("forked kernels need Linux (fork, pidfd)")
    engines = []
    real = dask_engine._fork_engine

    def tracked(batch: str):
        engine = real(batch)
        engines.append(engine)
        return engine

    monkeypatch.setattr(dask_engine, "_fork_engine", tracked)
    project.write_plan(f"""
        runs:
          - {{name: one, notebook: {BEHAVE}, parameters: {{value: 1}}}}
          - {{name: two, notebook: {BEHAVE}, parameters: {{value: 2}}}}
    """)
    engine = DaskEngine(workers=1)
    summary, out, err = project.run(engine=engine, workers=1)
    assert summary.exit_code == 0, out + err
    assert len(engines) == 2 and engines[0] is engines[1]  # one server for the batch on this worker
    assert (engines[0].forked, engines[0].cold) == (2, 0)
    assert engines[0].server.process is None
    assert engines[0].server.process is None and dask_engine._FORK_ENGINES == {}  # stopped with the batch

    engines.clear()
    cold = DaskEngine(workers=1, kernels="cold")
    assert project.run(engine=cold, workers=1, force=True)[0].exit_code == 0
    assert engines == [None, None]  # cold kernels: no server
