"""The overview: all targets, claims against official figures, claims that disagree."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import claims as register
from helpers import context, overview


@pytest.fixture(scope="module")
def inputs():
    figures = context.load_context()
    return (register.load_claims(), figures, context.load_claim_series(context=figures),
            context.benchmark_growth(figures))


def test_every_target_claim_is_analysed(inputs):
    claims = inputs[0]
    analyses = overview.analyse_all(*inputs)
    assert [a.claim["id"] for a in analyses] == claims.loc[claims["claim_type"].eq("target"), "id"].tolist()
    table = overview.targets_table(analyses).set_index("claim")
    assert table.loc["pk-cn-exports-2035-target", "multiple_low"] == pytest.approx(50 / 2.476)  # from F062
    assert table.loc["pk-cn-exports-2035-target", "gap_low"] == pytest.approx(50e9 - 2.476e9)


def test_growth_title_counts_targets_faster_than_every_episode_of_their_own_measure(inputs):
    analyses = overview.analyse_all(*inputs)
    compared = [a for a in analyses if a.required is not None and not a.benchmarks.empty]
    faster = [a for a in compared if a.required.low > a.benchmarks["cagr"].max()]
    title = overview.growth_title(analyses)
    assert title.startswith(f"{len(faster)} of {len(compared)} targets with episodes of their own measure")
    assert "pk-cn-exports-2035-target" in {a.claim["id"] for a in faster}
    for a in analyses:  # no target meets an episode of another measure
        assert set(a.benchmarks["measure"]) <= {a.measure}
    frame = overview.growth_frame(analyses)
    assert not frame["label"].str.contains("China 2001-2011").any()


def test_claim_against_official_figure(inputs):
    claims, figures, mapping, _ = inputs
    table = overview.claim_vs_official(claims, figures, mapping).set_index(["claim", "context_id"])
    # China's imports: the World Bank's own series (WDI TM.VAL.MRCH.CD.WT, 2025) replaces the press copy of GAC
    china = table.loc[("cn-imports-annual", "wdi/TM.VAL.MRCH.CD.WT/CHN/2025@2026-07-01")]
    assert china["official_value"] == pytest.approx(2582.896e9) and china["standing"] == "official"
    assert "TM.VAL.MRCH.CD.WT" in china["source"] and "2026-07-01" in china["source"]
    assert china["figure_kind"] == "official figure"
    assert china["difference_pct"] == pytest.approx((2e12 / 2582.896e9 - 1) * 100)
    # "about $2 trillion" is $1.8-2.2 trillion: -30% to -15%, no part within 10%
    assert china["difference_low_pct"] == pytest.approx((1.8e12 / 2582.896e9 - 1) * 100)
    assert china["difference_high_pct"] == pytest.approx((2.2e12 / 2582.896e9 - 1) * 100)
    assert not china["agrees"]
    exports = table.loc[("pk-cn-exports", "F062")]
    assert exports["period_kind"] == "fiscal_pk" and exports["difference_pct"] == pytest.approx((3 / 2.476 - 1) * 100)
    # "about $3 billion" is $2.7-3.3 billion against SBP's $2.476 billion: +9% to +33%, so it agrees within 10%
    assert exports["difference_low_pct"] == pytest.approx((2.7 / 2.476 - 1) * 100) and exports["agrees"]
    assert exports["figure_kind"] == "State Bank of Pakistan figure as reported by Profit / Pakistan Today " \
                                     "(press-reported)"
    assert "F087" not in set(table.reset_index()["context_id"])  # the Jan-Aug 2020 figure is a part year
    assert table.loc[("pk-mineral-exports", "F089"), "years_older"] == 2026 - 2017
    recent = table.loc[table["years_older"] <= overview.DATED_AFTER_YEARS]
    sentence = overview.official_sentence(table.reset_index(), 0.1)
    assert sentence.startswith(f"{int(recent['agrees'].sum())} of {len(recent)} comparisons")
    assert f"{len(table) - len(recent)} more compare with figures over" in sentence


def claim(id_, value, qualifier="exact", **kw):
    row = {"id": id_, "claim_type": "fact", "subject": "Exports", "geo": "Pakistan", "partner": "China",
           "unit": "USD/yr", "value_low": value, "value_high": value, "qualifier": qualifier,
           "seed_file": f"{id_}.txt"}
    row.update(kw)
    return row


def test_disagreeing_claims_found_and_tolerance_respected():
    frame = pd.DataFrame([claim("a", 2e9), claim("b", 3e9), claim("c", 2.1e9, "approximate"),
                          claim("d", 9e9, "lower_bound"), claim("e", 3e9, geo="Iran")])
    pairs = overview.disagreeing_claims(frame, tolerance=0.1)
    found = {tuple(sorted(p)) for p in pairs[["claim_a", "claim_b"]].itertuples(index=False)}
    # a-c overlap (2.1 +/- 10% reaches 2.0); d (more than 9) disagrees with a, b, c; e is another place
    assert found == {("a", "b"), ("b", "c"), ("a", "d"), ("b", "d"), ("c", "d")}
    assert overview.disagreeing_claims(frame, tolerance=0.5).pipe(len) < len(pairs)


def test_shipped_register_disagreement_sentence_is_computed(inputs):
    claims = inputs[0]
    table = overview.disagreeing_claims(claims)
    sentence = overview.disagreement_sentence(table, claims)
    assert (table.empty and "No two of the" in sentence) or sentence.startswith(f"{len(table)} pair")


@pytest.mark.slow
@pytest.mark.parametrize("horizon", [10, 15])
def test_overview_notebook_runs_and_records_every_target(tmp_path, inputs, horizon):
    import papermill

    from helpers import outputs, paths

    out = tmp_path / "out"
    papermill.execute_notebook(str(paths.notebook("30_overview")), str(tmp_path / "o.ipynb"),
                               cwd=str(paths.NOTEBOOKS), progress_bar=False, kernel_name="python3",
                               parameters={"output_dir": str(out), "horizon_years": horizon})
    figures = outputs.read_key_figures(out)
    uz = overview.analyse_all(*inputs, horizon_years=horizon)
    expected = next(a for a in uz if a.claim["id"] == "pk-uz-trade-target").required.low
    assert figures["required_cagr_low:pk-uz-trade-target"].value == pytest.approx(expected)
    assert {"targets.csv", "claim_vs_official.csv", "disagreeing_claims.csv", "required_growth.csv"} <= {
        p.name for p in out.iterdir()}
