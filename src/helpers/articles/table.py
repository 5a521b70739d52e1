"""The articles table (``data/articles.csv``) and the table of other outlets that carried them.

One row per file in ``seeds/``: outlet, headline, publication date and how it is known, author, kind, language,
address, when the page was read and how the text came in. Every seed has a row and every row a seed; empty
outlets, headlines, dates, addresses or languages are allowed only with a note saying why. Validation lists
every problem at once (``helpers.errors.Problem``: file, row, column, value, fix), so the register check can
call :func:`article_problems` with the rest of its inputs.

Nothing here imports trafilatura, the parser or the register: the check stays light enough to run first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pandas as pd

from helpers import paths
from helpers.datafiles import read_rows as read_data_rows
from helpers.errors import ArticlesError, Problem
from helpers.files import restore_cell, write_rows

ARTICLE_COLUMNS: list[str] = ["seed_file", "outlet", "headline", "published", "date_basis", "author", "kind",
                              "language", "url", "retrieved", "via", "notes"]
COPY_COLUMNS: list[str] = ["seed_file", "relation", "outlet", "headline", "published", "url", "notes"]

#: How a publication date is known: printed on the page or in its metadata; stated in the article's text
#: (a dateline, "on Thursday" with the event's date); inferred from the events it reports (notes explain).
DATE_BASES: tuple[str, ...] = ("page", "text", "inferred")
KINDS: tuple[str, ...] = ("news", "opinion", "editorial", "release", "other")
#: How the text reached seeds/: make add-article with a saved page or with an address, or pasted by hand.
VIAS: tuple[str, ...] = ("saved-page", "address", "pasted")
#: How another outlet's page relates to the seed: the same wording, its own report of the same event, or
#: the release or report the seed restates.
RELATIONS: tuple[str, ...] = ("same_text", "same_event", "source")
#: Fields that may be empty only when ``notes`` says why.
NEED_NOTE: tuple[str, ...] = ("outlet", "headline", "published", "url", "language")

_ISO_639_1_CODES = """
aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en
eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja
jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb
nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq
sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
"""
#: ISO 639-1 two-letter language codes.
ISO_639_1: frozenset[str] = frozenset(_ISO_639_1_CODES.split())

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_SEED_NAME = re.compile(r"^[^/\\]+\.txt$")
_TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|amp)$", re.I)


@dataclass(frozen=True)
class Row:
    """A table row with its number as a spreadsheet shows it (header = row 1)."""

    number: int
    data: dict[str, str]


# ---------------------------------------------------------------------------------------------- reading


def read_rows(path: Path, columns: Sequence[str], problems: list[Problem]) -> list[Row]:
    """The non-blank rows of a table, read with the project's data-file reader (UTF-8, a BOM accepted, a
    byte of another encoding named with how to re-save, size limit), cells stripped and restored from their
    formula-safe form; problems with the file, its header or a row's cells are appended to ``problems``."""
    before = len(problems)
    found = read_data_rows(path, list(columns), problems, extra_allowed=False, restore=restore_cell,
                           what=Path(path).name)
    shifted = {p.row for p in problems[before:] if p.code == "extra-cells"}  # cells out of their columns
    return [Row(number, values) for number, values in found if any(values.values()) and number not in shifted]


def seed_names(seeds_dir: Path = paths.SEEDS) -> list[str]:
    """The article files in ``seeds_dir`` (``*.txt``), sorted."""
    return sorted(p.name for p in Path(seeds_dir).glob("*.txt") if p.is_file())


def normalise_url(url: str) -> str:
    """An address reduced for comparison: lower-case scheme and host, no ``www.``, fragment, tracking
    parameters or trailing slash (``https://www.Geo.tv/a/?utm_source=x`` -> ``https://geo.tv/a``)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.port:
        host += f":{parts.port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)])
    return urlunsplit((parts.scheme.lower(), host, parts.path.rstrip("/"), query, ""))


# ------------------------------------------------------------------------------------------- checking


def _iso_date(text: str) -> date | None:
    """The first day a YYYY, YYYY-MM or YYYY-MM-DD string can mean, or None when it is not such a date."""
    m = _DATE.match(text)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2] or 1), int(m[3] or 1))
    except ValueError:
        return None


def url_problem(url: str) -> str:
    """Why ``url`` is not a usable http(s) address, or "" when it is."""
    if any(ch.isspace() for ch in url):
        return "the address contains spaces"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return "not an http(s) address"
    if not parts.hostname or "." not in parts.hostname:
        return "the address has no host name"
    return ""


def _date_problems(add, field: str, value: str) -> None:
    if value and _iso_date(value) is None:
        add(field, "not an ISO date", "write YYYY-MM-DD (e.g. 2025-09-22), or YYYY-MM / YYYY when only those "
            "are known", "bad-date")


def _article_row_problems(row: Row, path: Path, seeds: set[str]) -> list[Problem]:
    """Every problem of one articles row on its own (uniqueness is checked over the table)."""
    d, out = row.data, []

    def add(field: str, message: str, fix: str, code: str) -> None:
        out.append(Problem(str(path), row.number, field, d.get(field), message, fix, code))

    seed = d.get("seed_file", "")
    if not seed:
        add("seed_file", "required value is empty", "name the article's file in seeds/", "empty")
    elif not _SEED_NAME.match(seed):
        add("seed_file", "not a seed file name", "write the file name only, ending in .txt (e.g. "
            "005_geo-news_pakistan-china-launch.txt)", "bad-seed-name")
    elif seed not in seeds:
        add("seed_file", "no such file in seeds/", "correct the name, or add the article (make add-article "
            "SOURCE=<saved page or address>)", "unknown-seed")
    for field in NEED_NOTE:
        if field in d and not d[field] and not d.get("notes"):
            add(field, "empty, and notes do not say why", f"fill in the {field}, or say in notes why it is "
                "unknown (e.g. 'not printed on the page')", "empty-without-note")
    _date_problems(add, "published", d.get("published", ""))
    _date_problems(add, "retrieved", d.get("retrieved", ""))
    published, retrieved = _iso_date(d.get("published", "")), _iso_date(d.get("retrieved", ""))
    if published and retrieved and published > retrieved:
        add("published", f"after the date the page was read ({d['retrieved']})",
            "correct the publication date or the retrieved date", "date-order")
    basis = d.get("date_basis", "")
    if d.get("published") and basis not in DATE_BASES:
        add("date_basis", "missing or unknown: say how the date is known",
            f"use one of: {', '.join(DATE_BASES)} (inferred dates are explained in notes)", "bad-date-basis")
    if not d.get("published") and basis:
        add("date_basis", "set, but there is no publication date", "empty it, or fill in 'published'",
            "bad-date-basis")
    if d.get("kind") and d["kind"] not in KINDS:
        add("kind", "unknown kind of article", f"use one of: {', '.join(KINDS)} (or leave it empty)", "bad-kind")
    language = d.get("language", "")
    if language and language not in ISO_639_1:
        base = re.split(r"[-_]", language)[0].lower()
        fix = (f"write the two-letter code '{base}' (regional variants are not kept)" if base in ISO_639_1
               else "write the ISO 639-1 two-letter code, lower case (en, ur, zh, uz, fa...)")
        add("language", "not an ISO 639-1 language code", fix, "bad-language")
    if d.get("url") and (why := url_problem(d["url"])):
        add("url", why, "write the full address starting with https://, or leave it empty and say why in notes",
            "bad-url")
    if d.get("via", "") not in VIAS:
        add("via", "missing or unknown: say how the text came in", f"use one of: {', '.join(VIAS)}", "bad-via")
    return out


def _table_problems(rows: list[Row], path: Path, seeds: list[str]) -> list[Problem]:
    """Duplicate seeds and addresses, and seeds without a row."""
    out, first_seed, first_url = [], {}, {}
    for row in rows:
        seed, url = row.data.get("seed_file", ""), row.data.get("url", "")
        if seed and seed in first_seed:
            out.append(Problem(str(path), row.number, "seed_file", seed,
                               f"the article already has a row (row {first_seed[seed]})",
                               "keep one row per article: merge the two rows", "duplicate-seed"))
        first_seed.setdefault(seed, row.number)
        key = normalise_url(url) if url and not url_problem(url) else ""
        if key and key in first_url:
            out.append(Problem(str(path), row.number, "url", url,
                               f"the same address as row {first_url[key]}",
                               "one row per article: delete the duplicate seed and its row, or correct the "
                               "address", "duplicate-url"))
        if key:
            first_url.setdefault(key, row.number)
    for name in seeds:
        if name not in first_seed:
            out.append(Problem(str(path), None, "seed_file", name, f"seeds/{name} has no row in {path.name}",
                               "add a row for it: make add-article writes one; for a pasted text fill in "
                               "outlet, headline, published, url, language and via=pasted by hand",
                               "missing-article"))
    return out


def _copy_problems(copies_path: Path, articles: Mapping[str, str]) -> list[Problem]:
    """Every problem of the copies table; ``articles`` maps each known seed to its normalised address."""
    problems: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    for row in read_rows(copies_path, COPY_COLUMNS, problems):
        d, out = row.data, []

        def add(field: str, message: str, fix: str, code: str, d=d, row=row, out=out) -> None:
            out.append(Problem(str(copies_path), row.number, field, d.get(field), message, fix, code))

        seed = d.get("seed_file", "")
        if seed not in articles:
            add("seed_file", "not an article of the articles table", "name a seed_file of articles.csv",
                "unknown-article")
        if d.get("relation", "") not in RELATIONS:
            add("relation", "missing or unknown relation", f"use one of: {', '.join(RELATIONS)}", "bad-relation")
        if not d.get("outlet"):
            add("outlet", "required value is empty", "name the outlet (or its site's address)", "empty")
        _date_problems(add, "published", d.get("published", ""))
        url = d.get("url", "")
        why = url_problem(url) if url else "required value is empty"
        if why:
            add("url", why, "write the page's full address starting with https://", "bad-url")
        else:
            key = (seed, normalise_url(url))
            if articles.get(seed) == key[1]:
                add("url", "this is the article's own address", "list other outlets' pages only", "self-copy")
            elif key in seen:
                add("url", f"listed already for this article (row {seen[key]})", "delete one of the rows",
                    "duplicate-url")
            seen.setdefault(key, row.number)
        problems.extend(out)
    return problems


_BESIDE = object()


def article_problems(articles_path: Path = paths.ARTICLES, seeds_dir: Path = paths.SEEDS,
                     copies_path: Path | None | object = _BESIDE) -> list[Problem]:
    """Every problem of the articles table against ``seeds_dir`` (one row per seed, every row a seed), and of
    the copies table: by default ``article_copies.csv`` beside the articles table when it exists; pass a path
    to check that file, or None to skip it. An empty list means both are valid."""
    problems: list[Problem] = []
    rows = read_rows(articles_path, ARTICLE_COLUMNS, problems)
    seeds = seed_names(seeds_dir)
    for row in rows:
        problems.extend(_article_row_problems(row, Path(articles_path), set(seeds)))
    if rows or not problems:
        problems.extend(_table_problems(rows, Path(articles_path), seeds))
    problems.sort(key=lambda p: (p.row is None, p.row or 0))  # stable: a row's problems in column order
    if copies_path is _BESIDE:
        beside = Path(articles_path).with_name(paths.ARTICLE_COPIES.name)
        copies_path = beside if beside.exists() else None
    if copies_path is not None:
        known = {r.data.get("seed_file", ""): normalise_url(r.data["url"]) if r.data.get("url") else ""
                 for r in rows}
        problems.extend(sorted(_copy_problems(Path(copies_path), known), key=lambda p: (p.row is None, p.row or 0)))
    return problems


# ----------------------------------------------------------------------------------------------- loading


def _frame(rows: list[Row], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([{c: r.data.get(c, "") for c in columns} for r in rows], columns=columns, dtype=str)


def load_articles(path: Path = paths.ARTICLES, seeds_dir: Path = paths.SEEDS) -> pd.DataFrame:
    """The articles table, validated, one row per seed in table order (text columns, "" when empty).

    Raises ``ArticlesError`` listing every problem (the copies table beside it included).
    """
    problems = article_problems(path, seeds_dir)
    if problems:
        raise ArticlesError(problems, f"the articles table has {len(problems)} problem(s)")
    return _frame(read_rows(path, ARTICLE_COLUMNS, []), ARTICLE_COLUMNS)


def load_copies(path: Path = paths.ARTICLE_COPIES, articles_path: Path = paths.ARTICLES,
                seeds_dir: Path = paths.SEEDS) -> pd.DataFrame:
    """Other outlets' pages of the same stories, validated with the articles table (empty when no file)."""
    problems = article_problems(articles_path, seeds_dir, Path(path) if Path(path).exists() else None)
    if problems:
        raise ArticlesError(problems, f"the articles tables have {len(problems)} problem(s)")
    if not Path(path).exists():
        return _frame([], COPY_COLUMNS)
    return _frame(read_rows(path, COPY_COLUMNS, []), COPY_COLUMNS)


# ----------------------------------------------------------------------------------------------- writing


def append_article(row: Mapping[str, str], path: Path = paths.ARTICLES, seeds_dir: Path = paths.SEEDS) -> int:
    """Add ``row`` to the articles table atomically and return its row number.

    The new row is checked with the rest of the table (its seed must already be in ``seeds_dir``); nothing
    is written when the file cannot be read or the new row has a problem (``ArticlesError``). Problems of
    other rows do not block the addition.
    """
    problems: list[Problem] = []
    rows = read_rows(path, ARTICLE_COLUMNS, problems) if Path(path).exists() else []
    if problems:
        raise ArticlesError(problems, f"{Path(path).name} cannot be read, so the article was not added")
    rows = [Row(n, r.data) for n, r in enumerate(rows, start=2)]  # blank lines are not written back
    number = len(rows) + 2
    new = Row(number, {c: str(row.get(c, "") or "") for c in ARTICLE_COLUMNS})
    seeds = seed_names(seeds_dir)
    found = _article_row_problems(new, Path(path), set(seeds))
    found += [p for p in _table_problems([*rows, new], Path(path), seeds) if p.row == number]
    if found:
        raise ArticlesError(found, f"the new row of {Path(path).name} has {len(found)} problem(s)")
    write_rows(path, ARTICLE_COLUMNS, [r.data for r in rows] + [new.data], for_people=True)
    return number
