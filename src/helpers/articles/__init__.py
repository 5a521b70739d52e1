"""Articles as sources: the table of the articles in ``seeds/`` and the way new ones come in.

* ``helpers.articles`` (this package, from ``table``): ``load_articles``, ``load_copies``,
  ``article_problems`` (for the register check), ``append_article``, the column lists and vocabularies.
* ``helpers.articles.extract``: article body and metadata from a page's HTML (trafilatura).
* ``helpers.articles.fetch``: one page from an address (timeout, user agent, size limit).
* ``helpers.articles.add``: ``make add-article SOURCE=...`` -- a saved page or an address becomes a seed, a row
  of the table and suggestions for the register.

Importing the package loads only the table module: the register check does not pay for the extraction
library.
"""

from helpers.articles.table import (
    ARTICLE_COLUMNS,
    COPY_COLUMNS,
    DATE_BASES,
    ISO_639_1,
    KINDS,
    NEED_NOTE,
    RELATIONS,
    VIAS,
    Row,
    append_article,
    article_problems,
    load_articles,
    load_copies,
    normalise_url,
    read_rows,
    seed_names,
    url_problem,
)

__all__ = [
    "ARTICLE_COLUMNS", "COPY_COLUMNS", "DATE_BASES", "ISO_639_1", "KINDS", "NEED_NOTE", "RELATIONS", "VIAS",
    "Row", "append_article", "article_problems", "load_articles", "load_copies", "normalise_url", "read_rows",
    "seed_names", "url_problem",
]
