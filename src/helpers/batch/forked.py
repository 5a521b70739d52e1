"""Forked kernels (the default on Linux): each notebook runs in a fresh kernel process forked from a server that
imported pandas, matplotlib and IPython once for the whole batch.

A cold kernel pays a Python start and about a second of imports before its first cell; a forked one starts
with them done, at the cost of a ``fork()``. The kernel is still a new process used for one notebook and then
shut down, started in its own session, folder and environment (``PAKCLAIMS_OUTPUT_DIR`` included), with its
own log; jupyter_client manages it as usual through :class:`ForkProvisioner`, a ``LocalProvisioner`` whose
process is the forked child (signals go to its process group, its end is seen through a pidfd).

Only a kernel that ``python -m ipykernel_launcher -f FILE`` would start with this very interpreter is forked;
any other kernel, a server that could not start (no ``fork`` on this system, a failed import) or a fork that
failed, gets a cold kernel, so forking can only change how fast a notebook starts. The server
(:mod:`helpers.batch.forkserver`) lives as long as the batch.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any

from helpers.batch.outcome import ExecOutcome, ExecRequest

LOG = logging.getLogger("helpers.batch.forked")
#: Seconds to wait for the server's imports before the first notebooks start cold instead.
READY_TIMEOUT = 120.0
LAUNCHER = "ipykernel_launcher"


def supported() -> bool:
    """Whether kernels can be forked here: Linux (fork, pidfd, file descriptors over Unix sockets)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and hasattr(os, "pidfd_open") \
        and hasattr(socket, "send_fds")


def kernel_command(cmd: list[str], executable: str = sys.executable) -> tuple[list[str], list[str]] | None:
    """``(interpreter options, launcher arguments)`` when ``cmd`` is ``<this python> [-X...] -m ipykernel_launcher
    -f FILE [...]`` (what a Python kernelspec runs), else None: such a kernel cannot be forked from this Python."""
    if len(cmd) < 3 or LAUNCHER not in cmd:
        return None
    at = cmd.index(LAUNCHER)
    options, args = list(cmd[1:at - 1]), list(cmd[at + 1:])
    if cmd[at - 1] != "-m" or not all(o.startswith(("-X", "-W")) for o in options) or "-f" not in args:
        return None
    try:
        same = os.path.samefile(cmd[0], executable)
    except OSError:
        return None
    return (options, args) if same else None


class ForkedProcess:
    """A kernel forked by the server, seen as jupyter_client sees a ``Popen`` (poll, wait, signals).

    The process is not this process's child, so its end is watched through a pidfd (immune to pid reuse); its
    exit status belongs to the server, so a kernel that ended reports return code 0 when it was asked to stop
    and -9 otherwise (nbclient only needs to know it is gone)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self.stopping = False
        try:
            self.pidfd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:  # ended already
            self.pidfd = None
            self.returncode = -signal.SIGKILL

    def poll(self) -> int | None:
        """None while the kernel runs, else its (assumed) return code."""
        if self.returncode is None and self.pidfd is not None:
            readable, _, _ = select.select([self.pidfd], [], [], 0)
            if readable:
                self._ended()
        return self.returncode

    def _ended(self) -> None:
        self.returncode = 0 if self.stopping else -signal.SIGKILL
        if self.pidfd is not None:
            with contextlib.suppress(OSError):
                os.close(self.pidfd)
            self.pidfd = None

    def wait(self, timeout: float | None = None) -> int:
        """Block until the kernel ends (or ``timeout`` seconds: subprocess.TimeoutExpired)."""
        if self.returncode is None and self.pidfd is not None:
            readable, _, _ = select.select([self.pidfd], [], [], timeout)
            if not readable:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
            self._ended()
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, sig: int) -> None:
        """Signal the kernel itself (the provisioner prefers its process group)."""
        if self.poll() is not None:
            return
        if sig in (signal.SIGTERM, signal.SIGKILL):
            self.stopping = True
        assert self.pidfd is not None
        signal.pidfd_send_signal(self.pidfd, sig)

    def terminate(self) -> None:
        """SIGTERM."""
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        """SIGKILL."""
        self.send_signal(signal.SIGKILL)

    def __del__(self) -> None:
        if getattr(self, "pidfd", None) is not None:
            with contextlib.suppress(OSError):
                os.close(self.pidfd)  # type: ignore[arg-type]


class ForkServer:
    """The batch's fork server (:mod:`helpers.batch.forkserver`): started once, asked for one kernel at a time."""

    def __init__(self, options: list[str] | None = None, ready_timeout: float = READY_TIMEOUT) -> None:
        self.options = list(options or [])  # the interpreter's options (-X...), as the kernelspec gives them
        self.ready_timeout = ready_timeout
        self.folder: Path | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.info: dict[str, Any] | None = None
        self.failure = ""
        self.lock = threading.Lock()
        self.started = threading.Event()

    @property
    def socket_path(self) -> Path:
        """The server's Unix socket (in a folder only this user can open)."""
        assert self.folder is not None
        return self.folder / "fork.sock"

    def start(self) -> bool:
        """Start the server and wait for its imports; False (with ``failure`` said) when it could not start."""
        with self.lock:
            if self.started.is_set():
                return self.info is not None
            try:
                if not supported():
                    raise OSError("this system cannot fork kernels (Linux only)")
                self.folder = Path(tempfile.mkdtemp(prefix="pakclaims-fork-"))
                self.process = subprocess.Popen(
                    [sys.executable, *self.options, "-m", "helpers.batch.forkserver", str(self.socket_path)],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                    cwd=str(Path.cwd()), env={**os.environ, "PYTHONUNBUFFERED": "1"})
                assert self.process.stdout is not None
                readable, _, _ = select.select([self.process.stdout], [], [], self.ready_timeout)
                line = self.process.stdout.readline() if readable else b""
                info = json.loads(line.decode("utf-8")) if line.strip() else None
                if not info or not info.get("ready"):
                    raise OSError("the fork server did not get ready "
                                  f"({'timed out' if not readable else 'it stopped while importing'})")
                self.info = info
            except Exception as exc:  # noqa: BLE001 - any failure means cold kernels, said once
                self.failure = f"{type(exc).__name__}: {exc}"
                LOG.info("forked kernels unavailable, starting kernels cold: %s", self.failure)
                self._stop()
            finally:
                self.started.set()
            return self.info is not None

    def fork(self, options: list[str], args: list[str], cwd: str, env: dict[str, str],
             log_fd: int | None) -> ForkedProcess:
        """A kernel process forked with the launcher's ``args`` in ``cwd`` with ``env``; OSError when it failed
        (``options``, the interpreter's, must be the server's own)."""
        if options != self.options:
            raise OSError(f"the kernel asks for interpreter options {options}, the fork server has {self.options}")
        if not self.start():
            raise OSError(self.failure)
        request = json.dumps({"args": args, "cwd": cwd, "env": env, "launcher": LAUNCHER}).encode("utf-8")
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(60)
            conn.connect(str(self.socket_path))
            socket.send_fds(conn, [request], [log_fd] if log_fd is not None else [])
            conn.shutdown(socket.SHUT_WR)
            reply = b""
            while not reply.endswith(b"\n"):
                chunk = conn.recv(4096)
                if not chunk:
                    break
                reply += chunk
        answer = json.loads(reply.decode("utf-8")) if reply.strip() else {}
        if "pid" not in answer:
            raise OSError(f"the fork server could not fork a kernel: {answer.get('error', 'no answer')}")
        return ForkedProcess(int(answer["pid"]))

    def _stop(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            with contextlib.suppress(Exception):
                assert process.stdin is not None
                process.stdin.close()  # the server exits when its stdin closes
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            for stream in (process.stdout,):
                if stream is not None:
                    stream.close()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def close(self) -> None:
        """Stop the server (kernels it forked are shut down by the batch; an orphan stops itself)."""
        with self.lock:
            self._stop()
            self.info = None
            self.started.clear()


def _provisioner_class() -> type:
    from jupyter_client.provisioning.local_provisioner import LocalProvisioner

    class ForkProvisioner(LocalProvisioner):  # type: ignore[misc, valid-type]
        """A LocalProvisioner that forks the kernel from the batch's server when it can, else starts it cold."""

        server: ForkServer | None = None
        forked = False

        async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
            parsed = kernel_command(cmd)
            server = self.server
            if parsed is None or server is None:
                return await super().launch_kernel(cmd, **kwargs)
            options, args = parsed
            log = kwargs.get("stdout")
            log_fd = log.fileno() if hasattr(log, "fileno") else None
            env = {str(k): str(v) for k, v in (kwargs.get("env") or os.environ).items()}
            cwd = str(kwargs.get("cwd") or Path.cwd())
            try:
                process = await asyncio.to_thread(server.fork, options, args, cwd, env, log_fd)
            except Exception as exc:  # noqa: BLE001 - a kernel that could not be forked starts cold
                LOG.info("kernel not forked (%s); starting it cold", exc)
                return await super().launch_kernel(cmd, **kwargs)
            self.process = process
            self.pid = self.pgid = process.pid  # the child leads its own session and process group
            self.cwd = cwd
            self.forked = True
            return self.connection_info

    return ForkProvisioner


class ForkEngine:
    """An engine (``Options.engine``) running each notebook in a kernel forked from the batch's server."""

    def __init__(self, server: ForkServer | None = None) -> None:
        self.server = server
        self.forked = 0
        self.cold = 0

    def manager(self, kernel_name: str) -> Any:
        """An AsyncKernelManager whose provisioner forks (the engine's manager factory)."""
        from jupyter_client.manager import AsyncKernelManager

        km = AsyncKernelManager(kernel_name=kernel_name)
        km.kernel_id = str(uuid.uuid4())
        provisioner = _provisioner_class()(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)
        provisioner.server = self.server
        km.provisioner = provisioner
        return km

    def _server_for(self, kernel_name: str) -> ForkServer:
        """The engine's server, made with the interpreter options of ``kernel_name``'s kernelspec the first time."""
        if self.server is None:
            try:
                parsed = kernel_command(self.manager(kernel_name).kernel_spec.argv)
            except Exception:  # noqa: BLE001 - an unknown kernel: its notebook fails as it would cold
                parsed = None
            self.server = ForkServer(parsed[0] if parsed else [])
        return self.server

    def prestart(self, kernel_name: str) -> None:
        """Start the server in the background now (the batch calls this before checking its inputs)."""
        server = self._server_for(kernel_name)
        threading.Thread(target=server.start, name="fork-server-start", daemon=True).start()

    async def __call__(self, request: ExecRequest) -> ExecOutcome:
        from helpers.batch.engine import execute_notebook

        server = self._server_for(request.kernel_name)
        if not server.started.is_set():  # its imports run while the notebook is read, not in the event loop
            await asyncio.to_thread(server.start)
        managers: list[Any] = []

        def factory(kernel_name: str) -> Any:
            km = self.manager(kernel_name)
            managers.append(km)
            return km

        outcome = await execute_notebook(request, factory)
        if managers and getattr(managers[-1].provisioner, "forked", False):
            self.forked += 1
        else:
            self.cold += 1
        return outcome

    async def aclose(self) -> None:
        """Stop the server at the end of the batch's execution."""
        await asyncio.to_thread(self.close)

    def close(self) -> None:
        """Stop the server (it starts again if the engine is used again)."""
        if self.server is not None:
            self.server.close()
