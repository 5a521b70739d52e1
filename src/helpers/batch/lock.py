"""One batch at a time per reports directory: an exclusive lock (filelock) on ``<reports>/.lock``.

The holder writes its pid and start time into the lock file, so a second batch can say who holds it. The
lock is an ``flock``: the kernel releases it when the holder dies, even by ``kill -9``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

from helpers.batch.layout import LOCK_FILE
from helpers.errors import BatchLockedError, ReportsDirError


class BatchLock:
    """The reports directory's lock; ``wait`` blocks until the holder finishes instead of refusing."""

    def __init__(self, reports_dir: Path, stamp: str, wait: bool = False, err: TextIO | None = None) -> None:
        from filelock import FileLock

        self.path = reports_dir / LOCK_FILE
        self.wait, self.err, self.stamp = wait, err, stamp
        self._lock = FileLock(self.path, blocking=False, preserve_lock_file=True, on_acquired=self._write_holder)

    def _write_holder(self, fd: int) -> None:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {self.stamp}\n".encode(), 0)

    def holder(self) -> str:
        """'pid N, started T' as written by the holder (or a note when unreadable)."""
        try:
            text = self.path.read_text(encoding="utf-8").split()
        except (OSError, UnicodeDecodeError):
            text = []
        if len(text) >= 2:
            return f"pid {text[0]}, started {text[1]}"
        return "pid unknown (lock file empty)"

    def acquire(self) -> None:
        """Take the lock, or raise BatchLockedError (with ``wait``: block until the holder finishes)."""
        from filelock import Timeout

        try:
            self._lock.acquire(blocking=False)
            return
        except Timeout:
            who = self.holder()
        except OSError as exc:
            raise ReportsDirError(
                f"{self.path}: cannot create the batch lock file ({exc.strerror or exc}). "
                "Fix: make the reports directory writable or pass --reports DIR"
            ) from None
        if not self.wait:
            raise BatchLockedError(
                f"{self.path.parent}: another batch is writing the reports ({who}; lock {self.path}). "
                "Fix: wait for it to finish, or rerun with --wait to start when it is done"
            )
        if self.err is not None:
            print(f"[batch] waiting for the batch holding {self.path} ({who}) to finish", file=self.err)
        self._lock.acquire(timeout=-1, blocking=True, poll_interval=0.2)

    def release(self) -> None:
        """Release the lock (the file stays; its content describes the last holder)."""
        if self._lock.is_locked:
            self._lock.release()
