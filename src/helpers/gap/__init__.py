"""Target-gap analysis: one target claim measured against its baselines, its history and the record.

* ``analysis``: ``analyse_target`` gathers everything a report needs for one target (baseline, target year,
  required growth with its qualifier, the series' own history, episodes of the same measure, scenarios).
* ``baselines``: every baseline the data support and the low, central and high required growth.
* ``verdict``: the sentence, the key figures and the finding (``finding.json``) every report reads.
* ``views``: tables and chart rows in words.

Every report (target gap, minerals, overview) calls ``analyse_target`` with the same defaults, so a target
reads the same on every page. The notebooks only call these.
"""

from helpers.gap.analysis import (
    DEFAULT_HORIZON_YEARS,
    Baseline,
    GapAnalysis,
    History,
    analyse_target,
    check_gap_parameters,
)
from helpers.gap.baselines import (
    DEFAULT_ABOUT_BAND,
    Candidate,
    RequiredRange,
    candidates_view,
    required_range,
    standing,
)
from helpers.gap.checks import checks_view, economist_checks, why_empty
from helpers.gap.verdict import (
    FINDING_FILE,
    answer,
    data_through,
    finding,
    key_figure_conflicts,
    rating,
    record_key_figures,
    required_figures,
    verdict,
    write_finding,
)
from helpers.gap.views import (
    GROWTH_COLUMNS,
    benchmark_rows,
    benchmark_view,
    comparison_frame,
    comparison_title,
    comparison_view,
    gap_table,
    gap_view,
    growth_rows,
    history_table,
    history_view,
    notes_view,
    required_text,
    scenario_table,
    scenario_view,
    subject_names,
    subject_of,
)

__all__ = [
    "DEFAULT_ABOUT_BAND", "DEFAULT_HORIZON_YEARS", "FINDING_FILE", "GROWTH_COLUMNS", "Baseline", "Candidate",
    "GapAnalysis", "History", "RequiredRange", "analyse_target", "answer", "benchmark_rows", "benchmark_view",
    "candidates_view", "check_gap_parameters", "checks_view", "comparison_frame", "comparison_title",
    "comparison_view", "data_through", "economist_checks", "finding", "gap_table", "gap_view", "growth_rows",
    "history_table", "history_view", "key_figure_conflicts", "notes_view", "rating", "record_key_figures",
    "required_figures", "required_range", "required_text", "scenario_table", "scenario_view", "standing",
    "subject_names", "subject_of", "verdict", "why_empty",
    "write_finding",
]
