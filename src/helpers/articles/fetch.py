"""One web page from an address, politely and within limits: a timeout, a user agent that says who asks and
why, and a size limit (read no more than it allows). Failures are ``ArticleSourceError`` with the fix."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata

from helpers.articles.table import url_problem
from helpers.errors import ArticleSourceError

TIMEOUT_SECONDS: float = 20.0
MAX_BYTES: int = 5_000_000
HTML_TYPES: tuple[str, ...] = ("text/html", "application/xhtml+xml")


def user_agent() -> str:
    """The user agent of every request: the project, its version and what it does with the page."""
    try:
        version = metadata.version("pakclaims")
    except metadata.PackageNotFoundError:
        version = "dev"
    return f"pakclaims/{version} (reads one news article to check its figures; Python urllib)"


@dataclass(frozen=True)
class Page:
    """A fetched page: the address it came from after redirects, its bytes and its content type."""

    url: str
    content: bytes
    content_type: str = "text/html"


#: A fetch function: address -> Page (``add_article`` takes one, so tests pass a local stub).
Fetcher = Callable[[str], Page]


def fetch_page(url: str, *, timeout: float = TIMEOUT_SECONDS, max_bytes: int = MAX_BYTES,
               open_url: Callable = urllib.request.urlopen) -> Page:
    """The page at ``url`` (http or https), at most ``max_bytes`` long, within ``timeout`` seconds.

    ``open_url`` is ``urllib.request.urlopen`` unless a caller passes another opener. Raises
    ``ArticleSourceError`` for a bad address, an error status, a timeout or no connection, a response that
    is not a web page, or one larger than the limit.
    """
    if why := url_problem(url):
        raise ArticleSourceError(f"{url!r}: {why}. Fix: pass the full address, starting with https://")
    request = urllib.request.Request(url, headers={
        "User-Agent": user_agent(), "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"})
    save = "or open it in a browser, save it (Ctrl+S) and pass the saved .html file"
    try:
        with open_url(request, timeout=timeout) as response:
            final = response.geturl() or url
            content_type = response.headers.get_content_type() if response.headers else "text/html"
            if content_type not in HTML_TYPES:
                raise ArticleSourceError(f"{url}: not a web page (content type {content_type}). Fix: pass the "
                                         "address of the article's page, not of a PDF, image or feed")
            declared = response.headers.get("Content-Length") if response.headers else None
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise ArticleSourceError(f"{url}: the page is {int(declared):,} bytes, more than the limit of "
                                         f"{max_bytes:,}. Fix: {save}")
            content = response.read(max_bytes + 1)
    except urllib.error.HTTPError as error:
        raise ArticleSourceError(f"{url}: the server answered {error.code} {error.reason}. Fix: check the "
                                 f"address, {save}") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ArticleSourceError(f"{url}: could not fetch the page ({reason}; timeout {timeout:g} s). Fix: check "
                                 f"the address and the connection, {save}") from None
    if len(content) > max_bytes:
        raise ArticleSourceError(f"{url}: the page is larger than the limit of {max_bytes:,} bytes. Fix: {save}")
    return Page(url=final, content=content, content_type=content_type)
