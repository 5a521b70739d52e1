"""Reading data files: a missing file's fix says how to get that file back (git for shipped data, make suggest for
suggestions, which git never had)."""

from __future__ import annotations

from pathlib import Path

from helpers import paths
from helpers.datafiles import missing_fix, read_rows
from helpers.errors import Problem


def _missing(path: Path, what: str = "data file") -> Problem:
    problems: list[Problem] = []
    assert read_rows(path, ["id"], problems, what=what) == []
    (problem,) = problems
    assert problem.code == "missing-file" and problem.message == f"{what} not found"
    return problem


def test_a_missing_suggestion_file_is_written_again_by_make_suggest(tmp_path: Path):
    for name in ("005_dawn_exports-rise.candidates.csv", "005_dawn_exports-rise.exclusions.csv"):
        problem = _missing(tmp_path / "suggestions" / name, "candidates file")
        assert "run make suggest SEED=seeds/005_dawn_exports-rise.txt again" in problem.fix
        assert "not kept in git" in problem.fix and "git checkout" not in problem.fix


def test_any_file_under_suggestions_is_not_restored_from_git():
    fix = missing_fix(paths.ROOT / "suggestions" / "my-review.csv")
    assert "make suggest SEED=seeds/<article>.txt" in fix and "git checkout" not in fix


def test_a_missing_data_file_is_restored_from_git():
    problem = _missing(paths.ROOT / "data" / "no_such_table.csv")
    assert "git checkout -- data/no_such_table.csv" in problem.fix and "make suggest" not in problem.fix
    # the register's exclusions list is a data file, not a suggestion file
    assert "git checkout -- data/exclusions.csv" in missing_fix(paths.ROOT / "data" / "exclusions.csv")
