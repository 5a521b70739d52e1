"""Benchmark of the batch against the naive loop (run by hand, minutes: ``make bench``).

In one run, on temporary copies of the reports directory, times

  (a) the naive loop: ``papermill`` CLI then ``jupyter nbconvert --to html`` CLI per run, one after the
      other, over the same expanded plan (HTML only: no PDF, workbook or claim reviews);
  (b) ``python -m helpers.batch --force --kernels cold``: a kernel started per notebook as Jupyter does;
  (c) a no-op rerun (nothing changed, so nothing may execute);
  (d) ``python -m helpers.batch --force --kernels warm``: a pool of kernels started ahead;
  (e) ``python -m helpers.batch --force``: the default, kernels forked from a server that imported the
      libraries once, pages built by worker processes;

and prints each time, seconds per report, and the ratios b/a, c/b (target <= 0.05), d/a and e/a (per-report
cost against the naive loop, target <= 0.15).

    python bench/bench_batch.py [--runs PATTERN ...] [--plan PATH] [--workers N]
"""

from __future__ import annotations

import argparse
import os
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


def busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all cores, from /proc/stat): the difference around a step
    is that step's CPU time on a quiet machine, its kernels and worker processes included."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError):
        return float("nan")
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


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
        n = max(len(runs), 1)
        cpu0 = busy_seconds()
        a = naive_loop(runs, tmp_path / "naive")
        cpu = {"a": busy_seconds() - cpu0}
        print(f"    {a:.1f} s ({a / n:.2f} s per report; {cpu['a'] / n:.2f} CPU s per report)")
        timed = {}
        for key, label, extra in (("b", "--force --kernels cold", ["--force", "--kernels", "cold"]),
                                  ("c", "no-op rerun", []),
                                  ("d", "--force --kernels warm", ["--force", "--kernels", "warm"]),
                                  ("e", "--force (forked kernels, page workers)", ["--force"])):
            print(f"({key}) python -m helpers.batch {label} ...")
            cpu0 = busy_seconds()
            timed[key] = batch([*common, *extra])
            cpu[key] = busy_seconds() - cpu0
            print(f"    {timed[key]:.2f} s ({timed[key] / n:.2f} s per report; {cpu[key] / n:.2f} CPU s per report)")

    b, c, d, e = (timed[k] for k in "bcde")
    print(f"b/a = {b / a:.3f} (cold kernels)")
    print(f"c/b = {c / b:.3f} (no-op rerun, target <= 0.05) {'ok' if c / b <= 0.05 else 'MISSED'}")
    print(f"d/a = {d / a:.3f} (warm pool); d/b = {d / b:.3f}")
    print(f"e/a = {e / a:.3f} (forked kernels and page workers, target <= 0.15) {'ok' if e / a <= 0.15 else 'MISSED'}"
          f"; e/b = {e / b:.3f}")
    print(f"CPU: the batch (e) used {cpu['e'] / cpu['a']:.2f}x the naive loop's CPU seconds (it also writes each "
          "report's PDF, workbook and claim reviews, and the index's PDF); the machine's cores were busy "
          f"{cpu['e'] / e / (os.cpu_count() or 1):.0%} of (e)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
