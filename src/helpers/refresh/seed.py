"""Seed the snapshots from public copies of the agencies' series, recorded honestly as such.

The build machine reaches no statistical agency, so the first snapshots come from
``data/snapshots/seed/reference_series.csv``: a byte copy of the project's reference file, whose rows were
read from public GitHub copies of the WDI (``datasets/world-development-indicators`` @ 4ebec5a, copied
2026-07-01; ``datasets/gdp`` @ 1cdcd2e, 2024-09-19; ``open-numbers`` WDI @ 6228c58, 2024-12-20) and of the
IMF WEO (``mitsuoxv/imf-weo``, one commit per edition). Every seeded row says so: ``origin=seed``, the
publisher, the copy (repository, commit, path), the copy's date as vintage, the reference row id and its
confidence. Values are taken at full precision from each row's excerpt (the copy's own text), so the first
live refresh records only real revisions. No public copy of IMF IMTS or UN Comtrade bilateral flows exists
here: those snapshots start empty and say so.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from helpers import paths, snapshots
from helpers.errors import SnapshotError
from helpers.files import sha256_file
from helpers.refresh import store

SEED_DIR = "seed"
REFERENCE = "reference_series.csv"
#: Public copies the reference was read from: marker in ``retrieved_from`` -> (vintage label, date, role).
WDI_COPIES = {
    "datasets/world-development-indicators @ 4ebec5a": ("WDI, public copy of 2026-07-01", "2026-07-01", "current"),
    "open-numbers/ddf--open_numbers--world_development_indicators @ 6228c58":
        ("WDI, public copy of 2024-12-20", "2024-12-20", "current"),
    "datasets/gdp @ 1cdcd2e": ("WDI, public copy of 2024-09-19", "2024-09-19", "archive"),
}
WEO_FILE = re.compile(r"data_(\d\d)(\d\d)\.rda")
CURRENT_WEO = "2025-10"
#: Economies whose national accounts WDI and WEO put in the calendar year in which their fiscal year ends.
FISCAL_YEAR_NOTES = {
    "PAK": "Pakistan FY ends 30 June: year t = FY(t-1)-t.",
    "BGD": "Bangladesh FY ends 30 June: year t = FY(t-1)-t.",
    "EGY": "Egypt FY ends 30 June: year t = FY(t-1)-t.",
    "ETH": "Ethiopia FY ends 7 July: year t = FY(t-1)-t.",
    "IND": "India FY ends 31 March: year t = FY t-(t+1).",
}
NATIONAL_ACCOUNTS = {"NY.GDP.MKTP.CD", "NE.EXP.GNFS.CD", "NE.IMP.GNFS.CD", "NGDPD", "NGDP", "NGDP_RPCH"}
LIVE_REPLACES = "Seeded from a public copy; the first live refresh replaces it."


def reference_path(folder: str | Path | None = None) -> Path:
    """The byte copy of the reference file the seeds come from."""
    return snapshots.folder_of(folder) / SEED_DIR / REFERENCE


def excerpt_value(row: dict[str, str]) -> float:
    """The value at full precision from the row's excerpt, checked against its truncated ``value``."""
    excerpt = row["excerpt"]
    match = re.search(r"value=([-0-9.eE+]+)", excerpt)
    # WEO rows: "... scale=9 ... value=99.421" (US$ billions); WDI rows: the CSV line "Pakistan,PAK,2000,99484.5"
    value = float(match[1]) * 1e9 if match else float(excerpt.rsplit(",", 1)[1])
    if abs(value - float(row["value"])) > max(1.0, abs(value) * 1e-6):
        raise SnapshotError(f"{REFERENCE}, row {row['id']}: excerpt value {value} does not match value "
                            f"{row['value']}. Fix: restore the reference copy from the shared reference folder")
    return value


def _fiscal_note(code: str, geo: str) -> str:
    return FISCAL_YEAR_NOTES.get(geo, "") if code in NATIONAL_ACCOUNTS else ""


def _wdi_row(row: dict[str, str]) -> dict[str, Any] | None:
    marker = next((m for m in WDI_COPIES if m in row["retrieved_from"]), None)
    if marker is None:
        return None
    vintage, vintage_date, role = WDI_COPIES[marker]
    code = row["series_code"]
    return {"source": "wdi", "dataset": "WDI", "series_code": code, "measure": row["measure"], "geo": row["geo"],
            "partner": "", "period": row["period"], "period_kind": "calendar", "value": excerpt_value(row),
            "unit": "USD", "vintage": vintage, "vintage_date": vintage_date, "role": role,
            "retrieved": vintage_date,
            "address": f"https://api.worldbank.org/v2/en/indicator/{code}?downloadformat=csv",
            "publisher": "World Bank (WDI)", "copy": row["retrieved_from"], "confidence": row["confidence"],
            "notes": " ".join(filter(None, [f"Reference row {row['id']}.", LIVE_REPLACES,
                                            _fiscal_note(code, row["geo"])]))}


def _weo_row(row: dict[str, str]) -> dict[str, Any] | None:
    match = WEO_FILE.search(row["retrieved_from"])
    if not match or row["series_code"] != "NGDPD":
        return None
    edition = f"20{match[1]}-{match[2]}"
    estimate = "A current-year estimate in this edition, not a projection. " \
        if row["measure"] == "gdp_projection_usd" else ""
    return {"source": "imf", "dataset": "WEO", "series_code": "NGDPD", "measure": "gdp_current_usd",
            "geo": row["geo"], "partner": "", "period": row["period"], "period_kind": "calendar",
            "value": excerpt_value(row), "unit": "USD", "vintage": f"WEO {edition}", "vintage_date": f"{edition}-01",
            "role": "current" if edition == CURRENT_WEO else "archive", "retrieved": f"{edition}-01",
            "address": "https://data.imf.org/en/datasets/IMF.RES:WEO", "publisher": "IMF (WEO)",
            "copy": row["retrieved_from"], "confidence": row["confidence"],
            "notes": " ".join(filter(None, [f"Reference row {row['id']}.", estimate, LIVE_REPLACES,
                                            "Published in US$ billions; stored unscaled.",
                                            _fiscal_note("NGDPD", row["geo"])]))}


def seed_frames(folder: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """The seeded snapshot of every source, built from the reference copy."""
    path = reference_path(folder)
    if not path.exists():
        raise SnapshotError(f"{paths.shown(path)} is missing. Fix: restore it from git")
    rows = pd.read_csv(path, dtype=str, keep_default_na=False).to_dict("records")
    built: dict[str, list[dict[str, Any]]] = {"wdi": [], "imf": []}
    for row in rows:
        for source, make in (("wdi", _wdi_row), ("imf", _weo_row)):
            out = make(row) if row["series_code"] else None
            if out:
                built[source].append(out)
    frames = {}
    for source, records in built.items():
        frame = pd.DataFrame(records)
        frame["row_id"] = [snapshots.row_id(r.source, r.series_code, r.geo, r.partner, r.period, r.vintage_date)
                           for r in frame.itertuples()]
        frame["origin"] = "seed"
        frames[source] = frame[snapshots.COLUMNS].sort_values(
            ["dataset", "series_code", "geo", "vintage_date", "period"], ignore_index=True)
    frames["comtrade"] = store.empty_frame()
    return frames


def seed_revisions(wdi: pd.DataFrame) -> list[dict[str, Any]]:
    """Revisions observed between two public WDI copies (PAK GDP, 2024-09-19 -> 2026-07-01), logged as seeded."""
    out = []
    archive = wdi[wdi["role"].eq("archive")]
    current = wdi[wdi["role"].eq("current")].set_index(["series_code", "geo", "period"])
    for row in archive.itertuples():
        key = (row.series_code, row.geo, row.period)
        if key not in current.index:
            continue
        new = current.loc[key]
        if abs(new["value"] - row.value) / abs(row.value) > store.SAME:
            out.append({"recorded_at": f"{new['vintage_date']}T00:00:00+00:00", "source": "wdi", "dataset": "WDI",
                        "series_code": row.series_code, "geo": row.geo, "partner": "", "period": row.period,
                        "old_value": row.value, "new_value": new["value"], "old_vintage": row.vintage,
                        "new_vintage": new["vintage"], "old_row_id": row.row_id, "new_row_id": new["row_id"],
                        "change": "revised", "origin": "seed"})
    return out


SEED_META = {
    "wdi": {"title": "World Bank World Development Indicators", "publisher": "World Bank",
            "client": "wbgapi", "status": "seeded",
            "seeded_from": "Public GitHub copies of the WDI: datasets/world-development-indicators @ "
                           "4ebec5a2273f531ba238a34dbe440394dc5a6c4b (bulk CSV pulled by its updater, committed "
                           "2026-07-01), datasets/gdp @ 1cdcd2eb2364edd9da24bcbe134c1a9e0fb4c693 (2024-09-19, kept "
                           "as an archive vintage of PAK GDP), open-numbers/ddf--open_numbers--world_development_"
                           "indicators @ 6228c58085c0a68de6ba7caa087736972d048ab9 (2024-12-20, NE.EXP.GNFS.CD)."},
    "imf": {"title": "IMF: International Trade in Goods by partner (IMTS) and World Economic Outlook (WEO)",
            "publisher": "International Monetary Fund", "client": "sdmx1 (IMF_DATA)", "status": "seeded",
            "seeded_from": "WEO NGDPD for Pakistan from github mitsuoxv/imf-weo (one commit per edition: Oct 2025 "
                           "current; Apr 2025, Oct 2023, Apr 2023, Oct 2022 kept as archive vintages). No public "
                           "copy of IMTS bilateral trade, nor of WEO NGDP and NGDP_RPCH as series, was available: "
                           "the first live refresh adds them."},
    "comtrade": {"title": "UN Comtrade: bilateral merchandise trade, total goods, annual",
                 "publisher": "United Nations Statistics Division", "client": "comtradeapicall",
                 "status": "empty",
                 "seeded_from": "Nothing: no public copy of UN Comtrade's bilateral flows for these pairs was "
                                "available to the build, and none is invented. The first live refresh fills it."},
}


def seed(folder: str | Path | None = None) -> dict[str, int]:
    """Write the seeded snapshots, their meta files and the seeded revisions; return rows per source."""
    frames = seed_frames(folder)
    reference = reference_path(folder)
    snapshots.revisions_path(folder).unlink(missing_ok=True)  # the log restarts with the seeds
    counts = {}
    for source, frame in frames.items():
        meta = {**SEED_META[source], "source": source,
                "reference_copy": {"path": f"{SEED_DIR}/{REFERENCE}", "sha256": sha256_file(reference),
                                   "copied_from": "the project's shared reference folder (reference_series.csv, "
                                                  "773 rows; see seed/reference_series.md)"},
                "last_refresh": None}
        revisions = seed_revisions(frame) if source == "wdi" else []
        store.write_snapshot(source, frame, meta, revisions, folder)
        counts[source] = len(frame)
    return counts
