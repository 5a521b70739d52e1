"""Coverage: every quantity the parser finds in the articles is a register claim or an explained exclusion."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from helpers import paths
from helpers.claims.rows import read_seed, same
from helpers.errors import CoverageError, Problem

COVERAGE_COLUMNS: list[str] = ["seed_file", "offset", "text", "kind", "value", "unit", "status", "covered_by",
                               "reason"]


def coverage(claims: pd.DataFrame, exclusions: pd.DataFrame, seeds_dir: Path = paths.SEEDS,
             seed_files: Iterable[str] | None = None) -> pd.DataFrame:
    """Every quantity the parser finds in the seeds, with the claim or exclusion that accounts for it.

    A quantity is covered by a claim when it lies inside the claim's quote and states the claim's value
    (or a range bound) or its horizon year, and by an exclusion at the same seed, offset and text.
    ``status`` is ``claim``, ``excluded`` or ``uncovered``.
    """
    from helpers.quantities import find_quantities

    names = sorted(seed_files) if seed_files is not None else sorted(p.name for p in Path(seeds_dir).glob("*.txt"))
    rows = []
    for name in names:
        text = read_seed(name, seeds_dir)
        seed_claims = claims.loc[claims["seed_file"].eq(name)]
        seed_excl = exclusions.loc[exclusions["seed_file"].eq(name)]
        excluded = {(int(r.offset), r.text): r for r in seed_excl.itertuples()}
        for q in find_quantities(text):
            status, by, reason = "uncovered", "", ""
            for claim in seed_claims.itertuples():
                inside = claim.offset <= q.start and q.end <= claim.offset + len(claim.quote)
                values = (claim.value_low, claim.value_high)
                horizon = q.kind == "year" and not pd.isna(claim.horizon_year) and same(q.value, claim.horizon_year)
                if inside and (horizon or any(same(v, q.low) or same(v, q.high) for v in values)):
                    status, by = "claim", claim.id
                    break
            if status == "uncovered" and (q.start, q.text) in excluded:
                hit = excluded[(q.start, q.text)]
                status, by, reason = "excluded", hit.kind, hit.reason
            rows.append({"seed_file": name, "offset": q.start, "text": q.text, "kind": q.kind,
                         "value": q.value, "unit": q.unit, "status": status, "covered_by": by, "reason": reason})
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)


def check_coverage(table: pd.DataFrame, exclusions: pd.DataFrame,
                   exclusions_path: Path = paths.EXCLUSIONS) -> None:
    """Raise CoverageError listing every uncovered quantity and every exclusion that matches nothing."""
    problems = [
        Problem(str(paths.SEEDS / r.seed_file), None, "offset", r.text,
                f"{r.kind} quantity at offset {r.offset} is neither a claim nor an exclusion",
                f"add a claim row to {paths.CLAIMS.name} (python -m helpers.claims suggest seeds/{r.seed_file}) "
                f"or an exclusion row to {Path(exclusions_path).name} with a reason", "uncovered")
        for r in table.loc[table["status"].eq("uncovered")].itertuples()
    ]
    used = {(r.seed_file, int(r.offset), r.text) for r in table.itertuples() if r.status == "excluded"}
    for number, r in enumerate(exclusions.itertuples(), start=2):
        if (r.seed_file, int(r.offset), r.text) not in used:
            problems.append(Problem(str(exclusions_path), number, "text", r.text,
                                    "the parser finds no quantity with this text at this offset (stale exclusion)",
                                    "delete the row, or correct text/offset to what the seed says", "stale-exclusion"))
    if problems:
        raise CoverageError(problems, f"coverage check failed with {len(problems)} problem(s)")


def coverage_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Quantities per seed by status (claim, excluded, uncovered), with a total row."""
    counts = (table.pivot_table(index="seed_file", columns="status", values="offset", aggfunc="count",
                                fill_value=0)
              .reindex(columns=["claim", "excluded", "uncovered"], fill_value=0))
    counts.loc["all seeds"] = counts.sum()
    return counts.reset_index().rename_axis(columns=None)
