"""A throw-away project for the batch tests: a plan, fake data and helpers folders, a reports folder.

The batch's seams are set through its options (no private name is patched): the register check is off for
these fake projects unless a test gives one, and ``move`` can simulate a full disk.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import textwrap
from pathlib import Path
from typing import Any

from helpers import fingerprint as fpr
from helpers.batch.cli import main
from helpers.batch.options import BatchSummary, Options
from helpers.batch.outcome import ExecOutcome, ExecRequest
from helpers.batch.runner import run_batch

FIXTURES = (Path(__file__).parent / "fixtures" / "notebooks").resolve()
BEHAVE = FIXTURES / "behave.ipynb"
FIGURES = FIXTURES / "figures.ipynb"
PLAIN = FIXTURES / "plain.ipynb"
ROOT = Path(__file__).resolve().parents[1]


async def fake_engine(request: ExecRequest) -> ExecOutcome:
    """An engine that starts no kernel: the notebook 'ran' and wrote one table and one key figure."""
    import nbformat

    (request.output_dir / "table.csv").write_text("name,value\nvalue,1\n")
    figures = {"report": "fake", "figures": [{"name": "value", "label": "The value", "value": 1.0, "unit": "USD",
                                              "claims": [], "context": []}]}
    (request.output_dir / "key_figures.json").write_text(json.dumps(figures))
    nb = nbformat.v4.new_notebook()
    nb.metadata["papermill"] = {}
    return ExecOutcome(nb=nb, ok=True, duration_s=0.01)


def no_check(options: Options) -> None:
    """The input check of a fake project: nothing to check (the real one is tested on its own)."""


class Project:
    """A throw-away project: plan, fake data and source folders, a reports folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.src = root / "src" / "helpers"
        self.reports = root / "reports"
        self.plan = root / "runs.yaml"
        self.data.mkdir()
        self.src.mkdir(parents=True)
        (self.data / "claims.csv").write_text("id,value,claim_type\nC1,10,target\nC2,20,target\nC3,5,context\n")
        (self.src / "econ.py").write_text("X = 1\n")
        self.sources = fpr.Sources(root=root, data_dirs=(self.data,), source_dirs=(self.src,))

    def write_plan(self, text: str) -> None:
        self.plan.write_text(textwrap.dedent(text))

    def options(self, **kw: Any) -> Options:
        kw.setdefault("workers", 2)
        kw.setdefault("check_inputs", no_check)
        return Options(plan_path=self.plan, reports_dir=self.reports, notebooks_dir=FIXTURES, sources=self.sources,
                       claims_path=self.data / "claims.csv", out=io.StringIO(), err=io.StringIO(), **kw)

    def run(self, **kw: Any) -> tuple[BatchSummary, str, str]:
        options = self.options(**kw)
        summary = run_batch(options)
        return summary, options.out.getvalue(), options.err.getvalue()  # type: ignore[attr-defined]

    def cli(self, *args: str, **seams: Any) -> tuple[int, str, str]:
        """``main`` in-process on this project; returns (exit code, stdout, stderr)."""
        seams.setdefault("check_inputs", no_check)
        seams.setdefault("sources", self.sources)
        seams.setdefault("notebooks_dir", FIXTURES)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--plan", str(self.plan), "--reports", str(self.reports), *args], **seams)
        return code, out.getvalue(), err.getvalue()

    def manifest(self) -> dict[str, Any]:
        return json.loads((self.reports / "manifest.json").read_text())

    def fake_previous_report(self, name: str) -> bytes:
        folder = self.reports / "runs" / name
        folder.mkdir(parents=True, exist_ok=True)
        content = f"<html>last good report of {name}</html>".encode()
        (folder / "report.html").write_bytes(content)
        return content

    def published(self) -> dict[str, bytes]:
        """Every file under runs/, by relative path: compare before and after to see nothing was lost."""
        runs = self.reports / "runs"
        return {p.relative_to(runs).as_posix(): p.read_bytes() for p in sorted(runs.rglob("*")) if p.is_file()} \
            if runs.is_dir() else {}

    def process(self, *args: str, python_flags: tuple[str, ...] = ()) -> list[str]:
        """The command line of ``python -m helpers.batch`` on this project, in a fresh interpreter."""
        return [sys.executable, *python_flags, "-c", RUNNER, str(self.root), str(self.data), str(self.src),
                "--plan", str(self.plan), "--reports", str(self.reports), *args]


RUNNER = """
import sys
from pathlib import Path
from helpers import fingerprint as fpr
from helpers.batch.cli import main
root, data, src = (Path(p) for p in sys.argv[1:4])
sources = fpr.Sources(root=root, data_dirs=(data,), source_dirs=(src,))
fixtures = Path(FIXTURES)
sys.exit(main(sys.argv[4:], sources=sources, notebooks_dir=fixtures, check_inputs=lambda options: None))
""".replace("FIXTURES", repr(str(FIXTURES)))


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (exited, not yet reaped) counts as gone
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False
