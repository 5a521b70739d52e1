"""Findings first: a report opens with its verdict and headline figures and ends with its sources; the index
opens with every claim at a glance, then the data revisions, then the runs."""

from __future__ import annotations

import re

from test_render import XSS, manifest, parse, sample_meta, sample_notebook

from helpers.render import render_index, render_report

FINDINGS = [{"subject": "Pakistan-Iran trade", "rating": "Faster than its own record",
             "sentence": "Trade must grow 24.4% a year, faster than the 5.0% a year it grew over 2014-2024."}]
SOURCES = {
    "articles": [{"headline": "Pakistan, Iran reaffirm $10bn trade goal", "source": "24trendnews.com",
                  "date": "2025-09-18", "address": "https://24trendnews.com/pakistan-iran", "claims": "Trade goal",
                  "href": "https://24trendnews.com/pakistan-iran"},
                 {"headline": "A seed without an address", "source": "", "date": "", "address": "seeds/x.txt",
                  "claims": "Other", "href": "seeds/x.txt"},
                 {"headline": "Bad link", "source": "", "date": "", "address": "javascript:alert(1)",
                  "claims": "Other", "href": "javascript:alert(1)"}],
    "context": [{"what": "Bilateral trade (Pakistan, Iran)", "source": "Iran Press", "date": "2023",
                 "address": "https://example.org/trade", "id": "F079", "href": "https://example.org/trade"}],
}


def visible_text(html: str) -> list[str]:
    page = parse(html)
    return [t.strip() for t in page.text if t.strip()]


def report() -> str:
    return render_report(sample_notebook(), sample_meta(
        findings=FINDINGS, headline=[{"label": "Required growth a year", "value": "24.4% a year"}],
        headline_total=3, sources=SOURCES))


def test_a_reports_first_text_after_its_title_is_its_verdict() -> None:
    page = report()
    words = visible_text(page.split("<body", 1)[1])
    title = words.index("Trade gap <b>Pakistan</b>")
    assert words[title + 1] == "Faster than its own record."
    assert words[title + 2].startswith("Trade must grow 24.4% a year")
    body = page.split("<body", 1)[1]
    assert body.index('id="verdict"') < body.index("Computed") < body.index('class="pk-content"')
    assert "Required growth a year" in body[: body.index('class="pk-content"')]
    assert "2 more figures in the tables below" in page
    # parameters, checksums and versions come after the notebook's content and the sources
    assert body.index('class="pk-content"') < body.index('id="sources"') < body.index('id="run-details"')


def test_sources_section_links_each_articles_address_and_no_other_scheme() -> None:
    page = report()
    section = page[page.index('id="sources"'): page.index('id="run-details"')]
    hrefs = [a.get("href") for t, a in parse(section).tags if t == "a"]
    assert hrefs == ["https://24trendnews.com/pakistan-iran", "https://example.org/trade"]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", section))
    assert "24trendnews.com (2025-09-18): Pakistan, Iran reaffirm $10bn trade goal" in text
    assert "A seed without an address" in text and "javascript" not in section.replace("javascript:alert(1)", "")
    assert "Iran Press" in text and "row F079" in text
    assert 'Content-Security-Policy' in page  # links go out only when a reader follows them


def test_a_report_without_sources_or_findings_keeps_its_plain_head() -> None:
    page = render_report(sample_notebook(), sample_meta())
    assert 'id="verdict"' not in page and 'id="sources"' not in page


GLANCE = [
    {"id": "pk-ir-trade-target", "subject": "Pakistan-Iran trade goal", "amount": "$10.0 billion a year",
     "by": "24trendnews.com", "when": "2025-09-16", "headline": "Pakistan & Uzbekistan contemplate ...",
     "article_href": "https://24trendnews.com/x", "rating": "No record to compare",
     "sentence": "Trade must grow 24.4% a year.", "official": "$2.7 billion a year", "range": "needs 24.4% a year",
     "checked": "yes", "report": "runs/alpha_ok/report.html"},
    {"id": "pk-land", "subject": f"Land {XSS}", "amount": "6,000 acres", "by": "", "when": "2025",
     "headline": "seeds/001.txt", "article_href": "javascript:alert(1)", "rating": "Not checked against data",
     "sentence": "No report compares this figure with an official one yet.", "official": "", "range": "",
     "checked": "no", "report": ""},
]
REVISIONS = [{"measure": "GDP, current US$", "series": "WDI NY.GDP.MKTP.CD", "place": "Pakistan", "period": "2023",
              "old": "$338.4 billion", "new": "$336.7 billion", "old_vintage": "WDI, public copy of 2024-09-19",
              "new_vintage": "WDI, public copy of 2026-07-01", "change": "revised", "recorded": "2026-07-01"}]


def index() -> str:
    return render_index(manifest(), glance=GLANCE, revisions=REVISIONS, revisions_total=1,
                        settings={"alpha_ok": [("target_year", "2030", "null")]})


def test_index_opens_with_every_claim_at_a_glance_with_its_verdict() -> None:
    page = index()
    headings = re.findall(r"<h2>(.*?)</h2>", page)
    assert headings == ["Claims at a glance", "What changed in the data", "Reports and runs"]
    rows = [a.get("data-claim") for t, a in parse(page).tags if t == "tr" and a.get("data-claim")]
    assert rows == ["pk-ir-trade-target", "pk-land"]
    table = page[page.index('id="claims-at-a-glance"'): page.index('id="what-changed"')]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", table))
    assert "Pakistan-Iran trade goal: $10.0 billion a year" in text
    assert "No record to compare. Trade must grow 24.4% a year." in text
    assert "$2.7 billion a year" in text and "needs 24.4% a year" in text and "24trendnews.com, 2025-09-16" in text
    assert "Not checked against data." in text and "none yet" in text
    assert "2 claims from the articles, 1 checked" in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    hrefs = [a.get("href") for t, a in parse(table).tags if t == "a"]
    assert hrefs == ["https://24trendnews.com/x", "runs/alpha_ok/report.html"]  # no javascript: link
    assert XSS not in page
    # the report is flagged: computed with settings other than its notebook's defaults
    assert "computed with non-default settings" in table
    assert "Not the notebook's defaults:" in page and "(default null)" in page
    assert "pk-ir-trade-target" not in text  # ids stay in attributes, not in what a reader reads


def test_index_lists_data_revisions_with_old_and_new_value_series_and_vintage() -> None:
    page = index()
    section = page[page.index('id="what-changed"'): page.index('id="reports"')]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))
    assert "GDP, current US$ (WDI NY.GDP.MKTP.CD) Pakistan 2023 $338.4 billion $336.7 billion" in text
    assert "WDI, public copy of 2024-09-19 → WDI, public copy of 2026-07-01 2026-07-01" in text
    empty = render_index(manifest())
    assert "No revision of the agencies' series has been recorded." in empty


def test_index_key_figures_name_claims_by_subject() -> None:
    data = manifest()
    data["runs"]["alpha_ok"]["key_figures"][0]["label"] = "Required growth, C001"
    page = render_index(data, names={"C001": "Pakistan's exports to China"})
    assert "Required growth, Pakistan&#39;s exports to China: <strong>36.7% a year</strong>" in page


def test_what_changed_lists_the_figures_that_changed_in_this_batch() -> None:
    page = index()
    section = page[page.index('id="what-changed"'): page.index('id="reports"')]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))
    assert "Title of alpha_ok: Export gap &lt;i&gt;x&lt;/i&gt;: $48.0 billion → $50.0 billion" in text
    assert "data/context_figures.csv changed" in text


def test_index_shows_each_restated_target_over_time_and_only_a_line_when_none_is() -> None:
    restated = {"caption": "Targets as stated over time: 1 target, 1 restated in another article, 1 restatement "
                           "changed the amount or the year.",
                "columns": ["target", "stated on", "outlet", "amount", "change from the statement it restates"],
                "rows": [["Iran trade goal", "2024-04-22", "Dawn", "$10 billion a year", "first statement"],
                         ["Iran trade goal", "2025-09-16", "The News", "$8 billion a year",
                          "amount lowered from $10 billion a year to $8 billion a year"]],
                "flagged": 1, "restated": 1}
    page = render_index(manifest(), restated=restated)
    section = page[page.index('id="targets-over-time"'):page.index('id="what-changed"')]
    assert "amount lowered from $10 billion a year to $8 billion a year" in section
    assert section.count("<tr>") == 3 and "<caption>Targets as stated over time" in section
    quiet = render_index(manifest(), restated={**restated, "restated": 0, "rows": [],
                                               "caption": "Targets as stated over time: 6 targets, none restated."})
    section = quiet[quiet.index('id="targets-over-time"'):quiet.index('id="what-changed"')]
    assert "none restated" in section and "<table" not in section


def test_the_notebooks_heading_becomes_a_subtitle_and_the_title_is_not_repeated() -> None:
    from nbformat.v4 import new_markdown_cell

    nb = sample_notebook()
    nb.cells.insert(0, new_markdown_cell("# Target gap\n*How far is the target?*\n\nWhat follows is computed."))
    page = render_report(nb, sample_meta(title="Target gap: Pakistan's exports to China", findings=FINDINGS))
    words = visible_text(page.split("<body", 1)[1])
    title = words.index("Target gap: Pakistan's exports to China")
    assert words[title + 1] == "How far is the target?"  # the subtitle, right under the title
    without = render_report(sample_notebook(), sample_meta(title="Target gap: Pakistan's exports to China"))
    assert words.count("Target gap") == 0 and page.count("<h1") == without.count("<h1")  # not repeated
    assert "What follows is computed." in words  # the rest of the cell stays
    body = page.split("<body", 1)[1]
    assert re.match(r'\s*<p class="pk-subtitle">[^<]*</p>\s*<section[^>]*id="verdict"',
                    body[body.index("</h1>") + 5:])


def test_a_subtitle_the_title_already_says_is_dropped_with_its_heading() -> None:
    from nbformat.v4 import new_markdown_cell

    from helpers.render import take_subtitle

    nb = sample_notebook()
    count = len(nb.cells)
    nb.cells.insert(0, new_markdown_cell("# Claims register\n*Every number in the articles, traced to its words.*"))
    assert take_subtitle(nb, "Claims register: every number in the articles, traced to its words") == ""
    assert len(nb.cells) == count  # the heading cell held nothing else: it is gone
    plain = sample_notebook()
    assert take_subtitle(plain, "Any title") == "" and len(plain.cells) == count  # no heading: nothing taken


def test_a_report_without_a_verdict_opens_with_its_summary() -> None:
    lines = ["The register holds 16 claims from 4 articles.", "Coverage: every number is accounted for."]
    page = render_report(sample_notebook(), sample_meta(summary=lines))
    body = page.split("<body", 1)[1]
    verdict = body[body.index('id="verdict"'): body.index("</section>")]
    assert all(line in verdict for line in lines) and verdict.count('class="pk-finding pk-summary"') == 2
