"""A run's page and its companions, built apart from the batch's event loop: the executed notebook, workbook,
claim reviews, ``report.html`` and ``report.pdf`` of one staging folder (:func:`build`).

Building a page is the CPU-heavy part of publishing (nbconvert, then WeasyPrint lays the page out for print).
In threads of the batch's process those steps would take turns on one core, whatever the machine has, while
the kernels wait to be read. :class:`PageBuilders` builds each page in a process of its own instead, forked
from a server of the batch (:mod:`helpers.batch.forkserver`) that imported nbconvert, WeasyPrint and pandas,
read the register and laid out a small page once (:func:`warm`), so each page starts with fonts and register
loaded and its memory is returned when it ends. At most ``processes`` pages are built at once, on every core,
while the kernels run. Without a server (``processes`` 0: the in-process API and tests; a system that cannot
fork) pages are built in threads: the files are the same either way.

A failure never raises out of :meth:`PageBuilders.build`: it comes back as ``("publish" | "render", message)``
and fails that run only, as before, also when the process building the page dies (killed, out of memory).
"""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.batch.layout import EXECUTED_FILE, REPORT_FILE

#: Imported once by the page server: what building a page needs.
PRELOAD = ("pandas", "nbconvert", "nbconvert.exporters.html", "weasyprint", "openpyxl", "helpers.companions",
           "helpers.render", "helpers.batch.pages", "helpers.batch.engine")
WARM = "helpers.batch.pages:warm"
_RENDER_LOCK = threading.Lock()  # nbconvert's exporter is not shared between threads


@dataclass
class PageResult:
    """What building a page gave: the page's additions to the run's metadata, or why it failed."""

    meta: dict[str, Any] = field(default_factory=dict)
    failure: tuple[str, str] | None = None  # ("publish" | "render", message)


def warm() -> None:
    """The page server's warm-up: build a small page the way a run's page is built (its workbook, claim reviews,
    HTML and PDF, in a folder that is then removed), so the modules, templates, patterns, fonts and the register
    a page needs are loaded once, before any page's process is forked."""
    import shutil
    import tempfile

    import nbformat

    folder = Path(tempfile.mkdtemp(prefix="pakclaims-warm-"))
    try:
        (folder / "table.csv").write_text("measure,value\nexports,1.5\n", encoding="utf-8")
        (folder / "key_figures.json").write_text(json.dumps({"report": "warm", "figures": [
            {"name": "value", "label": "A value", "value": 1.5, "unit": "USD", "claims": [], "context": []}]}),
            encoding="utf-8")
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_markdown_cell("# Warm\nA *page* with a [link](https://example.org) and 1,234.5."),
                    nbformat.v4.new_code_cell("table", outputs=[nbformat.v4.new_output(
                        "display_data", data={"text/html": "<table><thead><tr><th>measure</th><th>value</th></tr>"
                                                           "</thead><tbody><tr><td>exports</td><td>$1.5 billion</td>"
                                                           "</tr></tbody></table>", "text/plain": "table"}),
                        nbformat.v4.new_output("stream", name="stdout", text="printed\n")])]
        nb.metadata["papermill"] = {}
        meta = {"title": "Warm-up", "name": "warm", "notebook": "warm.ipynb", "parameters": {"x": 1},
                "run_started": "2026-01-01T00:00:00+00:00", "duration_s": 1.0, "status": "ok", "error": None,
                "data_checksums": {}, "versions": {}, "tables": ["table.csv"]}
        build(nb, folder, meta, True, False)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


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
            result.meta.update(companions.prepare_run(staging, meta))
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


class PageBuilders:
    """Where pages are built: processes forked from the batch's page server (``processes`` at once), else
    threads of the batch's process."""

    def __init__(self, processes: int = 0) -> None:
        from helpers.batch.forked import ForkServer, supported

        self.processes = max(0, processes)
        self.server = ForkServer(preload=PRELOAD, warm=WARM) if self.processes and supported() else None
        self.slots: asyncio.Semaphore | None = None
        self.closed = False

    def prestart(self) -> None:
        """Start the server in the background now, so its imports and warm-up overlap the first notebooks."""
        if self.server is not None:
            threading.Thread(target=self.server.start, name="page-server-start", daemon=True).start()

    def _server(self) -> Any:
        """The started server, or None: work is then done in threads."""
        if self.server is None or self.closed or not self.server.start():
            return None
        return self.server

    async def call(self, target: str, *args: Any) -> Any:
        """``module:function`` called with ``args`` in a forked process (or a thread); ForkedWorkError when it
        raised there or its process died."""
        from helpers.batch import forked, forkserver

        server = await asyncio.to_thread(self._server)
        if server is None:
            return await asyncio.to_thread(forkserver.resolve(target), *args)
        if self.slots is None:
            self.slots = asyncio.Semaphore(self.processes)
        async with self.slots:
            try:
                process, result = await asyncio.to_thread(server.call, target, args)
            except OSError:  # refused (e.g. the environment changed): done here instead
                return await asyncio.to_thread(forkserver.resolve(target), *args)
            try:
                await process.wait_async()
            except asyncio.CancelledError:
                process.kill()
                raise
            return await asyncio.to_thread(forked.outcome, process, result)

    async def build(self, nb: Any, staging: Path, meta: dict[str, Any], ok: bool, show_code: bool) -> PageResult:
        """:func:`build` in a process of its own (or a thread); a process that died fails this page only."""
        from helpers.batch.forked import ForkedWorkError

        try:
            return await self.call("helpers.batch.pages:build", nb, staging, meta, ok, show_code)
        except ForkedWorkError as exc:
            return PageResult(failure=("render", f"HTML rendering failed: the process building the page "
                                                 f"stopped ({exc})"))

    def write_pdf(self, html: Path, target: Path) -> Path:
        """``helpers.pdf.write_pdf`` in a forked process (warm: WeasyPrint imported, fonts loaded), else here;
        raises PublishError as ``write_pdf`` does."""
        from helpers import pdf
        from helpers.batch.forked import ForkedWorkError, outcome
        from helpers.errors import PublishError

        server = self._server()
        if server is None:
            return pdf.write_pdf(html, target)
        try:
            process, result = server.call("helpers.pdf:write_pdf", (html, target))
        except OSError:
            return pdf.write_pdf(html, target)
        process.wait()
        try:
            return outcome(process, result)
        except ForkedWorkError as exc:
            raise PublishError(str(exc).removeprefix("PublishError: ")) from None

    def close(self) -> None:
        """Stop the server (pages still being built are stopped by their run's cancellation). Work asked for
        after this is done in threads."""
        self.closed = True
        if self.server is not None:
            self.server.close()

