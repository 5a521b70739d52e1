"""Forked kernels (the command line's default on Linux): each notebook in a fresh kernel process forked from a
server that imported the slow libraries once; anything that cannot be forked starts cold, as before."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from batchkit import BEHAVE, FIXTURES, Project, pid_alive

from helpers.batch import cli, forked, forkserver
from helpers.batch.forked import ForkedProcess, ForkEngine, ForkServer, kernel_command
from helpers.batch.outcome import ExecRequest

pytestmark = pytest.mark.skipif(not forked.supported(), reason="forked kernels need Linux (fork, pidfd)")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


def request(tmp_path: Path, name: str, notebook: Path = BEHAVE, **parameters: object) -> ExecRequest:
    out = tmp_path / name
    out.mkdir(parents=True)
    return ExecRequest(notebook_path=notebook, parameters={**parameters, "output_dir": str(out)}, cwd=FIXTURES,
                       kernel_name="python3", timeout=60, notebook_timeout=120, output_dir=out,
                       kernel_log=out / "kernel.log")


@pytest.mark.slow
def test_each_notebook_runs_in_its_own_forked_kernel(project: Project) -> None:
    project.write_plan(f"""
        runs:
          - {{name: a, notebook: {BEHAVE}, parameters: {{value: 1}}}}
          - {{name: b, notebook: {BEHAVE}, parameters: {{value: 2}}}}
          - {{name: c, notebook: {BEHAVE}, parameters: {{value: 3}}}}
          - {{name: raises, notebook: {BEHAVE}, parameters: {{mode: raise}}}}
    """)
    engine = ForkEngine()
    summary, out, err = project.run(engine=engine, workers=2)
    assert {r.name: r.status for r in summary.results} == {"a": "ok", "b": "ok", "c": "ok", "raises": "failed"}, \
        out + err
    assert (engine.forked, engine.cold) == (4, 0)
    server_pid = engine.server.info["pid"] if engine.server and engine.server.info else None
    pids = {n: int((project.reports / "runs" / n / "started.txt").read_text()) for n in ("a", "b", "c")}
    assert len(set(pids.values())) == 3 and server_pid not in pids.values()  # a new process per notebook
    assert not any(pid_alive(pid) for pid in pids.values())  # each shut down after its notebook
    for name, value in (("a", 1.0), ("b", 2.0), ("c", 3.0)):
        figures = json.loads((project.reports / "runs" / name / "key_figures.json").read_text())
        assert figures["figures"][0]["value"] == value
    executed = json.loads((project.reports / "runs" / "a" / "executed.ipynb").read_text())
    code = [c for c in executed["cells"] if c["cell_type"] == "code"]
    assert code[0]["execution_count"] == 1
    assert any("running in notebooks" in "".join(o.get("text", "")) for c in code for o in c.get("outputs", []))
    assert "ValueError: bad value" in next(r.error for r in summary.results if r.name == "raises")
    assert engine.server is not None and engine.server.process is None  # the server ended with the batch


@pytest.mark.slow
def test_a_forked_kernel_that_dies_hangs_or_is_killed_fails_only_its_run(project: Project) -> None:
    project.write_plan(f"""
        runs:
          - {{name: ok, notebook: {BEHAVE}}}
          - {{name: dies, notebook: {BEHAVE}, parameters: {{mode: exit}}}}
          - {{name: hangs, notebook: {BEHAVE}, parameters: {{mode: sleep}}}}
    """)
    engine = ForkEngine()
    summary, out, err = project.run(engine=engine, workers=3, timeout=3)
    results = {r.name: r for r in summary.results}
    assert results["ok"].status == "ok", out + err
    assert "DeadKernelError" in results["dies"].error
    assert "CellTimeoutError" in results["hangs"].error
    for name in ("dies", "hangs"):
        pid = int((project.reports / "failed" / name / "started.txt").read_text())
        assert not pid_alive(pid)


def notebook_of(path: Path, *sources: str) -> Path:
    """A notebook with a parameters cell (output_dir) and ``sources`` as code cells."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("output_dir = ''", metadata={"tags": ["parameters"]}),
                *(nbformat.v4.new_code_cell(source) for source in sources)]
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nbformat.write(nb, path)
    return path


def run_forked(tmp_path: Path, notebook: Path, *names: str) -> tuple:
    """Execute ``notebook`` once per name (default one), each in a kernel forked from one server; (outcomes,
    engine)."""
    engine = ForkEngine()

    async def run() -> list:
        try:
            return [await engine(request(tmp_path, name, notebook)) for name in names or ("one",)]
        finally:
            await engine.aclose()

    return asyncio.run(run()), engine


@pytest.mark.slow
def test_a_forked_kernel_behaves_as_a_cold_one_for_plots_pipes_and_randomness(tmp_path: Path) -> None:
    notebook = notebook_of(
        tmp_path / "kernel.ipynb",
        "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])",  # the inline backend shows the figure
        "import os\nr, w = os.pipe()\nos.close(r)\ntry:\n    os.write(w, b'x')\nexcept BrokenPipeError:\n"
        "    print('broken pipe raised')",
        "import numpy, random\nprint('draws', numpy.random.randint(1 << 30), random.randint(0, 1 << 30))")
    outcomes, engine = run_forked(tmp_path, notebook, "one", "two")
    assert (engine.forked, engine.cold) == (2, 0)
    texts = []
    for outcome in outcomes:
        assert outcome.ok, outcome.evalue
        outputs = [o for c in outcome.nb.cells for o in c.get("outputs", [])]
        assert any("image/png" in o.get("data", {}) for o in outputs)
        text = "".join(o.get("text", "") for o in outputs)
        assert "broken pipe raised" in text
        texts.append(next(line for line in text.splitlines() if line.startswith("draws")))
    assert texts[0] != texts[1]  # each kernel forked from the same server draws its own random numbers


@pytest.mark.slow
def test_forked_kernel_reads_are_recorded_and_the_environment_is_the_batch_s(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The kernel records what it reads (helpers.reads), in the folder and environment the batch gives it."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "numbers.csv").write_text("id,value\nx,1\n")
    monkeypatch.setenv("PAKCLAIMS_DATA", str(data))
    notebook = notebook_of(tmp_path / "reads.ipynb",
                           "import os, helpers\nfrom helpers import paths\n"
                           "text = (paths.DATA / 'numbers.csv').read_text()\n"
                           "print(os.getcwd(), os.environ['PAKCLAIMS_OUTPUT_DIR'], text.count('x'))")
    (outcome,), engine = run_forked(tmp_path, notebook)
    assert outcome.ok, outcome.evalue
    assert (engine.forked, engine.cold) == (1, 0)
    printed = "".join(o.get("text", "") for c in outcome.nb.cells for o in c.get("outputs", []))
    assert printed.split() == [str(FIXTURES), str(tmp_path / "one"), "1"]
    reads = json.loads((tmp_path / "one" / "reads.json").read_text())
    assert str((data / "numbers.csv").resolve()) in reads["files"]


@pytest.mark.slow
def test_a_kernel_whose_environment_differs_from_the_server_s_starts_cold(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The preloaded modules read the server's environment when they were imported: a kernel asking for another
    one is started cold, and still runs."""
    engine = ForkEngine()

    async def run() -> list:
        try:
            first = await engine(request(tmp_path, "first"))
            monkeypatch.setenv("PAKCLAIMS_SOMETHING_ELSE", "1")
            second = await engine(request(tmp_path, "second"))
            return [first, second]
        finally:
            await engine.aclose()

    first, second = asyncio.run(run())
    assert first.ok and second.ok
    assert (engine.forked, engine.cold) == (1, 1)


@pytest.mark.slow
def test_a_server_that_cannot_start_means_cold_kernels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = ForkEngine(ForkServer(ready_timeout=0.001))  # never ready in time

    async def run() -> object:
        try:
            return await engine(request(tmp_path, "one"))
        finally:
            await engine.aclose()

    outcome = asyncio.run(run())
    assert outcome.ok and (engine.forked, engine.cold) == (0, 1)
    assert "did not get ready" in engine.server.failure
    monkeypatch.setattr(forked, "supported", lambda: False)
    server = ForkServer()
    assert not server.start() and "cannot fork" in server.failure


def test_only_this_python_s_ipykernel_command_is_forked(tmp_path: Path) -> None:
    me = sys.executable
    assert kernel_command([me, "-m", "ipykernel_launcher", "-f", "c.json"]) == ([], ["-f", "c.json"])
    assert kernel_command([me, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "c.json"]) == \
        (["-Xfrozen_modules=off"], ["-f", "c.json"])
    assert kernel_command([me, "-m", "ipykernel", "-f", "c.json"]) is None  # another launcher
    assert kernel_command(["/usr/bin/env", "-m", "ipykernel_launcher", "-f", "c.json"]) is None  # another program
    assert kernel_command([me, "-S", "-m", "ipykernel_launcher", "-f", "c.json"]) is None  # an option that matters
    assert kernel_command([me, "-m", "ipykernel_launcher"]) is None  # no connection file
    link = tmp_path / "python3"
    link.symlink_to(me)  # the same binary under another name may be another environment
    assert kernel_command([str(link), "-m", "ipykernel_launcher", "-f", "c.json"]) is None
    assert kernel_command(["R", "--slave", "-e", "IRkernel::main()", "--args", "c.json"]) is None


def test_environment_difference_ignores_what_each_kernel_gets() -> None:
    server = {"PATH": "/bin", "PAKCLAIMS_DATA": "/d", "PYTHONUNBUFFERED": "1"}
    kernel = {"PATH": "/bin", "PAKCLAIMS_DATA": "/d", "PAKCLAIMS_OUTPUT_DIR": "/o", "JPY_SESSION_NAME": "x"}
    assert forkserver.environment_difference(server, kernel) == []
    assert forkserver.environment_difference(server, {**kernel, "PAKCLAIMS_DATA": "/e", "MPLBACKEND": "agg"}) == \
        ["MPLBACKEND", "PAKCLAIMS_DATA"]  # matplotlib read MPLBACKEND when the server imported it


def test_a_forked_process_is_watched_and_signalled_through_its_pidfd() -> None:
    child = subprocess.Popen(["sleep", "30"])
    try:
        process = ForkedProcess(child.pid, os.pidfd_open(child.pid))
        assert process.poll() is None
        with pytest.raises(subprocess.TimeoutExpired):
            process.wait(timeout=0.1)
        process.kill()
        child.wait(timeout=10)  # reaped by its parent, as the server reaps what it forked
        assert process.wait(timeout=10) == 0 and process.poll() == 0  # asked to stop: a clean end
        assert process.pidfd is None  # let go once it ended
        process.send_signal(signal.SIGTERM)  # an ended process takes no signal (and raises nothing)
    finally:
        child.kill()
        child.wait()


def test_the_server_calls_functions_in_processes_of_their_own(tmp_path: Path) -> None:
    server = ForkServer(preload=("json",))
    try:
        process, result = server.call("os:getpid", ())
        process.wait(timeout=30)
        pid = forked.outcome(process, result)
        assert pid == process.pid and pid not in (os.getpid(), server.info["pid"])
        process, result = server.call("builtins:int", ("not a number",))
        process.wait(timeout=30)
        with pytest.raises(forked.ForkedWorkError, match="ValueError: invalid literal"):
            forked.outcome(process, result)
        process, result = server.call("time:sleep", (60,))
        process.kill()
        process.wait(timeout=30)
        with pytest.raises(forked.ForkedWorkError, match="ended without a result"):
            forked.outcome(process, result)
        assert not list(server.folder.glob("call-*"))  # nothing left behind
    finally:
        server.close()


@pytest.mark.slow
def test_a_kernel_whose_server_is_gone_stops_itself(tmp_path: Path) -> None:
    from jupyter_client.connect import write_connection_file
    from jupyter_client.manager import KernelManager

    options, _ = kernel_command(KernelManager(kernel_name="python3").kernel_spec.argv) or ([], [])
    connection, _ = write_connection_file(str(tmp_path / "kernel.json"))
    server = ForkServer(options)
    assert server.start(), server.failure
    process = server.fork(options, ["-f", connection], str(tmp_path), dict(os.environ), None)
    time.sleep(1.0)
    assert process.poll() is None  # the kernel runs
    server.close()  # as when the batch ends, however it ends
    assert process.wait(timeout=30) is not None  # the kernel saw its parent go and stopped
    assert server.process is None and server.folder is None


def test_the_command_line_chooses_how_kernels_start(project: Project) -> None:
    parser = cli.build_parser()
    engine = cli.options_from(parser.parse_args([])).engine
    assert isinstance(engine, ForkEngine) == forked.supported()
    assert type(cli.options_from(parser.parse_args(["--kernels", "warm"])).engine).__name__ == "WarmPool"
    assert type(cli.options_from(parser.parse_args(["--warm"])).engine).__name__ == "WarmPool"
    assert cli.options_from(parser.parse_args(["--kernels", "cold"])).engine.__name__ == "execute_notebook"
    assert cli.options_from(parser.parse_args(["--workers", "3"])).page_processes == 3
    code, _, err = project.cli("--kernels", "hot")
    assert code == 2 and "invalid choice: 'hot'" in err
    code, _, err = project.cli("--executor", "dask", "--warm")
    assert code == 2 and "a warm pool keeps kernels on this machine" in err
    code, _, err = project.cli("--warm", "--kernels", "cold")
    assert code == 2 and "give one of them" in err


def test_the_kernel_server_s_preload_reads_no_data_file() -> None:
    """Importing what a kernel server preloads opens nothing under data/ or seeds/: every data file a notebook
    reads is read in its own kernel, after the recorder starts."""
    code = ("import sys\nopened = []\n"
            "sys.addaudithook(lambda e, a: opened.append(str(a[0])) if e == 'open' and a else None)\n"
            "from helpers.batch.forkserver import KERNEL_PRELOAD, preload\nloaded = preload(KERNEL_PRELOAD)\n"
            "from helpers import paths\n"
            "print(len(loaded), [f for f in opened if f.startswith((str(paths.DATA), str(paths.SEEDS)))])\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    count, files = done.stdout.split(" ", 1)
    assert int(count) == len(forkserver.KERNEL_PRELOAD) and files.strip() == "[]", done.stderr


@pytest.mark.slow
def test_a_file_the_server_read_while_warming_up_counts_as_read_by_each_kernel(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache filled by the server (here the units table) spares the kernel the read: it is noted anyway."""
    import shutil

    from jupyter_client.kernelspec import KernelSpecManager

    from helpers import paths

    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(paths.UNITS, data / "units.csv")
    monkeypatch.setenv("PAKCLAIMS_DATA", str(data))
    options = (kernel_command(KernelSpecManager().get_kernel_spec("python3").argv) or ([], []))[0]
    engine = ForkEngine(ForkServer(options, warm="helpers.vocab:load_units"))
    notebook = notebook_of(tmp_path / "units.ipynb", "from helpers import vocab\nprint(len(vocab.load_units()) > 0)")

    async def run() -> object:
        try:
            return await engine(request(tmp_path, "one", notebook))
        finally:
            await engine.aclose()

    outcome = asyncio.run(run())
    assert outcome.ok and engine.forked == 1, outcome.evalue
    reads = json.loads((tmp_path / "one" / "reads.json").read_text())
    assert str((data / "units.csv").resolve()) in reads["files"]
