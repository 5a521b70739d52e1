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
#       - fix: give a target_year after base_year, or an earlier base_year
#         higher:
#         - target_year
#         - claim_id.horizon_year
#         lower: base_year
#         strict: true
#       - fix: give a target_year no earlier than the year the target was stated, or
#           none (the article's year)
#         higher: target_year
#         lower: claim_id.as_of
#         strict: false
#       properties:
#         about_band:
#           maximum: 0.5
#           minimum: 0
#         base_year:
#           maximum: 2100
#           minimum: 1900
#         baseline_override:
#           exclusiveMinimum: 0
#         claim_id:
#           claim: target
#         horizon_years:
#           maximum: 50
#           minimum: 1
#         scenario_rates:
#           items:
#             exclusiveMaximum: 2
#             exclusiveMinimum: -0.5
#           minItems: 1
#         target_year:
#           maximum: 2100
#           minimum: 1900
#   title: Target gap
# ---

# %% [markdown]
# # Target gap
# *How far is the target, and has such growth ever been achieved?*

# %% tags=["parameters"]
from typing import Optional  # papermill --help-notebook reads Optional[int], not int | None

claim_id: str = "pk-cn-exports-2035-target"  # id of a target claim in the register
base_year: Optional[int] = None  # year the analysis starts (None: the year of the baseline figure)
target_year: Optional[int] = None  # year the target is to be met (None: the article's, else the data's, else assumed)
scenario_rates: list[float] = [0.05, 0.1, 0.2]  # growth scenarios, fractions a year (0.1 is 10% a year)
baseline_override: Optional[float] = None  # baseline in the claim's unit, US$ (None: from the claims or context data)
horizon_years: int = 10  # years to the target when neither the article nor the data give a year
about_band: float = 0.1  # an "about" figure stands for this band either side (0.1: +/- 10%)
claims_path: str = ""  # register CSV to read (empty: data/claims.csv)
output_dir: str = ""  # folder for CSV tables and key figures (empty: reports/lab/10_target_gap)

# %%
from pathlib import Path

from helpers import charts, context, fx, gap, paths, readscope
from helpers import claims as register
from helpers.outputs import Report
from helpers.params import check_parameters

check_parameters(paths.notebook("10_target_gap"), globals())
claims, conversions = fx.claims_in_usd(register.load_claims(Path(claims_path) if claims_path else paths.CLAIMS),
                                       fx.load_rates())
figures = context.load_context()
mapping = context.load_claim_series(context=figures)
analysis = gap.analyse_target(claims, figures, mapping, context.benchmark_growth(figures), claim_id,
                              base_year=base_year or None, target_year=target_year or None,
                              baseline_override=baseline_override or None,
                              scenario_rates=scenario_rates, horizon_years=horizon_years, about_band=about_band)
readscope.target_gap(analysis, claims_path, claims)  # the batch re-runs this report only when these rows change
report = Report(output_dir, "10_target_gap", f"10_target_gap-{claim_id}")

# %% [markdown]
# ## Verdict

# %%
report.say(gap.verdict(analysis))
report.say(gap.data_through(analysis))
used_conversions = conversions.loc[conversions["claim"].isin(analysis.claim_ids)]
if not used_conversions.empty:
    report.say(register.conversion_sentence(used_conversions, claims))
    report.table(used_conversions, "currency_conversions", show=register.conversions_view(used_conversions, claims))
report.table(register.readable_table(claims.loc[claims["id"].isin(analysis.claim_ids)]).reset_index(), "claims_used")

# %% [markdown]
# ## The target over time: every article that stated it

# %%
from helpers import restatements

restated = restatements.report_section(claim_id, claims_path)
report.say(restated.sentence)
report.table(restated.table, "restatements", show=restated.view, caption=restated.caption)

# %% [markdown]
# ## Baseline, target and the gap between them

# %%
gap.record_key_figures(analysis, report)
report.table(gap.gap_table(analysis), "gap", show=gap.gap_view(analysis))
report.table(gap.candidates_view(analysis.range), "baselines")
report.chart(charts.target_gap_chart(analysis, claims, figures))
for note in gap.notes_view(analysis):
    report.say(note)

# %% [markdown]
# ## First checks: the target against the totals it belongs to

# %%
checks = gap.economist_checks(analysis)
report.say(gap.why_empty(analysis, "first_checks"))
report.table(gap.checks_view(checks), "first_checks")

# %% [markdown]
# ## Scenarios: where each growth rate leads

# %%
report.say(gap.why_empty(analysis, "scenarios"))
report.table(gap.scenario_table(analysis), "scenarios", show=gap.scenario_view(analysis))

# %% [markdown]
# ## Has such growth ever been achieved? The series' own record and episodes of the same measure

# %%
report.say(gap.why_empty(analysis, "record"))
comparison = gap.comparison_frame(analysis)
report.table(comparison, "growth_comparison", show=gap.comparison_view(comparison))
report.table(analysis.benchmarks.drop(columns=["indicator"]), "benchmarks",
             show=gap.benchmark_view(analysis.benchmarks))
report.table(gap.history_table(analysis), "history", show=gap.history_view(analysis))
report.chart(charts.growth_bars(comparison, gap.comparison_title(analysis),
                                charts.source_line(claims.loc[claims["id"].isin(analysis.claim_ids)],
                                                   figures.loc[figures["id"].isin(analysis.context_ids)]),
                                claims))
gap.write_finding(analysis, report.dir)
report.finish()
