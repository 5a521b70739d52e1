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
# # Minerals and mining
# *The claimed reserves against the exports, three paths to the export ambition, and the sector's record.*
#
# The register holds a value for Pakistan's mineral resources, its current mineral exports, and an ambition
# for those exports. This report sets the stock against the flow, follows three export paths to the ambition,
# and places the claims beside reported figures on the sector and its largest projects.

# %% tags=["parameters"]
by_year: int = 2035  # year by which the cumulative share of reserves is measured (exports of by_year included)
base_year: int = 2026  # first year of exports counted (the year of the claims), counted in full
ramp_years: int = 10  # years to reach the export ambition (no year in the article: the target-gap default horizon)
claims_path: str = ""  # register CSV to read (empty: data/claims.csv)
output_dir: str = ""  # folder for CSV tables and key figures (empty: reports/lab/20_minerals)

# %%
from helpers import minerals, paths, readscope
from helpers.params import check_parameters

check_parameters(paths.notebook("20_minerals"), globals())
minerals.check_years(base_year, by_year, ramp_years)
report = minerals.MineralsReport.load(output_dir, claims_path)
readscope.minerals(claims_path)  # the batch re-runs this report only when claims of its topics change

# %% [markdown]
# ## The claims: a stock of reserves and a yearly flow of exports
#
# The register's claims on the value of the mineral resources, current mineral exports, the export ambition and
# the investment target, found by their topic and subject.

# %%
report.show_claims()

# %% [markdown]
# ## Today's exports as a share of the claimed reserves

# %%
report.show_headline()

# %% [markdown]
# ## Export paths to the ambition, and the share of the reserves they would export
#
# Three paths from today's exports: flat, and constant yearly growth to each end of the ambition, reached after
# `ramp_years` and held afterwards. Every year from `base_year` to `by_year` is counted, both included.

# %%
report.show_paths(base_year, by_year, ramp_years)

# %% [markdown]
# ## Context: the claims beside reported figures for the sector
#
# The claims beside the figures the claim-series mapping links to them (the latest point of each series), each
# with its publisher, period and confidence. Fiscal years run July to June.

# %%
report.show_context()

# %% [markdown]
# ## Projects: Reko Diq and Saindak beside the investment target

# %%
report.show_projects()
report.finish()
