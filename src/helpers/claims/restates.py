"""Restated targets: the checks of the ``restates`` links, and the detector that proposes links to review.

A target is often stated again in a later article (a minister repeats the trade goal, a new outlet reports it
with a new amount or year). The register links the later statement to the earlier one: ``restates`` on the
later row names the id of the earlier statement. A link must name another row (never itself, nor a chain that
comes back to it), both rows must be targets, both must measure the same thing (same subject, economy and
partner, same currency or unit, same kind of flow), and the statement it restates must not be dated after it.

The links are a reviewer's decision. ``likely_restatements`` proposes the ones nobody has made yet: targets of
different articles with the same economy and partner (in either order), the same currency and kind of flow,
and subjects that say the same in other words ("bilateral trade goal", "bilateral trade target"). A reviewer
who decides two targets are not the same writes "not a restatement of <id>" in the notes of either row, and
the proposal is not made again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from helpers import text, vocab
from helpers.claims.baselines import cycle_through, measure_mismatch, rows_by_id
from helpers.errors import Problem

Row = tuple[int, Mapping[str, str]]
COLUMN = "restates"
ROLE = "earlier statement"
#: Words that name a target rather than what it measures ("trade goal" and "trade target" are one measure).
GOAL_WORDS: frozenset[str] = frozenset({"target", "targets", "goal", "goals", "aim", "aims", "objective",
                                        "objectives", "ambition", "pledge", "plan", "planned", "envisaged"})
STOP_WORDS: frozenset[str] = frozenset({"the", "a", "an", "of", "to", "in", "for", "and", "by", "on", "with",
                                        "s", "its", "their", "new", "total", "annual", "yearly"})
#: Words that only repeat that a figure is between the two economies (compared on their own).
BILATERAL: frozenset[str] = frozenset({"bilateral", "between", "two", "way", "countries", "sides"})
#: Share of subject words two targets must have in common to be proposed as one measure.
SIMILAR_SUBJECTS = 0.6
NOT_SAME = re.compile(r"not a restatement of ([a-z0-9]+(?:-[a-z0-9]+)*)")


def _date_later(first: str, second: str) -> bool:
    """True when date ``first`` is after ``second`` at the precision both give ("2025" vs "2025-09-16": no)."""
    size = min(len(first), len(second))
    return bool(size) and first[:size] > second[:size]


def restates_problems(rows: Sequence[Row], path: Path, units: Mapping[str, vocab.Unit],
                      others: Sequence[Row] = ()) -> list[Problem]:
    """Every problem with the ``restates`` links of ``rows``: unknown ids, self-links and cycles, rows or
    statements that are not targets, statements of another measure, and statements dated after the row.
    ``others`` are rows a link may name but that are not checked (the register, for candidates)."""
    f = str(path)
    by_id = rows_by_id(rows, others)
    problems: list[Problem] = []
    for number, row in rows:
        claim_id, earlier_id = row.get("id", ""), row.get(COLUMN, "")
        if not earlier_id:
            continue

        def add(message: str, fix: str, code: str, _n: int = number, _v: str = earlier_id) -> None:
            problems.append(Problem(f, _n, COLUMN, _v, message, fix, code))

        if earlier_id == claim_id:
            add("a target cannot restate itself", "name the id of the earlier statement of the same target, or "
                "leave restates empty", "restates-self")
            continue
        earlier = by_id.get(earlier_id)
        if earlier is None:
            add("no claim has this id", "name the id of the earlier statement of the same target (a row of "
                "claims.csv), or leave restates empty", "restates-unknown")
            continue
        if row.get("claim_type") != "target":
            add(f"only a target restates a target, and {claim_id} is a {row.get('claim_type') or 'claim'}",
                "leave restates empty on facts and estimates (or correct claim_type to 'target')",
                "restates-from-non-target")
            continue
        cycle = cycle_through(claim_id, earlier_id, COLUMN, by_id)
        if cycle is not None:
            add(f"the restatements form a cycle ({' -> '.join(cycle)})",
                "the first statement of a target restates nothing: empty restates on the earliest row",
                "restates-cycle")
            continue
        if earlier.get("claim_type") != "target":
            add(f"{earlier_id} is a {earlier.get('claim_type') or 'claim'}, not a target",
                "name an earlier target of the same measure (a baseline fact goes in baseline_id), or leave "
                "restates empty", "restates-not-target")
            continue
        mismatch = measure_mismatch(row, earlier, units, role=ROLE)
        if mismatch is not None:
            column, message, fix = mismatch
            add(f"the earlier statement measures something else ({column}): {message}", fix,
                "restates-other-measure")
            continue
        mine, theirs = row.get("as_of", ""), earlier.get("as_of", "")
        if _date_later(theirs, mine):
            add(f"{earlier_id} is dated {theirs}, after this statement ({mine})",
                f"link the other way: set restates={claim_id} on {earlier_id} and empty it here (or correct "
                "as_of)", "restates-later")
    return problems


# ------------------------------------------------------------------------------------------------ detector


@dataclass(frozen=True)
class Proposal:
    """A likely restatement nobody has linked: ``claim`` (the later statement) may restate ``earlier``."""

    claim: str
    earlier: str
    similarity: float
    why: str

    def __str__(self) -> str:
        return (f"{self.claim} may restate {self.earlier} ({self.why}). If it does, set restates={self.earlier} "
                f"on {self.claim}; if not, write 'not a restatement of {self.earlier}' in its notes")


def subject_words(subject: str, drop: frozenset[str] = frozenset()) -> frozenset[str]:
    """What a subject measures, as words: lower case, without goal words, filler and the words in ``drop``
    ("Pakistan-Iran bilateral trade goal" -> {pakistan, iran, bilateral, trade})."""
    words = re.findall(r"[a-z0-9]+", str(subject or "").casefold().replace("’", "'"))
    return frozenset(w for w in words if w not in GOAL_WORDS and w not in STOP_WORDS and w not in drop)


def subject_similarity(a: str, b: str, drop: frozenset[str] = frozenset()) -> float:
    """Shared words over all words of two subjects (0 to 1; 1 when both say the same in the same words), not
    counting the words in ``drop`` (the economies, compared on their own)."""
    first, second = subject_words(a, drop), subject_words(b, drop)
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def _linked(rows: Sequence[Mapping[str, str]]) -> dict[str, str]:
    """Each id's first statement (the root of its chain of ``restates`` links)."""
    parent = {r.get("id", ""): r.get(COLUMN, "") for r in rows}
    roots: dict[str, str] = {}
    for claim_id in parent:
        step, seen = claim_id, set()
        while parent.get(step) and step not in seen:
            seen.add(step)
            step = parent[step]
        roots[claim_id] = step
    return roots


def _same_measure(a: Mapping[str, str], b: Mapping[str, str]) -> bool:
    def words(text: str) -> str:
        return " ".join(str(text or "").casefold().split())

    pair_a, pair_b = (words(a.get("geo")), words(a.get("partner"))), (words(b.get("geo")), words(b.get("partner")))
    if pair_a != pair_b and pair_a != pair_b[::-1]:
        return False
    unit_a, unit_b = a.get("unit", ""), b.get("unit", "")
    money_a, money_b = vocab.currency_of(unit_a), vocab.currency_of(unit_b)
    return ((money_a or vocab.base_unit(unit_a)) == (money_b or vocab.base_unit(unit_b))
            and vocab.is_per_year(unit_a) == vocab.is_per_year(unit_b))


def likely_restatements(rows: Sequence[Mapping[str, str]],
                        published: Mapping[str, str] | None = None) -> list[Proposal]:
    """Pairs of targets from different articles that look like one target stated twice and are not linked.

    ``rows`` are register rows (cells as text); ``published`` maps a seed file to its publication date
    (``data/articles.csv``) and orders two statements when their ``as_of`` dates do not. The later statement
    is proposed as restating the earlier one; a pair a reviewer marked "not a restatement of <id>" is skipped.
    """
    published = published or {}
    targets = [r for r in rows if r.get("claim_type") == "target" and r.get("id")]
    roots = _linked(targets)
    refused = {(r["id"], m) for r in targets for m in NOT_SAME.findall(r.get("notes", ""))}

    def when(row: Mapping[str, str]) -> str:
        return row.get("as_of") or published.get(row.get("seed_file", ""), "")

    found: list[Proposal] = []
    for i, a in enumerate(targets):
        for b in targets[i + 1:]:
            if a.get("seed_file") == b.get("seed_file") or roots[a["id"]] == roots[b["id"]]:
                continue
            if (a["id"], b["id"]) in refused or (b["id"], a["id"]) in refused or not _same_measure(a, b):
                continue
            places = " ".join(str(r.get(c) or "") for r in (a, b) for c in ("geo", "partner"))
            drop = subject_words(places) | BILATERAL
            similarity = subject_similarity(a.get("subject", ""), b.get("subject", ""), drop)
            if similarity < SIMILAR_SUBJECTS:
                continue
            earlier, later = (b, a) if _date_later(when(a), when(b)) else (a, b)
            unit = earlier.get("unit", "")
            currency = vocab.currency_of(unit)
            why = (f"both targets of {earlier.get('geo')}"
                   + (f" and {earlier.get('partner')}" if earlier.get("partner") else "")
                   + f" in {text.currency_label(currency) if currency else vocab.base_unit(unit)}"
                   + (text.A_YEAR if vocab.is_per_year(unit) else "")
                   + f", subjects {round(similarity * 100)}% the same words, in different articles")
            if (earlier.get("geo"), earlier.get("partner")) != (later.get("geo"), later.get("partner")):
                why += f" (geo and partner in the other order: write them as on {earlier['id']})"
            found.append(Proposal(later["id"], earlier["id"], similarity, why))
    return sorted(found, key=lambda p: (-p.similarity, p.claim, p.earlier))


def proposals_for(new: Sequence[Mapping[str, str]], register: Sequence[Mapping[str, str]],
                  published: Mapping[str, str] | None = None) -> list[Proposal]:
    """Likely restatements between candidate rows ``new`` (a new article's suggestions) and the register, or
    among the candidates: the links a reviewer should consider before appending them."""
    ids = {row.get("id", "") for row in new}
    return [p for p in likely_restatements([*register, *new], published) if p.claim in ids or p.earlier in ids]
