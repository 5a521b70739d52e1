"""Report and index pages: self-contained, code hidden by default, banner escaped, failures marked."""

from __future__ import annotations

import base64
import re
import struct
import zlib
from html.parser import HTMLParser

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from helpers import render
from helpers.render import format_duration, format_time, format_value, render_index, render_report

XSS = "<script>alert(1)</script>"
CODE_MARK = "secret_source_line = 42"


def tiny_png(width: int = 3, height: int = 2) -> bytes:
    """A valid RGB PNG built with the standard library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


PNG_B64 = base64.b64encode(tiny_png()).decode("ascii")


def sample_notebook(*, failed: bool = False) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.cells = [
        new_code_cell("target_year = 2035  # parameter", metadata={"tags": ["parameters"]}),
        new_code_cell("target_year = 2040", metadata={"tags": ["injected-parameters"]}),
        new_markdown_cell("# Trade gap\n\nThe gap is computed below."),
        new_code_cell(f"{CODE_MARK}\nprint('gap computed')", outputs=[
            new_output("stream", name="stdout", text="gap computed: 1.5 billion\n"),
        ]),
        new_code_cell("plot()", outputs=[
            new_output("display_data", data={"image/png": PNG_B64, "text/plain": "<Figure>"}),
        ]),
        new_code_cell("table()", execution_count=3, outputs=[
            new_output("execute_result", execution_count=3, data={
                "text/html": "<table><tr><td>&lt;script&gt;window.x=1&lt;/script&gt;</td></tr></table>",
                "text/plain": "table",
            }),
        ]),
        new_code_cell("noisy()", metadata={"tags": ["remove-output"]}, outputs=[
            new_output("stream", name="stdout", text="NOISY-OUTPUT-LINE\n"),
        ]),
        new_code_cell("scratch()", metadata={"tags": ["remove-cell"]}, outputs=[
            new_output("stream", name="stdout", text="SCRATCH-CELL-OUTPUT\n"),
        ]),
    ]  # fmt: skip
    if failed:
        nb.cells.append(
            new_code_cell(
                "check_gap()",
                metadata={"tags": ["remove-output"]},  # an error output is shown whatever the tags say
                outputs=[
                    new_output(
                        "error",
                        ename="ValueError",
                        evalue="gap is negative",
                        traceback=["\x1b[31mValueError\x1b[0m: gap is negative (row 3)"],
                    )
                ],
            )
        )
        nb.cells.append(new_code_cell("never_ran()"))
    return nb


def sample_meta(**overrides: object) -> dict:
    meta = {
        "title": "Trade gap <b>Pakistan</b>",
        "name": "gap_2035",
        "notebook": "10_target_gap.ipynb",
        "parameters": {"target_year": 2040, "claim_text": XSS, "partners": ["China", "Uzbekistan"], "target": 5e10},
        "run_started": "2026-01-29T14:03:22+00:00",
        "duration_s": 12.34,
        "status": "ok",
        "error": None,
        "data_checksums": {"data/claims.csv": "0123456789abcdef" * 4},
        "versions": {"pandas": "3.1.1", "nbconvert": "7.17.2"},
        "tables": ["gap_table.csv"],
    }
    meta.update(overrides)
    return meta


class Attributes(HTMLParser):
    """Collect every tag with its attributes, the text of <style> elements and the other text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        (self.styles if self._in_style else self.text).append(data)


def parse(html: str) -> Attributes:
    parser = Attributes()
    parser.feed(html)
    return parser


def elements_with_class(html: str, name: str) -> int:
    return sum(name in (a.get("class") or "").split() for _, a in parse(html).tags)


def network_references(html: str) -> list[str]:
    """Every URL the page could load or link to outside itself: attributes, @import, url()."""
    page = parse(html)
    found = []
    for tag, attrs in page.tags:
        for name in ("src", "href", "srcset", "data", "poster", "action", "formaction"):
            value = attrs.get(name) or ""
            if re.search(r"^\s*(https?:)?//", value, re.IGNORECASE):
                found.append(f"<{tag} {name}={value}>")
    css = re.sub(r"/\*.*?\*/", "", "\n".join(page.styles), flags=re.DOTALL)  # comments load nothing
    found += re.findall(r"@import[^;]*", css)
    found += [u for u in re.findall(r"url\(([^)]*)\)", css) if not u.strip("'\" ").startswith("data:")]
    found += re.findall(r"<script[^>]*\ssrc=", html, re.IGNORECASE)
    return found


@pytest.fixture(scope="module")
def ok_page() -> str:
    return render_report(sample_notebook(), sample_meta())


@pytest.fixture(scope="module")
def failed_page() -> str:
    return render_report(
        sample_notebook(failed=True),
        sample_meta(status="failed", error=f"ValueError: gap is negative {XSS}"),
    )


def test_report_is_self_contained(ok_page: str) -> None:
    assert network_references(ok_page) == []
    assert not re.search(r"https?://", ok_page)  # not even in CSS comments
    assert "<script" not in ok_page.lower()
    csp = [a for t, a in parse(ok_page).tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert len(csp) == 1
    assert "default-src 'none'" in csp[0]["content"] and "script-src 'none'" in csp[0]["content"]


def test_network_reference_check_catches_remote_loads() -> None:
    # The checker above is what guards the pages: make sure it sees what it should.
    bad = (
        '<script src="https://cdn.example/x.js"></script><img src="http://example.com/a.png">'
        '<style>@import "https://fonts.example/css"; .a{background:url(https://x.example/b.png)}</style>'
    )
    assert len(network_references(bad)) == 5


def test_png_output_is_embedded(ok_page: str) -> None:
    images = [a.get("src") or "" for t, a in parse(ok_page).tags if t == "img"]
    assert images and all(src.startswith("data:image/") for src in images)
    assert f"data:image/png;base64,{PNG_B64}" in ok_page


def test_image_alt_text_from_output_metadata() -> None:
    nb = new_notebook(
        cells=[
            new_code_cell(
                "chart()",
                outputs=[
                    new_output(
                        "display_data", data={"image/png": PNG_B64}, metadata={"alt": 'Exports <must> grow "17x"'}
                    ),
                    new_output("display_data", data={"image/png": PNG_B64}, metadata={"image/png": {"width": 300}}),
                ],
            )
        ]
    )
    images = [a for t, a in parse(render_report(nb, sample_meta())).tags if t == "img"]
    assert [a["alt"] for a in images] == ['Exports <must> grow "17x"', "Chart"]
    assert images[1]["width"] == "300"


def test_markdown_image_file_is_embedded(tmp_path) -> None:
    (tmp_path / "map.png").write_bytes(tiny_png())
    nb = new_notebook(cells=[new_markdown_cell("![map of mines](map.png)")])
    page = render_report(nb, sample_meta(notebook=str(tmp_path / "20_map.ipynb")))
    images = [a.get("src") or "" for t, a in parse(page).tags if t == "img"]
    assert images == [f"data:image/png;base64,{PNG_B64}"]


def test_code_hidden_by_default_and_shown_on_request(ok_page: str) -> None:
    assert CODE_MARK not in ok_page
    assert "gap computed: 1.5 billion" in ok_page  # outputs stay
    assert elements_with_class(ok_page, "jp-InputArea-editor") == 0
    assert "In&nbsp;[" not in ok_page and "In\xa0[" not in ok_page
    shown = render_report(sample_notebook(), sample_meta(), show_code=True)
    assert "secret_source_line" in shown
    assert elements_with_class(shown, "jp-InputArea-editor") > 0
    assert network_references(shown) == []


def test_tagged_cells_and_outputs_removed(ok_page: str) -> None:
    assert "NOISY-OUTPUT-LINE" not in ok_page
    assert "SCRATCH-CELL-OUTPUT" not in ok_page
    shown = render_report(sample_notebook(), sample_meta(), show_code=True)
    # Parameter cells are dropped even with code shown: the banner lists the parameters.
    assert "target_year = 2035" not in shown and "target_year = 2040" not in shown
    assert "scratch()" not in shown
    assert "noisy()" in "".join(parse(shown).text) and "NOISY-OUTPUT-LINE" not in shown


def test_html_output_keeps_its_escaping(ok_page: str) -> None:
    assert "&lt;script&gt;window.x=1&lt;/script&gt;" in ok_page
    assert "<script>window.x=1" not in ok_page


def test_banner_escapes_every_value(ok_page: str) -> None:
    assert XSS not in ok_page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in ok_page
    assert "Trade gap &lt;b&gt;Pakistan&lt;/b&gt;" in ok_page
    assert "<b>Pakistan</b>" not in ok_page
    banner = ok_page[ok_page.index('id="run-summary"') : ok_page.index("</header>")]
    assert "Trade gap" in banner and "2026-01-29 14:03 UTC" in banner
    assert 'href="../../index.html"' in banner and 'href="#run-details"' in banner
    assert "This run failed" not in banner and "target_year" not in banner
    # The head comes before the notebook's content; the run's details after it.
    details = ok_page[ok_page.index('id="run-details"') :]
    assert ok_page.index('id="run-summary"') < ok_page.index("gap computed") < ok_page.index('id="run-details"')
    assert "2040" in details and '["China", "Uzbekistan"]' in details.replace("&#34;", '"').replace("&quot;", '"')
    assert "12.3 s" in details and "gap_2035" in details
    assert "0123456789ab<" in details and "<details" in details  # checksum shortened, collapsible
    assert "3.1.1" in details
    assert "50000000000.0 (50.0 billion)" in details
    assert 'href="gap_table.csv"' in details


def test_downloads_linked_in_head_and_details() -> None:
    page = render_report(sample_notebook(), sample_meta(downloads=[
        {"href": "report.pdf", "label": "PDF", "kind": "pdf"},
        {"href": "tables.xlsx", "label": "workbook (Excel)", "kind": "xlsx"},
        {"href": "javascript:alert(1)", "label": XSS}]))
    banner = page[page.index('id="run-summary"') : page.index("</header>")]
    assert 'href="report.pdf"' in banner and 'class="pk-download-pdf"' in banner
    assert 'href="tables.xlsx"' in page[page.index('id="run-details"') :]
    hrefs = [a.get("href") or "" for t, a in parse(page).tags if t == "a"]
    assert not any(h.lower().startswith("javascript:") for h in hrefs)
    assert XSS not in page


def test_report_page_is_lean(ok_page: str) -> None:
    """The project's stylesheet only: no JupyterLab theme variables, a few kilobytes of CSS."""
    styles = "".join(parse(ok_page).styles)
    assert "--jp-" not in styles
    assert len(styles) < 12_000
    assert len(ok_page) < 30_000


def test_code_shown_gets_its_highlighting_styles() -> None:
    shown = render_report(sample_notebook(), sample_meta(), show_code=True)
    assert ".highlight" in "".join(parse(shown).styles)


def test_failed_run_box_and_marked_cell(failed_page: str) -> None:
    banner = failed_page[failed_page.index('id="run-summary"') : failed_page.index("</header>")]
    assert "This run failed" in banner and "pk-failed-box" in banner
    assert "ValueError: gap is negative &lt;script&gt;alert(1)&lt;/script&gt;" in banner
    assert XSS not in failed_page
    assert 'href="#failed-cell"' in banner
    # The marker sits right before the failing cell, whose traceback is shown with code hidden.
    marker = failed_page.index('id="failed-cell"')
    assert marker < failed_page.index("gap is negative (row 3)")
    assert failed_page.count('id="failed-cell"') == 1
    assert "celltag_pakclaims-failed-cell" in failed_page
    assert "check_gap()" not in failed_page


def test_failed_run_without_error_output_says_so() -> None:
    page = render_report(sample_notebook(), sample_meta(status="failed", error="kernel died"))
    assert "This run failed" in page and "kernel died" in page
    assert 'id="failed-cell"' not in page
    assert "No cell in the notebook recorded the error" in page


def test_papermill_markers_replaced_by_one_marker() -> None:
    nb = sample_notebook(failed=True)
    papermill_marker = '<span id="papermill-error-cell">Execution using papermill encountered an exception</span>'
    nb.cells.insert(0, new_markdown_cell(papermill_marker, metadata={"tags": ["papermill-error-cell-tag"]}))
    nb.cells.insert(-2, new_markdown_cell(papermill_marker, metadata={"tags": ["papermill-error-cell-tag"]}))
    page = render_report(nb, sample_meta(status="failed", error="ValueError"))
    assert "papermill encountered" not in page
    assert page.count('id="failed-cell"') == 1


def test_input_notebook_is_not_modified() -> None:
    nb = sample_notebook(failed=True)
    before = nbformat.writes(nb)
    render_report(nb, sample_meta(status="failed", error="x"))
    assert nbformat.writes(nb) == before


# --------------------------------------------------------------------------------------------------
# Index page


def manifest(nothing_changed: bool = False) -> dict:
    def run(name: str, status: str, last_attempt: str, **extra: object) -> dict:
        base = {
            "name": name,
            "title": f"Title of {name}",
            "notebook": "10_target_gap.ipynb",
            "parameters": {"target_year": 2035},
            "status": status,
            "last_attempt": last_attempt,
            "last_success": last_attempt if status == "ok" else None,
            "duration_s": 4.5,
            "error": None if status == "ok" else f"{name} broke",
            "html": f"runs/{name}/report.html" if status == "ok" else None,
            "failed_html": f"failed/{name}/report.html" if status == "failed" else None,
            "tables": [f"runs/{name}/gap.csv"],
            "key_figures": [],
            "changes": [],
            "changes_are_new": False,
        }
        base.update(extra)
        return base

    runs = [
        run("zeta_ok", "ok", "2026-01-29T10:00:00+00:00"),
        run("alpha_ok", "ok", "2026-01-29T10:05:00+00:00",
            parameters={"claim_text": XSS},
            key_figures=[{"name": "required_growth", "label": "Required growth", "value": 0.367,
                          "unit": "fraction/yr", "claims": ["C001", "C004"], "context": "F012"}],
            changes=[{"name": "gap", "label": "Export gap <i>x</i>", "old": 4.8e10, "new": 5.0e10,
                      "unit": "USD", "causes": ["data/context_figures.csv changed", XSS]}],
            changes_are_new=True),
        run("old_failure", "failed", "2026-01-28T09:00:00+00:00"),
        run("new_failure", "failed", "2026-01-29T11:00:00+00:00",
            last_success="2026-01-20T08:00:00+00:00", html="runs/new_failure/report.html"),
        run("mid_ok", "ok", "2026-01-29T10:02:00+00:00"),
    ]  # fmt: skip
    return {
        "generated": "2026-01-29T11:30:00+00:00",
        "batch": {
            "started": "2026-01-29T11:00:00+00:00",
            "finished": "2026-01-29T11:29:00+00:00",
            "counts": {"ok": 3, "failed": 2, "skipped": 4},
            "nothing_changed": nothing_changed,
            "message": "" if not nothing_changed else "every input has the checksum of the last run",
        },
        "runs": {r["name"]: r for r in runs},
    }


@pytest.fixture(scope="module")
def index_page() -> str:
    return render_index(manifest())


def row_order(html: str) -> list[str]:
    return [a["data-run"] for t, a in parse(html).tags if t == "tr" and a.get("data-run")]


def test_index_orders_failures_newest_first_then_by_name(index_page: str) -> None:
    assert row_order(index_page) == ["new_failure", "old_failure", "alpha_ok", "mid_ok", "zeta_ok"]


def test_index_links(index_page: str) -> None:
    hrefs = [a.get("href") for t, a in parse(index_page).tags if t == "a"]
    assert "runs/alpha_ok/report.html" in hrefs
    assert "failed/old_failure/report.html" in hrefs
    assert "failed/new_failure/report.html" in hrefs and "runs/new_failure/report.html" in hrefs
    assert "runs/zeta_ok/gap.csv" in hrefs
    assert network_references(index_page) == []
    assert "<script" not in index_page.lower()
    assert "Content-Security-Policy" in index_page


def test_index_summary_and_columns(index_page: str) -> None:
    summary = index_page[index_page.index('id="summary"') :]
    summary = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", summary[: summary.index("</p>")]))
    assert "5 reports: 3 ran ok, 2 failed, 4 skipped" in summary
    assert "2026-01-29 11:00 UTC" in summary
    assert "old_failure broke" in index_page
    assert "4.5 s" in index_page and "never" in index_page
    assert "Required growth: <strong>36.7% a year</strong>" in index_page
    assert "C001, C004" not in index_page  # ids are for source lines and CSVs, not the index's text
    assert 'id="nothing-changed"' not in index_page


def test_index_changes_column(index_page: str) -> None:
    cells = re.findall(r'<td class="pk-changes">(.*?)</td>', index_page, re.DOTALL)
    alpha = cells[row_order(index_page).index("alpha_ok")]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", alpha))
    assert "Export gap &lt;i&gt;x&lt;/i&gt;: $48.0 billion → $50.0 billion" in text
    assert "data/context_figures.csv changed" in text
    assert "from an earlier batch" not in text
    zeta = cells[row_order(index_page).index("zeta_ok")]
    assert "no figure changed" in zeta


def test_index_escapes_everything(index_page: str) -> None:
    assert XSS not in index_page
    assert "<i>x</i>" not in index_page
    assert index_page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3  # a parameter; a cause, twice


def test_index_nothing_changed_banner() -> None:
    page = render_index(manifest(nothing_changed=True))
    box = page[page.index('id="nothing-changed"') :]
    box = box[: box.index("</div>")]
    # The latest successful run is alpha_ok's, at 10:05.
    assert "Nothing changed since 2026-01-29 10:05 UTC" in box
    assert "every input has the checksum of the last run" in box


def test_index_link_cannot_carry_a_scheme() -> None:
    data = manifest()
    data["runs"]["zeta_ok"]["html"] = "javascript:alert(1)"
    page = render_index(data)
    hrefs = [a.get("href") or "" for t, a in parse(page).tags if t == "a"]
    assert not any(h.lower().startswith("javascript:") for h in hrefs)


def test_index_without_runs() -> None:
    page = render_index({"generated": "2026-01-29T11:30:00", "batch": {}, "runs": {}})
    assert "No report yet" in page and "0 reports" in page


def test_import_is_cheap() -> None:
    # nbconvert and jinja are imported inside the functions.
    import subprocess
    import sys

    code = "import sys, helpers.render; print(any(m.startswith(('nbconvert', 'jinja2')) for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    assert render.CSP.startswith("default-src 'none'")


# --------------------------------------------------------------------------------------------------
# Formatting


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (5.0e10, "", "50.0 billion"),
        (0.367, "fraction/yr", "36.7% a year"),
        (0.4, "fraction", "40%"),
        (2e9, "USD", "$2.0 billion"),
        (6e12, "US$", "$6.0 trillion"),
        (2.59e12, "current US$", "$2.6 trillion (current prices)"),
        (196709621849.58618, "current US$", "$196.7 billion (current prices)"),
        (-1.5e9, "USD", "-$1.5 billion"),
        (10, "USD bn", "$10.0 billion"),
        (3e9, "USD/yr", "$3.0 billion a year"),
        (1.2e12, "PKR", "Rs 1.2 trillion"),
        (6000, "acres", "6,000 acres"),
        (250000, "tonnes copper/yr", "250,000 tonnes copper a year"),
        (1.5e6, "tonnes blister copper/yr", "1.5 million tonnes blister copper a year"),
        (3.1, "percent per year (volume)", "3.1% a year (volume)"),
        (12.5, "percent", "12.5%"),
        (2.5, "percentage points", "2.5 percentage points"),
        (16.666, "x", "16.7x"),
        (722.89, "multiple", "723x"),
        (0.0945043, "fraction/yr", "9.5% a year"),
        (0.000333, "fraction/yr", "0.033% a year"),
        (0.7228, "fraction", "72%"),
        (3000, "years", "3,000 years"),
        (2035, "year", "2035"),
        (12.5, "years", "12.5 years"),
        (0.00412, "", "0.0041"),
        (1234.567, "", "1,235"),
        (float("nan"), "USD", "n/a"),
        (None, "USD", "n/a"),
    ],
)
def test_format_value(value: float, unit: str, expected: str) -> None:
    assert format_value(value, unit) == expected


def test_format_time_and_duration() -> None:
    assert format_time("2026-01-29T14:03:22+00:00") == "2026-01-29 14:03 UTC"
    assert format_time("2026-01-29T14:03:22Z") == "2026-01-29 14:03 UTC"
    assert format_time("2026-01-29T19:03:22+05:00") == "2026-01-29 19:03 +05:00"
    assert format_time("2026-01-29T14:03:22") == "2026-01-29 14:03"
    assert format_time("yesterday") == "yesterday"
    assert format_time(None) == "never"
    assert format_duration(4.21) == "4.2 s"
    assert format_duration(125) == "2 min 05 s"
    assert format_duration(3700) == "1 h 01 min"
    assert format_duration(None) == "n/a"


def test_index_says_new_report_for_a_first_success() -> None:
    run = {"name": "r", "title": "R", "notebook": "n.ipynb", "parameters": {}, "status": "ok",
           "last_attempt": "2026-01-01T00:00:00+00:00", "last_success": "2026-01-01T00:00:00+00:00",
           "duration_s": 1.0, "error": None, "html": "runs/r/report.html", "failed_html": None, "tables": [],
           "key_figures": [], "changes": [], "changes_are_new": True, "new_report": True}
    html = render_index({"generated": "2026-01-01T00:00:00+00:00", "batch": {}, "runs": {"r": run}})
    assert "new report" in html and "no figure changed" not in html
    html = render_index({"generated": "2026-01-01T00:00:00+00:00", "batch": {},
                         "runs": {"r": {**run, "new_report": False}}})
    assert "no figure changed" in html
