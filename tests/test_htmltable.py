"""Report tables: one header row, a caption, no pandas artefacts, everything escaped, long tokens breakable."""

from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd

from helpers import htmltable, outputs


class Cells(HTMLParser):
    """Rows of (tag, text) and the caption of the first table."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[tuple[str, str, str]]] = []
        self.caption = ""
        self.header_rows = 0
        self._cell: list[str] | None = None
        self._tag = ""
        self._cls = ""
        self._in_caption = False
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr":
            self.rows.append([])
            self.header_rows += self._in_head
        elif tag in ("th", "td"):
            self._cell, self._tag, self._cls = [], tag, attrs.get("class") or ""
        elif tag == "caption":
            self._in_caption = True
        elif tag == "thead":
            self._in_head = True

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            self.rows[-1].append((self._tag, "".join(self._cell), self._cls))
            self._cell = None
        elif tag == "caption":
            self._in_caption = False
        elif tag == "thead":
            self._in_head = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._in_caption:
            self.caption += data


def cells(html: str) -> Cells:
    parser = Cells()
    parser.feed(html)
    return parser


def test_measure_value_view_becomes_label_value_pairs_without_header() -> None:
    view = pd.DataFrame({"value": ["$10.0 billion a year", "2029"]},
                        index=pd.Index(["Target", "Target year"], name="measure"))
    page = cells(htmltable.to_html(view, "Baseline, target and gap"))
    assert page.caption == "Baseline, target and gap"
    assert page.header_rows == 0  # no "value" header, no "measure" row
    assert [[text for _, text, _ in row] for row in page.rows] == [
        ["Target", "$10.0 billion a year"], ["Target year", "2029"]]
    assert page.rows[0][0][0] == "th"


def test_multiindex_rows_become_plain_columns_under_one_header() -> None:
    frame = pd.DataFrame({"amount": ["$2.0 billion", "$3.0 billion"], "seed": ["003_0560b6292d5b7678.txt", "x"]},
                         index=pd.MultiIndex.from_tuples([("trade", "pk-uz"), ("trade", "uz-pharma")],
                                                         names=["topic", "claim"]))
    page = cells(htmltable.to_html(frame, "Claims used"))
    assert page.header_rows == 1
    assert [text for _, text, _ in page.rows[0]] == ["topic", "claim", "amount", "seed"]
    assert [text for _, text, _ in page.rows[2]] == ["trade", "uz-pharma", "$3.0 billion", "x"]
    # amounts are right-aligned like numbers; a file name that starts with digits is not a number
    assert "pk-num" in page.rows[1][2][2] and "pk-num" not in page.rows[1][3][2]


def test_columns_axis_name_and_column_levels_leave_no_extra_header_row() -> None:
    frame = pd.DataFrame([[0.1, 0.2]], index=pd.Index([2030], name="year"),
                         columns=pd.MultiIndex.from_tuples([("share", "flat"), ("share", "ramp")]))
    frame.columns.names = ["measure", "path"]
    page = cells(htmltable.to_html(frame, "Share by year"))
    assert page.header_rows == 1
    assert [text for _, text, _ in page.rows[0]] == ["year", "share flat", "share ramp"]


def test_row_numbers_are_hidden_and_numbers_formatted() -> None:
    frame = pd.DataFrame({"episode": ["China 2001-2011"], "value": [2.5e9], "missing": [float("nan")]})
    page = cells(htmltable.to_html(frame, "Benchmarks", formatter=outputs.readable_number))
    assert [text for _, text, _ in page.rows[1]] == ["China 2001-2011", "2,500,000,000", ""]
    assert page.rows[1][1][2] == "pk-num"


def test_everything_is_escaped() -> None:
    frame = pd.DataFrame({"<b>col</b>": ["<script>alert(1)</script>"]},
                         index=pd.Index(["<i>row</i>"], name="<u>name</u>"))
    html = htmltable.to_html(frame, "<em>caption</em>", note="Source: <a>")
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html and "<em>" not in html
    assert "&lt;script&gt;" in html and "&lt;em&gt;caption&lt;/em&gt;" in html and "Source: &lt;a&gt;" in html


def test_long_tokens_get_break_opportunities() -> None:
    html = htmltable.to_html(pd.DataFrame({"seed": ["004_a7c00857fc1d37e6.txt"]}), "Seeds")
    assert "004_<wbr>a7c00857<wbr>fc1d37e6.<wbr>txt" in html


def test_default_caption_and_plain_text() -> None:
    assert htmltable.default_caption("growth_comparison") == "Growth comparison"
    assert htmltable.default_caption("") == "Table"
    table = htmltable.Table(pd.DataFrame({"a": [1]}), "Caption")
    assert repr(table).splitlines()[0] == "Caption"


def test_report_table_shows_a_caption(tmp_path, monkeypatch) -> None:
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **_: shown.append(obj))
    report = outputs.Report(str(tmp_path), "nb")
    report.table(pd.DataFrame({"a": [1.5]}), "growth_comparison")
    report.table(pd.DataFrame({"a": [1.5]}), "gap", caption="The gap in words")
    assert [cells(t._repr_html_()).caption for t in shown] == ["Growth comparison", "The gap in words"]
    assert (tmp_path / "growth_comparison.csv").is_file()
