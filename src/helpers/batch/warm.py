"""Warm kernels (``--warm``): kernels started, with the heavy imports done, before a notebook is assigned.

The pool keeps ``size`` kernels starting ahead of the notebooks. A kernel is used for one notebook only and
shut down after it, as with cold kernels: each notebook still runs in a fresh kernel process. Before the
notebook, the kernel is pointed at the run (working folder, ``PAKCLAIMS_OUTPUT_DIR``); the warm-up imports
third-party libraries only (pandas, matplotlib), never ``helpers``, so every data file a notebook reads is
read after the recorder of :mod:`helpers.reads` is installed. A kernel that fails to start or warm up is
discarded and the notebook gets a cold kernel.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.batch.layout import OUTPUT_DIR_ENV
from helpers.batch.outcome import ExecOutcome, ExecRequest

#: What a kernel imports while it waits for a notebook: the slow imports of the report notebooks.
WARM_UP = ("import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot\nimport numpy\nimport pandas\n"
           "import IPython.display\n")
WARM_UP_TIMEOUT = 120.0


@dataclass
class WarmKernel:
    """A started kernel whose warm-up ran, with the file holding its own output."""

    km: Any
    log: Path


@dataclass
class WarmPool:
    """An engine (``Options.engine``) that runs each notebook in a kernel warmed up ahead of time."""

    size: int = 2
    kernel_name: str = "python3"
    cwd: Path | None = None
    warm_up: str = WARM_UP
    waiting: list[asyncio.Task[WarmKernel | None]] = field(default_factory=list)
    folder: Path | None = None

    def fill(self) -> None:
        """Start kernels until ``size`` are starting or ready."""
        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix="pakclaims-warm-"))
        while len(self.waiting) < self.size:
            self.waiting.append(asyncio.ensure_future(self.start()))

    async def start(self) -> WarmKernel | None:
        """A new kernel with the warm-up done; None when it could not start or warm up."""
        import logging

        from jupyter_client.manager import AsyncKernelManager

        assert self.folder is not None
        log = Path(tempfile.mkstemp(prefix="kernel-", suffix=".log", dir=self.folder)[1])
        km = AsyncKernelManager(kernel_name=self.kernel_name)
        kc = None
        try:
            with open(log, "ab") as out:
                await km.start_kernel(cwd=str(self.cwd or os.getcwd()), env=dict(os.environ), stdout=out, stderr=out)
            kc = km.client()
            kc.start_channels()
            await kc.wait_for_ready(timeout=WARM_UP_TIMEOUT)
            reply = await kc.execute_interactive(self.warm_up, silent=True, store_history=False,
                                                 timeout=WARM_UP_TIMEOUT, output_hook=lambda msg: None)
            if reply["content"].get("status") != "ok":
                raise RuntimeError("warm-up failed")
            return WarmKernel(km, log)
        except asyncio.CancelledError:  # the batch stops: no kernel is left behind
            with contextlib.suppress(Exception):
                await km.shutdown_kernel(now=True)
            raise
        except Exception:
            logging.getLogger("helpers.batch.warm").debug("warm kernel dropped", exc_info=True)
            with contextlib.suppress(Exception):
                await km.shutdown_kernel(now=True)
            return None
        finally:
            if kc is not None:
                kc.stop_channels()

    async def take(self) -> WarmKernel | None:
        """The first kernel of the pool (waiting for it if need be); a replacement starts at once."""
        self.fill()
        task = self.waiting.pop(0)
        self.fill()
        return await task

    async def __call__(self, request: ExecRequest) -> ExecOutcome:
        from helpers.batch.engine import execute_in, execute_notebook

        if request.kernel_name != self.kernel_name:
            return await execute_notebook(request)
        warm = await self.take()
        if warm is None:
            return await execute_notebook(request)

        async def ready() -> None:
            """Point the warm kernel at this run: its working folder and its output folder."""
            kc = warm.km.client()
            kc.start_channels()
            try:
                code = (f"import os as _os\n_os.chdir({json.dumps(str(request.cwd))})\n"
                        f"_os.environ[{json.dumps(OUTPUT_DIR_ENV)}] = {json.dumps(str(request.output_dir))}\n"
                        "del _os\n")
                reply = await kc.execute_interactive(code, silent=True, store_history=False, timeout=60,
                                                     output_hook=lambda msg: None)
                if reply["content"].get("status") != "ok":
                    raise RuntimeError("the warm kernel could not be pointed at the run's folder")
            finally:
                kc.stop_channels()

        try:
            return await execute_in(request, warm.km, ready)
        finally:
            if request.kernel_log is not None:
                with contextlib.suppress(OSError), open(request.kernel_log, "ab") as out:
                    out.write(warm.log.read_bytes())
            warm.log.unlink(missing_ok=True)

    async def aclose(self) -> None:
        """Shut down the kernels still waiting for a notebook."""
        tasks, self.waiting = self.waiting, []
        for task in tasks:
            task.cancel()
        for result in await asyncio.gather(*tasks, return_exceptions=True):
            if isinstance(result, WarmKernel):
                with contextlib.suppress(Exception):
                    await result.km.shutdown_kernel(now=True)
        if self.folder is not None:
            import shutil

            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
