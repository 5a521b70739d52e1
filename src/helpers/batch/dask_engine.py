"""``--executor dask``: each notebook runs on a dask.distributed worker; rendering and publishing stay on the client.

The worker executes the notebook with the batch's own engine (a fresh kernel per notebook, forked from a
server the worker starts for the batch where it can: :mod:`helpers.batch.forked`; else started cold) in a
temporary folder of its own, and sends back the executed notebook, how it
ended and every file the notebook wrote there (tables, key figures, charts, reads.json, the kernel log). The
client puts those files in the run's staging folder, so rendering, companions and the atomic publishing are
exactly those of a local batch.

Without ``--scheduler`` a LocalCluster is started in the batch's process (threads: each notebook has its own
kernel process anyway) and closed at the end. With ``--scheduler tcp://host:8786`` the batch joins an
existing cluster (dask-jobqueue, Kubernetes, ``dask scheduler`` + ``dask worker``): the workers need the same
checkout, environment and data (or ``PAKCLAIMS_DATA``/``PAKCLAIMS_SEEDS`` pointing at a shared copy).
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
import threading
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

from helpers.batch.outcome import ExecOutcome, ExecRequest

#: Largest total size of the files one notebook may send back (tables, charts): a guard, not a quota.
MAX_RETURNED_BYTES = 512 * 1024 * 1024


#: Forked-kernel engines of this worker process, by batch: one fork server per batch and worker, reused by the
#: batch's notebooks on this worker and stopped when the batch ends (``close_fork_engines``), or, for a batch
#: whose client vanished, once it has been idle for :data:`IDLE_SECONDS` and another batch comes.
_FORK_ENGINES: dict[str, list[Any]] = {}  # batch -> [engine, notebooks running, last used (monotonic)]
_FORK_LOCK = threading.Lock()
IDLE_SECONDS = 600.0


def _fork_engine(batch: str) -> Any:
    """This worker's forked-kernel engine for ``batch``, counted as in use (None where kernels cannot be forked;
    give it back with :func:`_release`)."""
    from helpers.batch.forked import ForkEngine, supported

    if not batch or not supported():
        return None
    now = time.monotonic()
    with _FORK_LOCK:
        for other, (engine, running, used) in list(_FORK_ENGINES.items()):
            if other != batch and not running and now - used > IDLE_SECONDS:
                del _FORK_ENGINES[other]
                engine.close()
        entry = _FORK_ENGINES.setdefault(batch, [ForkEngine(), 0, now])
        entry[1] += 1
        return entry[0]


def _release(batch: str) -> None:
    with _FORK_LOCK:
        entry = _FORK_ENGINES.get(batch)
        if entry is not None:
            entry[1], entry[2] = max(0, entry[1] - 1), time.monotonic()


def close_fork_engines(batch: str) -> int:
    """Stop this worker's fork server of ``batch`` (run on every worker when the batch ends); how many."""
    with _FORK_LOCK:
        entry = _FORK_ENGINES.pop(batch, None)
    if entry is not None:
        entry[0].close()
    return int(entry is not None)


def run_on_worker(request: ExecRequest, batch: str = "") -> dict[str, Any]:
    """Execute one notebook on this worker in a folder of its own; its outcome and files, ready to send.

    With ``batch`` (the batch's id) the kernel is forked from this worker's server for that batch, else cold."""
    from helpers.batch.engine import execute_notebook

    folder = Path(tempfile.mkdtemp(prefix="pakclaims-worker-"))
    try:
        client_dir = str(request.output_dir)
        params = {k: (str(folder) if k == "output_dir" and v == client_dir else v)
                  for k, v in request.parameters.items()}
        local = replace(request, parameters=params, output_dir=folder,
                        kernel_log=folder / request.kernel_log.name if request.kernel_log else None)
        engine = _fork_engine(batch)
        try:
            outcome = asyncio.run(engine(local) if engine is not None else execute_notebook(local))
        finally:
            if engine is not None:
                _release(batch)
        files: dict[str, bytes] = {}
        total = 0
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                data = path.read_bytes()
                total += len(data)
                if total > MAX_RETURNED_BYTES:
                    raise OSError(f"the notebook wrote more than {MAX_RETURNED_BYTES >> 20} MB into its folder")
                files[path.relative_to(folder).as_posix()] = data
        return {"nb": outcome.nb, "ok": outcome.ok, "ename": outcome.ename, "evalue": outcome.evalue,
                "cell_index": outcome.cell_index, "duration_s": outcome.duration_s,
                "stopped_early": outcome.stopped_early, "files": files}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class DaskEngine:
    """An engine (``Options.engine``) that runs each notebook on a dask.distributed worker."""

    def __init__(self, scheduler: str | None = None, workers: int = 1, kernels: str = "fork") -> None:
        self.scheduler = scheduler
        self.workers = max(1, workers)
        # "fork": each worker forks kernels from a server of its own for this batch (named by its id); "cold"
        self.batch = uuid.uuid4().hex if kernels == "fork" else ""
        self.client: Any = None
        self.cluster: Any = None
        self.lock = threading.Lock()

    def connect(self) -> Any:
        """The dask client: joins ``scheduler`` or starts a LocalCluster (threads) the first time."""
        with self.lock:
            if self.client is None:
                from distributed import Client, LocalCluster

                if self.scheduler:
                    self.client = Client(self.scheduler, timeout="30s")
                else:
                    self.cluster = LocalCluster(n_workers=1, threads_per_worker=self.workers, processes=False,
                                                dashboard_address=None)
                    self.client = Client(self.cluster)
            return self.client

    async def __call__(self, request: ExecRequest) -> ExecOutcome:
        client = await asyncio.to_thread(self.connect)
        future = client.submit(run_on_worker, request, self.batch, pure=False)
        try:
            result = await asyncio.to_thread(future.result)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as exc:  # noqa: BLE001 - a worker that died or a lost connection fails this run only
            from helpers.batch.engine import empty_notebook

            return ExecOutcome(nb=empty_notebook(), ok=False, ename=f"DaskError ({type(exc).__name__})",
                               evalue=f"the notebook could not be run on the cluster: {exc}")
        for rel, data in result.pop("files").items():
            target = request.output_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return ExecOutcome(**result)

    def close(self) -> None:
        """Stop the workers' fork servers of this batch, close the client, and the LocalCluster if this engine
        started it."""
        with self.lock:
            if self.client is not None and self.batch:
                with contextlib.suppress(Exception):  # a worker that is gone took its server with it
                    self.client.run(close_fork_engines, self.batch)
            for thing in (self.client, self.cluster):
                if thing is not None:
                    with contextlib.suppress(Exception):  # a cluster that is already gone
                        thing.close()
            self.client = self.cluster = None
