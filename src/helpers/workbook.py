"""Every table of a report in one Excel workbook beside its CSVs: a sheet per table and a sheet of sources.

Written with openpyxl. Numbers stay numbers (a reader can sum and chart them); text cells are stored as
text and neutralised against formula injection (``helpers.files.neutralise_cell``, the rule the CSVs
follow), so a quote starting with ``=`` or ``-`` is never run as a formula. Addresses in the sources
become links. The first sheet lists the others with their captions.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from helpers.errors import PublishError
from helpers.files import neutralise_cell, restore_cell, write_atomic
from helpers.htmltable import default_caption

WORKBOOK_FILE = "tables.xlsx"
CONTENTS_SHEET = "Contents"
SOURCES_SHEET = "Sources"
_MAX_WIDTH = 60
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")

#: A table for the workbook: a CSV file (its name gives the sheet) or (name, frame[, caption]).
TableSpec = Path | str | tuple


def _sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name (at most 31 characters, none of []:*?/\\)."""
    base = _BAD_SHEET_CHARS.sub(" ", str(name)).strip().strip("'")[:31] or "Table"
    candidate, number = base, 2
    while candidate.lower() in taken:
        suffix = f" ({number})"
        candidate, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(candidate.lower())
    return candidate


def _read_csv(path: Path) -> pd.DataFrame:
    """A report CSV with its numbers as numbers and its text restored (written neutralised or not)."""
    frame = pd.read_csv(path, keep_default_na=False, na_values=[""])
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].map(restore_cell)
    frame.columns = [restore_cell(str(c)) for c in frame.columns]
    return frame


def _tables(tables: Sequence[TableSpec]) -> list[tuple[str, pd.DataFrame, str, str]]:
    """(name, frame, caption, file) for every table given."""
    out = []
    for spec in tables:
        if isinstance(spec, str | Path):
            path = Path(spec)
            try:
                frame = _read_csv(path)
            except (OSError, ValueError) as exc:
                raise PublishError(f"workbook: cannot read the table {path} ({exc}). Fix: rerun the report "
                                   "that writes it") from None
            out.append((path.stem, frame, default_caption(path.stem), path.name))
        else:
            name, frame, *rest = spec
            out.append((str(name), frame, str(rest[0]) if rest else default_caption(str(name)), ""))
    return out


def _cell_value(value: object) -> object:
    """What a cell holds: numbers as numbers, missing values empty, everything else neutralised text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool):
        return value
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # numpy scalars
    if isinstance(value, int | float):
        return None if isinstance(value, float) and (math.isnan(value) or math.isinf(value)) else value
    return neutralise_cell(str(value))


def _write_sheet(sheet, frame: pd.DataFrame, links: str | None = None) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    header = [neutralise_cell(str(c)) for c in frame.columns]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.data_type = "s"
    widths = [len(h) for h in header]
    link_column = list(frame.columns).index(links) if links in frame.columns else None
    for row in frame.itertuples(index=False, name=None):
        values = [_cell_value(v) for v in row]
        sheet.append(values)
        for i, (cell, value) in enumerate(zip(sheet[sheet.max_row], values, strict=True)):
            if isinstance(value, str):
                cell.data_type = "s"  # text, whatever it starts with
                widths[i] = max(widths[i], len(value))
                if i == link_column and re.match(r"https?://", value):
                    cell.hyperlink = value
                    cell.style = "Hyperlink"
            elif isinstance(value, float):
                cell.number_format = "#,##0" if abs(value) >= 1000 and value.is_integer() else "General"
                widths[i] = max(widths[i], 12)
            elif isinstance(value, int):
                cell.number_format = "0" if 1000 <= value <= 2999 else "#,##0"  # years without separators
                widths[i] = max(widths[i], 8)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(_MAX_WIDTH, width + 2)
    sheet.freeze_panes = "A2"
    if frame.shape[1]:
        sheet.auto_filter.ref = f"A1:{get_column_letter(frame.shape[1])}{max(1, sheet.max_row)}"


def workbook_bytes(tables: Sequence[TableSpec], sources: pd.DataFrame | None, title: str = "") -> bytes:
    """The workbook as bytes: a contents sheet, one sheet per table, then the sources sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    contents = book.active
    contents.title = CONTENTS_SHEET
    taken = {CONTENTS_SHEET.lower(), SOURCES_SHEET.lower()}
    if title:
        contents.append([neutralise_cell(title)])
        contents["A1"].font = Font(bold=True, size=13)
        contents.append([])
    contents.append(["sheet", "table", "file"])
    for cell in contents[contents.max_row]:
        cell.font = Font(bold=True)
    for name, frame, caption, file in _tables(tables):
        sheet = book.create_sheet(_sheet_name(name, taken))
        _write_sheet(sheet, frame)
        contents.append([sheet.title, neutralise_cell(caption), neutralise_cell(file)])
    if sources is not None:
        sheet = book.create_sheet(SOURCES_SHEET)
        _write_sheet(sheet, sources, links="address")
        contents.append([SOURCES_SHEET, "Claims and context rows the report used, with their addresses", ""])
    for cell in contents["A"][1:]:
        if cell.value and cell.value in book.sheetnames:
            cell.hyperlink = f"#'{cell.value}'!A1"
            cell.style = "Hyperlink"
    contents.column_dimensions["A"].width = 28
    contents.column_dimensions["B"].width = 70
    contents.column_dimensions["C"].width = 30
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_workbook(tables: Sequence[TableSpec], sources: pd.DataFrame | None, path: str | Path,
                   title: str = "") -> Path:
    """Write ``tables`` (CSV paths, or ``(name, frame[, caption])``) and ``sources`` (``helpers.sources``
    rows) to the workbook ``path``, atomically; returns the path."""
    return write_atomic(Path(path), workbook_bytes(tables, sources, title))


def write_report_workbook(folder: str | Path, claims: pd.DataFrame, context: pd.DataFrame, title: str = "",
                          path: str | Path | None = None) -> Path:
    """The workbook of the report in ``folder``: its CSV tables and the sources they and its key figures
    name (``helpers.sources.report_sources``), written to ``folder/tables.xlsx`` unless ``path`` is given."""
    from helpers.sources import report_sources

    folder = Path(folder)
    tables = sorted(folder.glob("*.csv"))
    return write_workbook(tables, report_sources(folder, claims, context), path or folder / WORKBOOK_FILE, title)
