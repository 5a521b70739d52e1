"""Reading the project's data files: UTF-8 (a byte-order mark is fine), a size limit, problems not tracebacks.

Every CSV or JSON file under ``data/`` (and a candidates file given to ``append``) is read here, so that a
file saved in Latin-1 or Windows-1252, a file that is missing, too large or not a CSV at all becomes a
``Problem`` naming the file, the line and the fix, never a ``UnicodeDecodeError`` or a ``csv.Error``.

* **Encoding**: UTF-8; a leading byte-order mark (Excel's "CSV UTF-8") is accepted and dropped.
* **Size**: ``MAX_DATA_BYTES`` (5 MB, about 10,000 register rows; the shipped register is 6 KB). A larger
  file is refused before it is parsed: a 50 MB register once drove a report to 7 GB of memory.
* **Rows** are numbered as a spreadsheet shows them: the header is row 1, the first data row 2 (a quote
  with a line break inside stays one row).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from helpers import paths
from helpers.errors import Problem

#: Largest data file read (bytes). Documented in data/README.md; raise it here if a register truly needs more.
MAX_DATA_BYTES = 5 * 1024 * 1024
_MB = 1024 * 1024


def _line_and_column(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and byte column of ``offset`` in ``data``."""
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, offset - start + 1


def resave_fix(name: str) -> str:
    """How to re-save a file as UTF-8."""
    return (f"re-save {name} as UTF-8: in Excel 'Save As' > 'CSV UTF-8 (Comma delimited)', in LibreOffice tick "
            f"'Edit filter settings' and choose 'Unicode (UTF-8)', or run: iconv -f WINDOWS-1252 -t UTF-8 {name} "
            f"> {Path(name).stem}.utf8{Path(name).suffix} and replace the file with it")


def decode(data: bytes, path: str | Path, problems: list[Problem], *, keep_bom: bool = False) -> str | None:
    """``data`` as text, or None with a problem naming the first byte that is not UTF-8 (line and byte)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _line_and_column(data, error.start)
        byte = data[error.start]
        problems.append(Problem(str(path), line, None, f"byte 0x{byte:02x}",
                                f"the file is not UTF-8 text: byte 0x{byte:02x} at line {line}, byte {column} "
                                f"(offset {error.start}) is not UTF-8 (the file was probably saved as Latin-1 or "
                                "Windows-1252)", resave_fix(Path(path).name), "not-utf8"))
        return None
    return text if keep_bom else text.removeprefix("\ufeff")


#: Files ``make suggest`` writes beside each other (``<article>.candidates.csv``, ``<article>.exclusions.csv``):
#: generated, and not kept in git (``suggestions/`` is ignored).
SUGGESTION_SUFFIXES: tuple[str, ...] = (".candidates.csv", ".exclusions.csv")


def missing_fix(path: str | Path) -> str:
    """How to get a missing file back: suggestion files are written again by ``make suggest`` (git never had
    them); other files are restored from git."""
    path, shown = Path(path), paths.shown(path)
    for suffix in SUGGESTION_SUFFIXES:
        if path.name.endswith(suffix) and len(path.name) > len(suffix):
            seed = path.name.removesuffix(suffix) + ".txt"
            return (f"run make suggest SEED=seeds/{seed} again (it writes {path.name}; suggestions are not kept in "
                    "git), then review the rows; or pass the right path")
    if (paths.ROOT / "suggestions") in Path(path).resolve().parents:
        return ("write it again with make suggest SEED=seeds/<article>.txt (suggestions/ is not kept in git), or "
                "pass the right path")
    return f"restore {shown} from git (git checkout -- {shown}) or pass the right path"


def read_bytes(path: str | Path, problems: list[Problem], *, limit: int = MAX_DATA_BYTES,
               what: str = "data file") -> bytes | None:
    """The bytes of ``path``, or None with a problem when it is missing, unreadable or over ``limit``."""
    path = Path(path)
    if not path.is_file():
        problems.append(Problem(str(path), None, None, None, f"{what} not found", missing_fix(path),
                                "missing-file"))
        return None
    size = path.stat().st_size
    if size > limit:
        problems.append(Problem(str(path), None, None, f"{size / _MB:.1f} MB",
                                f"the {what} is larger than the {limit / _MB:.0f} MB limit for data files",
                                "check that this is the right file; split it (one register per set of articles, "
                                "passed as claims_path) or raise helpers.datafiles.MAX_DATA_BYTES deliberately",
                                "too-large"))
        return None
    try:
        return path.read_bytes()
    except OSError as error:
        problems.append(Problem(str(path), None, None, None, f"cannot read the {what} ({error.strerror})",
                                "check the file's permissions", "unreadable"))
        return None


def read_text(path: str | Path, problems: list[Problem], *, limit: int = MAX_DATA_BYTES,
              what: str = "data file", keep_bom: bool = False) -> str | None:
    """The text of a UTF-8 file, or None with a problem (missing, too large, not UTF-8)."""
    data = read_bytes(path, problems, limit=limit, what=what)
    return None if data is None else decode(data, path, problems, keep_bom=keep_bom)


def read_rows(path: str | Path, columns: list[str], problems: list[Problem], *, extra_allowed: bool = True,
              raw: tuple[str, ...] = (), restore=None, what: str = "data file") -> list[tuple[int, dict[str, str]]]:
    """(spreadsheet row, row) pairs of a CSV file; every problem goes to ``problems``.

    Cells are stripped of surrounding spaces except the ``raw`` columns (verbatim quotes). Missing columns
    are problems; so are unknown ones unless ``extra_allowed``. ``restore`` (e.g. ``files.restore_cell``) is
    applied to every cell first, for files written for people.
    """
    text = read_text(path, problems, what=what)
    if text is None:
        return []
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [h.strip() if h else "" for h in (reader.fieldnames or [])]
        reader.fieldnames = header
        found = [(number, record) for number, record in enumerate(reader, start=2)]
    except csv.Error as error:
        problems.append(Problem(str(path), None, None, None, f"not a readable CSV file ({error})",
                                f"save {Path(path).name} as comma-separated values (CSV, UTF-8)", "not-csv"))
        return []
    if not header:
        problems.append(Problem(str(path), 1, None, None, "the file is empty (no header row)",
                                f"restore {Path(path).name} from git; the header must be: {','.join(columns)}",
                                "empty-file"))
        return []
    for column in columns:
        if column not in header:
            problems.append(Problem(str(path), 1, column, None, "missing column",
                                    f"add a '{column}' column to the header (columns: {', '.join(columns)})",
                                    "missing-column"))
    if not extra_allowed:
        for column in header:
            if column not in columns:
                problems.append(Problem(str(path), 1, column, None, "unknown column",
                                        f"remove it or rename it to one of: {', '.join(columns)}", "extra-column"))
    rows = []
    for number, record in found:
        if None in record:  # more cells than the header has columns
            problems.append(Problem(str(path), number, None, None,
                                    f"the row has {len(header) + len(record[None])} cells but the header has "
                                    f"{len(header)} columns",
                                    "remove the extra cells, or put a cell holding a comma in double quotes",
                                    "extra-cells"))
        values: dict[str, str] = {}
        for key, cell in record.items():
            if key is None:
                continue
            cell = "" if cell is None else cell
            if restore is not None:
                cell = restore(cell)
            values[key] = cell if key in raw else cell.strip()
        rows.append((number, values))
    return rows
