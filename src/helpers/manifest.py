"""reports/manifest.json: what each run depended on, what it published, and what changed.

Layout (paths relative to the reports directory)::

    {"schema": 2, "generated": iso, "environment": {package: version},
     "batch": {"started", "finished", "duration_s", "counts": {"ok", "failed", "skipped"}, "executed": [...],
               "skipped": [...], "failed": [...], "retired": [...], "interrupted": bool,
               "nothing_changed": bool, "message": str},
     "snapshots": {key: {"inputs": {relpath: sha256}, "rows": {relpath: {id: hash}}}},
     "runs": {name: {"name", "title", "notebook", "parameters", "status": "ok"|"failed", "last_attempt",
                     "last_success", "duration_s", "error", "html", "failed_html", "executed_notebook",
                     "tables", "files": {relpath: sha256}, "key_figures": [figure, ...], "changes": [...],
                     "changes_are_new", "new_report", "changes_since", "snapshot", "notebook_file",
                     "notebook_hash", "params_hash", "versions_hash", "versions", "show_code"}}}

The hashes of the inputs are shared by every run of a batch, so they are stored once, under ``snapshots``,
and each run names its snapshot: the manifest grows with the number of runs, not runs x inputs. In memory a
record carries its ``inputs`` and ``rows`` again (:func:`load_manifest` fills them in, :func:`save_manifest`
takes them out). Fingerprint fields describe the last *successful* run, so a failure never hides what
changed since the last good report. ``files`` holds the sha256 of every published file of the run: a
damaged or truncated report is found and rebuilt.

The manifest is validated when it is read. A damaged one (not JSON, wrong types, bad key figures) is set aside
as ``manifest.json.damaged-<time>`` with a warning and the batch goes on from what is published: the
index is built from the report folders, never from the manifest alone.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from helpers.files import stable_hash, write_atomic
from helpers.fingerprint import Fingerprint, Sources, input_causes
from helpers.paramschema import load_jsonschema

SCHEMA = 2
MANIFEST_FILE = "manifest.json"
#: Fields of a record that describe its inputs: stored once per snapshot, not per run.
SHARED_FIELDS = ("inputs", "rows")

_TEXT = {"type": ["string", "null"]}
_IDS = {"type": "array", "items": {"type": "string"}}
FIGURE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string", "minLength": 1}, "label": _TEXT, "unit": _TEXT,
                   "value": {"type": ["number", "null"]}, "claims": _IDS, "context": _IDS},
}
KEY_FIGURES_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["figures"],
    "properties": {"report": _TEXT, "figures": {"type": "array", "items": FIGURE_SCHEMA}},
}
RUN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["name", "status"],
    "properties": {
        "name": {"type": "string", "minLength": 1}, "status": {"enum": ["ok", "failed"]},
        "title": _TEXT, "notebook": _TEXT, "error": _TEXT, "html": _TEXT, "failed_html": _TEXT,
        "executed_notebook": _TEXT, "last_attempt": _TEXT, "last_success": _TEXT, "changes_since": _TEXT,
        "snapshot": _TEXT, "notebook_file": _TEXT, "notebook_hash": _TEXT, "params_hash": _TEXT,
        "versions_hash": _TEXT, "duration_s": {"type": ["number", "null"]}, "parameters": {"type": "object"},
        "tables": _IDS, "files": {"type": "object", "additionalProperties": {"type": "string"}},
        "key_figures": {"type": ["array", "null"], "items": FIGURE_SCHEMA},
        "changes": {"type": "array", "items": {"type": "object", "required": ["name"]}},
        "versions": {"type": "object", "additionalProperties": {"type": "string"}},
        "show_code": {"type": "boolean"}, "changes_are_new": {"type": "boolean"}, "new_report": {"type": "boolean"},
    },
}
_HASHES = {"type": "object", "additionalProperties": {"type": "string"}}
MANIFEST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["schema", "runs"],
    "properties": {
        "schema": {"const": SCHEMA},
        "generated": _TEXT,
        "environment": _HASHES,
        "batch": {"type": "object"},
        "snapshots": {"type": "object", "additionalProperties": {
            "type": "object", "properties": {"inputs": _HASHES,
                                             "rows": {"type": "object", "additionalProperties": _HASHES}}}},
        "runs": {"type": "object"},  # each record is checked on its own: a bad one is dropped, not the file
        "inputs_checked": _HASHES,  # {"claims": sha256} of the register the last input check passed
        "environment_signature": _TEXT,  # fingerprint.environment_signature() of "environment"
    },
}


_VALIDATORS: dict[int, Any] = {}  # one validator per schema of this module (a manifest checks hundreds of runs)


def _errors(schema: dict[str, Any], data: Any) -> list[str]:
    """Every place ``data`` breaks ``schema``: 'path: message'."""
    validator = _VALIDATORS.get(id(schema))
    if validator is None or validator.schema is not schema:
        validator = _VALIDATORS[id(schema)] = load_jsonschema().Draft202012Validator(schema)
    out = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        out.append(f"{where}: {error.message[:200]}")
    return out


def validate_key_figures(data: Any, where: str = "key_figures.json") -> list[str]:
    """Problems of a key-figures document ({"report", "figures": [{"name", "value"...}]}), [] when valid."""
    return [f"{where}, {e}" for e in _errors(KEY_FIGURES_SCHEMA, data)]


def set_aside(path: Path, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> Path | None:
    """Rename a damaged manifest to ``manifest.json.damaged-<time>``; the new name, or None if it failed."""
    target = path.with_name(f"{path.name}.damaged-{now().strftime('%Y%m%dT%H%M%S%fZ')}")
    try:
        os.replace(path, target)
    except OSError:
        return None
    return target


def load_manifest(path: Path, warn: Callable[[str], None] | None = None, repair: bool = True) -> dict[str, Any]:
    """The validated manifest at ``path`` ({"runs": {}} when missing); a damaged one is set aside with a warning.

    A file that is not a manifest of this layout is set aside whole; run records that break the layout
    are dropped one by one (the file is kept beside as well, for a look), the others stay. With
    ``repair=False`` (a dry run) nothing is moved or copied.
    """
    def say(text: str) -> None:
        if warn is not None:
            warn(text)

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {"runs": {}}
    except (OSError, UnicodeDecodeError) as exc:
        problems = [f"cannot be read as UTF-8 ({exc})"]
        data: Any = None
    else:
        try:
            data = json.loads(text)
            problems = _errors(MANIFEST_SCHEMA, data)
        except (json.JSONDecodeError, RecursionError) as exc:
            data, problems = None, [f"not valid JSON ({exc})"]
    if problems:
        moved = set_aside(path) if repair else None
        old_layout = isinstance(data, dict) and data.get("schema") != SCHEMA and isinstance(data.get("schema"), int)
        what = f"has layout {data['schema']}, not {SCHEMA}" if old_layout else f"is damaged ({problems[0]})"
        if repair:
            say(f"{path} {what}; set aside as {moved.name if moved else '(could not be moved)'}. The index is "
                "rebuilt from the published reports and every run is re-executed once")
        else:
            say(f"{path} {what}; a real run sets it aside, rebuilds the index from the published reports and "
                "re-executes every run once")
        return {"runs": {}}
    bad = {name: errs for name, rec in data["runs"].items()
           if (errs := _errors(RUN_SCHEMA, rec) or ([] if rec.get("name") == name else ["name differs from its key"]))}
    if bad:
        copy: Path | None = path.with_name(f"{path.name}.damaged-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}")
        try:
            if repair and copy is not None:
                copy.write_bytes(path.read_bytes())
            else:
                copy = None
        except OSError:
            copy = None
        for name, errs in bad.items():
            del data["runs"][name]
            if repair:
                say(f"{path}: the record of run '{name}' is damaged ({errs[0]}); dropped (a copy of the file is "
                    f"{copy.name if copy else 'not kept'}). The run is re-executed; its published report stays")
            else:
                say(f"{path}: the record of run '{name}' is damaged ({errs[0]}); a real run drops it and "
                    "re-executes the run; its published report stays")
    return inflate(data)


def inflate(manifest: dict[str, Any]) -> dict[str, Any]:
    """Give every run record its ``inputs`` and ``rows`` from the snapshot it names (in memory only)."""
    snapshots = manifest.pop("snapshots", None) or {}
    for record in manifest.get("runs", {}).values():
        snap = snapshots.get(record.get("snapshot") or "")
        if snap is None:
            continue
        inputs = dict(snap.get("inputs") or {})
        if record.get("notebook_file"):
            inputs[record["notebook_file"]] = record.get("notebook_hash") or ""
        record["inputs"] = inputs
        record["rows"] = snap.get("rows") or {}
    return manifest


def deflate(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest as stored: shared input hashes once under ``snapshots``, each run naming its own."""
    out = {k: v for k, v in manifest.items() if k != "runs"}
    snapshots: dict[str, Any] = {}
    keys: dict[tuple[int, int], str] = {}  # records of one batch share the same dicts: hash them once
    runs: dict[str, Any] = {}
    for name, record in manifest.get("runs", {}).items():
        rec = {k: v for k, v in record.items() if k not in SHARED_FIELDS}
        if "inputs" in record:
            nb = record.get("notebook_file") or ""
            inputs = {k: v for k, v in (record.get("inputs") or {}).items() if k != nb}
            rows = record.get("rows") or {}
            ident = (id(record.get("inputs")), id(rows))
            key = keys.get(ident) or stable_hash({"inputs": inputs, "rows": rows})[:16]
            keys[ident] = key
            snapshots.setdefault(key, {"inputs": inputs, "rows": rows})
            rec["snapshot"] = key
        runs[name] = rec
    out["snapshots"] = snapshots
    out["runs"] = runs
    return out


def save_manifest(path: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest atomically (shared input hashes stored once)."""
    manifest["schema"] = SCHEMA
    write_atomic(path, json.dumps(deflate(manifest), indent=1, ensure_ascii=False, default=str) + "\n")


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
            return True
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=0.0)
    return a == b


def figure_changes(
    old_figures: list[dict[str, Any]] | None,
    new_figures: list[dict[str, Any]] | None,
    old_record: dict[str, Any],
    new: Fingerprint,
    sources: Sources,
) -> list[dict[str, Any]]:
    """One entry per key figure whose value differs from the last success (added/removed ones too)."""
    if old_figures is None:
        return []
    old_by = {str(f.get("name")): f for f in old_figures}
    new_by = {str(f.get("name")): f for f in new_figures or []}
    changes: list[dict[str, Any]] = []
    for name in [*new_by, *(n for n in old_by if n not in new_by)]:
        before, after = old_by.get(name), new_by.get(name)
        old_value = before.get("value") if before else None
        new_value = after.get("value") if after else None
        if before is not None and after is not None and _same_value(old_value, new_value):
            continue
        if old_value is None and new_value is None:
            continue  # a figure with no value before or after (e.g. no baseline) has nothing to report
        fig = after or before or {}
        refs = {
            "claims": sorted({*(before or {}).get("claims", []), *(after or {}).get("claims", [])}),
            "context": sorted({*(before or {}).get("context", []), *(after or {}).get("context", [])}),
        }
        changes.append(
            {
                "name": name,
                "label": fig.get("label") or name,
                "old": old_value,
                "new": new_value,
                "unit": fig.get("unit") or "",
                "causes": input_causes(old_record, new, sources, refs) or ["no input change recorded"],
            }
        )
    return changes


def read_key_figures(path: Path) -> dict[str, Any] | None:
    """The run's key_figures.json ({"report", "figures": [...]}), None when absent; ValueError if invalid."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path.name} is not valid JSON ({exc})") from None
    problems = validate_key_figures(data, path.name)
    if problems:
        raise ValueError("; ".join(problems[:5]) + ". Fix: write {'report': ..., 'figures': [{'name': str, "
                         "'value': number or null, 'label': str, 'unit': str, 'claims': [ids], 'context': [ids]}]}")
    return data


def record_success(
    record: dict[str, Any] | None,
    *,
    name: str,
    title: str,
    notebook: str,
    fp: Fingerprint,
    versions: dict[str, str],
    started: str,
    duration_s: float,
    html: str,
    executed_notebook: str,
    tables: list[str],
    key_figures: dict[str, Any] | None,
    sources: Sources,
    files: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The run's manifest record after a successful run (computes the figure changes)."""
    old = dict(record or {})
    new_figures = (key_figures or {}).get("figures") if key_figures else None
    had_success = bool(old.get("last_success"))
    changes = figure_changes(old.get("key_figures"), new_figures, old, fp, sources) if had_success else []
    out = {
        **old,
        "name": name,
        "title": title,
        "notebook": notebook,
        "status": "ok",
        "last_attempt": started,
        "last_success": started,
        "duration_s": round(duration_s, 3),
        "error": None,
        "html": html,
        "failed_html": None,
        "executed_notebook": executed_notebook,
        "tables": tables,
        "files": dict(files or {}),
        "key_figures": new_figures,
        "changes": changes,
        "changes_are_new": True,
        "new_report": not had_success,
        "changes_since": old.get("last_success"),
        "versions": versions,
        **fp.as_record(),
    }
    return out


def record_failure(
    record: dict[str, Any] | None,
    *,
    name: str,
    title: str,
    notebook: str,
    parameters: dict[str, Any],
    started: str,
    duration_s: float,
    error: str,
    failed_html: str | None,
) -> dict[str, Any]:
    """The run's record after a failure: the last success's fingerprint, report and figures are kept."""
    old = dict(record or {})
    old.update(
        {
            "name": name,
            "title": title,
            "notebook": notebook,
            "status": "failed",
            "last_attempt": started,
            "duration_s": round(duration_s, 3),
            "error": error,
            "failed_html": failed_html,
            "changes_are_new": False,
        }
    )
    old.setdefault("parameters", {k: v for k, v in parameters.items() if k != "output_dir"})
    old.setdefault("html", None)
    old.setdefault("tables", [])
    old.setdefault("key_figures", None)
    old.setdefault("changes", [])
    return old


def mark_skipped(record: dict[str, Any]) -> dict[str, Any]:
    """A skipped run keeps everything; its changes are from an earlier batch now."""
    out = dict(record)
    out["changes_are_new"] = False
    return out


#: Fields of a record that describe the published report (written beside it as run.json).
PUBLISHED_FIELDS = ("name", "title", "notebook", "parameters", "status", "last_success", "last_attempt",
                    "duration_s", "html", "executed_notebook", "tables", "files", "key_figures", "versions")


def published_record(record: dict[str, Any]) -> dict[str, Any]:
    """What a report folder says about itself (run.json): the record without its fingerprint."""
    return {k: record.get(k) for k in PUBLISHED_FIELDS}


def record_from_published(data: Any, name: str) -> dict[str, Any] | None:
    """A run record rebuilt from a report folder's run.json (no fingerprint: the run re-executes once)."""
    if not isinstance(data, dict) or data.get("name") != name or _errors(RUN_SCHEMA, data):
        return None
    return {**data, "changes": [], "changes_are_new": False}
