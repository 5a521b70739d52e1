"""Faults of the machine, made real in a private mount namespace (``unshare``): a read-only reports folder
and a full disk. The batch must refuse or fail the run, exit with its code, and lose no published report.
Skipped, with the reason, where the user may not mount (then test_batch covers read-only folders by chmod).
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from batchkit import BEHAVE, ROOT, Project

pytestmark = pytest.mark.slow


def can_mount() -> str:
    """'' when a private mount namespace with tmpfs and read-only bind mounts works here, else why not."""
    if shutil.which("unshare") is None:
        return "unshare is not installed"
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                            "mount -t tmpfs -o size=64k tmpfs /mnt && mount -o remount,ro /mnt"],
                           capture_output=True, text=True)
    return "" if probe.returncode == 0 else f"cannot mount here: {probe.stderr.strip() or probe.returncode}"


REASON = can_mount()


def in_namespace(setup: str, project: Project, after: str = "") -> subprocess.CompletedProcess:
    """Run ``setup`` then the batch CLI on ``project`` in a private mount namespace, then ``after``."""
    command = " ".join(shlex.quote(a) for a in project.process())
    script = f"set -e\n{setup}\nset +e\n{command}\ncode=$?\n{after}\nexit $code\n"
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "bash", "-c", script], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.skipif(bool(REASON), reason=REASON or "mounts work")
def test_a_read_only_runs_folder_exit_2_before_any_kernel(tmp_path: Path) -> None:
    project = Project(tmp_path)
    project.write_plan(f"runs:\n  - {{name: b, notebook: {BEHAVE}}}\n")
    previous = project.fake_previous_report("b")
    runs = shlex.quote(str(project.reports / "runs"))
    result = in_namespace(f"mount --bind {runs} {runs}\nmount -o remount,ro,bind {runs}", project)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "cannot write runs/" in result.stderr and "Read-only file system" in result.stderr
    assert "Nothing was run" in result.stderr and "Traceback" not in result.stderr
    assert (project.reports / "runs" / "b" / "report.html").read_bytes() == previous
    assert not (project.reports / ".staging").exists() and not any((project.reports / "failed").glob("*"))


@pytest.mark.skipif(bool(REASON), reason=REASON or "mounts work")
def test_a_full_disk_fails_the_run_and_keeps_the_last_good_report(tmp_path: Path) -> None:
    project = Project(tmp_path)
    project.write_plan(f"runs:\n  - {{name: b, notebook: {BEHAVE}}}\n")
    previous = project.fake_previous_report("b")
    saved = tmp_path / "saved"
    shutil.copytree(project.reports, saved)
    after = tmp_path / "after"
    reports, keep, out = (shlex.quote(str(p)) for p in (project.reports, saved, after))
    setup = f"mount -t tmpfs -o size=48k tmpfs {reports}\ncp -a {keep}/. {reports}/"
    result = in_namespace(setup, project, after=f"mkdir -p {out} && cp -a {reports}/. {out}/")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "No space left on device" in result.stdout + result.stderr and "Traceback" not in result.stderr
    assert (after / "runs" / "b" / "report.html").read_bytes() == previous
    assert not list((after / ".staging").glob("*")) if (after / ".staging").exists() else True
