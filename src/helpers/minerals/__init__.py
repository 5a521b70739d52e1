"""Minerals: claimed reserves against yearly exports, export paths to the ambition, and the figures beside them.

* ``roles``: the register claims the report is about, found by topic, subject and claim type; the headline
  (exports a year as a share of the reserves).
* ``exports``: export paths from today's level to the ambition, counted year by year.
* ``figures``: the claims beside the reported figures linked to them, and the ratios between them.
* ``sections``: the report itself, section by section (the notebook ``20_minerals`` only calls these).
"""

from helpers.minerals.exports import (
    ExportPath,
    cumulative,
    define_paths,
    path_figures,
    path_levels,
    path_summary,
    paths_finding,
    paths_sentence,
    readable_paths,
    readable_yearly,
    yearly_table,
)
from helpers.minerals.figures import (
    PROJECT_GEO,
    YEARLY_KINDS,
    ambition_finding,
    compare_with_figures,
    comparison,
    figures_table,
    flow_bars,
    indicator_text,
    linked_figures,
    lower_first,
    period_text,
    project_figures,
    ratio_text,
    readable_comparisons,
)
from helpers.minerals.roles import (
    ROLES,
    FoundClaims,
    Headline,
    Role,
    check_years,
    find_claims,
    headline,
    matches,
    money_claim,
)
from helpers.minerals.sections import MineralsReport

__all__ = [
    "PROJECT_GEO", "ROLES", "YEARLY_KINDS", "ExportPath", "FoundClaims", "Headline", "MineralsReport", "Role",
    "ambition_finding", "check_years", "compare_with_figures", "comparison", "cumulative",
    "define_paths", "figures_table", "find_claims", "flow_bars", "headline", "indicator_text", "linked_figures",
    "lower_first", "matches", "money_claim", "path_figures", "path_levels", "path_summary", "paths_finding",
    "paths_sentence", "period_text", "project_figures", "ratio_text", "readable_comparisons", "readable_paths",
    "readable_yearly", "yearly_table",
]
