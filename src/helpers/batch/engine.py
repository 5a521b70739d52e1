"""Execute one notebook in its own kernel, the way papermill does; the only module importing nbclient and
jupyter_client.

Papermill's rules are followed: parameters are injected by papermill's own ``parameterize_notebook`` after
the cell tagged ``parameters``; execution stops at the first error; a cell that ends with ``sys.exit(0)`` or a
bare ``raise SystemExit()`` is a successful early stop, any other exit (``sys.exit(1)``) a failure. What
papermill leaves to its caller is added: a per-cell and a per-notebook time limit, a kernel that is always
shut down (killed if need be), the kernel's own output kept in a log, and one retry of a kernel that could
not start because a port it was given was taken meanwhile.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import html
import math
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers.batch.layout import OUTPUT_DIR_ENV
from helpers.batch.outcome import ExecOutcome, ExecRequest, now_iso

ERROR_MARKER_TAG = "papermill-error-cell-tag"  # the tag papermill puts on its error marker cells
PORT_TAKEN = "Address already in use"  # what a kernel says when a port it was given is taken
EARLY_STOP_VALUES = ("", "0")  # SystemExit values papermill treats as success

ManagerFactory = Callable[[str], Any]


def _notebook_kernel(nb: Any, default: str) -> tuple[str, str]:
    spec = nb.metadata.get("kernelspec") or {}
    return str(spec.get("name") or default), str(spec.get("language") or "python")


def prepare_notebook(notebook_path: Path, parameters: dict[str, Any], kernel_name: str | None) -> Any:
    """Read a notebook, clear old outputs and inject the parameters the way papermill does."""
    import nbformat
    from papermill.parameterize import parameterize_notebook

    nb = nbformat.read(notebook_path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("papermill", None)
        cell.metadata.setdefault("tags", [])  # papermill's loader does the same; its helpers expect it
    nb.metadata.setdefault("papermill", {})
    kname, language = _notebook_kernel(nb, kernel_name or "python3")
    nb = parameterize_notebook(nb, parameters, kernel_name=kernel_name or kname, language=language)
    nb.metadata.papermill.update({"input_path": str(notebook_path), "environment_variables": {}})
    return nb


def empty_notebook() -> Any:
    """A notebook with nothing in it (stands for a notebook file that could not be read)."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["papermill"] = {}
    return nb


def write_notebook(nb: Any, path: Path) -> None:
    """Write an executed notebook."""
    import nbformat

    nbformat.write(nb, str(path))


def mark_failure(nb: Any, outcome: ExecOutcome) -> None:
    """Put papermill's kind of marker before the failing cell: a red note naming the error."""
    import nbformat

    idx = outcome.cell_index
    text = (
        '<span id="papermill-error-cell" style="color:red; font-family:Helvetica Neue, Helvetica, Arial, '
        'sans-serif; font-size:2em;">Execution failed here and stopped: '
        f"{html.escape(outcome.ename)}: {html.escape(outcome.evalue.strip()[:500])}</span>"
    )
    marker = nbformat.v4.new_markdown_cell(text)
    marker.metadata["tags"] = [ERROR_MARKER_TAG]
    if idx is None or idx >= len(nb.cells):
        nb.cells.insert(0, marker)
        return
    cell = nb.cells[idx]
    cell.metadata.setdefault("papermill", {})["exception"] = True
    cell.metadata["papermill"]["status"] = "failed"
    nb.cells.insert(idx, marker)


def notebook_kernel_name(notebook_path: Path, override: str | None = None) -> str:
    """The kernel a notebook asks for (metadata.kernelspec.name), read as plain JSON; default python3."""
    from helpers.params import load_notebook_json

    if override:
        return override
    spec = load_notebook_json(notebook_path).get("metadata", {}).get("kernelspec") or {}
    return str(spec.get("name") or "python3")


def _manager(kernel_name: str) -> Any:
    from jupyter_client.manager import AsyncKernelManager

    return AsyncKernelManager(kernel_name=kernel_name)


def _port_taken(outcome: ExecOutcome, log: Path | None) -> bool:
    """Whether the kernel failed to start because a port was taken (said in the error or the kernel's log)."""
    if outcome.ok or outcome.cell_index is not None:
        return False
    text = outcome.evalue
    if log is not None:
        with contextlib.suppress(OSError):
            text += log.read_text(encoding="utf-8", errors="replace")
    return PORT_TAKEN in text


async def execute_notebook(request: ExecRequest, manager_factory: ManagerFactory | None = None) -> ExecOutcome:
    """Execute a notebook with its parameters injected in a new kernel; never raises for notebook errors,
    timeouts, or a kernel that dies or cannot start (cancellation propagates).

    A kernel that cannot start because a port it was given is taken is started once more on new ports.
    ``manager_factory(kernel_name)`` makes the kernel manager (tests give one whose ports are taken).
    """
    factory = manager_factory or _manager
    outcome = await _execute_once(request, factory(request.kernel_name))
    if _port_taken(outcome, request.kernel_log):
        retry = await _execute_once(request, factory(request.kernel_name))
        retry.duration_s += outcome.duration_s
        return retry
    return outcome


async def execute_in(request: ExecRequest, km: Any, ready: Callable[[], Any]) -> ExecOutcome:
    """Execute a notebook in a kernel already started by ``km`` (a warm kernel of a pool); ``ready()`` is awaited
    while the notebook is read (it points the kernel at the run's folder). The kernel is shut down after."""
    return await _execute_once(request, km, ready)


async def _execute_once(request: ExecRequest, km: Any, ready: Callable[[], Any] | None = None) -> ExecOutcome:
    """One attempt: start the kernel while the notebook is read and parameterized, then run every cell."""
    loop = asyncio.get_running_loop()
    state: dict[str, Any] = {"index": None, "timed_out": False, "timer": None, "cell_start": 0.0}
    task: asyncio.Future[Any] | None = None
    started = time.monotonic()
    log = open(request.kernel_log, "ab") if request.kernel_log is not None else None  # noqa: SIM115 - closed below
    launch: dict[str, Any] = {"cwd": str(request.cwd),
                              "env": {**os.environ, OUTPUT_DIR_ENV: str(request.output_dir)}}
    if log is not None:
        launch.update(stdout=log, stderr=log)
    kernel_start = asyncio.ensure_future(ready() if ready is not None else km.start_kernel(**launch))
    client: Any = None
    nb: Any = None
    try:
        nb = await asyncio.to_thread(prepare_notebook, request.notebook_path, request.parameters,
                                     request.kernel_name)
        nb.metadata.papermill.update(request.papermill_meta)
        outcome = ExecOutcome(nb=nb, ok=True)

        from nbclient import NotebookClient

        def on_timeout() -> None:
            state["timed_out"] = True
            if task is not None:
                task.cancel()

        def notebook_start(**_: Any) -> None:
            if request.notebook_timeout:
                state["timer"] = loop.call_later(request.notebook_timeout, on_timeout)

        def cell_execute(cell: Any, cell_index: int, **_: Any) -> None:
            state["index"] = cell_index
            state["cell_start"] = time.monotonic()
            cell.metadata["papermill"] = {"start_time": now_iso(), "status": "running", "exception": False}

        def cell_executed(cell: Any, cell_index: int, **_: Any) -> None:
            cell.metadata.setdefault("papermill", {}).update(
                {"end_time": now_iso(), "status": "completed",
                 "duration": round(time.monotonic() - state["cell_start"], 3)})

        client = NotebookClient(
            nb,
            km=km,
            timeout=None if not request.timeout else max(1, math.ceil(request.timeout)),
            kernel_name=request.kernel_name,
            resources={"metadata": {"path": str(request.cwd)}},
            on_notebook_start=notebook_start,
            on_cell_execute=cell_execute,
            on_cell_executed=cell_executed,
            log=_quiet_log(),
        )

        async def run() -> None:
            await kernel_start
            await client.async_execute()

        task = asyncio.ensure_future(run())
        try:
            await task
        except (asyncio.CancelledError, Exception) as exc:
            me = asyncio.current_task()
            if me is not None and me.cancelling() and not state["timed_out"]:
                raise asyncio.CancelledError from exc
            _describe_failure(outcome, exc, state, request)
    finally:
        if state["timer"] is not None:
            state["timer"].cancel()
        if not kernel_start.done():
            kernel_start.cancel()
        with contextlib.suppress(BaseException):
            await kernel_start
        await _ensure_kernel_gone(km, client)
        if client is not None:  # nbclient leaves its exit hook registered when a kernel dies while starting
            atexit.unregister(client._cleanup_kernel)  # (the hook would then fail at interpreter exit)
        if log is not None:
            log.close()
    outcome.duration_s = time.monotonic() - started
    nb.metadata.papermill.update({"duration": round(outcome.duration_s, 3), "exception": not outcome.ok})
    return outcome


def _describe_failure(outcome: ExecOutcome, exc: BaseException, state: dict[str, Any], request: ExecRequest) -> None:
    """Fill ``outcome`` from how execution ended (a SystemExit papermill accepts leaves it ok)."""
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    outcome.cell_index = state["index"]
    if isinstance(exc, CellExecutionError) and exc.ename == "SystemExit" and \
            str(exc.evalue).strip() in EARLY_STOP_VALUES:
        outcome.stopped_early = True  # papermill: sys.exit(0) / raise SystemExit() end the notebook successfully
        return
    outcome.ok = False
    if state["timed_out"]:
        outcome.ename = "NotebookTimeout"
        outcome.evalue = (f"the notebook ran longer than {request.notebook_timeout:g} s (--notebook-timeout) "
                          "and was stopped")
    elif isinstance(exc, CellTimeoutError):
        outcome.ename = "CellTimeoutError"
        outcome.evalue = f"a cell ran longer than {request.timeout:g} s (--timeout) and was stopped"
    elif isinstance(exc, DeadKernelError):
        outcome.ename = "DeadKernelError"
        outcome.evalue = "the kernel died while running this cell (a crash, a kill, os._exit or out of memory)"
    elif isinstance(exc, CellExecutionError):
        outcome.ename = exc.ename or "CellExecutionError"
        outcome.evalue = exc.evalue or str(exc)
    else:
        outcome.ename = type(exc).__name__
        outcome.evalue = str(exc)
        if state["index"] is None:
            outcome.ename = f"KernelStartError ({type(exc).__name__})"


def _quiet_log() -> Any:
    """nbclient's logger for batch runs: its errors are already in the run's outcome and progress line."""
    import logging

    log = logging.getLogger("helpers.batch.nbclient")
    if not log.handlers:
        log.addHandler(logging.NullHandler())
        log.propagate = False
    return log


async def _ensure_kernel_gone(km: Any, client: Any = None) -> None:
    """Stop the client's channels, kill the kernel if it is still alive and free its resources."""
    from jupyter_core.utils import ensure_async

    with contextlib.suppress(Exception):
        if client is not None and getattr(client, "kc", None) is not None:
            client.kc.stop_channels()
    with contextlib.suppress(Exception):
        if km.has_kernel and await ensure_async(km.is_alive()):
            await ensure_async(km.shutdown_kernel(now=True))
    with contextlib.suppress(Exception):
        await ensure_async(km.cleanup_resources())
