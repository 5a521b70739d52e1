"""What a batch is asked to do (one :class:`Options` object), what it reports back, and its seams.

The seams are plain attributes of :class:`Options`, so tests swap them without touching private names:
``check_inputs`` (the register check before any kernel), ``engine`` (executes one notebook), ``move`` (puts a
finished folder in place) and ``clock`` (the time stamps). Nothing here imports the execution machinery.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from helpers import fingerprint as fpr
from helpers import paths
from helpers.batch.engine import execute_notebook
from helpers.batch.layout import DEFAULT_NOTEBOOK_TIMEOUT, DEFAULT_TIMEOUT
from helpers.batch.outcome import ExecOutcome, ExecRequest, now_iso
from helpers.batch.publish import swap_into_place
from helpers.plan import Expander

EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 130, 143


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
    exit_code: int = EXIT_OK
    message: str = ""
    duration_s: float = 0.0
    retired: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        """How many runs ended with ``status``."""
        return sum(1 for r in self.results if r.status == status)


Engine = Callable[[ExecRequest], Awaitable[ExecOutcome]]


#: Data files every report reads: a missing one stops the batch before any kernel (exit 2).
REQUIRED_INPUTS = (paths.CLAIMS, paths.EXCLUSIONS, paths.UNITS, paths.CONTEXT, paths.CONTEXT_META,
                   paths.CLAIM_SERIES, paths.BENCHMARKS, paths.RATES)


def register_check(options: Options) -> None:
    """The default input check: the data files exist, then register, exclusions, mappings, coverage and rates
    (:func:`helpers.claims.check_inputs`, every problem listed)."""
    from helpers.claims import check_inputs
    from helpers.errors import InputError, Problem

    required = [options.claims_path or paths.CLAIMS, *REQUIRED_INPUTS[1:]]
    missing = [Problem(paths.shown(p), None, None, None, "is missing", f"restore it (git checkout -- "
                       f"{paths.shown(p)}) or point PAKCLAIMS_DATA at a folder that has it", "missing-file")
               for p in required if not Path(p).is_file()]
    if missing:
        raise InputError(missing, f"{len(missing)} data file(s) are missing; nothing was run")
    if options.claims_path is not None:
        check_inputs(claims_path=options.claims_path)
    else:
        check_inputs()


@dataclass
class Options:
    """Everything one batch is asked to do; paths default to the project's, tests pass their own."""

    plan_path: Path = paths.RUN_PLAN
    reports_dir: Path = paths.REPORTS
    notebooks_dir: Path = paths.NOTEBOOKS
    patterns: tuple[str, ...] = ()
    workers: int | None = None
    force: bool = False
    prune: bool = False
    show_code: bool = False
    dry_run: bool = False
    timeout: float | None = DEFAULT_TIMEOUT
    notebook_timeout: float | None = DEFAULT_NOTEBOOK_TIMEOUT
    overrides: dict[str, Any] = field(default_factory=dict)
    wait: bool = False
    sources: fpr.Sources = field(default_factory=fpr.Sources)
    claims_path: Path | None = None
    expanders: dict[str, Expander] | None = None
    kernel_name: str | None = None
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    progress: bool = True
    #: Worker processes that build the pages (render, workbook, PDF) while kernels run; 0: threads of this
    #: process (the in-process API and tests); the command line gives one per worker.
    page_processes: int = 0
    check_inputs: Callable[[Options], None] = register_check
    engine: Engine = execute_notebook
    move: Callable[[Path, Path, Path], None] = swap_into_place
    clock: Callable[[], str] = now_iso

    def __post_init__(self) -> None:
        self.plan_path, self.reports_dir = Path(self.plan_path), Path(self.reports_dir)
        self.notebooks_dir = Path(self.notebooks_dir)
        self.claims_path = Path(self.claims_path) if self.claims_path is not None else None
        self.patterns = tuple(self.patterns)

    @property
    def worker_count(self) -> int:
        """Notebooks executed at once (default: the CPU count)."""
        return max(1, self.workers or os.cpu_count() or 1)
