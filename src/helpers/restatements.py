"""How a target moved over time: its statements across articles, linked in the register by ``restates``.

The register links a later statement of a target to the earlier one (``restates``, checked by
``helpers.claims.restates``). Here the links become a history: every statement of the target with the date it
was stated, the outlet and publication date of its article (``data/articles.csv``), its amount and target year
in words (``helpers.text``), and what changed from the statement it restates. A restatement that changes the
amount or the year is flagged in words, so a reader sees that "$2 billion" became "$3 billion by 2030".

* ``history(claims, articles, claim_id)``: one target's statements, first to latest.
* ``histories(claims, articles)``: every target's history in one table (a target never restated has one row).
* ``report_section(claim_id)``: the target report's sentence and table.
* ``index_table()``: the histories of all targets as plain data (caption, columns, rows) for the index page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from helpers import paths, text, vocab
from helpers.articles import ARTICLE_COLUMNS, read_rows
from helpers.claims import load_claims
from helpers.claims.restates import COLUMN
from helpers.errors import ProjectError

#: Columns of a history table (the CSV a report saves; ``VIEW`` names them for readers).
HISTORY_COLUMNS: list[str] = ["target", "claim", "stated", "outlet", "published", "amount", "target_year",
                              "change", "changed", "restates", "quote", "seed_file"]
VIEW: dict[str, str] = {"stated": "stated on", "outlet": "outlet", "published": "published", "amount": "amount",
                        "target_year": "target year", "change": "change from the statement it restates",
                        "claim": "ids"}  # the claim id, last: a trace
FIRST = "first statement"
SAME = "same amount and year"
NO_YEAR = "none stated"
UNDATED = "undated"


def _year(value: Any) -> int | None:
    """A target year from a register cell (text, float, pandas NA), or None."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) or value == "":
        return None
    return int(value)


def _same(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9))


def change_words(earlier: Any, later: Any) -> str:
    """What a restatement changed, in words: the amount (raised, lowered or restated) and the target year (moved,
    first given, no longer given); ``SAME`` when neither changed. ``earlier`` and ``later`` are register rows."""
    before, after = vocab.Amount.from_row(earlier), vocab.Amount.from_row(later)
    parts = []
    if not (_same(before.low, after.low) and _same(before.high, after.high) and before.qualifier == after.qualifier):
        first, then = text.stated(before), text.stated(after)
        b, a = before.central, after.central
        verb = "changed"
        if b is not None and a is not None and not math.isclose(a, b, rel_tol=1e-9):
            verb = "raised" if a > b else "lowered"
        parts.append(f"amount {verb} from {first} to {then}")
    year_before, year_after = _year(earlier.get("horizon_year")), _year(later.get("horizon_year"))
    if year_before != year_after:
        if year_before is None:
            parts.append(f"target year {year_after} given (none stated before)")
        elif year_after is None:
            parts.append(f"no target year stated (it was {year_before})")
        else:
            parts.append(f"target year moved from {year_before} to {year_after}")
    return "; ".join(parts) if parts else SAME


def _roots(claims: pd.DataFrame) -> dict[str, tuple[str, int]]:
    """Each claim id -> (its first statement's id, number of links to it). The links are checked acyclic."""
    parent = dict(zip(claims["id"], claims[COLUMN] if COLUMN in claims.columns else [""] * len(claims),
                      strict=True))
    out: dict[str, tuple[str, int]] = {}
    for claim_id in parent:
        step, depth = claim_id, 0
        while parent.get(step) and depth <= len(parent):
            step, depth = parent[step], depth + 1
        out[claim_id] = (step, depth)
    return out


def _articles_by_seed(articles: pd.DataFrame | None) -> dict[str, dict[str, str]]:
    if articles is None or articles.empty:
        return {}
    return {row["seed_file"]: dict(row) for _, row in articles.fillna("").iterrows()}


def read_articles(path: Path = paths.ARTICLES) -> pd.DataFrame:
    """The articles table as it stands, read leniently: a history names what it can (a seed without a row, or
    a table that cannot be read, shows its file name and "undated"); ``make check`` and ``make add-article``
    report the table's problems, a report does not fail on them."""
    rows = read_rows(Path(path), ARTICLE_COLUMNS, []) if Path(path).exists() else []
    return pd.DataFrame([{c: r.data.get(c, "") for c in ARTICLE_COLUMNS} for r in rows], columns=ARTICLE_COLUMNS)


def histories(claims: pd.DataFrame, articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every target's statements, first to latest, one row per statement (``HISTORY_COLUMNS``).

    ``target`` names the history by its latest statement; ``changed`` is True on a restatement that changed
    the amount or the target year. Statements are ordered by the date they were stated (``as_of``, else the
    article's publication date, else the date of the statement they restate), then along the links.
    """
    targets = claims.loc[claims["claim_type"].eq("target")].fillna({COLUMN: ""}) if not claims.empty else claims
    if targets.empty:
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    sources = _articles_by_seed(articles)
    roots = _roots(targets)
    rows = {r["id"]: r for _, r in targets.iterrows()}
    order = {claim_id: n for n, claim_id in enumerate(targets["id"])}

    def published(row: pd.Series) -> str:
        return sources.get(row["seed_file"], {}).get("published", "")

    def when(claim_id: str, seen: int = 0) -> str:
        row = rows[claim_id]
        own = str(row.get("as_of") or "") or published(row)
        if own or not row[COLUMN] or row[COLUMN] not in rows or seen > len(rows):
            return own
        return when(row[COLUMN], seen + 1)

    records = []
    for claim_id, row in rows.items():
        earlier = rows.get(row[COLUMN]) if row[COLUMN] else None
        change = FIRST if earlier is None else change_words(earlier, row)
        source = sources.get(row["seed_file"], {})
        year = _year(row.get("horizon_year"))
        records.append({
            "root": roots[claim_id][0], "depth": roots[claim_id][1], "when": when(claim_id),
            "order": order[claim_id], "claim": claim_id, "stated": str(row.get("as_of") or "") or UNDATED,
            "outlet": source.get("outlet") or row["seed_file"], "published": published(row) or UNDATED,
            "amount": text.claim(row), "target_year": str(year) if year is not None else NO_YEAR,
            "change": change, "changed": change not in (FIRST, SAME), "restates": row[COLUMN],
            "quote": row["quote"], "seed_file": row["seed_file"],
        })
    frame = pd.DataFrame(records).sort_values(["root", "when", "depth", "order"], kind="stable")
    latest = frame.groupby("root")["claim"].last()
    frame["target"] = frame["root"].map(latest)
    first_seen = frame.groupby("root")["order"].transform("min")
    frame = frame.assign(first_seen=first_seen).sort_values(["first_seen", "when", "depth", "order"], kind="stable")
    return frame[HISTORY_COLUMNS].reset_index(drop=True)


def history(claims: pd.DataFrame, articles: pd.DataFrame | None, claim_id: str) -> pd.DataFrame:
    """The statements of the target ``claim_id`` belongs to (its own and every linked one), first to latest."""
    table = histories(claims, articles)
    hit = table.loc[table["claim"].eq(claim_id), "target"]
    if hit.empty:
        targets = ", ".join(table["claim"]) or "none"
        raise ProjectError(f"claim_id {claim_id!r} is not a target in the register, so it has no history of "
                           f"statements. Fix: use one of: {targets}")
    return table.loc[table["target"].eq(hit.iloc[0])].reset_index(drop=True)


def _said(row: pd.Series) -> str:
    """The outlet with the date the target was stated there (else the article's publication date)."""
    date = row["stated"] if row["stated"] != UNDATED else row["published"]
    return f"{row['outlet']} ({date})"


def summary(table: pd.DataFrame) -> str:
    """One target's history in words; every restatement that changed the amount or the year is flagged."""
    if table.empty:
        return "The register holds no statement of this target."
    first = table.iloc[0]
    if len(table) == 1:
        return (f"No other article in the register restates this target: it was stated once, by {_said(first)}, "
                f"as {first['amount']}" + (f" by {first['target_year']}." if first["target_year"] != NO_YEAR
                                           else " with no target year."))
    outlets = table["outlet"].nunique()
    year = f" by {first['target_year']}" if first["target_year"] != NO_YEAR else " with no target year"
    words = [f"This target was stated {text.number(len(table))} times by {text.number(outlets)} "
             f"outlet{'s' if outlets != 1 else ''}, first by {_said(first)} as {first['amount']}{year}."]
    changed = table.loc[table["changed"]]
    for _, row in changed.iterrows():
        words.append(f"Flag: {_said(row)} restated it with a change: {row['change']}.")
    if changed.empty:
        words.append("Every restatement kept the amount and the target year.")
    return " ".join(words)


@dataclass(frozen=True)
class Section:
    """What a target report shows of the target's history: a sentence, the table to save, the table to show."""

    sentence: str
    table: pd.DataFrame
    view: pd.DataFrame
    caption: str = "Every statement of the target, first to latest"


def view_of(table: pd.DataFrame) -> pd.DataFrame:
    """A history as readers see it: the date stated, outlet, publication, amount, year and change."""
    return table[list(VIEW)].rename(columns=VIEW)


def section(claims: pd.DataFrame, articles: pd.DataFrame | None, claim_id: str) -> Section:
    """The report section of one target from loaded tables (see ``report_section``)."""
    table = history(claims, articles, claim_id)
    return Section(summary(table), table, view_of(table))


def report_section(claim_id: str, claims_path: Path | str = "", articles_path: Path = paths.ARTICLES,
                   seeds_dir: Path = paths.SEEDS) -> Section:
    """The target report's history section: every statement of the target, its amounts as stated in their
    own currency (not converted), outlets and dates, and the flagged changes. ``claims_path`` empty: the
    register."""
    claims = load_claims(Path(claims_path) if claims_path else paths.CLAIMS, seeds_dir)
    return section(claims, read_articles(articles_path), claim_id)


def index_table(claims_path: Path = paths.CLAIMS, articles_path: Path = paths.ARTICLES,
                seeds_dir: Path = paths.SEEDS, claims: pd.DataFrame | None = None) -> dict[str, Any]:
    """The histories of all targets as plain data for the index page: ``caption`` (a sentence), ``columns``
    (labels), ``rows`` (lists of text, one per statement, grouped by target, first to latest; the target named by
    its latest statement's subject, the statement's claim id last), ``flagged``
    (restatements that changed the amount or the year) and ``restated`` (targets stated more than once)."""
    claims = load_claims(claims_path, seeds_dir) if claims is None else claims  # the caller's, already loaded
    table = histories(claims, read_articles(articles_path))
    counts = table.groupby("target").size() if not table.empty else pd.Series(dtype=int)
    restated, flagged = int((counts > 1).sum()), int(table["changed"].sum()) if not table.empty else 0
    targets = len(counts)
    caption = (f"Targets as stated over time: {text.number(targets)} target{'s' if targets != 1 else ''}, "
               + (f"{text.number(restated)} restated in another article, {text.number(flagged)} "
                  f"restatement{'s' if flagged != 1 else ''} changed the amount or the year."
                  if restated else "none restated in another article yet."))
    subjects = dict(zip(claims["id"], claims["subject"], strict=True)) if not claims.empty else {}
    shown = table[["target", *VIEW]].rename(columns={"target": "target", **VIEW})
    shown["target"] = [str(subjects.get(claim_id) or claim_id) for claim_id in shown["target"]]  # names, not ids
    return {"caption": caption, "columns": list(shown.columns),
            "rows": [[str(cell) for cell in row] for row in shown.itertuples(index=False)],
            "flagged": flagged, "restated": restated}
