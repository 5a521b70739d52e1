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
    assert "pk-filters" not in page and "pk-filter-anchor" not in page
