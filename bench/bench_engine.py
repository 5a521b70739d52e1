"""Benchmark of the batch's engine against papermill in a process pool (run by hand: ``make bench``).

Both execute the same expanded plan, ``--workers`` notebooks at a time, execution only (no HTML):

  (e) the batch's engine: ``helpers.batch.engine.execute_notebook``, one asyncio loop, a kernel per run;
  (p) ``papermill.execute_notebook`` in a ``ProcessPoolExecutor`` of the same size (one process per worker);
  (f) the batch's engine with kernels forked from its server (``helpers.batch.forked``), the server's start
      included;

each twice, alternating, keeping the faster of the two; prints the times and the ratios p/e and f/e. The batch
keeps its engine unless papermill in a pool is at least 10% faster (e/p >= 1.1).

    python bench/bench_engine.py [--runs PATTERN ...] [--plan PATH] [--workers N] [--repeat N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from helpers import paths
from helpers.batch.engine import execute_notebook, notebook_kernel_name
from helpers.batch.forked import ForkEngine
from helpers.batch.outcome import ExecRequest
from helpers.params import read_parameters
from helpers.plan import Run, load_plan, select_runs

MARGIN = 1.1  # papermill in a pool replaces the engine only when e/p >= MARGIN (at least 10% faster)


def parameters(run: Run, out: Path) -> dict[str, Any]:
    """The run's parameters, with output_dir where the notebook declares it (as the batch does)."""
    declared = {p.name for p in read_parameters(run.notebook_path)}
    return {**run.parameters, **({"output_dir": str(out)} if "output_dir" in declared else {})}


def engine_pass(runs: list[Run], workers: int, tmp: Path, forked: bool = False) -> float:
    """(e): every run through the batch's engine, ``workers`` at a time, cold kernels (``forked``: (f), kernels
    forked from the batch's server, its start included); returns seconds."""
    async def main() -> None:
        sem = asyncio.Semaphore(workers)
        engine: Any = ForkEngine() if forked else execute_notebook

        async def one(run: Run) -> None:
            out = tmp / f"e-{run.name}"
            out.mkdir(parents=True)
            async with sem:
                outcome = await engine(ExecRequest(
                    notebook_path=run.notebook_path, parameters=parameters(run, out), cwd=run.notebooks_dir,
                    kernel_name=notebook_kernel_name(run.notebook_path), timeout=600, notebook_timeout=1800,
                    output_dir=out))
            if not outcome.ok:
                raise SystemExit(f"{run.name} failed under the engine: {outcome.error}")

        try:
            await asyncio.gather(*(one(r) for r in runs))
        finally:
            if forked:
                await engine.aclose()

    start = time.monotonic()
    asyncio.run(main())
    return time.monotonic() - start


def _papermill_one(notebook: str, output: str, params: dict[str, Any], cwd: str) -> None:
    import papermill

    papermill.execute_notebook(notebook, output, parameters=params, cwd=cwd, progress_bar=False,
                               kernel_name="python3", log_output=False)


def papermill_pass(runs: list[Run], workers: int, tmp: Path) -> float:
    """(p): papermill.execute_notebook in a process pool of ``workers``; returns seconds (pool start included)."""
    start = time.monotonic()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = []
        for run in runs:
            out = tmp / f"p-{run.name}"
            out.mkdir(parents=True)
            futures.append(pool.submit(_papermill_one, str(run.notebook_path), str(out / "executed.ipynb"),
                                       parameters(run, out), str(run.notebooks_dir)))
        for future in futures:
            future.result()
    return time.monotonic() - start


def main(argv: list[str] | None = None) -> int:
    """Time (e) and (p), alternating, and print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", action="append", default=[], metavar="PATTERN")
    parser.add_argument("--plan", type=Path, default=paths.RUN_PLAN)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    runs = select_runs(load_plan(args.plan), args.runs)
    print(f"{len(runs)} runs, {args.workers} at a time, best of {args.repeat}")
    e_times, p_times, f_times = [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-engine-") as tmp:
        for i in range(args.repeat):
            p_times.append(papermill_pass(runs, args.workers, Path(tmp) / f"p{i}"))
            print(f"    (p) papermill in a process pool: {p_times[-1]:.1f} s")
            e_times.append(engine_pass(runs, args.workers, Path(tmp) / f"e{i}"))
            print(f"    (e) the batch's engine, cold kernels: {e_times[-1]:.1f} s")
            f_times.append(engine_pass(runs, args.workers, Path(tmp) / f"f{i}", forked=True))
            print(f"    (f) the batch's engine, forked kernels: {f_times[-1]:.1f} s")
    e, p, f = min(e_times), min(p_times), min(f_times)
    print(f"(e) engine {e:.1f} s, (p) papermill pool {p:.1f} s: p/e = {p / e:.2f} "
          f"({'keep the engine' if p / e > 1 / MARGIN else 'papermill in a pool is faster by the margin'})")
    print(f"(f) forked kernels {f:.1f} s: f/e = {f / e:.2f}, f/p = {f / p:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
