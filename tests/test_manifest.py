"""Input hashing, skip decisions and the "what changed" causes of the manifest (no kernels)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import manifest as mf
from helpers.files import sha256_file


@pytest.fixture
def project(tmp_path: Path) -> mf.Sources:
    (tmp_path / "data").mkdir()
    (tmp_path / "seeds").mkdir()
    (tmp_path / "src" / "helpers" / "templates").mkdir(parents=True)
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "data" / "claims.csv").write_text("id,value\nC1,10\nC2,20\nC3,30\n")
    (tmp_path / "data" / "context_figures.csv").write_text("id,value\nX1,1\nX2,2\n")
    (tmp_path / "data" / "fx_rates.csv").write_text("currency,rate\nPKR,280\n")
    (tmp_path / "seeds" / "001.txt").write_text("An article.\n")
    (tmp_path / "src" / "helpers" / "econ.py").write_text("X = 1\n")
    (tmp_path / "src" / "helpers" / "templates" / "page.html.j2").write_text("<p>{{ x }}</p>\n")
    (tmp_path / "src" / "helpers" / "notes.txt").write_text("not source\n")
    (tmp_path / "notebooks" / "a.ipynb").write_text("{}")
    return mf.Sources(
        root=tmp_path,
        data_dirs=(tmp_path / "data", tmp_path / "seeds"),
        source_dirs=(tmp_path / "src" / "helpers",),
    )


VERSIONS = {"pandas": "3.1.1", "python": "3.11.7"}


def fp(
    sources: mf.Sources, params: dict | None = None, versions: dict | None = None, show_code: bool = False
):
    snap = mf.take_snapshot(sources, versions=versions or VERSIONS)
    return mf.fingerprint(snap, sources.root / "notebooks" / "a.ipynb", params or {"year": 2026}, show_code)


def success_record(sources: mf.Sources, f: mf.Fingerprint, figures: list[dict] | None = None) -> dict:
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


def test_snapshot_hashes_data_seeds_and_source(project: mf.Sources) -> None:
    snap = mf.take_snapshot(project, versions=VERSIONS)
    assert set(snap.data) == {
        "data/claims.csv",
        "data/context_figures.csv",
        "data/fx_rates.csv",
        "seeds/001.txt",
    }
    assert set(snap.source) == {"src/helpers/econ.py", "src/helpers/templates/page.html.j2"}
    assert snap.data["seeds/001.txt"] == sha256_file(project.root / "seeds" / "001.txt")
    assert set(snap.rows["data/claims.csv"]) == {"C1", "C2", "C3"}
    assert "data/fx_rates.csv" not in snap.rows


def test_output_dir_does_not_change_the_parameters_hash() -> None:
    assert mf.params_hash({"a": 1, "output_dir": "/x"}) == mf.params_hash({"a": 1, "output_dir": "/y"})
    assert mf.params_hash({"a": 1}) != mf.params_hash({"a": 2})


def test_installed_versions_reads_metadata_without_importing() -> None:
    versions = mf.installed_versions()
    assert versions["pyyaml"] and versions["python"].startswith("3.") and versions["papermill"]
    assert set(mf.key_versions(versions)) <= {
        "python",
        *(p.lower().replace("_", "-") for p in mf.KEY_PACKAGES),
    }


def test_skip_only_when_nothing_changed(project: mf.Sources) -> None:
    reports = project.root / "reports"
    first = fp(project)
    assert mf.skip_reason(None, first, project, reports, False) == (False, "never run")
    record = success_record(project, first)
    skip, reason = mf.skip_reason(record, fp(project), project, reports, False)
    assert skip and reason.startswith("up to date")
    assert mf.skip_reason(record, fp(project), project, reports, True) == (False, "--force")
    assert mf.skip_reason({**record, "status": "failed"}, fp(project), project, reports, False)[1] == (
        "last attempt failed"
    )
    (reports / "runs" / "a" / "report.html").unlink()
    assert mf.skip_reason(record, fp(project), project, reports, False) == (False, "report missing")


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
def test_each_input_change_reruns_with_its_cause(project: mf.Sources, change, cause: str) -> None:
    record = success_record(project, fp(project))
    change(project.root)
    new = fp(project)
    skip, reason = mf.skip_reason(record, new, project, project.root / "reports", False)
    assert not skip and cause in reason
    assert mf.input_causes(record, new, project) == [cause]


def test_parameter_versions_and_show_code_causes(project: mf.Sources) -> None:
    record = success_record(project, fp(project))
    new = fp(
        project, params={"year": 2030, "scale": 2}, versions={**VERSIONS, "pandas": "3.2.0"}, show_code=True
    )
    assert mf.input_causes(record, new, project) == [
        "parameter scale",
        "parameter year",
        "package versions",
        "--show-code",
    ]


def test_row_level_causes_prefer_the_figure_rows(project: mf.Sources) -> None:
    record = success_record(project, fp(project))
    (project.root / "data" / "claims.csv").write_text("id,value\nC1,11\nC2,20\nC4,40\n")
    (project.root / "data" / "context_figures.csv").write_text("id,value\nX1,1\nX2,3\n")
    new = fp(project)
    everything = mf.input_causes(record, new, project)
    assert everything == [
        "data/claims.csv row C1 changed",
        "data/claims.csv row C3 removed",
        "data/claims.csv row C4 added",
        "data/context_figures.csv row X2 changed",
    ]
    only_c1 = mf.input_causes(record, new, project, {"claims": ["C1"], "context": ["X2"]})
    assert only_c1 == ["data/claims.csv row C1 changed", "data/context_figures.csv row X2 changed"]


def test_reordered_rows_are_named_as_a_layout_change(project: mf.Sources) -> None:
    record = success_record(project, fp(project))
    (project.root / "data" / "claims.csv").write_text("id,value\nC3,30\nC2,20\nC1,10\n")
    assert mf.input_causes(record, fp(project), project) == [
        "data/claims.csv (same rows, file layout changed)"
    ]


def test_figure_changes_name_old_new_and_causes(project: mf.Sources) -> None:
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


def test_failure_keeps_last_success_and_skip_marks_changes_older(project: mf.Sources) -> None:
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


def test_manifest_round_trip_and_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    assert mf.load_manifest(path) == {}
    mf.save_manifest(path, {"runs": {"a": {"status": "ok"}}})
    assert mf.load_manifest(path)["runs"] == {"a": {"status": "ok"}}
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]
    path.write_text("{not json")
    assert mf.load_manifest(path) == {}
    path.write_text(json.dumps({"schema": 99, "runs": {}}))
    assert mf.load_manifest(path) == {}


def test_key_figures_file_is_validated(tmp_path: Path) -> None:
    path = tmp_path / "key_figures.json"
    assert mf.read_key_figures(path) is None
    path.write_text('{"report": "a", "figures": [{"name": "x", "value": 1}]}')
    assert mf.read_key_figures(path)["figures"][0]["value"] == 1
    path.write_text('{"report": "a", "figures": {"x": 1}}')
    with pytest.raises(ValueError, match="must be"):
        mf.read_key_figures(path)
    path.write_text("{")
    with pytest.raises(ValueError, match="not valid JSON"):
        mf.read_key_figures(path)
