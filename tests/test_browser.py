"""Rendered pages in a real browser (headless Chromium, network off): nothing loads, nothing runs.

Skipped when Chromium is missing, except under CI=true where that is a failure. One Chromium process
opens every page; the checks below read what it recorded.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from cdp import PageResult, check_pages, inspect_pages, print_facts, require_chromium
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from helpers.render import render_index, render_report

pytestmark = pytest.mark.slow

PAYLOAD = "<script>window.__pwned=1</script>"

EXPRESSIONS = {
    "pwned": "typeof window.__pwned",
    "pwned2": "typeof window.__pwned2",
    "payload_as_text": f"document.body.innerText.includes({PAYLOAD!r})",
    "code_text": "document.body.innerText.includes('secret_source_line')",
    "traceback": "document.body.innerText.includes('gap is negative (row 3)')",
    "failed_box": "(document.querySelector('.pk-failed-box') || {innerText: ''}).innerText",
    "marker_visible": "(() => { const m = document.getElementById('failed-cell');"
    " return !!m && m.getClientRects().length > 0; })()",
    "checksums_open": "(document.querySelector('details.pk-checksums') || {open: null}).open",
    "rows": "[...document.querySelectorAll('tr[data-run]')].map(r => r.dataset.run)",
    "report_links": "[...document.querySelectorAll('a.pk-report-link')].map(a => a.getAttribute('href'))",
    "jsonld": "[...document.querySelectorAll('script[type=\"application/ld+json\"]')]"
    ".map(s => JSON.parse(s.textContent)['@type'])",
    "styled": "(() => { const th = document.querySelector('thead th');"
    " return !!th && getComputedStyle(th).borderBottomWidth === '2px'; })()",
    "column": "Math.round((document.querySelector('main') || document.body).getBoundingClientRect().width)",
}


def wide_notebook() -> object:
    """A report whose table has many columns and long unbroken ids, as the claims register has."""
    import pandas as pd

    from helpers.htmltable import to_html

    row = {"topic": "minerals", "claim": "saindak-local-employees-trained-in-the-province",
           "subject": "Local employees trained by the Saindak project over two decades",
           "amount": "more than 5,200 employees", "qualifier": "lower bound", "as of": "2026-01-28",
           "by year": "", "speaker": "Jiang Zaidong", "quote": "the Saindak project alone had trained " * 3,
           "seed": "004_a7c00857fc1d37e6a7c00857fc1d37e6.txt", "address": "https://example.org/" + "x" * 80}
    frame = pd.DataFrame([row] * 3)
    return new_notebook(cells=[
        new_markdown_cell("## The register"),
        new_code_cell("table()", outputs=[new_output("display_data", data={
            "text/html": to_html(frame, "Claims <all>"), "text/plain": "table"})]),
    ])


def chart_png() -> str:
    """A real matplotlib chart, base64 PNG as a notebook output holds it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 2.5), dpi=60)
    ax.plot([2024, 2030, 2035], [3e9, 12e9, 50e9])
    ax.set_title("Exports to China would have to grow 17-fold")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def report_notebook(*, failed: bool = False, raw_markdown: str = "") -> object:
    import pandas as pd

    frame = pd.DataFrame({"claim": [PAYLOAD, "US$50 billion exports"], "value": [1.0, 5e10]})
    cells = [
        new_code_cell("target_year = 2035", metadata={"tags": ["parameters"]}),
        new_markdown_cell("# Export target\n\nThe chart shows the path the target needs." + raw_markdown),
        new_code_cell("secret_source_line = 1\nprint('computed')", outputs=[
            new_output("stream", name="stdout", text="computed\n"),
        ]),
        new_code_cell("chart()", outputs=[
            new_output("display_data", data={"image/png": chart_png(), "text/plain": "<Figure>"}),
        ]),
        new_code_cell("frame", execution_count=4, outputs=[
            new_output("execute_result", execution_count=4,
                       data={"text/html": frame._repr_html_(), "text/plain": frame.to_string()}),
        ]),
    ]  # fmt: skip
    if failed:
        cells.append(
            new_code_cell(
                "check()",
                outputs=[
                    new_output(
                        "error",
                        ename="ValueError",
                        evalue="gap is negative",
                        traceback=["\x1b[0;31mValueError\x1b[0m: gap is negative (row 3)"],
                    )
                ],
            )
        )
    return new_notebook(cells=cells)


def meta(name: str, **extra: object) -> dict:
    data = {
        "title": f"Export target {PAYLOAD}",
        "name": name,
        "notebook": "10_target_gap.ipynb",
        "parameters": {"target_year": 2035, "note": PAYLOAD},
        "run_started": "2026-01-29T14:03:22+00:00",
        "duration_s": 3.5,
        "status": "ok",
        "error": None,
        "data_checksums": {"data/claims.csv": "ab" * 32},
        "versions": {"pandas": "3.1.1"},
        "tables": ["gap.csv"],
    }
    data.update(extra)
    return data


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A small reports/ tree: index, an ok report, a failed one, one with code shown, one with raw HTML."""
    root = tmp_path_factory.mktemp("reports")
    pages = {
        "ok": (root / "runs/gap/report.html", render_report(report_notebook(), meta("gap"))),
        "failed": (
            root / "failed/broken/report.html",
            render_report(
                report_notebook(failed=True),
                meta("broken", status="failed", error=f"ValueError: gap is negative {PAYLOAD}"),
            ),
        ),
        "code": (root / "runs/code/report.html", render_report(report_notebook(), meta("code"), show_code=True)),
        # Raw HTML in a markdown cell is not escaped by nbconvert: the page policy must stop it.
        "hostile": (
            root / "runs/hostile/report.html",
            render_report(
                report_notebook(
                    raw_markdown="\n\n<script>window.__pwned2=1</script>\n\n"
                    '<img src="https://example.invalid/tracker.png" alt="remote">\n'
                ),
                meta("hostile"),
            ),
        ),
    }
    run_common = {"notebook": "10_target_gap.ipynb", "duration_s": 3.5, "key_figures": [], "changes_are_new": True}
    manifest = {
        "generated": "2026-01-29T15:00:00+00:00",
        "batch": {
            "started": "2026-01-29T14:00:00+00:00",
            "finished": "2026-01-29T14:59:00+00:00",
            "counts": {"ok": 1, "failed": 1, "skipped": 0},
            "nothing_changed": False,
            "message": f"batch note {PAYLOAD}",
        },
        "runs": {
            "gap": {
                **run_common,
                "name": "gap",
                "title": "Export target",
                "parameters": {"target_year": 2035, "note": PAYLOAD},
                "status": "ok",
                "last_attempt": "2026-01-29T14:03:22+00:00",
                "last_success": "2026-01-29T14:03:22+00:00",
                "error": None,
                "html": "runs/gap/report.html",
                "failed_html": None,
                "tables": ["runs/gap/gap.csv"],
                "changes": [
                    {"name": "gap", "label": "Gap", "old": 4.8e10, "new": 5e10, "unit": "USD", "causes": [PAYLOAD]}
                ],
            },
            "broken": {
                **run_common,
                "name": "broken",
                "title": "Broken run",
                "parameters": {},
                "status": "failed",
                "last_attempt": "2026-01-29T14:05:00+00:00",
                "last_success": None,
                "error": "ValueError: gap is negative",
                "html": None,
                "failed_html": "failed/broken/report.html",
                "tables": [],
                "changes": [],
            },
        },
    }
    review = {"@context": "https://schema.org", "@type": "ClaimReview", "claimReviewed": f"Exports {PAYLOAD}",
              "reviewRating": {"@type": "Rating", "alternateName": "</script><script>window.__pwned=1</script>"}}
    pages["wide"] = (root / "runs/wide/report.html", render_report(wide_notebook(), meta("wide", jsonld=[review])))
    pages["index"] = (root / "index.html", render_index(manifest))
    for path, html in pages.values():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
    (root / "runs/gap/gap.csv").write_text("claim,value\nC001,1\n", encoding="utf-8")
    return {key: path for key, (path, _) in pages.items()}


@pytest.fixture(scope="module")
def opened(site: dict[str, Path]) -> dict[str, PageResult]:
    require_chromium()
    results = inspect_pages(list(site.values()), EXPRESSIONS, code_hidden=False)
    return dict(zip(site, results, strict=True))


@pytest.mark.parametrize("page", ["index", "ok", "failed", "code", "wide"])
def test_page_makes_no_request_and_logs_no_error(opened: dict[str, PageResult], page: str) -> None:
    assert opened[page].problems == []


@pytest.mark.parametrize("page", ["ok", "failed", "code"])
def test_chart_is_decoded(opened: dict[str, PageResult], page: str) -> None:
    facts = opened[page].facts
    assert facts["images"] == 1
    assert facts["broken"] == []


@pytest.mark.parametrize("page", ["ok", "failed", "index"])
def test_code_is_hidden(opened: dict[str, PageResult], page: str) -> None:
    assert opened[page].facts["visibleCode"] == 0
    assert opened[page].values["code_text"] is False


def test_code_shown_on_request(opened: dict[str, PageResult]) -> None:
    assert opened["code"].facts["visibleCode"] > 0
    assert opened["code"].values["code_text"] is True


@pytest.mark.parametrize("page", ["index", "ok", "failed", "code", "wide"])
def test_script_in_data_shows_as_text_and_does_not_run(opened: dict[str, PageResult], page: str) -> None:
    values = opened[page].values
    assert values["pwned"] == "undefined"
    assert values["payload_as_text"] is True


def test_failed_report_shows_box_marker_and_traceback(opened: dict[str, PageResult]) -> None:
    values = opened["failed"].values
    assert "This run failed" in values["failed_box"]
    assert f"ValueError: gap is negative {PAYLOAD}" in values["failed_box"]
    assert values["marker_visible"] is True
    assert values["traceback"] is True
    assert opened["ok"].values["failed_box"] == ""


def test_details_collapsed_without_script(opened: dict[str, PageResult]) -> None:
    assert opened["ok"].values["checksums_open"] is False


def test_index_in_browser(opened: dict[str, PageResult]) -> None:
    values = opened["index"].values
    assert values["rows"] == ["broken", "gap"]
    assert values["report_links"] == ["runs/gap/report.html"]


def test_policy_stops_raw_html_in_markdown(opened: dict[str, PageResult]) -> None:
    hostile = opened["hostile"]
    assert hostile.values["pwned2"] == "undefined"
    # The checker reports the blocked script and image: it would catch such a page among real reports.
    assert any("Content Security Policy" in p for p in hostile.problems)
    assert any("example.invalid" in p for p in hostile.problems)


def test_check_pages_helper(site: dict[str, Path], tmp_path: Path) -> None:
    require_chromium()
    remote = tmp_path / "remote.html"
    remote.write_text('<!DOCTYPE html><p>text</p><img src="https://example.invalid/a.png">', encoding="utf-8")
    problems = check_pages([site["index"], site["ok"], remote])
    assert problems
    assert all(str(remote) in p for p in problems)
    assert any("network request to https://example.invalid/a.png" in p for p in problems)


def test_missing_chromium_skips_locally_and_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    import cdp

    monkeypatch.setattr(cdp, "find_chromium", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y chromium"):
        cdp.require_chromium()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        cdp.require_chromium()


def test_lean_page_is_styled_by_the_project_stylesheet(opened: dict[str, PageResult], site: dict[str, Path]) -> None:
    wide = opened["wide"]
    assert wide.values["styled"] is True
    assert wide.values["column"] <= 62 * 16  # one readable column
    assert site["ok"].stat().st_size < 40_000  # a page with a chart, a table and the run details


def test_json_ld_is_data_and_runs_nothing(opened: dict[str, PageResult]) -> None:
    wide = opened["wide"]
    assert wide.values["jsonld"] == ["ClaimReview"]  # parsed back as the JSON it was
    assert wide.values["pwned"] == "undefined"
    assert wide.problems == []  # nothing blocked, nothing logged: a data block is not a script
    assert opened["ok"].values["jsonld"] == []


@pytest.fixture(scope="module")
def printed(site: dict[str, Path]) -> dict[str, dict]:
    require_chromium()
    names = ["index", "ok", "failed", "wide"]
    return dict(zip(names, print_facts([site[n] for n in names]), strict=True))


@pytest.mark.parametrize("page", ["index", "ok", "failed", "wide"])
def test_print_keeps_every_column_on_the_page(printed: dict[str, dict], page: str) -> None:
    facts = printed[page]
    assert facts["tablesWider"] == [], facts
    assert facts["scrollWidth"] <= facts["pageWidth"], facts
    assert facts["scrollers"] == 0  # nothing would print a scrollbar
    assert facts["pdfBytes"] > 1000  # Chromium prints it, too


def test_print_opens_collapsed_details(printed: dict[str, dict]) -> None:
    assert printed["ok"]["hiddenInDetails"] == 0
