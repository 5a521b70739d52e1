"""The README's promises, run as written: the two commands exist, and the add-an-article walkthrough works
on a copy of the project (new reports, an index that shows what changed, then a no-op rerun)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import paths

README = paths.ROOT / "README.md"


def walkthrough_commands() -> list[str]:
    """The shell commands between the walkthrough markers of the README."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- walkthrough -->\s*```sh\n(.*?)```\s*<!-- /walkthrough -->", text, re.S)
    assert block, "README.md lost its walkthrough block"
    return [line.strip() for line in block[1].splitlines() if line.strip() and not line.startswith("#")]


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one():
    text = README.read_text(encoding="utf-8")
    assert "make reports" in text and "make test" in text
    assert "make test" in (paths.ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """The tracked files of the project in tmp_path, sharing this checkout's installed .venv."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=paths.ROOT, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        source = paths.ROOT / name
        if source.is_file():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, tmp_path / name)
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    return tmp_path


def run(command: str, root: Path) -> subprocess.CompletedProcess:
    """A README command in the copy: make uses the shared .venv as is, Python imports the copy's helpers."""
    if command.startswith("make "):
        command = f"make -o .venv/.installed PY={sys.executable} " + command[len("make "):]
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    for name in ("PAKCLAIMS_DATA", "PAKCLAIMS_SEEDS", "PAKCLAIMS_REPORTS"):
        env.pop(name, None)
    return subprocess.run(command, shell=True, cwd=root, env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.slow
def test_walkthrough_adds_an_article_and_the_index_shows_the_change(project_copy: Path):
    root = project_copy
    first = run("make reports", root)
    assert first.returncode == 0, first.stdout + first.stderr
    before = json.loads((root / "reports" / "manifest.json").read_text())["runs"]

    for command in walkthrough_commands():
        result = run(command, root)
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"

    runs = json.loads((root / "reports" / "manifest.json").read_text())["runs"]
    new_targets = {"10_target_gap-cn-pk-investment-target", "10_target_gap-uz-pk-trade-2030-target"}
    assert new_targets <= set(runs) - set(before)
    for name in new_targets:
        assert (root / "reports" / "runs" / name / "report.html").is_file()
    changes = {c["name"]: c for c in runs["01_claims_register"]["changes"]}
    assert changes["claims"]["old"] < changes["claims"]["new"]
    assert any("data/claims.csv row uz-pk-trade-2030-target added" in cause for cause in changes["targets"]["causes"])
    index = (root / "reports" / "index.html").read_text(encoding="utf-8")
    assert "uz-pk-trade-2030-target" in index and "→" in index

    again = run("make reports", root)
    assert again.returncode == 0 and "nothing changed since" in again.stdout
    assert f": {len(runs)} runs up to date" in again.stdout
    assert "papermill" not in again.stderr


def test_the_readme_names_every_make_target():
    """The paragraph after the two commands lists what `make help` lists: the Makefile's documented targets."""
    makefile = (paths.ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z-]+):.*## ", makefile, re.M)) - {"help", "reports", "test"}
    text = README.read_text(encoding="utf-8")
    paragraph = text[text.index("`make help` lists the other targets"):].split("\n\n")[0]
    assert set(re.findall(r"`make ([a-z-]+)`", paragraph)) - {"help"} == targets
