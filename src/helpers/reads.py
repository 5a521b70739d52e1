"""What a report actually read, recorded inside its kernel so the batch re-runs it only when that changed.

A kernel started by the batch has ``PAKCLAIMS_OUTPUT_DIR`` set; importing :mod:`helpers` then installs a
Python audit hook that notes every file opened for reading under the data and seeds folders. Code that
knows it used only part of a row-keyed file (the register, the context figures) narrows that file:

* :func:`rows` -- these rows (by id), whole;
* :func:`columns` -- these columns of every row (e.g. the keys a scan groups by);
* :func:`where` -- every row whose columns take one of the given values, whole (a search by topic).

A file that was opened but never narrowed counts whole. A narrowing is a promise: the run used nothing of
that file beyond what it declared. Everything goes to ``reads.json`` in the output folder as it happens
(a kernel stopped hard still leaves what it read); the batch turns it into the run's dependencies
(:mod:`helpers.readdeps`). Outside a batch (JupyterLab, tests) nothing is installed or written.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

READS_FILE = "reads.json"
OUTPUT_DIR_ENV = "PAKCLAIMS_OUTPUT_DIR"  # the same name as helpers.batch.layout (kept import-free here)


class _Recorder:
    """The reads of this process, written to ``<folder>/reads.json`` after each new one."""

    def __init__(self) -> None:
        self.folder: Path | None = None
        self.watched: tuple[str, ...] = ()
        self.files: set[str] = set()
        self.narrowed: dict[str, dict[str, Any]] = {}
        self.busy = False

    def start(self, folder: Path, watched: Iterable[Path]) -> None:
        self.folder = Path(folder)
        self.watched = tuple(str(Path(w).resolve()) + os.sep for w in watched)
        self.files, self.narrowed = set(), {}
        self.flush()

    def stop(self) -> None:
        self.folder = None

    def note_file(self, path: str) -> None:
        if self.folder is None or path in self.files:
            return
        self.files.add(path)
        self.flush()

    def narrow(self, path: str | Path, kind: str, values: Any) -> None:
        if self.folder is None:
            return
        key = str(Path(path).resolve())
        entry = self.narrowed.setdefault(key, {"rows": [], "columns": [], "where": []})
        if kind == "where":
            if values not in entry["where"]:
                entry["where"].append(values)
        else:
            entry[kind] = sorted({*entry[kind], *(str(v) for v in values)})
        self.flush()

    def flush(self) -> None:
        if self.folder is None or self.busy:
            return
        self.busy = True
        try:
            data = {"files": sorted(self.files), "narrowed": self.narrowed}
            tmp = self.folder / f".{READS_FILE}.tmp"
            tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.folder / READS_FILE)
        except OSError:
            pass
        finally:
            self.busy = False


RECORDER = _Recorder()
_HOOKED = False


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event != "open" or RECORDER.folder is None or RECORDER.busy or not args:
        return
    path, mode = args[0], args[1] if len(args) > 1 else "r"
    if not isinstance(path, str | Path) or (isinstance(mode, str) and any(c in mode for c in "wax+")):
        return
    if isinstance(mode, int) or mode is None:  # os.open: args are (path, None, flags)
        flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
        if flags & (os.O_WRONLY | os.O_RDWR):
            return
    full = os.path.abspath(os.fspath(path))
    if full.startswith(RECORDER.watched) and os.path.isfile(full):
        RECORDER.note_file(full)


def install(folder: str | Path | None = None, watched: Iterable[Path] | None = None) -> bool:
    """Start recording into ``folder`` (default: $PAKCLAIMS_OUTPUT_DIR); False when there is nowhere to record.

    ``watched``: the folders whose files count as inputs (default: the data and seeds folders).
    """
    global _HOOKED
    target = folder or os.environ.get(OUTPUT_DIR_ENV)
    if not target or not Path(target).is_dir():
        return False
    if watched is None:
        from helpers import paths

        watched = (paths.DATA, paths.SEEDS)
    RECORDER.start(Path(target), watched)
    if not _HOOKED:
        sys.addaudithook(_hook)
        _HOOKED = True
    return True


def stop() -> None:
    """Stop recording (the audit hook stays, idle: Python cannot remove one)."""
    RECORDER.stop()


def rows(path: str | Path, ids: Iterable[Any]) -> None:
    """This run used these rows (by ``id``) of the row-keyed file ``path``."""
    RECORDER.narrow(path, "rows", ids)


def columns(path: str | Path, names: Iterable[str]) -> None:
    """This run used these columns of every row of ``path`` (always with the row ids and their order)."""
    RECORDER.narrow(path, "columns", names)


def where(path: str | Path, **allowed: Iterable[Any]) -> None:
    """This run used every row of ``path`` whose columns take one of the ``allowed`` values (all must hold)."""
    RECORDER.narrow(path, "where", {k: sorted(str(v) for v in vals) for k, vals in sorted(allowed.items())})


def read_record(folder: Path) -> dict[str, Any] | None:
    """The reads.json a kernel left in ``folder``; None when absent or unreadable (nothing was recorded)."""
    try:
        data = json.loads((Path(folder) / READS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        return None
    return {"files": [str(f) for f in data["files"]], "narrowed": dict(data.get("narrowed") or {})}
