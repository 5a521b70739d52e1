"""What a run depends on, hashed once per batch: the inputs, the notebook, the parameters, the versions.

A run is up to date when its last attempt succeeded, its published files are intact and nothing it depends
on changed since: its notebook file, its parameters (plan plus ``-p`` overrides), every file under data/ and
seeds/, the helpers source (``src/helpers/**/*.py`` and templates), the installed package versions and
``--show-code``. Row-keyed inputs (the register, the context figures) also keep one short hash per row, so
"what changed" names rows; a file of more than ``MAX_ROW_HASHES`` rows is described as a whole.

Nothing here imports papermill, nbconvert, nbclient or nbformat: a batch with nothing to do stays fast.
"""

from __future__ import annotations

import csv
import functools
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers import paths
from helpers.errors import Problem
from helpers.files import sha256_file, stable_hash

#: Row-keyed inputs: per-row hashes are kept so that "what changed" names rows; value = figure field
#: holding the ids a figure depends on.
ROW_KEYED: dict[str, str] = {"claims.csv": "claims", "context_figures.csv": "context"}
#: Beyond this many rows a file keeps no per-row hashes (its changes are named by file): bounds the manifest.
MAX_ROW_HASHES = 20_000
#: Files read as text by the reports: they must be UTF-8 (a byte-order mark is accepted).
TEXT_SUFFIXES = (".csv", ".tsv", ".json", ".txt", ".md", ".yaml", ".yml")
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
    """{row id: short hash of the row} of a CSV with an ``id`` column.

    {} when unreadable, without ids, or longer than MAX_ROW_HASHES rows (then the file counts as a whole).
    """
    out: dict[str, str] = {}
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames or key not in reader.fieldnames:
                return {}
            for row in reader:
                rid = (row.get(key) or "").strip()
                if rid:
                    out[rid] = stable_hash(row)[:16]
                if len(out) > MAX_ROW_HASHES:
                    return {}
    except (OSError, UnicodeDecodeError, csv.Error):
        return {}
    return out


def installed_versions() -> dict[str, str]:
    """{distribution name: version} of every installed package, plus ``python`` (no package is imported)."""
    from importlib import metadata

    versions: dict[str, str] = {}
    for dist in metadata.distributions():
        try:
            name = dist.metadata.get("Name") if dist.metadata else None
        except Exception:  # noqa: BLE001 - a half-installed package (a metadata folder without METADATA)
            continue
        if name:
            versions[name.lower().replace("_", "-")] = dist.version or ""
    versions["python"] = ".".join(map(str, sys.version_info[:3]))
    return dict(sorted(versions.items()))


def environment_signature() -> str:
    """A digest of the installed distributions' metadata folders (names and modification times) on sys.path: it
    changes whenever a package is installed, upgraded or removed, and takes a folder listing, not a metadata read."""
    entries = []
    for folder in sys.path:
        try:
            with os.scandir(folder or ".") as it:
                for entry in it:
                    if entry.name.endswith((".dist-info", ".egg-info", ".egg-link", ".pth")):
                        entries.append(f"{folder}/{entry.name}:{entry.stat().st_mtime_ns}")
        except OSError:
            continue
    return stable_hash([sys.version, *sorted(entries)])


def cached_versions(known: dict[str, Any] | None) -> tuple[dict[str, str], str]:
    """``(installed_versions(), environment_signature())``, taking the versions from ``known`` ({"signature",
    "versions"}, what the last batch saw) when the signature has not changed (a no-op batch reads no metadata)."""
    signature = environment_signature()
    if known and known.get("signature") == signature and isinstance(known.get("versions"), dict):
        return dict(known["versions"]), signature
    return installed_versions(), signature


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
    problems: list[Problem] = field(default_factory=list)  # data files that are not UTF-8 text
    extra: dict[str, str] = field(default_factory=dict)  # cache: hashes of inputs outside data/ (a register)
    tables: dict[str, Any] = field(default_factory=dict)  # cache: parsed rows of narrowed CSV inputs
    memo: dict[str, Any] = field(default_factory=dict)  # cache: hashes of column scans and searches

    @property
    def inputs(self) -> dict[str, str]:
        """{relpath: sha256} of every batch-wide input (data, seeds, helpers source)."""
        return {**self.data, **self.source}

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
        problems=[p for f in data_files if f.suffix.lower() in TEXT_SUFFIXES for p in text_problems(f, src)],
    )


def text_problems(path: Path, sources: Sources | None = None) -> list[Problem]:
    """[] when ``path`` is UTF-8 text (with or without a byte-order mark), else the problem with its place."""
    shown = (sources or Sources()).rel(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [Problem(shown, None, None, None, f"cannot be read ({exc.strerror})",
                        "restore the file or make it readable", "unreadable")]
    try:
        data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        line = data.count(b"\n", 0, offset) + 1
        bom = 3 if line == 1 and data.startswith(b"\xef\xbb\xbf") else 0
        column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1 - bom
        byte = data[offset:offset + 1]
        return [Problem(shown, line, None, None,
                        f"is not UTF-8 text: byte 0x{byte.hex()} at line {line}, column {column} (Latin-1 or "
                        "Windows-1252?)", "save the file as UTF-8 (Excel: 'CSV UTF-8'; an editor: encoding UTF-8)",
                        "encoding")]
    return []


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
    notebook_hash: str = ""
    reads: dict[str, Any] | None = None  # what the run read (helpers.readdeps); None: every data file
    read_hashes: dict[str, str] | None = None  # {dependency: hash} of those reads

    def as_record(self) -> dict[str, Any]:
        """The manifest fields of the fingerprint."""
        return {
            "reads": self.reads,
            "read_hashes": self.read_hashes,
            "inputs": self.inputs,
            "rows": self.rows,
            "parameters": self.parameters,
            "params_hash": self.params_hash,
            "versions_hash": self.versions_hash,
            "show_code": self.show_code,
            "notebook_file": self.notebook,
            "notebook_hash": self.notebook_hash,
        }


def fingerprint(
    snapshot: Snapshot, notebook_path: Path, parameters: dict[str, Any], show_code: bool,
    record: dict[str, Any] | None = None,
) -> Fingerprint:
    """The fingerprint of one run from the batch snapshot; with the run's last ``record``, the data it
    depends on are what that run read (its reads, hashed now), not every data file."""
    from helpers import readdeps

    nb_rel, nb_hash = snapshot.notebook_hash(notebook_path)
    params = {k: v for k, v in parameters.items() if k != "output_dir"}
    inputs = {nb_rel: nb_hash, **snapshot.data, **snapshot.source}
    reads = (record or {}).get("reads")
    return Fingerprint(
        reads=reads,
        read_hashes=readdeps.dependencies(reads, snapshot) if reads else None,
        notebook=nb_rel,
        inputs=inputs,
        rows=snapshot.rows,
        parameters=params,
        params_hash=params_hash(params),
        versions_hash=snapshot.versions_hash,
        show_code=bool(show_code),
        notebook_hash=nb_hash,
    )


@functools.lru_cache(maxsize=8)
def _source_prefixes(sources: Sources) -> tuple[str, ...]:
    """The source folders as relative prefixes (``src/helpers/``), worked out once per Sources."""
    return tuple(sources.rel(d).rstrip("/") + "/" for d in sources.source_dirs)


def _kind(rel: str, notebook_rel: str, sources: Sources) -> str:
    if rel == notebook_rel:
        return "notebook"
    return "source" if rel.startswith(_source_prefixes(sources)) else "data"


def _code(inputs: dict[str, str], sources: Sources, notebook_rel: str) -> dict[str, str]:
    """The inputs that are not data: the notebook and the helpers source."""
    return {k: v for k, v in inputs.items() if _kind(k, notebook_rel, sources) != "data"}


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
    scopes: dict[str, set[str] | None] = {}
    if old.get("reads") and old.get("read_hashes") is not None and new.read_hashes is not None:
        from helpers import readdeps

        deps = readdeps.changed(old["read_hashes"], new.read_hashes)
        for dep in deps:
            kind, rel = readdeps.split(dep)
            scopes[rel] = readdeps.scoped_ids(old["reads"], rel) if kind == "rows" else None
        files = sorted(scopes)
        if deps and not any(old_inputs.get(f) != new.inputs.get(f) for f in files):
            causes.extend(f"{f} (the articles its rows quote)" for f in files)
            return causes
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
            scope = scopes.get(rel)
            if scope is not None:
                diff = [d for d in diff if d[0] in scope] or diff
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
    damaged = damaged_files(record, reports_dir)
    if damaged:
        return False, f"published files damaged: {', '.join(damaged[:3])}" + (
            f" and {len(damaged) - 3} more" if len(damaged) > 3 else "")
    if record.get("reads") and record.get("read_hashes") is not None and new.read_hashes is not None:
        same_inputs = (record["read_hashes"] == new.read_hashes
                       and _code(record.get("inputs") or {}, sources, record.get("notebook_file") or "")
                       == _code(new.inputs, sources, new.notebook))
    else:
        same_inputs = record.get("inputs") == new.inputs
    if (
        same_inputs
        and record.get("params_hash") == new.params_hash
        and record.get("versions_hash") == new.versions_hash
        and bool(record.get("show_code")) == new.show_code
        and record.get("notebook_file") == new.notebook
    ):
        return True, f"up to date (last success {record.get('last_success') or '?'})"
    causes = input_causes(record, new, sources)
    shown = ", ".join(causes[:4]) + (f" and {len(causes) - 4} more" if len(causes) > 4 else "")
    return False, f"changed: {shown or 'inputs'}"


def damaged_files(record: dict[str, Any], reports_dir: Path) -> list[str]:
    """Published files of a run that are missing or differ from the sha256 recorded when it was published."""
    out = []
    for rel, digest in sorted((record.get("files") or {}).items()):
        path = reports_dir / rel
        try:
            if sha256_file(path) != digest:
                out.append(f"{rel} (changed)")
        except OSError:
            out.append(f"{rel} (missing)")
    return out
