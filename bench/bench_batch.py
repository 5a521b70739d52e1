"""Benchmark of the batch engine against the naive loop (run by hand, minutes: ``make bench``).

In one run, on temporary copies of the reports directory, times

  (a) the naive loop: ``papermill`` CLI then ``jupyter nbconvert --to html`` CLI per run, one after the
      other, over the same expanded plan;
  (b) ``python -m helpers.batch --force``;
  (c) a no-op rerun of (b) (nothing changed, so nothing may execute);
  (d) ``python -m helpers.batch --force --warm`` (kernels warmed up ahead of the notebooks);

and prints each time and the ratios b/a (target <= 0.2), c/b (target <= 0.05) and d/a (target <= 0.15).

    python bench/bench_batch.py [--runs PATTERN ...] [--plan PATH] [--workers N]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from helpers import paths
from helpers.plan import load_plan, select_runs

BIN = Path(sys.executable).parent


def naive_loop(runs: list, out_dir: Path) -> float:
    """(a): papermill CLI + nbconvert CLI per run, sequentially; returns seconds."""
    start = time.monotonic()
    for run in runs:
        folder = out_dir / run.name
        folder.mkdir(parents=True)
        executed = folder / "executed.ipynb"
        params = {**run.parameters, "output_dir": str(folder)}
        subprocess.run(
            [
                str(BIN / "papermill"),
                str(run.notebook_path),
                str(executed),
                "-y",
                yaml.safe_dump(params),
                "--cwd",
                str(run.notebooks_dir),
                "--no-progress-bar",
                "--log-level",
                "WARNING",
            ],
            check=True,
        )
        subprocess.run(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--log-level", "WARN", str(executed)],
            check=True,
        )
    return time.monotonic() - start


def batch(args: list[str]) -> float:
    """Run ``python -m helpers.batch`` with ``args``; returns seconds."""
    start = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "helpers.batch", *args], capture_output=True, text=True)
    elapsed = time.monotonic() - start
    if result.returncode not in (0, 1):
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"batch failed with exit code {result.returncode}")
    print("   ", result.stdout.strip().splitlines()[-1])
    return elapsed


def main(argv: list[str] | None = None) -> int:
    """Time (a), (b), (c), (d) and print the ratios."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--runs",
        action="append",
        default=[],
        metavar="PATTERN",
        help="limit to runs matching this fnmatch pattern (repeatable)",
    )
    parser.add_argument("--plan", type=Path, default=paths.RUN_PLAN)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)

    runs = select_runs(load_plan(args.plan), args.runs)
    print(f"{len(runs)} runs: {', '.join(r.name for r in runs)}")
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        tmp_path = Path(tmp)
        reports = tmp_path / "reports"
        if paths.REPORTS.is_dir():
            shutil.copytree(paths.REPORTS, reports, ignore=shutil.ignore_patterns(".lock", ".staging"))
        common = ["--plan", str(args.plan), "--reports", str(reports), *args.runs]
        if args.workers:
            common += ["--workers", str(args.workers)]

        print("(a) naive loop: papermill CLI + jupyter nbconvert CLI per run ...")
        a = naive_loop(runs, tmp_path / "naive")
        print(f"    {a:.1f} s ({a / max(len(runs), 1):.1f} s per report)")
        print("(b) python -m helpers.batch --force ...")
        b = batch([*common, "--force"])
        print(f"    {b:.1f} s ({b / max(len(runs), 1):.1f} s per report)")
        print("(c) no-op rerun ...")
        c = batch(common)
        print(f"    {c:.2f} s")
        print("(d) python -m helpers.batch --force --warm ...")
        d = batch([*common, "--force", "--warm"])
        print(f"    {d:.1f} s ({d / max(len(runs), 1):.1f} s per report)")

    print(f"b/a = {b / a:.3f} (target <= 0.2) {'ok' if b / a <= 0.2 else 'MISSED'}")
    print(f"c/b = {c / b:.3f} (target <= 0.05) {'ok' if c / b <= 0.05 else 'MISSED'}")
    print(f"d/a = {d / a:.3f} (warm kernels, target <= 0.15) {'ok' if d / a <= 0.15 else 'MISSED'}; "
          f"d/b = {d / b:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
