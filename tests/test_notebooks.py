"""The notebooks as committed: thin, parameterized, stripped, paired; and each one executing for real."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

from helpers import outputs, paths
from helpers.params import read_parameters

NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]


def test_there_are_notebooks():
    assert "01_claims_register" in IDS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_without_outputs(path: Path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, f"{path.name}: strip outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_first_code_cell_is_typed_commented_parameters(path: Path):
    nb = nbformat.read(path, as_version=4)
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert "parameters" in first_code.metadata.get("tags", [])
    params = read_parameters(path)
    assert params, f"{path.name}: parameters cell declares nothing"
    for param in params:
        assert param.type, f"{path.name}: {param.name} has no type annotation"
        assert param.comment.strip(), f"{path.name}: {param.name} has no comment"
    assert "output_dir" in {p.name for p in params}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_thin_no_definitions_or_magics(path: Path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            assert not line.startswith(("def ", "class ", "!", "%")), f"{path.name}: {line!r} belongs in helpers"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_paired_script_is_in_sync(path: Path):
    script = path.with_suffix(".py")
    assert script.exists(), f"{path.name}: run `jupytext --sync {path}` to create its paired script"
    from_ipynb = jupytext.read(path)
    from_py = jupytext.read(script)
    assert [c.source for c in from_ipynb.cells] == [c.source for c in from_py.cells], (
        f"{path.name} and {script.name} differ: run `.venv/bin/jupytext --sync {path}`")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_papermill_help_describes_every_parameter(path: Path):
    result = subprocess.run([sys.executable, "-m", "papermill", "--help-notebook", str(path)],
                            capture_output=True, text=True, check=True)
    for param in read_parameters(path):
        assert param.name in result.stdout
        assert param.comment.strip()[:30] in result.stdout


def run_papermill(name: str, tmp_path: Path, **parameters) -> tuple[nbformat.NotebookNode, Path]:
    """Execute a notebook with papermill (as a user would) into tmp_path; return it and its output folder."""
    import papermill

    out_dir = tmp_path / "out"
    executed = tmp_path / f"{name}.ipynb"
    papermill.execute_notebook(str(paths.notebook(name)), str(executed), cwd=str(paths.NOTEBOOKS),
                               parameters={"output_dir": str(out_dir), **parameters}, progress_bar=False,
                               kernel_name="python3")
    return nbformat.read(executed, as_version=4), out_dir


def output_text(nb: nbformat.NotebookNode) -> str:
    """All text and markdown outputs of an executed notebook."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            for key in ("text/plain", "text/markdown", "text/html"):
                parts.append(str(out.get("data", {}).get(key, "")))
    return "\n".join(parts)


@pytest.mark.slow
def test_register_notebook_runs_with_defaults(tmp_path: Path):
    nb, out = run_papermill("01_claims_register", tmp_path)
    figures = outputs.read_key_figures(out)
    assert figures["uncovered"].value == 0
    assert figures["claims"].value == len(__import__("helpers.claims").claims.load_claims())
    assert {"claims.csv", "coverage.csv", "coverage_by_seed.csv", "exclusions.csv"} <= {p.name for p in out.iterdir()}
    assert any("image/svg+xml" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))


@pytest.mark.slow
def test_register_notebook_runs_with_overridden_topic(tmp_path: Path):
    nb, out = run_papermill("01_claims_register", tmp_path, topic="trade")
    figures = outputs.read_key_figures(out)
    trade = __import__("helpers.claims").claims.load_claims().query("topic == 'trade'")
    assert figures["claims"].value == len(trade)
    assert "on trade" in output_text(nb)


@pytest.mark.slow
def test_register_notebook_rejects_unknown_topic(tmp_path: Path):
    import papermill

    with pytest.raises(papermill.PapermillExecutionError, match="has no claims"):
        run_papermill("01_claims_register", tmp_path, topic="astrology")


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_runs_top_to_bottom_as_in_jupyterlab(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The committed notebook with its defaults, executed cell by cell by a plain client (no papermill)."""
    from nbclient import NotebookClient

    monkeypatch.setenv("PAKCLAIMS_REPORTS", str(tmp_path))  # hand runs write to reports/lab/<notebook>
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(paths.NOTEBOOKS)}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    figures = outputs.read_key_figures(tmp_path / "lab" / path.stem)
    assert figures, f"{path.name} recorded no key figures"
