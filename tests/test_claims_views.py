"""The register's tables as readers see them: articles by outlet and date, claims by subject, ids last; and
the two sentences the register's page opens with."""

from __future__ import annotations

import pandas as pd

from helpers import claims, context, fx, overview, sources


def _no_ids(view: pd.DataFrame, ids: set[str]) -> list[str]:
    return [f"{c}: {v}" for c in view.columns if c != "ids" for v in view[c].astype(str) if any(i in v for i in ids)]


def test_coverage_exclusions_and_conversions_name_articles_and_claims_not_files_or_ids():
    register = claims.load_claims()
    exclusions = claims.load_exclusions()
    table = claims.coverage(register, exclusions)
    ids = set(register["id"]) | set(register["seed_file"]) | set(exclusions["seed_file"])
    summary = claims.coverage_summary(table)
    usd, conversions = fx.claims_in_usd(register, fx.load_rates())
    views = [claims.coverage_view(table, register), claims.coverage_summary_view(summary),
             claims.exclusions_view(exclusions, register), claims.conversions_view(conversions, register)]
    for view in views:
        assert _no_ids(view, ids) == [] and view.columns[-1] == "ids"
    seed = table["seed_file"].iloc[0]
    article = sources.seed_article({"seed_file": seed})
    assert claims.coverage_view(table, register)["article"].iloc[0] == f"{article.publisher}, {article.date}"
    assert claims.coverage_view(table, register)["ids"].iloc[0].startswith(seed)  # the trace keeps the file
    by_claim = claims.coverage_view(table, register).loc[table["status"].eq("claim").to_numpy()]
    assert by_claim["accounted for by"].str.contains(": ").all()  # "<subject>: <amount>"
    assert claims.coverage_summary_view(summary)["article"].iloc[-1] == "all articles"
    assert claims.named("restates claim pk-economy-2035-target", register) == \
        f"restates the claim on {claims.get_claim(register, 'pk-economy-2035-target')['subject']}"


def test_the_register_summary_counts_claims_checks_and_coverage():
    register = claims.load_claims()
    table = claims.coverage(register, claims.load_exclusions())
    figures = context.load_context()
    checked = overview.checked_facts(register, figures, context.load_claim_series(context=figures))
    targets = int(register["claim_type"].eq("target").sum())
    compared = set(overview.claim_vs_official(register, figures, context.load_claim_series(context=figures))["claim"])
    assert checked == len(compared - set(register.loc[register["claim_type"].eq("target"), "id"]))
    first, second = claims.register_summary(register, table, checked)
    assert first.startswith(f"The register holds {len(register)} claims from {register['seed_file'].nunique()} "
                            f"articles, {targets} of them targets; {targets + checked} of them are checked")
    assert second.startswith("Coverage: every number in every article is a claim or an explained exclusion.")
    assert f"finds {len(table)} quantities" in second
    owners = table.loc[table["status"].eq("claim"), "covered_by"].nunique()
    assert f"{int(table['status'].eq('claim').sum())} belong to {owners} claims" in second
    gap = table.copy()
    gap.loc[gap.index[0], "status"] = "uncovered"
    assert "1 number in the articles is neither a claim nor an explained exclusion yet" in \
        claims.register_summary(register, gap, checked)[1]
