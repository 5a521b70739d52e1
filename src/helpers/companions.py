"""Files published beside every report and beside the index: PDF, workbook and claim reviews.

The batch's publish step calls, for each successful run, ``prepare_run(folder, meta)`` before rendering
the page (it writes the workbook and returns the page's download links and ClaimReview JSON-LD for
``render_report``) and ``write_run_pdf(html)`` after; once the index is written, ``publish_index`` writes
``index.pdf`` and ``claims.jsonld`` beside it. Every failure is a ``PublishError`` naming the file and
the fix. PDF conversions run one at a time (the batch renders in threads).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
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


def load_register() -> tuple[Any, Any]:
    """The register's claims and the context figures (``helpers.claims`` / ``helpers.context`` loaders)."""
    from helpers import claims, context

    try:
        return claims.load_claims(), context.load_context()
    except ProjectError as exc:
        raise PublishError(f"sources of the report cannot be read: {exc}") from None


def _by_id(claims: Any) -> dict[str, Mapping[str, Any]]:
    return {str(row["id"]): row for row in claims.to_dict("records")}


def prepare_run(folder: str | Path, meta: Mapping[str, Any], register: tuple[Any, Any] | None = None) -> dict:
    """Write ``folder``'s workbook and return what its page adds to ``meta``: ``downloads`` and ``jsonld``."""
    claims, context = register or load_register()
    folder = Path(folder)
    workbook.write_report_workbook(folder, claims, context, title=str(meta.get("title") or ""))
    reviews = claimreview.reviews_for_run(folder, _by_id(claims), str(meta.get("run_started") or "")[:10])
    return {"downloads": [dict(d) for d in RUN_DOWNLOADS], "jsonld": reviews}


def write_run_pdf(html_path: str | Path) -> Path:
    """The PDF of a rendered page, beside it as ``report.pdf`` (or ``<name>.pdf``)."""
    with _pdf_lock:
        return pdf.write_pdf(html_path)


def publish_index(reports_dir: str | Path, manifest: Mapping[str, Any], index_file: str = "index.html",
                  register: tuple[Any, Any] | None = None) -> list[Path]:
    """Write ``claims.jsonld`` (every claim's review; findings from the successful runs in the manifest) and
    the index's PDF beside ``index_file`` in ``reports_dir``; returns the paths written."""
    reports_dir = Path(reports_dir)
    claims, _ = register or load_register()
    runs = []
    for run in sorted((manifest.get("runs") or {}).values(), key=lambda r: str(r.get("name", ""))):
        html = run.get("html")
        if run.get("status") == "ok" and html and (reports_dir / html).is_file():
            runs.append(((reports_dir / html).parent, str(html), str(run.get("last_success") or "")[:10]))
    document = claimreview.register_reviews(runs, _by_id(claims))
    written = [claimreview.write_register(reports_dir / claimreview.REGISTER_FILE, document)]
    with _pdf_lock:
        written.append(pdf.write_pdf(reports_dir / index_file, reports_dir / INDEX_PDF))
    return written
