"""The batch with real kernels on tiny fixture notebooks (no pandas): faults that fail one run only, incremental
runs, damaged manifests and reports, signals. Each asserts the exit code, the message, and that no published
report was lost, changed or replaced by a wrong one.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest
from batchkit import BEHAVE, FIGURES, ROOT, Project, pid_alive

from helpers.batch.publish import swap_into_place

pytestmark = pytest.mark.slow


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


def markers(nb: dict) -> list[int]:
    return [i for i, c in enumerate(nb["cells"]) if "papermill-error-cell-tag" in c["metadata"].get("tags", [])]


def test_each_failure_fails_only_its_run_and_keeps_the_last_good_report(project: Project) -> None:
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

    def full_disk(src: Path, dest: Path, trash: Path) -> None:
        if dest.name == "disk_full":
            raise OSError(28, "No space left on device")
        swap_into_place(src, dest, trash)

    summary, out, err = project.run(timeout=3, notebook_timeout=5, move=full_disk)
    assert summary.exit_code == 1
    status = {r.name: r for r in summary.results}
    assert status["good"].status == "ok"
    good = project.reports / "runs" / "good"
    assert json.loads((good / "key_figures.json").read_text())["figures"][0]["value"] == 2
    assert (good / "table.csv").is_file() and (good / "report.html").is_file()
    run_json = json.loads((good / "run.json").read_text())
    assert set(run_json["files"]) >= {"runs/good/report.html", "runs/good/key_figures.json", "runs/good/table.csv"}
    expected = {
        "raises": "ValueError: bad value 7 (cell 4)",
        "hangs": "CellTimeoutError: a cell ran longer than 3 s (--timeout)",
        "dies": "DeadKernelError: the kernel died",
        "too_long": "NotebookTimeout: the notebook ran longer than 5 s (--notebook-timeout)",
    }
    manifest = project.manifest()
    for name, message in expected.items():
        assert status[name].status == "failed" and message in status[name].error
        assert message in manifest["runs"][name]["error"] and f"FAILED {name}: {message}" in err
        assert (project.reports / "runs" / name / "report.html").read_bytes() == previous[name]
        failed = project.reports / "failed" / name
        assert (failed / "report.html").is_file()
        nb = json.loads((failed / "executed.ipynb").read_text())
        assert len(markers(nb)) == 1
        marker, failing_cell = nb["cells"][markers(nb)[0]], nb["cells"][markers(nb)[0] + 1]
        assert "Execution failed here" in "".join(marker["source"])
        assert failing_cell["metadata"]["papermill"]["exception"] is True
        assert "injected-parameters" in nb["cells"][2]["metadata"]["tags"]
        assert not pid_alive(int((failed / "started.txt").read_text())), f"kernel of {name} still running"
        assert manifest["runs"][name]["failed_html"] == f"failed/{name}/report.html"
    raises_nb = json.loads((project.reports / "failed" / "raises" / "executed.ipynb").read_text())
    assert "raise ValueError" in "".join(raises_nb["cells"][markers(raises_nb)[0] + 1]["source"])
    assert "No space left on device" in status["disk_full"].error and "while publishing" in status["disk_full"].error
    assert (project.reports / "runs" / "disk_full" / "report.html").read_bytes() == previous["disk_full"]
    assert manifest["runs"]["disk_full"]["status"] == "failed"
    assert manifest["batch"]["counts"] == {"ok": 1, "failed": 5, "skipped": 0}
    assert not list((project.reports / ".staging").glob("*"))
    assert (project.reports / "index.html").is_file() and "5 failed" in out


def test_incremental_skip_rerun_and_what_changed(project: Project) -> None:
    data_file = project.data / "claims.csv"
    project.write_plan(f"runs:\n  - {{name: fig, notebook: {FIGURES}, parameters: {{data_file: {data_file}}}}}\n")
    first, _, _ = project.run()
    assert first.exit_code == 0 and first.results[0].status == "ok"
    record = project.manifest()["runs"]["fig"]
    assert record["tables"] == ["runs/fig/rows.csv"] and record["changes"] == []
    assert {f["name"]: f["value"] for f in record["key_figures"]}["total"] == 35.0

    second, out, _ = project.run()
    assert second.exit_code == 0 and second.results[0].status == "skipped"
    assert f"nothing changed since {record['last_success']}: 1 runs up to date" in out
    assert out.rstrip().splitlines()[-1].endswith(f"; open {project.reports / 'index.html'}")  # where to look
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
    assert project.manifest()["runs"]["fig"]["changes_are_new"] is True

    fourth, _, _ = project.run()
    assert fourth.results[0].status == "skipped" and project.manifest()["runs"]["fig"]["changes_are_new"] is False
    dry, out, _ = project.run(dry_run=True, overrides={"scale": 2}, show_code=True)
    assert dry.results[0].status == "would run" and "parameter scale" in out and "--show-code" in out


def test_a_damaged_or_truncated_report_is_found_and_rebuilt(project: Project) -> None:
    project.write_plan(f"runs:\n  - {{name: b, notebook: {BEHAVE}, parameters: {{value: 3}}}}\n")
    assert project.run()[0].exit_code == 0
    report = project.reports / "runs" / "b" / "report.html"
    good = report.read_bytes()
    report.write_bytes(good[: len(good) // 3])  # a truncated copy, as a full disk or a bad sync leaves it
    dry, out, _ = project.run(dry_run=True)
    assert dry.results[0].status == "would run" and "published files damaged: runs/b/report.html (changed)" in out
    again, _, _ = project.run()
    assert again.results[0].status == "ok" and report.read_bytes().rstrip().endswith(b"</html>")
    assert project.run(dry_run=True)[0].results[0].status == "would skip"  # whole again, and recorded so
    (project.reports / "runs" / "b" / "table.csv").unlink()
    assert "runs/b/table.csv (missing)" in project.run(dry_run=True)[1]


@pytest.mark.parametrize("damage", ["truncated", "wrong-type", "bad-figure", "not-utf8"])
def test_a_damaged_manifest_is_set_aside_and_the_index_keeps_every_report(project: Project, damage: str) -> None:
    project.write_plan(f"""
        runs:
          - {{name: one, notebook: {BEHAVE}, parameters: {{value: 1}}}}
          - {{name: two, notebook: {BEHAVE}, parameters: {{value: 2}}}}
    """)
    assert project.run()[0].exit_code == 0
    path = project.reports / "manifest.json"
    text = path.read_text()
    data = json.loads(text)
    if damage == "truncated":
        path.write_text(text[: len(text) // 2])
    elif damage == "wrong-type":
        data["runs"]["one"] = ["not", "a", "record"]
        path.write_text(json.dumps(data))
    elif damage == "bad-figure":
        data["runs"]["one"]["key_figures"][0]["value"] = "a lot"
        path.write_text(json.dumps(data))
    else:
        path.write_bytes(text.encode()[:40] + b"\xe9" + text.encode()[40:])
    before = project.published()
    summary, out, err = project.run()
    assert summary.exit_code == 0, out + err
    assert "[batch] warning:" in err and ".damaged-" in err
    assert list(project.reports.glob("manifest.json.damaged-*"))
    assert set(project.manifest()["runs"]) == {"one", "two"}
    index = (project.reports / "index.html").read_text(encoding="utf-8")
    assert "runs/one/report.html" in index and "runs/two/report.html" in index
    after = project.published()
    assert set(after) == set(before)  # nothing lost; the damaged runs were rebuilt, the others kept
    assert json.loads((project.reports / "runs" / "two" / "key_figures.json").read_text())["figures"][0]["value"] == 2


def test_the_index_lists_every_published_report_when_the_manifest_is_gone(project: Project) -> None:
    project.write_plan(f"runs:\n  - {{name: one, notebook: {BEHAVE}}}\n  - {{name: two, notebook: {BEHAVE}}}\n")
    assert project.run()[0].exit_code == 0
    (project.reports / "manifest.json").unlink()
    project.write_plan(f"runs:\n  - {{name: one, notebook: {BEHAVE}}}\n")
    summary, _, err = project.run(patterns=("one",))
    assert summary.exit_code == 0 and "kept 1 report(s) not in the plan: two" in err
    index = (project.reports / "index.html").read_text(encoding="utf-8")
    assert "runs/two/report.html" in index and "The value" in index


def test_bad_key_figures_fail_the_run_and_keep_the_last_good_report(project: Project, tmp_path: Path) -> None:
    nb = json.loads(BEHAVE.read_text())
    nb["cells"][-1]["source"] = ("(out / 'key_figures.json').write_text('{\"figures\": [{\"name\": \"x\", "
                                 "\"value\": \"twelve\"}]}')")
    bad = tmp_path / "badfigures.ipynb"
    bad.write_text(json.dumps(nb))
    project.write_plan(f"runs:\n  - {{name: b, notebook: {bad}}}\n")
    previous = project.fake_previous_report("b")
    summary, _, _ = project.run()
    assert summary.exit_code == 1 and "KeyFiguresError" in summary.results[0].error
    assert "figures/0/value: 'twelve' is not of type 'number', 'null'" in summary.results[0].error
    assert (project.reports / "runs" / "b" / "report.html").read_bytes() == previous


def test_kill_9_of_a_kernel_fails_its_run_only(project: Project) -> None:
    project.write_plan(f"""
        runs:
          - {{name: killed, notebook: {BEHAVE}, parameters: {{mode: sleep}}}}
          - {{name: fine, notebook: {BEHAVE}}}
    """)
    previous = project.fake_previous_report("killed")
    proc = subprocess.Popen(project.process(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started = wait_for_kernel(project, "killed")
    import os

    os.kill(int(started.read_text()), signal.SIGKILL)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    assert "DeadKernelError" in out and "ok" in out.splitlines()[-3:][0] + out
    assert (project.reports / "runs" / "killed" / "report.html").read_bytes() == previous
    assert (project.reports / "runs" / "fine" / "report.html").is_file()


def wait_for_kernel(project: Project, name: str, timeout: float = 120) -> Path:
    """The started.txt the fixture notebook writes in its staging folder once its kernel runs."""
    staging = project.reports / ".staging"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = list(staging.glob(f"{name}-*/started.txt")) if staging.is_dir() else []
        if found and found[0].read_text():
            time.sleep(0.3)
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"the notebook of {name} never started")


@pytest.mark.parametrize(("how", "code", "word"), [("SIGINT", 130, "interrupted"), ("SIGTERM", 143, "terminated"),
                                                    ("SIGTERM-with-SIGINT-ignored", 143, "terminated")])
def test_a_signal_stops_the_batch_keeps_reports_and_cleans_up(project: Project, how: str, code: int,
                                                              word: str) -> None:
    import os

    project.write_plan(f"runs:\n  - {{name: hangs, notebook: {BEHAVE}, parameters: {{mode: sleep}}}}\n")
    previous = project.fake_previous_report("hangs")
    ignore_int = how.endswith("ignored")

    def preexec() -> None:  # as a shell script with `trap '' INT` (or a background job) starts it
        if ignore_int:
            signal.signal(signal.SIGINT, signal.SIG_IGN)

    proc = subprocess.Popen(project.process(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=preexec)
    kernel_pid = int(wait_for_kernel(project, "hangs").read_text())
    proc.send_signal(signal.SIGINT if how == "SIGINT" else signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert word in err and "previous reports are intact" in err and "Traceback" not in err
    staging = project.reports / ".staging"
    assert not staging.exists() or not any(staging.iterdir())
    assert (project.reports / "runs" / "hangs" / "report.html").read_bytes() == previous
    assert not (project.reports / "failed" / "hangs").exists()
    time.sleep(0.5)
    assert not pid_alive(kernel_pid)
    manifest = project.manifest()
    assert manifest["batch"]["interrupted"] is True and "hangs" not in manifest["runs"]
    del os


def test_two_batches_at_once_the_second_exits_2_and_the_first_finishes(project: Project) -> None:
    project.write_plan(f"runs:\n  - {{name: b, notebook: {BEHAVE}, parameters: {{mode: slow}}}}\n")
    first = subprocess.Popen(project.process(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for_kernel(project, "b")
    second = subprocess.run(project.process(), cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert second.returncode == 2 and "another batch is writing the reports (pid" in second.stderr
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert (project.reports / "runs" / "b" / "report.html").is_file()


def test_noop_rerun_imports_no_execution_machinery(project: Project) -> None:
    project.write_plan(f"runs:\n  - {{name: b, notebook: {BEHAVE}}}\n")
    first = subprocess.run(project.process(), capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert first.returncode == 0, first.stderr
    second = subprocess.run(project.process(python_flags=("-X", "importtime")), capture_output=True, text=True,
                            cwd=ROOT, timeout=300)
    assert second.returncode == 0, second.stderr
    assert "nothing changed since" in second.stdout and "1 runs up to date" in second.stdout
    imported = {line.split("|")[-1].strip() for line in second.stderr.splitlines() if line.startswith("import time:")}
    for heavy in ("papermill", "nbconvert", "nbclient", "jupyter_client", "nbformat", "lark"):
        assert heavy not in imported, f"a no-op batch imported {heavy}"
    assert "helpers.manifest" in imported


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
    assert result.status == "failed" and "KernelStartError" in result.error and "no-such-kernel" in result.error
    assert "FAILED nokernel" in err
    assert (project.reports / "runs" / "nokernel" / "report.html").read_bytes() == previous
    assert (project.reports / "failed" / "nokernel" / "executed.ipynb").is_file()
