"""Bad inputs to the batch, refused before any kernel starts: exit 2, a message naming the file, field, value
and fix, and every published report left exactly as it was. No test here starts a kernel.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from pathlib import Path

import pytest
from batchkit import BEHAVE, FIXTURES, Project, fake_engine

from helpers import manifest as mf
from helpers.batch.cli import build_parser
from helpers.batch.options import Options, register_check
from helpers.errors import InputError, Problem

CHECKED = FIXTURES / "checked.ipynb"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = Project(tmp_path)
    project.write_plan(f"runs:\n  - {{name: b, notebook: {BEHAVE}}}\n")
    return project


def refused(project: Project, *args: str, code: int = 2, **seams: object) -> str:
    """Run the CLI, assert it exits ``code`` having run and changed nothing; returns stderr."""
    before = project.published()
    exit_code, out, err = project.cli(*args, **seams)
    assert exit_code == code, out + err
    assert "Traceback" not in err
    assert project.published() == before, "a published report was lost or changed"
    failed = project.reports / "failed"
    assert not failed.is_dir() or not any(failed.iterdir())
    assert not list(project.reports.glob(".staging/*"))
    return err


# ------------------------------------------------------------------------------------ the plan


def test_invalid_parameters_exit_2_listing_all_runs(project: Project) -> None:
    project.write_plan(f"""
        runs:
          - name: bad_choice
            notebook: {BEHAVE}
            parameters: {{mode: explode}}
          - name: bad_type_and_name
            notebook: {BEHAVE}
            parameters: {{value: "ten", colour: red}}
          - name: bad_range
            notebook: {BEHAVE}
            parameters: {{value: -1}}
    """)
    project.fake_previous_report("bad_choice")
    err = refused(project)
    assert "nothing was run" in err
    assert "run 'bad_choice'" in err and "'mode' = 'explode' is not an allowed choice" in err
    assert "run 'bad_type_and_name'" in err and "'value' = 'ten' is a str, the notebook declares float" in err
    assert "unknown parameter 'colour'" in err
    assert "run 'bad_range'" in err and "'value' = -1 is below the minimum 0" in err
    assert not (project.reports / "manifest.json").exists()


@pytest.mark.parametrize("dry_run", [False, True])
def test_rules_across_parameters_exit_2_before_any_kernel_also_in_a_dry_run(project: Project, dry_run: bool) -> None:
    project.write_plan(f"runs:\n  - {{name: c, notebook: {CHECKED}}}\n")
    project.fake_previous_report("c")
    args = ("-p", "base_year=2030", "-p", "target_year=2020") + (("--dry-run",) if dry_run else ())
    err = refused(project, *args)
    assert "'target_year' = 2020 is not after 'base_year' = 2030" in err and "Fix:" in err
    err = refused(project, "-p", "horizon_years=500", *(("--dry-run",) if dry_run else ()))
    assert "'horizon_years' = 500 is above the maximum 50" in err


def test_malformed_plan_exit_2_with_line_number(project: Project) -> None:
    project.plan.write_text("runs:\n  - name: a\n    notebook: x.ipynb\n  title: : oops\n")
    assert "malformed YAML at line 4" in refused(project)


def test_plan_naming_a_missing_notebook_exit_2(project: Project) -> None:
    project.write_plan(f"runs:\n  - {{name: a, notebook: {project.root / 'nope.ipynb'}}}\n")
    project.fake_previous_report("a")
    err = refused(project)
    assert "nope.ipynb does not exist" in err and "Fix:" in err


@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        (b"runs:\n  - {name: caf\xe9, notebook: x.ipynb}\n", "cannot read the run plan"),
        (None, "run plan not found"),
        (b"runs:\n  - {name: '../escape', notebook: behave.ipynb}\n", "is not usable as a directory name"),
        (b"runs:\n  - {name: '" + b"r" * 101 + b"', notebook: behave.ipynb}\n", "is 101 characters long"),
        (b"runs: {a: 1}\n", "must be a mapping with a 'runs' list"),
    ],
    ids=["latin1", "missing", "path-in-name", "long-name", "runs-not-a-list"],
)
def test_a_plan_that_cannot_be_used_exit_2(project: Project, plan: bytes | None, expected: str) -> None:
    project.fake_previous_report("b")
    if plan is None:
        project.plan.unlink()
    else:
        project.plan.write_bytes(plan)
    err = refused(project)
    assert expected in err and "Fix:" in err


def test_overrides_are_yaml_scalars_and_apply_where_declared(project: Project) -> None:
    figures = FIXTURES / "figures.ipynb"
    project.write_plan(f"""
        runs:
          - {{name: b, notebook: {BEHAVE}}}
          - {{name: f, notebook: {figures}, parameters: {{data_file: x.csv}}}}
    """)
    code, out, _ = project.cli("--dry-run", "-p", "value=500", "-p", "scale=0.5")
    assert code == 0
    lines = {line.split()[1]: line for line in out.splitlines() if line.startswith(("run", "skip"))}
    assert "value=500" in lines["b"] and "scale" not in lines["b"]
    assert "scale=0.5" in lines["f"] and "value" not in lines["f"]
    assert "no selected run's notebook declares a parameter 'colour'" in refused(project, "-p", "colour=red")
    assert "'value' = 'abc' is a str" in refused(project, "-p", "value=abc")
    assert "expected key=value" in refused(project, "-p", "novalue")
    assert "the batch sets output_dir itself" in refused(project, "-p", "output_dir=/tmp/x")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--timeout", "-5"), "'-5' is not a usable time limit"),
        (("--notebook-timeout", "nan"), "'nan' is not a usable time limit"),
        (("--timeout", "soon"), "'soon' is not a number of seconds"),
        (("--workers", "0"), "0 is below 1"),
        (("--workers", "two"), "'two' is not a whole number"),
    ],
)
def test_unusable_options_exit_2(project: Project, args: tuple[str, ...], expected: str) -> None:
    err = refused(project, *args)
    assert expected in err and "Fix:" in err


def test_prune_with_an_empty_plan_is_refused(project: Project) -> None:
    project.write_plan("runs: []\n")
    project.fake_previous_report("old")
    err = refused(project, "--prune")
    assert "the plan has no runs, so --prune would retire every report" in err


# ------------------------------------------------------------------------------------ the inputs


def test_a_data_file_that_is_not_utf8_exit_2_naming_line_and_byte(project: Project) -> None:
    (project.data / "fx_rates.csv").write_bytes(b"currency,rate\nPKR,280\nEUR,0.9 \xe0 peu pr\xe8s\n")
    project.fake_previous_report("b")
    err = refused(project)
    assert "fx_rates.csv, row 3: is not UTF-8 text: byte 0xe0 at line 3, column 9" in err
    assert "Fix: save the file as UTF-8" in err and "nothing was run" in err
    index = (project.reports / "index.html").read_text(encoding="utf-8")
    assert "The last batch ran nothing" in index and "fx_rates.csv" in index


def test_a_byte_order_mark_is_accepted(project: Project) -> None:
    (project.data / "fx_rates.csv").write_bytes(b"\xef\xbb\xbfcurrency,rate\nPKR,280\n")
    code, out, _ = project.cli("--dry-run")
    assert code == 0 and "would run" in out and "not UTF-8" not in out


def test_every_reason_of_the_input_check_is_printed_and_shown_on_the_index(project: Project) -> None:
    def check(options: Options) -> None:
        raise InputError([Problem("data/context_figures.csv", 4, "value", "12x", "is not a number", "write a "
                                  "number", "not-number"),
                          Problem("data/claim_series.csv", 2, "series", "pk-x", "names no series",
                                  "use a series key", "unknown-series")], "the inputs have 2 problem(s)")

    project.fake_previous_report("b")
    err = refused(project, check_inputs=check)
    assert "context_figures.csv, row 4, column 'value': is not a number (value: '12x')" in err
    assert "claim_series.csv, row 2, column 'series': names no series" in err
    index = (project.reports / "index.html").read_text(encoding="utf-8")
    assert "is not a number" in index and "names no series" in index
    assert project.manifest()["batch"]["refused"] is True


def test_a_dry_run_refuses_what_the_batch_would_refuse_and_warns_of_a_damaged_manifest(project: Project) -> None:
    def check(options: Options) -> None:
        raise InputError([Problem("data/claims.csv", 1, None, None, "the file is empty (no header row)",
                                  "restore claims.csv from git", "empty-file")], "the inputs have 1 problem(s)")

    err = refused(project, "--dry-run", check_inputs=check)
    assert "claims.csv, row 1: the file is empty" in err
    assert not (project.reports / "index.html").exists()  # a dry run writes nothing, not even the refusal
    project.reports.mkdir(parents=True, exist_ok=True)
    (project.reports / "manifest.json").write_text('{"runs": ', encoding="utf-8")  # truncated
    code, out, err = project.cli("--dry-run")
    assert code == 0 and "would run" in out
    assert "manifest.json is damaged" in err and "a real run sets it aside" in err
    assert (project.reports / "manifest.json").read_text(encoding="utf-8") == '{"runs": '  # left as it was


def test_an_input_check_that_crashes_is_an_input_problem_not_a_traceback(project: Project) -> None:
    def check(options: Options) -> None:
        b"caf\xe9".decode("utf-8")

    err = refused(project, check_inputs=check)
    assert "the input check stopped: UnicodeDecodeError" in err and "Fix:" in err


def test_a_missing_data_file_exit_2(project: Project) -> None:
    err = refused(project, check_inputs=register_check, claims_path=project.data / "gone.csv")
    assert "gone.csv: is missing" in err and "git checkout" in err


def test_a_notebook_whose_schema_is_broken_exit_2(project: Project, tmp_path: Path) -> None:
    nb = json.loads(BEHAVE.read_text())
    nb["metadata"]["pakclaims"]["parameter_schema"]["properties"]["value"] = {"maximun": 10}
    broken = tmp_path / "broken.ipynb"
    broken.write_text(json.dumps(nb))
    project.write_plan(f"runs:\n  - {{name: b, notebook: {broken}}}\n")
    assert "unknown keyword 'maximun'. Fix: did you mean 'maximum'?" in refused(project)


# ------------------------------------------------------------------------------------ the reports directory


def test_second_batch_exits_2_naming_the_holder(project: Project) -> None:
    project.fake_previous_report("b")
    fd = os.open(project.reports / ".lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, b"4242 2026-01-01T10:00:00+00:00\n")
        err = refused(project)
    finally:
        os.close(fd)
    assert "another batch is writing the reports (pid 4242, started 2026-01-01T10:00:00+00:00" in err
    assert "--wait" in err and not (project.reports / "manifest.json").exists()


def test_wait_queues_behind_the_holder(project: Project) -> None:
    project.write_plan("runs: []\n")
    project.reports.mkdir()
    fd = os.open(project.reports / ".lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.write(fd, b"4343 2026-01-01T10:00:00+00:00\n")
    timer = threading.Timer(0.2, lambda: os.close(fd))
    timer.start()
    code, out, err = project.cli("--wait")
    timer.join()
    assert code == 0 and "waiting for the batch" in err and "pid 4343" in err
    assert "nothing changed" in out and (project.reports / "index.html").is_file()
    assert (project.reports / ".lock").read_text().split()[0] == str(os.getpid())


def test_reports_dir_that_cannot_be_created_exit_2(project: Project) -> None:
    blocker = project.root / "a_file"
    blocker.write_text("not a directory")
    project.reports = blocker / "reports"
    assert "cannot write the reports directory" in refused(project)
    assert blocker.read_text() == "not a directory"


@pytest.mark.parametrize("sub", ["runs", "failed", ".staging"])
def test_a_reports_folder_that_cannot_be_written_exit_2_before_any_kernel(project: Project, sub: str) -> None:
    previous = project.fake_previous_report("other") if sub != "runs" else None
    if sub == "runs":
        project.reports.mkdir()
    (project.reports / sub).write_text("a file where a folder goes")
    err = refused(project)
    assert "Nothing was run" in err and "Fix:" in err and sub in err
    if previous is not None:
        assert (project.reports / "runs" / "other" / "report.html").read_bytes() == previous
    assert not (project.reports / "manifest.json").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders; test_batch_faults mounts one")
def test_a_read_only_runs_folder_exit_2(project: Project) -> None:
    previous = project.fake_previous_report("b")
    os.chmod(project.reports / "runs", 0o555)
    try:
        err = refused(project)
    finally:
        os.chmod(project.reports / "runs", 0o755)
    assert "cannot write runs/" in err and (project.reports / "runs" / "b" / "report.html").read_bytes() == previous


# ------------------------------------------------------------------------------------ retiring reports


def test_an_empty_or_short_plan_never_deletes_published_reports(project: Project) -> None:
    for name in ("old", "b"):
        project.fake_previous_report(name)
    mf.save_manifest(project.reports / "manifest.json", {"runs": {"old": {"name": "old", "status": "ok"}}})
    before = project.published()
    project.write_plan("runs: []\n")
    code, out, err = project.cli()
    assert code == 0 and "kept 2 report(s) not in the plan: b, old (retire them with --prune)" in err
    assert project.published() == before and "old" in project.manifest()["runs"]
    index = (project.reports / "index.html").read_text(encoding="utf-8")
    assert "runs/old/report.html" in index and "runs/b/report.html" in index


def test_dry_run_lists_what_prune_would_retire_and_prune_retires_it(project: Project) -> None:
    project.fake_previous_report("old")
    project.write_plan("runs:\n  - {name: b, notebook: behave.ipynb}\n")
    code, out, _ = project.cli("--dry-run")
    assert code == 0 and "keep    old  (not in the plan; --prune would retire it)" in out
    code, out, _ = project.cli("--dry-run", "--prune")
    assert code == 0 and "retire  old  (not in the plan)" in out and "1 would be retired" in out
    assert (project.reports / "runs" / "old" / "report.html").is_file()
    project.write_plan("runs:\n  - {name: b, notebook: behave.ipynb}\n")
    summary, _, err = project.run(prune=True, patterns=("b",), engine=fake_engine)
    assert summary.retired == ["old"] and "retired 1 report(s) no longer in the plan (--prune): old" in err
    assert not (project.reports / "runs" / "old").exists() and summary.results[0].status == "ok"
    assert set(project.manifest()["runs"]) == {"b"}


def test_dry_run_prints_the_plan_and_writes_nothing(project: Project) -> None:
    project.write_plan(f"runs:\n  - {{name: b, notebook: {BEHAVE}, parameters: {{mode: ok}}}}\n")
    summary, out, _ = project.run(dry_run=True)
    assert summary.exit_code == 0 and summary.results[0].status == "would run"
    assert f"b  {BEHAVE}  mode='ok'  [never run]" in out
    assert not project.reports.exists()


def test_help_lists_the_options() -> None:
    text = build_parser().format_help()
    for option in ("--workers", "--force", "--show-code", "--dry-run", "--prune", "--timeout", "--notebook-timeout",
                   "-p KEY=VALUE", "--plan", "--reports", "--wait", "RUN-PATTERN", "143 terminated"):
        assert option in text
