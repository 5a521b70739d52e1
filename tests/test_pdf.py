"""PDF copies of the pages: text a reader can search, nothing fetched, relative links kept, clear errors."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from helpers import paths, pdf
from helpers.errors import PublishError
from helpers.render import render_report


def pdf_text(path: Path) -> str:
    """Every page's text, whitespace collapsed (lines wrap and tables split words across lines)."""
    from pypdf import PdfReader

    text = " ".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    return re.sub(r"\s+", " ", text)


def page_meta(**extra: object) -> dict:
    meta = {"title": "Export target", "name": "gap", "notebook": "10_target_gap.ipynb", "parameters": {},
            "run_started": "2026-01-29T14:03:22+00:00", "duration_s": 1.0, "status": "ok", "error": None,
            "data_checksums": {"data/claims.csv": "ab" * 32}, "versions": {}, "tables": ["gap.csv"]}
    meta.update(extra)
    return meta


@pytest.fixture
def small_page(tmp_path: Path) -> Path:
    nb = new_notebook(cells=[
        new_markdown_cell("## Verdict\n\nExports must grow 36.7% a year, faster than any benchmark.\n\n"
                          '<img src="https://example.invalid/tracker.png" alt="remote">'),
        new_code_cell("x", outputs=[new_output("stream", name="stdout", text="computed\n")]),
    ])
    page = tmp_path / "report.html"
    page.write_text(render_report(nb, page_meta()), encoding="utf-8")
    return page


def test_pdf_holds_the_text_and_the_run_details(small_page: Path) -> None:
    target = pdf.write_pdf(small_page)
    assert target == small_page.with_suffix(".pdf") and target.read_bytes().startswith(b"%PDF-")
    text = pdf_text(target)
    assert "Exports must grow 36.7% a year, faster than any benchmark." in text
    assert "How this report was made" in text
    assert "abababababab" in text  # collapsed checksums are open in print


def test_pdf_keeps_relative_links_and_fetches_nothing(small_page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import urllib.request

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the PDF step tried to open an address")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    target = pdf.write_pdf(small_page, small_page.parent / "copy.pdf")
    from pypdf import PdfReader

    uris = [a.get_object()["/A"].get("/URI") for page in PdfReader(str(target)).pages
            for a in page.get("/Annots") or [] if "/A" in a.get_object()]
    assert "gap.csv" in uris  # beside the PDF, wherever it is copied
    assert not any(str(u).startswith("file:") for u in uris)  # no path of the machine that made it


def test_a_failure_leaves_the_last_pdf(small_page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = pdf.write_pdf(small_page)
    before = target.read_bytes()

    def broken(html: str, page: str = "") -> bytes:
        raise RuntimeError("layout exploded")

    monkeypatch.setattr(pdf, "pdf_bytes", broken)
    with pytest.raises(PublishError, match=r"report\.html could not be converted .*layout exploded"):
        pdf.write_pdf(small_page)
    assert target.read_bytes() == before
    with pytest.raises(PublishError, match="cannot read .*missing.html"):
        pdf.write_pdf(small_page.parent / "missing.html")


def test_missing_system_library_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    class Missing:
        def find_spec(self, name, path=None, target=None):
            if name == "weasyprint":
                raise OSError("cannot load library 'libpango-1.0-0'")
            return None

    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.setattr(sys, "meta_path", [Missing(), *sys.meta_path])
    with pytest.raises(PublishError, match="apt-get install -y libpango-1.0-0 libpangoft2-1.0-0"):
        pdf.pdf_bytes("<p>x</p>")


@pytest.mark.slow
def test_target_gap_pdf_states_the_verdict(tmp_path: Path) -> None:
    """A real target-gap run: its PDF carries the verdict sentence the notebook computed."""
    import papermill

    from helpers import claims as register
    from helpers import context, fx, gap

    claim_id = "pk-ir-trade-target"
    executed = tmp_path / "executed.ipynb"
    out = tmp_path / "out"
    papermill.execute_notebook(str(paths.notebook("10_target_gap")), str(executed), cwd=str(paths.NOTEBOOKS),
                               parameters={"claim_id": claim_id, "output_dir": str(out)}, progress_bar=False,
                               kernel_name="python3")
    page = out / "report.html"
    page.write_text(render_report(nbformat.read(executed, as_version=4),
                                  page_meta(title=f"Target gap: {claim_id}")), encoding="utf-8")
    claims, _ = fx.claims_in_usd(register.load_claims(), fx.load_rates())
    figures = context.load_context()
    analysis = gap.analyse_target(claims, figures, context.load_claim_series(context=figures),
                                  context.benchmark_growth(figures), claim_id)
    verdict = gap.verdict(analysis)
    text = pdf_text(pdf.write_pdf(page))
    assert "24.4% a year" in verdict and "up to 69.1% only if counted from" in verdict
    joined = re.sub(r"-\s+", "-", text)  # a line that wraps after a hyphen ("Pakistan-\nUzbekistan") reads back "- "
    lines = [re.sub(r"^- ", "", line).replace("**", "") for line in verdict.splitlines() if line.strip()]
    assert len(lines) >= 4 and all(line in joined for line in lines)  # the rating and every line, word for word


def test_a_long_table_prints_its_first_rows_and_says_where_the_rest_is(tmp_path: Path) -> None:
    rows = "".join(f"<tr><td>claim {i}</td><td>{i * 2}</td></tr>" for i in range(pdf.PRINT_ROWS + 150))
    page = tmp_path / "report.html"
    page.write_text(f"<html><body><table><thead><tr><th>claim</th><th>value</th></tr></thead><tbody>{rows}</tbody>"
                    "</table><table><tr><td>a short table</td></tr></table></body></html>", encoding="utf-8")
    text = pdf_text(pdf.write_pdf(page))
    last = pdf.PRINT_ROWS - 1
    assert f"claim {last} " in text and f"claim {last + 1} " not in text and "claim 200" not in text
    assert f"150 more rows are left out of this PDF, which prints the first {pdf.PRINT_ROWS}: the page " \
           "report.html has them all." in text
    assert "a short table" in text and text.count("more rows are left out") == 1
    assert "claim 0 " in text and "claim value" in text  # the header and first rows as on the page
