"""reports/manifest.json: what each run depended on, whether it can be skipped, and what changed.

A run is up to date when its last attempt succeeded and nothing it depends on changed since: its notebook
file, its parameters (plan plus ``-p`` overrides), every file under data/ and seeds/, the helpers source
(``src/helpers/**/*.py`` and templates), the installed package versions and ``--show-code``.

Manifest layout (paths relative to the reports directory)::

    {"schema": 1, "generated": iso, "environment": {package: version},
     "batch": {"started", "finished", "duration_s", "counts": {"ok", "failed", "skipped"},
               "executed": [...], "skipped": [...], "failed": [...], "interrupted": bool,
               "nothing_changed": bool, "message": str},
     "runs": {name: {"name", "title", "notebook", "parameters", "status": "ok"|"failed",
                     "last_attempt", "last_success", "duration_s", "error", "html", "failed_html",
                     "executed_notebook", "tables", "key_figures": [figure, ...], "changes": [...],
                     "changes_are_new": bool, "changes_since", "inputs": {relpath: sha256},
                     "rows": {relpath: {id: sha256}}, "params_hash", "versions_hash", "versions",
                     "show_code"}}}

Fingerprint fields (inputs, rows, hashes, parameters) always describe the last *successful* run, so a
failure never hides what changed since the last good report. Nothing here imports papermill, nbconvert,
nbclient or nbformat: a batch with nothing to do stays fast.
"""

from __future__ import annotations

import csv
import json
import math
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers import paths
from helpers.files import sha256_file, stable_hash, write_atomic

SCHEMA = 1
MANIFEST_FILE = "manifest.json"
#: Row-keyed inputs: per-row hashes are kept so that "what changed" names rows; value = figure field
#: holding the ids a figure depends on.
ROW_KEYED: dict[str, str] = {"claims.csv": "claims", "context_figures.csv": "context"}
#: Packages whose versions a report's banner shows (the skip check hashes every installed package).
KEY_PACKAGES = (
    "pandas",
    "numpy",
    "matplotlib",
    "nbclient",
    "nbconvert",
    "nbformat",
    "papermill",
    "ipykernel",
    "jupyter_client",
    "pyyaml",
    "jupytext",
    "pakclaims",
)
MAX_ROWS_NAMED = 10
_SKIP_NAMES = {"__pycache__", ".ipynb_checkpoints"}


@dataclass(frozen=True)
class Sources:
    """Where a run's inputs live; ``root`` makes the relative paths stored in the manifest."""

    root: Path = paths.ROOT
    data_dirs: tuple[Path, ...] = (paths.DATA, paths.SEEDS)
    source_dirs: tuple[Path, ...] = (paths.SRC,)

    def rel(self, path: Path) -> str:
        """Path relative to ``root`` (POSIX), or the absolute path when outside it."""
        try:
            return Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return Path(path).resolve().as_posix()


def _walk(directory: Path, suffixes: tuple[str, ...] | None = None) -> Iterable[Path]:
    if not directory.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(directory):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_NAMES and not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or name.endswith((".pyc", "~")):
                continue
            if suffixes is None or name.endswith(suffixes) or "templates" in Path(dirpath).parts:
                yield Path(dirpath) / name


def hash_files(files: Iterable[Path], sources: Sources) -> dict[str, str]:
    """{relative path: sha256} of the files."""
    return {sources.rel(f): sha256_file(f) for f in files}


def row_hashes(path: str | Path, key: str = "id") -> dict[str, str]:
    """{row id: sha256 of the row} of a CSV with an ``id`` column ({} when unreadable or without ids)."""
    out: dict[str, str] = {}
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames or key not in reader.fieldnames:
                return {}
            for row in reader:
                rid = (row.get(key) or "").strip()
                if rid:
                    out[rid] = stable_hash(row)[:16]
    except (OSError, UnicodeDecodeError, csv.Error):
        return {}
    return out


def installed_versions() -> dict[str, str]:
    """{distribution name: version} of every installed package, plus ``python`` (no package is imported)."""
    from importlib import metadata

    versions: dict[str, str] = {}
    for dist in metadata.distributions():
        name = dist.metadata.get("Name") if dist.metadata else None
        if name:
            versions[name.lower().replace("_", "-")] = dist.version or ""
    versions["python"] = ".".join(map(str, sys.version_info[:3]))
    return dict(sorted(versions.items()))


def key_versions(versions: dict[str, str]) -> dict[str, str]:
    """The versions a report banner shows (python and KEY_PACKAGES that are installed)."""
    wanted = ["python", *(p.lower().replace("_", "-") for p in KEY_PACKAGES)]
    return {p: versions[p] for p in wanted if p in versions}


@dataclass
class Snapshot:
    """The batch-wide inputs, hashed once per batch."""

    sources: Sources
    data: dict[str, str]  # data/ and seeds/ files
    source: dict[str, str]  # helpers source and templates
    rows: dict[str, dict[str, str]]  # row hashes of the ROW_KEYED files
    versions: dict[str, str]
    versions_hash: str = ""
    notebooks: dict[str, str] = field(default_factory=dict)  # cache: notebook relpath -> sha256

    def notebook_hash(self, notebook_path: Path) -> tuple[str, str]:
        """(relpath, sha256) of a notebook, cached for the batch."""
        rel = self.sources.rel(notebook_path)
        if rel not in self.notebooks:
            self.notebooks[rel] = sha256_file(notebook_path)
        return rel, self.notebooks[rel]


def take_snapshot(sources: Sources | None = None, versions: dict[str, str] | None = None) -> Snapshot:
    """Hash data/, seeds/ and the helpers source, read the row hashes and the installed versions."""
    src = sources or Sources()
    data_files = [f for d in src.data_dirs for f in _walk(d)]
    source_files = [f for d in src.source_dirs for f in _walk(d, suffixes=(".py",))]
    rows = {src.rel(f): row_hashes(f) for f in data_files if f.name in ROW_KEYED}
    vers = versions if versions is not None else installed_versions()
    return Snapshot(
        sources=src,
        data=hash_files(data_files, src),
        source=hash_files(source_files, src),
        rows=rows,
        versions=vers,
        versions_hash=stable_hash(vers),
    )


def params_hash(parameters: dict[str, Any]) -> str:
    """Hash of a run's parameters (``output_dir`` excluded: it names a random staging folder)."""
    return stable_hash({k: v for k, v in parameters.items() if k != "output_dir"})


@dataclass
class Fingerprint:
    """Everything a run depends on."""

    notebook: str  # relpath of the notebook
    inputs: dict[str, str]
    rows: dict[str, dict[str, str]]
    parameters: dict[str, Any]
    params_hash: str
    versions_hash: str
    show_code: bool

    def as_record(self) -> dict[str, Any]:
        """The manifest fields of the fingerprint."""
        return {
            "inputs": self.inputs,
            "rows": self.rows,
            "parameters": self.parameters,
            "params_hash": self.params_hash,
            "versions_hash": self.versions_hash,
            "show_code": self.show_code,
            "notebook_file": self.notebook,
        }


def fingerprint(
    snapshot: Snapshot, notebook_path: Path, parameters: dict[str, Any], show_code: bool
) -> Fingerprint:
    """The fingerprint of one run from the batch snapshot."""
    nb_rel, nb_hash = snapshot.notebook_hash(notebook_path)
    params = {k: v for k, v in parameters.items() if k != "output_dir"}
    inputs = {nb_rel: nb_hash, **snapshot.data, **snapshot.source}
    return Fingerprint(
        notebook=nb_rel,
        inputs=inputs,
        rows=snapshot.rows,
        parameters=params,
        params_hash=params_hash(params),
        versions_hash=snapshot.versions_hash,
        show_code=bool(show_code),
    )


def _kind(rel: str, notebook_rel: str, sources: Sources) -> str:
    if rel == notebook_rel:
        return "notebook"
    for d in sources.source_dirs:
        prefix = sources.rel(d).rstrip("/") + "/"
        if rel.startswith(prefix):
            return "source"
    return "data"


def _row_diff(old: dict[str, str], new: dict[str, str]) -> list[tuple[str, str]]:
    out = [(rid, "changed") for rid in new if rid in old and old[rid] != new[rid]]
    out += [(rid, "added") for rid in new if rid not in old]
    out += [(rid, "removed") for rid in old if rid not in new]
    return sorted(out)


def input_causes(
    old: dict[str, Any], new: Fingerprint, sources: Sources, figure: dict[str, Any] | None = None
) -> list[str]:
    """What changed between a run's last success (``old`` record) and ``new``, most specific first.

    Data files in ROW_KEYED are described by row ("data/claims.csv row C12 changed"); when ``figure``
    names claims/context ids among the changed rows, only those rows are named.
    """
    causes: list[str] = []
    old_inputs: dict[str, str] = old.get("inputs") or {}
    old_nb = old.get("notebook_file") or ""
    if old_nb != new.notebook or old_inputs.get(old_nb) != new.inputs.get(new.notebook):
        causes.append("notebook")
    old_params: dict[str, Any] = old.get("parameters") or {}
    for key in sorted(set(old_params) | set(new.parameters)):
        if old_params.get(key, "<unset>") != new.parameters.get(key, "<unset>"):
            causes.append(f"parameter {key}")
    files = sorted(set(old_inputs) | set(new.inputs))
    if any(
        _kind(f, new.notebook, sources) == "source" and old_inputs.get(f) != new.inputs.get(f) for f in files
    ):
        causes.append("helpers source")
    if old.get("versions_hash") != new.versions_hash:
        causes.append("package versions")
    if bool(old.get("show_code")) != new.show_code:
        causes.append("--show-code")
    old_rows: dict[str, dict[str, str]] = old.get("rows") or {}
    for rel in files:
        if rel in (old_nb, new.notebook) or _kind(rel, new.notebook, sources) != "data":
            continue
        if old_inputs.get(rel) == new.inputs.get(rel):
            continue
        fig_field = ROW_KEYED.get(Path(rel).name)
        if fig_field and rel in old_rows and rel in new.rows and old_rows[rel] and new.rows[rel]:
            diff = _row_diff(old_rows[rel], new.rows[rel])
            if not diff:
                causes.append(f"{rel} (same rows, file layout changed)")
                continue
            refs = {str(i) for i in (figure or {}).get(fig_field) or []}
            picked = [d for d in diff if d[0] in refs] or diff
            for rid, how in picked[:MAX_ROWS_NAMED]:
                causes.append(f"{rel} row {rid} {how}")
            if len(picked) > MAX_ROWS_NAMED:
                causes.append(f"{rel}: {len(picked) - MAX_ROWS_NAMED} more rows changed")
        elif rel not in new.inputs:
            causes.append(f"{rel} removed")
        elif rel not in old_inputs:
            causes.append(f"{rel} added")
        else:
            causes.append(rel)
    return causes


def skip_reason(
    record: dict[str, Any] | None, new: Fingerprint, sources: Sources, reports_dir: Path, force: bool
) -> tuple[bool, str]:
    """(skip?, reason): skip only when the last attempt succeeded, its report exists and nothing changed."""
    if force:
        return False, "--force"
    if not record:
        return False, "never run"
    if record.get("status") != "ok":
        return False, "last attempt failed"
    html = record.get("html")
    if not html or not (reports_dir / html).is_file():
        return False, "report missing"
    if (
        record.get("inputs") == new.inputs
        and record.get("params_hash") == new.params_hash
        and record.get("versions_hash") == new.versions_hash
        and bool(record.get("show_code")) == new.show_code
        and record.get("notebook_file") == new.notebook
    ):
        return True, f"up to date (last success {record.get('last_success') or '?'})"
    causes = input_causes(record, new, sources)
    shown = ", ".join(causes[:4]) + (f" and {len(causes) - 4} more" if len(causes) > 4 else "")
    return False, f"changed: {shown or 'inputs'}"


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
    figures = data.get("figures") if isinstance(data, dict) else None
    if not isinstance(figures, list) or not all(isinstance(f, dict) and "name" in f for f in figures):
        raise ValueError(f"{path.name} must be {{'report': ..., 'figures': [{{'name': ..., 'value': ...}}]}}")
    return data


def load_manifest(path: Path) -> dict[str, Any]:
    """The manifest at ``path`` ({} when missing or unreadable: every run is then re-executed)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError):
        return {}
    if not isinstance(data, dict) or data.get("schema") != SCHEMA or not isinstance(data.get("runs"), dict):
        return {}
    return data


def save_manifest(path: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest atomically."""
    manifest["schema"] = SCHEMA
    write_atomic(
        path, json.dumps(manifest, indent=1, sort_keys=False, ensure_ascii=False, default=str) + "\n"
    )


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
