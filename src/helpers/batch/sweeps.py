"""The comparison table of a sweep (``foreach: {grid: ...}`` in the plan): one row per grid point.

Each row holds the point's values, the run's status and the value of every key figure of its last successful
run, so the grid's results read side by side. Written after every batch as ``sweeps/<name>.csv`` (for
spreadsheets; formula-like text neutralised) and ``sweeps/<name>.html`` (a static page: no script, nothing
from the network), both linked from the index. No pandas: a no-op batch stays light.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from helpers.files import write_atomic, write_rows
from helpers.plan import Run

SWEEPS_DIR = "sweeps"


def comparison(runs: list[Run], manifest: dict[str, Any]) -> dict[str, tuple[list[str], list[dict[str, Any]]]]:
    """{sweep name: (columns, rows)} of the plan's sweeps, from the manifest's records."""
    out: dict[str, tuple[list[str], list[dict[str, Any]]]] = {}
    for run in runs:
        if not run.sweep:
            continue
        columns, rows = out.setdefault(run.sweep, (["run", *run.point, "status"], []))
        record = (manifest.get("runs") or {}).get(run.name) or {}
        row: dict[str, Any] = {"run": run.name, **run.point, "status": record.get("status") or "not run"}
        for fig in record.get("key_figures") or []:
            label = f"{fig.get('label') or fig.get('name')}" + (f" ({fig['unit']})" if fig.get("unit") else "")
            if label not in columns:
                columns.append(label)
            row[label] = fig.get("value")
        rows.append(row)
    return out


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return "" if value is None else str(value)


def page(name: str, columns: list[str], rows: list[dict[str, Any]]) -> str:
    """The comparison table as a static HTML page (every cell escaped)."""
    from helpers.render import CSP

    head = "".join(f"<th scope=\"col\">{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(r.get(c)))}</td>" for c in columns) + "</tr>\n"
                   for r in rows)
    title = html.escape(f"Sweep {name}: key figures across the grid")
    policy = html.escape(CSP, quote=False)
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\"><title>{title}</title>"
            "<style>body{font-family:sans-serif;margin:2rem}table{border-collapse:collapse}"
            "td,th{border-bottom:1px solid #ccc;padding:.3rem .6rem;text-align:right}</style></head><body>"
            f"<h1>{title}</h1><p><a href=\"../index.html\">All reports</a> &middot; "
            f"<a href=\"{html.escape(name)}.csv\">CSV</a></p>\n<table><thead><tr>{head}</tr></thead><tbody>\n"
            f"{body}</tbody></table></body></html>\n")


def write_tables(reports_dir: Path, runs: list[Run], manifest: dict[str, Any]) -> list[dict[str, str]]:
    """Write every sweep's CSV and page; their links for the index ({"href", "label", "kind"})."""
    links = []
    for name, (columns, rows) in comparison(runs, manifest).items():
        folder = reports_dir / SWEEPS_DIR
        folder.mkdir(exist_ok=True)
        write_rows(folder / f"{name}.csv", columns, rows)
        write_atomic(folder / f"{name}.html", page(name, columns, rows))
        links.append({"href": f"{SWEEPS_DIR}/{name}.html", "label": f"sweep {name} (table)", "kind": "sweep"})
    return links
