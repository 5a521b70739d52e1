"""The fork server: one process that imports the slow libraries once, then forks a fresh process for each piece of
work of a batch (``python -m helpers.batch.forkserver SOCKET PRELOAD [WARM]``).

Started by :class:`helpers.batch.forked.ForkServer`, one per batch and kind of work, it imports the modules
named in ``PRELOAD`` (comma-separated), runs ``WARM`` (``module:function``) if given, listens on a Unix socket
only its owner can reach and prints one JSON line saying it is ready. Each request is one JSON object:

* ``{"kind": "kernel", "args": [...], "cwd": ..., "env": {...}}`` forks a kernel that becomes exactly what
  ``python -m ipykernel_launcher ARGS`` would start: in its own session (so the batch can signal its process
  group), the requested folder and environment, stdin on ``/dev/null`` and stdout and stderr in the log file
  passed with the request (a file descriptor, over the socket);
* ``{"kind": "call", "target": "module:function", "args_file": ARGS, "result": PATH, "cwd": ..., "env": {...}}``
  forks a process that calls the function with the arguments pickled in ``ARGS`` and writes ``("ok", value)``
  or ``("error", type, message)`` to ``PATH`` (pickled) before it exits.

The answer is the child's pid, with a pidfd of the child passed back (opened here before the child can end and
be reaped, so it always names that child). A request whose environment differs from the server's in anything
but what each kernel is given (:data:`PER_KERNEL`) is refused: the preloaded modules read the server's
environment when they were imported. The batch then does the work another way (a cold kernel, a thread).

The server starts no thread of its own (a numerical library may keep one: OpenBLAS, which makes itself safe to
fork). It ignores Ctrl-C (the batch stops the work itself), reaps its children, and exits when its standard
input closes, which happens when the batch ends however it ends; a kernel whose server is gone stops itself
(ipykernel's parent poller, as for a kernel whose launcher died).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import pickle
import select
import signal
import socket
import sys
import time
import traceback
from typing import Any

#: Imported by a kernel server, ahead of every notebook: the slow imports of the report notebooks, and the
#: helpers modules they import (importing them reads no data file: a test checks it, and any file the server
#: opens while preloading counts as read by every kernel it forks). Not the inline matplotlib backend: it sets
#: itself up when imported in a kernel, so each kernel imports it.
KERNEL_PRELOAD = ("numpy", "pandas", "matplotlib", "matplotlib.pyplot", "PIL.Image", "jsonschema", "yaml",
                  "IPython", "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell",
                  "helpers.charts", "helpers.claims", "helpers.context", "helpers.fx", "helpers.gap",
                  "helpers.minerals", "helpers.outputs", "helpers.overview", "helpers.params", "helpers.paths",
                  "helpers.readscope", "helpers.restatements", "helpers.vocab")
#: What ipykernel sets before a notebook imports matplotlib; set first so the server's matplotlib is the kernel's.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
MAX_REQUEST = 1 << 20
#: Variables a request's environment may set differently from the server's: the ones the batch and
#: jupyter_client give each kernel. Any other difference could change what the preloaded modules read when
#: they were imported, so such a request is refused.
PER_KERNEL = ("PAKCLAIMS_OUTPUT_DIR", "JPY_", "PYTHONEXECUTABLE", "PYTHONUNBUFFERED")


def environment_difference(server: dict[str, str], kernel: dict[str, str]) -> list[str]:
    """The variables (other than :data:`PER_KERNEL`) whose values differ between the two environments."""
    names = {k for k in server.keys() | kernel.keys() if server.get(k) != kernel.get(k)}
    return sorted(k for k in names if not k.startswith(PER_KERNEL))


#: Files this server opened while it preloaded and warmed up (absolute paths): a kernel it forks notes them as
#: read, so what the server read on its behalf still counts among the kernel's inputs.
OPENED: set[str] = set()
_WATCHING = [False]


def _note_open(event: str, args: tuple[Any, ...]) -> None:
    if _WATCHING[0] and event == "open" and args and isinstance(args[0], str | os.PathLike):
        OPENED.add(os.path.abspath(os.fspath(args[0])))


def preload(names: tuple[str, ...] | list[str]) -> list[str]:
    """Import ``names`` (one that cannot be imported is skipped); returns the ones imported."""
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    done = []
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a library that is not installed is simply not preloaded
            continue
        done.append(name)
    return done


def resolve(target: str) -> Any:
    """The function named ``module:function``."""
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def _reap(*_: Any) -> None:
    """Collect every child that ended (SIGCHLD), so none is left a zombie."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _child_setup(request: dict[str, Any], log_fd: int | None, closing: list[Any]) -> None:
    """In a forked child: own session, default signals, no server sockets, stdio, folder and environment."""
    os.setsid()
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # SIGPIPE stays ignored, as Python sets it
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
    if sys.path and sys.path[0] != cwd:
        sys.path[0] = cwd  # python -m puts the working folder first, so do the child's own imports
    numpy = sys.modules.get("numpy")
    if numpy is not None:  # the legacy global generator would otherwise repeat the server's stream
        numpy.random.seed()


def become_kernel(request: dict[str, Any], log_fd: int | None, closing: list[Any]) -> None:
    """In the forked child: set up the process as the launcher would, run the kernel, then exit as Python does
    (``SystemExit``: threads joined, exit handlers run); never returns to the server's loop."""
    code: int | str | None = 1
    try:
        _child_setup(request, log_fd, closing)
        os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
        sys.argv = [request.get("launcher", "ipykernel_launcher"), *request["args"]]
        from helpers import reads  # imported with this server, before the kernel's environment was set

        if reads.install():  # records what the notebook reads, as importing helpers in a new kernel does
            for path in sorted(OPENED):  # and what the server read while preloading, on the kernel's behalf
                if path.startswith(reads.RECORDER.watched) and os.path.isfile(path):
                    reads.RECORDER.note_file(path)
        from ipykernel import kernelapp

        # ipykernel read JPY_PARENT_PID when this server imported it: say it on the command line
        kernelapp.launch_new_instance(argv=[*request["args"], f"--IPKernelApp.parent_handle={os.getppid()}"])
        code = 0
    except SystemExit as exc:
        code = exc.code
    except BaseException:  # noqa: BLE001 - whatever stops the kernel is written to its log
        with contextlib.suppress(Exception):
            traceback.print_exc()
    raise SystemExit(code)


def run_call(request: dict[str, Any], log_fd: int | None, closing: list[Any]) -> None:
    """In the forked child: call the requested function and write its outcome to the result file; then exit."""
    code = 1
    outcome: tuple[Any, ...] = ("error", "ForkError", "the work did not start")
    try:
        _child_setup(request, log_fd, closing)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the batch stops this work itself
        with open(request["args_file"], "rb") as handle:
            args = pickle.load(handle)
        outcome = ("ok", resolve(request["target"])(*args))
        code = 0
    except BaseException as exc:  # noqa: BLE001 - handed back to the batch, which fails that work only
        outcome = ("error", type(exc).__name__, str(exc))
        with contextlib.suppress(Exception):
            traceback.print_exc()
    try:
        with open(request["result"], "wb") as out:
            pickle.dump(outcome, out)
    except Exception:  # noqa: BLE001 - e.g. a value that cannot be pickled: say so instead
        with contextlib.suppress(Exception), open(request["result"], "wb") as out:
            pickle.dump(("error", "ForkError", "the result could not be handed back"), out)
        code = 1
    raise SystemExit(code)


def serve(path: str, names: list[str], warm: str = "") -> int:
    """Preload ``names``, run ``warm``, listen on ``path``, say ready, and fork per request until stdin closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    started = time.monotonic()
    environment = dict(os.environ)
    sys.addaudithook(_note_open)
    _WATCHING[0] = True
    loaded = preload(names)
    warmed = ""
    if warm:
        try:
            resolve(warm)()
            warmed = warm
        except Exception as exc:  # noqa: BLE001 - a warm-up that fails only costs its time
            print(f"[forkserver] warm-up {warm} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
    _WATCHING[0] = False
    gc.freeze()  # what the server made is left alone by the children's garbage collector (fewer copied pages)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    os.chmod(path, 0o600)
    listener.listen(64)
    signal.signal(signal.SIGCHLD, _reap)
    sys.stdout.write(json.dumps({"ready": True, "pid": os.getpid(), "preloaded": loaded, "warmed": warmed,
                                 "seconds": round(time.monotonic() - started, 3)}) + "\n")
    sys.stdout.flush()
    stdin = sys.stdin.fileno()
    while True:
        readable, _, _ = select.select([listener, stdin], [], [])
        if stdin in readable and not os.read(stdin, 4096):
            return 0  # the batch is gone or done
        if listener in readable:
            conn, _ = listener.accept()
            with conn:
                _answer(conn, listener, environment)


def _answer(conn: socket.socket, listener: socket.socket, environment: dict[str, str]) -> None:
    """Fork for one request and answer with the child's pid and pidfd (or an error)."""
    log_fd = None
    try:
        data, fds, _flags, _addr = socket.recv_fds(conn, MAX_REQUEST, 1)
        log_fd = fds[0] if fds else None
        request = json.loads(data.decode("utf-8"))
        differ = environment_difference(environment, request["env"])
        if differ:
            raise ValueError(f"the environment differs from the fork server's in {', '.join(differ)}")
        work = {"kernel": become_kernel, "call": run_call}[request["kind"]]
        sys.stdout.flush()
        sys.stderr.flush()
        signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGCHLD])  # not reaped before its pidfd is open
        try:
            pid = os.fork()
            if pid == 0:
                work(request, log_fd, [listener, conn])
            try:
                pidfd = os.pidfd_open(pid)
            except OSError:  # without a handle on it the batch could not stop it: it does not run
                os.kill(pid, signal.SIGKILL)
                raise
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGCHLD])
        try:
            socket.send_fds(conn, [json.dumps({"pid": pid}).encode("utf-8") + b"\n"], [pidfd])
        finally:
            os.close(pidfd)
    except Exception as exc:  # noqa: BLE001 - a bad request fails that work only; the batch does it another way
        with contextlib.suppress(OSError):
            conn.sendall(json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode("utf-8") + b"\n")
    finally:
        if log_fd is not None:
            with contextlib.suppress(OSError):
                os.close(log_fd)


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers.batch.forkserver SOCKET PRELOAD [WARM]``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (2, 3):
        print("usage: python -m helpers.batch.forkserver SOCKET MODULE,MODULE,... [module:function] "
              "(started by the batch, not by hand)", file=sys.stderr)
        return 2
    return serve(args[0], [n for n in args[1].split(",") if n], args[2] if len(args) == 3 else "")


if __name__ == "__main__":
    sys.exit(main())
