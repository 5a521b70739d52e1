"""The work of one run: execute its notebook (through the options' engine), render it, publish or file it as
failed, and update its manifest record. Any failure, even while publishing (a full disk), fails that run
only and leaves its last good report in place.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers import fingerprint as fpr
from helpers import manifest as mf
from helpers.batch import publish
from helpers.batch.layout import (
    EXECUTED_FILE,
    FAILED_DIR,
    KERNEL_LOG,
    KEY_FIGURES_FILE,
    REPORT_FILE,
    RUNS_DIR,
)
from helpers.batch.options import Options, RunResult
from helpers.batch.outcome import ExecOutcome, ExecRequest
from helpers.batch.pages import PageBuilders
from helpers.batch.progress import Progress
from helpers.plan import Run


@dataclass
class PlannedRun:
    """A selected run with its final parameters and, once the inputs are hashed, its fingerprint."""

    run: Run
    parameters: dict[str, Any]
    declares_output_dir: bool = True
    fingerprint: fpr.Fingerprint | None = None
    skip: bool = False
    reason: str = ""


@dataclass
class BatchState:
    """What the runs of one batch share: the options, the manifest, the snapshot and the staging folder."""

    options: Options
    reports_dir: Path
    manifest: dict[str, Any]
    snapshot: fpr.Snapshot
    staging: Path = Path()
    pages: PageBuilders = field(default_factory=PageBuilders)

    def rel(self, path: Path) -> str:
        """Path relative to the reports directory."""
        return path.relative_to(self.reports_dir).as_posix()


def note_reads(state: BatchState, fp: fpr.Fingerprint, staging: Path) -> None:
    """Put what the kernel read (its reads.json, taken out of the folder) into the run's fingerprint.

    A kernel that recorded nothing (a notebook that does not import helpers, another engine) depends on
    every data file, as before."""
    from helpers import readdeps, reads

    record = reads.read_record(staging)
    (staging / reads.READS_FILE).unlink(missing_ok=True)
    if record is None or not all(Path(f).is_file() for f in record["files"]):
        fp.reads, fp.read_hashes = None, None  # nothing recorded, or paths of another machine (a cluster worker)
        return
    fp.reads = readdeps.relative(record, state.options.sources)
    fp.read_hashes = readdeps.dependencies(fp.reads, state.snapshot)


async def run_one(state: BatchState, pr: PlannedRun, sem: asyncio.Semaphore, progress: Progress) -> RunResult:
    """Execute, render and publish one run; any failure (even in publishing) fails this run only."""
    try:
        return await _run_one(state, pr, sem, progress)
    except Exception as exc:  # noqa: BLE001 - e.g. a full disk while publishing; the other runs go on
        error = f"{type(exc).__name__}: {exc} (while publishing; the last good report is unchanged)"
        record = state.manifest["runs"].get(pr.run.name)
        state.manifest["runs"][pr.run.name] = mf.record_failure(
            record, name=pr.run.name, title=pr.run.title, notebook=pr.run.notebook, parameters=pr.parameters,
            started=state.options.clock(), duration_s=0.0, error=error, failed_html=None)
        progress.finished(pr.run.name, False, error)
        return RunResult(pr.run.name, "failed", 0.0, "", error)


async def _execute(state: BatchState, pr: PlannedRun, staging: Path, started: str) -> ExecOutcome:
    """Run the notebook through the options' engine; a notebook file that cannot be read fails its run."""
    from helpers.batch import engine

    opts = state.options
    params = {**pr.parameters, **({"output_dir": str(staging)} if pr.declares_output_dir else {})}
    try:
        request = ExecRequest(
            notebook_path=pr.run.notebook_path, parameters=params, cwd=pr.run.notebooks_dir,
            kernel_name=engine.notebook_kernel_name(pr.run.notebook_path, opts.kernel_name),
            timeout=opts.timeout, notebook_timeout=opts.notebook_timeout, output_dir=staging,
            kernel_log=staging / KERNEL_LOG,
            papermill_meta={"output_path": str(staging / EXECUTED_FILE), "start_time": started})
        return await opts.engine(request)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # noqa: BLE001 - a broken notebook file fails its run only
        return ExecOutcome(nb=engine.empty_notebook(), ok=False, ename=type(exc).__name__, evalue=str(exc))


async def _run_one(state: BatchState, pr: PlannedRun, sem: asyncio.Semaphore, progress: Progress) -> RunResult:
    from helpers.batch import engine

    run, opts = pr.run, state.options
    async with sem:
        started = opts.clock()
        staging = Path(tempfile.mkdtemp(prefix=f"{run.name}-", dir=state.staging))
        progress.started(run.name)
        try:
            outcome = await _execute(state, pr, staging, started)
        finally:
            progress.stopped()
    nb = outcome.nb
    nb.metadata.setdefault("papermill", {})["end_time"] = opts.clock()

    key_figures: dict[str, Any] | None = None
    if outcome.ok:
        try:
            key_figures = mf.read_key_figures(staging / KEY_FIGURES_FILE)
        except ValueError as exc:
            outcome.ok, outcome.ename, outcome.evalue = False, "KeyFiguresError", str(exc)
    if not outcome.ok and outcome.ename != "KeyFiguresError":
        engine.mark_failure(nb, outcome)
    if outcome.ok:
        (staging / KERNEL_LOG).unlink(missing_ok=True)
    assert pr.fingerprint is not None
    tables = publish.tables(staging)
    meta = {
        "title": run.title, "name": run.name, "notebook": run.notebook, "parameters": pr.parameters,
        "run_started": started, "duration_s": round(outcome.duration_s, 3),
        "status": "ok" if outcome.ok else "failed", "error": outcome.error or None,
        "data_checksums": dict(state.snapshot.data), "versions": fpr.key_versions(state.snapshot.versions),
        "tables": tables,
    }
    built = await state.pages.build(nb, staging, meta, outcome.ok, opts.show_code)
    meta.update(built.meta)
    render_error = ""
    if built.failure is not None:
        kind, render_error = built.failure
        if outcome.ok:
            outcome.ok, outcome.ename, outcome.evalue = False, ("PublishError" if kind == "publish" else
                                                                 "RenderError"), render_error
    record = state.manifest["runs"].get(run.name)
    if outcome.ok:
        return _publish(state, pr, staging, outcome, meta, key_figures, record, progress)
    dest = state.reports_dir / FAILED_DIR / run.name
    opts.move(staging, dest, state.staging)
    failed_html = state.rel(dest / REPORT_FILE) if (dest / REPORT_FILE).is_file() else None
    error = outcome.error + (f"; {render_error}" if render_error and render_error not in outcome.error else "")
    state.manifest["runs"][run.name] = mf.record_failure(
        record, name=run.name, title=run.title, notebook=run.notebook, parameters=pr.parameters, started=started,
        duration_s=outcome.duration_s, error=error, failed_html=failed_html)
    progress.finished(run.name, False, error)
    return RunResult(run.name, "failed", outcome.duration_s, failed_html or state.rel(dest / EXECUTED_FILE), error)


def _publish(state: BatchState, pr: PlannedRun, staging: Path, outcome: ExecOutcome, meta: dict[str, Any],
             key_figures: dict[str, Any] | None, record: dict[str, Any] | None, progress: Progress) -> RunResult:
    """Swap a finished folder into runs/<name>/ with its run.json; the manifest record follows."""
    run = pr.run
    dest = state.reports_dir / RUNS_DIR / run.name
    prefix = state.rel(dest)
    assert pr.fingerprint is not None
    note_reads(state, pr.fingerprint, staging)
    new_record = mf.record_success(
        record, name=run.name, title=run.title, notebook=run.notebook, fp=pr.fingerprint,
        versions=meta["versions"], started=meta["run_started"], duration_s=outcome.duration_s,
        html=f"{prefix}/{REPORT_FILE}", executed_notebook=f"{prefix}/{EXECUTED_FILE}",
        tables=[f"{prefix}/{t}" for t in meta["tables"]], key_figures=key_figures,
        sources=state.options.sources, files=publish.file_hashes(staging, prefix))
    publish.write_run_record(staging, new_record)
    state.options.move(staging, dest, state.staging)
    shutil.rmtree(state.reports_dir / FAILED_DIR / run.name, ignore_errors=True)
    state.manifest["runs"][run.name] = new_record
    note = " (stopped early: SystemExit)" if outcome.stopped_early else ""
    progress.finished(run.name, True, f"{outcome.duration_s:.1f}s{note}")
    return RunResult(run.name, "ok", outcome.duration_s, new_record["html"])
