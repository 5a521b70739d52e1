"""The articles table: the shipped rows are valid, and every kind of bad row is named with its fix."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.articles import (
    ARTICLE_COLUMNS,
    COPY_COLUMNS,
    append_article,
    article_problems,
    load_articles,
    load_copies,
    normalise_url,
    seed_names,
)
from helpers.errors import ArticlesError, Problem, ProjectError
from helpers.files import write_rows

GOOD = {
    "seed_file": "000_a.txt", "outlet": "The Daily Ledger", "headline": "Exports to China rise 12%",
    "published": "2026-03-12", "date_basis": "page", "author": "Ayesha Siddiqui", "kind": "news",
    "language": "en", "url": "https://ledger.example.pk/business/exports-china", "retrieved": "2026-03-20",
    "via": "saved-page", "notes": "",
}  # fmt: skip


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path]:
    """(articles.csv, seeds dir) with two seeds and a valid row for each."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name in ("000_a.txt", "001_b.txt"):
        (seeds / name).write_text("Exports rose 12 per cent to $450 million.\n", encoding="utf-8")
    (seeds / "README.md").write_text("not an article\n", encoding="utf-8")
    table = tmp_path / "data" / "articles.csv"
    second = {**GOOD, "seed_file": "001_b.txt", "url": "https://other.example.com/a", "published": "2026-03"}
    write_rows(table, ARTICLE_COLUMNS, [GOOD, second])
    return table, seeds


def codes(problems: list[Problem]) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.field, p.code) for p in problems]


def write_table(path: Path, rows: list[dict[str, str]], columns: list[str] = ARTICLE_COLUMNS) -> None:
    write_rows(path, columns, rows)


# ------------------------------------------------------------------------------------------ shipped data


def test_the_shipped_tables_are_valid_and_cover_every_seed():
    assert article_problems() == []
    articles = load_articles()
    assert sorted(articles["seed_file"]) == seed_names() and len(articles) == 5
    assert articles["outlet"].ne("").all() and articles["language"].eq("en").all()
    copies = load_copies()
    assert set(copies["seed_file"]) <= set(articles["seed_file"]) and copies["url"].str.startswith("https://").all()


def test_the_shipped_rows_record_what_the_pages_say():
    rows = load_articles().set_index("seed_file")
    geo = rows.loc["004_a7c00857fc1d37e6.txt"]
    assert (geo["outlet"], geo["published"], geo["date_basis"]) == ("Geo News", "2026-01-29", "inferred")
    assert geo["url"] == ("https://www.geo.tv/latest/647800-pakistan-china-launch-e-mining-platform-targeting-"
                          "10bn-investment-in-mineral-sector")
    assert "The News" in geo["notes"]
    urdupoint = rows.loc["003_0560b6292d5b7678.txt"]
    assert (urdupoint["outlet"], urdupoint["published"]) == ("UrduPoint", "2025-08-01")
    # an unknown date stays empty, and the row says why
    patriot = rows.loc["001_8dfd49c2754afb38.txt"]
    assert patriot["published"] == "" and "Undated" in patriot["notes"]


def test_a_valid_table_loads_with_text_columns(project):
    table, seeds = project
    assert article_problems(table, seeds) == []
    frame = load_articles(table, seeds)
    assert list(frame.columns) == ARTICLE_COLUMNS and frame.loc[1, "published"] == "2026-03"


# -------------------------------------------------------------------------------- one row per seed, both ways


def test_a_seed_without_a_row_and_a_row_without_a_seed_are_both_named(project):
    table, seeds = project
    (seeds / "002_c.txt").write_text("A new article.\n", encoding="utf-8")
    write_table(table, [GOOD, {**GOOD, "seed_file": "009_gone.txt", "url": "https://x.example.com/b"}])
    problems = article_problems(table, seeds)
    assert codes(problems) == [(3, "seed_file", "unknown-seed"), (None, "seed_file", "missing-article"),
                               (None, "seed_file", "missing-article")]
    missing = {p.value for p in problems if p.code == "missing-article"}
    assert missing == {"001_b.txt", "002_c.txt"}  # README.md is not an article
    assert "make add-article" in problems[1].fix


def test_every_bad_value_is_listed_with_row_column_value_and_fix(project):
    table, seeds = project
    bad = {**GOOD, "published": "22/09/2025", "date_basis": "", "language": "en-GB", "url": "www.ledger.pk/a",
           "via": "email", "kind": "blog", "retrieved": "2026-13-01"}
    worse = {**GOOD, "seed_file": "001_b.txt", "outlet": "", "language": "eng", "published": "2026-04-01",
             "retrieved": "2026-03-20", "date_basis": "guess", "url": "ftp://ledger.example.pk/a"}
    write_table(table, [bad, worse])
    problems = article_problems(table, seeds)
    assert codes(problems) == [
        (2, "published", "bad-date"), (2, "retrieved", "bad-date"), (2, "date_basis", "bad-date-basis"),
        (2, "kind", "bad-kind"), (2, "language", "bad-language"), (2, "url", "bad-url"), (2, "via", "bad-via"),
        (3, "outlet", "empty-without-note"), (3, "published", "date-order"), (3, "date_basis", "bad-date-basis"),
        (3, "language", "bad-language"), (3, "url", "bad-url"),
    ]
    language = problems[4]
    assert language.value == "en-GB" and "'en'" in language.fix
    text = str(problems[0])
    assert text.startswith("articles.csv, row 2, column 'published': not an ISO date (value: '22/09/2025')")
    assert "Fix: write YYYY-MM-DD" in text


def test_an_empty_field_is_accepted_only_with_a_note(project):
    table, seeds = project
    silent = {**GOOD, "url": "", "headline": ""}
    explained = {**GOOD, "seed_file": "001_b.txt", "url": "", "headline": "",
                 "notes": "pasted from the print edition; no address or headline online"}
    write_table(table, [silent, explained])
    assert codes(article_problems(table, seeds)) == [(2, "headline", "empty-without-note"),
                                                     (2, "url", "empty-without-note")]


def test_duplicate_seed_and_address_are_refused(project):
    table, seeds = project
    same_page = {**GOOD, "seed_file": "001_b.txt", "url": "https://WWW.ledger.example.pk/business/exports-china/"
                 "?utm_source=twitter#top"}
    write_table(table, [GOOD, same_page, GOOD])
    assert codes(article_problems(table, seeds)) == [(3, "url", "duplicate-url"), (4, "seed_file", "duplicate-seed"),
                                                     (4, "url", "duplicate-url")]


# ---------------------------------------------------------------------------------------------- encodings


def test_a_utf8_bom_is_accepted(project):
    table, seeds = project
    table.write_bytes(b"\xef\xbb\xbf" + table.read_bytes())
    assert article_problems(table, seeds) == []
    assert load_articles(table, seeds).loc[0, "seed_file"] == "000_a.txt"


def test_latin1_bytes_are_refused_naming_the_byte_and_how_to_resave(project):
    table, seeds = project
    text = table.read_text(encoding="utf-8").replace("Exports to China", "Exportés to China", 1)
    table.write_bytes(text.encode("latin-1"))
    [problem] = article_problems(table, seeds)
    assert (problem.row, problem.value, problem.code) == (2, "byte 0xe9", "not-utf8")
    assert "byte 0xe9 at line 2" in problem.message and "Latin-1" in problem.message
    assert "UTF-8" in problem.fix and "iconv -f WINDOWS-1252 -t UTF-8 articles.csv" in problem.fix
    with pytest.raises(ArticlesError) as raised:
        load_articles(table, seeds)
    assert raised.value.exit_code == 2 and "0xe9" in str(raised.value)


def test_header_and_row_shape_problems(project):
    table, seeds = project
    header = [c for c in ARTICLE_COLUMNS if c != "via"] + ["source"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerow([GOOD.get(c, "") for c in header])
    writer.writerow([GOOD.get(c, "") for c in header] + ["an unquoted, extra cell"])
    table.write_text(buffer.getvalue(), encoding="utf-8")
    problems = article_problems(table, seeds)
    assert codes(problems) == [(1, "via", "missing-column"), (1, "source", "extra-column"), (2, "via", "bad-via"),
                               (3, None, "extra-cells"), (None, "seed_file", "missing-article")]
    assert "double quotes" in problems[3].fix  # the shifted row is not checked cell by cell


def test_a_missing_or_empty_table_is_a_problem_not_a_crash(tmp_path: Path, project):
    _, seeds = project
    [missing] = article_problems(tmp_path / "nope.csv", seeds)
    assert missing.code == "missing-file"
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    assert [p.code for p in article_problems(empty, seeds)] == ["empty-file"]


# ------------------------------------------------------------------------------------------- copies table


def test_copies_must_name_a_known_article_and_another_address(project):
    table, seeds = project
    copies = table.with_name("article_copies.csv")
    good = {"seed_file": "000_a.txt", "relation": "same_event", "outlet": "Dawn", "headline": "",
            "published": "2026-03-12", "url": "https://www.dawn.com/news/1", "notes": ""}
    write_rows(copies, COPY_COLUMNS, [
        good,
        {**good, "url": "https://ledger.example.pk/business/exports-china"},
        {**good, "seed_file": "007_x.txt", "relation": "copy", "url": ""},
        {**good, "url": "https://dawn.com/news/1/"},
    ])
    assert codes(article_problems(table, seeds)) == [
        (3, "url", "self-copy"), (4, "seed_file", "unknown-article"), (4, "relation", "bad-relation"),
        (4, "url", "bad-url"), (5, "url", "duplicate-url"),
    ]
    assert article_problems(table, seeds, copies_path=None) == []  # the copies check can be skipped
    with pytest.raises(ArticlesError):
        load_copies(copies, table, seeds)


# ------------------------------------------------------------------------------------------------ writing


def test_append_adds_a_checked_row_and_round_trips_formula_like_text(project):
    table, seeds = project
    (seeds / "002_c.txt").write_text("text\n", encoding="utf-8")
    row = {**GOOD, "seed_file": "002_c.txt", "url": "https://x.example.com/c", "headline": "=HYPERLINK(\"x\")"}
    assert append_article(row, table, seeds) == 4
    assert "'=HYPERLINK" in table.read_text(encoding="utf-8")  # neutralised for spreadsheets
    frame = load_articles(table, seeds)
    assert frame.loc[2, "headline"] == "=HYPERLINK(\"x\")"  # restored on reading


def test_append_refuses_a_bad_row_and_leaves_the_file_as_it_was(project):
    table, seeds = project
    (seeds / "002_c.txt").write_text("text\n", encoding="utf-8")
    before = table.read_bytes()
    with pytest.raises(ArticlesError) as raised:
        append_article({**GOOD, "seed_file": "002_c.txt", "language": "Urdu"}, table, seeds)
    assert [(p.row, p.field) for p in raised.value.problems] == [(4, "language"), (4, "url")]  # and same address
    assert table.read_bytes() == before
    assert isinstance(raised.value, ProjectError)


@given(st.sampled_from(["http", "HTTPS"]), st.sampled_from(["", "www.", "WWW."]),
       st.sampled_from(["", "/", "?utm_medium=x", "#frag", "/?fbclid=1"]))
def test_normalise_url_ignores_case_www_tracking_and_fragments(scheme, www, tail):
    base = normalise_url("http://geo.tv/latest/1-x")
    assert normalise_url(f"{scheme}://{www}Geo.tv/latest/1-x{tail}") == base.replace("http", scheme.lower(), 1)


def test_importing_the_table_does_not_load_the_extraction_library():
    code = "import sys, helpers.articles; print('trafilatura' in sys.modules, 'helpers.suggest' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_check_command_reports_problems_with_exit_code_2(project, tmp_path: Path):
    table, seeds = project
    (seeds / "002_c.txt").write_text("text\n", encoding="utf-8")
    env = {"PAKCLAIMS_DATA": str(table.parent), "PAKCLAIMS_SEEDS": str(seeds), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "helpers.articles", "check"], capture_output=True, text=True,
                            env=env)
    assert result.returncode == 2 and "seeds/002_c.txt has no row in articles.csv" in result.stderr
    (seeds / "002_c.txt").unlink()
    result = subprocess.run([sys.executable, "-m", "helpers.articles", "check"], capture_output=True, text=True,
                            env=env)
    assert result.returncode == 0 and "articles ok: 2 seeds" in result.stdout


def test_frame_columns_are_text():
    frame = load_articles()
    assert all(pd.api.types.is_string_dtype(frame[c]) for c in frame.columns)
