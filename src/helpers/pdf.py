"""PDF copies of the published pages, written beside their HTML with WeasyPrint.

WeasyPrint lays out HTML and CSS for paged media itself (no browser, no JavaScript), honours the pages'
print stylesheet (``@page`` size, margins and page numbers, repeated table headers, break rules) and
renders the embedded SVG charts as vectors with their text kept as text. It needs the Pango library from
the system (``libpango-1.0-0``, ``libpangoft2-1.0-0``, ``libharfbuzz-subset0`` on Debian); a clear error
says so when it is missing.

Nothing is fetched while converting: only ``data:`` addresses are loaded (the pages embed everything), and
a page's relative links (``gap.csv``) stay relative, so they point beside the PDF wherever it is copied.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from helpers.errors import PublishError
from helpers.files import write_atomic

#: Debian packages WeasyPrint loads at run time (pip cannot install them).
SYSTEM_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0")
#: Rows of one table a PDF prints; a longer table prints these and says that the page has the rest. Laying out
#: a row takes WeasyPrint about 20 ms, so a 1,000-claim register would otherwise be 137 pages and a minute.
PRINT_ROWS = 100


def shorten_tables(root: Any, limit: int = PRINT_ROWS, page: str = "the web page") -> int:
    """Cut every table of the parsed page ``root`` to ``limit`` body rows, ending it with a row that says how many
    were left out and that ``page`` has them; returns the number of tables cut."""
    cut = 0
    for table in root.iter("table"):
        bodies = [child for child in table if child.tag == "tbody"] or [table]
        rows = [(body, row) for body in bodies for row in body if row.tag == "tr"]
        if len(rows) <= limit:
            continue
        for body, row in rows[limit:]:
            body.remove(row)
        widths = [sum(int(cell.get("colspan") or 1) for cell in row if cell.tag in ("td", "th"))
                  for _, row in rows[:limit]]
        note = ElementTree.SubElement(rows[limit - 1][0], "tr", {"class": "pk-print-more"})
        cell = ElementTree.SubElement(note, "td", {"colspan": str(max(widths, default=1))})
        cell.text = (f"{len(rows) - limit:,} more rows are left out of this PDF, which prints the first {limit:,}: "
                     f"{page} has them all.")
        cut += 1
    return cut


def _weasyprint():  # -> module weasyprint
    try:
        import weasyprint
    except OSError as exc:  # the Python package is there, the system library is not
        raise PublishError(
            f"PDF: WeasyPrint cannot load a system library ({exc}). Fix: install them with "
            f"`apt-get install -y {' '.join(SYSTEM_PACKAGES)}` (Debian/Ubuntu), then rerun"
        ) from None
    return weasyprint


def pdf_bytes(html: str, page: str = "the web page") -> bytes:
    """``html`` (a self-contained page) laid out as an A4 PDF by its print stylesheet; tables longer than
    :data:`PRINT_ROWS` rows print their first rows and say that ``page`` has the rest."""
    weasyprint = _weasyprint()
    from weasyprint.urls import URLFetcher

    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.ERROR)  # browser-only CSS (details-content, text-size-adjust) is ignored on purpose
    try:
        document = weasyprint.HTML(string=html, base_url=None, url_fetcher=URLFetcher(allowed_protocols={"data"}))
        shorten_tables(document.etree_element, PRINT_ROWS, page)  # before layout reads the tree
        return document.write_pdf(pdf_tags=True)
    finally:
        logger.setLevel(level)


def write_pdf(html_path: str | Path, pdf_path: str | Path | None = None) -> Path:
    """Write the page at ``html_path`` as PDF to ``pdf_path`` (default: beside it, ``.pdf``); returns the path.

    The file is replaced atomically: a failure leaves the previous PDF in place. Raises ``PublishError``
    when the page cannot be read or converted.
    """
    source = Path(html_path)
    target = Path(pdf_path) if pdf_path is not None else source.with_suffix(".pdf")
    try:
        html = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise PublishError(f"PDF: cannot read {source} ({exc.strerror or exc}). Fix: render the page first") from None
    try:
        data = pdf_bytes(html, f"the page {source.name}")
    except PublishError:
        raise
    except Exception as exc:
        raise PublishError(f"PDF: {source} could not be converted ({type(exc).__name__}: {exc}). "
                           "Fix: check the page opens in a browser; report the error with the page") from exc
    return write_atomic(target, data)
