"""What a run depends on, hashed once per batch: data, seeds, source, versions; text encodings; published files."""

from __future__ import annotations

from pathlib import Path

import pytest
from sourcekit import VERSIONS, write_project

from helpers import fingerprint as fpr
from helpers.files import sha256_file


@pytest.fixture
def project(tmp_path: Path) -> fpr.Sources:
    return write_project(tmp_path)


def test_snapshot_hashes_data_seeds_and_source(project: fpr.Sources) -> None:
    snap = fpr.take_snapshot(project, versions=VERSIONS)
    assert set(snap.data) == {
        "data/claims.csv",
        "data/context_figures.csv",
        "data/fx_rates.csv",
        "seeds/001.txt",
    }
    assert set(snap.source) == {"src/helpers/econ.py", "src/helpers/templates/page.html.j2"}
    assert snap.data["seeds/001.txt"] == sha256_file(project.root / "seeds" / "001.txt")
    assert set(snap.rows["data/claims.csv"]) == {"C1", "C2", "C3"}
    assert "data/fx_rates.csv" not in snap.rows


def test_output_dir_does_not_change_the_parameters_hash() -> None:
    assert fpr.params_hash({"a": 1, "output_dir": "/x"}) == fpr.params_hash({"a": 1, "output_dir": "/y"})
    assert fpr.params_hash({"a": 1}) != fpr.params_hash({"a": 2})


def test_installed_versions_reads_metadata_without_importing() -> None:
    versions = fpr.installed_versions()
    assert versions["pyyaml"] and versions["python"].startswith("3.") and versions["papermill"]
    assert set(fpr.key_versions(versions)) <= {
        "python",
        *(p.lower().replace("_", "-") for p in fpr.KEY_PACKAGES),
    }


def test_a_long_register_keeps_no_row_hashes(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_text("id,value\n" + "".join(f"C{i},{i}\n" for i in range(fpr.MAX_ROW_HASHES + 2)))
    assert fpr.row_hashes(path) == {}
    path.write_text("id,value\nC1,1\n")
    assert set(fpr.row_hashes(path)) == {"C1"}


def test_text_files_must_be_utf8_and_a_byte_order_mark_is_fine(tmp_path: Path) -> None:
    good = tmp_path / "bom.csv"
    good.write_bytes(b"\xef\xbb\xbfid,name\nC1,Karachi\n")
    assert fpr.text_problems(good) == []
    bad = tmp_path / "latin1.csv"
    bad.write_bytes(b"id,name\nC1,Peshawar\nC2,Multan caf\xe9\n")
    [problem] = fpr.text_problems(bad)
    assert problem.row == 3 and "byte 0xe9 at line 3, column 14" in str(problem) and "UTF-8" in problem.fix


def test_a_published_file_that_changed_or_went_missing_is_named(tmp_path: Path) -> None:
    (tmp_path / "runs" / "a").mkdir(parents=True)
    page = tmp_path / "runs" / "a" / "report.html"
    page.write_text("<html>ok</html>")
    record = {"files": {"runs/a/report.html": sha256_file(page), "runs/a/t.csv": "0" * 64}}
    assert fpr.damaged_files(record, tmp_path) == ["runs/a/t.csv (missing)"]
    page.write_text("<html>o")
    assert fpr.damaged_files(record, tmp_path) == ["runs/a/report.html (changed)", "runs/a/t.csv (missing)"]


def test_installed_versions_are_read_again_only_when_the_environment_changes(tmp_path, monkeypatch) -> None:
    versions, signature = fpr.cached_versions(None)
    assert versions == fpr.installed_versions() and signature == fpr.environment_signature()
    remembered = {"signature": signature, "versions": {"pandas": "0.0-remembered"}}
    assert fpr.cached_versions(remembered) == ({"pandas": "0.0-remembered"}, signature)  # no metadata read
    (tmp_path / "newpkg-1.0.dist-info").mkdir()  # a package installed since
    (tmp_path / "newpkg-1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: newpkg\nVersion: 1.0\n")
    (tmp_path / "broken-2.0.dist-info").mkdir()  # and one half-installed: skipped, not an error
    monkeypatch.syspath_prepend(str(tmp_path))
    versions, changed = fpr.cached_versions(remembered)
    assert changed != signature and versions["newpkg"] == "1.0" and "broken" not in versions
