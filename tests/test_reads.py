"""The recorder a batch kernel runs: files opened under the watched folders, narrowed rows, reads.json."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from helpers import fingerprint as fpr
from helpers import readdeps, reads


@pytest.fixture
def folders(tmp_path: Path):
    data, out = tmp_path / "data", tmp_path / "out"
    data.mkdir()
    out.mkdir()
    (data / "claims.csv").write_text("id,value,claim_type,seed_file\nC1,1,target,a.txt\nC2,2,fact,a.txt\n")
    (data / "units.csv").write_text("unit\nUSD\n")
    (tmp_path / "elsewhere.csv").write_text("x\n1\n")
    yield data, out
    reads.stop()


def test_files_opened_for_reading_under_the_watched_folders_are_recorded(folders) -> None:
    data, out = folders
    assert reads.install(out, watched=[data])
    pd.read_csv(data / "claims.csv")
    with open(data / "units.csv", encoding="utf-8") as fh:
        fh.read()
    (data.parent / "elsewhere.csv").read_text()
    (data / "written.csv").write_text("id\n")  # a write is not a read
    fd = os.open(data / "units.csv", os.O_RDONLY)
    os.close(fd)
    record = reads.read_record(out)
    assert record == {"files": [str((data / "claims.csv").resolve()), str((data / "units.csv").resolve())],
                      "narrowed": {}}


def test_narrowing_is_written_as_it_happens_and_nothing_outside_a_batch(folders, tmp_path: Path) -> None:
    data, out = folders
    assert not reads.install(tmp_path / "missing")
    reads.rows(data / "claims.csv", ["C1"])  # not recording: nothing written anywhere
    assert reads.read_record(out) is None
    reads.install(out, watched=[data])
    reads.rows(data / "claims.csv", ["C2", "C1"])
    reads.columns(data / "claims.csv", ["claim_type"])
    reads.where(data / "claims.csv", topic=["minerals"])
    narrowed = json.loads((out / reads.READS_FILE).read_text())["narrowed"]
    assert narrowed == {str((data / "claims.csv").resolve()): {"rows": ["C1", "C2"], "columns": ["claim_type"],
                                                                "where": [{"topic": ["minerals"]}]}}


def test_dependencies_follow_the_rows_read_and_the_articles_they_quote(tmp_path: Path) -> None:
    data, seeds = tmp_path / "data", tmp_path / "seeds"
    data.mkdir()
    seeds.mkdir()
    claims = data / "claims.csv"
    claims.write_text("id,value,claim_type,seed_file\nC1,1,target,a.txt\nC2,2,fact,b.txt\n")
    (seeds / "a.txt").write_text("one")
    (seeds / "b.txt").write_text("two")
    sources = fpr.Sources(root=tmp_path, data_dirs=(data, seeds), source_dirs=())
    run = {"files": ["data/claims.csv", "seeds/a.txt", "seeds/b.txt"],
           "narrowed": {"data/claims.csv": {"rows": ["C1"], "columns": [], "where": []}}}
    scan = {"files": ["data/claims.csv"], "narrowed": {"data/claims.csv": {"rows": [], "columns": ["claim_type"],
                                                                           "where": []}}}

    def deps(reads_: dict) -> dict[str, str]:
        return readdeps.dependencies(reads_, fpr.take_snapshot(sources, versions={}))

    before, scan_before = deps(run), deps(scan)
    assert set(before) == {"rows:data/claims.csv"}  # the articles count through the rows that quote them
    (seeds / "b.txt").write_text("two, edited")
    claims.write_text("id,value,claim_type,seed_file\nC1,1,target,a.txt\nC2,3,fact,b.txt\n")
    assert deps(run) == before and deps(scan) == scan_before
    (seeds / "a.txt").write_text("one, edited")
    assert deps(run) != before
    claims.write_text("id,value,claim_type,seed_file\nC1,1,target,a.txt\nC2,3,target,b.txt\n")
    assert deps(scan) != scan_before


def test_a_register_row_stands_for_its_row_of_the_articles_table(tmp_path: Path) -> None:
    data, seeds = tmp_path / "data", tmp_path / "seeds"
    data.mkdir()
    seeds.mkdir()
    (data / "claims.csv").write_text("id,value,seed_file\nC1,1,a.txt\nC2,2,b.txt\n")
    (data / "articles.csv").write_text("seed_file,outlet\na.txt,Dawn\nb.txt,Tribune\n")
    sources = fpr.Sources(root=tmp_path, data_dirs=(data, seeds), source_dirs=())
    run = {"files": ["data/claims.csv", "data/articles.csv"],
           "narrowed": {"data/claims.csv": {"rows": ["C1"], "columns": [], "where": []}}}

    def deps() -> dict[str, str]:
        return readdeps.dependencies(run, fpr.take_snapshot(sources, versions={}))

    before = deps()
    assert set(before) == {"rows:data/claims.csv"}
    (data / "articles.csv").write_text("seed_file,outlet\na.txt,Dawn\nb.txt,Tribune\nc.txt,Nation\n")
    assert deps() == before  # another article added: not this run's
    (data / "articles.csv").write_text("seed_file,outlet\na.txt,Dawn (Karachi)\nb.txt,Tribune\nc.txt,Nation\n")
    assert deps() != before
