"""Context figures: checked loading, explicit periods, series that never mix period kinds silently.

``data/context_figures.csv`` is a byte-for-byte copy of the project's reference figures; its provenance
and sha256 live in ``data/context_figures.meta.json`` and ``load_context`` refuses the file when they do
not match. Every figure's ``year`` label becomes an explicit period (``helpers.periods``): calendar,
fiscal_pk (July-June), iranian (from Nowruz), calendar_partial, span, target or label, with start and end
dates. ``series()`` selects one indicator as a Series indexed by the calendar year in which each period
ends, and refuses to mix period kinds unless asked to.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from helpers import econ, paths
from helpers.datafiles import read_rows, read_text
from helpers.errors import ContextDataError, PeriodError, Problem, SeriesError
from helpers.files import sha256_file
from helpers.periods import FORMS, Period, parse_period

CONTEXT_COLUMNS: list[str] = ["id", "indicator", "geo", "partner", "year", "value", "unit", "source_publisher",
                              "source_title", "source_url", "excerpt", "confidence"]
CONFIDENCE: tuple[str, ...] = ("high", "medium", "low")
#: Kinds a ``series()`` can select: periods on a time axis; part Iranian years are their own kind.
SERIES_KINDS: tuple[str, ...] = ("calendar", "fiscal_pk", "iranian", "iranian_partial", "calendar_partial",
                                 "span")
CLAIM_SERIES_COLUMNS: list[str] = ["claim_id", "series", "indicator", "geo", "partner", "period_kind",
                                   "relation", "assumed_horizon_year", "horizon_source", "note"]
RELATIONS: dict[str, str] = {
    "same_measure": "the claim states a figure that an official or reported series also measures",
    "baseline_history": "history of the quantity that a target targets",
    "benchmark": "a different quantity that shows the claim's scale (e.g. total exports, sector output)",
    "no_context": "no context series measures this claim (event counts, offers); stated so, not skipped",
}
#: Kinds a claim_series row may name: series kinds, plus single target and label figures (not time series).
MAPPING_KINDS: tuple[str, ...] = (*SERIES_KINDS, "target", "label")
BENCHMARK_COLUMNS: list[str] = ["name", "measure", "indicator", "geo", "start_year", "end_year", "note"]
#: Measures a benchmark episode or a target can name (a target meets only episodes of its own measure).
MEASURES: dict[str, str] = {
    "merchandise_exports_usd": "merchandise exports",
    "exports_goods_services_usd": "exports of goods and services",
    "sector_exports_usd": "exports of one sector",
    "gdp_current_usd": "GDP in current US$",
    "bilateral_exports_usd": "exports to one partner",
    "bilateral_trade_usd": "two-way trade with one partner",
    "fdi_inflows_usd": "foreign direct investment inflows",
    "investment_usd": "investment in one sector",
}
BENCHMARKS: Path = paths.BENCHMARKS


# --- loading --------------------------------------------------------------------------------------

#: Hex sha256 of a file's bytes (the one implementation, shared with the batch manifest).
sha256_of = sha256_file


def _read_meta(path: Path, meta: Path) -> dict[str, object]:
    """The provenance record, or ContextDataError refusing the data when it is missing or unreadable."""
    fix = (f"restore {paths.shown(meta)} from git, or write it with producer, origin, date_copied, licence, rows "
           f"and sha256 of {path.name} (sha256sum {path.name}); see data/README.md")
    if not Path(meta).exists():
        raise ContextDataError([Problem(str(meta), None, None, None,
                                        f"provenance file for {path.name} is missing; the data is refused",
                                        fix, "missing-meta")])
    problems: list[Problem] = []
    content = read_text(meta, problems, what="provenance file")
    if content is None:
        raise ContextDataError(problems)
    try:
        record = json.loads(content)
    except json.JSONDecodeError as exc:
        raise ContextDataError([Problem(str(meta), exc.lineno, None, None,
                                        f"provenance file is not valid JSON ({exc.msg} at line {exc.lineno})",
                                        fix, "bad-meta")]) from None
    if not isinstance(record, dict) or not isinstance(record.get("sha256"), str):
        raise ContextDataError([Problem(str(meta), None, "sha256", None, "provenance file has no sha256", fix,
                                        "bad-meta")])
    return record


def _read_csv(path: Path, columns: list[str], problems: list[Problem]) -> list[tuple[int, dict[str, str]]]:
    """(spreadsheet row number, row) pairs; a missing, oversized or non-UTF-8 file or missing columns go to
    ``problems`` (``helpers.datafiles``)."""
    return read_rows(path, columns, problems)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.lower() not in ("nan", "inf", "-inf", "infinity")


def load_context(path: Path = paths.CONTEXT, meta: Path = paths.CONTEXT_META) -> pd.DataFrame:
    """Context figures, checked against their provenance (sha256) and validated, with explicit periods.

    Raises ContextDataError listing every problem (checksum, columns, duplicate ids, values, confidence,
    periods, sources). Adds ``period_kind``, ``period_start``, ``period_end``, ``period_label``,
    ``period_year`` (Int64), ``period_mid``, ``period_partial`` and ``series_kind``; ``value`` is a float.
    """
    path, meta = Path(path), Path(meta)
    record = _read_meta(path, meta)
    problems: list[Problem] = []
    if path.exists():
        actual, expected = sha256_of(path), str(record["sha256"])
        if actual != expected:
            problems.append(Problem(
                str(path), None, "sha256", actual,
                f"checksum does not match its provenance: expected sha256 {expected}, actual {actual}",
                f"if you edited the data on purpose, update sha256 in {paths.shown(meta)} (and rows); "
                f"otherwise restore {path.name} from git", "checksum-mismatch"))
    rows = _read_csv(path, CONTEXT_COLUMNS, problems)
    if rows and isinstance(record.get("rows"), int) and record["rows"] != len(rows):
        problems.append(Problem(str(path), None, None, len(rows),
                                f"{len(rows)} data rows, but {meta.name} says {record['rows']}",
                                f"update rows in {paths.shown(meta)} or restore {path.name}", "row-count"))
    seen: dict[str, int] = {}
    periods: list[Period | None] = []
    for number, row in rows:
        def add(field: str, message: str, fix: str, code: str, _n: int = number, _r: dict = row) -> None:
            problems.append(Problem(str(path), _n, field, _r.get(field), message, fix, code))

        ident = row.get("id", "")
        if not ident:
            add("id", "id is empty", "give the row a unique id (F106...)", "empty-id")
        elif ident in seen:
            add("id", f"duplicate id (also row {seen[ident]})", "give each row its own id", "duplicate-id")
        else:
            seen[ident] = number
        for field in ("indicator", "geo", "unit"):
            if field in row and not row[field]:
                add(field, f"{field} is empty", f"fill {field} (see data/README.md)", f"empty-{field}")
        if "value" in row and not _is_number(row["value"]):
            add("value", "value is not a number", "write the number unscaled, e.g. 2590000000000", "not-a-number")
        if "confidence" in row and row["confidence"] not in CONFIDENCE:
            add("confidence", "unknown confidence", f"use one of: {', '.join(CONFIDENCE)}", "bad-confidence")
        if "source_url" in row and not row["source_url"]:
            add("source_url", "source_url is empty", "give the URL where the figure was read", "empty-source-url")
        period = None
        if "year" in row:
            try:
                period = parse_period(row["year"])
            except PeriodError as exc:
                message, _, fix = str(exc).partition(" Fix: ")
                add("year", f"unparseable period: {message}", fix or f"write one of: {FORMS}", "bad-period")
        periods.append(period)
    if problems:
        raise ContextDataError(problems, f"{path.name} has {len(problems)} problem(s)")
    frame = pd.DataFrame([row for _, row in rows], columns=CONTEXT_COLUMNS)
    frame["value"] = frame["value"].astype(float)
    frame["period_kind"] = [p.kind for p in periods]
    frame["period_start"] = pd.to_datetime([p.start for p in periods])
    frame["period_end"] = pd.to_datetime([p.end for p in periods])
    frame["period_label"] = [p.label for p in periods]
    frame["period_year"] = pd.array([p.year for p in periods], dtype="Int64")
    frame["period_mid"] = [p.mid for p in periods]
    frame["period_partial"] = [p.partial for p in periods]
    frame["series_kind"] = [p.series_kind for p in periods]
    frame.attrs["source_file"] = str(path)
    frame.attrs["sha256"] = str(record["sha256"])
    frame.attrs["caveats"] = list(record.get("caveats", []))  # type: ignore[arg-type]
    return frame


# --- series ---------------------------------------------------------------------------------------

def _ids_text(ids: Sequence[str]) -> str:
    return ", ".join(ids) if len(ids) <= 8 else ", ".join(ids[:8]) + f", ... ({len(ids)} rows)"


def series(df: pd.DataFrame, indicator: str | Sequence[str], geo: str, partner: str | None = None,
           period_kind: str | Sequence[str] | None = "calendar", *, match: str = "prefix",
           allow_mixed: bool = False) -> pd.Series:
    """Values of one indicator for ``geo`` (and ``partner``) indexed by ``period_year``.

    ``indicator`` is a prefix (``match="prefix"``) or the exact text (``match="exact"``), or a list of them;
    ``partner=None`` takes any partner, ``""`` only rows without one. ``period_kind`` selects kinds from
    ``SERIES_KINDS`` (None = whatever matched). Rows of other kinds are left out and listed in
    ``attrs["excluded_ids"]``. Several kinds in one series raise SeriesError unless ``allow_mixed``; then
    ``attrs["mixed_periods"]`` is True and ``attrs["note"]`` says so. ``attrs["context_ids"]`` lists the
    row id of every point (in index order); ``attrs["period_kinds"]`` their kinds.
    """
    wanted = [indicator] if isinstance(indicator, str) else list(indicator)
    if match not in ("prefix", "exact"):
        raise SeriesError(f"match must be 'prefix' or 'exact' (value: {match!r}). Fix: pass one of them")
    texts = df["indicator"]
    hit = texts.isin(wanted) if match == "exact" else texts.map(lambda t: any(t.startswith(w) for w in wanted))
    hit &= df["geo"].eq(geo)
    if partner is not None:
        hit &= df["partner"].eq(partner)
    rows = df.loc[hit]
    where = f"indicator {wanted!r}, geo {geo!r}" + ("" if partner is None else f", partner {partner!r}")
    if rows.empty:
        known = sorted(set(df.loc[df["geo"].eq(geo), "indicator"]))
        raise SeriesError(f"no context figures for {where}. Fix: use an indicator listed for {geo!r}: "
                          f"{known or 'none (check geo)'}")
    kinds = ([period_kind] if isinstance(period_kind, str) else list(period_kind)) if period_kind else None
    for kind in kinds or []:
        if kind not in SERIES_KINDS:
            raise SeriesError(f"period_kind {kind!r} is not a series kind. Fix: use one of "
                              f"{', '.join(SERIES_KINDS)} (targets and labels are not points in time)")
    on_axis = rows["series_kind"].isin(SERIES_KINDS)
    chosen = on_axis & (rows["series_kind"].isin(kinds) if kinds else True)
    selected, excluded = rows.loc[chosen], rows.loc[~chosen]
    if selected.empty:
        found = sorted(set(rows["series_kind"]))
        raise SeriesError(f"no {', '.join(kinds or SERIES_KINDS)} figures for {where}; found only {found} "
                          f"({_ids_text(list(rows['id']))}). Fix: pass period_kind= one of {found}")
    found_kinds = sorted(set(selected["series_kind"]))
    if len(found_kinds) > 1 and not allow_mixed:
        listing = "; ".join(f"{k}: {_ids_text(list(selected.loc[selected['series_kind'].eq(k), 'id']))}"
                            for k in found_kinds)
        raise SeriesError(f"{where} mixes period kinds ({listing}). Fix: pass one period_kind, or "
                          "allow_mixed=True and say so on the chart")
    units = sorted(set(selected["unit"]))
    if len(units) > 1:
        raise SeriesError(f"{where} mixes units {units}. Fix: narrow the indicator so one unit remains")
    doubled = selected.loc[selected["period_year"].duplicated(keep=False)]
    if not doubled.empty:
        pairs = ", ".join(f"{r.id} ({r.year})" for r in doubled.itertuples())
        raise SeriesError(f"{where} has more than one figure per year: {pairs}. "
                          "Fix: narrow the indicator or pass the partner")
    selected = selected.sort_values("period_year")
    index = pd.Index(selected["period_year"].astype(int).to_list(), name="year")
    name = selected["indicator"].iloc[0] if selected["indicator"].nunique() == 1 else " / ".join(
        sorted(set(selected["indicator"])))
    result = pd.Series(selected["value"].to_numpy(dtype=float), index=index, name=name)
    mixed = len(found_kinds) > 1
    notes = []
    if mixed:
        notes.append(f"mixes period kinds ({', '.join(found_kinds)}): points are placed at the calendar year "
                     "in which each period ends")
    if "fiscal_pk" in found_kinds:
        notes.append("fiscal years (July-June) are shown at the year they end (FY2024-25 at 2025)")
    if "iranian" in found_kinds or "iranian_partial" in found_kinds:
        notes.append("Iranian years (from 20/21 March) are shown at the year they end")
    if any(k in found_kinds for k in ("calendar_partial", "iranian_partial")):
        notes.append("includes part-year figures")
    result.attrs.update({
        "context_ids": list(selected["id"]), "period_kinds": list(selected["series_kind"]),
        "period_labels": list(selected["period_label"]), "unit": units[0], "geo": geo, "partner": partner,
        "indicator": name, "mixed_periods": mixed, "note": "; ".join(notes),
        "publishers": sorted(set(selected["source_publisher"])), "excluded_ids": list(excluded["id"]),
    })
    return result


# --- claim-to-series mapping ------------------------------------------------------------------------

def load_claim_series(path: Path = paths.CLAIM_SERIES, context: pd.DataFrame | None = None) -> pd.DataFrame:
    """``data/claim_series.csv`` validated against the context figures (every problem listed at once).

    Adds ``context_ids`` (list of the rows each mapping selects). Claim ids are checked against the
    register by the claims module, not here.
    """
    path = Path(path)
    figures = load_context() if context is None else context
    problems: list[Problem] = []
    rows = _read_csv(path, CLAIM_SERIES_COLUMNS, problems)
    indicators = set(figures["indicator"])
    keys: dict[str, tuple[tuple[str, str, str, str], int]] = {}
    pairs: dict[tuple[str, str], int] = {}
    horizons: dict[str, tuple[str, int]] = {}
    selections: list[list[str]] = []
    for number, row in rows:
        def add(field: str, message: str, fix: str, code: str, _n: int = number, _r: dict = row) -> None:
            problems.append(Problem(str(path), _n, field, _r.get(field), message, fix, code))

        relation, key = row.get("relation", ""), row.get("series", "")
        if not row.get("claim_id"):
            add("claim_id", "claim_id is empty", "give the register id of the claim", "empty-claim-id")
        if relation not in RELATIONS:
            add("relation", "unknown relation", f"use one of: {', '.join(RELATIONS)}", "bad-relation")
        pair = (row.get("claim_id", ""), key)
        if pair in pairs:
            add("series", f"claim and series repeat row {pairs[pair]}", "keep one row per claim and series",
                "duplicate-mapping")
        pairs.setdefault(pair, number)
        ids: list[str] = []
        if relation == "no_context":
            for field in ("series", "indicator", "period_kind"):
                if row.get(field):
                    add(field, "a no_context row names a series", f"empty {field}, or choose another relation",
                        "no-context-with-series")
        elif relation in RELATIONS:
            if not key:
                add("series", "series key is empty", "name the series (e.g. pk_cn_exports_sbp_fy)", "empty-series")
            indicator, kind = row.get("indicator", ""), row.get("period_kind", "")
            if indicator not in indicators:
                add("indicator", "not an indicator in the context figures",
                    "copy the indicator text exactly from data/context_figures.csv", "unknown-indicator")
            if kind not in MAPPING_KINDS:
                add("period_kind", "unknown period kind", f"use one of: {', '.join(MAPPING_KINDS)}",
                    "bad-period-kind")
            if indicator in indicators and kind in MAPPING_KINDS:
                chosen = figures.loc[figures["indicator"].eq(indicator) & figures["geo"].eq(row.get("geo", ""))
                                     & figures["partner"].eq(row.get("partner", ""))
                                     & figures["series_kind"].eq(kind)]
                ids = list(chosen["id"])
                if not ids:
                    add("geo", f"selects no context rows ({indicator}, geo {row.get('geo')!r}, partner "
                        f"{row.get('partner')!r}, {kind})", "match geo, partner and period_kind to the figures",
                        "empty-selection")
            signature = (indicator, row.get("geo", ""), row.get("partner", ""), kind)
            if key and key in keys and keys[key][0] != signature:
                add("series", f"series key is defined differently in row {keys[key][1]}",
                    "use one definition per key, or a new key", "inconsistent-series")
            keys.setdefault(key, (signature, number))
        horizon = row.get("assumed_horizon_year", "")
        if horizon and not re.fullmatch(r"\d{4}", horizon):
            add("assumed_horizon_year", "not a year", "write a four-digit year or leave it empty", "bad-year")
        if horizon and not row.get("horizon_source"):
            add("horizon_source", "an assumed horizon needs its source",
                "name the context id or text that gives the year", "horizon-without-source")
        for ref in re.findall(r"\bF\d{3}\b", row.get("horizon_source", "")):
            if ref not in set(figures["id"]):
                add("horizon_source", f"{ref} is not a context id", "cite an existing context id", "unknown-ref")
        claim = row.get("claim_id", "")
        if claim in horizons and horizons[claim][0] != horizon:
            add("assumed_horizon_year", f"differs from row {horizons[claim][1]} of the same claim "
                f"({horizons[claim][0] or 'empty'})", "give every row of a claim the same assumed horizon",
                "inconsistent-horizon")
        horizons.setdefault(claim, (horizon, number))
        selections.append(ids)
    if problems:
        raise ContextDataError(problems, f"{path.name} has {len(problems)} problem(s)")
    frame = pd.DataFrame([row for _, row in rows], columns=CLAIM_SERIES_COLUMNS)
    frame["assumed_horizon_year"] = pd.to_numeric(frame["assumed_horizon_year"].replace("", None)).astype("Int64")
    frame["context_ids"] = selections
    return frame


def series_for(df: pd.DataFrame, key: str, claim_series: pd.DataFrame, *, allow_mixed: bool = False) -> pd.Series:
    """The series a ``claim_series`` key names (exact indicator, geo, partner and period kind).

    Keys of ``target`` or ``label`` rows are single figures, not series: use the mapping's ``context_ids``.
    """
    rows = claim_series.loc[claim_series["series"].eq(key)]
    if rows.empty:
        known = sorted(k for k in set(claim_series["series"]) if k)
        raise SeriesError(f"series key {key!r} is not in claim_series.csv. Fix: use one of: {known}")
    row = rows.iloc[0]
    result = series(df, row["indicator"], row["geo"], row["partner"], row["period_kind"], match="exact",
                    allow_mixed=allow_mixed)
    result.attrs["series"] = key
    return result


# --- benchmarks -----------------------------------------------------------------------------------

def benchmark_growth(context_df: pd.DataFrame, path: Path = BENCHMARKS) -> pd.DataFrame:
    """Compound yearly growth of each benchmark episode in ``data/benchmarks.csv``.

    Each episode names its ``measure`` (``MEASURES``) and needs calendar-year figures at exactly its start and
    end years. Columns: name, measure, indicator,
    geo, start, end, start_value, end_value, cagr, context_ids, note, unit (of the figures).
    """
    path = Path(path)
    problems: list[Problem] = []
    rows = _read_csv(path, BENCHMARK_COLUMNS, problems)
    records = []
    for number, row in rows:
        def add(field: str, message: str, fix: str, code: str, _n: int = number, _r: dict = row) -> None:
            problems.append(Problem(str(path), _n, field, _r.get(field), message, fix, code))

        if not row.get("name"):
            add("name", "name is empty", "name the episode (e.g. China 2001-2011)", "empty-name")
        if row.get("measure") not in MEASURES:
            add("measure", "unknown measure", f"name what the episode measures, one of: {', '.join(MEASURES)}",
                "bad-measure")
            continue
        start, end = row.get("start_year", ""), row.get("end_year", "")
        if not (re.fullmatch(r"\d{4}", start) and re.fullmatch(r"\d{4}", end) and int(start) < int(end)):
            add("start_year", f"years {start!r}-{end!r} are not a start before an end",
                "write four-digit years, start before end", "bad-years")
            continue
        try:
            points = series(context_df, row.get("indicator", ""), row.get("geo", ""), partner="",
                            period_kind="calendar", match="exact")
        except SeriesError as exc:
            add("indicator", str(exc).split(" Fix: ")[0], "use an indicator and geo from the context figures",
                "no-series")
            continue
        ids = dict(zip(points.index, points.attrs["context_ids"], strict=True))
        absent = [y for y in (int(start), int(end)) if y not in points.index]
        if absent:
            add("end_year" if int(end) in absent else "start_year", f"no figure for year(s) {absent}",
                f"choose years the series has: {list(points.index)}", "missing-year")
            continue
        first, last = float(points[int(start)]), float(points[int(end)])
        records.append({"name": row["name"], "measure": row["measure"], "indicator": row["indicator"],
                        "geo": row["geo"],
                        "start": int(start), "end": int(end), "start_value": first, "end_value": last,
                        "cagr": econ.required_cagr(first, last, int(end) - int(start)),
                        "context_ids": [ids[int(start)], ids[int(end)]], "note": row.get("note", ""),
                        "unit": points.attrs["unit"]})
    if problems:
        raise ContextDataError(problems, f"{path.name} has {len(problems)} problem(s)")
    return pd.DataFrame(records, columns=["name", "measure", "indicator", "geo", "start", "end", "start_value",
                                          "end_value", "cagr", "context_ids", "note", "unit"])
