"""The claims register: its schema, loading and validation, coverage, the input check and the append workflow.

* ``schema``: columns, claim types, qualifiers, the suggestion mark.
* ``rows`` / ``baselines``: checks of one row (cells, quote, unit) and of ``baseline_id`` links.
* ``restates``: checks of ``restates`` links between statements of one target, and likely links to review.
* ``register``: loading the register and its exclusions, the register as readers see it.
* ``views``: conversions, coverage and exclusions as readers see them (articles by outlet and date).
* ``coverage``: every number in every article is a claim or an explained exclusion.
* ``inputs``: ``check_inputs``, every data file checked before any notebook runs.
* ``append``: reviewed rows into the register, all or nothing.
* ``cli``: ``python -m helpers.claims check | suggest | append`` (imported only by ``__main__``).
"""

from helpers.claims.append import REVIEWED_NOTE, append_reviewed
from helpers.claims.coverage import check_coverage, coverage, coverage_summary
from helpers.claims.inputs import check_inputs, linked_claim_problems
from helpers.claims.register import (
    filter_topic,
    get_claim,
    load_claims,
    load_exclusions,
    readable_table,
    target_claim_ids,
    validate_register,
)
from helpers.claims.restates import Proposal, likely_restatements
from helpers.claims.rows import read_seed
from helpers.claims.schema import (
    CLAIM_TYPES,
    EXCLUSION_COLUMNS,
    OPTIONAL_COLUMNS,
    QUALIFIERS,
    REGISTER_COLUMNS,
    SUGGESTED_NOTE,
)
from helpers.claims.views import (
    article_words,
    conversion_sentence,
    conversions_view,
    coverage_summary_view,
    coverage_view,
    exclusions_view,
    named,
    register_summary,
)

__all__ = [
    "CLAIM_TYPES", "EXCLUSION_COLUMNS", "OPTIONAL_COLUMNS", "QUALIFIERS", "REGISTER_COLUMNS", "REVIEWED_NOTE",
    "SUGGESTED_NOTE", "Proposal", "append_reviewed", "article_words", "check_coverage", "check_inputs",
    "conversion_sentence", "conversions_view", "coverage", "coverage_summary", "coverage_summary_view",
    "coverage_view", "exclusions_view", "filter_topic", "get_claim", "likely_restatements", "linked_claim_problems",
    "load_claims", "load_exclusions", "named", "read_seed", "readable_table", "register_summary", "target_claim_ids",
    "validate_register",
]
