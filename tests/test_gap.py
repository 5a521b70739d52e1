"""Target-gap analysis: baselines, horizons, required growth, verdicts, bad parameters, and the notebook."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from helpers import claims as register
from helpers import context, gap, outputs, paths
from helpers.errors import ParameterError


@pytest.fixture(scope="module")
def inputs():
    figures = context.load_context()
    return (register.load_claims(), figures, context.load_claim_series(context=figures),
            context.benchmark_growth(figures))


def analyse(inputs, claim_id, **kwargs):
    claims, figures, mapping, benchmarks = inputs
    return gap.analyse_target(claims, figures, mapping, benchmarks, claim_id, **kwargs)


def test_exports_to_china_starts_from_the_official_figure_with_the_articles_beside_it(inputs):
    """Central case: SBP's $2.476B for FY2024-25 (F062, placed at 2025) to $50B in 2035; the article's "about
    $3 billion" in 2026 is beside it, read as $2.7-3.3B (+/- 10%)."""
    a = analyse(inputs, "pk-cn-exports-2035-target")
    assert (a.baseline.source, a.baseline.year, a.target_year, a.years) == ("context", 2025, 2035, 10)
    assert a.baseline.context == ["F062"]
    central = (50 / 2.476) ** (1 / 10) - 1
    assert a.required.value == pytest.approx(central) and round(central, 3) == 0.351
    ranged = a.range
    assert ranged.central == pytest.approx(central) and ranged.central_from.context == ["F062"]
    assert ranged.low == pytest.approx(central) and ranged.low_from is ranged.central_from
    assert ranged.high == pytest.approx((50 / 2.7) ** (1 / 9) - 1) and ranged.high_from.key == "article"
    article = next(c for c in ranged.candidates if c.key == "article")
    assert article.central_rate == pytest.approx((50 / 3) ** (1 / 9) - 1)  # 36.7%, the article's own figure
    assert article.required.low == pytest.approx((50 / 3.3) ** (1 / 9) - 1)
    assert a.history.key == "pk_cn_exports_sbp_fy"
    assert a.history.cagr == pytest.approx((2476 / 2025) ** (1 / 2) - 1)
    text = gap.verdict(a)
    assert "35.1% a year from $2.5 billion in FY2024-25" in text and "official, press-reported" in text
    assert "gives about 36.7% a year" in text and "38.3%" in text
    assert "faster than all 3 episodes of exports to one partner" in text
    assert "FY2019-20 to FY2021-22 (FTA phase II), grew 29.3% a year" in text  # (2780/1663)**(1/2)-1
    assert "China 2001-2011" not in text  # merchandise-export booms are another measure
    assert gap.rating(a) == "Far beyond the record"


def test_range_target_gives_low_and_high_growth(inputs):
    a = analyse(inputs, "pk-mineral-exports-target")
    years = a.target_year - 2026
    assert a.target_year_source.startswith("an assumption") and years == gap.DEFAULT_HORIZON_YEARS
    assert a.required.qualifier == "range"
    assert a.required.low == pytest.approx(3 ** (1 / years) - 1)
    assert a.required.high == pytest.approx(4 ** (1 / years) - 1)
    assert "between 11.6% and 14.9% a year" in gap.verdict(a)


def test_baseline_from_context_when_the_claim_gives_none(inputs):
    a = analyse(inputs, "pk-uz-trade-target")
    assert a.baseline.source == "context" and a.baseline.context == ["F075"]
    assert (a.baseline.estimate.value, a.baseline.year) == (404e6, 2024)
    assert a.required.value == pytest.approx((2e9 / 404e6) ** (1 / 10) - 1)


def test_assumed_horizon_from_the_mapping_file(inputs):
    a = analyse(inputs, "pk-ir-trade-target")
    assert a.target_year == 2029 and "context data" in a.target_year_source


def test_lower_bound_target_without_baseline_says_so(inputs):
    a = analyse(inputs, "pk-mineral-investment-target")
    assert a.baseline is None and a.required is None
    assert "No baseline is available" in gap.verdict(a)
    assert gap.scenario_table(a).empty
    with_base = analyse(inputs, "pk-mineral-investment-target", baseline_override=2e9, base_year=2026,
                        target_year=2031)
    assert with_base.required.qualifier == "lower_bound"
    assert with_base.required.low == pytest.approx(5 ** (1 / 5) - 1)
    assert "at least 38.0% a year" in gap.verdict(with_base)


def test_parameters_override_baseline_and_years(inputs):
    a = analyse(inputs, "pk-cn-exports-2035-target", baseline_override=5e9, base_year=2025, target_year=2030)
    assert a.baseline.source == "parameter" and a.required.value == pytest.approx(10 ** (1 / 5) - 1)


def test_scenarios_compound_and_report_the_year_met(inputs):
    a = analyse(inputs, "pk-cn-exports-2035-target", scenario_rates=[0.1, 0.5])
    table = gap.scenario_table(a).set_index("rate")
    assert table.loc[0.1, "value_at_target_year"] == pytest.approx(2.476e9 * 1.1 ** 10)
    assert table.loc[0.1, "year_target_met"] == 2025 + math.ceil(math.log(50 / 2.476) / math.log(1.1))
    assert table.loc[0.5, "year_target_met"] <= 2035


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"claim_id": "no-such-claim"}, "not in the register"),
    ({"claim_id": "pk-cn-exports"}, "is a fact claim, not a target"),
    ({"claim_id": "pk-cn-exports-2035-target", "base_year": 2030, "target_year": 2028}, "not after base_year"),
    ({"claim_id": "pk-cn-exports-2035-target", "base_year": 2036}, "not before the claim's target year"),
    ({"claim_id": "pk-cn-exports-2035-target", "baseline_override": 0.0}, "not a positive amount"),
    ({"claim_id": "pk-cn-exports-2035-target", "baseline_override": -3e9}, "not a positive amount"),
    ({"claim_id": "pk-cn-exports-2035-target", "scenario_rates": [5.0]}, "out of range"),
])
def test_bad_parameters_say_which_value_is_wrong_and_what_is_allowed(inputs, kwargs, words):
    claim_id = kwargs.pop("claim_id")
    with pytest.raises(ParameterError) as caught:
        analyse(inputs, claim_id, **kwargs)
    assert words in str(caught.value) and "allowed" in str(caught.value)


def test_all_problems_reported_together(inputs):
    claims = inputs[0]
    with pytest.raises(ParameterError) as caught:
        gap.check_gap_parameters(claims, "nope", 2030, 2020, -1.0, [9.0])
    assert len(caught.value.problems) == 4


def test_key_figures_carry_claim_and_context_ids(inputs, tmp_path):
    a = analyse(inputs, "pk-uz-trade-target")
    report = outputs.Report(str(tmp_path), "10_target_gap")
    gap.record_key_figures(a, report)
    figures = {f.name: f for f in report.figures.figures}
    assert figures["required_cagr_low"].claims == ["pk-uz-trade-target"]
    assert figures["baseline"].context == ["F075"]
    assert figures["history_cagr"].value == pytest.approx((404 / 36) ** (1 / 10) - 1)


# --- the notebook --------------------------------------------------------------------------------------

def run(tmp_path: Path, env: dict | None = None, **parameters):
    import papermill

    out = tmp_path / "out"
    executed = tmp_path / "executed.ipynb"
    papermill.execute_notebook(str(paths.notebook("10_target_gap")), str(executed), cwd=str(paths.NOTEBOOKS),
                               parameters={"output_dir": str(out), **parameters}, progress_bar=False,
                               kernel_name="python3")
    return executed, out


def verdict_of(executed: Path) -> str:
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    texts = [o["data"]["text/markdown"].replace("\\$", "$") for c in nb.cells for o in c.get("outputs", [])
             if "text/markdown" in o.get("data", {})]  # dollar signs are escaped for JupyterLab's Markdown
    return next(t for t in texts if "**Target.**" in t)


@pytest.mark.slow
def test_notebook_default_run_writes_key_figures_tables_and_chart(tmp_path):
    executed, out = run(tmp_path)
    figures = outputs.read_key_figures(out)
    assert round(figures["required_cagr_low"].value, 4) == round((50 / 2.476) ** 0.1 - 1, 4) == 0.3506
    assert figures["required_growth_central:pk-cn-exports-2035-target"].context == ["F062"]
    assert {"gap.csv", "scenarios.csv", "growth_comparison.csv", "benchmarks.csv", "history.csv", "baselines.csv",
            "first_checks.csv", "finding.json"} <= {p.name for p in out.iterdir()}
    assert "35.1% a year" in verdict_of(executed) and "36.7% a year" in verdict_of(executed)


@pytest.mark.slow
def test_verdict_follows_the_data_when_a_claim_changes(tmp_path, restate_claim):
    """Change the $50B target to $60B in a temporary copy of the article and the register: the verdict moves."""
    claims_copy = restate_claim("pk-cn-exports-2035-target", "$50 billion by 2035", "$60 billion by 2035", 60e9)
    executed, out = run(tmp_path, claims_path=str(claims_copy))
    expected = (60 / 2.476) ** (1 / 10) - 1  # from the official FY2024-25 figure (F062)
    assert outputs.read_key_figures(out)["required_cagr_low"].value == pytest.approx(expected)
    assert f"{expected * 100:.1f}% a year" in verdict_of(executed) and "$60.0 billion" in verdict_of(executed)


@pytest.mark.slow
@pytest.mark.parametrize(("parameters", "words"), [
    ({"claim_id": "pk-cn-exports"}, "not the id of a target claim"),
    ({"base_year": 2030, "target_year": 2020}, "'target_year' = 2020 is not after 'base_year' = 2030"),
    ({"baseline_override": -1.0}, "'baseline_override' = -1.0 is not above 0"),
])
def test_notebook_stops_at_its_first_cell_on_bad_parameters(tmp_path, parameters, words):
    import nbformat
    import papermill

    with pytest.raises(papermill.PapermillExecutionError, match=words):
        run(tmp_path, **parameters)
    nb = nbformat.read(tmp_path / "executed.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    failed = [i for i, c in enumerate(code) if any(o.get("output_type") == "error" for o in c.get("outputs", []))]
    injected = next(i for i, c in enumerate(code) if "injected-parameters" in c.metadata.get("tags", []))
    assert failed == [injected + 1]


def test_base_year_takes_that_years_figure_or_is_refused(inputs):
    a = analyse(inputs, "pk-uz-trade-target", base_year=2020)
    assert (a.baseline.year, a.baseline.estimate.value, a.baseline.context) == (2020, 120e6, ["F069"])
    with pytest.raises(ParameterError, match="has no figure in the history series"):
        analyse(inputs, "pk-uz-trade-target", base_year=2017)
    with pytest.raises(ParameterError, match="differs from the year of the baseline claim pk-cn-exports"):
        analyse(inputs, "pk-cn-exports-2035-target", base_year=2020)


def test_range_baseline_uses_its_middle(inputs):
    claims, figures, mapping, benchmarks = inputs
    changed = claims.copy()
    row = changed["id"].eq("pk-cn-exports")
    changed.loc[row, ["value", "value_low", "value_high", "qualifier"]] = [float("nan"), 2e9, 4e9, "range"]
    a = gap.analyse_target(changed, figures, mapping, benchmarks, "pk-cn-exports-2035-target")
    article = next(c for c in a.range.candidates if c.key == "article")
    assert article.required.qualifier == "range" and article.estimate.central == 3e9
    assert article.central_rate == pytest.approx((50 / 3) ** (1 / 9) - 1)
    assert a.range.high == pytest.approx((50 / 2) ** (1 / 9) - 1) and a.range.high_from is article


def test_benchmarks_only_for_money_targets(inputs):
    claims, figures, mapping, benchmarks = inputs
    changed = claims.copy()
    row = changed["id"].eq("pk-mineral-investment-target")
    changed.loc[row, ["unit", "base_unit"]] = ["jobs", "jobs"]
    a = gap.analyse_target(changed, figures, mapping, benchmarks, "pk-mineral-investment-target",
                           baseline_override=1000.0, base_year=2026, target_year=2030)
    assert a.measure is not None or a.benchmarks.empty  # a jobs target meets no money episode
    assert a.benchmarks.empty and any("no episode of" in n for n in a.notes)


def test_verdict_opens_with_the_rating_and_one_sentence_then_a_short_list(inputs):
    """The verdict reads in order: the rating in bold and a one-sentence answer, then one line each for the
    target, the required growth with its baselines, the record and the comparators; no id in it."""
    a = analyse(inputs, "pk-cn-exports-2035-target")
    opening, _, rest = gap.verdict(a).partition("\n\n")
    answer = opening.removeprefix(f"**{gap.rating(a)}.** ")
    assert answer != opening and answer.endswith(".") and ". " not in answer  # the rating, then one sentence
    central = (50 / 2.476) ** (1 / 10) - 1  # from the FY2024-25 figure, ten years to 2035
    assert f"must grow {central * 100:.1f}% a year" in opening == f"**{gap.rating(a)}.** {gap.finding(a).explanation}"
    labels = [line.split("**")[1] for line in rest.splitlines()]
    assert labels[:2] == ["Target.", "Required growth."] and labels.index("Record.") < labels.index("Comparators.")
    assert all(line.startswith("- ") for line in rest.splitlines())
    assert "pk-cn-exports" not in gap.verdict(a) and "F062" not in gap.verdict(a)
    assert len(opening.split()) < 50  # the answer is short; the figures follow in the list


def _ids_outside_trace(view, ids: set[str]) -> list[str]:
    """Cells of ``view`` (a table a reader sees) outside its final "ids" column that name a claim id, a seed
    file or a context row."""
    import re

    pattern = re.compile("|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True)) + r"|\bF\d{3}\b")
    shown = view.reset_index()
    return [f"{column}: {cell}" for column in shown.columns if column != "ids"
            for cell in shown[column].astype(str) if pattern.search(cell)]


def test_tables_a_reader_sees_name_claims_not_ids(inputs):
    """Every target's tables as shown: claims by subject, baselines by publisher, ids only in the last column."""
    from helpers import overview

    claims, figures, mapping, benchmarks = inputs
    ids = set(claims["id"]) | set(claims["seed_file"])
    analyses = overview.analyse_all(claims, figures, mapping, benchmarks)
    for a in analyses:
        comparison = gap.comparison_frame(a)
        views = {"gap": gap.gap_view(a), "baselines": gap.candidates_view(a.range) if a.range else None,
                 "comparison": gap.comparison_view(comparison), "benchmarks": gap.benchmark_view(a.benchmarks),
                 "history": gap.history_view(a), "checks": gap.checks_view(gap.economist_checks(a)),
                 "claims used": register.readable_table(claims.loc[claims["id"].isin(a.claim_ids)])}
        for name, view in views.items():
            if view is None or view.empty:
                continue
            assert _ids_outside_trace(view, ids) == [], (a.claim["id"], name)
            assert list(view.columns)[-1] == "ids", (a.claim["id"], name)
        if a.required is None:
            continue  # no baseline, no required growth (the investment target)
        assert comparison["ids"].str.len().gt(0).all()  # the saved table keeps its trace
        assert f"required: {a.claim['id']}" in set(comparison["label"])  # and its ids, for the CSV
        assert gap.comparison_view(comparison).iloc[0, 0] == f"required: {a.claim['subject']}"
    growth = overview.growth_frame(analyses)
    official = overview.claim_vs_official(claims, figures, mapping)
    for view in (gap.comparison_view(growth), overview.targets_view(analyses), overview.official_view(official)):
        assert _ids_outside_trace(view, ids) == [] and view.columns[-1] == "ids"
    assert "pk-" not in gap.comparison_title(analyses[0]) and "pk-" not in overview.official_sentence(official, 0.1)
