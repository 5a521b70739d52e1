"""What a reader sees first: claims at a glance, verdicts, headline figures, sources, revisions, settings."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from helpers import claims as register
from helpers import glance, params, paths, snapshots
from helpers.claimreview import NOT_CHECKED, Finding, Number
from helpers.sources import articles, sources_frame


def by_id() -> dict[str, dict]:
    return {str(r["id"]): r for r in register.load_claims().to_dict("records")}


def write_target_run(folder: Path, claim_id: str) -> Path:
    figures = [
        {"name": "required_cagr_low", "label": "Required growth a year (low)", "value": 0.244,
         "unit": "fraction/yr", "claims": [claim_id], "context": []},
        {"name": "baseline", "label": "Baseline", "value": 2.7e9, "unit": "USD/yr", "claims": [], "context": []},
        {"name": "target_low", "label": "Target (low)", "value": 1e10, "unit": "USD/yr", "claims": [claim_id]},
        {"name": "target_high", "label": "Target (high)", "value": 1e10, "unit": "USD/yr", "claims": [claim_id]},
    ]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "key_figures.json").write_text(json.dumps({"report": "r", "figures": figures}), encoding="utf-8")
    return folder


def test_every_claim_of_the_register_is_at_a_glance_with_its_verdict(tmp_path: Path) -> None:
    claims = by_id()
    run = write_target_run(tmp_path / "runs" / "gap", "pk-ir-trade-target")
    rows = glance.glance_rows([(run, "runs/gap/report.html")], claims)
    assert [r["id"] for r in rows] == list(claims)
    assert all(r["rating"] and r["sentence"] for r in rows)
    trade = next(r for r in rows if r["id"] == "pk-ir-trade-target")
    assert trade["subject"] == "Pakistan-Iran bilateral trade goal"
    assert trade["amount"] == "$10.0 billion a year"
    assert trade["rating"] == "No record to compare" and trade["report"] == "runs/gap/report.html"
    assert trade["official"] == "$2.7 billion a year"  # the baseline the target is measured from
    assert trade["range"] == "needs 24.4% a year"
    # who and when come from the articles table: the outlet of the seed, its date, its headline and address
    article = articles()[claims["pk-ir-trade-target"]["seed_file"]]
    assert trade["by"] == article.publisher == "24trendnews.com"
    assert trade["headline"] == article.name and trade["when"] == claims["pk-ir-trade-target"]["as_of"]
    assert trade["article_href"] == article.url and article.url.startswith("https://")
    unchecked = [r for r in rows if r["id"] != "pk-ir-trade-target"]
    assert {r["rating"] for r in unchecked} == {NOT_CHECKED} and all(r["report"] == "" for r in unchecked)


def test_optional_fields_of_richer_findings_are_used_when_present() -> None:
    claim = {"subject": "Exports", "value_low": 1e9, "value_high": 1e9, "unit": "USD", "qualifier": "exact"}

    class Richer(Finding):
        pass

    plain = Finding("c", "Higher than the official figure", "Long explanation.", "r.html",
                    (Number("Official figure", 2.5e9, "US$", "$2.5 billion"),))
    view = glance.finding_view(plain, claim)
    assert (view["official"], view["sentence"], view["range"]) == ("$2.5 billion", "Long explanation.", "")
    rich = Richer("c", "Higher", "Long explanation.", "r.html")
    object.__setattr__(rich, "headline", "Exports are 60% above the official figure.")
    object.__setattr__(rich, "official", "$2.5 billion in 2024 (SBP)")
    object.__setattr__(rich, "range_text", "$2.3 to $2.7 billion")
    view = glance.finding_view(rich, claim)
    assert view == {"subject": "Exports", "rating": "Higher", "sentence": "Exports are 60% above the official figure.",
                    "official": "$2.5 billion in 2024 (SBP)", "range": "$2.3 to $2.7 billion", "checked": "yes"}


def test_headline_figures_read_like_the_report_and_merge_equal_range_ends(tmp_path: Path) -> None:
    run = write_target_run(tmp_path, "pk-ir-trade-target")
    shown, total = glance.headline_figures(run)
    assert shown == [{"label": "Required growth a year (low)", "value": "24.4% a year"},
                     {"label": "Baseline", "value": "$2.7 billion a year"},
                     {"label": "Target", "value": "$10.0 billion a year"}]
    assert total == 3
    assert glance.headline_figures(tmp_path / "missing") == ([], 0)


def test_page_sources_list_each_article_once_with_its_link() -> None:
    claims = register.load_claims()
    from helpers import context

    frame = sources_frame(["pk-cn-exports", "pk-cn-exports-2035-target"], ["F062"], claims, context.load_context())
    listed = glance.page_sources(frame)
    assert len(listed["articles"]) == 1  # two claims from one article
    article = listed["articles"][0]
    assert article["href"].startswith("https://") and "Geo News" in article["source"]
    assert article["claims"] == "Pakistan's exports to China; Pakistan's exports to China"
    assert listed["context"][0]["id"] == "F062" and listed["context"][0]["source"]


def test_revisions_are_listed_with_old_and_new_values_series_and_vintage() -> None:
    frame = snapshots.revisions_since(None)
    series = {(r["source"], r["series_code"]): (r["measure"], r["unit"])
              for r in snapshots.load_all().drop_duplicates(["source", "series_code"]).to_dict("records")}
    rows, total = glance.revision_rows(frame, series)
    assert total == len(frame) >= 1
    first = rows[0]
    assert first["measure"] == "GDP, current US$" and first["series"] == "WDI NY.GDP.MKTP.CD"
    assert first["place"] == "Pakistan"
    assert first["old"].startswith("$") and first["new"].startswith("$") and first["old"] != first["new"]
    assert "2024-09-19" in first["old_vintage"] and "2026-07-01" in first["new_vintage"]
    assert glance.revision_rows(pd.DataFrame(), series) == ([], 0)


def test_non_default_parameters_leave_out_the_claim_a_report_is_about() -> None:
    notebook = paths.notebook("10_target_gap")
    declared, rules = params.read_parameters(notebook), params.parameter_schema(notebook)
    assert glance.non_default_parameters({"claim_id": "pk-ir-trade-target"}, declared, rules) == []
    changed = glance.non_default_parameters({"claim_id": "x", "target_year": 2030, "horizon_years": 10,
                                             "output_dir": "/tmp"}, declared, rules)
    assert changed == [("target_year", "2030", "null")]


def test_measure_words() -> None:
    assert glance.measure_words("merchandise_exports_usd") == "Merchandise exports, US$"
    assert glance.measure_words("gdp_current_usd") == "GDP, current US$"
    assert glance.measure_words("") == ""


def test_headline_labels_name_claims_by_subject(tmp_path: Path) -> None:
    figures = [{"name": f"required_cagr_{end}:pk-uz", "label": f"Required growth a year ({end}), pk-uz",
                "value": 0.173, "unit": "fraction/yr"} for end in ("low", "high")]
    (tmp_path / "key_figures.json").write_text(json.dumps({"report": "r", "figures": figures}), encoding="utf-8")
    shown, total = glance.headline_figures(tmp_path, names={"pk-uz": "Pakistan-Uzbekistan trade", "pk": "x"})
    assert shown == [{"label": "Required growth a year, Pakistan-Uzbekistan trade", "value": "17.3% a year"}]
    assert total == 1
    assert glance.readable_label("gap of pk-uz and pk", {"pk-uz": "A", "pk": "B"}) == "gap of A and B"


def test_a_headline_that_repeats_its_rating_is_not_said_twice() -> None:
    claim = {"subject": "Exports", "value_low": 1e9, "value_high": 1e9, "unit": "USD", "qualifier": "exact"}
    finding = Finding("c", "Far beyond the record", "Exports must grow 35.1% a year.", "r.html",
                      headline="Far beyond the record: needs 35.1% a year")
    view = glance.finding_view(finding, claim)
    assert (view["rating"], view["sentence"]) == ("Far beyond the record", "Needs 35.1% a year.")
    only = Finding("c", "Cannot be measured: no baseline", "No figure gives a starting level.", "r.html",
                   headline="Cannot be measured: no baseline")
    assert glance.finding_view(only, claim)["sentence"] == "No figure gives a starting level."
