"""The batch at scale (run by hand, minutes: part of ``make bench``): synthetic registers of 1,000 claims.

For each number of targets (default 10 and 40; ``--targets 10 50 200`` for the full range, about 4 s per
report on 2 cores), on a synthetic register (bench/synth_register.py) in a temporary folder, times

  (a) a full batch (``--force``): seconds per report (wall time / runs), the median seconds a target-gap
      notebook runs in its kernel (flat when a report's cost does not grow with the register) and the
      register report's own seconds (it shows all 1,000 claims);
  (b) a no-op rerun: its ratio to (a) (target < 2%);
  (c) an edit of one fact no analysis reads: what re-ran;

and the peak resident memory of any process of the batch (the batch or a kernel) and the size of the index.

    python bench/bench_scale.py [--targets 10 40] [--claims 1000] [--workers 2]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synth_register import generate

#: Runs the batch in a child and prints the peak RSS (kB) of the largest process it waited for.
PEAK = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(r.returncode)")


def batch(env: dict[str, str], *args: str) -> tuple[float, int, dict]:
    """(seconds, peak kB, manifest) of one ``python -m helpers.batch`` run."""
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", PEAK, sys.executable, "-m", "helpers.batch", *args], env=env,
                          capture_output=True, text=True)
    seconds = time.monotonic() - start
    if done.returncode != 0:
        sys.exit(f"the batch failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    peak = int(done.stderr.strip().splitlines()[-1])
    manifest = json.loads((Path(env["PAKCLAIMS_REPORTS"]) / "manifest.json").read_text(encoding="utf-8"))
    return seconds, peak, manifest


def touch_unread_fact(data: Path) -> str:
    """Edit the notes of the last generated fact (no analysis reads a fact of a singleton measure)."""
    with open(data / "claims.csv", encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = list(reader.fieldnames or []), list(reader)
    row = next(r for r in reversed(rows) if r["claim_type"] == "fact" and r["id"].startswith("syn-"))
    row["notes"] = "checked again"
    with open(data / "claims.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return row["id"]


def main() -> None:
    """Print one line per size and the figures the README quotes."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--targets", type=int, nargs="+", default=[10, 40])
    p.add_argument("--claims", type=int, default=1000)
    p.add_argument("--workers", type=int, default=2)
    args = p.parse_args()
    print(f"{'targets':>7} {'runs':>5} {'full s':>7} {'s/report':>8} {'gap s':>6} {'reg. s':>6} {'no-op s':>7} "
          f"{'no-op %':>7} {'peak MB':>7} {'index kB':>8}  after an unread fact edit")
    per_report = []
    with tempfile.TemporaryDirectory(prefix="pakclaims-scale-") as tmp:
        for n in args.targets:
            root = Path(tmp) / f"t{n}"
            generate(root, args.claims, n)
            env = {**os.environ, "PAKCLAIMS_DATA": str(root / "data"), "PAKCLAIMS_SEEDS": str(root / "seeds"),
                   "PAKCLAIMS_REPORTS": str(root / "reports")}
            full, peak, manifest = batch(env, "--force", "--workers", str(args.workers))
            runs = len(manifest["batch"]["executed"])
            noop, peak2, _ = batch(env)
            fact = touch_unread_fact(root / "data")
            _, _, after = batch(env)
            index_kb = (root / "reports" / "index.html").stat().st_size / 1024
            gaps = sorted(r["duration_s"] for k, r in manifest["runs"].items() if k.startswith("10_target_gap"))
            gap = gaps[len(gaps) // 2]  # median seconds a target-gap notebook ran in its kernel
            register = manifest["runs"]["01_claims_register"]["duration_s"]
            per_report.append(gap)
            print(f"{n:>7} {runs:>5} {full:>7.1f} {full / runs:>8.2f} {gap:>6.2f} {register:>6.1f} {noop:>7.2f} "
                  f"{100 * noop / full:>6.2f}% "
                  f"{max(peak, peak2) / 1024:>7.0f} {index_kb:>8.0f}  {fact}: re-ran {after['batch']['executed']}")
    print(f"median seconds of a target-gap notebook, largest / smallest size: {per_report[-1] / per_report[0]:.2f} "
          "(flat: about 1)")


if __name__ == "__main__":
    main()
