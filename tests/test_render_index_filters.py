"""The index at scale: 'show only' filters that work without any script (CSS :target), under the page's CSP."""

from __future__ import annotations

import re

from helpers.render import CSP, render_index


def manifest(n_targets: int) -> dict:
    def run(name: str, notebook: str, status: str = "ok") -> dict:
        return {"name": name, "title": name, "notebook": notebook, "parameters": {}, "status": status,
                "last_attempt": "2026-01-29T10:00:00+00:00", "last_success": "2026-01-29T10:00:00+00:00",
                "duration_s": 3.0, "error": None if status == "ok" else "broke",
                "html": f"runs/{name}/report.html", "tables": [], "key_figures": [], "changes": [],
                "changes_are_new": False}
    runs = [run("01_claims_register", "01_claims_register.ipynb"), run("30_overview", "30_overview.ipynb")]
    runs += [run(f"10_target_gap-t{i:03d}", "10_target_gap.ipynb", "failed" if i == 7 else "ok")
             for i in range(n_targets)]
    return {"generated": "2026-01-29T11:30:00+00:00", "batch": {"counts": {"ok": len(runs) - 1, "failed": 1}},
            "runs": {r["name"]: r for r in runs}}


def test_a_long_index_filters_by_notebook_and_failure_without_scripts() -> None:
    page = render_index(manifest(200))
    assert "<script" not in page and "script-src 'none'" in CSP
    nav = re.search(r'<nav class="pk-filters[^>]*>(.*?)</nav>', page, re.S)
    assert nav is not None
    links = dict(re.findall(r'<a href="#(only-[\w-]+)">([^<]+)</a>', nav.group(1)))
    assert links["only-failed"] == "failed (1)"
    group = next(k for k, v in links.items() if v.startswith("10_target_gap.ipynb"))
    assert links[group] == "10_target_gap.ipynb (200)"
    number = group.removeprefix("only-")
    assert f'<span class="pk-filter-anchor" id="{group}"></span>' in page
    assert (f'#{group}:target ~ table.pk-index tbody tr:not([data-group="{number}"]) {{ display: none; }}'
            in page)
    rows = re.findall(r'data-run="([^"]+)"\s+data-group="(\d+)"', page)
    assert len(rows) == 202
    assert {g for name, g in rows if name.startswith("10_target_gap")} == {number}
    assert page.index('id="only-failed"') < page.index('<table class="pk-table pk-index">')


def test_a_short_index_has_no_filters() -> None:
    page = render_index(manifest(3))
    assert '<nav class="pk-filters' not in page and 'class="pk-filter-anchor"' not in page


def glance(n: int, checked_every: int = 5) -> list[dict]:
    return [{"id": f"c{i:04d}", "subject": f"Claim {i}", "amount": "$1.0 billion", "by": "someone",
             "when": "2026-01-28", "headline": "An article", "rating": "Within the record" if i % checked_every == 0
             else "Not checked against data", "sentence": "", "official": "", "range": "", "report": "",
             "checked": "yes" if i % checked_every == 0 else "no"} for i in range(n)]


def test_a_long_index_says_what_is_on_it_and_filters_its_claims_without_scripts() -> None:
    page = render_index(manifest(200), glance=glance(1000))
    assert "<script" not in page
    contents = re.search(r'<nav class="pk-contents[^>]*>(.*?)</nav>', page, re.S)
    assert contents is not None
    assert dict((t, h) for h, t in re.findall(r'<a href="#([\w-]+)">([^<]+)</a>', contents.group(1))) == {
        "Claims at a glance (1,000)": "claims-at-a-glance", "What changed in the data": "what-changed",
        "Reports and runs (202)": "reports"}
    assert page.index("pk-contents") < page.index('id="claims-at-a-glance"')  # at the top, before the long table
    nav = re.search(r'<nav class="pk-filters[^>]*aria-label="Show only these claims">(.*?)</nav>', page, re.S)
    assert nav is not None
    links = dict(re.findall(r'<a href="#([\w-]+)">([^<]+)</a>', nav.group(1)))
    assert links == {"claims-checked": "checked against the data (200)", "claims-unchecked": "not checked yet (800)",
                     "claims-at-a-glance": "all claims"}
    assert "#claims-checked:target ~ table.pk-glance tbody tr:not(.pk-claim-checked) { display: none; }" in page
    assert page.index('id="claims-unchecked"') < page.index('<table class="pk-table pk-glance">')
    assert page.count('class="pk-claim pk-claim-checked"') == 200


def test_a_short_index_lists_its_claims_without_contents_or_filters() -> None:
    page = render_index(manifest(3), glance=glance(10))
    assert '<nav class="pk-contents' not in page and "claims-checked" not in page
