"""Pages built in processes forked from the batch's page server: the same files as in threads, a process that
dies fails its page only, and the index's PDF is written the same way."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from batchkit import Project, fake_engine

from helpers.batch import forked, pages
from helpers.batch.pages import PageBuilders

pytestmark = pytest.mark.slow
needs_fork = pytest.mark.skipif(not forked.supported(), reason="forked processes need Linux (fork, pidfd)")


@needs_fork
def test_pages_built_in_processes_are_those_built_in_threads(tmp_path: Path) -> None:
    results = {}
    for processes in (0, 2):
        (tmp_path / f"p{processes}").mkdir()
        project = Project(tmp_path / f"p{processes}")
        project.write_plan("""
            runs:
              - {name: one, notebook: behave.ipynb}
              - {name: two, notebook: behave.ipynb}
        """)
        summary, out, err = project.run(engine=fake_engine, page_processes=processes)
        assert summary.exit_code == 0, out + err
        results[processes] = {p.name for p in (project.reports / "runs" / "one").iterdir()}
        assert {"report.html", "report.pdf", "tables.xlsx", "executed.ipynb", "run.json"} <= results[processes]
        assert (project.reports / "index.pdf").read_bytes().startswith(b"%PDF")
        page = (project.reports / "runs" / "two" / "report.html").read_text()
        assert "The value" in page and 'href="report.pdf"' in page
        assert (project.reports / "runs" / "two" / "report.pdf").read_bytes().startswith(b"%PDF")
    assert results[0] == results[2]


@needs_fork
def test_the_page_server_warms_up_and_each_page_gets_a_process_of_its_own() -> None:
    builders = PageBuilders(processes=2)

    async def run() -> list:
        return list(await asyncio.gather(*(builders.call("os:getpid") for _ in range(3))))

    try:
        pids = asyncio.run(run())
        assert builders.server is not None and builders.server.info["warmed"] == pages.WARM
        assert len(set(pids)) == 3 and os.getpid() not in pids and builders.server.info["pid"] not in pids
    finally:
        builders.close()
    assert builders.server.process is None


@needs_fork
def test_a_page_whose_process_dies_fails_that_page_only() -> None:
    builders = PageBuilders(processes=1)

    async def run() -> tuple:
        with pytest.raises(forked.ForkedWorkError, match="ended without a result"):
            await builders.call("os:_exit", 3)
        with pytest.raises(forked.ForkedWorkError, match="ValueError"):
            await builders.call("builtins:int", "x")
        return await builders.call("builtins:int", "7")

    try:
        assert asyncio.run(run()) == 7
    finally:
        builders.close()


def test_threads_are_used_when_no_process_is_asked_for_or_after_close() -> None:
    builders = PageBuilders(processes=0)
    assert builders.server is None
    assert asyncio.run(builders.call("os:getpid")) == os.getpid()
    builders = PageBuilders(processes=1)
    builders.close()
    assert asyncio.run(builders.call("os:getpid")) == os.getpid()


def test_a_page_that_cannot_be_built_fails_with_the_reason(tmp_path: Path) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    (tmp_path / "report.html").mkdir()  # the page cannot be written there
    result = pages.build(nb, tmp_path, {"title": "t", "name": "n", "status": "failed"}, False, False)
    assert result.failure is not None and result.failure[0] == "render"
    assert "IsADirectoryError" in result.failure[1]
    assert (tmp_path / "executed.ipynb").is_file()  # the executed notebook is kept either way
