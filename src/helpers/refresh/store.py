"""Merge a source's answer into its snapshot, log the revisions, and write everything without half-writes.

A refresh answers for some series (``Fetched.covered``); only those are replaced. Their current rows give way
to the new ones: a changed value becomes a ``revised`` entry in ``revisions.csv``, a period the agency no
longer publishes a ``withdrawn`` one. Sources that publish named editions (the WEO) keep the superseded
edition as ``archive`` rows; the others keep only the current vintage, the log holding what changed.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from helpers import snapshots
from helpers.files import csv_text, sha256_bytes, write_atomic, write_csvs

#: Relative difference below which two values are the same figure (float noise, not a revision).
SAME = 1e-9


@dataclass
class Fetched:
    """What one source answered: rows (snapshot columns without row_id/role/origin) and the series it covered."""

    source: str
    rows: list[dict[str, Any]]
    covered: set[tuple[str, str, str, str]]  # (dataset, series_code, geo, partner) answered, even if empty
    retrieved: str
    periods: frozenset[str] = frozenset()  # the periods asked for; empty = all
    editions: frozenset[str] = frozenset()  # datasets publishing named editions: the superseded one is archived
    notes: list[str] = field(default_factory=list)


def now_utc() -> str:
    """Current time, ISO 8601 UTC, seconds precision."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def empty_frame() -> pd.DataFrame:
    """An empty snapshot with the snapshot columns."""
    return pd.DataFrame({c: pd.Series(dtype=float if c == "value" else str) for c in snapshots.COLUMNS})


def finish_rows(rows: list[dict[str, Any]], *, origin: str, role: str = "current") -> pd.DataFrame:
    """Complete fetched rows (row id, role, origin) as a snapshot frame in column order."""
    if not rows:
        return empty_frame()
    frame = pd.DataFrame(rows)
    for column in snapshots.COLUMNS:
        if column not in frame:
            frame[column] = ""
    frame["role"] = role
    frame["origin"] = origin
    frame["partner"] = frame["partner"].fillna("")
    frame["row_id"] = [snapshots.row_id(r.source, r.series_code, r.geo, r.partner, r.period, r.vintage_date)
                       for r in frame.itertuples()]
    frame["value"] = frame["value"].astype(float)
    return frame[snapshots.COLUMNS]


def _key(frame: pd.DataFrame) -> pd.Series:
    return frame["dataset"] + "|" + frame["series_code"] + "|" + frame["geo"] + "|" + frame["partner"]


def _differs(old: float, new: float) -> bool:
    return not math.isclose(old, new, rel_tol=SAME, abs_tol=0.0)


def merge(old: pd.DataFrame, fetched: Fetched, *, recorded_at: str) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """The new snapshot and the revisions it makes, for the series the answer covered."""
    new = finish_rows(fetched.rows, origin="live")
    covered = {"|".join(k) for k in fetched.covered}
    old_key = _key(old) if not old.empty else pd.Series(dtype=str)
    touched = old_key.isin(covered) if not old.empty else pd.Series(dtype=bool)
    untouched = old[~touched] if not old.empty else old
    current = old[touched & old["role"].eq("current")] if not old.empty else old
    archived = old[touched & old["role"].eq("archive")] if not old.empty else old
    # Periods outside the window asked for are not answered: they leave the current vintage (kept as archive,
    # so a series never mixes vintages) and are not withdrawals.
    asked = current["period"].isin(fetched.periods) if fetched.periods else current["period"].notna()
    replaced = current[asked]
    outside = current[~asked].assign(role="archive")

    revisions: list[dict[str, Any]] = []
    new_by_key = {(k, p): r for k, p, r in zip(_key(new), new["period"], new.itertuples(), strict=True)}
    for key, period, row in zip(_key(replaced), replaced["period"], replaced.itertuples(), strict=True):
        fresh = new_by_key.get((key, period))
        base = {"recorded_at": recorded_at, "source": row.source, "dataset": row.dataset,
                "series_code": row.series_code, "geo": row.geo, "partner": row.partner, "period": period,
                "old_value": row.value, "old_vintage": row.vintage, "old_row_id": row.row_id,
                "origin": fetched.source}
        if fresh is None:
            revisions.append({**base, "new_value": "", "new_vintage": "", "new_row_id": "", "change": "withdrawn"})
        elif _differs(row.value, fresh.value):
            revisions.append({**base, "new_value": fresh.value, "new_vintage": fresh.vintage,
                              "new_row_id": fresh.row_id, "change": "revised"})
    for revision in revisions:
        revision["origin"] = "live"

    keep_old_edition = pd.DataFrame(columns=snapshots.COLUMNS)
    if fetched.editions and not replaced.empty and revisions:
        changed = {r["old_row_id"] for r in revisions}
        edition_rows = replaced["dataset"].isin(fetched.editions)
        changed_series = set(_key(replaced[replaced["row_id"].isin(changed)]))
        superseded = edition_rows & _key(replaced).isin(changed_series) & ~replaced["vintage_date"].isin(
            set(new["vintage_date"]))
        keep_old_edition = replaced[superseded].assign(role="archive")
    frames = [f for f in (untouched, archived, outside, keep_old_edition, new) if not f.empty]
    merged = pd.concat(frames, ignore_index=True) if frames else empty_frame()
    merged = merged.drop_duplicates("row_id", keep="last")
    merged = merged.sort_values(["dataset", "series_code", "geo", "partner", "vintage_date", "period"],
                                key=lambda s: s.str.zfill(12) if s.name == "period" else s, ignore_index=True)
    return merged[snapshots.COLUMNS], revisions


def same_content(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Two snapshots hold the same rows (ids and values), whatever their order."""
    if len(a) != len(b):
        return False
    left = a.set_index("row_id")["value"].sort_index()
    right = b.set_index("row_id")["value"].sort_index()
    return left.index.equals(right.index) and all(not _differs(x, y) for x, y in zip(left, right, strict=True))


def coverage(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Per current series: first and last period ("data available through"), points, vintage, origin."""
    current = frame[frame["role"].eq("current")]
    out = []
    for (dataset, code, geo, partner), rows in current.groupby(["dataset", "series_code", "geo", "partner"]):
        periods = sorted(rows["period"], key=lambda p: p.zfill(12))
        out.append({"dataset": dataset, "series_code": code, "geo": geo, "partner": partner,
                    "first_period": periods[0], "last_period": periods[-1], "points": len(periods),
                    "vintage": rows["vintage"].iloc[0], "origin": "/".join(sorted(set(rows["origin"])))})
    return out


def write_snapshot(source: str, frame: pd.DataFrame, meta: dict[str, Any], revisions: list[dict[str, Any]],
                   folder: str | Path | None = None) -> None:
    """Replace the snapshot CSV (and append to the revisions log) together, then its meta file.

    The CSVs go through temporary files renamed only when all are written (``files.write_csvs``); the meta
    file, which carries the CSV's sha256, is written last and atomically.
    """
    folder = snapshots.folder_of(folder)
    folder.mkdir(parents=True, exist_ok=True)
    text = csv_text(frame, for_people=False)  # exactly what write_csvs writes, so the checksum matches
    meta = {**meta, "rows": len(frame), "sha256": sha256_bytes(text.encode("utf-8")),
            "coverage": coverage(frame)}
    frames = {snapshots.snapshot_path(source, folder): frame}
    if revisions:
        log = snapshots.load_revisions(folder)
        added = pd.DataFrame(revisions, columns=snapshots.REVISION_COLUMNS)
        frames[snapshots.revisions_path(folder)] = pd.concat([log, added], ignore_index=True) if not log.empty \
            else added
    write_csvs(frames, for_people=False)
    write_atomic(snapshots.meta_path(source, folder), _json(meta))


def _json(meta: dict[str, Any]) -> str:
    return json.dumps(meta, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
