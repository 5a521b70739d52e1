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
#       order:
#       - fix: give a by_year of base_year or later, or an earlier base_year
#         higher: by_year
#         lower: base_year
#         strict: false
#       properties:
#         base_year:
#           maximum: 2100
#           minimum: 2000
#         by_year:
#           maximum: 2100
#           minimum: 2000
#         ramp_years:
#           maximum: 50
#           minimum: 1
#   title: Minerals and mining
# ---

# %% [markdown]
# # Minerals: claimed reserves against exports, the export ambition, and the record
#
# The register holds a value for Pakistan's mineral resources, its current mineral exports, and an ambition
# for those exports. This report sets the stock against the flow, follows three export paths to the ambition,
# and places the claims beside reported figures on the sector and its largest projects.

# %% tags=["parameters"]
by_year: int = 2035  # year by which the cumulative share of reserves is measured (exports of by_year included)
base_year: int = 2026  # first year of exports counted (the year of the claims), counted in full
ramp_years: int = 9  # years to reach the export ambition (the article gives no year; 9 reaches it by 2035)
claims_path: str = ""  # register CSV to read (empty: data/claims.csv)
output_dir: str = ""  # folder for CSV tables and key figures (empty: reports/lab/20_minerals)

# %%
from pathlib import Path

from helpers import charts, fmt, minerals, paths
from helpers import claims as register
from helpers import context as ctx
from helpers.outputs import Report
from helpers.params import check_parameters

check_parameters(paths.notebook("20_minerals"), globals())
minerals.check_years(base_year, by_year, ramp_years)
report = Report(output_dir, "20_minerals")
claims = register.load_claims(Path(claims_path) if claims_path else paths.CLAIMS)
figures = ctx.load_context()
mapping = ctx.load_claim_series(context=figures)
used = claims.loc[claims["id"].isin(minerals.MINERAL_CLAIMS)]
reserves = register.get_claim(claims, minerals.RESERVES)
exports = register.get_claim(claims, minerals.EXPORTS)
target = register.get_claim(claims, minerals.EXPORTS_TARGET)
investment = register.get_claim(claims, minerals.INVESTMENT_TARGET)

# %% [markdown]
# ## The claims: a stock of reserves and a yearly flow of exports

# %%
report.table(used.drop(columns=["per_year", "base_unit"]), "mineral_claims", show=register.readable_table(used))

# %% [markdown]
# ## Today's exports as a share of the claimed reserves

# %%
top = minerals.headline(claims)
share = report.figure("exports_share_of_reserves_per_year", "Exports a year as a share of the claimed reserves",
                      top.share_per_year, "fraction/yr", top.claim_ids)
years = report.figure("years_to_export_reserves", "Years at the current export pace to export the reserves' value",
                      top.years_to_export, "years", top.claim_ids)
report.say(f"The claimed reserves are worth {minerals.claim_text(reserves)} (a stock, valued in the ground); mineral "
           f"exports are {minerals.claim_text(exports)} (a yearly flow). One year of exports equals "
           f"{minerals.share_text(share)} of the reserves' claimed value; at that pace, exports would add up to "
           f"that value after {years:,.0f} years. This compares scale only: exported minerals are valued at "
           "their export price, reserves at whatever price the speaker assumed.")

# %% [markdown]
# ## Export paths to the ambition, and the share of the reserves they would export
#
# Three paths from today's exports: flat, and constant yearly growth to each end of the ambition, reached after
# `ramp_years` and held afterwards. Every year from `base_year` to `by_year` is counted, both included.

# %%
export_paths = minerals.define_paths(claims, base_year, ramp_years)
levels = minerals.path_levels(export_paths, base_year, by_year)
summary = minerals.path_summary(export_paths, levels, top.reserves)
for item in minerals.path_figures(export_paths, summary):
    report.figure(**item)
report.say(minerals.paths_sentence(summary))
report.table(summary, "export_paths", show=minerals.readable_paths(summary))
report.chart(charts.cumulative_paths_chart(
    minerals.cumulative(levels), {p.key: p.label for p in export_paths}, top.reserves,
    minerals.paths_finding(summary),
    f"Cumulative mineral exports {base_year}-{by_year} by path, US$ (left) and as a share of the claimed "
    f"{fmt.amount(top.reserves)} of reserves (right); ramps reach the ambition in {base_year + ramp_years}",
    used.loc[used["id"].isin([minerals.RESERVES, minerals.EXPORTS, minerals.EXPORTS_TARGET])]))
yearly = minerals.yearly_table(export_paths, levels, top.reserves)
report.table(yearly, "export_paths_by_year", show=minerals.readable_yearly(yearly))

# %% [markdown]
# ## Context: the claims beside reported figures for the sector
#
# The claims beside the figures the claim-series mapping links to them (the latest point of each series), each
# with its publisher, period and confidence. Fiscal years run July to June.

# %%
linked = minerals.linked_figures(figures, mapping)
table = minerals.figures_table(claims, linked)
report.table(table, "claims_and_figures", show=table.drop(columns=["value", "unit"]))
comparisons = minerals.compare_with_figures(claims, linked)
report.table(comparisons, "comparisons", show=minerals.readable_comparisons(comparisons))

# %%
output = minerals.comparison(comparisons, minerals.EXPORTS_TARGET, "pk_mineral_output_wmd")
value_added = minerals.comparison(comparisons, minerals.EXPORTS_TARGET, "pk_mining_value_added_fy")
past = minerals.comparison(comparisons, minerals.EXPORTS, "pk_mineral_exports")
stock = minerals.comparison(comparisons, minerals.RESERVES, "pk_mineral_output_wmd")
report.figure("ambition_share_of_mineral_output_low", "Low end of the ambition as a share of mineral output",
              output["ratio_low"], "fraction", [minerals.EXPORTS_TARGET], [output["context_id"]])
report.figure("ambition_share_of_mineral_output_high", "High end of the ambition as a share of mineral output",
              output["ratio_high"], "fraction", [minerals.EXPORTS_TARGET], [output["context_id"]])
report.figure("ambition_share_of_mining_value_added_low",
              "Low end of the ambition as a share of mining and quarrying value added (fiscal year)",
              value_added["ratio_low"], "fraction", [minerals.EXPORTS_TARGET], [value_added["context_id"]])
report.figure("ambition_share_of_mining_value_added_high",
              "High end of the ambition as a share of mining and quarrying value added (fiscal year)",
              value_added["ratio_high"], "fraction", [minerals.EXPORTS_TARGET], [value_added["context_id"]])
report.figure("exports_multiple_of_earlier_exports", "Claimed exports as a multiple of the earlier reported figure",
              past["ratio_low"], "multiple", [minerals.EXPORTS], [past["context_id"]])
report.figure("reserves_years_of_mineral_output", "Claimed reserves in years of total mineral output",
              stock["ratio_low"], "years", [minerals.RESERVES], [stock["context_id"]])
report.say(f"The ambition of {minerals.claim_text(target)} is {minerals.ratio_text(output)} of the value of all "
           f"mineral output in {minerals.period_text(output)} ({fmt.amount(output['figure'])}, "
           f"{output['confidence']} confidence), and {minerals.ratio_text(value_added)} of mining and quarrying value "
           f"added in {minerals.period_text(value_added)} ({fmt.amount(value_added['figure'])}, "
           f"{value_added['confidence']} confidence). Today's claimed exports are {minerals.ratio_text(past)} the "
           f"figure reported for {minerals.period_text(past)} ({fmt.amount(past['figure'])}, {past['confidence']} "
           f"confidence). The claimed reserves are worth {minerals.ratio_text(stock)} the value of all mineral output "
           f"in {minerals.period_text(stock)}.")
bars = minerals.flow_bars(claims, linked)
report.chart(charts.flow_bars_chart(
    bars, minerals.ambition_finding(claims, comparisons, "pk_mineral_output_wmd"),
    "US$ a year: the claimed exports and the ambition beside reported figures for the sector",
    used.loc[used["id"].isin(bars["id"])], linked.loc[linked["id"].isin(bars["id"])].drop_duplicates("id")))

# %% [markdown]
# ## Projects: Reko Diq and Saindak beside the investment target

# %%
projects = minerals.project_figures(figures)
project_table = minerals.figures_table(claims, projects, claim_ids=())
report.table(project_table, "project_figures", show=project_table.drop(columns=["value", "unit"]))
cost = minerals.comparison(comparisons, minerals.INVESTMENT_TARGET, "reko_diq_total_cost")
report.figure("investment_target_multiple_of_reko_diq_cost", "Investment target as a multiple of Reko Diq's cost",
              cost["ratio_low"], "multiple", [minerals.INVESTMENT_TARGET], [cost["context_id"]])
report.say(f"The platform's aim to unlock {minerals.claim_text(investment)} of investment is "
           f"{minerals.ratio_text(cost)} the {minerals.indicator_text(cost)} ({fmt.amount(cost['figure'])}, "
           f"{minerals.period_text(cost)}, {cost['confidence']} confidence). The data hold {len(projects)} figures on "
           f"{projects['project'].nunique()} projects ({', '.join(projects['project'].unique())}), "
           f"{int(projects['confidence'].eq('low').sum())} of them of low confidence.")
report.finish()
