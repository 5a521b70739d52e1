"""Progress on stderr: a tqdm bar on a terminal, one plain line per event otherwise (logs, cron mail)."""

from __future__ import annotations

import threading
import time
from typing import Any, TextIO


class Progress:
    """Counts runs started, done and failed; ``event`` reports one, ``close`` ends the bar."""

    def __init__(self, total: int, stream: TextIO, enabled: bool = True) -> None:
        self.total, self.stream, self.enabled = total, stream, enabled
        self.done = self.running = self.failed = 0
        self.start = time.monotonic()
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self._lock = threading.Lock()
        self._bar: Any = None
        if enabled and self.tty:
            from tqdm import tqdm

            self._bar = tqdm(total=total, file=stream, desc="[batch]", unit="run", leave=False,
                             dynamic_ncols=True, bar_format="{desc} {n_fmt}/{total_fmt} {bar} {elapsed} {postfix}")

    def line(self) -> str:
        """The current status text."""
        return (f"[batch] {self.done}/{self.total} done, {self.running} running, {self.failed} failed, "
                f"{time.monotonic() - self.start:.1f}s")

    def started(self, name: str) -> None:
        """A run's kernel is starting."""
        self.running += 1
        self.event(f"start {name}")

    def stopped(self) -> None:
        """A run left execution (finished, failed or cancelled)."""
        self.running -= 1

    def finished(self, name: str, ok: bool, text: str) -> None:
        """A run is published (ok) or failed; ``text`` says how."""
        self.done += 1
        self.failed += 0 if ok else 1
        self.event(f"ok {name} ({text})" if ok else f"FAILED {name}: {text}", important=not ok)

    def event(self, text: str, important: bool = False) -> None:
        """Report a run starting or ending."""
        if not self.enabled:
            return
        with self._lock:
            if self._bar is not None:
                if important:
                    self._bar.write(f"[batch] {text}", file=self.stream)
                self._bar.n = self.done
                self._bar.set_postfix_str(f"{self.running} running, {self.failed} failed", refresh=True)
            else:
                self.stream.write(f"{self.line()}: {text}\n")
                self.stream.flush()

    def close(self) -> None:
        """End the bar."""
        if self._bar is not None:
            self._bar.close()
