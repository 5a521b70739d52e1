"""What each analysis uses of the register, declared to :mod:`helpers.reads` (one call per notebook).

The batch re-runs a report when something it used changed; these functions say, for the notebooks of the
plan, which register rows and columns their analyses depend on. Each is a promise checked by the tests of
the batch: the analysis looks at nothing else of the register. Outside a batch kernel they do nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from helpers import paths, reads

#: The columns the overview scans in every row: which claims are targets, and the measure that pairs claims.
MEASURE_COLUMNS = ("claim_type", "subject", "geo", "partner", "unit")
#: Also scanned by the overview: the date that picks the exchange rate of each converted amount.
RATE_COLUMNS = ("as_of",)


def _path(claims_path: str | Path | None) -> Path:
    return Path(claims_path) if claims_path else paths.CLAIMS


def restatement_chain(claims: Any, claim_id: str, column: str = "restates") -> set[str]:
    """The target and every claim linked to it through ``restates`` (either way): the statements of one target."""
    if column not in getattr(claims, "columns", ()):
        return {claim_id}
    links = [(str(a), str(b)) for a, b in zip(claims["id"], claims[column].fillna(""), strict=True) if str(b)]
    chain, grown = {claim_id}, True
    while grown:
        grown = False
        for a, b in links:
            if (a in chain) != (b in chain):
                chain.update((a, b))
                grown = True
    return chain


def target_gap(analysis: Any, claims_path: str | Path | None = None, claims: Any = None) -> None:
    """A target-gap report uses its target claim, the claims its baseline comes from, and the statements of
    the same target in other articles (rows linked by ``restates``, and any row that comes to restate one)."""
    path = _path(claims_path)
    chain = restatement_chain(claims, str(analysis.claim["id"])) if claims is not None else set()
    reads.rows(path, {*analysis.claim_ids, *chain})
    if chain:
        reads.where(path, restates=chain)


def overview(claims: Any, analyses: Iterable[Any], mapping: Any, claims_path: str | Path | None = None) -> None:
    """The overview: every row's type and measure (to find the targets and pair claims), the rows of each
    target's analysis, the claims mapped to a series of the same measure, and the claims paired by measure."""
    path = _path(claims_path)
    reads.columns(path, (*MEASURE_COLUMNS, *RATE_COLUMNS))
    ids = {i for a in analyses for i in a.claim_ids}
    ids.update(mapping.loc[mapping["relation"].eq("same_measure"), "claim_id"].astype(str))
    facts = claims.loc[claims["claim_type"].ne("target")]
    sizes = facts.groupby(list(MEASURE_COLUMNS[1:]))["id"].transform("size")
    ids.update(facts.loc[sizes.ge(2).fillna(False).astype(bool), "id"].astype(str))
    reads.rows(path, ids)


def minerals(claims_path: str | Path | None = None) -> None:
    """The minerals report finds its claims by topic (then subject and type): every row of those topics."""
    from helpers.minerals.roles import ROLES

    reads.where(_path(claims_path), topic=sorted({role.topic for role in ROLES}))
