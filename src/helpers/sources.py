"""What a report used: the register's claims and the context rows, with the article or address of each.

A report names its claims and context rows in ``key_figures.json`` and in its tables (claim and context
ids in cells). ``used_ids`` finds them; ``sources_frame`` turns them into one row each with what the row
says, who said it or who published it, when, and its address. The article behind a claim comes from
``article_of(claim)``: by default ``seed_article``, which reads the articles table (``data/articles.csv``:
outlet, headline, date, author, address, language; one row per seed file) and falls back to the seed file
for a seed the table does not describe.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from helpers import paths

SOURCE_COLUMNS = ["kind", "id", "what", "value", "unit", "words", "source", "date", "address", "article"]
_SPLIT = re.compile(r"[\s,;()\[\]]+")


@dataclass(frozen=True)
class Article:
    """Where a claim first appeared: headline (or file name), address, outlet, date, author, language."""

    name: str
    url: str
    publisher: str = ""
    date: str = ""
    author: str = ""
    language: str = ""

    @property
    def linkable(self) -> bool:
        """Whether ``url`` is a web address a page may link to (a seed file path is not)."""
        return self.url.startswith(("https://", "http://"))


@lru_cache(maxsize=4)
def _articles(path: str, stamp: float) -> dict[str, Article]:
    """{seed file: Article} from the rows of an articles table (cached per file version)."""
    from helpers.articles import ARTICLE_COLUMNS, read_rows
    from helpers.errors import ArticlesError, Problem

    problems: list[Problem] = []
    rows = read_rows(Path(path), ARTICLE_COLUMNS, problems)
    if any(problem.row is None or problem.row <= 1 for problem in problems):  # the file or its header
        raise ArticlesError(problems, f"the articles table {Path(path).name} cannot be read")
    out = {}
    for row in rows:
        data = {c: str(row.data.get(c) or "").strip() for c in ARTICLE_COLUMNS}
        seed = data["seed_file"]
        out[seed] = Article(name=data["headline"] or f"seeds/{seed}", url=data["url"] or f"seeds/{seed}",
                            publisher=data["outlet"], date=data["published"], author=data["author"],
                            language=data["language"])
    return out


def articles(path: str | Path | None = None) -> dict[str, Article]:
    """Every article of the articles table by seed file (``data/articles.csv`` unless ``path``); an empty
    mapping when there is no table. Raises ``ArticlesError`` when the file cannot be read (encoding, missing
    columns). Rows are taken as they are: the register check (``make check``) validates them against
    ``seeds/``; a seed still without a row is named by its file, and pages link only web addresses
    (``Article.linkable``), so a report never fails for a row still being filled in."""
    path = Path(path) if path is not None else paths.ARTICLES
    if not path.is_file():
        return {}
    return _articles(str(path), path.stat().st_mtime_ns)


def seed_article(claim: Mapping[str, object]) -> Article:
    """The article a claim was read from: its row of the articles table (headline, address, outlet, date,
    author, language); a seed the table does not describe is named by its file (``seeds/<file>``), with
    the claim's date."""
    seed = str(claim.get("seed_file") or "")
    known = articles().get(seed)
    if known is not None:
        return known
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
                     "date": article.date or _text(claim.get("as_of")), "address": article.url,
                     "article": article.name})
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
                     "date": _text(row.get("year")), "address": _text(row.get("source_url")),
                     "article": _text(row.get("source_title"))})
    return pd.DataFrame(rows, columns=SOURCE_COLUMNS)


def report_sources(folder: str | Path, claims: pd.DataFrame, context: pd.DataFrame,
                   article_of: ArticleOf = seed_article) -> pd.DataFrame:
    """The sources of the report in ``folder`` (``used_ids`` then ``sources_frame``)."""
    claim_ids, context_ids = used_ids(folder, claims["id"], context["id"])
    return sources_frame(claim_ids, context_ids, claims, context, article_of)
