"""What the batch adds to a report page and to the index: findings, headline figures, sources, claims at a
glance, revisions and non-default settings, read from what the runs wrote."""

from __future__ import annotations

from pathlib import Path

from test_glance import write_target_run

from helpers import companions


def test_prepare_run_gives_the_page_its_verdict_headline_figures_and_sources(tmp_path: Path) -> None:
    folder = write_target_run(tmp_path / "runs" / "gap", "pk-ir-trade-target")
    (folder / "gap.csv").write_text("measure,value,context\nBaseline,2.7e9,F079\n", encoding="utf-8")
    extra = companions.prepare_run(folder, {"title": "Target gap", "run_started": "2026-11-24T10:00:00+00:00"})
    assert [f["rating"] for f in extra["findings"]] == ["No record to compare"]
    assert extra["findings"][0]["subject"] == "Pakistan-Iran bilateral trade goal"
    assert extra["headline"][0] == {"label": "Required growth a year (low)", "value": "24.4% a year"}
    articles = extra["sources"]["articles"]
    assert len(articles) == 1 and articles[0]["href"].startswith("https://24trendnews.com/")
    assert [c["id"] for c in extra["sources"]["context"]] == ["F079"]
    assert (folder / "tables.xlsx").is_file() and extra["jsonld"]


def test_index_view_lists_every_claim_revisions_and_settings(tmp_path: Path) -> None:
    folder = write_target_run(tmp_path / "runs" / "gap", "pk-ir-trade-target")
    (folder / "report.html").write_text("<html></html>", encoding="utf-8")
    manifest = {"runs": {"gap": {"name": "gap", "status": "ok", "html": "runs/gap/report.html",
                                 "notebook": "10_target_gap.ipynb",
                                 "parameters": {"claim_id": "pk-ir-trade-target", "target_year": 2030}}}}
    view = companions.index_view(tmp_path, manifest)
    claims, _ = companions.load_register()
    assert [r["id"] for r in view["glance"]] == list(claims["id"])
    trade = next(r for r in view["glance"] if r["id"] == "pk-ir-trade-target")
    assert trade["report"] == "runs/gap/report.html" and trade["rating"] == "No record to compare"
    assert view["revisions"] and view["revisions_total"] == len(view["revisions"])
    assert view["settings"] == {"gap": [("target_year", "2030", "null")]}


def test_index_companions_are_kept_only_when_nothing_ran_and_both_are_in_place(tmp_path) -> None:
    from helpers.companions import INDEX_PDF, index_companions_current

    quiet = {"batch": {"nothing_changed": True, "retired": []}}
    assert not index_companions_current(tmp_path, quiet)  # nothing to keep yet
    (tmp_path / "claims.jsonld").write_text("{}", encoding="utf-8")
    assert not index_companions_current(tmp_path, quiet)  # the PDF is missing: write both
    (tmp_path / INDEX_PDF).write_bytes(b"%PDF-1.7")
    assert index_companions_current(tmp_path, quiet)
    assert not index_companions_current(tmp_path, {"batch": {"nothing_changed": False}})  # a run ran
    assert not index_companions_current(tmp_path, {"batch": {"nothing_changed": True, "retired": ["old"]}})
    assert not index_companions_current(tmp_path, {})
