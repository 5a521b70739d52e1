"""Minerals report: reserves against exports, export paths, context comparisons, and the notebook run for real."""

from __future__ import annotations

import io
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from helpers import charts, minerals, outputs, paths, text  # noqa: E402
from helpers import claims as register  # noqa: E402
from helpers import context as ctx  # noqa: E402
from helpers.errors import MineralsError, ParameterError  # noqa: E402

#: The report's claims, found in the register by topic, subject and claim type (never typed in the module).
FOUND = minerals.find_claims(register.load_claims())
RESERVES, EXPORTS, EXPORTS_TARGET, INVESTMENT_TARGET = FOUND.ids

# Hand-checked: ramping from $2B to $8B in 10 years multiplies by 4 ** (1/10) a year, so the exports of
# 2026..2035 are the geometric sum 2e9 * (4 - 1) / (4 ** 0.1 - 1) = $40.35B; to $6B, 2e9 * (3 - 1) / (3 ** 0.1 - 1).
RAMP_HIGH_2035 = 2e9 * 3 / (4 ** 0.1 - 1)
RAMP_LOW_2035 = 2e9 * 2 / (3 ** 0.1 - 1)


@pytest.fixture(scope="module")
def claims() -> pd.DataFrame:
    return register.load_claims()


@pytest.fixture(scope="module")
def context() -> pd.DataFrame:
    return ctx.load_context()


@pytest.fixture(scope="module")
def linked(context) -> pd.DataFrame:
    return minerals.linked_figures(context, ctx.load_claim_series(context=context), FOUND.ids)


def with_value(claims: pd.DataFrame, claim_id: str, **values) -> pd.DataFrame:
    """A copy of the register with some fields of one claim changed."""
    frame = claims.copy()
    for field, value in values.items():
        frame.loc[frame["id"].eq(claim_id), field] = value
    return frame


# --- parameters -------------------------------------------------------------------------------------

def test_check_years_accepts_a_single_year_and_refuses_a_reversed_span():
    minerals.check_years(2026, 2026, 10)
    with pytest.raises(ParameterError, match=r"'by_year' = 2020 is before base_year = 2026.*Fix: give a by_year of "
                                             r"2026 or later"):
        minerals.check_years(2026, 2020, 10)


def test_check_years_lists_every_problem():
    with pytest.raises(ParameterError) as caught:
        minerals.check_years(2026, 2020, 0)
    assert len(caught.value.problems) == 2
    assert "'ramp_years' = 0" in caught.value.problems[1]


# --- headline ---------------------------------------------------------------------------------------

def test_headline_share_of_reserves_and_years(claims):
    top = minerals.headline(claims)
    assert top.reserves == 6e12 and top.exports == 2e9
    assert top.share_per_year == pytest.approx(2e9 / 6e12)  # 0.0333% a year
    assert text.share(top.share_per_year) == "0.033%"
    assert top.years_to_export == pytest.approx(3000)
    assert top.claim_ids == (RESERVES, EXPORTS) and top.currency == "USD"


def test_headline_follows_the_claim_values(claims):
    changed = with_value(claims, EXPORTS, value=3e9, value_low=3e9, value_high=3e9)
    assert minerals.headline(changed).share_per_year == pytest.approx(0.0005)
    ranged = with_value(claims, RESERVES, value=float("nan"), value_low=4e12, value_high=8e12,
                        qualifier="range")
    assert minerals.headline(ranged).reserves == 6e12  # the middle of a range


def test_headline_refuses_a_flow_for_the_stock_and_names_the_claim(claims):
    wrong = with_value(claims, RESERVES, unit="USD/yr")
    with pytest.raises(MineralsError, match=r"claim 'pk-mineral-resources-value', field 'unit' "
                                                     r"\(value: 'USD/yr'\).*stock of money.*Fix:"):
        minerals.headline(wrong)
    counted = with_value(claims, EXPORTS, unit="tonnes/yr")
    with pytest.raises(MineralsError, match="yearly amount of money"):
        minerals.headline(counted)
    other_currency = with_value(claims, EXPORTS, unit="PKR/yr")
    with pytest.raises(MineralsError, match="in PKR, but 'pk-mineral-resources-value' is in USD"):
        minerals.headline(other_currency)


def test_shares_keep_two_significant_figures():
    assert text.share(2e9 / 6e12) == "0.033%"
    assert text.share(0.0067) == "0.67%"
    assert text.share(0.25) == "25%"
    assert text.share(1.5) == "150%"
    assert text.share(0.0) == "0%"
    assert text.share(float("nan")) == "n/a"


# --- paths ------------------------------------------------------------------------------------------

def test_paths_are_flat_and_a_ramp_to_each_end_of_the_range(claims):
    flat, low, high = minerals.define_paths(claims, 2026, 10)
    assert (flat.key, low.key, high.key) == ("flat", "ramp_low", "ramp_high")
    assert flat.rate == 0 and flat.start == flat.end == 2e9
    assert low.rate == pytest.approx(3 ** 0.1 - 1) and high.rate == pytest.approx(4 ** 0.1 - 1)
    assert round(high.rate, 3) == 0.149
    assert low.reached_year == high.reached_year == 2036
    assert high.label == "to $8.0 billion a year by 2036"
    assert high.claim_ids == (EXPORTS, EXPORTS_TARGET)


def test_a_single_figure_target_gives_one_ramp(claims):
    single = with_value(claims, EXPORTS_TARGET, value=5e9, value_low=5e9, value_high=5e9, qualifier="exact")
    keys = [p.key for p in minerals.define_paths(single, 2026, 5)]
    assert keys == ["flat", "ramp"]


def test_levels_count_both_end_years_and_hold_the_target_after_the_ramp(claims):
    export_paths = minerals.define_paths(claims, 2026, 10)
    levels = minerals.path_levels(export_paths, 2026, 2035)
    assert list(levels.index) == list(range(2026, 2036))  # inclusive: 10 years
    assert levels["flat"].sum() == pytest.approx(20e9)  # 10 years x $2B
    assert levels.at[2031, "ramp_high"] == pytest.approx(4e9)  # halfway: 2e9 * 4 ** 0.5
    assert levels["ramp_high"].sum() == pytest.approx(RAMP_HIGH_2035)
    longer = minerals.path_levels(export_paths, 2026, 2050)
    assert longer.at[2036, "ramp_high"] == pytest.approx(8e9)
    assert longer.loc[2036:, "ramp_high"].tolist() == pytest.approx([8e9] * 15)
    assert longer.loc[2036:, "ramp_low"].max() == pytest.approx(6e9)


def test_summary_shares_of_the_reserves(claims):
    export_paths = minerals.define_paths(claims, 2026, 10)
    summary = minerals.path_summary(export_paths, minerals.path_levels(export_paths, 2026, 2035), 6e12)
    rows = summary.set_index("path")
    assert rows.at["flat", "cumulative_exports"] == pytest.approx(20e9)
    assert rows.at["flat", "share_of_reserves"] == pytest.approx(20e9 / 6e12)  # 0.333%
    assert rows.at["ramp_low", "cumulative_exports"] == pytest.approx(RAMP_LOW_2035)
    assert rows.at["ramp_high", "share_of_reserves"] == pytest.approx(RAMP_HIGH_2035 / 6e12)
    assert rows.at["flat", "years_counted"] == 10 and rows.at["flat", "years_at_last_level"] == pytest.approx(3000)
    assert minerals.paths_finding(summary) == ("By 2035 even the fastest path would have exported 0.67% of the "
                                               "claimed reserves")
    sentence = minerals.paths_sentence(summary)
    assert sentence.startswith("Counting every year from 2026 to 2035, both included (10 years)")
    assert "$20.0 billion (0.33% of the reserves)" in sentence and "growing 14.9% a year" in sentence


def test_a_single_year_counts_the_base_year_once(claims):
    export_paths = minerals.define_paths(claims, 2026, 10)
    summary = minerals.path_summary(export_paths, minerals.path_levels(export_paths, 2026, 2026), 6e12)
    assert list(summary["cumulative_exports"]) == pytest.approx([2e9, 2e9, 2e9])
    assert "(1 year)" in minerals.paths_sentence(summary)


def test_yearly_table_and_key_figures(claims):
    export_paths = minerals.define_paths(claims, 2026, 10)
    levels = minerals.path_levels(export_paths, 2026, 2035)
    yearly = minerals.yearly_table(export_paths, levels, 6e12)
    assert len(yearly) == 30
    last_flat = yearly.loc[yearly["path"].eq("flat") & yearly["year"].eq(2035)].iloc[0]
    assert last_flat["cumulative_exports"] == pytest.approx(20e9)
    wide = minerals.readable_yearly(yearly)
    assert wide.loc[2026].tolist() == ["0.033%"] * 3 and wide.columns[0] == "flat at $2.0 billion a year"
    summary = minerals.path_summary(export_paths, levels, 6e12)
    figures = {f["name"]: f for f in minerals.path_figures(export_paths, summary, RESERVES)}
    assert figures["share_of_reserves_flat"]["value"] == pytest.approx(20e9 / 6e12)
    assert figures["share_of_reserves_ramp_high"]["claims"] == [EXPORTS, EXPORTS_TARGET,
                                                                RESERVES]
    assert figures["yearly_growth_ramp_low"]["value"] == pytest.approx(3 ** 0.1 - 1)
    assert "yearly_growth_flat" not in figures


@settings(max_examples=40, deadline=None)
@given(base=st.integers(2000, 2060), span=st.integers(0, 40), ramp=st.integers(1, 30))
def test_paths_are_ordered_and_cumulative_shares_never_fall(claims, base, span, ramp):
    export_paths = minerals.define_paths(claims, base, ramp)
    totals = minerals.cumulative(minerals.path_levels(export_paths, base, base + span))
    assert (totals.diff().dropna() > 0).all().all()
    assert (totals["flat"] <= totals["ramp_low"] + 1e-3).all()
    assert (totals["ramp_low"] <= totals["ramp_high"] + 1e-3).all()
    assert totals["flat"].iloc[-1] == pytest.approx(2e9 * (span + 1))


# --- context ----------------------------------------------------------------------------------------

def test_linked_figures_take_the_latest_point_of_each_series(linked, context):
    pairs = set(zip(linked["claim_id"], linked["id"], strict=True))
    assert (EXPORTS_TARGET, "F091") in pairs and (EXPORTS_TARGET, "F090") in pairs
    assert (EXPORTS, "F089") in pairs and (INVESTMENT_TARGET, "F098") in pairs
    gdp = linked.loc[linked["series"].eq("pk_gdp_usd_wb")]
    assert len(gdp) == 1
    years = context.loc[context["indicator"].eq(gdp.iloc[0]["indicator"]), "period_year"]
    assert gdp.iloc[0]["period_year"] == years.max()


def test_figures_table_lists_claims_then_each_figure_once_with_source_and_confidence(claims, linked):
    table = minerals.figures_table(claims, linked, FOUND.ids)
    assert list(table["id"][:4]) == list(FOUND.ids)
    assert table["id"].is_unique
    row = table.set_index("id").loc["F090"]
    assert row["kind"] == "reported (fiscal year)" and row["period"].startswith("FY2024-25")
    assert row["source"] == "Dawn (op-ed)" and row["confidence"] == "medium" and row["amount"] == "$8.6 billion"
    assert table.set_index("id").loc["F089", "confidence"] == "low"
    target = table.set_index("id").loc[EXPORTS_TARGET]
    assert target["amount"] == "$6.0 billion to $8.0 billion a year"
    assert target["confidence"] == "claim, not checked" and "seeds/004_" in target["source"]


def test_comparisons_divide_each_claim_by_its_figures(claims, linked):
    table = minerals.compare_with_figures(claims, linked)
    output = minerals.comparison(table, EXPORTS_TARGET, "pk_mineral_output_wmd")
    assert output["ratio_low"] == pytest.approx(6e9 / 8.3e9) and output["ratio_high"] == pytest.approx(8e9 / 8.3e9)
    assert minerals.ratio_text(output) == "72% to 96%"
    value_added = minerals.comparison(table, EXPORTS_TARGET, "pk_mining_value_added_fy")
    assert minerals.ratio_text(value_added) == "70% to 93%"
    assert minerals.period_text(value_added) == "FY2024-25, a July-June fiscal year"
    past = minerals.comparison(table, EXPORTS, "pk_mineral_exports")
    assert past["ratio_low"] == pytest.approx(4.0) and minerals.period_text(past) == "2017"
    stock = minerals.comparison(table, RESERVES, "pk_mineral_output_wmd")
    assert stock["stock_vs_flow"] and minerals.ratio_text(stock) == "about 723x"
    cost = minerals.comparison(table, INVESTMENT_TARGET, "reko_diq_total_cost")
    assert minerals.ratio_text(cost) == "more than 1.0x" and not cost["stock_vs_flow"]
    assert minerals.indicator_text(cost) == "Reko Diq total development cost"
    assert minerals.indicator_text(output) == "mineral output value"
    with pytest.raises(MineralsError, match="no comparison of claim 'pk-mineral-exports' with series "
                                                     "'nothing'.*Fix:"):
        minerals.comparison(table, EXPORTS, "nothing")


def test_ambition_finding_states_the_share_of_output(claims, linked):
    table = minerals.compare_with_figures(claims, linked)
    assert minerals.ambition_finding(claims, table, "pk_mineral_output_wmd", EXPORTS_TARGET) == (
        "The $6-8 billion a year ambition is 72% to 96% of mineral output value in 2023")


def test_the_claims_are_found_by_topic_subject_and_type_not_by_id(claims):
    assert FOUND.ids == ("pk-mineral-resources-value", "pk-mineral-exports", "pk-mineral-exports-target",
                         "pk-mineral-investment-target")
    renamed = claims.replace({"id": {EXPORTS: "any-new-id"}, "baseline_id": {EXPORTS: "any-new-id"}})
    assert minerals.find_claims(renamed).exports == "any-new-id"
    restated = pd.concat([claims, claims.loc[claims["id"].eq(EXPORTS)].assign(id="pk-mineral-exports-2027",
                                                                              as_of="2027-01")])
    found = minerals.find_claims(restated)
    assert found.exports == "pk-mineral-exports-2027" and found.others == {"exports": [EXPORTS]}
    with pytest.raises(MineralsError, match=r"no claim states the value of the mineral resources.*Fix: add"):
        minerals.find_claims(claims.loc[claims["id"].ne(RESERVES)])


def test_short_range_and_lower_first():
    assert text.compact_range(6e9, 8e9, "USD/yr") == "$6-8 billion a year"
    assert text.compact_range(6.5e9, 8e9, "USD") == "$6.5-8 billion"
    assert text.compact_range(8e8, 1.2e9, "USD/yr") == "$800.0 million to $1.2 billion a year"
    assert text.compact_range(5e9, 5e9, "USD/yr") == "$5.0 billion a year"
    assert minerals.lower_first("Mineral output value") == "mineral output value"
    assert minerals.lower_first("GDP, current US$") == "GDP, current US$"
    assert minerals.lower_first("Reko Diq total cost") == "Reko Diq total cost"


def test_project_figures_are_the_rows_about_named_projects(context):
    projects = minerals.project_figures(context)
    assert set(projects["project"]) == {"Reko Diq", "Saindak"}
    assert {"F092", "F093", "F095", "F097", "F098", "F100", "F102"} <= set(projects["id"])
    table = minerals.figures_table(pd.DataFrame(), projects, claim_ids=())
    assert table.set_index("id").loc["F095", "amount"] == "240,000 tonnes copper a year"


def test_flow_bars_hold_yearly_money_flows_only(claims, linked):
    bars = minerals.flow_bars(claims, linked, (EXPORTS, EXPORTS_TARGET))
    assert set(bars["id"]) == {EXPORTS, EXPORTS_TARGET, "F089", "F090", "F091"}
    assert bars["high"].is_monotonic_increasing
    target = bars.set_index("id").loc[EXPORTS_TARGET]
    assert (target["low"], target["high"], target["kind"]) == (6e9, 8e9, "target")
    assert bars.set_index("id").loc["F089", "label"].endswith("low confidence")


# --- charts -----------------------------------------------------------------------------------------

def test_cumulative_paths_chart_has_finding_units_share_axis_and_source(claims):
    export_paths = minerals.define_paths(claims, 2026, 10)
    levels = minerals.path_levels(export_paths, 2026, 2035)
    summary = minerals.path_summary(export_paths, levels, 6e12)
    used = claims.loc[claims["id"].isin(FOUND.ids)]
    fig = charts.cumulative_paths_chart(minerals.cumulative(levels), {p.key: p.label for p in export_paths}, 6e12,
                                        minerals.paths_finding(summary), "subtitle with $6 and $8", used, "USD")
    title = fig._suptitle
    assert title.get_text() == minerals.paths_finding(summary)
    assert fig.axes[0].get_ylabel() == "Cumulative exports, US$"
    assert [a.get_ylabel() for a in fig.axes[0].child_axes] == ["Share of the claimed reserves, %"]
    subtitle = fig.axes[0]._left_title
    assert subtitle._preprocess_math(subtitle.get_text()) == ("subtitle with $6 and $8", False)  # not mathtext
    source = [t.get_text().replace("\n", " ") for t in fig.texts if t.get_text().startswith("Source:")]
    assert source and RESERVES in source[0] and "seeds/004_a7c00857fc1d37e6.txt" in source[0]
    fig.savefig(io.BytesIO(), format="png")  # draws without error


def test_flow_bars_chart_names_claims_and_context_publishers(claims, linked):
    bars = minerals.flow_bars(claims, linked, (EXPORTS, EXPORTS_TARGET))
    table = minerals.compare_with_figures(claims, linked)
    title = minerals.ambition_finding(claims, table, "pk_mineral_output_wmd", EXPORTS_TARGET)
    fig = charts.flow_bars_chart(bars, title, "US$ a year", claims.loc[claims["id"].isin(bars["id"])],
                                 linked.loc[linked["id"].isin(bars["id"])].drop_duplicates("id"), "USD")
    assert fig._suptitle._preprocess_math(fig._suptitle.get_text()) == (title, False)
    source = " ".join(t.get_text().replace("\n", " ") for t in fig.texts)
    assert "F089" in source and "Dawn (op-ed)" in source and EXPORTS_TARGET in source
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [
        "claim", "target (light: rest of the range)", "reported figure", "low confidence"]


# --- the notebook -----------------------------------------------------------------------------------

def run_notebook(tmp_path: Path, **parameters):
    """Execute notebooks/20_minerals.ipynb with papermill into tmp_path; return it and its output folder."""
    import nbformat
    import papermill

    out_dir = tmp_path / "out"
    executed = tmp_path / "executed.ipynb"
    papermill.execute_notebook(str(paths.notebook("20_minerals")), str(executed), cwd=str(paths.NOTEBOOKS),
                               parameters={"output_dir": str(out_dir), **parameters}, progress_bar=False,
                               kernel_name="python3")
    return nbformat.read(executed, as_version=4), out_dir


def said(nb) -> str:
    """Every markdown sentence the notebook displayed."""
    return "\n".join(o["data"]["text/markdown"].replace("\\$", "$") for c in nb.cells for o in c.get("outputs", [])
                     if "text/markdown" in o.get("data", {}))


@pytest.mark.slow
def test_notebook_run_with_a_ten_year_ramp(tmp_path):
    nb, out = run_notebook(tmp_path, ramp_years=10)  # the hand-checked sums above
    figures = outputs.read_key_figures(out)
    assert figures["exports_share_of_reserves_per_year"].value == pytest.approx(2e9 / 6e12)
    assert figures["exports_share_of_reserves_per_year"].claims == sorted([EXPORTS, RESERVES])
    assert figures["years_to_export_reserves"].value == pytest.approx(3000)
    assert figures["share_of_reserves_flat"].value == pytest.approx(10 * 2e9 / 6e12)
    assert figures["cumulative_exports_ramp_high"].value == pytest.approx(RAMP_HIGH_2035)
    assert figures["ambition_share_of_mineral_output_high"].value == pytest.approx(8e9 / 8.3e9)
    assert figures["ambition_share_of_mineral_output_high"].context == ["F091"]
    assert figures["ambition_share_of_mining_value_added_low"].context == ["F090"]
    assert figures["exports_multiple_of_earlier_exports"].context == ["F089"]
    assert figures["investment_target_multiple_of_reko_diq_cost"].value == pytest.approx(1.0)
    assert {"mineral_claims.csv", "export_paths.csv", "export_paths_by_year.csv", "claims_and_figures.csv",
            "comparisons.csv", "project_figures.csv"} <= {p.name for p in out.iterdir()}
    text = said(nb)
    assert "0.033% of the reserves' claimed value" in text and "3,000 years" in text
    assert "FY2024-25, a July-June fiscal year" in text and "72% to 96%" in text
    charts = [o for c in nb.cells for o in c.get("outputs", []) if "image/svg+xml" in o.get("data", {})]
    assert len(charts) == 2


@pytest.mark.slow
def test_notebook_with_a_later_by_year(tmp_path):
    nb, out = run_notebook(tmp_path, by_year=2050, ramp_years=10)
    figures = outputs.read_key_figures(out)
    assert figures["share_of_reserves_flat"].value == pytest.approx(25 * 2e9 / 6e12)  # 2026..2050: 25 years
    assert figures["cumulative_exports_ramp_high"].value == pytest.approx(RAMP_HIGH_2035 + 15 * 8e9)
    assert "Counting every year from 2026 to 2050, both included (25 years)" in said(nb)


@pytest.mark.slow
def test_notebook_follows_the_register_when_a_claim_changes(tmp_path, restate_claim):
    """Exports of $3B instead of $2B in a temporary copy of the article and the register: the figures move."""
    claims_copy = restate_claim(EXPORTS, "currently only $2 billion per year",
                                "currently only $3 billion per year", 3e9)
    nb, out = run_notebook(tmp_path, claims_path=str(claims_copy), ramp_years=10)
    figures = outputs.read_key_figures(out)
    assert figures["exports_share_of_reserves_per_year"].value == pytest.approx(3e9 / 6e12)
    assert figures["share_of_reserves_flat"].value == pytest.approx(10 * 3e9 / 6e12)
    assert figures["yearly_growth_ramp_high"].value == pytest.approx((8 / 3) ** 0.1 - 1)
    assert "0.050% of the reserves' claimed value" in said(nb) and "2,000 years" in said(nb)


@pytest.mark.slow
def test_notebook_stops_at_its_first_cell_when_by_year_is_before_base_year(tmp_path):
    import nbformat
    import papermill

    with pytest.raises(papermill.PapermillExecutionError, match="is before base_year"):
        run_notebook(tmp_path, by_year=2020)
    nb = nbformat.read(tmp_path / "executed.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    failed = [i for i, c in enumerate(code) if any(o.get("output_type") == "error" for o in c.get("outputs", []))]
    injected = next(i for i, c in enumerate(code) if "injected-parameters" in c.metadata.get("tags", []))
    assert failed == [injected + 1]
    assert not (tmp_path / "out").exists()  # nothing written


def test_headline_unaffected_by_unrelated_claims(claims):
    others = claims.loc[~claims["id"].isin(FOUND.ids)]
    assert not others.empty
    trimmed = claims.loc[claims["id"].isin(FOUND.ids)]
    assert minerals.headline(trimmed) == minerals.headline(claims)
    assert math.isclose(minerals.headline(trimmed).share_per_year, 1 / 3000)
