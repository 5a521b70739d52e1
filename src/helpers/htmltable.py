"""Report tables as readers expect them: one header row, a caption, numbers aligned, no pandas artefacts.

pandas' own HTML (``DataFrame.to_html``, ``Styler``) shows how the frame is built: an index-name row under
the header, MultiIndex row labels spanning rows, two header rows for named column axes, row numbers. Here a
frame is flattened first: MultiIndex levels become ordinary leading columns, a meaningful single index
becomes a column of row headers, a one-column frame with row labels becomes a two-column list of
label/value pairs without a header, column levels are joined into one header. Every cell is HTML-escaped;
long tokens (file names, ids) get break opportunities so a wide table wraps instead of scrolling.

``Table(frame, caption)`` is what a notebook displays: HTML for JupyterLab and the reports, plain text
for a console.
"""

from __future__ import annotations

import html
import math
import numbers
import re
from collections.abc import Callable

import pandas as pd

#: Text that is a number, an amount or a range of them ("24.4%", "$3.6 billion a year", "-12", "2050",
#: "$6.0 to $8.0 billion"): right-aligned like numbers. Ids and file names that start with digits are not.
_NUMBER = r"[-+\u2212]?(?:US)?[$\u20ac\u00a3\u00a5\u20a8]?\d[\d,]*(?:\.\d+)?"
_NUMBER_LIKE = re.compile(
    rf"^{_NUMBER}%?(?:\s?(?:-|\u2013|to)\s?{_NUMBER})?(?:%|x| times)?"
    r"(?: (?:thousand|million|billion|trillion))?(?: a year)?$"
)
#: Values allowed in an otherwise numeric-looking text column.
_NUMBER_GAPS = {"", "n/a", "never", "none", "-", "\u2013", "\u2014"}
#: Tables with this many columns are set smaller.
WIDE = 8
#: Cells of a column whose values are all this short never wrap ("2026-01-28", "lower bound").
SHORT = 11
#: Tokens this long get a break opportunity after - _ / . , so they wrap inside a narrow column.
_LONG_TOKEN = re.compile(r"[^\s<>&]{16,}")


def default_caption(name: str) -> str:
    """A caption from a table's file name: ``"growth_comparison"`` -> ``"Growth comparison"``."""
    words = re.sub(r"[_\s]+", " ", str(name)).strip()
    return words[:1].upper() + words[1:] if words else "Table"


def _plain(value: object) -> str:
    """A cell as text: missing values empty, numpy scalars as Python numbers."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, numbers.Number) and hasattr(value, "item"):
        value = value.item()
    return str(value)


def _split_token(token: str) -> str:
    """Break opportunities after separators, and every 8 characters inside long runs of letters and digits."""
    token = re.sub(r"([-_/.,=])(?=.)", r"\1<wbr>", token)
    return re.sub(r"[A-Za-z0-9]{12,}", lambda m: "<wbr>".join(re.findall(r".{1,8}", m.group(0))), token)


def _breakable(text: str) -> str:
    """Escaped text with <wbr> inside long tokens (ids, file names, addresses), so narrow columns wrap them."""
    escaped = html.escape(text, quote=False)
    return _LONG_TOKEN.sub(lambda m: _split_token(m.group(0)), escaped)


def _is_numeric(series: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(series):
        return False
    if pd.api.types.is_numeric_dtype(series):
        return True
    texts = [_plain(v).strip() for v in series]
    filled = [t for t in texts if t.lower() not in _NUMBER_GAPS]
    return bool(filled) and all(_NUMBER_LIKE.match(t) for t in filled)


def _header(label: object) -> str:
    if isinstance(label, tuple):
        return " ".join(str(part) for part in label if _plain(part).strip())
    return _plain(label)


def flatten(frame: pd.DataFrame, index: bool | None = None) -> tuple[pd.DataFrame, int]:
    """``frame`` with its row labels as leading columns (when they mean something) and one header level.

    Returns the flat frame and how many leading columns are row headers. ``index=None`` keeps the labels
    unless they are plain row numbers; ``False`` drops them; ``True`` keeps them.
    """
    frame = frame.copy()
    frame.columns = [_header(c) for c in frame.columns]
    meaningless = isinstance(frame.index, pd.RangeIndex) or (
        frame.index.nlevels == 1 and frame.index.name is None and pd.api.types.is_integer_dtype(frame.index)
    )
    keep = (not meaningless) if index is None else (index and not isinstance(frame.index, pd.RangeIndex))
    if not keep:
        return frame.reset_index(drop=True), 0
    names = [_plain(n) for n in frame.index.names]
    levels = [frame.index.get_level_values(i) for i in range(frame.index.nlevels)]
    leading = pd.DataFrame({f"\0{i}": list(level) for i, level in enumerate(levels)})
    flat = pd.concat([leading, frame.reset_index(drop=True)], axis=1)
    flat.columns = names + list(frame.columns)
    return flat, len(levels)


def to_html(frame: pd.DataFrame, caption: str, *, index: bool | None = None,
            formatter: Callable[[object], str] = _plain, note: str = "") -> str:
    """A ``<table>`` for ``frame`` with ``caption``; numbers pass through ``formatter``; ``note`` (a source
    or a remark) is shown under the table."""
    flat, row_headers = flatten(frame, index)
    keyvalue = row_headers == 1 and flat.shape[1] == 2  # label: value pairs need no header row
    numeric = [not keyvalue and i >= row_headers and _is_numeric(flat.iloc[:, i]) for i in range(flat.shape[1])]
    short = [i >= row_headers and bool(flat.iloc[:, i].map(lambda v: len(_plain(v)) <= SHORT).all())
             for i in range(flat.shape[1])]
    typed = [pd.api.types.is_numeric_dtype(flat.iloc[:, i]) and not pd.api.types.is_bool_dtype(flat.iloc[:, i])
             for i in range(flat.shape[1])]
    kind = "pk-table pk-data" + (" pk-keyvalue" if keyvalue else "") + (" pk-wide" if flat.shape[1] >= WIDE else "")
    out = [f'<table class="{kind}">', f"<caption>{html.escape(str(caption), quote=False)}</caption>"]
    if not keyvalue:
        cells = []
        for i, name in enumerate(flat.columns):
            cls = ' class="pk-num"' if numeric[i] else ""
            cells.append(f'<th scope="col"{cls}>{_breakable(str(name))}</th>')
        out.append("<thead><tr>" + "".join(cells) + "</tr></thead>")
    out.append("<tbody>")
    for row in flat.itertuples(index=False, name=None):
        cells = []
        for i, value in enumerate(row):
            text = formatter(value) if typed[i] and _plain(value) != "" else _plain(value)
            classes = ["pk-num"] * bool(numeric[i]) + ["pk-short"] * bool(short[i] and not numeric[i])
            cls = f' class="{" ".join(classes)}"' if classes else ""
            tag = "th" if i < row_headers else "td"
            scope = ' scope="row"' if tag == "th" else ""
            cells.append(f"<{tag}{scope}{cls}>{_breakable(text)}</{tag}>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    if note:
        out.append(f'<p class="pk-table-note">{_breakable(note)}</p>')
    return "\n".join(out)


class Table:
    """A table to display in a notebook: HTML (``to_html``) for JupyterLab and reports, text for consoles."""

    def __init__(self, frame: pd.DataFrame, caption: str, *, index: bool | None = None,
                 formatter: Callable[[object], str] = _plain, note: str = "") -> None:
        self.frame, self.caption, self.index, self.formatter, self.note = frame, caption, index, formatter, note

    def _repr_html_(self) -> str:
        return to_html(self.frame, self.caption, index=self.index, formatter=self.formatter, note=self.note)

    def __repr__(self) -> str:
        flat, _ = flatten(self.frame, self.index)
        text = f"{self.caption}\n{flat.to_string(index=False)}"
        return text + (f"\n{self.note}" if self.note else "")
