"""Input hashing, skip decisions and the "what changed" causes of the manifest (no kernels)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sourcekit import VERSIONS, write_project

from helpers import fingerprint as fpr
from helpers import manifest as mf


@pytest.fixture
def project(tmp_path: Path) -> fpr.Sources:
    return write_project(tmp_path)


def fp(
    sources: fpr.Sources, params: dict | None = None, versions: dict | None = None, show_code: bool = False
):
    snap = fpr.take_snapshot(sources, versions=versions or VERSIONS)
    return fpr.fingerprint(snap, sources.root / "notebooks" / "a.ipynb", params or {"year": 2026}, show_code)


def success_record(sources: fpr.Sources, f: fpr.Fingerprint, figures: list[dict] | None = None) -> dict:
    reports = sources.root / "reports"
    (reports / "runs" / "a").mkdir(parents=True, exist_ok=True)
    (reports / "runs" / "a" / "report.html").write_text("<html>")
    return mf.record_success(
        None,
        name="a",
        title="A",
        notebook="a.ipynb",
        fp=f,
        versions=VERSIONS,
        started="2026-01-01T00:00:00+00:00",
        duration_s=1.0,
        html="runs/a/report.html",
        executed_notebook="runs/a/executed.ipynb",
        tables=[],
        key_figures={"report": "a", "figures": figures or []},
        sources=sources,
    )


def test_skip_only_when_nothing_changed(project: fpr.Sources) -> None:
    reports = project.root / "reports"
    first = fp(project)
    assert fpr.skip_reason(None, first, project, reports, False) == (False, "never run")
    record = success_record(project, first)
    skip, reason = fpr.skip_reason(record, fp(project), project, reports, False)
    assert skip and reason.startswith("up to date")
    assert fpr.skip_reason(record, fp(project), project, reports, True) == (False, "--force")
    assert fpr.skip_reason({**record, "status": "failed"}, fp(project), project, reports, False)[1] == (
        "last attempt failed"
    )
    (reports / "runs" / "a" / "report.html").unlink()
    assert fpr.skip_reason(record, fp(project), project, reports, False) == (False, "report missing")


@pytest.mark.parametrize(
    ("change", "cause"),
    [
        (lambda root: (root / "notebooks" / "a.ipynb").write_text('{"cells": []}'), "notebook"),
        (lambda root: (root / "src" / "helpers" / "econ.py").write_text("X = 2\n"), "helpers source"),
        (
            lambda root: (root / "src" / "helpers" / "templates" / "page.html.j2").write_text("x"),
            "helpers source",
        ),
        (
            lambda root: (root / "data" / "fx_rates.csv").write_text("currency,rate\nPKR,281\n"),
            "data/fx_rates.csv",
        ),
        (lambda root: (root / "seeds" / "002.txt").write_text("new"), "seeds/002.txt added"),
        (lambda root: (root / "seeds" / "001.txt").unlink(), "seeds/001.txt removed"),
    ],
)
def test_each_input_change_reruns_with_its_cause(project: fpr.Sources, change, cause: str) -> None:
    record = success_record(project, fp(project))
    change(project.root)
    new = fp(project)
    skip, reason = fpr.skip_reason(record, new, project, project.root / "reports", False)
    assert not skip and cause in reason
    assert fpr.input_causes(record, new, project) == [cause]


def test_parameter_versions_and_show_code_causes(project: fpr.Sources) -> None:
    record = success_record(project, fp(project))
    new = fp(
        project, params={"year": 2030, "scale": 2}, versions={**VERSIONS, "pandas": "3.2.0"}, show_code=True
    )
    assert fpr.input_causes(record, new, project) == [
        "parameter scale",
        "parameter year",
        "package versions",
        "--show-code",
    ]


def test_row_level_causes_prefer_the_figure_rows(project: fpr.Sources) -> None:
    record = success_record(project, fp(project))
    (project.root / "data" / "claims.csv").write_text("id,value\nC1,11\nC2,20\nC4,40\n")
    (project.root / "data" / "context_figures.csv").write_text("id,value\nX1,1\nX2,3\n")
    new = fp(project)
    everything = fpr.input_causes(record, new, project)
    assert everything == [
        "data/claims.csv row C1 changed",
        "data/claims.csv row C3 removed",
        "data/claims.csv row C4 added",
        "data/context_figures.csv row X2 changed",
    ]
    only_c1 = fpr.input_causes(record, new, project, {"claims": ["C1"], "context": ["X2"]})
    assert only_c1 == ["data/claims.csv row C1 changed", "data/context_figures.csv row X2 changed"]


def test_reordered_rows_are_named_as_a_layout_change(project: fpr.Sources) -> None:
    record = success_record(project, fp(project))
    (project.root / "data" / "claims.csv").write_text("id,value\nC3,30\nC2,20\nC1,10\n")
    assert fpr.input_causes(record, fp(project), project) == [
        "data/claims.csv (same rows, file layout changed)"
    ]


def test_figure_changes_name_old_new_and_causes(project: fpr.Sources) -> None:
    figures = [
        {"name": "c1", "label": "C1 value", "value": 10.0, "unit": "USD", "claims": ["C1"], "context": []},
        {"name": "c2", "label": "C2 value", "value": 20.0, "unit": "USD", "claims": ["C2"], "context": []},
        {"name": "gone", "label": "Gone", "value": 1, "unit": "", "claims": [], "context": []},
    ]
    record = success_record(project, fp(project), figures)
    (project.root / "data" / "claims.csv").write_text("id,value\nC1,10\nC2,25\nC3,35\n")
    new = fp(project)
    new_figures = [
        {**figures[0]},
        {**figures[1], "value": 25.0},
        {"name": "new", "label": "New", "value": 5, "unit": "%", "claims": [], "context": []},
    ]
    updated = mf.record_success(
        record,
        name="a",
        title="A",
        notebook="a.ipynb",
        fp=new,
        versions=VERSIONS,
        started="2026-02-01T00:00:00+00:00",
        duration_s=1.0,
        html="runs/a/report.html",
        executed_notebook="runs/a/executed.ipynb",
        tables=[],
        key_figures={"report": "a", "figures": new_figures},
        sources=project,
    )
    changes = {c["name"]: c for c in updated["changes"]}
    assert set(changes) == {"c2", "new", "gone"}
    assert changes["c2"] == {
        "name": "c2",
        "label": "C2 value",
        "old": 20.0,
        "new": 25.0,
        "unit": "USD",
        "causes": ["data/claims.csv row C2 changed"],
    }
    assert changes["new"]["old"] is None and changes["gone"]["new"] is None
    assert changes["new"]["causes"] == ["data/claims.csv row C2 changed", "data/claims.csv row C3 changed"]
    assert updated["changes_are_new"] and updated["changes_since"] == "2026-01-01T00:00:00+00:00"


def test_failure_keeps_last_success_and_skip_marks_changes_older(project: fpr.Sources) -> None:
    record = success_record(project, fp(project), [{"name": "v", "value": 1}])
    record["changes"] = [{"name": "v", "old": 0, "new": 1, "causes": ["notebook"]}]
    failed = mf.record_failure(
        record,
        name="a",
        title="A",
        notebook="a.ipynb",
        parameters={"year": 1},
        started="2026-03-01T00:00:00+00:00",
        duration_s=2.0,
        error="ValueError: x",
        failed_html="failed/a/report.html",
    )
    assert failed["status"] == "failed" and failed["html"] == "runs/a/report.html"
    assert failed["inputs"] == record["inputs"] and failed["last_success"] == record["last_success"]
    assert failed["key_figures"] == [{"name": "v", "value": 1}] and failed["changes_are_new"] is False
    skipped = mf.mark_skipped(record)
    assert skipped["changes"] == record["changes"] and skipped["changes_are_new"] is False


def test_manifest_round_trip_and_damaged_files_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    assert mf.load_manifest(path) == {"runs": {}}
    mf.save_manifest(path, {"runs": {"a": {"name": "a", "status": "ok"}}})
    assert mf.load_manifest(path)["runs"] == {"a": {"name": "a", "status": "ok"}}
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]
    warnings: list[str] = []
    for damaged in ("{not json", json.dumps({"schema": 99, "runs": {}}), json.dumps({"schema": 2, "runs": []})):
        path.write_text(damaged)
        assert mf.load_manifest(path, warn=warnings.append) == {"runs": {}}
        assert not path.exists()
    assert len(list(tmp_path.glob("manifest.json.damaged-*"))) == 3
    assert "not valid JSON" in warnings[0] and "has layout 99, not 2" in warnings[1] and "runs" in warnings[2]


def test_a_damaged_record_is_dropped_and_the_others_kept(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    good = {"name": "a", "status": "ok", "key_figures": [{"name": "x", "value": 1.5}]}
    for bad in ({"name": "b", "status": "fine"}, {"name": "b", "status": "ok", "key_figures": [{"value": 1}]},
                {"name": "b", "status": "ok", "key_figures": [{"name": "x", "value": "a lot"}]}, "not a record"):
        path.write_text(json.dumps({"schema": mf.SCHEMA, "runs": {"a": good, "b": bad}}))
        warnings: list[str] = []
        assert mf.load_manifest(path, warn=warnings.append)["runs"] == {"a": good}
        assert len(warnings) == 1 and "the record of run 'b' is damaged" in warnings[0]
    assert path.exists()  # kept, with a copy beside it for a look
    warnings.clear()
    assert mf.load_manifest(path, warn=warnings.append, repair=False)["runs"] == {"a": good}
    assert len(list(tmp_path.glob("manifest.json.damaged-*"))) >= 1


def test_shared_input_hashes_are_stored_once(project: fpr.Sources, tmp_path: Path) -> None:
    f = fp(project)
    runs = {}
    for name in [f"r{i}" for i in range(20)]:
        record = success_record(project, f)
        runs[name] = {**record, "name": name}
    path = tmp_path / "m.json"
    mf.save_manifest(path, {"runs": runs})
    stored = json.loads(path.read_text())
    assert len(stored["snapshots"]) == 1 and all("rows" not in r and "inputs" not in r for r in stored["runs"].values())
    loaded = mf.load_manifest(path)
    assert loaded["runs"]["r7"]["inputs"] == f.inputs and loaded["runs"]["r7"]["rows"] == f.rows
    assert path.read_text().count('"data/context_figures.csv"') == 2  # its file hash and its row hashes, once


def test_key_figures_file_is_validated(tmp_path: Path) -> None:
    path = tmp_path / "key_figures.json"
    assert mf.read_key_figures(path) is None
    path.write_text('{"report": "a", "figures": [{"name": "x", "value": 1}]}')
    assert mf.read_key_figures(path)["figures"][0]["value"] == 1
    for bad, where in (('{"report": "a", "figures": {"x": 1}}', "figures"),
                       ('{"figures": [{"name": "x", "value": "12"}]}', "figures/0/value"),
                       ('{"figures": [{"value": 1}]}', "figures/0"),
                       ('{"figures": [{"name": "x", "claims": "C1"}]}', "figures/0/claims")):
        path.write_text(bad)
        with pytest.raises(ValueError, match=f"key_figures.json, {where}"):
            mf.read_key_figures(path)
    path.write_text("{")
    with pytest.raises(ValueError, match="not valid JSON"):
        mf.read_key_figures(path)
