"""The real reports, as a reader opens them: every page of a full batch in headless Chromium, offline.

A claim whose subject contains ``<script>`` is added to a copy of the register: it must show as text and
run nothing.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cdp import inspect_pages, require_chromium

from helpers import paths

SCRIPT = "<script>window.__pwned=1</script>"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Reports of the whole run plan, rendered from a copy of the data with a hostile claim subject."""
    root = tmp_path_factory.mktemp("published")
    data = root / "data"
    shutil.copytree(paths.DATA, data)
    register = data / "claims.csv"
    with open(register, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["subject"] = f"Land offered {SCRIPT} under the lease policy"
    with open(register, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    env = {**os.environ, "PAKCLAIMS_DATA": str(data)}
    result = subprocess.run([sys.executable, "-m", "helpers.batch", "--reports", str(root / "reports")],
                            cwd=paths.ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "reports"


@pytest.mark.slow
def test_every_page_opens_offline_without_errors(published: Path):
    require_chromium()
    pages = [published / "index.html", *sorted((published / "runs").glob("*/report.html"))]
    assert len(pages) >= 5
    results = inspect_pages(pages, {"pwned": "typeof window.__pwned",
                                    "shown": f"document.body.innerText.includes({SCRIPT!r})",
                                    "images": "document.images.length"})
    problems = [p for page in results for p in page.problems]
    assert problems == []
    by_name = {page.path.parent.name: page.values for page in results}
    assert all(values["pwned"] == "undefined" for values in by_name.values())
    assert by_name["01_claims_register"]["shown"] is True  # the claim text is visible, as text
    assert by_name["01_claims_register"]["images"] >= 1


def test_published_html_embeds_everything(published: Path):
    for page in [published / "index.html", *published.glob("runs/*/report.html")]:
        html = page.read_text(encoding="utf-8")
        head = re.sub(r'<script type="application/ld\+json">.*?</script>', "", html.split("<body", 1)[0],
                      flags=re.DOTALL)  # JSON-LD is data: its schema.org context loads nothing
        assert "<script src" not in html and "https://" not in head


@pytest.mark.slow
def test_every_report_has_its_pdf_workbook_and_claim_reviews(published: Path):
    import json

    from openpyxl import load_workbook

    from helpers import claimreview

    reports = sorted((published / "runs").glob("*/report.html"))
    for page in reports:
        assert (page.parent / "report.pdf").read_bytes().startswith(b"%PDF-"), page
        book = load_workbook(page.parent / "tables.xlsx")
        assert book.sheetnames[0] == "Contents" and book.sheetnames[-1] == "Sources"
        assert len(book.sheetnames) == 2 + len(list(page.parent.glob("*.csv")))
    assert (published / "index.pdf").read_bytes().startswith(b"%PDF-")
    document = json.loads((published / "claims.jsonld").read_text(encoding="utf-8"))
    with open(paths.CLAIMS, encoding="utf-8", newline="") as handle:
        register = {row["id"] for row in csv.DictReader(handle)}
    assert {review["identifier"] for review in document["@graph"]} == register
    assert all(claimreview.problems({"@context": document["@context"], **r}) == [] for r in document["@graph"])
    gap = (published / "runs/10_target_gap-pk-ir-trade-target/report.html").read_text(encoding="utf-8")
    assert '<script type="application/ld+json">' in gap and '"alternateName"' in gap


@pytest.mark.slow
def test_target_gap_reports_weigh_at_most_200_kb(published: Path):
    for page in published.glob("runs/10_target_gap-*/report.html"):
        assert page.stat().st_size <= 200_000, f"{page.parent.name}: {page.stat().st_size} bytes"


@pytest.mark.slow
def test_every_page_prints_without_clipping(published: Path):
    from cdp import print_facts

    require_chromium()
    pages = [published / "index.html", *sorted((published / "runs").glob("*/report.html"))]
    for page, facts in zip(pages, print_facts(pages), strict=True):
        assert facts["tablesWider"] == [] and facts["scrollWidth"] <= facts["pageWidth"], (page, facts)
        assert facts["scrollers"] == 0 and facts["hiddenInDetails"] == 0, (page, facts)
