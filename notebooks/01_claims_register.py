# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: pakclaims,title
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (pakclaims)
#     language: python
#     name: python3
#   pakclaims:
#     parameter_schema:
#       properties:
#         topic:
#           pattern: ^[a-z0-9_-]*$
#   title: Claims register
# ---

# %% [markdown]
# # Claims register
# *Every number in the articles, traced to its words.*
#
# Each row is one quantitative claim from an article in `seeds/`, with its value in base units, its
# qualifier, and the verbatim quote that states it (checked against the article at its character offset).

# %% tags=["parameters"]
topic: str = ""  # show only claims of this topic, e.g. "trade" (empty: all topics)
claims_path: str = ""  # register CSV to read (empty: data/claims.csv)
output_dir: str = ""  # folder for CSV tables and key figures (empty: reports/lab/01_claims_register)

# %%
from pathlib import Path

from helpers import charts, context, fx, overview, paths, vocab
from helpers import claims as register
from helpers.outputs import Report
from helpers.params import check_parameters

check_parameters(paths.notebook("01_claims_register"), globals())
report = Report(output_dir, "01_claims_register")
register_file = Path(claims_path) if claims_path else paths.CLAIMS
coverage = register.check_inputs(register_file)
all_claims = register.load_claims(register_file)
claims = register.filter_topic(all_claims, topic)
exclusions = register.load_exclusions()
figures = context.load_context()
checked = overview.checked_facts(claims, figures, context.load_claim_series(context=figures))
for sentence in register.register_summary(claims, coverage, checked):
    report.summarise(sentence)  # what the page opens with; the sections below show the same in tables

# %% [markdown]
# ## The register, grouped by topic

# %%
n_claims = report.figure("claims", "Claims shown", len(claims), "claims", claims["id"])
n_targets = report.figure("targets", "Target claims shown", int(claims["claim_type"].eq("target").sum()),
                          "claims", claims.loc[claims["claim_type"].eq("target"), "id"])
report.say(f"{n_claims:.0f} claims from {claims['seed_file'].nunique()} articles"
           f"{' on ' + topic if topic else ''}; {n_targets:.0f} of them are targets.")
report.table(claims.drop(columns=["per_year", "base_unit"]), "claims", show=register.readable_table(claims))

# %% [markdown]
# ## How large are the claimed amounts?

# %%
usd_claims, conversions = fx.claims_in_usd(claims, fx.load_rates())
money = usd_claims.loc[claims["unit"].map(vocab.is_money)]
if money.empty:
    report.say("No money claims for this selection, so there is no magnitude chart.")
else:
    report.chart(charts.magnitude_chart(money))
report.say(register.conversion_sentence(conversions, claims))
report.table(conversions, "currency_conversions", show=register.conversions_view(conversions, claims))

# %% [markdown]
# ## Coverage: every number in every article is a claim or an explained exclusion

# %%
summary = register.coverage_summary(coverage)
report.figure("quantities_found", "Quantities the parser finds in the articles", len(coverage), "quantities")
report.figure("uncovered", "Quantities neither claimed nor excluded",
              int(coverage["status"].eq("uncovered").sum()), "quantities")
report.say(f"The parser finds {len(coverage)} quantities in {coverage['seed_file'].nunique()} articles: "
           f"{int(coverage['status'].eq('claim').sum())} are claims, "
           f"{int(coverage['status'].eq('excluded').sum())} are excluded with a reason, "
           f"{int(coverage['status'].eq('uncovered').sum())} are unaccounted for.")
report.table(summary, "coverage_by_seed", show=register.coverage_summary_view(summary))
report.table(coverage, "coverage", show=register.coverage_view(coverage, all_claims))

# %% [markdown]
# ## Exclusions: numbers that are not claims, and why

# %%
report.table(exclusions, "exclusions", show=register.exclusions_view(exclusions, all_claims))
report.finish()
