"""``--warm``: kernels warmed up ahead of the notebooks, each notebook still in a fresh kernel process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from batchkit import BEHAVE, FIXTURES, Project

from helpers.batch.warm import WarmPool

pytestmark = pytest.mark.slow


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


def test_each_notebook_runs_in_its_own_warm_kernel(project: Project) -> None:
    project.write_plan(f"""
        runs:
          - {{name: a, notebook: {BEHAVE}, parameters: {{value: 1}}}}
          - {{name: b, notebook: {BEHAVE}, parameters: {{value: 2}}}}
          - {{name: c, notebook: {BEHAVE}, parameters: {{value: 3}}}}
          - {{name: raises, notebook: {BEHAVE}, parameters: {{mode: raise}}}}
    """)
    pool = WarmPool(size=2, cwd=FIXTURES)
    summary, out, err = project.run(engine=pool, workers=2)
    status = {r.name: r.status for r in summary.results}
    assert status == {"a": "ok", "b": "ok", "c": "ok", "raises": "failed"}, out + err
    pids = {n: (project.reports / "runs" / n / "started.txt").read_text() for n in ("a", "b", "c")}
    assert len(set(pids.values())) == 3  # a fresh kernel process per notebook
    for name, value in (("a", 1.0), ("b", 2.0), ("c", 3.0)):
        figures = json.loads((project.reports / "runs" / name / "key_figures.json").read_text())
        assert figures["figures"][0]["value"] == value
    executed = json.loads((project.reports / "runs" / "a" / "executed.ipynb").read_text())
    code = [c for c in executed["cells"] if c["cell_type"] == "code"]
    assert code[0]["execution_count"] == 1  # the warm-up left no trace in the notebook
    assert any("running in notebooks" in "".join(o.get("text", "")) for c in code for o in c.get("outputs", []))
    assert pool.waiting == [] and pool.folder is None  # the kernels left waiting were shut down
