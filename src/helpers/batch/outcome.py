"""What the engine is asked (:class:`ExecRequest`) and what it answers (:class:`ExecOutcome`); no behaviour."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def now_iso() -> str:
    """The current time, ISO 8601 with the local UTC offset, to the second."""
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


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
