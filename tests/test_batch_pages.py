"""Pages built in worker processes: the same files as in threads, a worker that dies fails its page only, the
register is read once per worker, and the index's PDF is written by a warm worker."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from batchkit import Project, fake_engine

from helpers.batch import pages
from helpers.batch.pages import PageBuilders

pytestmark = pytest.mark.slow


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


def published_names(project: Project, run: str) -> set[str]:
    return {p.name for p in (project.reports / "runs" / run).iterdir()}


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
        results[processes] = published_names(project, "one")
        assert {"report.html", "report.pdf", "tables.xlsx", "executed.ipynb", "run.json"} <= results[processes]
        assert (project.reports / "index.pdf").is_file()
        page = (project.reports / "runs" / "two" / "report.html").read_text()
        assert "The value" in page and 'href="report.pdf"' in page
    assert results[0] == results[2]


def test_a_worker_that_dies_fails_its_page_only_and_the_next_page_gets_a_new_worker(tmp_path: Path) -> None:
    builders = PageBuilders(processes=1)

    async def run() -> tuple:
        died = await builders.call(os._exit, 3)
        again = await builders.call(int, "7")
        return died, again

    try:
        died, again = asyncio.run(run())
    finally:
        builders.close()
    assert died.failure is not None and "the process building the page stopped" in died.failure[1]
    assert again == 7
    assert builders.pool is None and builders.closed


def test_threads_are_used_when_no_process_is_asked_for_or_after_close(tmp_path: Path) -> None:
    builders = PageBuilders(processes=0)
    assert asyncio.run(builders.call(os.getpid)) == os.getpid()
    builders = PageBuilders(processes=1)
    builders.close()
    assert asyncio.run(builders.call(os.getpid)) == os.getpid()


def test_each_worker_reads_the_register_once_per_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from helpers import companions, paths

    claims, context = tmp_path / "claims.csv", tmp_path / "context.csv"
    claims.write_text("id\nA\n")
    context.write_text("id\nF\n")
    monkeypatch.setattr(paths, "CLAIMS", claims)
    monkeypatch.setattr(paths, "CONTEXT", context)
    loads = []
    monkeypatch.setattr(companions, "load_register", lambda: loads.append(1) or ("claims", "context"))
    monkeypatch.setattr(pages, "_REGISTER", {})
    assert pages._register() == ("claims", "context")
    assert pages._register() == ("claims", "context") and len(loads) == 1
    claims.write_text("id\nA\nB\n")
    pages._register()
    assert len(loads) == 2
    claims.unlink()
    assert pages._register() is None  # prepare_run reads it itself and says what is wrong
