"""A run's dependencies on data, from what its kernel read (:mod:`helpers.reads`), hashed against a snapshot.

The reads of a run, stored in its manifest record with paths relative to the project root::

    {"files": [relpath, ...], "narrowed": {relpath: {"rows": [id...], "columns": [name...],
                                                    "where": [{column: [value...]}, ...]}}}

become ``{dependency: hash}``:

* ``file:<relpath>``: a file read whole (its sha256);
* ``rows:<relpath>``: the named rows (a missing id counts as missing);
* ``columns:<relpath>``: the ids, in file order, with the named columns of every row;
* ``where:<relpath>:<key>``: every row whose columns take the allowed values.

A register row also stands for the article it quotes (``seed_file``): its text in ``seeds/`` and its row of
``data/articles.csv``. A run that narrowed the register depends on the articles of its rows, not on every
file of ``seeds/`` or every row of the articles table. Nothing here imports pandas.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from helpers.files import sha256_file, stable_hash

#: Row-keyed files whose rows name another input file: {file name: (column, folder name)}.
ROW_FILES: dict[str, tuple[str, str]] = {"claims.csv": ("seed_file", "seeds")}
#: Tables beside a row-keyed file with one row per article it names: {file name: (table, its key column)}.
#: A register row stands for its article's row of data/articles.csv (outlet, headline, address) too.
ROW_TABLES: dict[str, tuple[str, str]] = {"claims.csv": ("articles.csv", "seed_file")}


def relative(record: dict[str, Any], sources: Any) -> dict[str, Any]:
    """A kernel's reads.json (absolute paths) with paths relative to the project root."""
    narrowed = {}
    for path, spec in (record.get("narrowed") or {}).items():
        narrowed[sources.rel(Path(path))] = {
            "rows": sorted(str(i) for i in spec.get("rows") or []),
            "columns": sorted(str(c) for c in spec.get("columns") or []),
            "where": [dict(w) for w in spec.get("where") or []],
        }
    return {"files": sorted({sources.rel(Path(f)) for f in record.get("files") or []}), "narrowed": narrowed}


def _abs(rel: str, sources: Any) -> Path:
    path = Path(rel)
    return path if path.is_absolute() else sources.root / path


def file_hash(snapshot: Any, rel: str) -> str:
    """The sha256 of an input: from the snapshot, else read now (a register outside data/); 'missing'."""
    known = snapshot.data.get(rel) or snapshot.extra.get(rel)
    if known:
        return known
    try:
        digest = sha256_file(_abs(rel, snapshot.sources))
    except OSError:
        digest = "missing"
    snapshot.extra[rel] = digest
    return digest


def table(snapshot: Any, rel: str) -> list[dict[str, str]] | None:
    """The rows of a CSV input (cached for the batch); None when it cannot be read as CSV with ids."""
    if rel not in snapshot.tables:
        try:
            with open(_abs(rel, snapshot.sources), encoding="utf-8-sig", newline="") as fh:
                reader = csv.DictReader(fh)
                rows = list(reader) if reader.fieldnames and "id" in reader.fieldnames else None
        except (OSError, UnicodeDecodeError, csv.Error):
            rows = None
        snapshot.tables[rel] = rows
    return snapshot.tables[rel]


def _seed_folder(sources: Any, folder_name: str) -> Path | None:
    return next((d for d in sources.data_dirs if Path(d).name == folder_name), None)


def _keyed(snapshot: Any, rel: str, key: str) -> dict[str, str]:
    """{key value: row hash} of a CSV beside the inputs (cached); {} when absent or unreadable."""
    memo = f"keyed:{rel}:{key}"
    if memo not in snapshot.memo:
        out: dict[str, str] = {}
        try:
            with open(_abs(rel, snapshot.sources), encoding="utf-8-sig", newline="") as fh:
                for r in csv.DictReader(fh):
                    out[(r.get(key) or "").strip()] = stable_hash(r)[:16]
        except (OSError, UnicodeDecodeError, csv.Error):
            out = {"": file_hash(snapshot, rel)}
        snapshot.memo[memo] = out
    return snapshot.memo[memo]


def _row_value(snapshot: Any, rel: str, row: dict[str, str]) -> list[str]:
    """A row's hash, and the hashes of the file and the table row it names (a register row's article)."""
    out = [stable_hash(row)[:16]]
    linked = ROW_FILES.get(Path(rel).name)
    if linked:
        folder = _seed_folder(snapshot.sources, linked[1])
        name = (row.get(linked[0]) or "").strip()
        if folder is not None and name:
            out.append(file_hash(snapshot, snapshot.sources.rel(Path(folder) / name)))
        table_name, key = ROW_TABLES.get(Path(rel).name, ("", ""))
        if table_name:
            keyed = _keyed(snapshot, (Path(rel).parent / table_name).as_posix(), key)
            out.append(keyed.get(name) or keyed.get("") or "none")
    return out


def _by_id(snapshot: Any, rel: str) -> dict[str, dict[str, str]]:
    key = f"by-id:{rel}"
    if key not in snapshot.memo:
        snapshot.memo[key] = {(r.get("id") or "").strip(): r for r in table(snapshot, rel) or []}
    return snapshot.memo[key]


def _memo(snapshot: Any, key: str, compute: Any) -> str:
    if key not in snapshot.memo:
        snapshot.memo[key] = compute()
    return snapshot.memo[key]


def dependencies(reads: dict[str, Any], snapshot: Any) -> dict[str, str]:
    """{dependency: hash} of a run's (relative) reads against the batch snapshot."""
    out: dict[str, str] = {}
    narrowed: dict[str, Any] = reads.get("narrowed") or {}
    covered = {ROW_FILES[Path(rel).name][1] for rel in narrowed if Path(rel).name in ROW_FILES}
    covered_dirs = [snapshot.sources.rel(d).rstrip("/") + "/" for d in snapshot.sources.data_dirs
                    if Path(d).name in covered]
    covered_tables = {(Path(rel).parent / ROW_TABLES[Path(rel).name][0]).as_posix() for rel in narrowed
                      if Path(rel).name in ROW_TABLES}
    for rel in reads.get("files") or []:
        if rel in narrowed or rel in covered_tables or any(rel.startswith(d) for d in covered_dirs):
            continue
        out[f"file:{rel}"] = file_hash(snapshot, rel)
    for rel, spec in sorted(narrowed.items()):
        rows = table(snapshot, rel)
        if rows is None:
            out[f"file:{rel}"] = file_hash(snapshot, rel)
            continue
        by_id = _by_id(snapshot, rel)
        if spec.get("rows"):
            out[f"rows:{rel}"] = stable_hash(
                [[rid, *(_row_value(snapshot, rel, by_id[rid]) if rid in by_id else ["missing"])]
                 for rid in spec["rows"]])
        if spec.get("columns"):
            cols = ["id", *spec["columns"]]
            out[f"columns:{rel}"] = _memo(snapshot, f"columns:{rel}:{cols}", lambda cols=cols, rows=rows: stable_hash(
                [[r.get(c) for c in cols] for r in rows]))
        for where in spec.get("where") or []:
            key = stable_hash(where)[:12]
            def matching(w: dict[str, Any] = where, rows: list[dict[str, str]] = rows, rel: str = rel) -> str:
                return stable_hash([_row_value(snapshot, rel, r) for r in rows
                                    if all(r.get(c) in v for c, v in w.items())])

            out[f"where:{rel}:{key}"] = _memo(snapshot, f"where:{rel}:{key}", matching)
    return out


def changed(old: dict[str, str], new: dict[str, str]) -> list[str]:
    """Dependencies whose hash differs (added and dropped ones too), sorted."""
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))


def split(dependency: str) -> tuple[str, str]:
    """(kind, relpath) of a dependency key."""
    kind, _, rest = dependency.partition(":")
    return kind, rest.rsplit(":", 1)[0] if kind == "where" else rest


def scoped_ids(reads: dict[str, Any], rel: str) -> set[str] | None:
    """The row ids a run narrowed ``rel`` to (None: the whole file, or a scan of its columns)."""
    spec = (reads.get("narrowed") or {}).get(rel)
    if not spec or spec.get("columns") or spec.get("where"):
        return None
    return set(spec.get("rows") or [])


def dumps(reads: dict[str, Any]) -> str:
    """The reads as stable JSON text (for messages and tests)."""
    return json.dumps(reads, sort_keys=True)
