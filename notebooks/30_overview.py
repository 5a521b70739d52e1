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
#         about_band:
#           maximum: 0.5
#           minimum: 0
#         base_year:
#           maximum: 2100
#           minimum: 1900
#         horizon_years:
#           maximum: 50
#           minimum: 1
#         tolerance:
#           maximum: 1
#           minimum: 0
#   title: Overview of all targets
# ---

# %% [markdown]
# # Overview of all targets
# *How fast each target must grow, how far it is from today, and which claims the record does not bear out.*

# %% tags=["parameters"]
from typing import Optional  # papermill --help-notebook reads Optional[int], not int | None

base_year: Optional[int] = None  # year each analysis starts (None: the year of each baseline figure)
horizon_years: int = 10  # years to a target when neither the article nor the data give a year
about_band: float = 0.1  # an "about" figure stands for this band either side (0.1: +/- 10%)
tolerance: float = 0.1  # how far an "about" claim may stray and still agree, as a fraction (0.1 is 10%)
claims_path: str = ""  # register CSV to read (empty: data/claims.csv)
output_dir: str = ""  # folder for CSV tables and key figures (empty: reports/lab/30_overview)

# %%
from pathlib import Path

from helpers import charts, context, fx, gap, overview, paths, readscope
from helpers import claims as register
from helpers.outputs import Report
from helpers.params import check_parameters

check_parameters(paths.notebook("30_overview"), globals())
claims, conversions = fx.claims_in_usd(register.load_claims(Path(claims_path) if claims_path else paths.CLAIMS),
                                       fx.load_rates())
figures = context.load_context()
mapping = context.load_claim_series(context=figures)
benchmarks = context.benchmark_growth(figures)
analyses = overview.analyse_all(claims, figures, mapping, benchmarks, base_year=base_year or None,
                                horizon_years=horizon_years, about_band=about_band)
readscope.overview(claims, analyses, mapping, claims_path)  # what the batch re-runs this report for
report = Report(output_dir, "30_overview")
report.say(register.conversion_sentence(conversions, claims))
report.say(gap.data_through())

# %% [markdown]
# ## How fast each target needs to grow, against its own record and the fastest episode of its own measure

# %%
growth = overview.growth_frame(analyses, benchmarks)
report.chart(charts.growth_bars(growth, overview.growth_title(analyses, benchmarks),
                                overview.source(analyses, claims, figures), claims))
report.table(growth, "required_growth", show=gap.comparison_view(growth))

# %% [markdown]
# ## Gaps: how far each target is from today

# %%
overview.record_key_figures(analyses, report)
report.table(overview.targets_table(analyses), "targets", show=overview.targets_view(analyses))

# %% [markdown]
# ## Claims against official and press-reported figures of the same measure (each with its standing)

# %%
official = overview.claim_vs_official(claims, figures, mapping, tolerance)
report.say(overview.official_sentence(official, tolerance))
overview.record_official_figures(official, report)
report.table(official, "claim_vs_official", show=overview.official_view(official))

# %% [markdown]
# ## Claims that disagree with each other

# %%
disagreements = overview.disagreeing_claims(claims, tolerance)
report.figure("disagreeing_pairs", "Pairs of claims that disagree", len(disagreements), "pairs")
report.say(overview.disagreement_sentence(disagreements, claims))
report.table(disagreements, "disagreeing_claims", show=overview.disagreement_view(disagreements, claims))
report.finish()
