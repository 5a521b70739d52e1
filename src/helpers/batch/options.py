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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from helpers import manifest as mf
from helpers import paths
from helpers.batch.layout import DEFAULT_NOTEBOOK_TIMEOUT, DEFAULT_TIMEOUT
from helpers.batch.publish import swap_into_place
from helpers.plan import Expander

EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 130, 143


def now_iso() -> str:
    """The current time, ISO 8601 with the local UTC offset, to the second."""
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


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


@dataclass
class ExecRequest:
    """One notebook to execute: what the engine needs, nothing about publishing."""

    notebook_path: Path
    parameters: dict[str, Any]
    cwd: Path
    kernel_name: str
    timeout: float | None
    notebook_timeout: float | None
    output_dir: Path  # the run's staging folder (given to the kernel as PAKCLAIMS_OUTPUT_DIR)
    kernel_log: Path | None = None
    papermill_meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class ExecOutcome:
    """The executed (or partially executed) notebook and how execution ended."""

    nb: Any
    ok: bool
    ename: str = ""
    evalue: str = ""
    cell_index: int | None = None
    duration_s: float = 0.0
    stopped_early: bool = False  # sys.exit(0) or a bare SystemExit: papermill's successful early stop

    @property
    def error(self) -> str:
        """'EName: reason (cell N)', with every listed problem of a multi-line message, or ''."""
        if self.ok:
            return ""
        where = f" (cell {self.cell_index})" if self.cell_index is not None else ""
        return f"{self.ename}: {reason_text(self.evalue)}{where}" if self.evalue.strip() else f"{self.ename}{where}"


def reason_text(message: str, limit: int = 12) -> str:
    """A message on one line: its first line, and the problems it lists ('  - ...' lines), up to ``limit``."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    items = [line[2:] for line in lines[1:] if line.startswith("- ")]
    text = lines[0].rstrip(":")
    if items:
        text += ": " + "; ".join(items[:limit]) + (f"; and {len(items) - limit} more" if len(items) > limit else "")
    return text


Engine = Callable[[ExecRequest], Awaitable[ExecOutcome]]


async def nbclient_engine(request: ExecRequest) -> ExecOutcome:
    """The default engine: :func:`helpers.batch.engine.execute_notebook` (imported only when a run executes)."""
    from helpers.batch.engine import execute_notebook

    return await execute_notebook(request)


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
    sources: mf.Sources = field(default_factory=mf.Sources)
    claims_path: Path | None = None
    expanders: dict[str, Expander] | None = None
    kernel_name: str | None = None
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    progress: bool = True
    check_inputs: Callable[[Options], None] = register_check
    engine: Engine = nbclient_engine
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
