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
import contextlib
import csv
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synth_register import generate


class Peak:
    """The largest resident memory of any one process of the batch and of all of them together (kernels, fork
    servers and page processes included: the batch's whole process tree, sampled every 0.1 s), in MB."""

    def __init__(self, pid: int) -> None:
        self.pid, self.one, self.total = pid, 0.0, 0.0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        import psutil

        while not self.done.is_set():
            try:
                root = psutil.Process(self.pid)
                sizes = []
                for proc in [root, *root.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):
                        sizes.append(proc.memory_info().rss / 2**20)
                self.one, self.total = max(self.one, *sizes), max(self.total, sum(sizes))
            except psutil.Error:
                pass
            self.done.wait(0.1)

    def stop(self) -> tuple[float, float]:
        self.done.set()
        self.thread.join()
        return self.one, self.total


def batch(env: dict[str, str], *args: str) -> tuple[float, tuple[float, float], dict]:
    """(seconds, (peak MB of one process, of all), manifest) of one ``python -m helpers.batch`` run."""
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "helpers.batch", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    peak = Peak(proc.pid)
    out, err = proc.communicate()
    seconds = time.monotonic() - start
    peaks = peak.stop()
    if proc.returncode != 0:
        sys.exit(f"the batch failed ({proc.returncode}):\n{out[-3000:]}\n{err[-3000:]}")
    manifest = json.loads((Path(env["PAKCLAIMS_REPORTS"]) / "manifest.json").read_text(encoding="utf-8"))
    return seconds, peaks, manifest


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
    p.add_argument("--targets", type=int, nargs="+", default=[10, 50, 200])
    p.add_argument("--claims", type=int, default=1000)
    p.add_argument("--workers", type=int, default=2)
    args = p.parse_args()
    print(f"{'targets':>7} {'runs':>5} {'full s':>7} {'s/report':>8} {'gap s':>6} {'reg. s':>6} {'no-op s':>7} "
          f"{'no-op %':>7} {'MB one':>7} {'MB all':>7} {'index kB':>8}  after an unread fact edit")
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
            edit_s, _, after = batch(env)
            index_kb = (root / "reports" / "index.html").stat().st_size / 1024
            gaps = sorted(r["duration_s"] for k, r in manifest["runs"].items() if k.startswith("10_target_gap"))
            gap = gaps[len(gaps) // 2]  # median seconds a target-gap notebook ran in its kernel
            register = manifest["runs"]["01_claims_register"]["duration_s"]
            per_report.append(gap)
            print(f"{n:>7} {runs:>5} {full:>7.1f} {full / runs:>8.2f} {gap:>6.2f} {register:>6.1f} {noop:>7.2f} "
                  f"{100 * noop / full:>6.2f}% "
                  f"{max(peak[0], peak2[0]):>7.0f} {max(peak[1], peak2[1]):>7.0f} {index_kb:>8.0f}  "
                  f"{fact}: re-ran {after['batch']['executed']} in {edit_s:.1f} s")
    print(f"median seconds of a target-gap notebook, largest / smallest size: {per_report[-1] / per_report[0]:.2f} "
          "(flat: about 1)")


if __name__ == "__main__":
    main()
