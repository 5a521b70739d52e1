"""What a report writes beside its HTML: CSV tables and machine-readable key figures.

Every table a report shows is also saved as CSV; headline numbers go to ``key_figures.json`` as
``{"report": ..., "figures": [{"name", "label", "value", "unit", "claims", "context"}]}`` so that tests and
the batch's "what changed" read numbers from there, never from HTML.
"""

from __future__ import annotations

import json
import math
import numbers
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from helpers import paths
from helpers.files import write_csv

KEY_FIGURES_FILE = "key_figures.json"


def resolve_output_dir(output_dir: str, notebook_name: str) -> Path:
    """The folder a run writes to: the batch passes one; a hand run uses reports/lab/<notebook>."""
    folder = Path(output_dir) if output_dir else paths.lab_output_dir(notebook_name)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _slug(name: str) -> str:
    """A file-name-safe version of a table name."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "table"


def save_table(frame: pd.DataFrame, name: str, output_dir: Path) -> Path:
    """Write ``frame`` as ``<name>.csv`` in ``output_dir`` and return the path.

    The file is for people, who open it in a spreadsheet: text cells that a spreadsheet would run as a
    formula (starting with =, +, -, @, a tab or CR) are neutralised with a leading ``'``; numbers never are
    (``helpers.files.write_csv``)."""
    return write_csv(frame, Path(output_dir) / f"{_slug(name)}.csv", for_people=True)


@dataclass
class Figure:
    """One headline number and where it comes from."""

    name: str
    label: str
    value: float | None
    unit: str
    claims: list[str] = field(default_factory=list)
    context: list[str] = field(default_factory=list)


class KeyFigures:
    """Collects a report's headline numbers and writes them as ``key_figures.json``."""

    def __init__(self, report: str) -> None:
        self.report = report
        self.figures: list[Figure] = []

    def add(self, name: str, label: str, value: float | None, unit: str,
            claims: Iterable[str] = (), context: Iterable[str] = ()) -> float | None:
        """Record a figure (names are unique within a report) and return its value."""
        if any(f.name == name for f in self.figures):
            raise ValueError(f"key figure {name!r} recorded twice in report {self.report!r}")
        number = None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)
        self.figures.append(Figure(name, label, number, unit, sorted(set(claims)), sorted(set(context))))
        return number

    def to_frame(self) -> pd.DataFrame:
        """The figures as a table."""
        return pd.DataFrame([asdict(f) for f in self.figures],
                            columns=["name", "label", "value", "unit", "claims", "context"])

    def save(self, output_dir: Path) -> Path:
        """Write ``key_figures.json`` in ``output_dir``."""
        path = Path(output_dir) / KEY_FIGURES_FILE
        payload = {"report": self.report, "figures": [asdict(f) for f in self.figures]}
        path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return path


def read_key_figures(output_dir: Path) -> dict[str, Figure]:
    """The key figures a run wrote, by name."""
    payload = json.loads((Path(output_dir) / KEY_FIGURES_FILE).read_text(encoding="utf-8"))
    return {f["name"]: Figure(**f) for f in payload["figures"]}


def readable_number(value: object) -> str:
    """Numbers for on-screen tables: thousands separators for large values, 3 significant digits for small."""
    if isinstance(value, numbers.Number) and not isinstance(value, bool | int | float):
        value = value.item() if hasattr(value, "item") else value  # numpy scalars
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    if isinstance(value, float) and math.isnan(value):
        return ""
    if float(value).is_integer() and 1800 <= value <= 2200:
        return f"{value:.0f}"  # a year
    if abs(value) >= 1000 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:.3g}"


def styled(frame: pd.DataFrame, index: bool = False):
    """A DataFrame view for reports: every cell HTML-escaped, numbers readable, the row index hidden."""
    if not frame.index.is_unique:  # Styler needs unique row labels: show them as a column instead
        frame, index = frame.reset_index() if index else frame.reset_index(drop=True), False
    view = frame.style.format(readable_number, escape="html", na_rep="")
    text_columns = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    view = view.set_properties(subset=text_columns, **{"text-align": "left"})
    view = view.format_index(escape="html", axis=0).format_index(escape="html", axis=1)
    meaningful = index and not isinstance(frame.index, pd.RangeIndex)  # row numbers mean nothing to a reader
    return view if meaningful else view.hide(axis="index")


class Report:
    """What a notebook shows and writes: tables (shown + CSV), charts, sentences and key figures.

    ``Report(output_dir, "10_target_gap")`` resolves the output folder once; every ``table`` is displayed
    and saved, every ``chart`` displayed and closed, and ``finish()`` writes ``key_figures.json``.
    """

    def __init__(self, output_dir: str, notebook_name: str, report_name: str | None = None) -> None:
        self.dir = resolve_output_dir(output_dir, notebook_name)
        self.figures = KeyFigures(report_name or notebook_name)
        self.tables: list[Path] = []
        self.summary: list[str] = []

    def table(self, frame: pd.DataFrame, name: str, show: pd.DataFrame | None = None,
              caption: str | None = None) -> None:
        """Save ``frame`` as CSV and display ``show`` (a formatted view) or the frame, numbers readable, under
        ``caption`` (default: from the name, ``"growth_comparison"`` -> "Growth comparison").

        The table is shown with one header row and no pandas artefacts (``helpers.htmltable``). An empty
        frame is saved but not shown (the notebook says in words that there is nothing).
        """
        from IPython.display import display

        from helpers import htmltable

        self.tables.append(save_table(frame, name, self.dir))
        if frame.empty:
            return  # the CSV (headers only) is still written; an empty grid tells a reader nothing
        view = show if show is not None else frame
        display(htmltable.Table(view, caption or htmltable.default_caption(name),
                                index=None if show is not None else False, formatter=readable_number))

    def chart(self, figure) -> None:
        """Display a matplotlib figure as SVG (its title as the image's alt text) and close it, so it is drawn
        once. Text stays text (``svg.fonttype`` none): the chart is crisp at any size and in print, its
        words can be searched, and it weighs a fraction of a PNG."""
        import io

        import matplotlib.pyplot as plt
        from IPython.display import SVG, display

        title = figure._suptitle.get_text().replace("\n", " ") if figure._suptitle is not None else "Chart"
        buffer = io.StringIO()
        with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "pakclaims"}):
            figure.savefig(buffer, format="svg", bbox_inches="tight", pad_inches=0.1, metadata={"Date": None})
        display(SVG(buffer.getvalue()), metadata={"alt": title})
        plt.close(figure)

    def say(self, text: str) -> None:
        """Display a sentence built from data as Markdown: HTML in it shows as text, and "$" stays a dollar
        sign (JupyterLab would typeset text between two "$" as mathematics)."""
        import html

        from IPython.display import Markdown, display

        if not text:  # nothing to say (a section that has its content)
            return
        display(Markdown(html.escape(text, quote=False).replace("$", "\\$")))

    def figure(self, name: str, label: str, value: float | None, unit: str,
               claims: Iterable[str] = (), context: Iterable[str] = ()) -> float | None:
        """Record a key figure; returns the value for use in the text."""
        return self.figures.add(name, label, value, unit, claims, context)

    def summarise(self, sentence: str) -> None:
        """Add a sentence to what the report found, for a report without a verdict on one claim (the register,
        the minerals analysis): ``finish`` writes them to ``summary.json`` and the page opens with them. Each
        sentence is built from data; the body says the same with its tables."""
        self.summary.append(sentence)

    def finish(self) -> None:
        """Write key_figures.json (and summary.json, when the report has a summary); call at the end of the
        notebook."""
        from helpers.files import write_atomic

        self.figures.save(self.dir)
        path = self.dir / SUMMARY_FILE
        if self.summary:
            write_atomic(path, json.dumps({"summary": self.summary}, ensure_ascii=False, indent=1) + "\n")
        elif path.is_file():
            path.unlink()  # a rerun that found nothing to summarise leaves no stale summary behind


#: What a report without a claim verdict found, in sentences (``Report.summarise``; ``read_summary``).
SUMMARY_FILE = "summary.json"


def read_summary(folder: str | Path) -> list[str]:
    """The sentences of a run's ``summary.json`` ([] without one)."""
    path = Path(folder) / SUMMARY_FILE
    if not path.is_file():
        return []
    return [str(s) for s in json.loads(path.read_text(encoding="utf-8")).get("summary") or [] if str(s).strip()]
