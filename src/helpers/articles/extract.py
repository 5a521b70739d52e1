"""The article in a news page: its body text and metadata, read with trafilatura.

trafilatura (maintained, benchmarked on news pages) finds the main text and leaves navigation, adverts, "most
read" and "related" boxes, comments and footers out; its metadata reader takes the headline, author, date,
outlet and address from JSON-LD, OpenGraph and meta tags, falling back to the page's title and links. Two
things it does not read are taken here from the same tags: the page's language (``<html lang>``,
``og:locale``, JSON-LD ``inLanguage``) and the kind of article (JSON-LD ``@type``).

Dates come only from the page's own markup (metadata, ``<time>`` elements, the address): the search of the
whole text for date-like strings is off, so a footer's copyright year never becomes a publication date.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date

import lxml.html
import trafilatura

from helpers.articles.table import ISO_639_1
from helpers.errors import ArticleSourceError

#: JSON-LD types of news articles and the kind of article each is.
_KIND_OF_TYPE = {
    "newsarticle": "news", "reportagenewsarticle": "news", "backgroundnewsarticle": "news",
    "analysisnewsarticle": "news", "article": "", "opinionnewsarticle": "opinion", "reviewnewsarticle": "opinion",
}  # fmt: skip


@dataclass(frozen=True)
class PageArticle:
    """What a page says about its article; "" where the page does not say."""

    text: str
    outlet: str = ""
    headline: str = ""
    published: str = ""
    author: str = ""
    url: str = ""
    language: str = ""
    kind: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def words(self) -> int:
        """Number of words in the body."""
        return len(self.text.split())


def _json_ld(tree: lxml.html.HtmlElement) -> list[dict]:
    """Every JSON-LD object of the page, ``@graph`` members included; unreadable blocks are skipped."""
    found: list[dict] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content() or "")
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                found.append(item)
                stack.extend(g for g in item.get("@graph", []) if isinstance(g, dict))
            elif isinstance(item, list):
                stack.extend(item)
    return found


def _types(item: dict) -> list[str]:
    kind = item.get("@type", [])
    return [t.lower() for t in (kind if isinstance(kind, list) else [kind]) if isinstance(t, str)]


def _language_code(value: str) -> str:
    """``en-GB`` / ``en_US`` / ``EN`` -> ``en``; "" when the value is not an ISO 639-1 language."""
    base = re.split(r"[-_]", value.strip())[0].lower() if value else ""
    return base if base in ISO_639_1 else ""


def _page_language(tree: lxml.html.HtmlElement, items: list[dict]) -> str:
    candidates = [item.get("inLanguage") for item in items if isinstance(item.get("inLanguage"), str)]
    candidates += tree.xpath("/html/@lang") + tree.xpath("/html/@xml:lang")
    candidates += tree.xpath('//meta[@property="og:locale"]/@content')
    candidates += tree.xpath('//meta[@http-equiv="content-language" or @http-equiv="Content-Language"]/@content')
    return next((code for code in map(_language_code, candidates) if code), "")


def _page_kind(items: list[dict]) -> str:
    for item in items:
        for kind in _types(item):
            if _KIND_OF_TYPE.get(kind):
                return _KIND_OF_TYPE[kind]
    return ""


def extract_article(html: str | bytes, *, url: str = "", today: date) -> PageArticle:
    """Body and metadata of the article in ``html`` (``url``: the address it was fetched from, if any).

    ``today`` bounds the publication date (a page cannot be published after it was read). Raises
    ``ArticleSourceError`` when the page holds no article text.
    """
    document = trafilatura.bare_extraction(
        html, url=url or None, with_metadata=True, include_comments=False, include_tables=True,
        favor_precision=True, deduplicate=False,
        date_extraction_params={"original_date": True, "extensive_search": False, "max_date": today.isoformat()},
    )
    text = (document.text or "").strip() if document is not None else ""
    if not text:
        raise ArticleSourceError(
            "no article text found in the page (it may be an index, a video or a page that builds its text "
            "with JavaScript). Fix: open the article itself in a browser, save it as 'Web page, complete' or "
            "'HTML only', and pass that file")
    try:
        tree = lxml.html.fromstring(html.encode("utf-8") if isinstance(html, str) else html)
    except (ValueError, lxml.etree.ParserError):
        tree = lxml.html.fromstring("<html></html>")
    items = _json_ld(tree)
    notes = []
    outlet = (document.sitename or "").strip()
    if not outlet:
        notes.append("no outlet name on the page (publisher, og:site_name)")
    headline = (document.title or "").strip()
    if not headline:
        notes.append("no headline on the page")
    published = document.date or ""
    if not published:
        notes.append("no publication date in the page's metadata or markup")
    address = (document.url or url or "").strip()
    if not address:
        notes.append("the saved page gives no address (no canonical link or og:url)")
    language = _page_language(tree, items)
    if not language:
        notes.append("the page declares no language (html lang, og:locale, inLanguage)")
    return PageArticle(text=text + "\n", outlet=outlet, headline=headline, published=published,
                       author=(document.author or "").strip(), url=address, language=language,
                       kind=_page_kind(items), notes=notes)
