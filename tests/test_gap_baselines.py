"""Baselines as ranges, the economist's first checks, the finding as data, and one answer per target."""

from __future__ import annotations

import json

import pytest

from helpers import claimreview, context, fx, gap, minerals, outputs, overview
from helpers import claims as register
from helpers.errors import ParameterError


@pytest.fixture(scope="module")
def inputs():
    figures = context.load_context()
    claims, _ = fx.claims_in_usd(register.load_claims(), fx.load_rates())
    return claims, figures, context.load_claim_series(context=figures), context.benchmark_growth(figures)


def analyse(inputs, claim_id, **kwargs):
    claims, figures, mapping, benchmarks = inputs
    return gap.analyse_target(claims, figures, mapping, benchmarks, claim_id, **kwargs)


@pytest.mark.parametrize(("publisher", "indicator", "expected"), [
    ("World Bank (WDI)", "", "official"),
    ("Profit / Pakistan Today (citing State Bank of Pakistan)", "", "official, press-reported"),
    ("Daily Times (citing National Accounts Committee)", "", "official, press-reported"),
    ("Iran Press", "Bilateral trade (Iranian source)", "press-reported"),
    # a ministry named only through unnamed "sources" is not a release anyone can check
    ("The Journalist Online (Urdu; citing Ministry of Commerce sources)", "", "press-reported"),
    ("Profit / Pakistan Today (quoting Uzbek ambassador A. Tukhtaev)", "", "press-reported statement"),
    ("Narratives (Employers Federation of Pakistan interview)", "", "press-reported statement"),
])
def test_official_only_for_agencies(publisher, indicator, expected):
    assert gap.standing(publisher, indicator) == expected


def test_unnamed_sources_in_the_excerpt_make_a_figure_press_reported():
    urdu = "ذرائع کا کہنا ہے کہ ایران سے درآمدات ایک ارب 22 کروڑ ڈالر رہیں"  # "sources say that imports ..."
    assert gap.standing("Daily Jang (citing Ministry of Commerce)", "", urdu) == "press-reported"
    assert gap.standing("Daily Jang (citing Ministry of Commerce)", "", "") == "official, press-reported"


def test_gdp_target_range_names_its_baselines(inputs):
    a = analyse(inputs, "pk-economy-2035-target")
    ranged = a.range
    assert a.measure == "gdp_current_usd"
    # central: the World Bank's 2025 figure (WDI snapshot), ten years to 2035
    assert ranged.central == pytest.approx((1e12 / 407307214476.222) ** (1 / 10) - 1)
    assert ranged.central_from.context == ["wdi/NY.GDP.MKTP.CD/PAK/2025@2026-07-01"]
    # low: the National Accounts Committee's FY2024-25 figure (F016, $411B), ten years
    assert ranged.low == pytest.approx((1e12 / 411e9) ** (1 / 10) - 1) and ranged.low_from.context == ["F016"]
    # high: the World Bank's 2023 figure in the context copy (F014), twelve years
    assert ranged.high == pytest.approx((1e12 / 338368455317.8758) ** (1 / 12) - 1)
    assert ranged.high_from.context == ["F014"]
    imf = next(c for c in ranged.candidates if c.key == "agency:imf")
    assert imf.central_rate == pytest.approx((1e12 / 410495e6) ** (1 / 10) - 1)
    assert set(a.benchmarks["measure"]) == {"gdp_current_usd"}  # GDP meets only GDP spells
    text = gap.verdict(a)
    assert "measure: GDP in current US$" in text and "Freund" not in text and "Hausmann" in text


def test_gdp_own_record_is_the_world_banks_series_and_a_range(inputs):
    a = analyse(inputs, "pk-economy-2035-target")
    history = a.history
    # the WDI snapshot (2010-2025) replaces the context copy that ends in 2023
    assert (history.start, history.end) == (2010, 2025)
    assert history.context_ids[-1] == "wdi/NY.GDP.MKTP.CD/PAK/2025@2026-07-01"
    assert history.cagr == pytest.approx((407307214476.222 / history.series[2010]) ** (1 / 15) - 1)
    rate, start, end = history.best_spell(10)
    assert (start, end) == (2002, 2012) and rate == pytest.approx(a.benchmarks.set_index("name").loc[
        "Pakistan 2002-2012", "cagr"])  # the same spell as the page's benchmark table, 9.8%
    text = gap.verdict(a)
    assert f"{start}-{end}" in text and "within its best spell" in text and "beyond its own" not in text


def test_iran_target_uses_pakistans_statistics_and_the_iranian_figure(inputs):
    a = analyse(inputs, "pk-ir-trade-target")
    ranged = a.range
    # central and low: two-way trade in 2023 ($2.7B, F079, Iranian press), six years to 2029: the only
    # full-measure figure, ranked before the floors although press-reported
    assert ranged.central == pytest.approx((10 / 2.7) ** (1 / 6) - 1)  # 24.4%
    assert ranged.central_from.context == ["F079"] and ranged.low_from is ranged.central_from
    assert ranged.central_from.standing == "press-reported" and not ranged.central_from.floor
    # high: Pakistan's imports from Iran in FY2024-25 ($1.222B, F083, "sources"), four years: a floor, so
    # the growth from it is an upper bound only
    assert ranged.high == pytest.approx((10 / 1.222) ** (1 / 4) - 1) and ranged.high_from.context == ["F083"]
    assert ranged.high_from.floor and ranged.high_from.standing == "press-reported"
    nonoil = next(c for c in ranged.candidates if c.context == ["F078"])  # non-oil trade in IR1401: a floor
    assert nonoil.floor and nonoil.central_rate == pytest.approx((10 / 2.3) ** (1 / 6) - 1)  # 27.8%
    text = gap.verdict(a)
    assert "up to 69.1% only if counted from $1.2 billion" in text and "press-reported: no official" in text
    assert "24.4% to 69.1% over the baselines, the high end from one direction of the trade only, a floor" \
        in gap.answer(a)  # the one-sentence answer (index, claim review) says what the high end is
    assert ranged.brief() == ("24.4% to 69.1% a year (from $2.7 billion in 2023 (press-reported) to $1.2 billion in "
                              "FY2024-25 (press-reported), a floor)")  # the index's range column, in a line
    assert gap.finding(a, "report.html").range_text == ranged.brief()
    assert "1 of 2 episodes" in text and "faster than all" not in text  # 24.4% <= 30.2% (Uzbekistan)
    assert "One earlier figure only: 2023" in text and "no history" not in text.lower()


def test_baseline_override_drives_the_whole_analysis(inputs):
    a = analyse(inputs, "pk-ir-trade-target", target_year=2030, baseline_override=2e9)
    needed = (10 / 2) ** (1 / 5) - 1  # $2B in 2025 (the claim's year) to $10B in 2030: 38.0%
    assert a.range.central == a.range.low == a.range.high == pytest.approx(needed)
    assert a.range.central_from.standing == "baseline set by parameter"
    figures = {f["name"].split(":")[0]: f["value"] for f in gap.required_figures(a)}
    assert figures["required_growth_central"] == pytest.approx(needed)
    text = gap.verdict(a)
    assert "38.0% a year from $2.0 billion" in text and "baseline set by parameter" in text and "69.1%" not in text
    assert gap.rating(a) == "Far beyond the record"  # 38.0% > 30.2%, the fastest episode
    assert text.count("38.0% a year from $2.0 billion") == 1  # said once, in the required-growth line


def test_mineral_exports_history_is_stated_exactly(inputs):
    a = analyse(inputs, "pk-mineral-exports-target")
    text = gap.verdict(a)
    assert "One earlier figure only: 2017 (calendar year), $500.0 million, low confidence" in text
    assert "F089" not in text and gap.history_view(a)["ids"].tolist() == ["F089"]  # the id in the trace column
    assert "No episode of exports of one sector is in the data" in text
    assert any("history, not a baseline" in n for n in a.notes)
    assert a.range.low == pytest.approx(3 ** 0.1 - 1) and a.range.high == pytest.approx(4 ** 0.1 - 1)
    assert a.range.central == pytest.approx(3.5 ** 0.1 - 1)  # the middle of $6-8B from $2B


def test_about_band_is_a_parameter(inputs):
    wide = analyse(inputs, "pk-cn-exports-2035-target", about_band=0.2)
    assert wide.range.high == pytest.approx((50 / 2.4) ** (1 / 9) - 1)  # "about $3B" read as $2.4-3.6B
    assert analyse(inputs, "pk-cn-exports-2035-target").range.high == pytest.approx((50 / 2.7) ** (1 / 9) - 1)


def test_bilateral_checks_hand_checked(inputs):
    a = analyse(inputs, "pk-cn-exports-2035-target")
    checks = {c["name"]: c for c in gap.economist_checks(a)}
    # China's merchandise imports grown from 2025 at their own 2015-2025 pace to 2035: 2582.896 * g**10
    china_2035 = 2582.896e9 * (2582.896 / 1679.566)
    assert checks["share_of_partner_imports"]["value"] == pytest.approx(50e9 / china_2035)
    pakistan_2035 = 30.545e9 * (30.545 / 22.089)
    assert checks["share_of_pakistan_exports"]["value"] == pytest.approx(50e9 / pakistan_2035)
    assert checks["share_of_pakistan_exports"]["value"] > 1  # more than all of Pakistan's exports
    assert checks["share_of_partner_imports"]["context"] == ["wdi/TM.VAL.MRCH.CD.WT/CHN/2015@2026-07-01",
                                                             "wdi/TM.VAL.MRCH.CD.WT/CHN/2025@2026-07-01"]
    iran = {c["name"]: c for c in gap.economist_checks(analyse(inputs, "pk-ir-trade-target"))}
    total_2029 = 96.394e9 * (96.394 / 66.257) ** (4 / 10)
    assert iran["share_of_pakistan_trade"]["value"] == pytest.approx(10e9 / total_2029)
    assert iran["share_of_partner_imports"]["value"] is None  # Iran's imports are not in the snapshots


def test_gdp_and_investment_checks_hand_checked(inputs):
    gdp = {c["name"]: c for c in gap.economist_checks(analyse(inputs, "pk-economy-2035-target"))}
    assert gdp["gdp_record_wdi"]["value"] == pytest.approx((407307214476.222 / 299963590534.773) ** 0.1 - 1)
    assert gdp["gdp_latest_imf"]["value"] == pytest.approx(410495 / 371408 - 1)
    assert "no IMF US$ projection for Pakistan beyond 2025" in gdp["gdp_latest_imf"]["text"]
    investment = analyse(inputs, "pk-mineral-investment-target")
    assert investment.benchmarks.empty  # no export episodes for an investment target
    fdi = {c["name"]: c for c in gap.economist_checks(investment)}
    assert fdi["fdi_peak"]["value"] == 5.59e9 and "2007" in fdi["fdi_peak"]["label"]
    assert fdi["fdi_last_decade"]["value"] == pytest.approx(21.095e9)  # 2015-2024 summed


def test_the_analysis_writes_its_finding_and_the_reviews_read_it(inputs, tmp_path):
    claims = inputs[0]
    a = analyse(inputs, "pk-cn-exports-2035-target")
    path = gap.write_finding(a, tmp_path)
    payload = json.loads(path.read_text(encoding="utf-8"))["findings"][0]
    assert payload["rating"] == "Far beyond the record" and payload["claim_id"] == "pk-cn-exports-2035-target"
    assert payload["numbers"][0]["value"] == pytest.approx((50 / 2.476) ** 0.1 - 1)
    rows = {r["id"]: r.to_dict() for _, r in claims.iterrows()}
    found = claimreview.findings_in_run(tmp_path, rows, "r.html")
    assert [f.rating for f in found] == ["Far beyond the record"]
    assert found[0].headline == "Far beyond the record: needs 35.1% a year"
    assert found[0].official.startswith("$2.5 billion in FY2024-25 (") and "F062" not in found[0].official
    assert a.range.central_from.context == ["F062"]  # the context row stays in the analysis and the key figures
    assert "35.1% a year" in found[0].explanation and "38.3%" in found[0].explanation


def test_one_answer_per_target_across_every_report(inputs, tmp_path):
    """The target-gap, overview and minerals reports record the same required growth for the same target."""
    claims, figures, mapping, benchmarks = inputs
    folders = []
    for claim_id in claims.loc[claims["claim_type"].eq("target"), "id"]:
        report = outputs.Report(str(tmp_path / claim_id), "10_target_gap")
        gap.record_key_figures(gap.analyse_target(claims, figures, mapping, benchmarks, claim_id), report)
        report.finish()
        folders.append(report.dir)
    summary = outputs.Report(str(tmp_path / "overview"), "30_overview")
    overview.record_key_figures(overview.analyse_all(claims, figures, mapping, benchmarks), summary)
    summary.finish()
    mineral = minerals.MineralsReport.load(str(tmp_path / "minerals"))
    mineral.show_paths(2026, 2035, gap.DEFAULT_HORIZON_YEARS)
    mineral.finish()
    folders += [summary.dir, mineral.report.dir]
    rows = {r["id"]: r.to_dict() for _, r in claims.iterrows()}
    assert gap.key_figure_conflicts(folders, rows) == []
    figures_of = outputs.read_key_figures(mineral.report.dir)
    low = figures_of["required_growth_low:pk-mineral-exports-target"].value
    assert low == pytest.approx(3 ** 0.1 - 1) == figures_of["yearly_growth_ramp_low"].value  # 11.6%, not 13.0%
    # a run with another horizon disagrees, and the check says so
    other = minerals.MineralsReport.load(str(tmp_path / "minerals15"))
    other.show_paths(2026, 2035, 15)
    other.finish()
    conflicts = gap.key_figure_conflicts([*folders, other.report.dir], rows)
    assert conflicts and all("pk-mineral-exports-target" in c for c in conflicts)


def test_ratings_are_decided_by_the_analysis(inputs):
    ratings = {claim_id: gap.rating(analyse(inputs, claim_id)) for claim_id in
               ("pk-cn-exports-2035-target", "pk-ir-trade-target", "pk-economy-2035-target",
                "pk-mineral-exports-target", "pk-mineral-investment-target", "pk-uz-trade-target")}
    assert ratings == {
        "pk-cn-exports-2035-target": "Far beyond the record",  # 35.1% > 29.3%, the fastest phase II rebound
        "pk-ir-trade-target": "Within the record",  # central 24.4% <= 30.2%; 69.1% from a floor only
        # 9.4% <= every spell and <= Pakistan's own best 10-year spell, 9.8% (2002-2012), though > 5.0% recent
        "pk-economy-2035-target": "Within the record",
        "pk-mineral-exports-target": "No comparable record",
        "pk-mineral-investment-target": "Cannot be measured: no baseline",
        "pk-uz-trade-target": "Within the record",  # 17.3% <= 27.4% own record and 30.2% envoys' episode
    }
    view = gap.gap_view(analyse(inputs, "pk-mineral-exports-target"))
    expected = "one earlier figure only: 2017, $500.0 million, low confidence"
    assert view.loc["Historical growth a year", "value"] == expected
    assert view.loc["Historical growth a year", "ids"] == "F089"  # the context row, in the trace column


def test_empty_sections_say_why(inputs):
    exports = analyse(inputs, "pk-mineral-exports-target")  # no total of which one sector's exports is a part
    assert "no total" in gap.why_empty(exports, "first_checks")
    assert gap.why_empty(exports, "scenarios") == "" and gap.why_empty(exports, "record") == ""
    investment = analyse(inputs, "pk-mineral-investment-target")  # no baseline
    assert gap.why_empty(investment, "first_checks") == ""  # the FDI checks are there
    assert "no baseline" in gap.why_empty(investment, "scenarios")
    assert "without a baseline" in gap.why_empty(investment, "record").lower()
    with pytest.raises(ParameterError, match="allowed"):
        gap.why_empty(investment, "nowhere")
