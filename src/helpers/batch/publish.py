"""Publishing: the reports directory checked before any kernel, staging folders, the atomic swap of a finished
folder into ``reports/runs/<name>/``, retiring reports (only with ``--prune``) and the index.

The index is built from what is published: every ``runs/*/`` folder with a report counts, described by its
``run.json`` (or, for a folder without one, by its ``key_figures.json``), so a damaged or lost manifest never
shrinks it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from helpers import manifest as mf
from helpers.batch.layout import (
    FAILED_DIR,
    INDEX_FILE,
    KEY_FIGURES_FILE,
    REPORT_FILE,
    RUN_RECORD_FILE,
    RUNS_DIR,
    STAGING_DIR,
)
from helpers.errors import PublishError, ReportsDirError
from helpers.files import sha256_file, write_atomic


def _probe(folder: Path) -> str:
    """'' when a file can be created in ``folder`` (made if missing), else the reason."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".write-test-", dir=folder)
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        return exc.strerror or str(exc)
    return ""


def check_reports_dir(reports_dir: Path) -> None:
    """Raise ReportsDirError unless the reports directory, its runs/ and failed/ folders can be written."""
    reason = _probe(reports_dir)
    if reason:
        raise ReportsDirError(
            f"{reports_dir}: cannot write the reports directory ({reason}). Nothing was run and no report was "
            "changed. Fix: make it writable, or pass --reports DIR (or set PAKCLAIMS_REPORTS)")
    bad = [(sub, why) for sub in (RUNS_DIR, FAILED_DIR) if (why := _probe(reports_dir / sub))]
    if bad:
        listed = "; ".join(f"{reports_dir / sub}: {why}" for sub, why in bad)
        raise ReportsDirError(
            f"cannot write {' and '.join(sub + '/' for sub, _ in bad)} in the reports directory ({listed}). "
            "Nothing was run and no report was changed. Fix: make those folders writable (a file in their "
            "place must go), or pass --reports DIR")


def prepare_staging(reports_dir: Path) -> Path:
    """An empty ``.staging`` folder in the reports directory (one a killed batch left behind is cleared)."""
    staging = reports_dir / STAGING_DIR
    try:
        if staging.exists() and not staging.is_dir():
            raise NotADirectoryError(20, "not a directory", str(staging))
        if staging.is_dir():
            shutil.rmtree(staging)  # left over from a batch that was killed; we hold the lock
        staging.mkdir(parents=True)
    except OSError as exc:
        raise ReportsDirError(
            f"{staging}: cannot create the staging folder ({exc.strerror or exc}). Nothing was run and no "
            f"report was changed. Fix: make {reports_dir} writable (remove a file named {staging.name} there)"
        ) from None
    return staging


def swap_into_place(src: Path, dest: Path, trash: Path) -> None:
    """Rename ``src`` to ``dest``: the old ``dest`` is renamed aside first, then deleted."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(src, 0o755)
    old: Path | None = None
    if dest.exists():
        old = Path(tempfile.mkdtemp(prefix=f"{dest.name}-old-", dir=trash))
        old.rmdir()
        os.rename(dest, old)
    try:
        os.rename(src, dest)
    except OSError:
        if old is not None:
            os.rename(old, dest)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def tables(folder: Path) -> list[str]:
    """CSV tables of a run folder, relative to it."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.csv") if p.is_file())


def file_hashes(folder: Path, prefix: str) -> dict[str, str]:
    """{prefix/relpath: sha256} of every file in a run folder but its run.json."""
    return {f"{prefix}/{p.relative_to(folder).as_posix()}": sha256_file(p)
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != RUN_RECORD_FILE}


def write_run_record(folder: Path, record: dict[str, Any]) -> None:
    """Write what the folder holds (run.json) into the folder, before it is published."""
    text = json.dumps(mf.published_record(record), indent=1, ensure_ascii=False, default=str) + "\n"
    (folder / RUN_RECORD_FILE).write_text(text, encoding="utf-8")


def published_runs(reports_dir: Path) -> dict[str, dict[str, Any]]:
    """{name: record} of every report folder under ``runs/``, from its run.json or its key figures."""
    out: dict[str, dict[str, Any]] = {}
    runs = reports_dir / RUNS_DIR
    if not runs.is_dir():
        return out
    for folder in sorted(p for p in runs.iterdir() if p.is_dir() and (p / REPORT_FILE).is_file()):
        name = folder.name
        try:
            record = mf.record_from_published(json.loads((folder / RUN_RECORD_FILE).read_text("utf-8")), name)
        except (OSError, ValueError):
            record = None
        if record is None:
            try:
                figures = mf.read_key_figures(folder / KEY_FIGURES_FILE)
            except ValueError:
                figures = None
            record = {"name": name, "title": name, "status": "ok", "html": f"{RUNS_DIR}/{name}/{REPORT_FILE}",
                      "key_figures": (figures or {}).get("figures"), "changes": [],
                      "tables": [f"{RUNS_DIR}/{name}/{t}" for t in tables(folder)]}
        out[name] = record
    return out


def index_manifest(manifest: dict[str, Any], reports_dir: Path) -> dict[str, Any]:
    """The manifest the index shows: its runs, plus every published report it does not know."""
    runs = dict(manifest.get("runs") or {})
    for name, record in published_runs(reports_dir).items():
        known = runs.get(name)
        if known is None:
            runs[name] = record
        elif not known.get("html"):  # a record that lost its link: the published folder has the report
            runs[name] = {**known, "html": record["html"],
                          "key_figures": known.get("key_figures") or record.get("key_figures")}
    return {**manifest, "runs": runs}


def write_index(reports_dir: Path, manifest: dict[str, Any],
                write_pdf: Callable[[Path, Path], Path] | None = None) -> str:
    """Rewrite index.html from the manifest and the published folders, then its companions (``write_pdf``
    writes its PDF: the batch's page builders); returns an error text instead of raising."""
    shown = index_manifest(manifest, reports_dir)
    problem = ""
    try:
        from helpers.companions import INDEX_DOWNLOADS, index_view, load_register
        from helpers.render import render_index

        register = None
        try:  # the claims at a glance, data revisions, non-default settings (helpers.companions)
            # read once for the index and its companions (not validated again when the input check passed it)
            register = load_register(checked=bool((manifest.get("batch") or {}).get("register_checked")))
            view = index_view(reports_dir, shown, register)
        except PublishError as exc:
            view, problem = {}, f"index shows no findings: {exc}"
        downloads = (*INDEX_DOWNLOADS, *(manifest.get("sweeps") or []))  # and the sweeps' comparison tables
        write_atomic(reports_dir / INDEX_FILE, render_index(shown, downloads=downloads, **view))
    except Exception as exc:  # noqa: BLE001 - the reports are published; a broken index is reported
        return f"index.html not updated: {type(exc).__name__}: {exc}"
    try:  # companions of the index: claims.jsonld and index.pdf (helpers.companions)
        from helpers import companions

        if companions.index_companions_current(reports_dir, shown):
            return problem  # nothing ran: the claim reviews and the PDF of the last batch still hold
        companions.publish_index(reports_dir, shown, INDEX_FILE, register, write_pdf)
    except PublishError as exc:
        return f"index companions not updated: {exc}"
    return problem


def unplanned(reports_dir: Path, manifest: dict[str, Any], planned: Iterable[str]) -> list[str]:
    """Runs recorded or published (in runs/ or failed/) that the plan no longer names."""
    keep = set(planned)
    names = set(manifest.get("runs") or {})
    for sub in (RUNS_DIR, FAILED_DIR):
        folder = reports_dir / sub
        if folder.is_dir():
            names.update(p.name for p in folder.iterdir() if p.is_dir())
    return sorted(n for n in names if n not in keep)


def retire(reports_dir: Path, manifest: dict[str, Any], names: Iterable[str]) -> list[str]:
    """Delete the report folders and manifest records of ``names`` (``--prune``); returns those retired."""
    done = []
    for name in names:
        manifest.get("runs", {}).pop(name, None)
        for sub in (RUNS_DIR, FAILED_DIR):
            shutil.rmtree(reports_dir / sub / name, ignore_errors=True)
        done.append(name)
    return done
