"""Sweeps: ``foreach: {grid: ...}`` expands to one run per combination, and one table compares their results."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import nbformat
import pytest
from batchkit import BEHAVE, Project

from helpers.batch.outcome import ExecOutcome, ExecRequest
from helpers.errors import PlanError
from helpers.plan import parse_plan_text

SWEEP = f"""
runs:
  - name: "gap-v{{value}}-{{mode}}"
    notebook: {BEHAVE}
    title: "Value {{value}}, mode {{mode}}"
    foreach: {{grid: {{value: [1.5, 2.5], mode: [ok, slow]}}}}
    parameters: {{value: "{{value}}", mode: "{{mode}}"}}
"""


def test_a_grid_expands_to_every_combination_with_typed_values() -> None:
    runs = parse_plan_text(SWEEP)
    assert [r.name for r in runs] == ["gap-v1.5-ok", "gap-v1.5-slow", "gap-v2.5-ok", "gap-v2.5-slow"]
    assert runs[1].parameters == {"value": 1.5, "mode": "slow"} and runs[1].point == {"value": 1.5, "mode": "slow"}
    assert {r.sweep for r in runs} == {"gap-v"}
    named = parse_plan_text(SWEEP.replace("    parameters:", "    sweep: value_by_mode\n    parameters:"))
    assert {r.sweep for r in named} == {"value_by_mode"}


@pytest.mark.parametrize("foreach", ["{grid: {value: []}}", "{grid: [1, 2]}", "{grid: {value: [1]}, other: 1}"])
def test_a_malformed_grid_is_refused_with_its_fix(foreach: str) -> None:
    text = f"runs:\n  - {{name: 'g-{{value}}', notebook: {BEHAVE}, foreach: {foreach}}}\n"
    with pytest.raises(PlanError, match="a sweep is written"):
        parse_plan_text(text)


def test_sweep_without_a_grid_is_refused() -> None:
    with pytest.raises(PlanError, match="'sweep' needs"):
        parse_plan_text(f"runs:\n  - {{name: g, notebook: {BEHAVE}, sweep: s}}\n")


async def scaled_engine(request: ExecRequest) -> ExecOutcome:
    """No kernel: the key figure is ten times the run's value (twenty in mode 'slow')."""
    value = float(request.parameters["value"]) * (20 if request.parameters["mode"] == "slow" else 10)
    figures = {"report": "sweep", "figures": [{"name": "result", "label": "Result", "value": value, "unit": "USD",
                                               "claims": [], "context": []}]}
    (request.output_dir / "key_figures.json").write_text(json.dumps(figures))
    nb = nbformat.v4.new_notebook()
    nb.metadata["papermill"] = {}
    return ExecOutcome(nb=nb, ok=True, duration_s=0.01)


def test_the_batch_writes_one_table_comparing_the_grid(tmp_path: Path) -> None:
    project = Project(tmp_path)
    project.write_plan(SWEEP.replace("    parameters:", "    sweep: value_by_mode\n    parameters:"))
    summary, out, err = project.run(engine=scaled_engine)
    assert summary.exit_code == 0, out + err
    with open(project.reports / "sweeps" / "value_by_mode.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["value"], r["mode"], r["status"], r["Result (USD)"]) for r in rows] == [
        ("1.5", "ok", "ok", "15.0"), ("1.5", "slow", "ok", "30.0"), ("2.5", "ok", "ok", "25.0"),
        ("2.5", "slow", "ok", "50.0")]
    page = (project.reports / "sweeps" / "value_by_mode.html").read_text(encoding="utf-8")
    assert "<script" not in page and "script-src 'none'" in page and "<td>50</td>" in page
    assert 'href="sweeps/value_by_mode.html"' in (project.reports / "index.html").read_text(encoding="utf-8")
