"""Files at the bottom of every layer: hashing, atomic writes, and CSV files that are safe to open.

Nothing here imports another project module, so any module (loaders, the batch, suggest) can use it
without a cycle.

* ``sha256_file`` / ``stable_hash``: the one file hash and the one object hash of the project.
* ``write_atomic``: readers see the old file or the new one, never half a file (temporary file + rename).
* ``write_csv`` / ``write_csvs``: a table written for people, atomically, with text cells that a
  spreadsheet would run as a formula neutralised (OWASP's rule for CSV injection); numbers are never touched.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

#: Characters that make a spreadsheet read a cell as a formula when they start it (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: A cell that is a plain number ("-3.2", "+5", "1,234.5", "2.5e9") is data, not a formula.
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+-]?\d+)?%?$")


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def stable_hash(obj: Any) -> str:
    """SHA-256 of a JSON-serialisable object, independent of key order."""
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_atomic(path: str | Path, data: str | bytes, *, encoding: str = "utf-8", newline: str | None = None) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    ``newline`` is passed to ``open`` for text (``""`` keeps line endings as given). The file is flushed and
    synced before the rename; on any failure the temporary file is removed and the old file stays.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        if isinstance(data, bytes):
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        else:
            with os.fdopen(fd, "w", encoding=encoding, newline=newline) as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def neutralise_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, prefixed with ``'``; anything else unchanged.

    OWASP's rule: a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula
    to Excel, LibreOffice and Google Sheets. Numbers (and text that is a plain number, such as ``-3.2``)
    are data and are left alone.
    """
    if not isinstance(value, str) or not value or not value.startswith(FORMULA_STARTS):
        return value
    if _PLAIN_NUMBER.match(value) and any(ch.isdigit() for ch in value):
        return value
    return "'" + value


def restore_cell(value: Any) -> Any:
    """Undo ``neutralise_cell`` on a cell read back from a file written for people (``'=x`` -> ``=x``)."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and column names) are neutralised; numeric columns untouched."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or str(out[column].dtype).startswith(("string", "str")):
            out[column] = out[column].map(neutralise_cell)
    out.columns = [neutralise_cell(c) if isinstance(c, str) else c for c in out.columns]
    return out


def csv_text(frame: pd.DataFrame, *, for_people: bool = True, index: bool = False) -> str:
    """``frame`` as CSV text (UTF-8, ``\\n`` line ends); ``for_people`` neutralises formula-like text cells."""
    data = neutralise_frame(frame) if for_people else frame
    return data.to_csv(index=index, lineterminator="\n")


def write_csv(frame: pd.DataFrame, path: str | Path, *, for_people: bool = True, index: bool = False) -> Path:
    """Write ``frame`` as CSV atomically; text cells that would run as formulas are neutralised for people."""
    return write_atomic(path, csv_text(frame, for_people=for_people, index=index), newline="")


def write_rows(path: str | Path, header: Sequence[str], rows: Iterable[Mapping[str, Any]], *,
               for_people: bool = True) -> Path:
    """Write dict rows as CSV atomically with the csv module (no pandas), neutralising formula-like text."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(header), lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: neutralise_cell(v) if for_people else v for k, v in row.items()})
    return write_atomic(path, buffer.getvalue(), newline="")


def write_csvs(frames: Mapping[Path, pd.DataFrame], *, for_people: bool = True, check=None) -> None:
    """Replace several CSV files together: all are written to temporary files first, ``check(temps)`` (when
    given) validates the temporary copies ({target: temp path}), and only then are they renamed into place.

    Nothing is replaced when writing or the check fails.
    """
    temps: dict[Path, Path] = {}
    try:
        for target, frame in frames.items():
            target = Path(target)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
                stream.write(csv_text(frame, for_people=for_people))
            temps[target] = Path(tmp)
        if check is not None:
            check(dict(temps))
        for target, tmp in temps.items():
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
    finally:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
