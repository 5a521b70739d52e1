"""A run's page and its companions, built apart from the batch's event loop: the executed notebook, workbook,
claim reviews, ``report.html`` and ``report.pdf`` of one staging folder (:func:`build`).

Building a page is the CPU-heavy part of publishing (nbconvert, then WeasyPrint lays the page out for print).
In threads of the batch's process those steps would take turns on one core, whatever the machine has, while
the kernels wait to be read; :class:`PageBuilders` runs them in worker processes instead (started once per
batch from a server that imported nbconvert and WeasyPrint, ``multiprocessing``'s forkserver), so pages are
built on every core while the kernels run. Each worker reads the register once per change of its files.
``Options.page_processes`` chooses; without it (tests, the in-process API) pages are built in threads, as one
page's steps always are: the result is the same files either way.

A failure never raises out of :func:`build`: it comes back as ``("publish" | "render", message)`` and fails
that run only, as before; a worker process that dies fails its run with that said, and the next page gets a
new worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.batch.layout import EXECUTED_FILE, REPORT_FILE

#: Imported once by the workers' server: what building a page needs.
PRELOAD = ("helpers.batch.pages", "helpers.companions", "helpers.render", "nbconvert", "weasyprint", "openpyxl",
           "pandas")
_REGISTER: dict[str, Any] = {}
_RENDER_LOCK = threading.Lock()  # nbconvert's exporter is not shared between threads


@dataclass
class PageResult:
    """What building a page gave: the page's additions to the run's metadata, or why it failed."""

    meta: dict[str, Any] = field(default_factory=dict)
    failure: tuple[str, str] | None = None  # ("publish" | "render", message)


def _register() -> tuple[Any, Any] | None:
    """The register and context figures, read again only when one of their files changed (per process)."""
    from helpers import companions, paths

    key = []
    for path in (paths.CLAIMS, paths.CONTEXT):
        try:
            st = Path(path).stat()
        except OSError:
            return None  # prepare_run reads them itself and says what is wrong
        key.append((str(path), st.st_mtime_ns, st.st_size))
    if _REGISTER.get("key") != key:
        _REGISTER.update(key=key, value=companions.load_register())
    return _REGISTER["value"]


def build(nb: Any, staging: Path, meta: dict[str, Any], ok: bool, show_code: bool) -> PageResult:
    """Write the executed notebook, then (for a run that succeeded) the workbook and claim reviews, the page and
    its PDF into ``staging``; never raises for a page that cannot be built."""
    from helpers import companions
    from helpers.batch.engine import write_notebook
    from helpers.errors import PublishError
    from helpers.render import render_report

    result = PageResult()
    staging = Path(staging)
    write_notebook(nb, staging / EXECUTED_FILE)
    try:
        if ok:  # companions, part 1: workbook, download links, claim reviews (helpers.companions)
            result.meta.update(companions.prepare_run(staging, meta, _register()))
        with _RENDER_LOCK:
            page = render_report(nb, {**meta, **result.meta}, show_code)
        (staging / REPORT_FILE).write_text(page, encoding="utf-8")
        if ok:  # companions, part 2: the page's PDF
            companions.write_run_pdf(staging / REPORT_FILE)
    except PublishError as exc:
        result.failure = ("publish", f"publishing failed: {exc}")
    except Exception as exc:  # noqa: BLE001 - a rendering failure fails this run only
        result.failure = ("render", f"HTML rendering failed: {type(exc).__name__}: {exc}")
    return result


def _worker_init() -> None:
    """Workers leave Ctrl-C to the batch, which stops them itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class PageBuilders:
    """Where pages are built: worker processes (``processes``), else threads of the batch's process."""

    def __init__(self, processes: int = 0) -> None:
        self.processes = max(0, processes)
        self.pool: ProcessPoolExecutor | None = None
        self.failure = ""
        self.closed = False

    def _pool(self) -> ProcessPoolExecutor | None:
        if self.pool is None and self.processes and not self.failure and not self.closed:
            import multiprocessing

            try:
                method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
                context = multiprocessing.get_context(method)
                if method == "forkserver":
                    context.set_forkserver_preload(list(PRELOAD))
                self.pool = ProcessPoolExecutor(self.processes, mp_context=context, initializer=_worker_init)
            except (OSError, ValueError) as exc:  # no processes here: threads it is
                self.failure = f"{type(exc).__name__}: {exc}"
        return self.pool

    def prestart(self) -> None:
        """Start the workers in the background now, so their imports overlap the first notebooks."""
        pool = self._pool()
        if pool is not None:  # submitting starts the server and the workers, and waits for the server's imports
            threading.Thread(target=self._submit_nothing, args=(pool,), name="page-builders-start",
                             daemon=True).start()

    @staticmethod
    def _submit_nothing(pool: ProcessPoolExecutor) -> None:
        with contextlib.suppress(Exception):
            pool.submit(int)

    async def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` in a worker process (or a thread); a worker that died gives a failed :class:`PageResult`
        (the next call gets a new worker)."""
        pool = self._pool()
        if pool is None:
            return await asyncio.to_thread(fn, *args)
        try:
            return await asyncio.wrap_future(pool.submit(fn, *args))
        except BrokenProcessPool as exc:
            self._discard()
            return PageResult(failure=("render", f"HTML rendering failed: the process building the page "
                                                 f"stopped ({exc or 'killed, or out of memory'})"))

    async def build(self, nb: Any, staging: Path, meta: dict[str, Any], ok: bool, show_code: bool) -> PageResult:
        """:func:`build` in a worker process (or a thread)."""
        return await self.call(build, nb, staging, meta, ok, show_code)

    def write_pdf(self, html: Path, target: Path) -> Path:
        """``helpers.pdf.write_pdf`` in a worker (warm: WeasyPrint imported, fonts loaded), else here."""
        from helpers import pdf

        pool = self._pool()
        if pool is not None:
            try:
                return pool.submit(pdf.write_pdf, html, target).result()
            except BrokenProcessPool:
                self._discard()
        return pdf.write_pdf(html, target)

    def _discard(self) -> None:
        pool, self.pool = self.pool, None
        if pool is None:
            return
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:  # a page still being built is abandoned (its run is not published)
            with contextlib.suppress(Exception):
                if process.is_alive():
                    os.kill(process.pid, signal.SIGKILL)
                process.join(5)

    def close(self, wait: bool = True) -> None:
        """Stop the workers: after the last page (``wait``), or at once when the batch is stopping. Pages built
        after this are built in threads."""
        self.closed = True
        if self.pool is not None and wait:
            self.pool.shutdown(wait=True)
            self.pool = None
        self._discard()
