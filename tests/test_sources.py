"""Articles as sources: a claim's article comes from the articles table, with outlet, headline, date, address."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import paths, sources
from helpers.articles import load_articles
from helpers.errors import ArticlesError


def test_seed_article_reads_the_articles_table() -> None:
    table = load_articles()
    for row in table.to_dict("records"):
        article = sources.seed_article({"seed_file": row["seed_file"], "as_of": "2020"})
        assert article.publisher == row["outlet"] and article.url == (row["url"] or f"seeds/{row['seed_file']}")
        assert article.name == (row["headline"] or f"seeds/{row['seed_file']}")
        assert article.date == row["published"] and article.author == row["author"]
        assert article.language == row["language"]
        assert article.linkable == row["url"].startswith("https://")


def test_a_seed_the_table_does_not_describe_is_named_by_its_file() -> None:
    article = sources.seed_article({"seed_file": "999_unknown.txt", "as_of": "2025-01-02"})
    assert (article.name, article.url, article.date, article.publisher) == (
        "seeds/999_unknown.txt", "seeds/999_unknown.txt", "2025-01-02", "")
    assert not article.linkable


def test_rows_are_taken_as_they_are_and_only_web_addresses_are_links(tmp_path: Path) -> None:
    table = tmp_path / "articles.csv"
    shutil.copy(paths.ARTICLES, table)
    text = table.read_text(encoding="utf-8").replace("https://www.eurasiareview.com", "javascript://x", 1)
    table.write_text(text, encoding="utf-8")
    found = sources.articles(table)
    assert len(found) == len(load_articles())  # a row being filled in does not fail a report
    assert [a for a in found.values() if a.url.startswith("javascript:")][0].linkable is False
    assert sources.articles(tmp_path / "missing.csv") == {}


def test_an_unreadable_articles_table_is_an_error_naming_the_file(tmp_path: Path) -> None:
    table = tmp_path / "articles.csv"
    table.write_text("seed_file,outlet\nx.txt,Dawn\n", encoding="utf-8")  # columns missing
    with pytest.raises(ArticlesError, match="articles.csv"):
        sources.articles(table)
