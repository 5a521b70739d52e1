"""HTML for published reports: one self-contained page per run, and the index of all runs.

Pages make no network request and run no script: the nbconvert template (``templates/pakclaims``) drops
the lab template's CDN loads (require.js, MathJax, mermaid, widgets), images are embedded as ``data:``
URIs, and every page carries a Content-Security-Policy that forbids any other load as a second line of
defence. Every value from run metadata or the manifest is HTML-escaped (Jinja autoescape).

nbconvert and Jinja are imported inside the functions, so ``import helpers.render`` stays cheap.
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from helpers import paths, text

if TYPE_CHECKING:
    import nbformat

#: Policy of every page: nothing from the network, no script; inline styles and data: images only.
CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'none'; "
    "base-uri 'none'; form-action 'none'"
)
#: Tag render_report puts on the cell that raised, so the template marks it.
FAILED_CELL_TAG = "pakclaims-failed-cell"
#: Cells removed from every report: parameters (the banner shows them) and papermill's own error
#: markers (the banner and the marked cell replace them).
HIDDEN_CELL_TAGS = frozenset(
    {"parameters", "injected-parameters", "remove-cell", "papermill-error-cell-tag", "failed-cell-marker"}
)
REMOVE_OUTPUT_TAGS = frozenset({"remove-output"})
REMOVE_INPUT_TAGS = frozenset({"remove-input"})

NBCONVERT_TEMPLATE = "pakclaims"
_PAGES = paths.TEMPLATES / "pages"


# --------------------------------------------------------------------------------------------------
# Number, time and duration formatting


def format_value(value: float | None, unit: str = "") -> str:
    """A key figure as the index writes it: exactly as its report writes it (``helpers.text.amount``), e.g.
    ``0.367, "fraction/yr"`` -> "36.7% a year", ``2e9, "USD"`` -> "$2.0 billion"."""
    if isinstance(value, bool):
        return str(value)
    return text.amount(value, unit or "")


def format_time(iso: str | None) -> str:
    """``"2026-01-29T14:03:22+00:00"`` -> ``"2026-01-29 14:03 UTC"``; unparseable text is returned as is."""
    if not iso:
        return "never"
    try:
        moment = datetime.fromisoformat(str(iso).replace("Z", "+00:00"))
    except ValueError:
        return str(iso)
    shown = moment.strftime("%Y-%m-%d %H:%M")
    offset = moment.utcoffset()
    if offset is None:
        return shown
    if offset.total_seconds() == 0:
        return f"{shown} UTC"
    return f"{shown} {moment.strftime('%z')[:3]}:{moment.strftime('%z')[3:]}"


def format_duration(seconds: float | None) -> str:
    """``4.2`` -> ``"4.2 s"``, ``125`` -> ``"2 min 05 s"``, ``3700`` -> ``"1 h 01 min"``."""
    if seconds is None:
        return "n/a"
    try:
        s = float(seconds)
    except (TypeError, ValueError):
        return str(seconds)
    if math.isnan(s) or s < 0:
        return "n/a"
    if s < 60:
        return f"{s:.1f} s"
    whole = round(s)
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


def _format_parameter(value: Any) -> str:
    """A parameter value as text: strings as they are, everything else as JSON (lists, None, bools);
    large numbers also in words: ``6e12`` -> ``"6000000000000.0 (6.0 trillion)"``."""
    if isinstance(value, str):
        return value
    try:
        shown = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return repr(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) and abs(value) >= 1e6:
        shown += f" ({text.number(value)})"  # exact value for reruns, readable size for readers
    return shown


def _href(relpath: str) -> str:
    """A relative link: path segments percent-encoded, so no scheme (``javascript:``) can sneak in."""
    return quote(str(relpath).replace("\\", "/"), safe="/")


def _join_ids(ids: Any) -> str:
    if ids is None:
        return ""
    if isinstance(ids, str):
        return ids
    try:
        return ", ".join(str(i) for i in ids)
    except TypeError:
        return str(ids)


# --------------------------------------------------------------------------------------------------
# Page rendering


def _pages_env():  # -> jinja2.Environment
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_PAGES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _site_css() -> str:
    return (_PAGES / "site.css").read_text(encoding="utf-8")


def _failing_cell_index(nb: nbformat.NotebookNode) -> int | None:
    """Index of the first code cell that raised (an error output, or papermill's exception flag)."""
    for i, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        if any(out.get("output_type") == "error" for out in cell.get("outputs", [])):
            return i
        if cell.get("metadata", {}).get("papermill", {}).get("exception"):
            return i
    return None


def _prepare_cells(nb: nbformat.NotebookNode, failed: bool) -> bool:
    """Tag the failing cell (in place) and keep error outputs visible; return whether a cell failed."""
    failing = _failing_cell_index(nb) if failed else None
    for i, cell in enumerate(nb.cells):
        has_error = any(out.get("output_type") == "error" for out in cell.get("outputs", []))
        if has_error or i == failing:
            # A traceback is never removed, whatever the cell's tags say.
            tags = [t for t in cell.metadata.get("tags", []) if t not in HIDDEN_CELL_TAGS | REMOVE_OUTPUT_TAGS]
            if i == failing:
                tags.append(FAILED_CELL_TAG)
            cell.metadata["tags"] = tags
    return failing is not None


def _downloads(items: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Download links for a template: relative, percent-encoded addresses, a label and a class-safe kind."""
    return [{"href": _href(d["href"]), "label": str(d.get("label") or Path(str(d["href"])).name),
             "kind": re.sub(r"[^a-z0-9-]", "", str(d.get("kind") or "").lower())} for d in items]


def _texts(items: Any, keys: Sequence[str]) -> list[dict[str, str]]:
    """Rows for a template: each item's ``keys`` as text ("" when missing)."""
    return [{k: "" if item.get(k) is None else str(item.get(k)) for k in keys} for item in items or []]


def _web(address: Any) -> str:
    """An address a page may link to: http(s) only, anything else (a scheme, a file path) gives ""."""
    text_ = str(address or "").strip()
    return text_ if re.match(r"^https?://[^\s]+$", text_, flags=re.IGNORECASE) else ""


def _sources(sources: Any) -> dict[str, list[dict[str, str]]]:
    """A report's sources for its template (``helpers.glance.page_sources``), links limited to http(s)."""
    sources = sources or {}
    articles = _texts(sources.get("articles"), ("headline", "source", "date", "address", "claims", "href"))
    context = _texts(sources.get("context"), ("what", "source", "date", "address", "id", "href"))
    for row in articles + context:
        row["href"] = _web(row["href"])
    return {"articles": articles, "context": context}


def _words(text_: str) -> str:
    """Lower-case words only, to compare a heading with a title."""
    return " ".join(re.findall(r"[a-z0-9']+", text_.lower().replace("\u2019", "'")))


def take_subtitle(nb: nbformat.NotebookNode, title: str) -> str:
    """Take the notebook's opening heading out of ``nb`` (in place) and return its subtitle for the page head.

    A notebook opens with a markdown cell ``# <its title>``, optionally followed by one italic line
    (``*How far is the target...?*``): the page has its own title (the run's, e.g. "Target gap: Pakistan's
    exports to China"), so the heading is dropped and the italic line becomes the subtitle, unless the title
    already says it. The rest of the cell stays where it was; a cell left empty is removed. A notebook that
    does not open with a heading is left as it is."""
    if not nb.cells or nb.cells[0].get("cell_type") != "markdown":
        return ""
    cell = nb.cells[0]
    lines = str(cell.get("source") or "").splitlines()
    if not lines or not re.match(r"#\s", lines[0]):
        return ""
    rest = lines[1:]
    while rest and not rest[0].strip():
        rest.pop(0)
    subtitle = ""
    italic = re.fullmatch(r"\s*([*_])(?!\1)(.+?)\1\s*", rest[0]) if rest else None
    if italic:
        subtitle = italic.group(2).strip()
        rest.pop(0)
    if rest:
        cell["source"] = "\n".join(rest).strip("\n")
    else:
        del nb.cells[0]
    return "" if _words(subtitle) in _words(title) else subtitle


def render_report(nb: nbformat.NotebookNode, meta: dict, show_code: bool = False) -> str:
    """One self-contained HTML page for an executed notebook: a head built from ``meta``, the notebook's
    outputs, and the run's details (parameters, files, checksums, versions) at the end.

    ``meta`` keys: title, name, notebook, parameters, run_started, duration_s, status ("ok"|"failed"),
    error, data_checksums {relpath: sha256}, versions {package: version}, tables [CSV paths beside the
    report]; optional ``index`` (link to the index page, default ``../../index.html``), ``downloads``
    ([{"href", "label", "kind"}]: files beside the report such as its PDF and workbook), ``jsonld``
    (a list of JSON-LD objects, e.g. ``helpers.claimreview`` ClaimReviews, embedded as data), and what
    ``helpers.companions.prepare_run`` adds: ``findings`` ([{"subject", "rating", "sentence"}]: the
    verdict the page opens with), ``summary`` ([str]: what a report without a verdict found), ``headline``
    ([{"label", "value"}]) with ``headline_total``, and
    ``sources`` ({"articles", "context"}: the Sources section before the run details). Code is
    hidden unless ``show_code``; cells tagged parameters/injected-parameters/remove-cell are dropped,
    outputs of cells tagged remove-output too, but never an error output. In a failed run the failing
    cell is marked.
    """
    from markupsafe import Markup
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = copy.deepcopy(nb)
    status = "ok" if meta.get("status") == "ok" else "failed"
    failed_cell_found = _prepare_cells(nb, failed=status == "failed")
    title = str(meta.get("title") or meta.get("name") or "Report")
    nb.metadata["title"] = title
    subtitle = take_subtitle(nb, title)

    checksums = [
        (str(path), str(digest)[:12], str(digest))
        for path, digest in sorted((meta.get("data_checksums") or {}).items())
    ]
    downloads = _downloads(meta.get("downloads") or [])
    values = {
        "title": title,
        "subtitle": subtitle,
        "name": str(meta.get("name", "")),
        "notebook": str(meta.get("notebook", "")),
        "status": status,
        "error": meta.get("error"),
        "failed_cell_found": failed_cell_found,
        "parameters": [(str(k), _format_parameter(v)) for k, v in (meta.get("parameters") or {}).items()],
        "run_started": format_time(meta.get("run_started")),
        "run_started_raw": str(meta.get("run_started") or ""),
        "duration": format_duration(meta.get("duration_s")),
        "checksums": checksums,
        "versions": sorted((str(k), str(v)) for k, v in (meta.get("versions") or {}).items()),
        "tables": [{"href": _href(t), "label": Path(str(t)).name} for t in (meta.get("tables") or [])],
        "downloads": downloads,
        "index_href": _href(meta.get("index") or "../../index.html"),
        "findings": _texts(meta.get("findings"), ("subject", "rating", "sentence")),
        "summary": [str(line) for line in meta.get("summary") or [] if str(line).strip()],
        "headline": _texts(meta.get("headline"), ("label", "value")),
        "headline_total": int(meta.get("headline_total") or len(meta.get("headline") or [])),
        "sources": _sources(meta.get("sources")),
        "has_sources": meta.get("sources") is not None,
    }
    env = _pages_env()
    banner = env.get_template("banner.html.j2").render(**values)
    details = env.get_template("run_details.html.j2").render(**values)
    if values["has_sources"]:
        details = env.get_template("sources.html.j2").render(**values) + details

    exporter = HTMLExporter(
        template_name=NBCONVERT_TEMPLATE,
        extra_template_basedirs=[str(paths.TEMPLATES)],
        embed_images=True,
        exclude_input=not show_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        theme="light",
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(
            remove_cell_tags=set(HIDDEN_CELL_TAGS),
            remove_all_outputs_tags=set(REMOVE_OUTPUT_TAGS),
            remove_input_tags=set(REMOVE_INPUT_TAGS),
            enabled=True,
        ),
        enabled=True,
    )
    notebook_path = Path(str(meta.get("notebook", "")))
    base = notebook_path.parent if notebook_path.is_absolute() else paths.NOTEBOOKS
    resources = {
        "metadata": {"name": title, "path": str(base)},
        "pakclaims": {
            "csp": CSP,
            "title": title,
            "css": Markup(_site_css()),
            "head": Markup("\n".join(jsonld_script(obj) for obj in meta.get("jsonld") or [])),
            "banner": Markup(banner),
            "details": Markup(details),
            "failed_tag": FAILED_CELL_TAG,
        },
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return _strip_css_comments(body)


def jsonld_script(data: Any) -> str:
    """``data`` as a ``<script type="application/ld+json">`` block that no text in it can end early.

    ``<``, ``>`` and ``&`` are written as JSON escapes (``\\u003c``...), so a value holding
    ``</script>`` stays inside the block; the page's policy forbids running any script, and browsers treat
    this type as data anyway.
    """
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">\n{text}\n</script>'


def _strip_css_comments(html: str) -> str:
    """Drop comments inside <style> elements: the lab CSS cites URLs there, and they only add bytes."""

    def clean(match: re.Match[str]) -> str:
        return match.group(1) + re.sub(r"/\*.*?\*/", "", match.group(2), flags=re.DOTALL) + match.group(3)

    return re.sub(r"(<style[^>]*>)(.*?)(</style>)", clean, html, flags=re.DOTALL | re.IGNORECASE)


def _run_row(run: dict) -> dict:
    """Display values of one manifest run (all text; the template escapes them)."""
    failed = run.get("status") != "ok"
    figures = []
    for fig in run.get("key_figures") or []:
        figures.append(
            {
                "label": str(fig.get("label") or fig.get("name") or ""),
                "value": format_value(fig.get("value"), str(fig.get("unit") or "")),
                "claims": _join_ids(fig.get("claims")),
                "context": _join_ids(fig.get("context")),
            }
        )
    changes = []
    for change in run.get("changes") or []:
        unit = str(change.get("unit") or "")
        old, new = change.get("old"), change.get("new")
        changes.append(
            {
                "label": str(change.get("label") or change.get("name") or ""),
                "old": "none" if old is None else format_value(old, unit),
                "new": "none" if new is None else format_value(new, unit),
                "causes": [str(c) for c in change.get("causes") or []],
            }
        )
    name = str(run.get("name", ""))
    return {
        "name": name,
        "anchor": re.sub(r"[^A-Za-z0-9_-]", "-", name),
        "title": str(run.get("title") or name),
        "notebook": str(run.get("notebook") or ""),
        "parameters": [(str(k), _format_parameter(v)) for k, v in (run.get("parameters") or {}).items()],
        "status_class": "failed" if failed else "ok",
        "status_label": "failed" if failed else "ok",
        "error": str(run["error"]) if failed and run.get("error") else "",
        "duration": format_duration(run.get("duration_s")),
        "last_attempt": format_time(run.get("last_attempt")),
        "last_attempt_raw": str(run.get("last_attempt") or ""),
        "last_success": format_time(run.get("last_success")) if run.get("last_success") else "",
        "last_success_raw": str(run.get("last_success") or ""),
        "html": _href(run["html"]) if run.get("html") else "",
        "failed_html": _href(run["failed_html"]) if failed and run.get("failed_html") else "",
        "tables": [{"href": _href(t), "label": Path(str(t)).name} for t in run.get("tables") or []],
        "key_figures": figures,
        "changes": changes,
        "changes_are_new": bool(run.get("changes_are_new")),
        "new_report": bool(run.get("new_report")),
    }


def _sort_key_time(iso: str | None) -> float:
    """Seconds since the epoch for sorting (naive times read as UTC); unparseable -> -inf."""
    if not iso:
        return float("-inf")
    try:
        moment = datetime.fromisoformat(str(iso).replace("Z", "+00:00"))
    except ValueError:
        return float("-inf")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def order_runs(runs: dict[str, dict]) -> list[dict]:
    """Failed runs first, newest attempt first; then the others by name."""
    failed = [r for r in runs.values() if r.get("status") != "ok"]
    others = [r for r in runs.values() if r.get("status") == "ok"]
    failed.sort(key=lambda r: str(r.get("name", "")))
    failed.sort(key=lambda r: _sort_key_time(r.get("last_attempt")), reverse=True)
    others.sort(key=lambda r: str(r.get("name", "")))
    return failed + others


def _glance_rows(rows: Iterable[Mapping[str, Any]], runs: Sequence[dict]) -> list[dict[str, Any]]:
    """Claims at a glance for the template: text, a relative report link, an http(s) article link, and the
    report's non-default settings (from its run row)."""
    by_html = {r["html"]: r for r in runs if r["html"]}
    out = []
    for row in rows:
        shown = _texts([row], ("id", "subject", "amount", "by", "when", "headline", "rating", "sentence",
                               "official", "range", "checked"))[0]
        report = _href(row["report"]) if row.get("report") else ""
        run = by_html.get(report)
        out.append({**shown, "report": report, "article_href": _web(row.get("article_href")),
                    "report_title": run["title"] if run else "", "settings": run["settings"] if run else []})
    return out


def render_index(manifest: dict, downloads: Sequence[Mapping[str, str]] = (), *,
                 glance: Sequence[Mapping[str, Any]] = (), revisions: Sequence[Mapping[str, Any]] = (),
                 revisions_total: int = 0, settings: Mapping[str, Sequence[Sequence[str]]] | None = None,
                 names: Mapping[str, str] | None = None, restated: Mapping[str, Any] | None = None) -> str:
    """reports/index.html: every claim at a glance, then what changed in the data, then every run with its
    status, times, links, tables and what changed.

    ``manifest`` is the batch manifest (see helpers/manifest.py); paths in it are relative to reports/.
    ``downloads`` ([{"href", "label", "kind"}]) are files beside the index (its PDF, the claim reviews).
    ``glance`` (``helpers.glance.glance_rows``), ``revisions`` (``helpers.glance.revision_rows``) and
    ``settings`` ({run name: [(parameter, value, default)]}: values other than the notebook's defaults) and
    ``names`` ({claim id: subject}: key figure and change labels name claims by subject) and ``restated``
    (``helpers.restatements.index_table``: each target as stated over time) come from
    ``helpers.companions.index_view``.
    """
    from helpers.glance import readable_label

    batch = manifest.get("batch") or {}
    counts = {k: int((batch.get("counts") or {}).get(k, 0)) for k in ("ok", "failed", "skipped")}
    runs = [_run_row(r) for r in order_runs(manifest.get("runs") or {})]
    for run in runs:
        run["settings"] = [(str(n), str(v), str(d)) for n, v, d in (settings or {}).get(run["name"], [])]
        for item in run["key_figures"] + run["changes"]:
            item["label"] = readable_label(item["label"], names)
    claims = _glance_rows(glance, runs)
    revision_rows = _texts(revisions, ("measure", "series", "place", "period", "old", "new", "old_vintage",
                                       "new_vintage", "change", "recorded"))
    successes = [r.get("last_success") for r in (manifest.get("runs") or {}).values() if r.get("last_success")]
    since_raw = max(successes, key=_sort_key_time) if successes else batch.get("started")
    message = str(batch.get("message") or "")
    from markupsafe import Markup

    return (
        _pages_env()
        .get_template("index.html.j2")
        .render(
            csp=CSP,
            css=Markup(_site_css()),
            runs=runs,
            restated=restated or {},
            counts=counts,
            generated=format_time(manifest.get("generated")),
            generated_raw=str(manifest.get("generated") or ""),
            batch_started=format_time(batch.get("started")) if batch.get("started") else "",
            batch_started_raw=str(batch.get("started") or ""),
            batch_finished=format_time(batch.get("finished")) if batch.get("finished") else "",
            batch_finished_raw=str(batch.get("finished") or ""),
            nothing_changed=bool(batch.get("nothing_changed")),
            nothing_changed_since=format_time(since_raw),
            message=message,
            message_is_heading=message.lower().startswith("nothing changed"),
            refused=bool(batch.get("refused")),
            downloads=_downloads(downloads),
            claims=claims,
            checked=sum(1 for c in claims if c["checked"] == "yes"),
            revisions=revision_rows,
            revisions_total=max(int(revisions_total), len(revision_rows)),
        )
    )
