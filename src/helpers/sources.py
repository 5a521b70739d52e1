"""What a report used: the register's claims and the context rows, with the article or address of each.

A report names its claims and context rows in ``key_figures.json`` and in its tables (claim and context
ids in cells). ``used_ids`` finds them; ``sources_frame`` turns them into one row each with what the row
says, who said it or who published it, when, and its address. The article behind a claim comes from
``article_of(claim)``: for now ``seed_article`` (the seed file), later a table of articles with outlet,
headline, date and address can be passed in instead, with no change to the callers.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

SOURCE_COLUMNS = ["kind", "id", "what", "value", "unit", "words", "source", "date", "address"]
_SPLIT = re.compile(r"[\s,;()\[\]]+")


@dataclass(frozen=True)
class Article:
    """Where a claim first appeared: headline (or file name), address, outlet, date, author."""

    name: str
    url: str
    publisher: str = ""
    date: str = ""
    author: str = ""


def seed_article(claim: Mapping[str, object]) -> Article:
    """The article of a claim as the register knows it today: its seed file (``seeds/<file>``)."""
    seed = str(claim.get("seed_file") or "")
    return Article(name=f"seeds/{seed}", url=f"seeds/{seed}", date=str(claim.get("as_of") or ""))


ArticleOf = Callable[[Mapping[str, object]], Article]


def used_ids(folder: str | Path, claim_ids: Iterable[str], context_ids: Iterable[str]) -> tuple[list[str], list[str]]:
    """Ids of known claims and context rows that a report in ``folder`` used, sorted.

    Read from ``key_figures.json`` (its ``claims`` and ``context`` lists) and from every cell of the
    report's CSV tables (cells such as ``"F044, F045"`` or ``"pk-ir-trade-target"``).
    """
    known_claims, known_context = set(claim_ids), set(context_ids)
    claims: set[str] = set()
    context: set[str] = set()
    folder = Path(folder)
    figures = folder / "key_figures.json"
    if figures.is_file():
        for figure in json.loads(figures.read_text(encoding="utf-8")).get("figures", []):
            claims.update(str(i) for i in figure.get("claims") or [])
            context.update(str(i) for i in figure.get("context") or [])
    for table in sorted(folder.glob("*.csv")):
        with open(table, encoding="utf-8", errors="replace", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    for token in _SPLIT.split(cell):
                        if token in known_claims:
                            claims.add(token)
                        elif token in known_context:
                            context.add(token)
    return sorted(claims & known_claims), sorted(context & known_context)


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def _number(*values: object) -> float | None:
    """The first value that is a number (a range's low end stands in for a missing single value)."""
    for value in values:
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
        if number == number:
            return number
    return None


def sources_frame(claim_ids: Iterable[str], context_ids: Iterable[str], claims: pd.DataFrame,
                  context: pd.DataFrame, article_of: ArticleOf = seed_article) -> pd.DataFrame:
    """One row per claim and context row used: kind, id, what, value and unit, the words that state it
    (quote or excerpt), source (speaker, outlet, article; publisher, title), date and address."""
    rows = []
    by_claim = claims.set_index("id", drop=False)
    for claim_id in claim_ids:
        if claim_id not in by_claim.index:
            continue
        claim = by_claim.loc[claim_id]
        article = article_of(claim.to_dict())
        said = _text(claim.get("speaker"))
        source = ", ".join(x for x in (said, article.publisher, article.name) if x)
        rows.append({"kind": "claim", "id": claim_id, "what": _text(claim.get("subject")),
                     "value": _number(claim.get("value"), claim.get("value_low")), "unit": _text(claim.get("unit")),
                     "words": _text(claim.get("quote")), "source": source,
                     "date": article.date or _text(claim.get("as_of")), "address": article.url})
    by_row = context.set_index("id", drop=False)
    for row_id in context_ids:
        if row_id not in by_row.index:
            continue
        row = by_row.loc[row_id]
        place = ", ".join(x for x in (_text(row.get("geo")), _text(row.get("partner"))) if x)
        rows.append({"kind": "context", "id": row_id,
                     "what": f"{_text(row.get('indicator'))} ({place})" if place else _text(row.get("indicator")),
                     "value": _number(row.get("value")), "unit": _text(row.get("unit")),
                     "words": _text(row.get("excerpt")),
                     "source": ", ".join(x for x in (_text(row.get("source_publisher")),
                                                      _text(row.get("source_title"))) if x),
                     "date": _text(row.get("year")), "address": _text(row.get("source_url"))})
    return pd.DataFrame(rows, columns=SOURCE_COLUMNS)


def report_sources(folder: str | Path, claims: pd.DataFrame, context: pd.DataFrame,
                   article_of: ArticleOf = seed_article) -> pd.DataFrame:
    """The sources of the report in ``folder`` (``used_ids`` then ``sources_frame``)."""
    claim_ids, context_ids = used_ids(folder, claims["id"], context["id"])
    return sources_frame(claim_ids, context_ids, claims, context, article_of)
