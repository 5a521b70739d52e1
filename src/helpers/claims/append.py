"""Appending reviewed rows to the register: the review guard, the checks, and an all-or-nothing write.

``suggest`` marks every candidate row "suggested; review" in its notes. A person reviews the rows in a
spreadsheet (corrects ids, subjects, types, units, countries; deletes rows that are not claims) and deletes
the mark from each row they checked. ``append`` refuses rows that still carry the mark unless the reviewer
passes ``reviewed=True`` (``--reviewed``, ``make append ... REVIEWED=1``): the statement that every row was
reviewed as it stands; the mark is then replaced by "reviewed as suggested", so the register keeps the trace.

Suggestion files are written for spreadsheets, with formula-like cells neutralised (``files.neutralise_cell``);
they are read back with ``files.restore_cell``, so a quote starting with "-" or "=" is appended as written.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from helpers import paths
from helpers.claims.inputs import check_inputs
from helpers.claims.register import (
    exclusion_problems,
    exclusion_rows,
    read_register_rows,
    units_or_problems,
    validate_rows,
)
from helpers.claims.schema import EXCLUSION_COLUMNS, REGISTER_COLUMNS, SUGGESTED_NOTE
from helpers.errors import InputError, Problem, RegisterError, ReviewError
from helpers.files import restore_cell, write_csvs

REVIEWED_NOTE = "reviewed as suggested"


def unreviewed(rows: list[tuple[int, dict[str, str]]], candidates: Path) -> list[Problem]:
    """A problem for every candidate row still marked as a suggestion."""
    command = f"make append CANDIDATES={paths.shown(candidates)} ... REVIEWED=1"
    return [Problem(str(candidates), number, "notes", row.get("notes"),
                    f"row {row.get('id') or '(no id)'} is still marked '{SUGGESTED_NOTE}': nobody has said it was "
                    "reviewed",
                    "check the row against its quote (id, claim_type, subject, geo and partner, unit: a trade target "
                    f"is usually USD/yr), correct it, and delete '{SUGGESTED_NOTE}' from its notes; or, if you "
                    f"reviewed every row as it stands, append with --reviewed ({command})", "unreviewed")
            for number, row in rows if SUGGESTED_NOTE in row.get("notes", "")]


def mark_reviewed(notes: str) -> str:
    """Notes with the suggestion mark replaced by the reviewer's statement."""
    return notes.replace(SUGGESTED_NOTE, REVIEWED_NOTE)


def _renamed(error: InputError, names: dict[Path, Path]) -> InputError:
    """``error`` with the temporary files of a check named by the files they stand for."""
    def named(words: str) -> str:
        for temp, target in names.items():
            words = words.replace(str(temp), str(target)).replace(temp.name, target.name)
        return words

    problems = [dataclasses.replace(p, file=named(p.file), message=named(p.message), fix=named(p.fix))
                for p in error.problems]
    return type(error)(problems, f"after appending, the inputs have {len(problems)} problem(s); nothing was "
                                 "appended")


def append_reviewed(candidates: Path, exclusions: Path | None = None, claims_path: Path = paths.CLAIMS,
                    exclusions_path: Path = paths.EXCLUSIONS, seeds_dir: Path = paths.SEEDS, *,
                    reviewed: bool = False, units_path: Path = paths.UNITS,
                    articles_path: Path = paths.ARTICLES) -> tuple[list[str], int]:
    """Append reviewed candidate rows (and exclusions) to the register, only if everything then checks out.

    Refuses rows still marked as suggestions unless ``reviewed``. The candidates are validated on their own
    first, so problems name the candidates file and its rows; then the merged register, exclusions, coverage
    and every other input (the articles table ``articles_path`` included: each seed needs its row) are checked
    on temporary copies. The register files are replaced atomically, and not at all when
    anything fails. Returns (ids added, exclusions added).
    """
    candidates = Path(candidates)
    problems: list[Problem] = []
    units = units_or_problems(Path(units_path), problems)
    existing = read_register_rows(Path(claims_path), problems)
    new = read_register_rows(candidates, problems, restore=restore_cell)
    if problems:  # a file that cannot be read: nothing else is meaningful
        raise RegisterError(problems, f"{len(problems)} problem(s) reading the files; nothing was appended")
    if not reviewed and (marked := unreviewed(new, candidates)):
        raise ReviewError(marked, f"{candidates.name} has {len(marked)} row(s) not marked as reviewed; nothing "
                                  "was appended")
    for _, row in new:
        row["notes"] = mark_reviewed(row.get("notes", ""))
    problems.extend(validate_rows(new, candidates, seeds_dir, units, others=existing))
    taken = {row.get("id") for _, row in existing}
    for number, row in new:
        if row.get("id") in taken:
            problems.append(Problem(str(candidates), number, "id", row.get("id"), "the register already has this id",
                                    "give the candidate another id (or delete the row if it is the same claim)",
                                    "duplicate-id"))
    old_excl = exclusion_rows(Path(exclusions_path), problems)
    new_excl = exclusion_rows(Path(exclusions), problems, restore=restore_cell) if exclusions else []
    if exclusions:
        problems.extend(exclusion_problems(new_excl, Path(exclusions), seeds_dir))
    if problems:
        raise RegisterError(problems, f"{candidates.name} has {len(problems)} problem(s); nothing was appended")

    def frame(rows: list[tuple[int, dict[str, str]]], columns: list[str]) -> pd.DataFrame:
        return pd.DataFrame([row for _, row in rows], columns=columns).fillna("")

    merged = {Path(claims_path): frame([*existing, *new], REGISTER_COLUMNS),
              Path(exclusions_path): frame([*old_excl, *new_excl], EXCLUSION_COLUMNS)}

    def check(temps: dict[Path, Path]) -> None:
        try:
            check_inputs(temps[Path(claims_path)], temps[Path(exclusions_path)], seeds_dir, units_path,
                         articles_path=articles_path)
        except InputError as error:
            raise _renamed(error, {temp: target for target, temp in temps.items()}) from None

    # register files are curated data checked against the seeds: written as they are, not neutralised
    write_csvs(merged, for_people=False, check=check)
    return [row.get("id", "") for _, row in new], len(new_excl)
