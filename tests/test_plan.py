"""The run plan: parsing, foreach expansion, every problem reported with its line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from helpers import paths
from helpers.errors import PlanError
from helpers.plan import load_plan, parse_plan_text, select_runs


@pytest.fixture
def nb_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for name in ("a.ipynb", "gap.ipynb"):
        (folder / name).write_text("{}")
    return folder


def fake_claims() -> list[dict[str, object]]:
    return [{"claim_id": "PK-T-001", "subject": "Exports", "year": 2030},
            {"claim_id": "PK-T-002", "subject": "Trade", "year": 2031}]


EXPANDERS = {"target_claims": fake_claims}


def test_plain_and_foreach_runs_expand(nb_dir: Path) -> None:
    text = """
runs:
  - name: 01_a
    notebook: a.ipynb
    title: First
    parameters: {base_year: 2026}
  - name: "10_gap-{claim_id}"
    notebook: gap.ipynb
    title: "Target gap: {claim_id}"
    foreach: target_claims
    parameters: {claim_id: "{claim_id}", year: "{year}", label: "claim {claim_id} in {year}"}
"""
    runs = parse_plan_text(text, notebooks_dir=nb_dir, expanders=EXPANDERS)
    assert [r.name for r in runs] == ["01_a", "10_gap-PK-T-001", "10_gap-PK-T-002"]
    assert runs[0].title == "First" and runs[0].parameters == {"base_year": 2026}
    assert runs[1].title == "Target gap: PK-T-001"
    assert runs[2].parameters == {"claim_id": "PK-T-002", "year": 2031, "label": "claim PK-T-002 in 2031"}
    assert runs[1].notebook_path == nb_dir / "gap.ipynb"
    assert runs[1].line == 7


def test_title_defaults_to_name(nb_dir: Path) -> None:
    runs = parse_plan_text("runs:\n  - {name: x, notebook: a.ipynb}\n", notebooks_dir=nb_dir)
    assert runs[0].title == "x" and runs[0].parameters == {}


def test_malformed_yaml_names_the_line(nb_dir: Path) -> None:
    text = "runs:\n  - name: a\n    notebook: a.ipynb\n   title: [broken\n"
    with pytest.raises(PlanError) as info:
        parse_plan_text(text, "runs.yaml", notebooks_dir=nb_dir)
    assert "runs.yaml: malformed YAML at line 4" in str(info.value)
    assert "Fix:" in str(info.value)


def test_all_problems_are_listed_together(nb_dir: Path) -> None:
    text = """runs:
  - name: one
    notebook: missing.ipynb
  - name: two
    notebook: a.ipynb
    paramters: {x: 1}
  - name: one
    notebook: a.ipynb
  - name: three
    notebook: a.ipynb
    foreach: nowhere
  - name: four
    notebook: a.ipynb
    parameters: {output_dir: /tmp}
"""
    with pytest.raises(PlanError) as info:
        parse_plan_text(text, "runs.yaml", notebooks_dir=nb_dir, expanders=EXPANDERS)
    message = str(info.value)
    assert "5 problem(s)" in message
    assert "run 1 (line 2) 'one': field 'notebook'" in message and "missing.ipynb does not exist" in message
    assert "run 2 (line 4) 'two': unknown key(s) paramters" in message
    assert "duplicate run name 'one' (lines 2 and 7)" in message
    assert "unknown expander 'nowhere'. Fix: use one of target_claims" in message
    assert "parameter 'output_dir' is set by the batch" in message


def test_foreach_placeholder_errors(nb_dir: Path) -> None:
    text = "runs:\n  - {name: 'g-{claim}', notebook: gap.ipynb, foreach: target_claims}\n"
    with pytest.raises(PlanError, match=r"placeholder \{claim\} is not a field"):
        parse_plan_text(text, notebooks_dir=nb_dir, expanders=EXPANDERS)
    text = "runs:\n  - {name: g, notebook: gap.ipynb, foreach: target_claims}\n"
    with pytest.raises(PlanError, match="duplicate run name 'g'"):
        parse_plan_text(text, notebooks_dir=nb_dir, expanders=EXPANDERS)


def test_sweep_titles_write_amounts_in_words(nb_dir: Path) -> None:
    text = ("runs:\n  - name: 's-{b}-{r}'\n    notebook: gap.ipynb\n    title: 'from {b:usd}, at {r:rate}'\n"
            "    foreach: {grid: {b: [2000000000.0], r: [0.05]}}\n    sweep: s\n")
    (run,) = parse_plan_text(text, notebooks_dir=nb_dir, expanders=EXPANDERS)
    assert run.title == "from $2.0 billion, at 5.0%"  # helpers.text, not "2000000000.0"


def test_run_names_must_be_directory_names(nb_dir: Path) -> None:
    with pytest.raises(PlanError, match="not usable as a directory name"):
        parse_plan_text("runs:\n  - {name: '../evil', notebook: a.ipynb}\n", notebooks_dir=nb_dir)


def test_plan_must_have_runs(nb_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="must be a mapping with a 'runs' list"):
        parse_plan_text("- a\n", notebooks_dir=nb_dir)
    with pytest.raises(PlanError, match="run plan not found"):
        load_plan(tmp_path / "none.yaml", notebooks_dir=nb_dir)
    assert parse_plan_text("runs: []\n", notebooks_dir=nb_dir) == []


def test_select_runs_by_pattern(nb_dir: Path) -> None:
    text = "runs:\n  - {name: 01_a, notebook: a.ipynb}\n  - {name: 10_b, notebook: a.ipynb}\n"
    runs = parse_plan_text(text, notebooks_dir=nb_dir)
    assert [r.name for r in select_runs(runs, ["10_*"])] == ["10_b"]
    assert [r.name for r in select_runs(runs, [])] == ["01_a", "10_b"]
    with pytest.raises(PlanError, match=re.escape("no run matches '99_*'")):
        select_runs(runs, ["99_*"])


def test_project_plan_is_well_formed(tmp_path: Path) -> None:
    """runs.yaml parses and expands (notebooks replaced by stubs; the real ones are tested elsewhere)."""
    doc = yaml.safe_load(paths.RUN_PLAN.read_text())
    for entry in doc["runs"]:
        (tmp_path / entry["notebook"]).write_text("{}")
    runs = load_plan(paths.RUN_PLAN, notebooks_dir=tmp_path, expanders={"target_claims": fake_claims})
    names = [r.name for r in runs]
    assert "01_claims_register" in names
    assert "10_target_gap-PK-T-001" in names and "10_target_gap-PK-T-002" in names
    gap = next(r for r in runs if r.name == "10_target_gap-PK-T-002")
    assert gap.parameters["claim_id"] == "PK-T-002" and gap.title == "Target gap: Trade"  # ids stay out of titles


def _register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    path = tmp_path / "claims.csv"
    path.write_bytes(data)
    monkeypatch.setattr(paths, "CLAIMS", path)


def test_target_claims_accepts_a_byte_order_mark(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from helpers.plan import EXPANDERS as real

    _register(tmp_path, monkeypatch, b"\xef\xbb\xbfid,claim_type,subject\nt-1,target,Trade goal\nf-1,fact,Exports\n")
    assert real["target_claims"]() == [{"claim_id": "t-1", "subject": "Trade goal"}]


def test_target_claims_names_the_byte_that_is_not_utf8(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from helpers.plan import EXPANDERS as real

    _register(tmp_path, monkeypatch, "id,claim_type,subject\nt-1,target,Caf\u00e9 exports\n".encode("latin-1"))
    with pytest.raises(PlanError) as caught:
        real["target_claims"]()
    message = str(caught.value)
    assert "claims.csv" in message and "row 2" in message and "UTF-8" in message
