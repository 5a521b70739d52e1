"""Files published beside every report and beside the index: PDF, workbook and claim reviews.

The batch's publish step calls, for each successful run, ``prepare_run(folder, meta)`` before rendering
the page (it writes the workbook and returns the page's download links and ClaimReview JSON-LD for
``render_report``) and ``write_run_pdf(html)`` after; once the index is written, ``publish_index`` writes
``index.pdf`` and ``claims.jsonld`` beside it. Every failure is a ``PublishError`` naming the file and
the fix. The batch builds each page in a process of its own (``helpers.batch.pages``); where it builds them in
threads, PDF conversions run one at a time (WeasyPrint is not shared between threads).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from helpers import claimreview, pdf, workbook
from helpers.errors import ProjectError, PublishError

PDF_FILE = "report.pdf"
INDEX_PDF = "index.pdf"
#: Links a report's head and run details show: its PDF and its workbook.
RUN_DOWNLOADS = ({"href": PDF_FILE, "label": "PDF", "kind": "pdf"},
                 {"href": workbook.WORKBOOK_FILE, "label": "workbook (Excel)", "kind": "xlsx"})
#: Links the index shows: its PDF and the claim reviews of the whole register.
INDEX_DOWNLOADS = ({"href": INDEX_PDF, "label": "PDF", "kind": "pdf"},
                   {"href": claimreview.REGISTER_FILE, "label": "claim reviews (JSON-LD)", "kind": "jsonld"})
_pdf_lock = threading.Lock()


def load_register(checked: bool = False) -> tuple[Any, Any]:
    """The register's claims and the context figures (``helpers.claims`` / ``helpers.context`` loaders).

    ``checked``: the register is known to be valid (a batch that ran nothing: it is byte for byte the one the
    last batch checked), so its rows are read without validating them again."""
    from helpers import claims, context

    try:
        if checked:
            from helpers import paths
            from helpers.claims.register import frame_of, read_register_rows

            problems: list[Any] = []
            rows = read_register_rows(paths.CLAIMS, problems)
            if not problems:
                return frame_of(rows), context.load_context()
        return claims.load_claims(), context.load_context()
    except ProjectError as exc:
        raise PublishError(f"sources of the report cannot be read: {exc}") from None


def _by_id(claims: Any) -> dict[str, Mapping[str, Any]]:
    return {str(row["id"]): row for row in claims.to_dict("records")}


def prepare_run(folder: str | Path, meta: Mapping[str, Any], register: tuple[Any, Any] | None = None) -> dict:
    """Write ``folder``'s workbook and return what its page adds to ``meta``: ``downloads``, ``jsonld``, the
    ``findings``, ``summary`` and ``headline`` figures it opens with and the ``sources`` it ends with."""
    from helpers import glance, sources

    claims, context = register or load_register()
    folder = Path(folder)
    by_id = _by_id(claims)
    try:
        workbook.write_report_workbook(folder, claims, context, title=str(meta.get("title") or ""))
        reviews = claimreview.reviews_for_run(folder, by_id, str(meta.get("run_started") or "")[:10])
        findings = [glance.finding_view(f, by_id[f.claim_id]) for f in claimreview.findings_in_run(folder, by_id)]
        used = glance.page_sources(sources.report_sources(folder, claims, context))
    except ProjectError as exc:  # the articles table, read for the sources
        raise PublishError(f"sources of the report cannot be read: {exc}") from None
    names = {claim_id: str(row.get("subject") or claim_id) for claim_id, row in by_id.items()}
    headline, total = glance.headline_figures(folder, names=names)
    from helpers.outputs import read_summary

    return {"downloads": [dict(d) for d in RUN_DOWNLOADS], "jsonld": reviews, "findings": findings,
            "summary": read_summary(folder), "headline": headline, "headline_total": total, "sources": used}


def index_view(reports_dir: str | Path, manifest: Mapping[str, Any],
               register: tuple[Any, Any] | None = None) -> dict[str, Any]:
    """What the index shows besides its runs (keyword arguments of ``helpers.render.render_index``): every
    claim at a glance, the data revisions, each run's parameters that differ from its notebook's, and the
    claims' subjects by id (for key figure labels)."""
    from helpers import glance, params, paths, restatements, snapshots

    reports_dir = Path(reports_dir)
    claims, _ = register or load_register()
    runs = []
    for run in sorted((manifest.get("runs") or {}).values(), key=lambda r: str(r.get("name", ""))):
        html = run.get("html")
        if run.get("status") == "ok" and html and (reports_dir / html).is_file():
            runs.append(((reports_dir / html).parent, str(html)))
    try:
        rows = glance.glance_rows(runs, _by_id(claims))
    except ProjectError as exc:
        raise PublishError(f"the claims at a glance cannot be listed: {exc}") from None
    try:
        frame = snapshots.load_all()
        series = {(str(r["source"]), str(r["series_code"])): (str(r["measure"]), str(r["unit"]))
                  for r in frame.drop_duplicates(["source", "series_code"]).to_dict("records")}
        revisions, total = glance.revision_rows(snapshots.revisions_since(None), series)
    except (ProjectError, OSError, ValueError, KeyError) as exc:
        raise PublishError(f"the data revisions cannot be listed: {exc}. Fix: check data/snapshots/") from None
    settings: dict[str, list[tuple[str, str, str]]] = {}
    for run in (manifest.get("runs") or {}).values():
        notebook = paths.NOTEBOOKS / str(run.get("notebook") or "")
        if not run.get("parameters") or not notebook.is_file():
            continue
        try:
            changed = glance.non_default_parameters(run["parameters"], params.read_parameters(notebook),
                                                    params.parameter_schema(notebook))
        except (ProjectError, OSError, ValueError):
            continue  # a notebook that cannot be read: the run's own page lists its parameters
        if changed:
            settings[str(run.get("name"))] = changed
    names = {str(row["id"]): str(row.get("subject") or row["id"]) for row in claims.to_dict("records")}
    try:
        restated = restatements.index_table(claims=claims)
    except (ProjectError, OSError, ValueError, KeyError) as exc:
        raise PublishError(f"the targets' restatements cannot be listed: {exc}. Fix: run make check") from None
    return {"glance": rows, "revisions": revisions, "revisions_total": total, "settings": settings,
            "names": names, "restated": restated}


def write_run_pdf(html_path: str | Path) -> Path:
    """The PDF of a rendered page, beside it as ``report.pdf`` (or ``<name>.pdf``)."""
    with _pdf_lock:
        return pdf.write_pdf(html_path)


def index_companions_current(reports_dir: str | Path, manifest: Mapping[str, Any]) -> bool:
    """True when a batch ran nothing (every run skipped, nothing retired) and ``claims.jsonld`` and the index's
    PDF are both in place: they were written from the same reports, so the batch keeps them (a PDF takes
    seconds, most of a no-op rerun, and delays stopping on a signal)."""
    batch = manifest.get("batch") or {}
    reports_dir = Path(reports_dir)
    return (bool(batch.get("nothing_changed")) and not batch.get("retired")
            and (reports_dir / claimreview.REGISTER_FILE).is_file() and (reports_dir / INDEX_PDF).is_file())


def publish_index(reports_dir: str | Path, manifest: Mapping[str, Any], index_file: str = "index.html",
                  register: tuple[Any, Any] | None = None,
                  write_pdf: Callable[[Path, Path], Path] | None = None) -> list[Path]:
    """Write ``claims.jsonld`` (every claim's review; findings from the successful runs in the manifest) and
    the index's PDF beside ``index_file`` in ``reports_dir`` (with ``write_pdf``, default
    :func:`helpers.pdf.write_pdf`); returns the paths written."""
    reports_dir = Path(reports_dir)
    claims, _ = register or load_register()
    runs = []
    for run in sorted((manifest.get("runs") or {}).values(), key=lambda r: str(r.get("name", ""))):
        html = run.get("html")
        if run.get("status") == "ok" and html and (reports_dir / html).is_file():
            runs.append(((reports_dir / html).parent, str(html), str(run.get("last_success") or "")[:10]))
    try:
        document = claimreview.register_reviews(runs, _by_id(claims))
    except ProjectError as exc:  # the articles table, read for each claim's first appearance
        raise PublishError(f"claim reviews cannot be written: {exc}") from None
    written = [claimreview.write_register(reports_dir / claimreview.REGISTER_FILE, document)]
    with _pdf_lock:
        written.append((write_pdf or pdf.write_pdf)(reports_dir / index_file, reports_dir / INDEX_PDF))
    return written
