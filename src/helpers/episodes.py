"""Comparators of the same measure: the episodes a target's required growth is set against.

A target meets only episodes of its own measure (``helpers.context.MEASURES``): merchandise-export booms
for a total-exports target, the fastest current-US$ GDP spells for a GDP target, bilateral expansions for a
bilateral target. Where the data hold no episode of the measure, the list is empty and the reports say so;
nothing falls back to another measure.

Sources, each with its provenance:

* ``data/benchmarks.csv``: episodes computed from the context figures (``context.benchmark_growth``).
* ``data/episodes.csv``: episodes whose two ends are sourced points of the reference series (bilateral
  exports and trade), with publisher, confidence, address and reference row ids.
* the WDI snapshot (``helpers.snapshots``): each economy's fastest current-US$ GDP spell of the target's
  length, computed, with the snapshot row ids of both ends.
* ``data/literature.csv``: what the literature finds on how rarely such growth is sustained (base rates).
* ``data/target_measures.csv``: the measure of each register target (rules on the subject otherwise).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from helpers import econ, paths, snapshots
from helpers.context import MEASURES
from helpers.datafiles import read_rows
from helpers.errors import ContextDataError, Problem, SnapshotError

EPISODES: Path = paths.DATA / "episodes.csv"
LITERATURE: Path = paths.DATA / "literature.csv"
TARGET_MEASURES: Path = paths.DATA / "target_measures.csv"
EPISODE_COLUMNS: list[str] = ["name", "measure", "geo", "partner", "start_period", "end_period", "start_year",
                              "end_year", "start_value", "end_value", "unit", "publisher", "confidence",
                              "address", "reference_ids", "note"]
LITERATURE_COLUMNS: list[str] = ["id", "measure", "finding", "authors", "title", "publisher", "address",
                                 "reference_ids"]
TARGET_MEASURE_COLUMNS: list[str] = ["claim_id", "measure", "note"]
#: Columns of every comparator frame (those of ``context.benchmark_growth`` plus provenance).
COLUMNS: list[str] = ["name", "measure", "indicator", "geo", "start", "end", "start_value", "end_value", "cagr",
                      "context_ids", "note", "unit", "publisher", "confidence"]
#: Names of the economies in the WDI snapshot (ISO3 codes otherwise).
ECONOMIES: dict[str, str] = {"PAK": "Pakistan", "CHN": "China", "IND": "India", "BGD": "Bangladesh",
                             "VNM": "Viet Nam", "IDN": "Indonesia", "TUR": "Turkiye", "ETH": "Ethiopia",
                             "KOR": "Korea, Rep.", "EGY": "Egypt"}
GDP_CODE = "NY.GDP.MKTP.CD"


def _refuse(path: Path, problems: list[Problem]) -> None:
    if problems:
        raise ContextDataError(problems, f"{path.name} has {len(problems)} problem(s)")


def load_episodes(path: Path = EPISODES) -> pd.DataFrame:
    """The sourced episodes of ``data/episodes.csv`` with their compound yearly growth (columns ``COLUMNS``)."""
    path = Path(path)
    problems: list[Problem] = []
    records = []
    for number, row in read_rows(path, EPISODE_COLUMNS, problems, what="episode list"):
        def add(field: str, message: str, fix: str, code: str, _n: int = number, _r: dict = row) -> None:
            problems.append(Problem(str(path), _n, field, _r.get(field), message, fix, code))

        if row.get("measure") not in MEASURES:
            add("measure", "unknown measure", f"use one of: {', '.join(MEASURES)}", "bad-measure")
            continue
        try:
            start, end = int(row["start_year"]), int(row["end_year"])
            first, last = float(row["start_value"]), float(row["end_value"])
        except ValueError:
            add("start_year", "years or values are not numbers", "write four-digit years and unscaled amounts",
                "not-a-number")
            continue
        if not (start < end and first > 0 and last > 0):
            add("end_year", f"{start}-{end}, {first}-{last} is not a spell of positive values",
                "give a start year before the end year and amounts above zero", "bad-episode")
            continue
        if not row.get("address") or not row.get("reference_ids"):
            add("address", "an episode needs its address and reference ids", "copy them from the source rows",
                "no-provenance")
            continue
        records.append({"name": row["name"], "measure": row["measure"],
                        "indicator": MEASURES[row["measure"]], "geo": row["geo"], "start": start, "end": end,
                        "start_value": first, "end_value": last, "cagr": econ.required_cagr(first, last, end - start),
                        "context_ids": [i.strip() for i in row["reference_ids"].split(";") if i.strip()],
                        "note": row["note"], "unit": row["unit"], "publisher": row["publisher"],
                        "confidence": row["confidence"]})
    _refuse(path, problems)
    return pd.DataFrame(records, columns=COLUMNS)


def gdp_spells(years: int, *, folder: str | Path | None = None) -> pd.DataFrame:
    """Each WDI economy's fastest spell of ``years`` years of GDP in current US$, fastest first.

    Computed from the current WDI snapshot; ``context_ids`` are the snapshot row ids of both ends. These are
    each economy's best spell, chosen after the fact: a ceiling on what was achieved, not a typical pace.
    """
    if years < 1:
        return pd.DataFrame(columns=COLUMNS)
    frame = snapshots.load("wdi", folder)
    geos = sorted(set(frame.loc[frame["series_code"].eq(GDP_CODE) & frame["role"].eq("current"), "geo"]))
    records = []
    for geo in geos:
        try:
            points = snapshots.series("wdi", GDP_CODE, geo, folder=folder)
        except SnapshotError:
            continue
        best = None
        for start in points.index:
            end = start + years
            if end in points.index and points[start] > 0 and points[end] > 0:
                rate = econ.required_cagr(float(points[start]), float(points[end]), years)
                if best is None or rate > best[0]:
                    best = (rate, int(start), int(end))
        if best is None:
            continue
        rate, start, end = best
        ids = points.attrs["row_ids"]
        records.append({"name": f"{ECONOMIES.get(geo, geo)} {start}-{end}", "measure": "gdp_current_usd",
                        "indicator": f"GDP, current US$ ({GDP_CODE})", "geo": geo, "start": start, "end": end,
                        "start_value": float(points[start]), "end_value": float(points[end]), "cagr": rate,
                        "context_ids": [ids[start], ids[end]],
                        "note": f"the economy's fastest {years}-year spell in the snapshot ({points.attrs['vintage']})",
                        "unit": "USD", "publisher": points.attrs["publisher"],
                        "confidence": points.attrs["confidence"]})
    out = pd.DataFrame(records, columns=COLUMNS)
    return out.sort_values("cagr", ascending=False, ignore_index=True)


def comparators(measure: str | None, benchmarks: pd.DataFrame, years: int | None = None, *,
                episodes: pd.DataFrame | None = None, folder: str | Path | None = None) -> pd.DataFrame:
    """The episodes of ``measure`` only: context benchmarks, sourced episodes and, for GDP, the WDI spells of
    ``years`` years. Empty when the data hold none (never another measure)."""
    if measure is None:
        return pd.DataFrame(columns=COLUMNS)
    frames = []
    if "measure" in benchmarks.columns:
        own = benchmarks.loc[benchmarks["measure"].eq(measure)].copy()
        for column in ("publisher", "confidence"):
            if column not in own.columns:
                own[column] = "World Bank (WDI), context figures" if column == "publisher" else "high"
        frames.append(own.reindex(columns=COLUMNS))
    listed = load_episodes() if episodes is None else episodes
    frames.append(listed.loc[listed["measure"].eq(measure)])
    if measure == "gdp_current_usd" and years:
        frames.append(gdp_spells(int(years), folder=folder))
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(frames, ignore_index=True)


def load_literature(path: Path = LITERATURE) -> pd.DataFrame:
    """The literature's base rates (``data/literature.csv``)."""
    path = Path(path)
    problems: list[Problem] = []
    rows = [row for _, row in read_rows(path, LITERATURE_COLUMNS, problems, what="literature list")]
    _refuse(path, problems)
    return pd.DataFrame(rows, columns=LITERATURE_COLUMNS)


def base_rates(measure: str | None, literature: pd.DataFrame | None = None) -> pd.DataFrame:
    """The literature's findings for ``measure`` (empty when none is listed)."""
    table = load_literature() if literature is None else literature
    return table.loc[table["measure"].eq(measure or "")].reset_index(drop=True)


def load_target_measures(path: Path = TARGET_MEASURES) -> dict[str, tuple[str, str]]:
    """claim id -> (measure, note) from ``data/target_measures.csv``."""
    path = Path(path)
    problems: list[Problem] = []
    out = {}
    for number, row in read_rows(path, TARGET_MEASURE_COLUMNS, problems, what="target measures"):
        if row.get("measure") not in MEASURES:
            problems.append(Problem(str(path), number, "measure", row.get("measure"), "unknown measure",
                                    f"use one of: {', '.join(MEASURES)}", "bad-measure"))
            continue
        out[row["claim_id"]] = (row["measure"], row.get("note", ""))
    _refuse(path, problems)
    return out


def infer_measure(claim: pd.Series) -> str | None:
    """The measure a target's subject names, by rule (None when no rule fits, e.g. a non-money unit)."""
    from helpers import vocab

    if not vocab.is_money(str(claim.get("unit", ""))):
        return None
    subject = str(claim.get("subject", "")).lower()
    partner = str(claim.get("partner") or "")
    bilateral = partner not in ("", "World", "nan")
    if re.search(r"\b(gdp|economy|output of the economy)\b", subject):
        return "gdp_current_usd"
    if "investment" in subject:
        return "fdi_inflows_usd" if "foreign direct" in subject else "investment_usd"
    if "trade" in subject and bilateral:
        return "bilateral_trade_usd"
    if "export" in subject:
        if bilateral and ("exports to" in subject or "export to" in subject):
            return "bilateral_exports_usd"
        words = re.sub(r"^.*?'s\s+", "", subject).split("export")[0].split()
        return "sector_exports_usd" if [w for w in words if w not in ("total", "merchandise", "goods")] \
            else "merchandise_exports_usd"
    return None


def target_measure(claim: pd.Series, listed: dict[str, tuple[str, str]] | None = None) -> tuple[str | None, str]:
    """(measure, where it comes from) of a target: ``data/target_measures.csv``, else the rules on its subject."""
    listed = load_target_measures() if listed is None else listed
    if claim["id"] in listed:
        return listed[claim["id"]][0], "data/target_measures.csv"
    measure = infer_measure(claim)
    return measure, ("inferred from the claim's subject" if measure else "no measure could be named")


def measure_words(measure: str | None) -> str:
    """The measure in words ("GDP in current US$"); "an unnamed measure" for None."""
    return MEASURES.get(measure or "", "an unnamed measure")
