"""Restated targets in the register: every bad ``restates`` link refused with file, row, field, value and fix;
files without the column still read; the detector proposes unlinked restatements, in the right direction."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from restatekit import rows, write_register, write_world

from helpers import claims, paths
from helpers.claims.register import read_register_rows
from helpers.claims.restates import likely_restatements, subject_similarity, subject_words
from helpers.errors import RegisterError


def problems_of(tmp_path: Path, changes: dict[str, dict[str, str]]) -> list:
    register = rows()
    for row in register:
        row.update(changes.get(row["id"], {}))
    world = write_world(tmp_path, register)
    return claims.validate_register(world.claims, world.seeds, world.units)


def test_the_linked_world_is_valid(tmp_path):
    assert problems_of(tmp_path, {}) == []


# (name, changes, spreadsheet row, value named, code, words of the fix)
BAD_LINKS = [
    ("unknown-id", {"pk-ir-trade-2030": {"restates": "pk-ir-trade-2027"}}, 3, "pk-ir-trade-2027",
     "restates-unknown", "name the id of the earlier statement"),
    ("itself", {"pk-ir-trade-2030": {"restates": "pk-ir-trade-2030"}}, 3, "pk-ir-trade-2030", "restates-self",
     "leave restates empty"),
    ("cycle", {"pk-ir-trade-2028": {"restates": "pk-ir-trade-goal"}}, 2, "pk-ir-trade-goal", "restates-cycle",
     "empty restates on the earliest row"),
    ("earlier-not-a-target", {"pk-ir-trade-2028": {"claim_type": "fact"}}, 3, "pk-ir-trade-2028",
     "restates-not-target", "baseline_id"),
    ("row-not-a-target", {"pk-ir-trade-goal": {"claim_type": "estimate"}}, 4, "pk-ir-trade-2030",
     "restates-from-non-target", "leave restates empty on facts and estimates"),
    ("other-partner", {"pk-uz-trade-nation": {"restates": "pk-ir-trade-goal"}}, 6, "pk-ir-trade-goal",
     "restates-other-measure", "same partner"),
    ("other-geo", {"pk-ir-trade-2030": {"geo": "Iran", "partner": "Pakistan"}}, 3, "pk-ir-trade-2028",
     "restates-other-measure", "same geo"),
    ("other-kind-of-flow", {"pk-ir-trade-2028": {"unit": "USD"}}, 3, "pk-ir-trade-2028",
     "restates-other-measure", "both per year"),
    ("other-subject", {"pk-ir-trade-2030": {"subject": "Pakistan's exports to Iran"}}, 3, "pk-ir-trade-2028",
     "restates-other-measure", "write the same subject on both rows"),
    ("dated-later", {"pk-ir-trade-2028": {"as_of": "2025-10-01"}}, 3, "pk-ir-trade-2028", "restates-later",
     "set restates=pk-ir-trade-2030 on pk-ir-trade-2028"),
]


@pytest.mark.parametrize(("name", "changes", "row", "value", "code", "fix"), BAD_LINKS,
                         ids=[case[0] for case in BAD_LINKS])
def test_each_bad_link_names_file_row_field_value_and_fix(tmp_path, name, changes, row, value, code, fix):
    found = problems_of(tmp_path, changes)
    hits = [p for p in found if p.code == code]
    assert hits, f"{name}: expected {code}, got {found}"
    problem = hits[0]
    assert (Path(problem.file).name, problem.row, problem.field, problem.value) == ("claims.csv", row, "restates",
                                                                                    value)
    words = str(problem)
    assert f"claims.csv, row {row}, column 'restates'" in words and repr(value) in words
    assert "Fix:" in words and fix in words and f"[{code}]" in words


def test_a_bad_link_stops_the_register_from_loading(tmp_path):
    world = write_world(tmp_path)
    register = rows()
    register[1]["restates"] = "no-such-claim"
    write_register(world.claims, register)
    with pytest.raises(RegisterError) as caught:
        claims.load_claims(world.claims, world.seeds)
    assert caught.value.exit_code == 2 and "no-such-claim" in str(caught.value)


def test_a_register_without_the_column_still_reads(tmp_path):
    world = write_world(tmp_path)
    older = [name for name in claims.REGISTER_COLUMNS if name not in claims.OPTIONAL_COLUMNS]
    write_register(world.claims, [{**r, "restates": ""} for r in rows()], older)
    assert "restates" not in world.claims.read_text(encoding="utf-8").splitlines()[0]
    frame = claims.load_claims(world.claims, world.seeds)
    assert frame["restates"].eq("").all() and len(frame) == len(rows())


def test_an_unknown_column_is_still_refused(tmp_path):
    world = write_world(tmp_path)
    write_register(world.claims, rows(), [*claims.REGISTER_COLUMNS, "restated_by"])
    found = claims.validate_register(world.claims, world.seeds, world.units)
    assert [(p.code, p.field) for p in found] == [("extra-column", "restated_by")]


def test_candidates_may_restate_a_register_row(tmp_path):
    world = write_world(tmp_path)
    register, later = rows()[:1], rows()[1]
    write_register(world.claims, register)
    candidates = write_register(tmp_path / "new.candidates.csv", [later])
    problems: list = []
    new = read_register_rows(candidates, problems)
    existing = read_register_rows(world.claims, problems)
    found = claims.register.validate_rows(new, candidates, world.seeds, claims.register.units_or_problems(
        paths.UNITS, problems), others=existing)
    assert found == [] and problems == []


def test_the_shipped_register_links_no_restatement():
    # the seed articles state each target once (the Iran goal in one article, the Uzbekistan target in another)
    frame = claims.load_claims()
    assert frame["restates"].eq("").all()


# --- the detector -------------------------------------------------------------------------------------------


def test_subject_words_leave_out_goal_words():
    assert subject_words("Pakistan-Iran bilateral trade goal") == {"pakistan", "iran", "bilateral", "trade"}
    assert subject_similarity("Pakistan-Iran bilateral trade goal", "Pakistan-Iran bilateral trade target") == 1
    assert subject_similarity("Pakistan's exports to China", "Pakistan's mineral exports") < 0.6
    assert subject_similarity("", "trade") == 0


def test_the_detector_proposes_the_later_statement_as_the_restatement():
    (proposal,) = likely_restatements(rows())
    assert (proposal.claim, proposal.earlier) == ("pk-uz-trade-nation", "pk-uz-trade-app")
    words = str(proposal)
    assert "set restates=pk-uz-trade-app on pk-uz-trade-nation" in words
    assert "not a restatement of pk-uz-trade-app" in words and "US$ a year" in words


def test_the_detector_orders_by_publication_when_the_claims_are_undated():
    register = [{**r, "as_of": ""} for r in rows()]
    published = {"104_app.txt": "2026-02-01", "105_nation.txt": "2025-11-20"}
    (proposal,) = likely_restatements(register, published)
    assert (proposal.claim, proposal.earlier) == ("pk-uz-trade-app", "pk-uz-trade-nation")


def test_linked_refused_and_same_article_pairs_are_not_proposed():
    register = rows()
    register[4]["restates"] = "pk-uz-trade-app"
    assert likely_restatements(register) == []
    register[4]["restates"] = ""
    register[4]["notes"] = "reviewed; not a restatement of pk-uz-trade-app (another agreement)"
    assert likely_restatements(register) == []
    register[4]["notes"] = ""
    register[4]["seed_file"] = register[3]["seed_file"]
    assert likely_restatements(register) == []


def test_the_detector_needs_the_same_measure():
    register = rows()[3:]
    register[1]["unit"] = "USD"
    assert likely_restatements(register) == []
    register = rows()[3:]
    register[1]["partner"] = "Iran"
    assert likely_restatements(register) == []
    register = rows()[3:]
    register[1].update(geo="Uzbekistan", partner="Pakistan")
    (proposal,) = likely_restatements(register)
    assert "in the other order: write them as on pk-uz-trade-app" in proposal.why


def test_facts_are_never_proposed():
    register = rows()[3:]
    register[0]["claim_type"] = "fact"
    assert likely_restatements(register) == []


def test_a_new_articles_candidates_get_their_likely_restatements():
    register, new = rows()[:4], rows()[4:]
    new[0]["notes"] = "suggested; review"
    (proposal,) = claims.restates.proposals_for(new, register)
    assert (proposal.claim, proposal.earlier) == ("pk-uz-trade-nation", "pk-uz-trade-app")
    assert claims.restates.proposals_for(rows()[:1], rows()[3:4]) == []


@pytest.mark.slow
def test_make_check_lists_likely_restatements(tmp_path):
    data, seeds = tmp_path / "data", tmp_path / "seeds"
    shutil.copytree(paths.DATA, data)
    shutil.copytree(paths.SEEDS, seeds)
    env = {**os.environ, "PAKCLAIMS_DATA": str(data), "PAKCLAIMS_SEEDS": str(seeds)}

    def check() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "helpers.claims", "check"], cwd=paths.ROOT, env=env,
                              capture_output=True, text=True, timeout=120)

    first = check()
    assert first.returncode == 0 and "no unlinked restatement of a target found" in first.stdout
    with open(data / "claims.csv", encoding="utf-8", newline="") as handle:
        register = list(csv.DictReader(handle))
    iran = next(r for r in register if r["id"] == "pk-ir-trade-target")
    iran.update(partner="Uzbekistan", subject="Pakistan-Uzbekistan bilateral trade goal")
    write_register(data / "claims.csv", register)
    second = check()
    assert second.returncode == 0, second.stderr
    assert "1 possible restatement(s) of a target to review:" in second.stdout
    assert "pk-ir-trade-target may restate pk-uz-trade-target" in second.stdout
    iran["restates"] = "pk-uz-trade-target"
    iran["subject"] = next(r for r in register if r["id"] == "pk-uz-trade-target")["subject"]
    write_register(data / "claims.csv", register)
    third = check()
    assert third.returncode == 0 and "no unlinked restatement" in third.stdout, third.stderr


def test_subjects_are_compared_without_the_economies():
    register = rows()[3:]
    register[0]["subject"] = "Trade (Pakistan, Uzbekistan)"
    register[1]["subject"] = "Pakistan-Uzbekistan bilateral trade target"
    (proposal,) = likely_restatements(register)
    assert proposal.similarity == 1
    register[1]["subject"] = "Barter trade"  # a part of trade, not the same measure
    assert likely_restatements(register) == []
