"""Forked kernels (the default on Linux): each notebook runs in a fresh kernel process forked from a server that
imported pandas, matplotlib and IPython once for the whole batch.

A cold kernel pays a Python start and about a second of imports before its first cell; a forked one starts
with them done, at the cost of a ``fork()``. The kernel is still a new process used for one notebook and then
shut down, started in its own session, folder and environment (``PAKCLAIMS_OUTPUT_DIR`` included), with its
own log; jupyter_client manages it as usual through a provisioner whose process is the forked child (signals
go to its process group, its end is seen through a pidfd the server opened).

Only a kernel that ``python -m ipykernel_launcher -f FILE`` would start with this very interpreter is forked;
any other kernel, a server that could not start (no ``fork`` or pidfd on this system, a failed import) or a
fork that failed, gets a cold kernel, so forking can only change how fast a notebook starts. The server
(:mod:`helpers.batch.forkserver`) lives as long as the batch. :class:`ForkServer` also serves
:mod:`helpers.batch.pages`, whose server forks a process per page.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import pickle
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

from helpers.batch.forkserver import KERNEL_PRELOAD
from helpers.batch.outcome import ExecOutcome, ExecRequest

LOG = logging.getLogger("helpers.batch.forked")
#: Seconds to wait for a server's imports before its work is done another way (cold kernels, threads).
READY_TIMEOUT = 120.0
LAUNCHER = "ipykernel_launcher"


def supported() -> bool:
    """Whether work can be forked here: Linux with fork, pidfds (also where a sandbox may refuse them) and file
    descriptors passed over Unix sockets."""
    if not (sys.platform.startswith("linux") and hasattr(os, "fork") and hasattr(os, "pidfd_open")
            and hasattr(socket, "send_fds")):
        return False
    try:
        os.close(os.pidfd_open(os.getpid()))
    except OSError:
        return False
    return True


def kernel_command(cmd: list[str], executable: str = sys.executable) -> tuple[list[str], list[str]] | None:
    """``(interpreter options, launcher arguments)`` when ``cmd`` is ``<this python> [-X...] -m ipykernel_launcher
    -f FILE [...]`` (what a Python kernelspec runs), else None: such a kernel cannot be forked from this Python.

    The interpreter must be named as this one is (a symlink to the same binary may be another environment)."""
    if len(cmd) < 3 or LAUNCHER not in cmd:
        return None
    at = cmd.index(LAUNCHER)
    options, args = list(cmd[1:at - 1]), list(cmd[at + 1:])
    if cmd[at - 1] != "-m" or not all(o.startswith(("-X", "-W")) for o in options) or "-f" not in args:
        return None
    return (options, args) if os.path.abspath(cmd[0]) == os.path.abspath(executable) else None


class ForkedWorkError(Exception):
    """Work done in a forked process raised (its type and message), or the process ended without a result."""


class ForkedProcess:
    """A process forked by the server, seen as jupyter_client sees a ``Popen`` (poll, wait, signals).

    It is not this process's child: its end is watched through the pidfd the server opened before the child
    could end, so it always names that process. Its exit status belongs to the server; an ended process reports
    0 when it was asked to stop and -9 otherwise (nbclient only needs to know it is gone)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, pidfd: int) -> None:
        self.pid = pid
        self.pidfd: int | None = pidfd
        self.returncode: int | None = None
        self.stopping = False

    def _ready(self, timeout: float | None) -> bool:
        assert self.pidfd is not None
        poller = select.poll()
        poller.register(self.pidfd, select.POLLIN)
        return bool(poller.poll(None if timeout is None else max(0, int(timeout * 1000))))

    def poll(self) -> int | None:
        """None while the process runs, else its (assumed) return code."""
        if self.returncode is None and self.pidfd is not None and self._ready(0):
            self._ended()
        return self.returncode

    def _ended(self) -> None:
        self.returncode = 0 if self.stopping else -signal.SIGKILL
        self.close()

    def wait(self, timeout: float | None = None) -> int:
        """Block until the process ends (or ``timeout`` seconds: subprocess.TimeoutExpired)."""
        if self.returncode is None and self.pidfd is not None:
            if not self._ready(timeout):
                raise subprocess.TimeoutExpired(f"process {self.pid}", timeout or 0)
            self._ended()
        assert self.returncode is not None
        return self.returncode

    async def wait_async(self) -> int:
        """Wait for the process to end without blocking the event loop."""
        if self.returncode is None and self.pidfd is not None:
            loop = asyncio.get_running_loop()
            ended = loop.create_future()
            fd = self.pidfd
            loop.add_reader(fd, lambda: ended.done() or ended.set_result(None))
            try:
                await ended
            finally:
                loop.remove_reader(fd)
            self._ended()
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, sig: int) -> None:
        """Signal the process itself (the provisioner signals its process group while it runs)."""
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

    def close(self) -> None:
        """Let go of the pidfd."""
        fd, self.pidfd = self.pidfd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)

    def __del__(self) -> None:
        self.close()


class ForkServer:
    """A fork server (:mod:`helpers.batch.forkserver`) of one batch: started once, asked for one process at a
    time; ``preload`` and ``warm`` say what it imports and does before forking."""

    def __init__(self, options: list[str] | None = None, preload: tuple[str, ...] = KERNEL_PRELOAD,
                 warm: str = "", ready_timeout: float = READY_TIMEOUT) -> None:
        self.options = list(options or [])  # the interpreter's options (-X...), as the kernelspec gives them
        self.preload = tuple(preload)
        self.warm = warm
        self.ready_timeout = ready_timeout
        self.folder: Path | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.info: dict[str, Any] | None = None
        self.failure = ""
        self.lock = threading.Lock()
        self.started = threading.Event()
        self._starting = False

    @property
    def socket_path(self) -> Path:
        """The server's Unix socket (in a folder only this user can open)."""
        assert self.folder is not None
        return self.folder / "fork.sock"

    def start(self) -> bool:
        """Start the server and wait for its imports; False (with ``failure`` said) when it could not start.

        Several threads may call it: one starts the server, the others wait for it; :meth:`close` stops a
        server that is still importing."""
        with self.lock:
            first = not self._starting and not self.started.is_set()
            if first:
                self._starting = True
                try:
                    if not supported():
                        raise OSError("this system cannot fork (Linux with pidfds only)")
                    self.folder = Path(tempfile.mkdtemp(prefix="pakclaims-fork-"))
                    self.process = subprocess.Popen(
                        [sys.executable, *self.options, "-m", "helpers.batch.forkserver", str(self.socket_path),
                         ",".join(self.preload), *([self.warm] if self.warm else [])],
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                        cwd=str(Path.cwd()), env={**os.environ, "PYTHONUNBUFFERED": "1"})
                    process = self.process
                except Exception as exc:  # noqa: BLE001 - any failure means the work is done another way
                    self._failed(f"{type(exc).__name__}: {exc}")
                    return False
        if not first:
            self.started.wait()
            return self.info is not None
        info = None
        try:
            assert process.stdout is not None
            readable, _, _ = select.select([process.stdout], [], [], self.ready_timeout)
            line = process.stdout.readline() if readable else b""
            info = json.loads(line.decode("utf-8")) if line.strip() else None
            reason = "" if info and info.get("ready") else \
                f"the fork server did not get ready ({'timed out' if not readable else 'it stopped while importing'})"
        except Exception as exc:  # noqa: BLE001 - e.g. closed while starting
            reason = f"{type(exc).__name__}: {exc}"
        with self.lock:
            if self.process is not process:  # closed meanwhile
                reason = reason or "the fork server was stopped while it started"
            if reason:
                self._failed(reason)
                return False
            self.info = info
            self._starting = False
            self.started.set()
            return True

    def _failed(self, reason: str) -> None:
        """Record why (said once), stop what started, and let waiting threads go (lock held)."""
        self.failure = reason
        LOG.info("fork server unavailable (%s); the work is done without it", reason)
        self._stop()
        self._starting = False
        self.started.set()

    def _request(self, payload: dict[str, Any], log_fd: int | None) -> ForkedProcess:
        if not self.start():
            raise OSError(self.failure)
        request = json.dumps({**payload, "env": dict(payload.get("env") or os.environ)}).encode("utf-8")
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(60)
            conn.connect(str(self.socket_path))
            socket.send_fds(conn, [request], [log_fd] if log_fd is not None else [])
            conn.shutdown(socket.SHUT_WR)
            reply, fds, _flags, _addr = socket.recv_fds(conn, 1 << 16, 1)
            while reply and not reply.endswith(b"\n"):
                chunk = conn.recv(1 << 16)
                if not chunk:
                    break
                reply += chunk
        answer = json.loads(reply.decode("utf-8")) if reply.strip() else {}
        if "pid" not in answer or not fds:
            for fd in fds:
                os.close(fd)
            raise OSError(f"the fork server could not fork: {answer.get('error', 'no answer')}")
        return ForkedProcess(int(answer["pid"]), fds[0])

    def fork(self, options: list[str], args: list[str], cwd: str, env: dict[str, str],
             log_fd: int | None) -> ForkedProcess:
        """A kernel process forked with the launcher's ``args`` in ``cwd`` with ``env``; OSError when it failed
        (``options``, the interpreter's, must be the server's own)."""
        if options != self.options:
            raise OSError(f"the kernel asks for interpreter options {options}, the fork server has {self.options}")
        return self._request({"kind": "kernel", "args": args, "cwd": cwd, "env": env, "launcher": LAUNCHER},
                             log_fd)

    def call(self, target: str, args: tuple[Any, ...], log_fd: int | None = None) -> tuple[ForkedProcess, Path]:
        """A process forked to call ``target`` (``module:function``) with ``args``; returns it and the file its
        outcome will be in (read it with :func:`outcome`). OSError when nothing was forked."""
        if not self.start():
            raise OSError(self.failure)
        assert self.folder is not None
        stem = self.folder / f"call-{uuid.uuid4().hex}"
        args_file, result = stem.with_suffix(".args"), stem.with_suffix(".result")
        args_file.write_bytes(pickle.dumps(tuple(args)))
        try:
            process = self._request({"kind": "call", "target": target, "args_file": str(args_file),
                                     "result": str(result), "cwd": str(Path.cwd())}, log_fd)
        except BaseException:
            args_file.unlink(missing_ok=True)
            raise
        return process, result

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
            if process.stdout is not None:
                process.stdout.close()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def close(self) -> None:
        """Stop the server, also while it is still importing (processes it forked are stopped by the batch; an
        orphaned kernel stops itself). It starts again if asked for more work."""
        process = self.process
        if process is not None and self._starting:
            with contextlib.suppress(Exception):
                process.kill()  # still importing: stop now rather than wait for the imports
        with self.lock:
            self._stop()
            self.info = None
            self.started.clear()


def outcome(process: ForkedProcess, result: Path) -> Any:
    """The value a finished :meth:`ForkServer.call` returned; ForkedWorkError when it raised or ended without
    a result (killed, out of memory)."""
    try:
        data = result.read_bytes()
    except OSError:
        raise ForkedWorkError(f"the process {process.pid} ended without a result (killed, or out of memory)") from None
    finally:
        result.unlink(missing_ok=True)
        result.with_suffix(".args").unlink(missing_ok=True)
    state = pickle.loads(data)
    if state[0] == "ok":
        return state[1]
    raise ForkedWorkError(f"{state[1]}: {state[2]}")


def _provisioner_class() -> type:
    from jupyter_client.provisioning.local_provisioner import LocalProvisioner

    class ForkProvisioner(LocalProvisioner):  # type: ignore[misc, valid-type]
        """A LocalProvisioner that forks the kernel from the batch's server when it can, else starts it cold."""

        server: ForkServer | None = None
        forked = False

        async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
            """Fork the kernel ``cmd`` describes (else launch it as LocalProvisioner does)."""
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

        async def send_signal(self, signum: int) -> None:
            """Signal the kernel's process group, only while the kernel runs (its pid may be reused after)."""
            if self.forked and self.process is not None:
                if self.process.poll() is not None:
                    return
                if signum in (signal.SIGTERM, signal.SIGKILL):
                    self.process.stopping = True  # its end is then a clean one (return code 0)
            await super().send_signal(signum)

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
                from jupyter_client.kernelspec import KernelSpecManager

                parsed = kernel_command(KernelSpecManager().get_kernel_spec(kernel_name).argv)
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

        outcome_ = await execute_notebook(request, factory)
        if managers and getattr(managers[-1].provisioner, "forked", False):
            self.forked += 1
        else:
            self.cold += 1
        return outcome_

    async def aclose(self) -> None:
        """Stop the server at the end of the batch's execution."""
        await asyncio.to_thread(self.close)

    def close(self) -> None:
        """Stop the server (it starts again if the engine is used again)."""
        if self.server is not None:
            self.server.close()
