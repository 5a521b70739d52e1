"""Run the report notebooks of the plan concurrently, publish their HTML atomically, skip what is up to date.

``python -m helpers.batch [RUN-PATTERN ...] [options]`` (see ``--help``). In one process:

1. read and expand the plan (runs.yaml), apply ``-p`` overrides, check every run's parameters
   (nothing runs if any is invalid: exit 2);
2. take the lock on the reports directory, hash the inputs and skip runs whose inputs did not change
   since their last success (a batch with nothing to do imports neither papermill, nbconvert nor nbclient);
3. execute the other runs, each in its own kernel (nbclient's async API, ``--workers`` at a time) in a
   staging folder, render them to HTML and move each folder into ``reports/runs/<name>/`` with a rename;
   a failed run goes to ``reports/failed/<name>/`` and leaves the last good report in place;
4. write ``reports/manifest.json`` and ``reports/index.html`` (atomically).

Exit codes: 0 all good (also when everything was skipped), 1 some run failed, 2 invalid plan, parameters,
lock held or reports directory unusable, 130 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import html
import math
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from helpers import manifest as mf
from helpers import paths
from helpers.errors import BatchLockedError, ParameterError, ProjectError, PublishError, ReportsDirError
from helpers.files import write_atomic
from helpers.params import parameter_problems, read_parameters
from helpers.plan import Expander, Run, load_plan, select_runs

DEFAULT_TIMEOUT = 600.0  # seconds per cell
DEFAULT_NOTEBOOK_TIMEOUT = 1800.0  # seconds per notebook, counted from kernel ready
ERROR_MARKER_TAG = "papermill-error-cell-tag"  # the tag papermill puts on its error marker cells
LOCK_FILE = ".lock"
STAGING_DIR = ".staging"
RUNS_DIR = "runs"
FAILED_DIR = "failed"
REPORT_FILE = "report.html"
EXECUTED_FILE = "executed.ipynb"
KEY_FIGURES_FILE = "key_figures.json"
INDEX_FILE = "index.html"
KERNEL_LOG = "kernel.log"  # the kernel process's own output; kept with a failed run only


def now_iso() -> str:
    """The current time, ISO 8601 with the local UTC offset, to the second."""
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


# ---------------------------------------------------------------------------------------------- results


@dataclass
class RunResult:
    """What happened to one run in this batch."""

    name: str
    status: str  # "ok", "failed", "skipped", "would run", "would skip"
    duration_s: float = 0.0
    path: str = ""  # published report (or failed report) relative to the reports directory
    error: str = ""
    reason: str = ""


@dataclass
class BatchSummary:
    """The outcome of a batch: per-run results, the exit code, and the one-line message."""

    results: list[RunResult] = field(default_factory=list)
    exit_code: int = 0
    message: str = ""
    duration_s: float = 0.0

    def count(self, status: str) -> int:
        """How many runs ended with ``status``."""
        return sum(1 for r in self.results if r.status == status)


# ---------------------------------------------------------------------------------------------- lock


class BatchLock:
    """An exclusive ``flock`` on ``<reports>/.lock`` holding the pid and start time of its holder."""

    def __init__(self, reports_dir: Path, wait: bool = False, err: TextIO | None = None) -> None:
        self.path = reports_dir / LOCK_FILE
        self.wait = wait
        self.err = err or sys.stderr
        self.fd: int | None = None

    def holder(self) -> str:
        """'pid N, started T' as written by the holder (or a note when unreadable)."""
        try:
            text = self.path.read_text(encoding="utf-8").split()
        except OSError:
            text = []
        if len(text) >= 2:
            return f"pid {text[0]}, started {text[1]}"
        return "pid unknown (lock file empty)"

    def acquire(self) -> None:
        """Take the lock, or raise BatchLockedError (with ``wait``: block until the holder finishes)."""
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise ReportsDirError(
                f"{self.path}: cannot create the batch lock file ({exc.strerror}). "
                "Fix: make the reports directory writable or pass --reports DIR"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            who = self.holder()
            if not self.wait:
                os.close(fd)
                raise BatchLockedError(
                    f"{self.path.parent}: another batch is writing the reports ({who}; lock {self.path}). "
                    "Fix: wait for it to finish, or rerun with --wait to start when it is done"
                ) from None
            print(f"[batch] waiting for the batch holding {self.path} ({who}) to finish", file=self.err)
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {now_iso()}\n".encode())
        self.fd = fd

    def release(self) -> None:
        """Release the lock (the file stays; its content describes the last holder)."""
        if self.fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


# ---------------------------------------------------------------------------------------------- planning


@dataclass
class PlannedRun:
    """A selected run with its final parameters and, once the inputs are hashed, its fingerprint."""

    run: Run
    parameters: dict[str, Any]
    fingerprint: mf.Fingerprint | None = None
    skip: bool = False
    reason: str = ""


def parse_overrides(items: list[str]) -> dict[str, Any]:
    """``-p key=value`` items to a dict; values are YAML scalars (2030 -> int, 0.1 -> float, true -> bool)."""
    import yaml

    out: dict[str, Any] = {}
    problems: list[str] = []
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key.isidentifier():
            problems.append(
                f"-p {item!r}: expected key=value with a Python name as key. Fix: write -p name=value"
            )
            continue
        if text == "":
            out[key] = ""
            continue
        try:
            out[key] = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            problems.append(
                f"-p {item!r}: value is not valid YAML ({exc}). Fix: quote it, e.g. -p {key}='\"...\"'"
            )
    if problems:
        raise ParameterError(problems, notebook="the command line")
    return out


def plan_parameters(
    runs: list[Run], overrides: dict[str, Any], claims_path: Path | None, plan_name: str
) -> list[PlannedRun]:
    """Final parameters of every run (plan + applicable overrides), all checked; ParameterError lists all."""
    declared: dict[Path, set[str]] = {}
    problems: list[str] = []
    for run in runs:
        if run.notebook_path not in declared:
            try:
                declared[run.notebook_path] = {p.name for p in read_parameters(run.notebook_path)}
            except ParameterError as exc:
                problems.extend(f"run '{run.name}': {p}" for p in exc.problems)
                declared[run.notebook_path] = set()
    for key in overrides:
        if key == "output_dir":
            problems.append("-p output_dir: the batch sets output_dir itself. Fix: drop -p output_dir")
        elif not any(key in declared[r.notebook_path] for r in runs):
            problems.append(
                f"-p {key}={overrides[key]!r}: no selected run's notebook declares a parameter '{key}'. "
                "Fix: check the spelling, or select runs whose notebooks take it"
            )
    planned: list[PlannedRun] = []
    cache: dict[str, Any] = {}
    by_problem: dict[str, list[str]] = {}  # the same problem in many runs (e.g. a -p override) is said once
    for run in runs:
        params = dict(run.parameters)
        params.update({k: v for k, v in overrides.items() if k in declared[run.notebook_path]})
        checked = {**params, "output_dir": str(Path(tempfile.gettempdir()) / "staging")}
        for problem in parameter_problems(
            run.notebook_path, checked, claims_path=claims_path, where=run.notebook, _cache=cache
        ):
            by_problem.setdefault(problem, []).append(run.name)
        planned.append(PlannedRun(run, params))
    for problem, names in by_problem.items():
        shown = ", ".join(f"'{n}'" for n in names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        problems.append(f"run{'s' if len(names) > 1 else ''} {shown}: {problem}")
    if problems:
        raise ParameterError(
            list(dict.fromkeys(problems)), notebook=f"the runs of {plan_name}; nothing was run"
        )
    return planned


# ---------------------------------------------------------------------------------------------- progress


class Progress:
    """One status line on stderr: rewritten in place on a terminal, plain lines otherwise."""

    def __init__(self, total: int, stream: TextIO, enabled: bool = True) -> None:
        self.total, self.stream, self.enabled = total, stream, enabled
        self.done = self.running = self.failed = 0
        self.start = time.monotonic()
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self._lock = threading.Lock()

    def line(self) -> str:
        """The current status text."""
        return (
            f"[batch] {self.done}/{self.total} done, {self.running} running, {self.failed} failed, "
            f"{time.monotonic() - self.start:.1f}s"
        )

    def event(self, text: str) -> None:
        """Report a run starting or ending."""
        if not self.enabled:
            return
        with self._lock:
            if self.tty:
                self.stream.write("\r\033[K" + self.line())
            else:
                self.stream.write(f"{self.line()}: {text}\n")
            self.stream.flush()

    def tick(self) -> None:
        """Refresh the elapsed time (terminal only)."""
        if self.enabled and self.tty:
            with self._lock:
                self.stream.write("\r\033[K" + self.line())
                self.stream.flush()

    def close(self) -> None:
        """End the status line."""
        if self.enabled and self.tty:
            self.stream.write("\r\033[K")
            self.stream.flush()


# ---------------------------------------------------------------------------------------------- execution


@dataclass
class ExecOutcome:
    """The executed (or partially executed) notebook and how execution ended."""

    nb: Any
    ok: bool
    ename: str = ""
    evalue: str = ""
    cell_index: int | None = None
    duration_s: float = 0.0

    @property
    def error(self) -> str:
        """'EName: value (cell N)' or ''."""
        if self.ok:
            return ""
        where = f" (cell {self.cell_index})" if self.cell_index is not None else ""
        value = self.evalue.strip().splitlines()[0] if self.evalue.strip() else ""
        return f"{self.ename}: {value}{where}" if value else f"{self.ename}{where}"


def _notebook_kernel(nb: Any, default: str) -> tuple[str, str]:
    spec = nb.metadata.get("kernelspec") or {}
    return str(spec.get("name") or default), str(spec.get("language") or "python")


def prepare_notebook(notebook_path: Path, parameters: dict[str, Any], kernel_name: str | None) -> Any:
    """Read a notebook, clear old outputs and inject the parameters the way papermill does."""
    import nbformat
    from papermill.parameterize import parameterize_notebook

    nb = nbformat.read(notebook_path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("papermill", None)
        cell.metadata.setdefault("tags", [])  # papermill's loader does the same; its helpers expect it
    nb.metadata.setdefault("papermill", {})
    kname, language = _notebook_kernel(nb, kernel_name or "python3")
    nb = parameterize_notebook(nb, parameters, kernel_name=kernel_name or kname, language=language)
    nb.metadata.papermill.update({"input_path": str(notebook_path), "environment_variables": {}})
    return nb


def mark_failure(nb: Any, outcome: ExecOutcome) -> None:
    """Put papermill's kind of marker before the failing cell: a red note naming the error."""
    import nbformat

    idx = outcome.cell_index
    text = (
        '<span id="papermill-error-cell" style="color:red; font-family:Helvetica Neue, Helvetica, Arial, '
        'sans-serif; font-size:2em;">Execution failed here and stopped: '
        f"{html.escape(outcome.ename)}: {html.escape(outcome.evalue.strip()[:500])}</span>"
    )
    marker = nbformat.v4.new_markdown_cell(text)
    marker.metadata["tags"] = [ERROR_MARKER_TAG]
    if idx is None or idx >= len(nb.cells):
        nb.cells.insert(0, marker)
        return
    cell = nb.cells[idx]
    cell.metadata.setdefault("papermill", {})["exception"] = True
    cell.metadata["papermill"]["status"] = "failed"
    nb.cells.insert(idx, marker)


def notebook_kernel_name(notebook_path: Path, override: str | None = None) -> str:
    """The kernel a notebook asks for (metadata.kernelspec.name), read as plain JSON; default python3."""
    from helpers.params import load_notebook_json

    if override:
        return override
    spec = load_notebook_json(notebook_path).get("metadata", {}).get("kernelspec") or {}
    return str(spec.get("name") or "python3")


async def execute_notebook(
    notebook_path: Path,
    parameters: dict[str, Any],
    *,
    cwd: Path,
    kernel_name: str,
    timeout: float | None,
    notebook_timeout: float | None,
    kernel_log: Path | None = None,
    papermill_meta: dict[str, Any] | None = None,
) -> ExecOutcome:
    """Execute a notebook with ``parameters`` injected in a new kernel; never raises for notebook errors,
    timeouts, a kernel that dies or cannot start.

    The kernel starts while the notebook is read and parameterized (that import costs seconds).
    ``timeout`` limits each cell (nbclient), ``notebook_timeout`` the whole notebook from kernel ready;
    the kernel is always shut down at the end (killed if need be). Cancellation propagates. The kernel
    process's own output (startup warnings, a crash report) goes to ``kernel_log`` when given.
    """
    from jupyter_client.manager import AsyncKernelManager

    loop = asyncio.get_running_loop()
    state: dict[str, Any] = {"index": None, "timed_out": False, "timer": None, "cell_start": 0.0}
    task: asyncio.Future[Any] | None = None
    started = time.monotonic()
    log = open(kernel_log, "ab") if kernel_log is not None else None  # noqa: SIM115 - closed below
    km = AsyncKernelManager(kernel_name=kernel_name)
    launch: dict[str, Any] = {"cwd": str(cwd)}
    if log is not None:
        launch.update(stdout=log, stderr=log)
    kernel_start = asyncio.ensure_future(km.start_kernel(**launch))
    client: Any = None
    nb: Any = None
    try:
        nb = await asyncio.to_thread(prepare_notebook, notebook_path, parameters, kernel_name)
        nb.metadata.papermill.update(papermill_meta or {})
        outcome = ExecOutcome(nb=nb, ok=True)

        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

        def on_timeout() -> None:
            state["timed_out"] = True
            if task is not None:
                task.cancel()

        def notebook_start(**_: Any) -> None:
            if notebook_timeout:
                state["timer"] = loop.call_later(notebook_timeout, on_timeout)

        def cell_execute(cell: Any, cell_index: int, **_: Any) -> None:
            state["index"] = cell_index
            state["cell_start"] = time.monotonic()
            cell.metadata["papermill"] = {"start_time": now_iso(), "status": "running", "exception": False}

        def cell_executed(cell: Any, cell_index: int, **_: Any) -> None:
            meta = cell.metadata.setdefault("papermill", {})
            meta.update(
                {
                    "end_time": now_iso(),
                    "status": "completed",
                    "duration": round(time.monotonic() - state["cell_start"], 3),
                }
            )

        client = NotebookClient(
            nb,
            km=km,
            timeout=None if not timeout else max(1, math.ceil(timeout)),
            kernel_name=kernel_name,
            resources={"metadata": {"path": str(cwd)}},
            on_notebook_start=notebook_start,
            on_cell_execute=cell_execute,
            on_cell_executed=cell_executed,
            log=_quiet_log(),
        )

        async def run() -> None:
            await kernel_start
            await client.async_execute()

        task = asyncio.ensure_future(run())
        try:
            await task
        except (asyncio.CancelledError, Exception) as exc:  # noqa: BLE001 - every failure becomes the outcome
            me = asyncio.current_task()
            if me is not None and me.cancelling() and not state["timed_out"]:
                raise asyncio.CancelledError from exc
            outcome.ok = False
            outcome.cell_index = state["index"]
            if state["timed_out"]:
                outcome.ename = "NotebookTimeout"
                outcome.evalue = (
                    f"the notebook ran longer than {notebook_timeout:g} s (--notebook-timeout) "
                    "and was stopped"
                )
            elif isinstance(exc, CellTimeoutError):
                outcome.ename = "CellTimeoutError"
                outcome.evalue = f"a cell ran longer than {timeout:g} s (--timeout) and was stopped"
            elif isinstance(exc, DeadKernelError):
                outcome.ename = "DeadKernelError"
                outcome.evalue = (
                    "the kernel died while running this cell (a crash, os._exit or out of memory)"
                )
            elif isinstance(exc, CellExecutionError):
                outcome.ename = exc.ename or "CellExecutionError"
                outcome.evalue = exc.evalue or str(exc)
            else:
                outcome.ename = type(exc).__name__
                outcome.evalue = str(exc)
                if state["index"] is None:
                    outcome.ename = f"KernelStartError ({type(exc).__name__})"
    finally:
        if state["timer"] is not None:
            state["timer"].cancel()
        if not kernel_start.done():
            kernel_start.cancel()
        with contextlib.suppress(BaseException):
            await kernel_start
        await _ensure_kernel_gone(km, client)
        if log is not None:
            log.close()
    outcome.duration_s = time.monotonic() - started
    nb.metadata.papermill.update({"duration": round(outcome.duration_s, 3), "exception": not outcome.ok})
    return outcome


def _quiet_log() -> Any:
    """nbclient's logger for batch runs: its errors are already in the run's outcome and progress line."""
    import logging

    log = logging.getLogger("helpers.batch.nbclient")
    if not log.handlers:
        log.addHandler(logging.NullHandler())
        log.propagate = False
    return log


async def _ensure_kernel_gone(km: Any, client: Any = None) -> None:
    """Stop the client's channels, kill the kernel if it is still alive and free its resources."""
    from jupyter_core.utils import ensure_async

    with contextlib.suppress(Exception):
        if client is not None and getattr(client, "kc", None) is not None:
            client.kc.stop_channels()
    with contextlib.suppress(Exception):
        if km.has_kernel and await ensure_async(km.is_alive()):
            await ensure_async(km.shutdown_kernel(now=True))
    with contextlib.suppress(Exception):
        await ensure_async(km.cleanup_resources())


# ---------------------------------------------------------------------------------------------- publishing


def _swap_into_place(src: Path, dest: Path, trash: Path) -> None:
    """Rename ``src`` to ``dest``: the old ``dest`` is renamed aside first, then deleted."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(src, 0o755)
    old: Path | None = None
    if dest.exists():
        old = Path(tempfile.mkdtemp(prefix=f"{dest.name}-old-", dir=trash))
        old.rmdir()
        os.rename(dest, old)
    try:
        os.rename(src, dest)
    except OSError:
        if old is not None:
            os.rename(old, dest)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _tables(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.csv") if p.is_file())


_render_lock = threading.Lock()


def _render(nb: Any, meta: dict[str, Any], show_code: bool) -> str:
    from helpers.render import render_report

    with _render_lock:
        return render_report(nb, meta, show_code)


def _write_notebook(nb: Any, path: Path) -> None:
    import nbformat

    nbformat.write(nb, str(path))


def _warm_imports() -> None:
    with contextlib.suppress(Exception):
        import nbconvert  # noqa: F401 - imported ahead, in a thread, while the first kernels start


# ---------------------------------------------------------------------------------------------- the batch


@dataclass
class BatchContext:
    """Everything a batch needs, paths injectable for tests."""

    plan_path: Path
    reports_dir: Path
    notebooks_dir: Path
    sources: mf.Sources
    claims_path: Path | None
    kernel_name: str | None
    show_code: bool
    timeout: float | None
    notebook_timeout: float | None
    workers: int
    out: TextIO
    err: TextIO
    progress: bool = True
    snapshot: mf.Snapshot | None = None
    manifest: dict[str, Any] = field(default_factory=dict)
    staging: Path = Path()

    def rel(self, path: Path) -> str:
        """Path relative to the reports directory."""
        return path.relative_to(self.reports_dir).as_posix()


async def _run_one(
    ctx: BatchContext, pr: PlannedRun, sem: asyncio.Semaphore, progress: Progress
) -> RunResult:
    """Execute, render and publish one run; any failure (even in publishing) fails this run only."""
    try:
        return await _run_one_unguarded(ctx, pr, sem, progress)
    except Exception as exc:  # noqa: BLE001 - e.g. a full disk while publishing; the other runs go on
        error = f"{type(exc).__name__}: {exc} (while publishing; the last good report is unchanged)"
        record = ctx.manifest.setdefault("runs", {}).get(pr.run.name)
        ctx.manifest["runs"][pr.run.name] = mf.record_failure(
            record,
            name=pr.run.name,
            title=pr.run.title,
            notebook=pr.run.notebook,
            parameters=pr.parameters,
            started=now_iso(),
            duration_s=0.0,
            error=error,
            failed_html=None,
        )
        progress.done += 1
        progress.failed += 1
        progress.event(f"FAILED {pr.run.name}: {error}")
        return RunResult(pr.run.name, "failed", 0.0, "", error)


async def _run_one_unguarded(
    ctx: BatchContext, pr: PlannedRun, sem: asyncio.Semaphore, progress: Progress
) -> RunResult:
    run = pr.run
    async with sem:
        started_iso = now_iso()
        staging = Path(tempfile.mkdtemp(prefix=f"{run.name}-", dir=ctx.staging))
        params = {**pr.parameters, "output_dir": str(staging)}
        progress.running += 1
        progress.event(f"start {run.name}")
        try:
            outcome = await execute_notebook(
                run.notebook_path,
                params,
                cwd=run.notebooks_dir,
                kernel_name=notebook_kernel_name(run.notebook_path, ctx.kernel_name),
                timeout=ctx.timeout,
                notebook_timeout=ctx.notebook_timeout,
                kernel_log=staging / KERNEL_LOG,
                papermill_meta={"output_path": str(staging / EXECUTED_FILE), "start_time": started_iso},
            )
            nb = outcome.nb
        except asyncio.CancelledError:
            progress.running -= 1
            raise
        except Exception as exc:  # noqa: BLE001 - a broken notebook file fails its run only
            import nbformat

            nb = nbformat.v4.new_notebook()
            nb.metadata["papermill"] = {}
            outcome = ExecOutcome(nb=nb, ok=False, ename=type(exc).__name__, evalue=str(exc))
        progress.running -= 1
    nb.metadata.papermill["end_time"] = now_iso()

    key_figures: dict[str, Any] | None = None
    if outcome.ok:
        try:
            key_figures = mf.read_key_figures(staging / KEY_FIGURES_FILE)
        except ValueError as exc:
            outcome.ok, outcome.ename, outcome.evalue = False, "KeyFiguresError", str(exc)
    if not outcome.ok and outcome.ename not in ("KeyFiguresError",):
        mark_failure(nb, outcome)

    assert ctx.snapshot is not None and pr.fingerprint is not None
    if outcome.ok:
        (staging / KERNEL_LOG).unlink(missing_ok=True)
    tables = _tables(staging)
    meta = {
        "title": run.title,
        "name": run.name,
        "notebook": run.notebook,
        "parameters": pr.parameters,
        "run_started": started_iso,
        "duration_s": round(outcome.duration_s, 3),
        "status": "ok" if outcome.ok else "failed",
        "error": outcome.error or None,
        "data_checksums": dict(ctx.snapshot.data),
        "versions": mf.key_versions(ctx.snapshot.versions),
        "tables": tables,
    }
    await asyncio.to_thread(_write_notebook, nb, staging / EXECUTED_FILE)
    render_error = ""
    from helpers import companions

    try:
        if outcome.ok:  # companions, part 1: workbook, download links, claim reviews (helpers.companions)
            meta.update(await asyncio.to_thread(companions.prepare_run, staging, meta))
        page = await asyncio.to_thread(_render, nb, meta, ctx.show_code)
        (staging / REPORT_FILE).write_text(page, encoding="utf-8")
        if outcome.ok:  # companions, part 2: the page's PDF
            await asyncio.to_thread(companions.write_run_pdf, staging / REPORT_FILE)
    except PublishError as exc:
        render_error = f"publishing failed: {exc}"
        if outcome.ok:
            outcome.ok, outcome.ename, outcome.evalue = False, "PublishError", render_error
    except Exception as exc:  # noqa: BLE001 - a rendering failure fails this run only
        render_error = f"HTML rendering failed: {type(exc).__name__}: {exc}"
        if outcome.ok:
            outcome.ok, outcome.ename, outcome.evalue = False, "RenderError", render_error

    runs_dir, failed_dir = ctx.reports_dir / RUNS_DIR, ctx.reports_dir / FAILED_DIR
    record = ctx.manifest.setdefault("runs", {}).get(run.name)
    if outcome.ok:
        dest = runs_dir / run.name
        _swap_into_place(staging, dest, ctx.staging)
        shutil.rmtree(failed_dir / run.name, ignore_errors=True)
        ctx.manifest["runs"][run.name] = mf.record_success(
            record,
            name=run.name,
            title=run.title,
            notebook=run.notebook,
            fp=pr.fingerprint,
            versions=meta["versions"],
            started=started_iso,
            duration_s=outcome.duration_s,
            html=ctx.rel(dest / REPORT_FILE),
            executed_notebook=ctx.rel(dest / EXECUTED_FILE),
            tables=[ctx.rel(dest / t) for t in tables],
            key_figures=key_figures,
            sources=ctx.sources,
        )
        progress.done += 1
        progress.event(f"ok {run.name} ({outcome.duration_s:.1f}s)")
        return RunResult(run.name, "ok", outcome.duration_s, ctx.rel(dest / REPORT_FILE))
    dest = failed_dir / run.name
    _swap_into_place(staging, dest, ctx.staging)
    failed_html = ctx.rel(dest / REPORT_FILE) if (dest / REPORT_FILE).is_file() else None
    error = outcome.error + (
        f"; {render_error}" if render_error and render_error not in outcome.error else ""
    )
    ctx.manifest["runs"][run.name] = mf.record_failure(
        record,
        name=run.name,
        title=run.title,
        notebook=run.notebook,
        parameters=pr.parameters,
        started=started_iso,
        duration_s=outcome.duration_s,
        error=error,
        failed_html=failed_html,
    )
    progress.done += 1
    progress.failed += 1
    progress.event(f"FAILED {run.name}: {error}")
    return RunResult(
        run.name, "failed", outcome.duration_s, failed_html or ctx.rel(dest / EXECUTED_FILE), error
    )


async def _execute_all(ctx: BatchContext, todo: list[PlannedRun], progress: Progress) -> list[RunResult]:
    loop = asyncio.get_running_loop()
    real_add, real_remove = loop.add_signal_handler, loop.remove_signal_handler

    # nbclient installs SIGINT/SIGTERM handlers per notebook and removes them when one ends, which
    # would swallow Ctrl-C; the batch handles interruption itself (asyncio cancels the main task).
    def add_signal_handler(sig: int, callback: Callable[..., Any], *args: Any) -> None:
        if sig not in (signal.SIGINT, signal.SIGTERM):
            real_add(sig, callback, *args)

    def remove_signal_handler(sig: int) -> bool:
        return False if sig in (signal.SIGINT, signal.SIGTERM) else real_remove(sig)

    loop.add_signal_handler = add_signal_handler  # type: ignore[method-assign]
    loop.remove_signal_handler = remove_signal_handler  # type: ignore[method-assign]
    threading.Thread(target=_warm_imports, daemon=True).start()
    sem = asyncio.Semaphore(max(1, ctx.workers))
    tasks = [asyncio.ensure_future(_run_one(ctx, pr, sem, progress)) for pr in todo]

    async def ticker() -> None:
        while True:
            await asyncio.sleep(1.0)
            progress.tick()

    tick = asyncio.ensure_future(ticker())
    try:
        return list(await asyncio.gather(*tasks))
    finally:
        tick.cancel()
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, tick, return_exceptions=True)


def _prepare_reports_dir(reports_dir: Path) -> None:
    try:
        reports_dir.mkdir(parents=True, exist_ok=True)
        probe = Path(tempfile.mkstemp(prefix=".write-test-", dir=reports_dir)[1])
        probe.unlink()
    except OSError as exc:
        raise ReportsDirError(
            f"{reports_dir}: cannot write the reports directory ({exc.strerror or exc}). Nothing was run "
            "and no report was changed. Fix: make it writable, or pass --reports DIR "
            "(or set PAKCLAIMS_REPORTS)"
        ) from None


def _prepare_staging(reports_dir: Path) -> Path:
    staging = reports_dir / STAGING_DIR
    try:
        if staging.exists() and not staging.is_dir():
            raise NotADirectoryError(20, "not a directory", str(staging))
        if staging.is_dir():
            shutil.rmtree(staging)  # left over from a batch that was killed; we hold the lock
        staging.mkdir(parents=True)
        for sub in (RUNS_DIR, FAILED_DIR):
            (reports_dir / sub).mkdir(exist_ok=True)
    except OSError as exc:
        raise ReportsDirError(
            f"{staging}: cannot create the staging folder ({exc.strerror or exc}). Nothing was run and no "
            f"report was changed. Fix: make {reports_dir} writable (remove a file named {staging.name} there)"
        ) from None
    return staging


def _write_index(ctx: BatchContext) -> str:
    """Rewrite index.html from the manifest; returns an error text instead of raising."""
    try:
        from helpers.companions import INDEX_DOWNLOADS
        from helpers.render import render_index

        write_atomic(ctx.reports_dir / INDEX_FILE, render_index(ctx.manifest, downloads=INDEX_DOWNLOADS))
    except Exception as exc:  # noqa: BLE001 - the reports are published; a broken index is reported
        return f"index.html not updated: {type(exc).__name__}: {exc}"
    try:  # companions of the index: claims.jsonld and index.pdf (helpers.companions)
        from helpers import companions

        companions.publish_index(ctx.reports_dir, ctx.manifest, INDEX_FILE)
    except PublishError as exc:
        return f"index companions not updated: {exc}"
    return ""


def _summary_lines(summary: BatchSummary, reports_dir: Path) -> list[str]:
    lines = []
    width = max((len(r.name) for r in summary.results), default=10)
    for r in summary.results:
        dur = f"{r.duration_s:6.1f}s" if r.status in ("ok", "failed") else "      -"
        where = str(reports_dir / r.path) if r.path else ""
        extra = f"  {r.error}" if r.error else (f"  ({r.reason})" if r.reason and r.status != "ok" else "")
        lines.append(f"{r.status:<10} {r.name:<{width}} {dur}  {where}{extra}".rstrip())
    return lines


def run_batch(
    plan_path: str | Path | None = None,
    reports_dir: str | Path | None = None,
    *,
    patterns: list[str] | tuple[str, ...] = (),
    workers: int | None = None,
    force: bool = False,
    show_code: bool = False,
    dry_run: bool = False,
    timeout: float | None = DEFAULT_TIMEOUT,
    notebook_timeout: float | None = DEFAULT_NOTEBOOK_TIMEOUT,
    overrides: dict[str, Any] | None = None,
    wait: bool = False,
    notebooks_dir: str | Path | None = None,
    sources: mf.Sources | None = None,
    claims_path: str | Path | None = None,
    expanders: dict[str, Expander] | None = None,
    kernel_name: str | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
    progress: bool = True,
) -> BatchSummary:
    """Run the plan's selected runs; returns the summary (exit_code 0/1); raises ProjectError (exit 2).

    Paths default to the project's (``paths``); tests pass their own plan, reports, notebooks and input
    folders. KeyboardInterrupt propagates after kernels are stopped, staging is cleaned and the manifest
    records the runs that finished.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    t0 = time.monotonic()
    plan = Path(plan_path) if plan_path is not None else paths.RUN_PLAN
    reports = Path(reports_dir) if reports_dir is not None else paths.REPORTS
    nb_dir = Path(notebooks_dir) if notebooks_dir is not None else paths.NOTEBOOKS
    src = sources or mf.Sources()
    claims = Path(claims_path) if claims_path is not None else None

    all_runs = load_plan(plan, notebooks_dir=nb_dir, expanders=expanders)
    runs = select_runs(all_runs, list(patterns))
    planned = plan_parameters(runs, overrides or {}, claims, plan.name)
    ctx = BatchContext(
        plan_path=plan,
        reports_dir=reports.resolve() if reports.exists() else reports.absolute(),
        notebooks_dir=nb_dir,
        sources=src,
        claims_path=claims,
        kernel_name=kernel_name,
        show_code=show_code,
        timeout=timeout,
        notebook_timeout=notebook_timeout,
        workers=workers or os.cpu_count() or 1,
        out=out,
        err=err,
        progress=progress,
    )

    if dry_run:
        return _dry_run(ctx, planned, force, t0)

    _prepare_reports_dir(ctx.reports_dir)
    ctx.reports_dir = ctx.reports_dir.resolve()
    lock = BatchLock(ctx.reports_dir, wait=wait, err=err)
    lock.acquire()
    try:
        # with the whole plan selected, runs that left the plan leave the reports too
        retire = None if patterns else {r.name for r in all_runs}
        return _locked_batch(ctx, planned, force, t0, retire_except=retire)
    finally:
        lock.release()


def _decide(ctx: BatchContext, planned: list[PlannedRun], force: bool) -> None:
    ctx.snapshot = mf.take_snapshot(ctx.sources)
    runs_rec = ctx.manifest.get("runs", {})
    for pr in planned:
        pr.fingerprint = mf.fingerprint(ctx.snapshot, pr.run.notebook_path, pr.parameters, ctx.show_code)
        pr.skip, pr.reason = mf.skip_reason(
            runs_rec.get(pr.run.name), pr.fingerprint, ctx.sources, ctx.reports_dir, force
        )


def _dry_run(ctx: BatchContext, planned: list[PlannedRun], force: bool, t0: float) -> BatchSummary:
    ctx.manifest = mf.load_manifest(ctx.reports_dir / mf.MANIFEST_FILE)
    _decide(ctx, planned, force)
    summary = BatchSummary()
    width = max((len(p.run.name) for p in planned), default=10)
    for pr in planned:
        params = ", ".join(f"{k}={v!r}" for k, v in pr.parameters.items()) or "(defaults)"
        verdict = "skip" if pr.skip else "run "
        print(f"{verdict}  {pr.run.name:<{width}}  {pr.run.notebook}  {params}  [{pr.reason}]", file=ctx.out)
        summary.results.append(
            RunResult(pr.run.name, "would skip" if pr.skip else "would run", reason=pr.reason)
        )
    n_run = summary.count("would run")
    summary.message = f"dry run: {len(planned)} runs, {n_run} would run, {len(planned) - n_run} up to date"
    print(summary.message, file=ctx.out)
    summary.duration_s = time.monotonic() - t0
    return summary


def _retire(ctx: BatchContext, keep: set[str]) -> list[str]:
    """Drop runs that are no longer in the plan from the manifest and delete their report folders."""
    gone = sorted(name for name in ctx.manifest["runs"] if name not in keep)
    for name in gone:
        del ctx.manifest["runs"][name]
        for sub in (RUNS_DIR, FAILED_DIR):
            shutil.rmtree(ctx.reports_dir / sub / name, ignore_errors=True)
    return gone


def _check_inputs(ctx: BatchContext) -> None:
    """Validate the register, exclusions, coverage and rates (every problem listed); skipped when all runs are
    up to date, since their inputs passed this check when they last succeeded."""
    from helpers.claims import check_inputs

    if ctx.claims_path is not None:
        check_inputs(claims_path=ctx.claims_path)
    else:
        check_inputs()


def _locked_batch(
    ctx: BatchContext,
    planned: list[PlannedRun],
    force: bool,
    t0: float,
    retire_except: set[str] | None = None,
) -> BatchSummary:
    ctx.manifest = mf.load_manifest(ctx.reports_dir / mf.MANIFEST_FILE)
    ctx.manifest.setdefault("runs", {})
    started = now_iso()
    _decide(ctx, planned, force)
    assert ctx.snapshot is not None
    todo = [pr for pr in planned if not pr.skip]
    if todo:
        _check_inputs(ctx)  # a broken register stops the batch before any kernel starts; nothing is touched
    ctx.staging = _prepare_staging(ctx.reports_dir)
    retired = _retire(ctx, retire_except) if retire_except is not None else []
    if retired:
        print(
            f"[batch] removed {len(retired)} run(s) no longer in the plan: {', '.join(retired)}", file=ctx.err
        )
    summary = BatchSummary()
    results: dict[str, RunResult] = {}
    for pr in planned:
        if pr.skip:
            ctx.manifest["runs"][pr.run.name] = mf.mark_skipped(ctx.manifest["runs"][pr.run.name])
            rec = ctx.manifest["runs"][pr.run.name]
            results[pr.run.name] = RunResult(
                pr.run.name, "skipped", 0.0, rec.get("html") or "", reason=pr.reason
            )

    interrupted = False
    if todo:
        progress = Progress(len(todo), ctx.err, enabled=ctx.progress)
        try:
            for r in asyncio.run(_execute_all(ctx, todo, progress)):
                results[r.name] = r
        except KeyboardInterrupt:
            interrupted = True
        finally:
            progress.close()
            shutil.rmtree(ctx.staging, ignore_errors=True)
        if interrupted:
            # runs that finished before the interrupt are published and recorded in the manifest
            for pr in todo:
                rec = ctx.manifest["runs"].get(pr.run.name) or {}
                if pr.run.name not in results and rec.get("last_attempt", "") >= started:
                    results[pr.run.name] = RunResult(
                        pr.run.name,
                        "ok" if rec.get("status") == "ok" else "failed",
                        rec.get("duration_s") or 0.0,
                        rec.get("html") or "",
                    )
    else:
        shutil.rmtree(ctx.staging, ignore_errors=True)

    summary.results = [results[pr.run.name] for pr in planned if pr.run.name in results]
    n_ok, n_failed, n_skipped = summary.count("ok"), summary.count("failed"), summary.count("skipped")
    if not todo:
        times = [r.get("last_success") for r in ctx.manifest["runs"].values() if r.get("last_success")]
        since = max(times) if times else "?"
        summary.message = f"nothing changed since {since}: {n_skipped} runs up to date"
    else:
        summary.message = (
            f"{len(summary.results)} runs: {n_ok} ok, {n_failed} failed, {n_skipped} skipped (up to date)"
            + (" -- INTERRUPTED, the other runs were not executed" if interrupted else "")
        )
    summary.duration_s = time.monotonic() - t0
    ctx.manifest["generated"] = now_iso()
    ctx.manifest["environment"] = ctx.snapshot.versions
    ctx.manifest["batch"] = {
        "started": started,
        "finished": now_iso(),
        "duration_s": round(summary.duration_s, 3),
        "counts": {"ok": n_ok, "failed": n_failed, "skipped": n_skipped},
        "executed": [r.name for r in summary.results if r.status in ("ok", "failed")],
        "skipped": [r.name for r in summary.results if r.status == "skipped"],
        "failed": [r.name for r in summary.results if r.status == "failed"],
        "interrupted": interrupted,
        "nothing_changed": not todo,
        "message": summary.message,
    }
    index_problem = ""
    try:
        mf.save_manifest(ctx.reports_dir / mf.MANIFEST_FILE, ctx.manifest)
        index_problem = _write_index(ctx)
    except OSError as exc:
        index_problem = f"manifest.json not written: {exc}"

    for line in _summary_lines(summary, ctx.reports_dir):
        print(line, file=ctx.out)
    print(f"{summary.message} in {summary.duration_s:.1f}s", file=ctx.out)
    if index_problem:
        print(f"[batch] warning: {index_problem}", file=ctx.err)
    if interrupted:
        raise KeyboardInterrupt
    summary.exit_code = 1 if n_failed else 0
    return summary


# ---------------------------------------------------------------------------------------------- CLI


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface of ``python -m helpers.batch``."""
    p = argparse.ArgumentParser(
        prog="python -m helpers.batch",
        description=(
            "Execute the report notebooks of the run plan, render them to HTML in the reports directory "
            "and rewrite its index. Runs whose inputs did not change since their last success are skipped."
        ),
        epilog="Exit codes: 0 all good (also when all were skipped), 1 a run failed, "
        "2 invalid plan/parameters, lock held or reports directory not writable, 130 interrupted.",
    )
    p.add_argument(
        "patterns",
        nargs="*",
        metavar="RUN-PATTERN",
        help="run names or fnmatch patterns (e.g. '10_*'); default: every run",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="notebooks executed at the same time (default: number of CPUs)",
    )
    p.add_argument("--force", action="store_true", help="re-run every selected run, even if up to date")
    p.add_argument("--show-code", action="store_true", help="show code cells in the HTML reports")
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="print the expanded plan and what would run or be skipped; run nothing",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"seconds a single cell may run (default {DEFAULT_TIMEOUT:g}; 0 = no limit)",
    )
    p.add_argument(
        "--notebook-timeout",
        type=float,
        default=DEFAULT_NOTEBOOK_TIMEOUT,
        help="seconds a notebook may run once its kernel is ready "
        f"(default {DEFAULT_NOTEBOOK_TIMEOUT:g}; 0 = no limit)",
    )
    p.add_argument(
        "-p",
        "--parameter",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set a parameter for every selected run whose notebook declares it; "
        "the value is read as YAML (2030 -> int, 0.1 -> float, true -> bool)",
    )
    p.add_argument("--plan", type=Path, default=None, help=f"run plan (default {paths.RUN_PLAN})")
    p.add_argument("--reports", type=Path, default=None, help=f"reports directory (default {paths.REPORTS})")
    p.add_argument(
        "--wait",
        action="store_true",
        help="if another batch holds the reports lock, wait for it instead of exiting",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point: returns the exit code."""
    args = build_parser().parse_args(argv)
    if args.workers is not None and args.workers < 1:
        print("--workers must be at least 1. Fix: pass --workers 1 or more", file=sys.stderr)
        return 2
    if threading.current_thread() is threading.main_thread():
        # SIGTERM stops a batch like Ctrl-C: kernels are stopped, staging is cleaned
        signal.signal(signal.SIGTERM, lambda *_: signal.raise_signal(signal.SIGINT))
    try:
        overrides = parse_overrides(args.parameter)
        summary = run_batch(
            args.plan,
            args.reports,
            patterns=args.patterns,
            workers=args.workers,
            force=args.force,
            show_code=args.show_code,
            dry_run=args.dry_run,
            timeout=args.timeout or None,
            notebook_timeout=args.notebook_timeout or None,
            overrides=overrides,
            wait=args.wait,
        )
    except ProjectError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(
            "interrupted: finished runs are published, the others were stopped; previous reports are "
            "intact and the staging folder is cleaned",
            file=sys.stderr,
        )
        return 130
    return summary.exit_code


if __name__ == "__main__":
    sys.exit(main())
