"""Bad inputs: every data file broken in the ways people break them, refused with exit code 2 and a message that
names the file, the row, the column and the fix -- checked in process (``check_inputs``) and through the
command line (``python -m helpers.claims check``), on copies of data/ and seeds/."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import paths
from helpers.claims import check_inputs
from helpers.datafiles import MAX_DATA_BYTES
from helpers.errors import InputError


@dataclass(frozen=True)
class Case:
    """A way to break the inputs, and what the refusal must say."""

    name: str
    change: Callable[[Path, Path], None]  # (data folder, seeds folder)
    file: str  # the file the problem names
    row: int | None  # spreadsheet row (None for a whole-file problem)
    field: str | None
    code: str
    fix: str  # words the fix must contain


def _replace(path: Path, old: str, new: str, count: int = 1) -> None:
    data = path.read_bytes()
    assert old.encode() in data, f"{old!r} not in {path.name}"
    path.write_bytes(data.replace(old.encode(), new.encode(), count))


def _latin1(name: str, old: str) -> Callable[[Path, Path], None]:
    """Write ``old`` (text in the file) back in Latin-1 with an accented letter, as a Windows editor would."""
    def change(data: Path, seeds: Path) -> None:
        folder = seeds if name.endswith(".txt") else data
        path = folder / name
        raw = path.read_bytes()
        assert old.encode() in raw, f"{old!r} not in {name}"
        path.write_bytes(raw.replace(old.encode(), (old + " café").encode("latin-1"), 1))
    return change


def _delete(name: str) -> Callable[[Path, Path], None]:
    return lambda data, seeds: (data / name).unlink()


def _register_cell(claim_id: str, column: str, value: str) -> Callable[[Path, Path], None]:
    """Set one cell of one register row (the file is rewritten with the csv module)."""
    import csv

    def change(data: Path, seeds: Path) -> None:
        path = data / "claims.csv"
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        hit = [r for r in rows if r["id"] == claim_id]
        assert hit, claim_id
        hit[0][column] = value
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return change


def _both(*changes: Callable[[Path, Path], None]) -> Callable[[Path, Path], None]:
    def change(data: Path, seeds: Path) -> None:
        for step in changes:
            step(data, seeds)
    return change


def _oversized(data: Path, seeds: Path) -> None:
    with open(data / "claims.csv", "ab") as handle:
        handle.write(b"x" * (MAX_DATA_BYTES + 1))


def _row(path: Path, text: str) -> int:
    """The spreadsheet row of the first line containing ``text``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(text)


REGISTER = paths.CLAIMS
CASES = [
    # encodings: Latin-1 bytes in every data file (line 2 unless said)
    Case("claims-latin1", _latin1("claims.csv", "offer made in talks"), "claims.csv", 2, None, "not-utf8", "UTF-8"),
    Case("exclusions-latin1", _latin1("exclusions.csv", "seed_file,offset"), "exclusions.csv", 1, None, "not-utf8",
         "iconv"),
    Case("units-latin1", _latin1("units.csv", "United States dollar"), "units.csv", 2, None, "not-utf8", "UTF-8"),
    Case("context-latin1", _latin1("context_figures.csv", "id,indicator"), "context_figures.csv", 1, None,
         "not-utf8", "UTF-8"),
    Case("mapping-latin1", _latin1("claim_series.csv", "claim_id,series"), "claim_series.csv", 1, None, "not-utf8",
         "UTF-8"),
    Case("benchmarks-latin1", _latin1("benchmarks.csv", "name,measure"), "benchmarks.csv", 1, None, "not-utf8",
         "UTF-8"),
    Case("rates-latin1", _latin1("fx_rates.csv", "currency,per_usd"), "fx_rates.csv", 1, None, "not-utf8", "UTF-8"),
    Case("meta-latin1", _latin1("context_figures.meta.json", '"producer"'), "context_figures.meta.json", None, None,
         "not-utf8", "UTF-8"),
    Case("seed-latin1", _latin1("004_a7c00857fc1d37e6.txt", "Pakistan"), "claims.csv", 6, "seed_file",
         "seed-not-utf8", "UTF-8"),
    # missing files
    Case("claims-missing", _delete("claims.csv"), "claims.csv", None, None, "missing-file", "git checkout"),
    Case("units-missing", _delete("units.csv"), "units.csv", None, None, "missing-file", "git checkout"),
    Case("rates-missing", _delete("fx_rates.csv"), "fx_rates.csv", None, None, "missing-file", "git checkout"),
    Case("mapping-missing", _delete("claim_series.csv"), "claim_series.csv", None, None, "missing-file",
         "git checkout"),
    # baselines that would publish a wrong growth rate
    Case("self-baseline", _register_cell("pk-cn-exports-2035-target", "baseline_id", "pk-cn-exports-2035-target"),
         "claims.csv", 13, "baseline_id", "self-baseline", "leave baseline_id empty"),
    Case("baseline-cycle", _both(_register_cell("pk-cn-exports-2035-target", "baseline_id",
                                                "pk-mineral-exports-target"),
                                 _register_cell("pk-mineral-exports-target", "baseline_id",
                                                "pk-cn-exports-2035-target")),
         "claims.csv", 10, "baseline_id", "baseline-cycle", "empty baseline_id"),
    Case("baseline-other-unit", _register_cell("pk-cn-exports", "unit", "USD"), "claims.csv", 13, "baseline_id",
         "baseline-other-measure", "same kind"),
    Case("baseline-other-partner", _register_cell("pk-cn-exports", "partner", "Iran"), "claims.csv", 13,
         "baseline_id", "baseline-other-measure", "same partner"),
    # a unit the quote contradicts
    Case("currency-contradicts-quote", _register_cell("pk-uz-trade-target", "unit", "PKR/yr"), "claims.csv", 4,
         "unit", "unit-mismatch", "'USD/yr'"),
    Case("noun-contradicts-quote", _register_cell("forum-participants", "unit", "tonnes"), "claims.csv", 16, "unit",
         "unit-mismatch", "'participants'"),
    # other register problems
    Case("register-too-large", _oversized, "claims.csv", None, None, "too-large", "MAX_DATA_BYTES"),
    Case("duplicate-id", _register_cell("pk-cn-exports", "id", "pk-mineral-exports"), "claims.csv", 12, "id",
         "duplicate-id", "own id"),
    Case("unknown-baseline", _register_cell("pk-cn-exports-2035-target", "baseline_id", "pk-cn-export"), "claims.csv",
         13, "baseline_id", "unknown-baseline", "name the id"),
    # restated targets: every bad restates link
    Case("restates-unknown", _register_cell("pk-uz-trade-target", "restates", "pk-uz-trade"), "claims.csv", 4,
         "restates", "restates-unknown", "name the id of the earlier statement"),
    Case("restates-self", _register_cell("pk-uz-trade-target", "restates", "pk-uz-trade-target"), "claims.csv", 4,
         "restates", "restates-self", "leave restates empty"),
    Case("restates-cycle", _both(_register_cell("pk-uz-trade-target", "restates", "pk-ir-trade-target"),
                                 _register_cell("pk-ir-trade-target", "restates", "pk-uz-trade-target")),
         "claims.csv", 3, "restates", "restates-cycle", "empty restates on the earliest row"),
    Case("restates-not-target", _register_cell("pk-cn-exports-2035-target", "restates", "pk-cn-exports"),
         "claims.csv", 13, "restates", "restates-not-target", "baseline_id"),
    Case("restates-from-non-target", _register_cell("uz-pharma-imports", "restates", "pk-uz-trade-target"),
         "claims.csv", 5, "restates", "restates-from-non-target", "leave restates empty on facts"),
    Case("restates-other-measure", _register_cell("pk-uz-trade-target", "restates", "pk-ir-trade-target"),
         "claims.csv", 4, "restates", "restates-other-measure", "same partner"),
    Case("restates-later", _both(_register_cell("pk-ir-trade-target", "partner", "Uzbekistan"),
                                 _register_cell("pk-ir-trade-target", "subject",
                                                "Pakistan-Uzbekistan bilateral trade target"),
                                 _register_cell("pk-uz-trade-target", "restates", "pk-ir-trade-target")),
         "claims.csv", 4, "restates", "restates-later", "link the other way"),
    # context data: the reason, not just a count
    Case("context-checksum", lambda data, seeds: _replace(data / "context_figures.csv", "World Bank", "World Bonk"),
         "context_figures.csv", None, "sha256", "checksum-mismatch", "update sha256"),
    Case("mapping-unknown-claim", lambda data, seeds: _replace(data / "claim_series.csv", "uz-pharma-imports,",
                                                               "uz-pharma-import,"),
         "claim_series.csv", None, "claim_id", "unknown-claim", "use an id"),
    Case("benchmark-unknown-indicator", lambda data, seeds: _replace(data / "benchmarks.csv", "CD.WT)", "CD.WX)"),
         "benchmarks.csv", 2, "indicator", "no-series", "indicator"),
    Case("rate-negative", lambda data, seeds: _replace(data / "fx_rates.csv", ",281.", ",-281."), "fx_rates.csv",
         None, "per_usd", "bad-rate", "per US dollar"),
    Case("unit-duplicate", lambda data, seeds: (data / "units.csv").write_text(
        (data / "units.csv").read_text(encoding="utf-8") + "acres,area,,,,acres again\n", encoding="utf-8"),
         "units.csv", 37, "unit", "duplicate-unit", "one row per unit"),
    Case("extra-cells", lambda data, seeds: _replace(data / "exclusions.csv", "\"\n002_", "\",surplus\n002_"),
         "exclusions.csv", 2, None, "extra-cells", "double quotes"),
    # the articles tables: one row per seed both ways, and copies of known articles only
    Case("article-row-missing", lambda data, seeds: (seeds / "005_pasted.txt").write_text(
        "Pakistan and Uzbekistan agreed to meet again in Tashkent.\n", encoding="utf-8"),
         "articles.csv", None, "seed_file", "missing-article", "make add-article"),
    Case("article-seed-unknown", lambda data, seeds: _replace(data / "articles.csv", "004_a7c00857fc1d37e6.txt,Geo",
                                                              "004_a7c00857fc1d37e9.txt,Geo"),
         "articles.csv", 6, "seed_file", "unknown-seed", "make add-article"),
    Case("article-copy-unknown", lambda data, seeds: _replace(data / "article_copies.csv", "000_9fac90d7e7a57e8f",
                                                              "000_9fac90d7e7a57e8e"),
         "article_copies.csv", 2, "seed_file", "unknown-article", "articles.csv"),
]


@pytest.fixture
def copies(tmp_path: Path) -> tuple[Path, Path]:
    data, seeds = tmp_path / "data", tmp_path / "seeds"
    shutil.copytree(paths.DATA, data)
    shutil.copytree(paths.SEEDS, seeds)
    return data, seeds


def _check(data: Path, seeds: Path):
    return check_inputs(data / "claims.csv", data / "exclusions.csv", seeds, data / "units.csv",
                        data / "claim_series.csv", data / "fx_rates.csv", context_path=data / "context_figures.csv",
                        meta_path=data / "context_figures.meta.json", benchmarks_path=data / "benchmarks.csv",
                        articles_path=data / "articles.csv")


def test_there_are_at_least_twenty_bad_inputs():
    assert len(CASES) >= 20 and len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_bad_input_is_refused_naming_file_row_field_and_fix(case: Case, copies):
    data, seeds = copies
    case.change(data, seeds)
    with pytest.raises(InputError) as caught:
        _check(data, seeds)
    found = [p for p in caught.value.problems if p.code == case.code and Path(p.file).name == case.file]
    assert found, f"{case.name}: no {case.code} problem in {case.file}: {caught.value}"
    problem = found[0]
    if case.row is not None:
        assert problem.row == case.row, str(problem)
    assert problem.field == case.field, str(problem)
    text = str(problem)
    assert case.file in text and "Fix:" in text and case.fix in text
    if case.row is not None:
        assert f"row {case.row}" in text
    if case.field:
        assert f"column '{case.field}'" in text
    assert case.file in str(caught.value).splitlines()[0]  # the first line already says where and why


def test_a_byte_order_mark_is_accepted_everywhere(copies):
    data, seeds = copies
    for name in ("claims.csv", "exclusions.csv", "units.csv", "claim_series.csv", "benchmarks.csv", "fx_rates.csv"):
        path = data / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    table = _check(data, seeds)
    assert set(table["status"]) == {"claim", "excluded"}


def test_latin1_message_says_where_and_how_to_resave(copies):
    data, seeds = copies
    _latin1("claims.csv", "offer made in talks")(data, seeds)
    with pytest.raises(InputError) as caught:
        _check(data, seeds)
    (problem,) = [p for p in caught.value.problems if p.code == "not-utf8"]
    assert "byte 0xe9 at line 2" in problem.message and "Latin-1" in problem.message
    assert "CSV UTF-8" in problem.fix and "iconv -f WINDOWS-1252 -t UTF-8 claims.csv" in problem.fix


def test_context_checksum_reason_is_on_the_first_line(copies):
    data, seeds = copies
    _replace(data / "context_figures.csv", "World Bank", "World Bonk")
    with pytest.raises(InputError) as caught:
        _check(data, seeds)
    first = str(caught.value).splitlines()[0]
    assert "checksum does not match" in first and "update sha256" in first


def test_the_size_limit_is_documented():
    readme = (paths.ROOT / "data" / "README.md").read_text(encoding="utf-8")
    assert f"{MAX_DATA_BYTES // (1024 * 1024)} MB" in readme


# --- the same inputs through the command line ------------------------------------------------------------


def run_check(data: Path, seeds: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PAKCLAIMS_DATA": str(data), "PAKCLAIMS_SEEDS": str(seeds)}
    return subprocess.run([sys.executable, "-m", "helpers.claims", "check"], cwd=paths.ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_command_line_exits_2_with_the_message(case: Case, copies):
    data, seeds = copies
    case.change(data, seeds)
    result = run_check(data, seeds)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ") and case.file in result.stderr and f"[{case.code}]" in result.stderr
    assert case.fix in result.stderr
    if case.row is not None:
        assert f"row {case.row}" in result.stderr


@pytest.mark.slow
def test_the_command_line_accepts_a_byte_order_mark(copies):
    data, seeds = copies
    path = data / "claims.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = run_check(data, seeds)
    assert result.returncode == 0 and "register ok" in result.stdout, result.stderr
    claims = sum(1 for _ in csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert f"quantities belong to {claims} claims" in result.stdout  # a target's year is a quantity of its claim


@pytest.mark.slow
def test_the_batch_stops_on_a_seed_without_its_articles_row_before_any_kernel(copies, tmp_path):
    data, seeds = copies
    (seeds / "005_pasted.txt").write_text("Pakistan and Uzbekistan agreed to meet again.\n", encoding="utf-8")
    env = {**os.environ, "PAKCLAIMS_DATA": str(data), "PAKCLAIMS_SEEDS": str(seeds),
           "PAKCLAIMS_REPORTS": str(tmp_path / "reports")}
    result = subprocess.run([sys.executable, "-m", "helpers.batch"], cwd=paths.ROOT, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "seeds/005_pasted.txt has no row in articles.csv" in result.stderr and "make add-article" in result.stderr
    assert not (tmp_path / "reports" / "runs").exists() or not any((tmp_path / "reports" / "runs").iterdir())


def test_meta_json_problem_is_refused(copies):
    data, seeds = copies
    (data / "context_figures.meta.json").write_text(json.dumps({"producer": "x"}), encoding="utf-8")
    with pytest.raises(InputError, match="no sha256"):
        _check(data, seeds)
