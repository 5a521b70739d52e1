"""Re-run by row: a run depends on the register rows, columns and files its kernel read, nothing else.

The fast tests use an engine that starts no kernel and writes the reads.json a kernel would (the recorder
itself is tested in test_reads.py); the slow test runs the real notebooks on a copy of the real data.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from batchkit import ROOT, Project, fake_engine

from helpers.batch.outcome import ExecOutcome, ExecRequest
from helpers.reads import READS_FILE

PLAN = """\
runs:
  - {name: register, notebook: plain.ipynb}
  - {name: "target-{claim_id}", notebook: plain.ipynb, foreach: targets}
  - {name: overview, notebook: plain.ipynb}
"""


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


def targets_of(project: Project) -> Any:
    def expand() -> list[dict[str, Any]]:
        with open(project.data / "claims.csv", encoding="utf-8", newline="") as fh:
            return [{"claim_id": r["id"]} for r in csv.DictReader(fh) if r["claim_type"] == "target"]
    return expand


def reading_engine(project: Project) -> Any:
    """Like a kernel with the recorder: the register reads the file whole, a target its row, the overview
    the claim types of every row and the target rows."""
    claims = str((project.data / "claims.csv").resolve())

    async def engine(request: ExecRequest) -> ExecOutcome:
        name = request.output_dir.name.rsplit("-", 1)[0]
        narrowed: dict[str, Any] = {}
        if name.startswith("target-"):
            narrowed[claims] = {"rows": [name.removeprefix("target-")]}
        elif name == "overview":
            targets = [t["claim_id"] for t in targets_of(project)()]
            narrowed[claims] = {"rows": targets, "columns": ["claim_type"]}
        (request.output_dir / READS_FILE).write_text(json.dumps({"files": [claims], "narrowed": narrowed}))
        return await fake_engine(request)
    return engine


def run(project: Project, **kw: Any) -> dict[str, str]:
    summary, out, err = project.run(engine=reading_engine(project), expanders={"targets": targets_of(project)}, **kw)
    assert summary.exit_code == 0, out + err
    return {r.name: r.status for r in summary.results}


def edit(project: Project, rows: str) -> None:
    (project.data / "claims.csv").write_text("id,value,claim_type\n" + rows)


BASE = "C1,10,target\nC2,20,target\nC3,5,context\n"


def test_an_edit_no_analysis_reads_reruns_only_the_run_that_reads_the_whole_file(project: Project) -> None:
    project.write_plan(PLAN)
    assert set(run(project).values()) == {"ok"}
    record = project.manifest()["runs"]["target-C1"]
    assert record["reads"]["narrowed"] == {"data/claims.csv": {"rows": ["C1"], "columns": [], "where": []}}
    assert set(record["read_hashes"]) == {"rows:data/claims.csv"}
    assert not (project.reports / "runs" / "target-C1" / READS_FILE).exists()

    edit(project, "C1,10,target\nC2,20,target\nC3,6,context\n")  # a fact no analysis reads
    assert run(project) == {"register": "ok", "target-C1": "skipped", "target-C2": "skipped", "overview": "skipped"}
    assert run(project) == dict.fromkeys(["register", "target-C1", "target-C2", "overview"], "skipped")


def test_new_targets_rerun_the_register_the_overview_and_their_own_reports(project: Project) -> None:
    project.write_plan(PLAN)
    run(project)
    edit(project, BASE + "C4,40,target\nC5,50,target\n")
    assert run(project) == {"register": "ok", "target-C1": "skipped", "target-C2": "skipped",
                            "target-C4": "ok", "target-C5": "ok", "overview": "ok"}


def test_a_changed_row_reruns_the_runs_that_read_it_and_what_changed_names_it(project: Project) -> None:
    project.write_plan(PLAN)
    run(project)
    edit(project, "C1,10,target\nC2,25,target\nC3,5,context\n")
    dry, out, _ = project.run(dry_run=True, engine=reading_engine(project),
                              expanders={"targets": targets_of(project)})
    lines = {line.split()[1]: line for line in out.splitlines() if line.startswith(("run", "skip"))}
    assert lines["target-C1"].startswith("skip") and lines["target-C2"].startswith("run")
    assert "data/claims.csv row C2 changed" in lines["target-C2"]
    assert "data/claims.csv row C2 changed" in lines["overview"]
    assert run(project) == {"register": "ok", "target-C1": "skipped", "target-C2": "ok", "overview": "ok"}
    changes = project.manifest()["runs"]["target-C2"]["changes"]
    assert all(c["causes"] == ["data/claims.csv row C2 changed"] for c in changes)


def test_a_run_that_recorded_nothing_depends_on_every_data_file(project: Project) -> None:
    project.write_plan(PLAN)
    summary, _, _ = project.run(engine=fake_engine, expanders={"targets": targets_of(project)})
    assert project.manifest()["runs"]["target-C1"].get("reads") is None
    (project.data / "other.csv").write_text("id\nX\n")
    summary, _, _ = project.run(engine=fake_engine, expanders={"targets": targets_of(project)})
    assert {r.status for r in summary.results} == {"ok"}


# -- the real notebooks on a copy of the real data ------------------------------------------------------------

ARTICLE = ("Pakistan and Kenya agreed to lift bilateral trade to $3 billion a year. "
           "Officials also set a goal of $1 billion in exports to Kenya.\n")


def add_article(data: Path, seeds: Path) -> None:
    """A new article quoting two targets: its text in seeds/, its source in articles.csv, two register rows."""
    name = "900_added_article.txt"
    (seeds / name).write_text(ARTICLE, encoding="utf-8")
    quotes = {"pk-ke-trade-target": ("lift bilateral trade to $3 billion a year", "3000000000",
                                     "Pakistan-Kenya bilateral trade goal"),
              "pk-ke-exports-target": ("a goal of $1 billion in exports to Kenya", "1000000000",
                                       "Pakistan's exports to Kenya goal")}
    with open(data / "claims.csv", encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = list(reader.fieldnames or []), list(reader)
    for cid, (quote, value, subject) in quotes.items():
        rows.append({**dict.fromkeys(fields, ""), "id": cid, "topic": "trade", "claim_type": "target",
                     "subject": subject, "geo": "Pakistan", "partner": "Kenya", "value": value, "unit": "USD/yr",
                     "qualifier": "exact", "as_of": "2026-01-10", "seed_file": name,
                     "offset": str(ARTICLE.index(quote)), "quote": quote})
    with open(data / "claims.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    with open(data / "articles.csv", encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        afields, articles = list(reader.fieldnames or []), list(reader)
    articles.append({**dict.fromkeys(afields, ""), "seed_file": name, "outlet": "Test Wire",
                     "headline": "Pakistan and Kenya set trade goals", "published": "2026-01-10", "date_basis": "page",
                     "kind": "news", "language": "en", "url": "https://example.org/pk-ke", "retrieved": "2026-01-11",
                     "via": "pasted"})
    with open(data / "articles.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=afields)
        writer.writeheader()
        writer.writerows(articles)


def edit_fact_notes(data: Path) -> str:
    """Edit the notes of a fact no analysis reads (a singleton measure of another topic); returns its id."""
    with open(data / "claims.csv", encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = list(reader.fieldnames or []), list(reader)
    row = next(r for r in rows if r["id"] == "forum-participants")
    row["notes"] = (row["notes"] + "; checked again").lstrip("; ")
    with open(data / "claims.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return row["id"]


@pytest.mark.slow
def test_real_notebooks_rerun_only_what_read_the_change(tmp_path: Path) -> None:
    data, seeds, reports = tmp_path / "data", tmp_path / "seeds", tmp_path / "reports"
    shutil.copytree(ROOT / "data", data)
    shutil.copytree(ROOT / "seeds", seeds)
    env = {**os.environ, "PAKCLAIMS_DATA": str(data), "PAKCLAIMS_SEEDS": str(seeds), "PAKCLAIMS_REPORTS": str(reports)}

    def batch() -> dict[str, str]:
        done = subprocess.run([sys.executable, "-m", "helpers.batch", "--workers", "2"], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stdout + done.stderr
        manifest = json.loads((reports / "manifest.json").read_text())
        return {n: ("ran" if n in manifest["batch"]["executed"] else "skipped") for n in manifest["runs"]}

    first = batch()
    assert set(first.values()) == {"ran"} and len(first) >= 9
    fact = edit_fact_notes(data)
    ran = {n for n, s in batch().items() if s == "ran"}
    assert ran == {"01_claims_register"}, f"editing {fact} re-ran {ran}"

    add_article(data, seeds)
    dry = subprocess.run([sys.executable, "-m", "helpers.batch", "--dry-run"], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=300).stdout
    overview = next(line for line in dry.splitlines() if "30_overview" in line)
    assert overview.startswith("run") and "row pk-ke-exports-target added" in overview, overview
    after = batch()
    ran = {n for n, s in after.items() if s == "ran"}
    assert ran == {"01_claims_register", "30_overview", "10_target_gap-pk-ke-trade-target",
                   "10_target_gap-pk-ke-exports-target"}
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert "10_target_gap-pk-ke-trade-target" in index
