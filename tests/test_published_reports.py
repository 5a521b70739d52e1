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


@pytest.mark.slow
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


@pytest.mark.slow
def test_findings_first_and_sources_last_on_every_page(published: Path):
    from html.parser import HTMLParser

    class Rows(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.claims: list[str] = []
            self.hrefs: list[str] = []
            self.h2: list[str] = []
            self._h2 = False

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "tr" and attrs.get("data-claim"):
                self.claims.append(attrs["data-claim"])
            if tag == "a" and attrs.get("href"):
                self.hrefs.append(attrs["href"])
            self._h2 = tag == "h2"

        def handle_data(self, data):
            if self._h2 and data.strip():
                self.h2.append(data.strip())
                self._h2 = False

    with open(published.parent / "data" / "claims.csv", encoding="utf-8", newline="") as handle:
        register = [row["id"] for row in csv.DictReader(handle)]
    with open(paths.ARTICLES, encoding="utf-8", newline="") as handle:
        addresses = {row["seed_file"]: row["url"] for row in csv.DictReader(handle)}
    index = (published / "index.html").read_text(encoding="utf-8")
    rows = Rows()
    rows.feed(index)
    assert rows.h2[:4] == ["Claims at a glance", "Targets over time", "What changed in the data", "Reports and runs"]
    assert rows.claims == register  # every claim, in the register's order
    glance = index[index.index('id="claims-at-a-glance"'): index.index('id="targets-over-time"')]
    over_time = index[index.index('id="targets-over-time"'): index.index('id="what-changed"')]
    assert "none restated in another article yet" in over_time  # no seed restates another's target
    assert glance.count('class="pk-rating"') == len(register)
    assert "runs/10_target_gap-pk-ir-trade-target/report.html" in glance
    revisions = index[index.index('id="what-changed"'): index.index('id="reports"')]
    assert revisions.count('class="pk-revision"') >= 1 and "public copy of 2026-07-01" in revisions
    for page in sorted((published / "runs").glob("*/report.html")):
        html = page.read_text(encoding="utf-8")
        body = html.split("<body", 1)[1]
        after_title = body[body.index("</h1>") + len("</h1>"):]
        # the verdict comes right after the title and its subtitle (the notebook's opening line), if any
        assert re.match(r'(<p class="pk-subtitle">[^<]*</p>\s*)?<section[^>]*\bid="verdict"', after_title.lstrip()), \
            page.parent.name
        assert body.index('id="verdict"') < body.index('class="pk-content"') < body.index('id="sources"') \
            < body.index('id="run-details"'), page.parent.name
    gap = (published / "runs/10_target_gap-pk-ir-trade-target/report.html").read_text(encoding="utf-8")
    rows = Rows()
    rows.feed(gap[gap.index('id="sources"'):])
    assert addresses["002_9f9e8348c6917a66.txt"] in rows.hrefs  # the article the target was read from
    assert any(h.startswith("https://") for h in rows.hrefs[1:])  # and the context rows' addresses
    title = gap[gap.index("<h1>"): gap.index("</h1>")]
    assert "pk-ir-trade-target" not in title


@pytest.mark.slow
def test_report_tables_name_claims_and_articles_and_keep_ids_in_a_last_column(published: Path):
    """In every report's tables a reader sees subjects, outlets and dates; claim ids and seed files appear only
    in a table's final "ids" column. Each page's title is said once, and a target's verdict opens with its
    rating."""
    from html.parser import HTMLParser

    class Tables(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tables: list[tuple[list[str], list[list[str]]]] = []
            self.h1: list[str] = []
            self._cell: list[str] | None = None
            self._row: list[str] = []
            self._in_h1 = False

        def handle_starttag(self, tag, attrs):
            if tag == "table":
                self.tables.append(([], []))
            elif tag in ("td", "th"):
                self._cell = []
            elif tag == "tr":
                self._row = []
            elif tag == "h1":
                self._in_h1, self.h1 = True, [*self.h1, ""]

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self._cell is not None and self.tables:
                self._row.append(" ".join("".join(self._cell).split()))
                self._cell = None
            elif tag == "tr" and self.tables:
                heads, rows = self.tables[-1]
                if not heads:
                    heads.extend(self._row)
                else:
                    rows.append(self._row)
            elif tag == "h1":
                self._in_h1 = False

        def handle_data(self, data):
            if self._cell is not None:
                self._cell.append(data)
            if self._in_h1:
                self.h1[-1] += data

    with open(published.parent / "data" / "claims.csv", encoding="utf-8", newline="") as handle:
        register = list(csv.DictReader(handle))
    ids = {row["id"] for row in register} | {row["seed_file"] for row in register}
    pattern = re.compile("|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True)))
    for page in sorted((published / "runs").glob("*/report.html")):
        html = page.read_text(encoding="utf-8")
        content = html[html.index('class="pk-content"'): html.index('id="sources"')]
        parsed = Tables()
        parsed.feed(content)
        assert parsed.tables, page.parent.name
        for heads, rows in parsed.tables:
            for row in rows:
                shown = [cell for head, cell in zip(heads, row, strict=False) if head != "ids"]
                assert not [c for c in shown if pattern.search(c)], (page.parent.name, heads, row)
        head = Tables()
        head.feed(html.split("<body", 1)[1])
        title = head.h1[0].strip()
        assert [h.strip() for h in head.h1].count(title) == 1 and title.split(":")[0] not in content[:2000]
        if page.parent.name.startswith("10_target_gap-"):
            verdict = content[content.index('id="Verdict"'):]
            text_ = re.sub(r"<[^>]+>", "", verdict[verdict.index("<p>"):])
            assert re.match(r"\s*(Far beyond the record|Beyond the record|Within|Faster than|No comparable|Cannot)",
                            text_), page.parent.name
