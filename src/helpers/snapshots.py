"""Read the agencies' own series from the snapshots under ``data/snapshots/`` (never the network).

``make refresh`` (``python -m helpers.refresh``) writes the snapshots; reports and notebooks only read them,
through this module:

* ``series(source, code, geo, partner=None)``: one series of one vintage as a year-indexed ``pandas.Series``
  whose ``attrs`` carry the source, series code, vintage, retrieval date, address (the API query) and the
  row id of every point (``attrs["row_ids"]``), so a report can cite each figure.
* ``available_through()``: the last period of every series ("data available through ...").
* ``revisions_since(when)``: the figures a refresh changed since a time (old and new value and vintage).
* ``bilateral(source, reporter, partner)``: both directions of a trade pair with the partner's mirror figures.
* ``cite(row_id)`` and ``provenance(source)``: one row, and the snapshot's provenance (seeded or live).

A snapshot is one CSV a source (``wdi.csv``, ``imf.csv``, ``comtrade.csv``) with a
``.meta.json`` beside it that records its provenance and the sha256 of the CSV; a CSV that does not match
its checksum is refused. Vintages are never mixed: a series is read from one vintage (by default the
current one), and older vintages kept for comparison are read by naming them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from helpers import paths
from helpers.errors import SnapshotError
from helpers.files import sha256_file

#: Sources with a snapshot: World Bank WDI, IMF (IMTS bilateral trade and WEO), UN Comtrade.
SOURCES: tuple[str, ...] = ("wdi", "imf", "comtrade")

#: Columns of every snapshot CSV, in order.
COLUMNS: list[str] = [
    "row_id", "source", "dataset", "series_code", "measure", "geo", "partner", "period", "period_kind",
    "value", "unit", "vintage", "vintage_date", "role", "origin", "retrieved", "address", "publisher",
    "copy", "confidence", "notes",
]
#: Columns of the revisions log (``revisions.csv``).
REVISION_COLUMNS: list[str] = [
    "recorded_at", "source", "dataset", "series_code", "geo", "partner", "period", "old_value", "new_value",
    "old_vintage", "new_vintage", "old_row_id", "new_row_id", "change", "origin",
]
ROLES = ("current", "archive")
ORIGINS = ("live", "seed")


def folder_of(folder: str | Path | None = None) -> Path:
    """The snapshots folder: ``folder`` when given, else ``data/snapshots`` (``helpers.paths.SNAPSHOTS``)."""
    return Path(folder) if folder is not None else paths.SNAPSHOTS


def snapshot_path(source: str, folder: str | Path | None = None) -> Path:
    """Path of a source's snapshot CSV."""
    return folder_of(folder) / f"{source}.csv"


def meta_path(source: str, folder: str | Path | None = None) -> Path:
    """Path of a source's provenance file (``<source>.meta.json``)."""
    return folder_of(folder) / f"{source}.meta.json"


def revisions_path(folder: str | Path | None = None) -> Path:
    """Path of the revisions log."""
    return folder_of(folder) / "revisions.csv"


def row_id(source: str, series_code: str, geo: str, partner: str, period: str, vintage_date: str) -> str:
    """The stable id of one value: ``wdi/NY.GDP.MKTP.CD/PAK/2024@2026-07-01`` (``PAK>CHN`` for a pair)."""
    where = f"{geo}>{partner}" if partner else geo
    return f"{source}/{series_code}/{where}/{period}@{vintage_date}"


def _check_source(source: str) -> None:
    if source not in SOURCES:
        raise SnapshotError(f"unknown snapshot source {source!r}. Fix: use one of {', '.join(SOURCES)}")


def provenance(source: str, folder: str | Path | None = None) -> dict[str, Any]:
    """The snapshot's provenance (publisher, seeded or live, copy and commit, retrieval, checksum, coverage)."""
    _check_source(source)
    path = meta_path(source, folder)
    if not path.exists():
        raise SnapshotError(f"{paths.shown(path)} is missing. Fix: restore it from git (git checkout -- "
                            f"{paths.shown(path)}) or run make refresh")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SnapshotError(f"{paths.shown(path)} is not valid JSON ({exc}). Fix: restore it from git") from None


def load(source: str, folder: str | Path | None = None, *, verify: bool = True) -> pd.DataFrame:
    """One source's snapshot as a frame (text columns as text, ``value`` as float).

    ``verify`` checks the CSV against the sha256 in its meta file and refuses a file changed by hand.
    """
    meta = provenance(source, folder)
    path = snapshot_path(source, folder)
    if not path.exists():
        raise SnapshotError(f"{paths.shown(path)} is missing. Fix: restore it from git or run make refresh")
    if verify and meta.get("sha256") != sha256_file(path):
        raise SnapshotError(f"{paths.shown(path)} does not match the sha256 in {paths.shown(meta_path(source, folder))}"
                            ": it was changed outside the refresh. Fix: restore it from git; change snapshots "
                            "only through python -m helpers.refresh")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if list(frame.columns) != COLUMNS:
        raise SnapshotError(f"{paths.shown(path)}: columns {list(frame.columns)} differ from {COLUMNS}. "
                            "Fix: restore it from git")
    frame["value"] = pd.to_numeric(frame["value"], errors="raise").astype(float)
    return frame


def load_all(folder: str | Path | None = None) -> pd.DataFrame:
    """Every source's snapshot in one frame."""
    frames = [load(source, folder) for source in SOURCES]
    return pd.concat(frames, ignore_index=True)


def _select(frame: pd.DataFrame, code: str, geo: str, partner: str | None, dataset: str | None) -> pd.DataFrame:
    rows = frame[frame["series_code"].eq(code) & frame["geo"].eq(geo) & frame["partner"].eq(partner or "")]
    if dataset is not None:
        rows = rows[rows["dataset"].eq(dataset)]
    return rows


def vintages(source: str, code: str, geo: str, partner: str | None = None, *,
             folder: str | Path | None = None) -> pd.DataFrame:
    """The vintages a snapshot holds for one series: vintage, vintage_date, role, origin, periods, last period."""
    rows = _select(load(source, folder), code, geo, partner, None)
    grouped = rows.groupby(["vintage", "vintage_date", "role", "origin"], sort=False)
    out = grouped["period"].agg(periods="count", first_period="min", last_period="max").reset_index()
    return out.sort_values("vintage_date", ascending=False, ignore_index=True)


def series(source: str, code: str, geo: str, partner: str | None = None, *, vintage: str | None = None,
           dataset: str | None = None, folder: str | Path | None = None) -> pd.Series:
    """One series of one vintage, indexed by period (int years when every period is a year).

    ``vintage=None`` reads the current vintage; name a vintage (its label or date, as ``vintages()`` lists
    them) to read an older one. ``attrs``: source, dataset, series_code, measure, geo, partner, unit, vintage,
    vintage_date, origin (seed or live), retrieved, address, publisher, copy, confidence, notes,
    available_through (last period) and row_ids ({period: row id}).
    """
    frame = load(source, folder)
    rows = _select(frame, code, geo, partner, dataset)
    where = f"{source} {code} {geo}" + (f"-{partner}" if partner else "")
    if rows.empty:
        known = sorted(set(frame["series_code"]))
        raise SnapshotError(f"no snapshot rows for {where}. Fix: use a series the snapshot holds ({', '.join(known)}"
                            f"{'' if known else 'none yet'}) or add it to data/snapshots/sources.yaml and run make "
                            "refresh")
    if vintage is None:
        rows = rows[rows["role"].eq("current")]
    else:
        rows = rows[rows["vintage"].eq(vintage) | rows["vintage_date"].eq(vintage)]
        if rows.empty:
            held = ", ".join(vintages(source, code, geo, partner, folder=folder)["vintage"])
            raise SnapshotError(f"{where} has no vintage {vintage!r}. Fix: use one of: {held}")
    if rows["vintage_date"].nunique() > 1 or rows["dataset"].nunique() > 1:
        raise SnapshotError(f"{where}: the current rows mix vintages or datasets "
                            f"({sorted(set(rows['vintage']))}). Fix: name the vintage or dataset")
    rows = rows.sort_values("period", key=lambda s: s.str.zfill(12))
    periods = list(rows["period"])
    index = [int(p) for p in periods] if all(p.isdigit() for p in periods) else periods
    out = pd.Series(rows["value"].to_numpy(), index=pd.Index(index, name="period"), name=code)
    first = rows.iloc[0]
    out.attrs.update({
        "source": source, "dataset": first["dataset"], "series_code": code, "measure": first["measure"],
        "geo": geo, "partner": partner or "", "unit": first["unit"], "vintage": first["vintage"],
        "vintage_date": first["vintage_date"], "origin": "/".join(sorted(set(rows["origin"]))),
        "retrieved": max(rows["retrieved"]), "address": first["address"], "publisher": first["publisher"],
        "copy": first["copy"], "confidence": first["confidence"], "notes": first["notes"],
        "available_through": periods[-1], "row_ids": dict(zip(index, rows["row_id"], strict=True)),
    })
    return out


def available_through(source: str | None = None, folder: str | Path | None = None) -> pd.DataFrame:
    """The last period of every current series ("data available through"), with its vintage and origin."""
    frame = load(source, folder) if source else load_all(folder)
    current = frame[frame["role"].eq("current")]
    keys = ["source", "dataset", "series_code", "geo", "partner", "vintage", "origin"]
    ordered = current.assign(_order=current["period"].str.zfill(12)).sort_values("_order")
    out = ordered.groupby(keys, sort=True).agg(first_period=("period", "first"), last_period=("period", "last"),
                                               points=("period", "count")).reset_index()
    return out


def cite(row_id_: str, folder: str | Path | None = None) -> dict[str, Any]:
    """The snapshot row with this id, as a dict (for a report's source line)."""
    source = row_id_.split("/", 1)[0]
    _check_source(source)
    frame = load(source, folder)
    rows = frame[frame["row_id"].eq(row_id_)]
    if rows.empty:
        raise SnapshotError(f"no snapshot row has id {row_id_!r}. Fix: use an id from series(...).attrs['row_ids']")
    return rows.iloc[0].to_dict()


def load_revisions(folder: str | Path | None = None) -> pd.DataFrame:
    """The whole revisions log (empty frame with the columns when no refresh has changed a figure)."""
    path = revisions_path(folder)
    if not path.exists():
        return pd.DataFrame(columns=REVISION_COLUMNS)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column in ("old_value", "new_value"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame


def _as_utc(when: str | datetime) -> datetime:
    moment = datetime.fromisoformat(when) if isinstance(when, str) else when
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def revisions_since(when: str | datetime | None = None, folder: str | Path | None = None) -> pd.DataFrame:
    """Figures changed by refreshes recorded at or after ``when`` (ISO text or datetime; naive = UTC).

    One row a change: source, dataset, series_code, geo, partner, period, old and new value, old and new
    vintage and row ids, ``change`` (``revised`` or ``withdrawn``) and when it was recorded. ``None``: all.
    """
    frame = load_revisions(folder)
    if when is None or frame.empty:
        return frame.reset_index(drop=True)
    since = _as_utc(when)
    recorded = frame["recorded_at"].map(_as_utc)
    return frame[recorded >= since].reset_index(drop=True)


def bilateral(source: str, reporter: str, partner: str, *, folder: str | Path | None = None) -> pd.DataFrame:
    """Trade between two economies as each reports it: one row a period, one column a flow and reporter.

    Columns: ``exports`` and ``imports`` as ``reporter`` reports them, ``partner_imports`` and
    ``partner_exports`` as ``partner`` reports them (the mirror figures: the partner's imports from the
    reporter measure the reporter's exports, CIF rather than FOB). Cells are NaN where a side reports nothing.
    """
    frame = load(source, folder)
    current = frame[frame["role"].eq("current") & frame["partner"].ne("")]
    flows = {"exports": (reporter, partner, "X"), "imports": (reporter, partner, "M"),
             "partner_imports": (partner, reporter, "M"), "partner_exports": (partner, reporter, "X")}
    columns = {}
    for name, (geo, other, flow) in flows.items():
        rows = current[current["geo"].eq(geo) & current["partner"].eq(other)
                       & current["measure"].str.startswith("exports" if flow == "X" else "imports")]
        columns[name] = pd.Series(rows["value"].to_numpy(), index=rows["period"].astype(str))
    out = pd.DataFrame(columns)
    out.index.name = "period"
    return out.sort_index()
