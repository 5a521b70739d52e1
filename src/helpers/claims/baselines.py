"""Checks of the links between targets and their baselines (``baseline_id``).

A target's baseline is the claim that states the level the target starts from, so it must be another claim
(never the target itself, nor a chain that comes back to it), a statement of a level (a fact or an
estimate, not another target), and a figure of the same measure: the same subject, economy and partner,
in the same currency (or unit) and the same kind of flow (a yearly flow for a yearly target). A baseline
that breaks these rules would publish a wrong growth rate ("0% a year" for a self-reference).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from helpers import vocab
from helpers.errors import Problem

Row = tuple[int, Mapping[str, str]]


def _words(text: str) -> str:
    return " ".join(str(text or "").casefold().split())


def measure_mismatch(target: Mapping[str, str], other: Mapping[str, str], units: Mapping[str, vocab.Unit],
                     role: str = "baseline") -> tuple[str, str, str] | None:
    """(column, what differs, fix) when ``other`` (the target's ``role``: its baseline, or an earlier
    statement it restates) does not measure what ``target`` targets: another currency or unit, another kind
    of flow, economy, partner or subject."""
    t_unit, b_unit = target.get("unit", ""), other.get("unit", "")
    t_money, b_money = vocab.currency_of(t_unit, units), vocab.currency_of(b_unit, units)
    named = f"the {role} {other.get('id')}"
    if (t_money or vocab.base_unit(t_unit)) != (b_money or vocab.base_unit(b_unit)):
        return ("unit", f"{named} is in {b_unit!r}, the target in {t_unit!r}",
                f"link a {role} stated in the target's currency or unit (or correct one of the units)")
    if vocab.is_per_year(t_unit) != vocab.is_per_year(b_unit):
        kinds = {True: "a yearly flow", False: "a stock or one-off amount"}
        return ("unit", f"{named} is {kinds[vocab.is_per_year(b_unit)]} ({b_unit!r}), the "
                f"target {kinds[vocab.is_per_year(t_unit)]} ({t_unit!r})",
                f"link a {role} of the same kind (both per year, '/yr', or neither), or correct the unit")
    for column in ("geo", "partner"):
        if _words(target.get(column, "")) != _words(other.get(column, "")):
            return (column, f"{named} is about {column} {other.get(column)!r}, the target "
                    f"about {target.get(column)!r}",
                    f"link a {role} of the same {column}, or correct the {column} of one of them")
    if _words(target.get("subject", "")) != _words(other.get("subject", "")):
        return ("subject", f"{named} measures {other.get('subject')!r}, the target "
                f"{target.get('subject')!r}",
                f"link a {role} of the same measure, and write the same subject on both rows")
    return None


def rows_by_id(rows: Sequence[Row], others: Sequence[Row] = ()) -> dict[str, Mapping[str, str]]:
    """Each id's row among ``rows`` then ``others`` (the first row of an id counts)."""
    by_id: dict[str, Mapping[str, str]] = {}
    for _, row in [*rows, *others]:
        by_id.setdefault(row.get("id", ""), row)
    return by_id


def cycle_through(claim_id: str, first: str, column: str, by_id: Mapping[str, Mapping[str, str]]) -> list[str] | None:
    """The ids of the cycle that following ``column`` from ``claim_id`` (which names ``first``) comes back to
    ``claim_id`` by (``[claim_id, first, ..., claim_id]``), or None when the links end elsewhere."""
    chain, seen, step = [claim_id], {claim_id}, first
    while step and step in by_id and step not in seen:
        chain.append(step)
        seen.add(step)
        step = by_id[step].get(column, "")
    return [*chain, claim_id] if step == claim_id else None


def baseline_problems(rows: Sequence[Row], path: Path, units: Mapping[str, vocab.Unit],
                      others: Sequence[Row] = ()) -> list[Problem]:
    """Every problem with the ``baseline_id`` links of ``rows``: unknown ids, self-references, cycles, targets
    as baselines, and baselines of another measure. Rows are (spreadsheet row, cells); the first row of an id
    counts. ``others`` are rows a baseline may name but that are not checked (the register, when ``rows`` are
    candidates to append to it)."""
    f = str(path)
    by_id = rows_by_id(rows, others)
    problems: list[Problem] = []
    for number, row in rows:
        claim_id, base_id = row.get("id", ""), row.get("baseline_id", "")
        if not base_id:
            continue

        def add(column: str, message: str, fix: str, code: str, _n: int = number, _r=row) -> None:
            problems.append(Problem(f, _n, column, _r.get(column), message, fix, code))

        if base_id == claim_id:
            add("baseline_id", "a claim cannot be its own baseline (its growth would read 0% a year)",
                "name the claim that states the starting level, or leave baseline_id empty", "self-baseline")
            continue
        base = by_id.get(base_id)
        if base is None:
            add("baseline_id", "no claim has this id",
                "name the id of the claim that states the baseline, or leave it empty", "unknown-baseline")
            continue
        cycle = cycle_through(claim_id, base_id, "baseline_id", by_id)
        if cycle is not None:
            add("baseline_id", f"the baselines form a cycle ({' -> '.join(cycle)})",
                "a baseline states a starting level: empty baseline_id on the claim that is the baseline",
                "baseline-cycle")
            continue
        if base.get("claim_type") == "target":
            add("baseline_id", f"the baseline {base_id} is a target, not a statement of the current level",
                "name a fact or estimate that states the starting level, or leave baseline_id empty",
                "baseline-is-target")
            continue
        mismatch = measure_mismatch(row, base, units)
        if mismatch is not None:
            column, message, fix = mismatch
            problems.append(Problem(f, number, "baseline_id", base_id,
                                    f"the baseline measures something else ({column}): {message}", fix,
                                    "baseline-other-measure"))
    return problems
