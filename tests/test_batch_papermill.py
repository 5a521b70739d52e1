"""Any papermill notebook runs in the batch as papermill runs it: the same outcome for a plain notebook, an
early ``sys.exit(0)``, a bare ``raise SystemExit()`` and ``sys.exit(1)``; ``output_dir`` is injected only where
declared (the others find their folder in PAKCLAIMS_OUTPUT_DIR); a kernel whose port was taken is retried.
"""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path

import papermill
import pytest
from batchkit import FIXTURES, PLAIN, Project

from helpers.batch.engine import execute_notebook
from helpers.batch.outcome import ExecRequest

pytestmark = pytest.mark.slow


def papermill_outcome(how: str, tmp_path: Path) -> str:
    """'ok' or 'failed', as papermill itself ends the notebook."""
    try:
        papermill.execute_notebook(str(PLAIN), str(tmp_path / f"pm-{how}.ipynb"), parameters={"how": how},
                                   cwd=str(tmp_path), progress_bar=False, kernel_name="python3")
    except papermill.PapermillExecutionError:
        return "failed"
    return "ok"


def test_the_batch_follows_papermills_outcome_for_every_ending(tmp_path: Path) -> None:
    endings = ("finish", "exit0", "bare", "exit1")
    expected = {how: papermill_outcome(how, tmp_path) for how in endings}
    assert expected == {"finish": "ok", "exit0": "ok", "bare": "ok", "exit1": "failed"}  # papermill's own rules
    (tmp_path / "project").mkdir()
    project = Project(tmp_path / "project")
    project.write_plan("runs:\n" + "".join(f"  - {{name: {how}, notebook: {PLAIN}, parameters: {{how: {how}}}}}\n"
                                           for how in endings))
    summary, _, _ = project.run()
    assert {r.name: r.status for r in summary.results} == expected
    assert summary.exit_code == 1 and "SystemExit: 1" in {r.name: r for r in summary.results}["exit1"].error
    finish = project.reports / "runs" / "finish"
    assert (finish / "finished.txt").read_text() == "finish"  # its staging folder came through the environment
    executed = json.loads((finish / "executed.ipynb").read_text())
    injected = next(c for c in executed["cells"] if "injected-parameters" in c["metadata"]["tags"])
    assert "output_dir" not in "".join(injected["source"])  # not declared, so not injected
    for how in ("exit0", "bare"):
        assert (project.reports / "runs" / how / "report.html").is_file()
        assert not (project.reports / "runs" / how / "finished.txt").exists()  # stopped early, as in papermill


def test_a_name_the_parameters_cell_does_not_declare_stops_the_notebook_under_plain_papermill(tmp_path: Path):
    out = tmp_path / "out.ipynb"
    with pytest.raises(papermill.PapermillExecutionError) as info:
        papermill.execute_notebook(str(FIXTURES / "checked.ipynb"), str(out), parameters={"horizon_yrs": 15},
                                   cwd=str(FIXTURES), progress_bar=False, kernel_name="python3")
    assert "unknown parameter 'horizon_yrs' (value: 15). Fix: did you mean 'horizon_years'?" in str(info.value)
    nb = json.loads(out.read_text())
    assert info.value.cell_index == 2 and not nb["cells"][-1].get("outputs")  # stopped at its first cell
    with pytest.raises(papermill.PapermillExecutionError, match="is not after 'base_year' = 2030"):
        papermill.execute_notebook(str(FIXTURES / "checked.ipynb"), str(out),
                                   parameters={"base_year": 2030, "target_year": 2020}, cwd=str(FIXTURES),
                                   progress_bar=False, kernel_name="python3")
    papermill.execute_notebook(str(FIXTURES / "checked.ipynb"), str(out), parameters={"horizon_years": 15},
                               cwd=str(FIXTURES), progress_bar=False, kernel_name="python3")


def test_a_kernel_whose_port_was_taken_is_started_once_more(tmp_path: Path) -> None:
    from jupyter_client.manager import AsyncKernelManager

    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    made: list[AsyncKernelManager] = []

    def manager(kernel_name: str) -> AsyncKernelManager:
        km = AsyncKernelManager(kernel_name=kernel_name, cache_ports=False)
        if not made:
            km.shell_port = busy.getsockname()[1]  # another program took it between choice and bind
        made.append(km)
        return km

    log = tmp_path / "kernel.log"
    request = ExecRequest(notebook_path=PLAIN, parameters={"how": "finish"}, cwd=tmp_path, kernel_name="python3",
                          timeout=60, notebook_timeout=120, output_dir=tmp_path, kernel_log=log)
    try:
        outcome = asyncio.run(execute_notebook(request, manager_factory=manager))
    finally:
        busy.close()
    assert len(made) == 2 and outcome.ok, outcome.error
    assert "Address already in use" in log.read_text(errors="replace")
    assert (tmp_path / "finished.txt").read_text() == "finish"


def test_a_retried_kernel_leaves_no_exit_hook_that_fails_when_python_exits(tmp_path: Path) -> None:
    """The port-taken retry in a process of its own: it must end without 'Exception ignored in atexit'."""
    import subprocess
    import sys

    script = f"""
import asyncio, socket
from pathlib import Path
from jupyter_client.manager import AsyncKernelManager
from helpers.batch.engine import execute_notebook
from helpers.batch.outcome import ExecRequest
busy = socket.socket(); busy.bind(("127.0.0.1", 0)); busy.listen()
made = []
def manager(name):
    km = AsyncKernelManager(kernel_name=name, cache_ports=False)
    if not made:
        km.shell_port = busy.getsockname()[1]
    made.append(km)
    return km
out = Path({str(tmp_path)!r})
request = ExecRequest(notebook_path=Path({str(PLAIN)!r}), parameters={{"how": "finish"}}, cwd=out,
                      kernel_name="python3", timeout=60, notebook_timeout=120, output_dir=out,
                      kernel_log=out / "kernel.log")
print("ok" if asyncio.run(execute_notebook(request, manager_factory=manager)).ok and len(made) == 2 else "failed")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.stdout.strip() == "ok", done.stderr
    assert "Exception ignored" not in done.stderr and "Traceback" not in done.stderr, done.stderr
