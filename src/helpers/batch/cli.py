"""``python -m helpers.batch``: arguments, signals and exit codes.

Exit codes: 0 all good (also when everything was skipped), 1 some run failed, 2 invalid plan, parameters or
inputs, lock held or reports directory unusable (nothing ran), 130 interrupted (SIGINT), 143 terminated
(SIGTERM). SIGTERM is handled on its own, not turned into SIGINT, so a batch started from a script that
ignores SIGINT still stops on it.
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from helpers import paths
from helpers.batch.layout import DEFAULT_NOTEBOOK_TIMEOUT, DEFAULT_TIMEOUT
from helpers.batch.options import EXIT_INPUT, EXIT_INTERRUPTED, EXIT_TERMINATED, Options
from helpers.errors import BatchTerminated, ParameterError, ProjectError

EPILOG = ("Exit codes: 0 all good (also when all were skipped), 1 a run failed, 2 invalid plan, parameters or "
          "inputs, lock held or reports directory not writable (nothing ran), 130 interrupted, 143 terminated.")


def parse_overrides(items: list[str]) -> dict[str, Any]:
    """``-p key=value`` items to a dict; values are YAML scalars (2030 -> int, 0.1 -> float, true -> bool)."""
    import yaml

    out: dict[str, Any] = {}
    problems: list[str] = []
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key.isidentifier():
            problems.append(f"-p {item!r}: expected key=value with a Python name as key. Fix: write -p name=value")
            continue
        if text == "":
            out[key] = ""
            continue
        try:
            out[key] = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            problems.append(f"-p {item!r}: value is not valid YAML ({exc}). Fix: quote it, e.g. -p {key}='\"...\"'")
    if problems:
        raise ParameterError(problems, notebook="the command line")
    return out


def seconds(text: str) -> float | None:
    """A time limit in seconds: a positive number, or 0 for no limit (argparse type)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds. Fix: give seconds > 0, "
                                         "or 0 for no limit") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a usable time limit. Fix: give seconds > 0, "
                                         "or 0 for no limit")
    return value or None


def workers(text: str) -> int:
    """A number of workers: a whole number >= 1 (argparse type)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number. Fix: pass --workers 1 or more") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is below 1. Fix: pass --workers 1 or more")
    return value


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # usage errors exit 2 with one line naming the fix
        self.print_usage(sys.stderr)
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_INPUT)


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface of ``python -m helpers.batch``."""
    p = _Parser(
        prog="python -m helpers.batch",
        description="Execute the report notebooks of the run plan, render them to HTML in the reports directory "
        "and rewrite its index. Runs whose inputs did not change since their last success are skipped.",
        epilog=EPILOG,
    )
    p.add_argument("patterns", nargs="*", metavar="RUN-PATTERN",
                   help="run names or fnmatch patterns (e.g. '10_*'); default: every run")
    p.add_argument("--workers", type=workers, default=None,
                   help="notebooks executed at the same time (default: number of CPUs)")
    p.add_argument("--force", action="store_true", help="re-run every selected run, even if up to date")
    p.add_argument("--show-code", action="store_true", help="show code cells in the HTML reports")
    p.add_argument("--dry-run", action="store_true",
                   help="print the expanded plan, what would run, be skipped or (with --prune) retired; run nothing")
    p.add_argument("--prune", action="store_true",
                   help="retire published reports of runs the plan no longer names (never done without it)")
    p.add_argument("--timeout", type=seconds, default=DEFAULT_TIMEOUT,
                   help=f"seconds a single cell may run (default {DEFAULT_TIMEOUT:g}; 0 = no limit)")
    p.add_argument("--notebook-timeout", type=seconds, default=DEFAULT_NOTEBOOK_TIMEOUT,
                   help="seconds a notebook may run once its kernel is ready "
                   f"(default {DEFAULT_NOTEBOOK_TIMEOUT:g}; 0 = no limit)")
    p.add_argument("-p", "--parameter", action="append", default=[], metavar="KEY=VALUE",
                   help="set a parameter for every selected run whose notebook declares it; "
                   "the value is read as YAML (2030 -> int, 0.1 -> float, true -> bool)")
    p.add_argument("--plan", type=Path, default=None, help=f"run plan (default {paths.RUN_PLAN})")
    p.add_argument("--reports", type=Path, default=None, help=f"reports directory (default {paths.REPORTS})")
    p.add_argument("--wait", action="store_true",
                   help="if another batch holds the reports lock, wait for it instead of exiting")
    p.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="where notebooks run: 'local' (kernels of this machine, default) or 'dask' (each on a "
                   "dask.distributed worker; rendering and publishing stay here)")
    p.add_argument("--kernels", choices=("fork", "warm", "cold"), default=None,
                   help="how each notebook's fresh kernel is started: 'fork' (default on Linux: forked from a "
                   "process that imported pandas, matplotlib and IPython once), 'warm' (a pool of kernels started "
                   "ahead, imports done) or 'cold' (python -m ipykernel_launcher, as Jupyter does)")
    p.add_argument("--warm", action="store_true", help="the same as --kernels warm")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="with --executor dask: the scheduler to join (e.g. tcp://10.0.0.5:8786); default: a "
                   "LocalCluster started for this batch")
    return p


def default_kernels() -> str:
    """'fork' where kernels can be forked (Linux), else 'cold'."""
    from helpers.batch.forked import supported

    return "fork" if supported() else "cold"


def options_from(args: argparse.Namespace, **seams: Any) -> Options:
    """The options of a parsed command line (``seams`` replace checks, engine... in tests)."""
    kernels = args.kernels or ("warm" if args.warm else default_kernels())
    if args.executor == "dask" and "engine" not in seams:
        from helpers.batch.dask_engine import DaskEngine

        seams["engine"] = DaskEngine(args.scheduler, workers=args.workers or os.cpu_count() or 1,
                                     kernels="fork" if kernels == "fork" else "cold")
    elif "engine" not in seams:
        if kernels == "warm":
            from helpers.batch.warm import WarmPool

            seams["engine"] = WarmPool(size=args.workers or os.cpu_count() or 1, cwd=seams.get("notebooks_dir")
                                       or paths.NOTEBOOKS)
        elif kernels == "fork":
            from helpers.batch.forked import ForkEngine

            seams["engine"] = ForkEngine()
    seams.setdefault("page_processes", args.workers or os.cpu_count() or 1)
    return Options(
        plan_path=args.plan or paths.RUN_PLAN,
        reports_dir=args.reports or paths.REPORTS,
        patterns=tuple(args.patterns),
        workers=args.workers,
        force=args.force,
        prune=args.prune,
        show_code=args.show_code,
        dry_run=args.dry_run,
        timeout=args.timeout,
        notebook_timeout=args.notebook_timeout,
        overrides=parse_overrides(args.parameter),
        wait=args.wait,
        **seams,
    )


def _terminate(signum: int, frame: Any) -> None:
    raise BatchTerminated()


def main(argv: list[str] | None = None, **seams: Any) -> int:
    """Entry point: returns the exit code. ``seams`` are Options fields (tests: sources, check_inputs...)."""
    from helpers.batch.runner import run_batch

    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.warm and args.kernels not in (None, "warm"):
        print(f"error: --warm asks for a warm pool, --kernels {args.kernels} for another way to start kernels. "
              "Fix: give one of them", file=sys.stderr)
        return EXIT_INPUT
    if args.executor == "dask" and (args.kernels == "warm" or args.warm):
        print("error: a warm pool keeps kernels on this machine; with --executor dask the workers fork or start "
              "them. Fix: drop --warm, or use --kernels fork or --kernels cold", file=sys.stderr)
        return EXIT_INPUT
    if args.scheduler and args.executor != "dask":
        print("error: --scheduler is for --executor dask. Fix: add --executor dask, or drop --scheduler",
              file=sys.stderr)
        return EXIT_INPUT
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _terminate)  # stops the batch like Ctrl-C, even if INT is ignored
    try:
        summary = run_batch(options_from(args, **seams))
    except ProjectError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt as exc:
        terminated = isinstance(exc, BatchTerminated)
        print(f"{'terminated (SIGTERM)' if terminated else 'interrupted'}: finished runs are published, the others "
              "were stopped; previous reports are intact and the staging folder is cleaned", file=sys.stderr)
        return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return summary.exit_code
