"""One batch, from the plan to the index, driven by one :class:`~helpers.batch.options.Options` object.

1. read and expand the plan, apply ``-p`` overrides and check every run's parameters against its notebook's
   schema (nothing runs if any is invalid: ProjectError, exit 2; also under ``--dry-run``);
2. take the lock, load the manifest (a damaged one is set aside), hash the inputs and decide: skip runs whose
   inputs and published files did not change since their last success, retire reports only with ``--prune``;
3. when anything would run: inputs that are not UTF-8 text and the register check stop the batch before any
   kernel starts (exit 2, every reason printed and shown on the index); so does an unwritable reports folder;
4. execute the other runs (``--workers`` at a time), publish each atomically, then write the manifest and the
   index. SIGINT and SIGTERM stop the kernels, clean the staging folder and keep every published report.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers import fingerprint as fpr
from helpers import manifest as mf
from helpers import paths
from helpers.batch import publish, sweeps
from helpers.batch.layout import INDEX_FILE
from helpers.batch.lock import BatchLock
from helpers.batch.options import EXIT_FAILED, EXIT_OK, BatchSummary, Options, RunResult
from helpers.batch.outcome import reason_text
from helpers.batch.pages import PageBuilders
from helpers.batch.progress import Progress
from helpers.batch.tasks import BatchState, PlannedRun, run_one
from helpers.errors import (
    BatchTerminated,
    InputError,
    ParameterError,
    PlanError,
    Problem,
    ProjectError,
)
from helpers.params import parameter_problems, read_parameters
from helpers.paramschema import Register
from helpers.plan import Run, load_plan, select_runs


def plan_parameters(runs: list[Run], overrides: dict[str, Any], claims_path: Path | None,
                    plan_name: str) -> list[PlannedRun]:
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
            problems.append(f"-p {key}={overrides[key]!r}: no selected run's notebook declares a parameter "
                            f"'{key}'. Fix: check the spelling, or select runs whose notebooks take it")
    planned: list[PlannedRun] = []
    register = Register(claims_path)
    by_problem: dict[str, list[str]] = {}  # the same problem in many runs (e.g. a -p override) is said once
    for run in runs:
        names = declared[run.notebook_path]
        params = dict(run.parameters)
        params.update({k: v for k, v in overrides.items() if k in names})
        checked = {**params, **({"output_dir": "staging"} if "output_dir" in names else {})}
        own = params.get("claims_path")
        reg = Register(own) if isinstance(own, str) and own else register
        for problem in parameter_problems(run.notebook_path, checked, where=run.notebook, register=reg):
            by_problem.setdefault(problem, []).append(run.name)
        planned.append(PlannedRun(run, params, declares_output_dir="output_dir" in names))
    for problem, names_ in by_problem.items():
        shown = ", ".join(f"'{n}'" for n in names_[:3]) + (f" and {len(names_) - 3} more" if len(names_) > 3 else "")
        problems.append(f"run{'s' if len(names_) > 1 else ''} {shown}: {problem}")
    if problems:
        raise ParameterError(list(dict.fromkeys(problems)), notebook=f"the runs of {plan_name}; nothing was run")
    return planned


def run_batch(options: Options) -> BatchSummary:
    """Run the plan's selected runs; returns the summary (exit_code 0/1); raises ProjectError (exit 2).

    KeyboardInterrupt (BatchTerminated for SIGTERM) propagates after kernels are stopped, staging is cleaned
    and the manifest records the runs that finished.
    """
    t0 = time.monotonic()
    all_runs = load_plan(options.plan_path, notebooks_dir=options.notebooks_dir, expanders=options.expanders)
    if options.prune and not all_runs:
        raise PlanError(f"{options.plan_path}: the plan has no runs, so --prune would retire every report. "
                        "Nothing was run or removed. Fix: add the runs to the plan, or remove report folders by hand")
    runs = select_runs(all_runs, list(options.patterns))
    planned = plan_parameters(runs, options.overrides, options.claims_path, options.plan_path.name)
    reports = options.reports_dir
    reports = reports.resolve() if reports.exists() else reports.absolute()
    plan_names = [r.name for r in all_runs]
    if options.dry_run:
        manifest = mf.load_manifest(reports / mf.MANIFEST_FILE, repair=False,  # nothing is moved or written
                                    warn=lambda text: print(f"[batch] warning: {text}", file=options.err))
        return _dry_run(options, reports, manifest, planned, plan_names, t0)
    publish.check_reports_dir(reports)
    reports = reports.resolve()
    lock = BatchLock(reports, options.clock(), wait=options.wait, err=options.err)
    lock.acquire()
    try:
        return _locked_batch(options, reports, planned, plan_names, t0)
    finally:
        lock.release()


def _decide(options: Options, reports: Path, manifest: dict[str, Any], planned: list[PlannedRun]) -> fpr.Snapshot:
    known = {"signature": manifest.get("environment_signature"), "versions": manifest.get("environment")}
    versions, signature = fpr.cached_versions(known)
    manifest["environment_signature"] = signature
    snapshot = fpr.take_snapshot(options.sources, versions=versions)
    for pr in planned:
        record = manifest["runs"].get(pr.run.name)
        pr.fingerprint = fpr.fingerprint(snapshot, pr.run.notebook_path, pr.parameters, options.show_code,
                                         record if record and record.get("status") == "ok" else None)
        pr.skip, pr.reason = fpr.skip_reason(record, pr.fingerprint, options.sources, reports, options.force)
    return snapshot


def _dry_run(options: Options, reports: Path, manifest: dict[str, Any], planned: list[PlannedRun],
             plan_names: list[str], t0: float) -> BatchSummary:
    snapshot = _decide(options, reports, manifest, planned)
    summary = BatchSummary()
    out = options.out
    width = max((len(p.run.name) for p in planned), default=10)
    for pr in planned:
        params = ", ".join(f"{k}={v!r}" for k, v in pr.parameters.items()) or "(defaults)"
        verdict = "skip" if pr.skip else "run "
        print(f"{verdict}  {pr.run.name:<{width}}  {pr.run.notebook}  {params}  [{pr.reason}]", file=out)
        summary.results.append(RunResult(pr.run.name, "would skip" if pr.skip else "would run", reason=pr.reason))
    gone = publish.unplanned(reports, manifest, plan_names)
    for name in gone:
        print(f"{'retire' if options.prune else 'keep  '}  {name}  (not in the plan"
              f"{'' if options.prune else '; --prune would retire it'})", file=out)
    summary.retired = gone if options.prune else []
    n_run = summary.count("would run")
    summary.message = (f"dry run: {len(planned)} runs, {n_run} would run, {len(planned) - n_run} up to date"
                       + (f", {len(gone)} would be retired" if options.prune and gone else ""))
    print(summary.message, file=out)
    if n_run:  # what the real batch would refuse, refused now with the same exit code (2) and reasons
        _check_inputs(options, snapshot)
    summary.duration_s = time.monotonic() - t0
    return summary


def _check_inputs(options: Options, snapshot: fpr.Snapshot) -> None:
    """Text files that are not UTF-8, then the options' input check; anything it raises becomes exit 2."""
    if snapshot.problems:
        raise InputError(snapshot.problems, f"{len(snapshot.problems)} input file(s) are not UTF-8 text; "
                                            "nothing was run")
    try:
        options.check_inputs(options)
    except ProjectError:
        raise
    except Exception as exc:  # noqa: BLE001 - an input the check could not read is an input problem (exit 2)
        raise InputError([Problem("", None, None, None, f"the input check stopped: {type(exc).__name__}: {exc}",
                                  "correct the input file it names, then rerun", "unreadable")],
                         "the inputs could not be checked; nothing was run") from None


def _prestart(options: Options, todo: list[PlannedRun], pages: PageBuilders) -> None:
    """Let the engine (forked kernels: its server) and the page builders start before the first notebook."""
    prestart = getattr(options.engine, "prestart", None)
    if callable(prestart):
        from helpers.batch.engine import notebook_kernel_name

        with contextlib.suppress(Exception):  # a notebook that cannot be read fails its own run later
            prestart(notebook_kernel_name(todo[0].run.notebook_path, options.kernel_name))
    pages.prestart()


def _register_hash(options: Options, snapshot: fpr.Snapshot) -> str:
    """The sha256 of the batch's register as the batch hashed it ('' when it is not among the data files)."""
    return snapshot.data.get(options.sources.rel(options.claims_path or paths.CLAIMS), "")


def _close_engine(options: Options) -> None:
    """Let go of what the engine holds (a cluster, a fork server)."""
    close = getattr(options.engine, "close", None)
    if callable(close):
        close()


def _refused(options: Options, reports: Path, manifest: dict[str, Any], started: str, exc: ProjectError) -> None:
    """Record on the index why this batch stopped before any kernel (its reports are unchanged)."""
    manifest["batch"] = {"started": started, "finished": options.clock(), "counts": {"ok": 0, "failed": 0,
                         "skipped": 0}, "refused": True,
                         "message": f"The last batch ran nothing: {reason_text(str(exc), limit=20)}"}
    with contextlib.suppress(OSError):
        mf.save_manifest(reports / mf.MANIFEST_FILE, manifest)
        publish.write_index(reports, manifest)


def _locked_batch(options: Options, reports: Path, planned: list[PlannedRun], plan_names: list[str],
                  t0: float) -> BatchSummary:
    err = options.err
    manifest = mf.load_manifest(reports / mf.MANIFEST_FILE, warn=lambda text: print(f"[batch] warning: {text}",
                                                                                       file=err))
    started = options.clock()
    snapshot = _decide(options, reports, manifest, planned)
    todo = [pr for pr in planned if not pr.skip]
    pages = PageBuilders(min(options.page_processes, len(todo)))
    try:  # the servers started here (forked kernels, pages) end with the batch, however it ends
        if todo:
            _prestart(options, todo, pages)  # servers import in the background while the inputs are checked
            try:  # a broken input stops the batch before any kernel starts; no report is touched
                _check_inputs(options, snapshot)
            except ProjectError as exc:
                _refused(options, reports, manifest, started, exc)
                raise
            manifest["inputs_checked"] = {"claims": _register_hash(options, snapshot)}
        return _run_and_finish(options, reports, manifest, snapshot, planned, todo, plan_names, pages, started, t0)
    finally:
        pages.close()
        _close_engine(options)


def _run_and_finish(options: Options, reports: Path, manifest: dict[str, Any], snapshot: fpr.Snapshot,
                    planned: list[PlannedRun], todo: list[PlannedRun], plan_names: list[str], pages: PageBuilders,
                    started: str, t0: float) -> BatchSummary:
    err = options.err
    state = BatchState(options, reports, manifest, snapshot, publish.prepare_staging(reports), pages)
    gone = publish.unplanned(reports, manifest, plan_names)
    retired = publish.retire(reports, manifest, gone) if options.prune else []
    if retired:
        print(f"[batch] retired {len(retired)} report(s) no longer in the plan (--prune): {', '.join(retired)}",
              file=err)
    elif gone:
        print(f"[batch] kept {len(gone)} report(s) not in the plan: {', '.join(gone)} (retire them with --prune)",
              file=err)
    results: dict[str, RunResult] = {}
    for pr in planned:
        if pr.skip:
            rec = manifest["runs"][pr.run.name] = mf.mark_skipped(manifest["runs"][pr.run.name])
            results[pr.run.name] = RunResult(pr.run.name, "skipped", 0.0, rec.get("html") or "", reason=pr.reason)
    interrupted: BaseException | None = None
    if todo:
        progress = Progress(len(todo), err, enabled=options.progress)
        try:
            for r in asyncio.run(_execute_all(state, todo, progress)):
                results[r.name] = r
        except (KeyboardInterrupt, asyncio.CancelledError) as exc:
            interrupted = exc if isinstance(exc, KeyboardInterrupt) else BatchTerminated()
        finally:
            progress.close()
            if interrupted is not None:
                pages.close()  # pages still being built were stopped with their runs
            shutil.rmtree(state.staging, ignore_errors=True)
            _close_engine(options)
        if interrupted is not None:  # runs that finished before the interrupt are published and recorded
            for pr in todo:
                rec = manifest["runs"].get(pr.run.name) or {}
                if pr.run.name not in results and rec.get("last_attempt", "") >= started:
                    results[pr.run.name] = RunResult(pr.run.name, "ok" if rec.get("status") == "ok" else "failed",
                                                     rec.get("duration_s") or 0.0, rec.get("html") or "")
    else:
        shutil.rmtree(state.staging, ignore_errors=True)
    summary = BatchSummary(results=[results[pr.run.name] for pr in planned if pr.run.name in results],
                           retired=retired)
    try:  # the comparison tables of the plan's sweeps (foreach: {grid: ...}), linked from the index
        manifest["sweeps"] = sweeps.write_tables(reports, [pr.run for pr in planned], manifest)
    except OSError as exc:
        print(f"[batch] warning: sweep tables not written: {exc}", file=err)
    _finish(options, reports, manifest, snapshot, summary, started, bool(todo), interrupted, t0, pages.write_pdf)
    if interrupted is not None:
        raise interrupted
    summary.exit_code = EXIT_FAILED if summary.count("failed") else EXIT_OK
    return summary


def _finish(options: Options, reports: Path, manifest: dict[str, Any], snapshot: fpr.Snapshot,
            summary: BatchSummary, started: str, ran: bool, interrupted: BaseException | None, t0: float,
            write_pdf: Callable[[Path, Path], Path] | None = None) -> None:
    """The summary message and lines, the manifest and the index."""
    n_ok, n_failed, n_skipped = summary.count("ok"), summary.count("failed"), summary.count("skipped")
    if not ran:
        times = [r.get("last_success") for r in manifest["runs"].values() if r.get("last_success")]
        summary.message = f"nothing changed since {max(times) if times else '?'}: {n_skipped} runs up to date"
    else:
        what = "TERMINATED" if isinstance(interrupted, BatchTerminated) else "INTERRUPTED"
        summary.message = (f"{len(summary.results)} runs: {n_ok} ok, {n_failed} failed, {n_skipped} skipped "
                           f"(up to date)" + (f" -- {what}, the other runs were not executed" if interrupted else ""))
    summary.duration_s = time.monotonic() - t0
    register = _register_hash(options, snapshot)
    manifest["generated"] = options.clock()
    manifest["environment"] = snapshot.versions
    manifest["batch"] = {
        "started": started, "finished": options.clock(), "duration_s": round(summary.duration_s, 3),
        "counts": {"ok": n_ok, "failed": n_failed, "skipped": n_skipped},
        "executed": [r.name for r in summary.results if r.status in ("ok", "failed")],
        "skipped": [r.name for r in summary.results if r.status == "skipped"],
        "failed": [r.name for r in summary.results if r.status == "failed"],
        "retired": summary.retired, "interrupted": interrupted is not None, "nothing_changed": not ran,
        # the register is the one the last input check passed: the index may read it without checking it again
        "register_checked": bool(register) and (manifest.get("inputs_checked") or {}).get("claims") == register,
        "message": summary.message,
    }
    try:
        mf.save_manifest(reports / mf.MANIFEST_FILE, manifest)
        problem = publish.write_index(reports, manifest, write_pdf)
    except OSError as exc:
        problem = f"manifest.json not written: {exc}"
    width = max((len(r.name) for r in summary.results), default=10)
    for r in summary.results:
        dur = f"{r.duration_s:6.1f}s" if r.status in ("ok", "failed") else "      -"
        where = str(reports / r.path) if r.path else ""
        extra = f"  {r.error}" if r.error else (f"  ({r.reason})" if r.reason and r.status != "ok" else "")
        print(f"{r.status:<10} {r.name:<{width}} {dur}  {where}{extra}".rstrip(), file=options.out)
    index = reports / INDEX_FILE
    shown = f"; open {index}" if index.is_file() and not problem.startswith("index.html") else ""
    print(f"{summary.message} in {summary.duration_s:.1f}s{shown}", file=options.out)
    if problem:
        print(f"[batch] warning: {problem}", file=options.err)


async def _execute_all(state: BatchState, todo: list[PlannedRun], progress: Progress) -> list[RunResult]:
    loop = asyncio.get_running_loop()
    real_add, real_remove = loop.add_signal_handler, loop.remove_signal_handler
    main = asyncio.current_task()
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous_term = signal.getsignal(signal.SIGTERM) if in_main_thread else None
    if in_main_thread:  # SIGTERM cancels the batch like asyncio's own Ctrl-C handling (kernels are stopped)
        real_add(signal.SIGTERM, lambda: main.cancel() if main is not None else None)

    # nbclient installs SIGINT/SIGTERM handlers per notebook and removes them when one ends, which
    # would swallow Ctrl-C and SIGTERM; the batch handles interruption itself.
    def add_signal_handler(sig: int, callback: Any, *args: Any) -> None:
        if sig not in (signal.SIGINT, signal.SIGTERM):
            real_add(sig, callback, *args)

    def remove_signal_handler(sig: int) -> bool:
        return False if sig in (signal.SIGINT, signal.SIGTERM) else real_remove(sig)

    loop.add_signal_handler = add_signal_handler  # type: ignore[method-assign]
    loop.remove_signal_handler = remove_signal_handler  # type: ignore[method-assign]
    sem = asyncio.Semaphore(state.options.worker_count)
    tasks = [asyncio.ensure_future(run_one(state, pr, sem, progress)) for pr in todo]

    async def ticker() -> None:
        while True:
            await asyncio.sleep(1.0)
            if progress.tty:
                progress.event("tick")

    tick = asyncio.ensure_future(ticker())
    try:
        return list(await asyncio.gather(*tasks))
    finally:
        tick.cancel()
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, tick, return_exceptions=True)
        aclose = getattr(state.options.engine, "aclose", None)  # a pool with kernels still waiting (--warm)
        if callable(aclose):
            await aclose()
        if in_main_thread:
            real_remove(signal.SIGTERM)
            signal.signal(signal.SIGTERM, previous_term or signal.SIG_DFL)
