"""The fork server behind forked kernels: one process that imports the slow libraries once, then forks a fresh
kernel process for every notebook (``python -m helpers.batch.forkserver SOCKET``).

Started by :class:`helpers.batch.forked.ForkServer` for one batch. It imports :data:`PRELOAD` (pandas,
matplotlib, IPython, ipykernel...), never :mod:`helpers` nor anything that reads the project's data, so every
data file a notebook reads is read in its own kernel, after :mod:`helpers.reads` starts recording. Then it
listens on a Unix socket that only its owner can reach and prints ``ready``. Each request (one JSON object,
with the kernel's log file passed as a file descriptor) asks for a kernel: the server forks, and the child
becomes a kernel exactly as ``python -m ipykernel_launcher -f CONNECTION_FILE`` would, in its own session (so
the batch can signal its whole process group), in the requested folder and environment, with stdin closed and
stdout and stderr in the log. The server answers with the child's pid and reaps its children when they end.

The server runs no thread, so forking it is safe. It ignores Ctrl-C (the batch stops the kernels itself) and
exits when its standard input closes, which happens when the batch ends, however it ends; a kernel whose
server is gone stops itself (ipykernel's parent poller, as for a kernel whose launcher died).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import select
import signal
import socket
import sys
import time
import traceback
from typing import Any

#: Imported once by the server, ahead of every notebook: the slow imports of the report notebooks.
PRELOAD = ("numpy", "pandas", "matplotlib", "matplotlib.pyplot", "matplotlib_inline.backend_inline", "PIL.Image",
           "jsonschema", "yaml", "IPython", "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell")
#: What ipykernel sets before a notebook imports matplotlib; set first so the server's matplotlib is the kernel's.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
MAX_REQUEST = 1 << 20
#: Variables a kernel's environment may set differently from the server's: the ones the batch and
#: jupyter_client give each kernel. Any other difference could change what the preloaded modules read when
#: they were imported, so such a kernel is refused (the batch then starts it cold).
PER_KERNEL = ("PAKCLAIMS_OUTPUT_DIR", "JPY_", "PYTHONEXECUTABLE", "PYTHONUNBUFFERED", "MPLBACKEND")


def environment_difference(server: dict[str, str], kernel: dict[str, str]) -> list[str]:
    """The variables (other than :data:`PER_KERNEL`) whose values differ between the two environments."""
    names = {k for k in server.keys() | kernel.keys() if server.get(k) != kernel.get(k)}
    return sorted(k for k in names if not k.startswith(PER_KERNEL))


def preload(names: tuple[str, ...] = PRELOAD) -> list[str]:
    """Import ``names`` (a missing one is skipped); returns the ones imported."""
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    done = []
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a library that is not installed is simply not preloaded
            continue
        done.append(name)
    return done


def _reap(*_: Any) -> None:
    """Collect every child that ended (SIGCHLD), so none is left a zombie."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def become_kernel(request: dict[str, Any], log_fd: int | None, closing: list[Any]) -> None:
    """In the forked child: set up the process as the launcher would, then run the kernel; never returns."""
    code = 1
    try:
        os.setsid()
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for thing in closing:
            with contextlib.suppress(Exception):
                thing.close()
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        out = log_fd if log_fd is not None else null
        os.dup2(out, 1)
        os.dup2(out, 2)
        for fd in {null, out} - {0, 1, 2}:
            os.close(fd)
        cwd = request["cwd"]
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ["JPY_PARENT_PID"] = str(os.getppid())  # the kernel stops itself if this server is gone
        os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
        sys.argv = [request.get("launcher", "ipykernel_launcher"), *request["args"]]
        if sys.path and sys.path[0] != cwd:
            sys.path[0] = cwd  # python -m puts the working folder first, so do the kernel's own imports
        from helpers import reads  # imported with this server, before the kernel's environment was set

        reads.install()  # records what the notebook reads, as importing helpers in a new kernel does
        numpy = sys.modules.get("numpy")
        if numpy is not None:  # the legacy global generator would otherwise repeat the server's stream
            numpy.random.seed()
        from ipykernel import kernelapp

        # ipykernel reads JPY_PARENT_PID when it is imported (here, by the server): say it on the command line
        kernelapp.launch_new_instance(argv=[*request["args"], f"--IPKernelApp.parent_handle={os.getppid()}"])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - whatever stops the kernel is written to its log
        with contextlib.suppress(Exception):
            traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            import atexit

            atexit._run_exitfuncs()
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def serve(path: str) -> int:
    """Preload, listen on ``path``, print ``ready``, and fork a kernel per request until stdin closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    started = time.monotonic()
    environment = dict(os.environ)
    loaded = preload()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    os.chmod(path, 0o600)
    listener.listen(64)
    signal.signal(signal.SIGCHLD, _reap)
    sys.stdout.write(json.dumps({"ready": True, "pid": os.getpid(), "preloaded": loaded,
                                 "seconds": round(time.monotonic() - started, 3)}) + "\n")
    sys.stdout.flush()
    stdin = sys.stdin.fileno()
    while True:
        readable, _, _ = select.select([listener, stdin], [], [])
        if stdin in readable and not os.read(stdin, 4096):
            return 0  # the batch is gone or done
        if listener not in readable:
            continue
        conn, _ = listener.accept()
        with conn:
            try:
                data, fds, _flags, _addr = socket.recv_fds(conn, MAX_REQUEST, 1)
                request = json.loads(data.decode("utf-8"))
                log_fd = fds[0] if fds else None
                differ = environment_difference(environment, request["env"])
                if differ:
                    if log_fd is not None:
                        os.close(log_fd)
                    raise ValueError(f"the kernel's environment differs from the fork server's in {', '.join(differ)}")
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    become_kernel(request, log_fd, [listener, conn])
                if log_fd is not None:
                    os.close(log_fd)
                conn.sendall(json.dumps({"pid": pid}).encode("utf-8") + b"\n")
            except Exception as exc:  # noqa: BLE001 - a bad request fails that kernel only; the batch starts it cold
                with contextlib.suppress(OSError):
                    conn.sendall(json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode("utf-8") + b"\n")


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers.batch.forkserver SOCKET``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m helpers.batch.forkserver SOCKET (started by the batch, not by hand)", file=sys.stderr)
        return 2
    return serve(args[0])


if __name__ == "__main__":
    sys.exit(main())
