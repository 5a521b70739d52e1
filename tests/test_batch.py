"""The batch engine end to end on tiny fixture notebooks (no pandas): failures, locks, incremental runs.

Tests marked slow start kernels (about one second each); the others stop before any kernel starts.
"""

from __future__ import annotations

import fcntl
import importlib.util
import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from helpers import batch
from helpers import manifest as mf
from helpers.errors import ProjectError

FIXTURES = (Path(__file__).parent / "fixtures" / "notebooks").resolve()
BEHAVE = FIXTURES / "behave.ipynb"
FIGURES = FIXTURES / "figures.ipynb"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _no_register_check(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """These projects have fake data, not a claims register: skip the register check (tested on its own)."""
    if "real_inputs" not in request.keywords:
        monkeypatch.setattr(batch, "_check_inputs", lambda ctx: None)


@pytest.fixture(autouse=True)
def _render_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Use helpers.render when it exists; otherwise a minimal stand-in (the product has none)."""
    if importlib.util.find_spec("helpers.render") is not None:
        return
    import types

    fake = types.ModuleType("helpers.render")
    fake.render_report = lambda nb, meta, show_code=False: f"<html>{meta['name']} {meta['status']}</html>"
    fake.render_index = lambda manifest: "<html>" + " ".join(manifest.get("runs", {})) + "</html>"
    monkeypatch.setitem(sys.modules, "helpers.render", fake)


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
        (self.data / "claims.csv").write_text(
            "id,value,claim_type\nC1,10,target\nC2,20,target\nC3,5,context\n"
        )
        (self.src / "econ.py").write_text("X = 1\n")
        self.sources = mf.Sources(root=root, data_dirs=(self.data,), source_dirs=(self.src,))

    def write_plan(self, text: str) -> None:
        self.plan.write_text(textwrap.dedent(text))

    def run(self, **kw: Any) -> tuple[batch.BatchSummary, str, str]:
        out, err = io.StringIO(), io.StringIO()
        kw.setdefault("workers", 2)
        summary = batch.run_batch(
            self.plan,
            self.reports,
            notebooks_dir=FIXTURES,
            sources=self.sources,
            claims_path=self.data / "claims.csv",
            out=out,
            err=err,
            **kw,
        )
        return summary, out.getvalue(), err.getvalue()

    def manifest(self) -> dict[str, Any]:
        return json.loads((self.reports / "manifest.json").read_text())

    def fake_previous_report(self, name: str) -> bytes:
        folder = self.reports / "runs" / name
        folder.mkdir(parents=True, exist_ok=True)
        content = f"<html>last good report of {name}</html>".encode()
        (folder / "report.html").write_bytes(content)
        return content


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


def cli(*args: str) -> tuple[int, str, str]:
    """Run ``main`` in-process; returns (exit code, stdout, stderr)."""
    import contextlib

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = batch.main(list(args))
    return code, out.getvalue(), err.getvalue()


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (exited, not yet reaped) counts as gone
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


# ------------------------------------------------------------------------------------ before any kernel


def test_invalid_parameters_exit_2_listing_all_runs(project: Project) -> None:
    project.write_plan(f"""
        runs:
          - name: bad_choice
            notebook: {BEHAVE}
            parameters: {{mode: explode}}
          - name: bad_type_and_name
            notebook: {BEHAVE}
            parameters: {{value: "ten", colour: red}}
          - name: bad_range
            notebook: {BEHAVE}
            parameters: {{value: -1}}
    """)
    previous = project.fake_previous_report("bad_choice")
    code, out, err = cli("--plan", str(project.plan), "--reports", str(project.reports))
    assert code == 2
    assert "nothing was run" in err
    assert "run 'bad_choice'" in err and "'mode' = 'explode' is not an allowed choice" in err
    assert "run 'bad_type_and_name'" in err and "'value' = 'ten' is a str, the notebook declares float" in err
    assert "unknown parameter 'colour'" in err
    assert "run 'bad_range'" in err and "'value' = -1 is below the minimum 0" in err
    assert "Traceback" not in err
    assert (project.reports / "runs" / "bad_choice" / "report.html").read_bytes() == previous
    assert not (project.reports / "manifest.json").exists() and not (project.reports / ".staging").exists()


def test_malformed_plan_exit_2_with_line_number(project: Project) -> None:
    project.plan.write_text("runs:\n  - name: a\n    notebook: x.ipynb\n  title: : oops\n")
    code, _, err = cli("--plan", str(project.plan), "--reports", str(project.reports))
    assert code == 2 and "malformed YAML at line 4" in err and "Traceback" not in err


def test_plan_naming_a_missing_notebook_exit_2(project: Project) -> None:
    project.write_plan(f"""
        runs:
          - {{name: a, notebook: {project.root / "nope.ipynb"}}}
    """)
    previous = project.fake_previous_report("a")
    code, _, err = cli("--plan", str(project.plan), "--reports", str(project.reports))
    assert code == 2 and "nope.ipynb does not exist" in err and "Fix:" in err
    assert (project.reports / "runs" / "a" / "report.html").read_bytes() == previous


def test_overrides_are_yaml_scalars_and_apply_where_declared(project: Project) -> None:
    project.write_plan(f"""
        runs:
          - {{name: b, notebook: {BEHAVE}}}
          - {{name: f, notebook: {FIGURES}, parameters: {{data_file: x.csv}}}}
    """)
    code, out, _ = cli(
        "--plan",
        str(project.plan),
        "--reports",
        str(project.reports),
        "--dry-run",
        "-p",
        "value=500",
        "-p",
        "scale=0.5",
    )
    assert code == 0
    lines = {line.split()[1]: line for line in out.splitlines() if line.startswith(("run", "skip"))}
    assert "value=500" in lines["b"] and "scale" not in lines["b"]
    assert "scale=0.5" in lines["f"] and "value" not in lines["f"]
    code, _, err = cli("--plan", str(project.plan), "--reports", str(project.reports), "-p", "colour=red")
    assert code == 2 and "no selected run's notebook declares a parameter 'colour'" in err
    code, _, err = cli("--plan", str(project.plan), "--reports", str(project.reports), "-p", "value=abc")
    assert code == 2 and "'value' = 'abc' is a str" in err
    code, _, err = cli("--plan", str(project.plan), "--reports", str(project.reports), "-p", "novalue")
    assert code == 2 and "expected key=value" in err


def test_dry_run_prints_the_plan_and_writes_nothing(project: Project) -> None:
    project.write_plan(f"""
        runs:
          - {{name: b, notebook: {BEHAVE}, parameters: {{mode: ok}}}}
    """)
    summary, out, _ = project.run(dry_run=True)
    assert summary.exit_code == 0 and summary.results[0].status == "would run"
    assert f"b  {BEHAVE}  mode='ok'  [never run]" in out
    assert not project.reports.exists()


def test_second_batch_exits_2_naming_the_holder(project: Project) -> None:
    project.write_plan(f"runs:\n  - {{name: b, notebook: {BEHAVE}}}\n")
    previous = project.fake_previous_report("b")
    fd = os.open(project.reports / ".lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, b"4242 2026-01-01T10:00:00+00:00\n")
        code, _, err = cli("--plan", str(project.plan), "--reports", str(project.reports))
    finally:
        os.close(fd)
    assert code == 2
    assert "another batch is writing the reports (pid 4242, started 2026-01-01T10:00:00+00:00" in err
    assert "--wait" in err
    assert (project.reports / "runs" / "b" / "report.html").read_bytes() == previous
    assert not (project.reports / "manifest.json").exists()


def test_wait_queues_behind_the_holder(project: Project) -> None:
    project.write_plan("runs: []\n")
    project.reports.mkdir()
    fd = os.open(project.reports / ".lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.write(fd, b"4343 2026-01-01T10:00:00+00:00\n")
    timer = threading.Timer(0.5, lambda: os.close(fd))
    timer.start()
    code, out, err = cli("--plan", str(project.plan), "--reports", str(project.reports), "--wait")
    timer.join()
    assert code == 0 and "waiting for the batch" in err and "pid 4343" in err
    assert "nothing changed" in out
    assert (project.reports / "index.html").is_file()


def test_reports_dir_that_cannot_be_created_exit_2(project: Project) -> None:
    project.write_plan(f"runs:\n  - {{name: b, notebook: {BEHAVE}}}\n")
    blocker = project.root / "a_file"
    blocker.write_text("not a directory")
    code, _, err = cli("--plan", str(project.plan), "--reports", str(blocker / "reports"))
    assert code == 2 and "cannot write the reports directory" in err and "Fix:" in err
    assert blocker.read_text() == "not a directory"


def test_unwritable_staging_exit_2_and_reports_intact(project: Project) -> None:
    project.write_plan(f"runs:\n  - {{name: b, notebook: {BEHAVE}}}\n")
    previous = project.fake_previous_report("b")
    (project.reports / ".staging").write_text("a file where the staging folder goes")
    code, _, err = cli("--plan", str(project.plan), "--reports", str(project.reports))
    assert code == 2 and "cannot create the staging folder" in err and "Nothing was run" in err
    assert (project.reports / "runs" / "b" / "report.html").read_bytes() == previous
    assert not (project.reports / "manifest.json").exists()


def test_help_lists_the_options() -> None:
    text = batch.build_parser().format_help()
    for option in (
        "--workers",
        "--force",
        "--show-code",
        "--dry-run",
        "--timeout",
        "--notebook-timeout",
        "-p KEY=VALUE",
        "--plan",
        "--reports",
        "--wait",
        "RUN-PATTERN",
    ):
        assert option in text


# ------------------------------------------------------------------------------------ with kernels


@pytest.mark.slow
def test_each_failure_fails_only_its_run_and_keeps_the_last_good_report(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.write_plan(f"""
        runs:
          - {{name: good, notebook: {BEHAVE}, parameters: {{value: 2}}}}
          - {{name: raises, notebook: {BEHAVE}, parameters: {{mode: raise, value: 7}}}}
          - {{name: hangs, notebook: {BEHAVE}, parameters: {{mode: sleep}}}}
          - {{name: dies, notebook: {BEHAVE}, parameters: {{mode: exit}}}}
          - {{name: too_long, notebook: {BEHAVE}, parameters: {{mode: slow}}}}
          - {{name: disk_full, notebook: {BEHAVE}}}
    """)
    failing = ("raises", "hangs", "dies", "too_long", "disk_full")
    previous = {name: project.fake_previous_report(name) for name in failing}
    real_swap = batch._swap_into_place

    def swap(src: Path, dest: Path, trash: Path) -> None:
        if dest.name == "disk_full":
            raise OSError(28, "No space left on device")
        real_swap(src, dest, trash)

    monkeypatch.setattr(batch, "_swap_into_place", swap)
    summary, out, err = project.run(timeout=3, notebook_timeout=5)

    assert summary.exit_code == 1
    status = {r.name: r for r in summary.results}
    assert status["good"].status == "ok"
    assert (project.reports / "runs" / "good" / "report.html").is_file()
    assert (
        json.loads((project.reports / "runs" / "good" / "key_figures.json").read_text())["figures"][0][
            "value"
        ]
        == 2
    )
    assert (project.reports / "runs" / "good" / "table.csv").is_file()
    expected = {
        "raises": "ValueError: bad value 7 (cell 4)",
        "hangs": "CellTimeoutError: a cell ran longer than 3 s (--timeout)",
        "dies": "DeadKernelError: the kernel died",
        "too_long": "NotebookTimeout: the notebook ran longer than 5 s (--notebook-timeout)",
    }
    manifest = project.manifest()
    for name, message in expected.items():
        assert status[name].status == "failed"
        assert message in status[name].error
        assert message in manifest["runs"][name]["error"]
        assert f"FAILED {name}: {message}" in err
        assert (project.reports / "runs" / name / "report.html").read_bytes() == previous[name]
        failed = project.reports / "failed" / name
        assert (failed / "report.html").is_file()
        nb = json.loads((failed / "executed.ipynb").read_text())
        markers = [
            i
            for i, c in enumerate(nb["cells"])
            if "papermill-error-cell-tag" in c["metadata"].get("tags", [])
        ]
        assert len(markers) == 1
        marker, failing_cell = nb["cells"][markers[0]], nb["cells"][markers[0] + 1]
        assert "Execution failed here" in "".join(marker["source"])
        assert failing_cell["metadata"]["papermill"]["exception"] is True
        assert "injected-parameters" in nb["cells"][2]["metadata"]["tags"]
        kernel_pid = int((failed / "started.txt").read_text())
        assert not pid_alive(kernel_pid), f"kernel of {name} still running"
        assert manifest["runs"][name]["failed_html"] == f"failed/{name}/report.html"
    raises_nb = json.loads((project.reports / "failed" / "raises" / "executed.ipynb").read_text())
    raises_cell = raises_nb["cells"][
        [
            i
            for i, c in enumerate(raises_nb["cells"])
            if "papermill-error-cell-tag" in c["metadata"].get("tags", [])
        ][0]
        + 1
    ]
    assert "raise ValueError" in "".join(raises_cell["source"])
    assert (
        "No space left on device" in status["disk_full"].error
        and "while publishing" in status["disk_full"].error
    )
    assert (project.reports / "runs" / "disk_full" / "report.html").read_bytes() == previous["disk_full"]
    assert manifest["runs"]["disk_full"]["status"] == "failed"
    assert manifest["batch"]["counts"] == {"ok": 1, "failed": 5, "skipped": 0}
    assert (
        not list((project.reports / ".staging").glob("*"))
        if (project.reports / ".staging").exists()
        else True
    )
    assert (project.reports / "index.html").is_file()
    assert "5 failed" in out


@pytest.mark.slow
def test_incremental_skip_rerun_and_what_changed(project: Project) -> None:
    data_file = project.data / "claims.csv"
    project.write_plan(f"""
        runs:
          - {{name: fig, notebook: {FIGURES}, parameters: {{data_file: {data_file}}}}}
    """)
    first, _, _ = project.run()
    assert first.exit_code == 0 and first.results[0].status == "ok"
    record = project.manifest()["runs"]["fig"]
    assert record["tables"] == ["runs/fig/rows.csv"] and record["changes"] == []
    assert {f["name"]: f["value"] for f in record["key_figures"]}["total"] == 35.0

    second, out, _ = project.run()
    assert second.exit_code == 0 and second.results[0].status == "skipped"
    assert f"nothing changed since {record['last_success']}: 1 runs up to date" in out
    assert project.manifest()["batch"]["nothing_changed"] is True

    data_file.write_text("id,value,claim_type\nC1,10,target\nC2,25,target\nC3,5,context\n")
    (project.src / "econ.py").write_text("X = 2\n")
    dry, out, _ = project.run(dry_run=True)
    assert dry.results[0].status == "would run" and "helpers source" in out and "row C2 changed" in out
    third, _, _ = project.run()
    assert third.results[0].status == "ok"
    changes = {c["name"]: c for c in project.manifest()["runs"]["fig"]["changes"]}
    assert set(changes) == {"value_C2", "total"}
    assert changes["value_C2"]["old"] == 20.0 and changes["value_C2"]["new"] == 25.0
    assert changes["value_C2"]["causes"] == ["helpers source", "data/claims.csv row C2 changed"]
    assert changes["total"]["causes"] == ["helpers source", "data/claims.csv row C2 changed"]
    assert project.manifest()["runs"]["fig"]["changes_are_new"] is True

    fourth, _, _ = project.run()
    assert fourth.results[0].status == "skipped"
    after = project.manifest()["runs"]["fig"]
    assert (
        after["changes"] == project.manifest()["runs"]["fig"]["changes"] and after["changes_are_new"] is False
    )

    dry, out, _ = project.run(dry_run=True, overrides={"scale": 2}, show_code=True)
    assert dry.results[0].status == "would run" and "parameter scale" in out and "--show-code" in out


RUNNER = """
import sys
from pathlib import Path
from helpers import batch, manifest as mf
root, data, src = (Path(p) for p in sys.argv[1:4])
sources = mf.Sources(root=root, data_dirs=(data,), source_dirs=(src,))
real_run_batch = batch.run_batch
def run_batch(*args, **kwargs):
    kwargs["sources"] = sources  # the CLI with this project's fake data and helpers folders
    return real_run_batch(*args, **kwargs)
batch.run_batch = run_batch
batch._check_inputs = lambda ctx: None  # fake data, not a claims register
sys.exit(batch.main(sys.argv[4:]))
"""


def cli_process(project: Project, *args: str, python_flags: tuple[str, ...] = ()) -> list[str]:
    """The command line of ``python -m helpers.batch`` on the project, in a fresh interpreter."""
    paths_ = (str(project.root), str(project.data), str(project.src))
    return [
        sys.executable,
        *python_flags,
        "-c",
        RUNNER,
        *paths_,
        "--plan",
        str(project.plan),
        "--reports",
        str(project.reports),
        *args,
    ]


@pytest.mark.slow
def test_noop_rerun_imports_no_execution_machinery(project: Project) -> None:
    project.write_plan(f"runs:\n  - {{name: b, notebook: {BEHAVE}}}\n")
    first = subprocess.run(cli_process(project), capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert first.returncode == 0, first.stderr
    second = subprocess.run(
        cli_process(project, python_flags=("-X", "importtime")),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert second.returncode == 0, second.stderr
    assert "nothing changed since" in second.stdout and "1 runs up to date" in second.stdout
    imported = {
        line.split("|")[-1].strip() for line in second.stderr.splitlines() if line.startswith("import time:")
    }
    for heavy in ("papermill", "nbconvert", "nbclient", "jupyter_client"):
        assert heavy not in imported, f"a no-op batch imported {heavy}"
    assert "helpers.manifest" in imported


@pytest.mark.slow
def test_interrupt_keeps_previous_reports_and_cleans_staging(project: Project) -> None:
    project.write_plan(f"runs:\n  - {{name: hangs, notebook: {BEHAVE}, parameters: {{mode: sleep}}}}\n")
    previous = project.fake_previous_report("hangs")
    proc = subprocess.Popen(
        cli_process(project), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    staging = project.reports / ".staging"
    deadline = time.monotonic() + 120
    started: list[Path] = []
    while time.monotonic() < deadline and not started:
        started = list(staging.glob("*/started.txt")) if staging.is_dir() else []
        time.sleep(0.2)
    assert started, "the notebook never started"
    time.sleep(0.3)
    kernel_pid = int(started[0].read_text())
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "previous reports are intact" in err
    assert not staging.exists() or not any(staging.iterdir())
    assert (project.reports / "runs" / "hangs" / "report.html").read_bytes() == previous
    assert not (project.reports / "failed" / "hangs").exists()
    time.sleep(0.5)
    assert not pid_alive(kernel_pid)
    manifest = project.manifest()
    assert manifest["batch"]["interrupted"] is True and "hangs" not in manifest["runs"]


def test_kernel_that_cannot_start_fails_its_run(project: Project) -> None:
    nb = json.loads(BEHAVE.read_text())
    nb["metadata"]["kernelspec"]["name"] = "no-such-kernel"
    broken = project.root / "nokernel.ipynb"
    broken.write_text(json.dumps(nb))
    project.write_plan(f"runs:\n  - {{name: nokernel, notebook: {broken}}}\n")
    previous = project.fake_previous_report("nokernel")
    summary, _, err = project.run()
    assert summary.exit_code == 1
    result = summary.results[0]
    assert result.status == "failed"
    assert "KernelStartError" in result.error and "no-such-kernel" in result.error
    assert "FAILED nokernel" in err
    assert (project.reports / "runs" / "nokernel" / "report.html").read_bytes() == previous
    assert (project.reports / "failed" / "nokernel" / "executed.ipynb").is_file()


def test_runs_that_left_the_plan_leave_the_reports(project: Project) -> None:
    project.write_plan("runs: []\n")
    project.fake_previous_report("old")
    mf.save_manifest(project.reports / "manifest.json", {"runs": {"old": {"name": "old", "status": "ok"}}})
    code, out, err = cli("--plan", str(project.plan), "--reports", str(project.reports))
    assert code == 0 and "removed 1 run(s) no longer in the plan: old" in err
    assert project.manifest()["runs"] == {} and not (project.reports / "runs" / "old").exists()


@pytest.mark.real_inputs
@pytest.mark.slow
def test_broken_register_stops_the_batch_before_any_kernel_and_keeps_reports(tmp_path: Path, monkeypatch):
    """The real register check: a typo in a copy of the register; nothing runs, last good report stays."""
    import shutil

    from helpers import paths

    data = tmp_path / "data"
    shutil.copytree(paths.DATA, data)
    claims = (data / "claims.csv").read_text(encoding="utf-8")
    (data / "claims.csv").write_text(claims.replace(",6000000000000,", ",600000000000,"), encoding="utf-8")
    reports = tmp_path / "reports"
    good = reports / "runs" / "01_claims_register" / "report.html"
    good.parent.mkdir(parents=True)
    good.write_text("<html>last good</html>")
    plan = tmp_path / "runs.yaml"
    plan.write_text("runs:\n  - name: 01_claims_register\n    notebook: 01_claims_register.ipynb\n")
    sources = mf.Sources(root=tmp_path, data_dirs=(data,), source_dirs=(paths.SRC,))
    with pytest.raises(ProjectError) as caught:
        batch.run_batch(plan, reports, sources=sources, claims_path=data / "claims.csv", out=io.StringIO(),
                        err=io.StringIO())
    message = str(caught.value)
    assert "claims.csv" in message and "600000000000" in message and "value-mismatch" in message
    assert good.read_text() == "<html>last good</html>"
    assert not (reports / "failed").exists() and not list(reports.glob(".staging*/*"))
