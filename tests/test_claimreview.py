"""ClaimReview JSON-LD: the shape schema.org and Google's fact-check guidance ask for, findings from runs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers import claimreview as cr
from helpers.render import jsonld_script
from helpers.sources import Article

CLAIMS = {
    "pk-ir-trade-target": {"id": "pk-ir-trade-target", "subject": "Pakistan-Iran bilateral trade goal",
                           "claim_type": "target", "value_low": 1e10, "value_high": 1e10, "unit": "USD/yr",
                           "qualifier": "exact", "as_of": "2025-09-16", "speaker": "", "seed_file": "002_x.txt",
                           "quote": "USD 10bn trade goal"},
    "uz-pharma-imports": {"id": "uz-pharma-imports", "subject": "Uzbekistan's pharmaceutical imports",
                          "claim_type": "fact", "value_low": 3e9, "value_high": 3e9, "unit": "USD/yr",
                          "qualifier": "exact", "as_of": "2025-08-01", "speaker": "Haroon Akhtar Khan",
                          "seed_file": "003_y.txt", "quote": "imports $3 billion"},
    "forum-participants": {"id": "forum-participants", "subject": "Participants at the forum", "claim_type": "fact",
                           "value_low": 800, "value_high": 800, "unit": "participants", "qualifier": "approximate",
                           "as_of": "2026-01-28", "speaker": "", "seed_file": "004_z.txt", "quote": "around 800"},
}


def figure(name: str, value: float | None, unit: str, claims=(), context=(), label: str = "") -> dict:
    return {"name": name, "label": label or name, "value": value, "unit": unit, "claims": list(claims),
            "context": list(context)}


@pytest.fixture
def runs(tmp_path: Path) -> dict[str, Path]:
    gap = tmp_path / "runs" / "10_target_gap-pk-ir-trade-target"
    gap.mkdir(parents=True)
    (gap / "key_figures.json").write_text(json.dumps({"report": "x", "figures": [
        figure("target_low", 1e10, "USD/yr", ["pk-ir-trade-target"]),
        figure("baseline", 2.7e9, "USD/yr", context=["F079"]),
        figure("baseline_year", 2023, "year", context=["F079"]),
        figure("required_cagr_low", 0.2439, "fraction/yr", ["pk-ir-trade-target"], ["F079"]),
        figure("required_cagr_high", 0.2439, "fraction/yr", ["pk-ir-trade-target"], ["F079"]),
        figure("history_cagr", 0.12, "fraction/yr", context=["F070"], label="Historical growth 2014-2024"),
    ]}), encoding="utf-8")
    overview = tmp_path / "runs" / "30_overview"
    overview.mkdir(parents=True)
    (overview / "claim_vs_official.csv").write_text(
        "claim,claim_says,claim_value,official_figure,official_value,period,period_kind,years_older,source,"
        "confidence,context_id,difference_pct,agrees\n"
        "uz-pharma-imports,$3.0 billion a year,3e9,$525.0 million,5.25e8,2016,calendar,9,Old source,medium,F001,"
        "471.4,False\n"
        "uz-pharma-imports,$3.0 billion a year,3e9,$2.9 billion,2.9e9,2025,calendar,0,Customs,medium,F086,3.4,True\n",
        encoding="utf-8")
    return {"gap": gap, "overview": overview}


def test_review_has_the_required_shape(runs: dict[str, Path]) -> None:
    (finding,) = cr.findings_in_run(runs["gap"], CLAIMS)
    review = cr.claim_review(CLAIMS["pk-ir-trade-target"], finding, date_published="2026-11-24T12:00:00+00:00")
    assert cr.problems(review) == []
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == "Pakistan-Iran bilateral trade goal: $10.0 billion a year"
    assert review["url"] == "report.html" and review["datePublished"] == "2026-11-24"
    item = review["itemReviewed"]
    assert item["@type"] == "Claim" and item["datePublished"] == "2025-09-16"
    assert item["author"] == {"@type": "Organization", "name": "Author not recorded"}  # no speaker, no outlet yet
    assert item["firstAppearance"]["@type"] == "CreativeWork" and item["firstAppearance"]["url"] == "seeds/002_x.txt"
    rating = review["reviewRating"]
    assert rating["@type"] == "Rating" and rating["alternateName"] == "Faster than its own record"
    explanation = rating["ratingExplanation"]
    assert len(re.findall(r"\.(?:\s|$)", explanation)) == 1 and explanation.endswith(".")  # one sentence
    assert "24.4% a year" in explanation and "$2.7 billion in 2023" in explanation and "12.0% a year" in explanation
    numbers = {p["name"]: p for p in review["additionalProperty"]}
    assert all(p["@type"] == "PropertyValue" and isinstance(p["value"], float) for p in numbers.values())
    assert numbers["Required growth a year (low)"]["value"] == pytest.approx(0.2439)
    assert numbers["Baseline"]["value"] == 2.7e9


def test_problems_name_what_is_missing() -> None:
    assert "@context must be 'https://schema.org'" in cr.problems({"@type": "ClaimReview"})
    broken = {"@context": cr.CONTEXT, "@type": "ClaimReview", "claimReviewed": "x", "url": "r.html",
              "datePublished": "29 Jan", "author": {"@type": "Thing"},
              "reviewRating": {"@type": "Rating", "alternateName": ""},
              "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "A"},
                               "firstAppearance": {"@type": "CreativeWork"}},
              "additionalProperty": [{"@type": "PropertyValue", "name": "n", "value": "12"}]}
    found = cr.problems(broken)
    assert "ClaimReview.datePublished must be an ISO date" in found
    assert "ClaimReview.author must be an Organization or a Person" in found
    assert "reviewRating.alternateName must be non-empty text" in found
    assert "reviewRating.ratingExplanation must be non-empty text" in found
    assert "itemReviewed.firstAppearance.url must be non-empty text" in found
    assert "additionalProperty 'n' must hold a number" in found


def test_official_comparison_uses_the_most_recent_figure(runs: dict[str, Path]) -> None:
    (finding,) = cr.findings_in_run(runs["overview"], CLAIMS)
    assert finding.claim_id == "uz-pharma-imports" and finding.rating == "Agrees with the official figure"
    assert "the official figure, $2.9 billion for 2025 (Customs), a difference of +3%" in finding.explanation


def test_press_reported_figures_never_read_official(tmp_path: Path) -> None:
    (tmp_path / "claim_vs_official.csv").write_text(
        "claim,claim_says,claim_value,official_figure,official_value,period,period_kind,years_older,source,"
        "standing,figure_kind,confidence,context_id,difference_pct,difference_low_pct,difference_high_pct,agrees\n"
        "uz-pharma-imports,about $3.0 billion a year,3e9,$2.5 billion,2.5e9,FY2024-25,fiscal_pk,1,"
        "Profit (citing State Bank of Pakistan),\"official, press-reported\","
        "State Bank of Pakistan figure as reported by Profit (press-reported),medium,F062,20,8,32,True\n",
        encoding="utf-8")
    (finding,) = cr.findings_in_run(tmp_path, CLAIMS)
    assert finding.rating == "Agrees with the State Bank of Pakistan figure as reported by Profit (press-reported)"
    # "about $3.0 billion" is $2.7-3.3 billion: (2.7 / 2.5 - 1, 3.3 / 2.5 - 1) = +8% to +32%
    assert "a difference of +8% to +32%" in finding.explanation and "official figure" not in finding.explanation
    assert finding.official == ("$2.5 billion, FY2024-25 (State Bank of Pakistan figure as reported by Profit "
                                "(press-reported))")
    (tmp_path / "claim_vs_official.csv").write_text(  # an older table without figure_kind: its standing decides
        "claim,claim_says,claim_value,official_figure,official_value,period,period_kind,years_older,source,"
        "standing,confidence,context_id,difference_pct,agrees\n"
        "uz-pharma-imports,$3.0 billion a year,3e9,$2.5 billion,2.5e9,2025,calendar,1,Profit,"
        "\"official, press-reported\",medium,F062,20,False\n", encoding="utf-8")
    (finding,) = cr.findings_in_run(tmp_path, CLAIMS)
    assert finding.rating == "Higher than the press-reported figure"


def test_target_without_baseline_cannot_be_measured(tmp_path: Path) -> None:
    (tmp_path / "key_figures.json").write_text(json.dumps({"figures": [
        figure("target_low", 1e10, "USD/yr", ["pk-ir-trade-target"])]}), encoding="utf-8")
    (finding,) = cr.findings_in_run(tmp_path, CLAIMS)
    assert finding.rating == "Cannot be measured: no baseline" and finding.numbers == ()


def test_register_reviews_every_claim_once(runs: dict[str, Path]) -> None:
    later = Article(name="Pakistan, Iran reaffirm $10bn goal", url="https://example.org/a", publisher="Outlet",
                    date="2025-09-16")
    document = cr.register_reviews(
        [(runs["gap"], "runs/gap/report.html", "2026-11-24"), (runs["overview"], "runs/o/report.html", "2026-11-25")],
        CLAIMS, article_of=lambda claim: later if claim["id"] == "pk-ir-trade-target" else
        Article(name=claim["seed_file"], url=f"seeds/{claim['seed_file']}"), base_url="https://reports.example/")
    assert document["@context"] == cr.CONTEXT and set(document) == {"@context", "@graph"}
    graph = {review["identifier"]: review for review in document["@graph"]}
    assert set(graph) == set(CLAIMS)
    assert all(cr.problems({"@context": cr.CONTEXT, **review}) == [] for review in graph.values())
    assert graph["pk-ir-trade-target"]["url"] == "https://reports.example/runs/gap/report.html"
    first = graph["pk-ir-trade-target"]["itemReviewed"]["firstAppearance"]
    assert first["url"] == "https://example.org/a" and first["publisher"]["name"] == "Outlet"
    assert graph["pk-ir-trade-target"]["itemReviewed"]["author"]["name"] == "Outlet"
    assert graph["uz-pharma-imports"]["itemReviewed"]["author"] == {"@type": "Person", "name": "Haroon Akhtar Khan"}
    assert graph["forum-participants"]["reviewRating"]["alternateName"] == cr.NOT_CHECKED
    assert graph["forum-participants"]["datePublished"] == "2026-11-25"


def test_jsonld_in_a_page_cannot_close_its_block() -> None:
    block = jsonld_script({"name": "</script><script>alert(1)</script> & more"})
    assert block.count("</script>") == 1 and "<script>alert" not in block
    body = re.search(r">\n(.*)\n</script>", block, re.DOTALL).group(1)
    assert json.loads(body)["name"] == "</script><script>alert(1)</script> & more"


def test_write_register(tmp_path: Path, runs: dict[str, Path]) -> None:
    document = cr.register_reviews([(runs["gap"], "runs/gap/report.html", "2026-11-24")], CLAIMS)
    path = cr.write_register(tmp_path / cr.REGISTER_FILE, document)
    assert json.loads(path.read_text(encoding="utf-8")) == document
