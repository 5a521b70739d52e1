"""make add-article: saved pages and addresses become seeds with their metadata, or are refused with nothing
written. Pages are written by the tests; no test reaches the network (sockets are refused, an address is
served by a stub fetch function passed in, the real fetch gets a stub opener)."""

from __future__ import annotations

import email.message
import json
import os
import shutil
import subprocess
import sys
import urllib.error
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from pytest_socket import disable_socket, enable_socket

from helpers import paths
from helpers.articles import article_problems, load_articles
from helpers.articles.add import add_article, report, seed_name, slug
from helpers.articles.extract import extract_article
from helpers.articles.fetch import Page, fetch_page, user_agent
from helpers.errors import ArticleSourceError

TODAY = date(2026, 11, 24)
BODY = [
    "ISLAMABAD: Pakistan and Iran on Wednesday agreed to raise their barter trade to $5 billion a year by 2028, "
    "up from about $1.2 billion last year, officials said after two days of talks in the capital.",
    "The commerce ministry said the two sides would open three more border markets in Balochistan and let "
    "traders settle accounts in rupees and rials through a clearing mechanism run by the central banks.",
    "Officials said rice, fruit and textiles would lead Pakistan’s shipments, while Iran would supply "
    "petrochemicals, iron ore and liquefied petroleum gas. Trade through the Taftan crossing rose 18 per cent in "
    "the first eight months of the fiscal year, the ministry added.",
    "Business leaders welcomed the plan but warned that banking restrictions and poor roads still held back "
    "trade. “Without reliable payment channels, the target will remain on paper,” a chamber official said.",
]
CLUTTER = ["Buy gold coins today", "Most read", "Gold price hits record", "Cricket board names new coach",
           "Iran gas pipeline: 780 km", "Earn 22% returns", "All rights reserved", "Sports", "Opinion"]
URL = "https://ledger.example.pk/business/2026/03/12/pakistan-iran-barter-trade"


def page(body: list[str] = BODY, *, head: str = "", json_ld: dict | None = None, lang: str = ' lang="en-PK"',
         headline: str = "Pakistan, Iran agree to lift barter trade to $5bn a year") -> str:
    """A news page as outlets build them: navigation, adverts, the article, "most read" and "related"
    boxes, a footer."""
    ld = f'<script type="application/ld+json">{json.dumps(json_ld)}</script>' if json_ld else ""
    paragraphs = "\n".join(f"<p>{p}</p>" for p in body)
    return f"""<!DOCTYPE html>
<html{lang}><head><meta charset="utf-8"><title>{headline} | The Daily Ledger</title>{head}{ld}</head>
<body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/business">Business</a></li>
<li><a href="/sports">Sports</a></li><li><a href="/opinion">Opinion</a></li></ul></nav></header>
<div class="ad-slot advert" id="top-banner">ADVERTISEMENT Buy gold coins today at Rs 250,000 per tola</div>
<main><article><h1>{headline}</h1><p class="byline">By Ayesha Siddiqui</p>
<div class="article-body">{paragraphs}</div></article>
<aside class="most-read"><h3>Most read</h3><ol><li><a href="/a">Gold price hits record Rs 300,000 per tola</a></li>
<li><a href="/b">Cricket board names new coach for 12 matches</a></li></ol></aside>
<section class="related-articles"><h3>Related</h3><ul><li><a href="/d">Iran gas pipeline: 780 km remain unbuilt</a>
</li></ul></section></main>
<div class="advertisement">Sponsored: Earn 22% returns with our fund</div>
<footer><p>© 2026 The Daily Ledger. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body></html>"""


def news_page() -> str:
    """JSON-LD NewsArticle and OpenGraph metadata, as most outlets publish them."""
    head = (f'<meta property="og:title" content="Pakistan, Iran agree to lift barter trade to $5bn a year">'
            f'<meta property="og:site_name" content="The Daily Ledger"><meta property="og:type" content="article">'
            f'<meta property="og:url" content="{URL}"><link rel="canonical" href="{URL}">'
            f'<meta property="article:published_time" content="2026-03-12T09:30:00+05:00">')
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "inLanguage": "en",
          "headline": "Pakistan, Iran agree to lift barter trade to $5bn a year",
          "datePublished": "2026-03-12T09:30:00+05:00", "author": {"@type": "Person", "name": "Ayesha Siddiqui"},
          "publisher": {"@type": "Organization", "name": "The Daily Ledger"}}
    return page(head=head, json_ld=ld)


def meta_only_page() -> str:
    """Only meta tags (no JSON-LD, no html lang): OpenGraph, article:*, author."""
    head = ('<meta property="og:title" content="Uzbekistan to buy $300 million of Pakistani medicines">'
            '<meta property="og:site_name" content="Frontier Business Post"><meta name="author" content="Imran Ali">'
            '<meta property="og:locale" content="en_GB"><meta property="og:url" '
            'content="https://fbpost.example.com/2025/10/uzbek-medicines">'
            '<meta property="article:published_time" content="2025-10-02">')
    body = [p.replace("Iran", "Uzbekistan") for p in BODY]
    return page(body, head=head, lang="", headline="Uzbekistan to buy $300 million of Pakistani medicines")


def undated_page() -> str:
    """No date anywhere but the footer's copyright year, and no address in the page."""
    body = [p.replace("Pakistan and Iran", "Pakistan and China") for p in BODY]
    return page(body, headline="China and Pakistan eye $5 billion trade")


@pytest.fixture(autouse=True)
def no_network():
    """No socket may be opened while a test runs."""
    disable_socket(allow_unix_socket=True)
    yield
    enable_socket()


@pytest.fixture
def project(tmp_path: Path) -> dict[str, Path]:
    """Copies of the seeds, the articles tables, the register, the units table and an empty suggestions folder."""
    data, seeds = tmp_path / "data", tmp_path / "seeds"
    shutil.copytree(paths.SEEDS, seeds)
    data.mkdir()
    for name in ("articles.csv", "article_copies.csv", "claims.csv", "units.csv"):
        shutil.copy2(paths.DATA / name, data / name)
    return {"articles_path": data / "articles.csv", "seeds_dir": seeds, "suggestions_dir": tmp_path / "suggestions",
            "claims_path": data / "claims.csv"}


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def save(tmp_path: Path, html: str, name: str = "saved.html") -> Path:
    target = tmp_path / "downloads" / name
    target.parent.mkdir(exist_ok=True)
    target.write_text(html, encoding="utf-8")
    return target


# ---------------------------------------------------------------------------------------------- extraction


def test_extraction_keeps_the_article_and_leaves_navigation_adverts_and_boxes_out():
    article = extract_article(news_page(), today=TODAY)
    assert article.text == "\n".join(BODY) + "\n"
    assert not [c for c in CLUTTER if c in article.text]
    assert (article.outlet, article.headline, article.published, article.author, article.url, article.language,
            article.kind) == ("The Daily Ledger", "Pakistan, Iran agree to lift barter trade to $5bn a year",
                              "2026-03-12", "Ayesha Siddiqui", URL, "en", "news")
    assert article.notes == []


def test_the_walkthrough_page_gives_its_body_byte_for_byte_and_its_metadata():
    """The README walkthrough's saved page: the body is new_article.txt exactly (the reviewed rows' offsets
    index it), and nothing of the menus, the ticker, the adverts, the "most read", newsletter or related boxes,
    the tags or the footer comes in."""
    fixtures = Path(__file__).parent / "fixtures" / "articles"
    article = extract_article((fixtures / "new_article.html").read_bytes(), today=TODAY)
    assert article.text.encode("utf-8") == (fixtures / "new_article.txt").read_bytes()
    for clutter in ("KSE-100", "savings account", "Tashkent from", "Most read", "Plots from", "Morning Brief",
                    "Cabinet approves", "Tags:", "Published in", "All rights reserved", "Exports to China rose"):
        assert clutter not in article.text
    assert (article.outlet, article.headline, article.published, article.author, article.language,
            article.kind) == ("The Indus Ledger", "Pakistan and China agree to deepen industrial cooperation",
                              "2026-03-10", "Staff Reporter", "en", "news")
    assert article.url.startswith("https://www.indusledger.example/business/2026/03/10/") and article.notes == []


def test_a_page_with_only_meta_tags_gives_its_metadata():
    article = extract_article(meta_only_page(), today=TODAY)
    assert (article.outlet, article.headline, article.published, article.author, article.language) == (
        "Frontier Business Post", "Uzbekistan to buy $300 million of Pakistani medicines", "2025-10-02",
        "Imran Ali", "en")
    assert article.url == "https://fbpost.example.com/2025/10/uzbek-medicines" and article.kind == ""


def test_a_page_without_a_date_gets_none_and_a_note_not_the_copyright_year():
    article = extract_article(undated_page(), today=TODAY)
    assert article.published == "" and article.url == ""
    assert "no publication date in the page's metadata or markup" in article.notes
    assert "the saved page gives no address (no canonical link or og:url)" in article.notes


def test_seed_names_are_readable_and_numbered_after_the_existing_ones():
    existing = ["000_9fac90d7e7a57e8f.txt", "004_a7c00857fc1d37e6.txt", "README.md"]
    named = seed_name("Dawn", "Exports to China rise 12% in Q1", existing)
    assert named == "005_dawn_exports-to-china-rise-12-in-q1.txt"
    assert seed_name("", "پاکستان اور ازبکستان", []) == "000_article.txt"
    assert slug("Pakistan’s exports: a 10-year high?", 20) == "pakistans-exports-a"


# ------------------------------------------------------------------------------------------ adding articles


def test_a_saved_page_becomes_a_seed_a_row_and_suggestions(tmp_path: Path, project):
    added = add_article(str(save(tmp_path, news_page())), today=TODAY, **project)
    assert added.seed.name == "005_the-daily-ledger_pakistan-iran-agree-to-lift-barter-trade-to-5bn.txt"
    text = added.seed.read_bytes().decode("utf-8")
    assert text == "\n".join(BODY) + "\n"
    row = load_articles(project["articles_path"], project["seeds_dir"]).iloc[-1].to_dict()
    assert row == {"seed_file": added.seed.name, "outlet": "The Daily Ledger",
                   "headline": "Pakistan, Iran agree to lift barter trade to $5bn a year", "published": "2026-03-12",
                   "date_basis": "page", "author": "Ayesha Siddiqui", "kind": "news", "language": "en", "url": URL,
                   "retrieved": "2026-11-24", "via": "saved-page",
                   "notes": "address from the saved page's canonical link"}
    assert article_problems(project["articles_path"], project["seeds_dir"]) == []
    candidates = pd.read_csv(added.candidates, dtype=str, keep_default_na=False)
    assert len(candidates) >= 2 and candidates["seed_file"].eq(added.seed.name).all()
    for quote, offset in zip(candidates["quote"], candidates["offset"].astype(int), strict=True):
        assert text[offset:offset + len(quote)] == quote  # register offsets index the seed as written
    assert candidates["as_of"].ne("").all()  # undated candidates take the article's date
    assert added.exclusions.exists()


def test_a_target_the_register_already_holds_is_pointed_out(tmp_path: Path, project):
    register = pd.read_csv(project["claims_path"], dtype=str, keep_default_na=False)
    register.loc[register["id"].eq("pk-ir-trade-target"), "subject"] = "Pakistan-Iran barter trade goal"
    register.to_csv(project["claims_path"], index=False)
    added = add_article(str(save(tmp_path, news_page())), today=TODAY, **project)
    (hint,) = added.restatements
    assert hint.startswith("pk-ir-trade-2028-target may restate pk-ir-trade-target (")
    assert "set restates=pk-ir-trade-target on pk-ir-trade-2028-target" in hint
    printed = report(added)
    assert f"Possible restatements of a target already stated (check them while reviewing):\n  {hint}" in printed
    assert printed.splitlines()[-2].startswith("  make append CANDIDATES=")


def test_an_address_is_fetched_through_the_fetch_function_passed_in(tmp_path: Path, project):
    asked = []

    def stub(url: str) -> Page:
        asked.append(url)
        return Page(url=url, content=undated_page().encode("utf-8"))

    address = "https://ledger.example.pk/business/china-trade?utm_source=x"
    added = add_article(address, fetch=stub, today=TODAY, **project)
    assert asked == [address]
    assert (added.row["via"], added.row["url"], added.row["published"]) == ("address", address, "")
    assert "no publication date" in added.row["notes"]
    assert pd.read_csv(added.candidates, dtype=str, keep_default_na=False)["as_of"].eq("").all()
    assert article_problems(project["articles_path"], project["seeds_dir"]) == []


def refused(tmp_path: Path, project, source: str, **kwargs) -> str:
    """The message of a refused source, after checking that nothing was written."""
    before = snapshot(tmp_path)
    with pytest.raises(ArticleSourceError) as raised:
        add_article(source, today=TODAY, **project, **kwargs)
    assert snapshot(tmp_path) == before
    assert raised.value.exit_code == 2
    return str(raised.value)


def test_a_failed_fetch_is_refused_with_the_fix(tmp_path: Path, project):
    def no_route(request, timeout):
        raise urllib.error.URLError("Name or service not known")

    message = refused(tmp_path, project, "https://ledger.example.pk/a",
                      fetch=lambda url: fetch_page(url, open_url=no_route))
    assert "could not fetch the page (Name or service not known" in message and "save it (Ctrl+S)" in message


def test_a_page_without_an_article_is_refused(tmp_path: Path, project):
    index = "<html><body><nav><a href='/'>Home</a> <a href='/b'>Business</a></nav><ul>" + "".join(
        f"<li><a href='/{i}'>Headline {i}</a></li>" for i in range(5)) + "</ul></body></html>"
    message = refused(tmp_path, project, str(save(tmp_path, index, "index.html")))
    assert "no article text found" in message or "words, fewer than 80" in message


def test_a_short_body_is_refused(tmp_path: Path, project):
    message = refused(tmp_path, project, str(save(tmp_path, page(BODY[:2]))))
    assert "the article body has 69 words, fewer than 80" in message


def test_the_same_address_or_the_same_text_is_refused(tmp_path: Path, project):
    add_article(str(save(tmp_path, news_page())), today=TODAY, **project)
    again = refused(tmp_path, project, str(save(tmp_path, news_page(), "again.html")))
    assert "already a seed: its address is already in articles.csv (row 7" in again
    copied = page(headline="Barter trade with Iran to reach $5bn")  # same body, no address
    assert "its text is already in seeds/005_the-daily-ledger" in refused(tmp_path, project,
                                                                          str(save(tmp_path, copied, "c.html")))


def test_an_article_without_quantities_is_refused_and_its_seed_removed(tmp_path: Path, project):
    words = ("Officials from both countries met in the capital and spoke about closer ties in trade, energy "
             "and transport, and agreed that their teams should keep talking through the coming months. ") * 4
    message = refused(tmp_path, project, str(save(tmp_path, page([words]))))
    assert "no quantities found" in message and "Nothing was added" in message


def test_other_sources_are_refused(tmp_path: Path, project):
    assert "only http and https" in refused(tmp_path, project, "ftp://ledger.example.pk/a")
    assert "no such file" in refused(tmp_path, project, str(tmp_path / "missing.html"))
    text = tmp_path / "article.txt"
    text.write_text("An article.\n", encoding="utf-8")
    assert "a .txt file is text already" in refused(tmp_path, project, str(text))


# ------------------------------------------------------------------------------------------------ fetching


class Response:
    """What urlopen returns, for a stub opener."""

    def __init__(self, content: bytes, content_type: str = "text/html; charset=utf-8", length: str | None = None):
        self.content, self.headers = content, email.message.Message()
        self.headers["Content-Type"] = content_type
        if length:
            self.headers["Content-Length"] = length
        self.asked_for: list[int] = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def geturl(self) -> str:
        return "https://ledger.example.pk/final"

    def read(self, n: int) -> bytes:
        self.asked_for.append(n)
        return self.content[:n]


def test_fetch_sends_its_user_agent_and_timeout_and_reads_within_the_limit():
    seen = {}
    response = Response(b"<html>page</html>")

    def opener(request, timeout):
        seen.update(agent=request.get_header("User-agent"), timeout=timeout, url=request.full_url)
        return response

    fetched = fetch_page("https://ledger.example.pk/a", timeout=7, max_bytes=100, open_url=opener)
    assert fetched == Page("https://ledger.example.pk/final", b"<html>page</html>", "text/html")
    assert seen == {"agent": user_agent(), "timeout": 7, "url": "https://ledger.example.pk/a"}
    assert seen["agent"].startswith("pakclaims/") and response.asked_for == [101]


@pytest.mark.parametrize(("response", "expected"), [
    (Response(b"x" * 101), "larger than the limit of 100 bytes"),
    (Response(b"x", length="5000000"), "the page is 5,000,000 bytes, more than the limit of 100"),
    (Response(b"%PDF", content_type="application/pdf"), "not a web page (content type application/pdf)"),
])
def test_fetch_refuses_large_pages_and_other_content(response, expected):
    with pytest.raises(ArticleSourceError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        fetch_page("https://ledger.example.pk/a", max_bytes=100, open_url=lambda request, timeout: response)


def test_fetch_names_the_servers_answer_and_refuses_bad_addresses():
    def forbidden(request, timeout):
        raise urllib.error.HTTPError(request.full_url, 403, "Forbidden", email.message.Message(), None)

    with pytest.raises(ArticleSourceError, match="the server answered 403 Forbidden"):
        fetch_page("https://ledger.example.pk/a", open_url=forbidden)
    with pytest.raises(ArticleSourceError, match="not an http"):
        fetch_page("file:///etc/passwd")


# ------------------------------------------------------------------------------------------- command line


def run_cli(args: list[str], project: dict[str, Path], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PAKCLAIMS_DATA": str(project["articles_path"].parent),
           "PAKCLAIMS_SEEDS": str(project["seeds_dir"])}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_the_command_prints_the_next_command_and_exits_2_on_a_refusal(tmp_path: Path, project):
    saved = str(save(tmp_path, meta_only_page()))
    command = [sys.executable, "-m", "helpers.articles", "add", saved, "--out", str(project["suggestions_dir"])]
    done = run_cli(command, project, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "added row 7 to" in done.stdout and "Frontier Business Post" in done.stdout
    assert done.stdout.rstrip().splitlines()[-2].startswith(
        f"  make append CANDIDATES={project['suggestions_dir']}/005_frontier-business-post_uzbekistan-to-buy")
    again = run_cli(command, project, tmp_path)
    assert again.returncode == 2 and again.stderr.startswith("error: ") and "already a seed" in again.stderr


@pytest.mark.slow
def test_make_add_article_runs_the_command(tmp_path: Path, project):
    copy = tmp_path / "project"
    for name in ("Makefile", "pyproject.toml", "requirements.lock"):
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(paths.ROOT / name, copy / name)
    shutil.copytree(paths.SRC, copy / "src" / "helpers")
    make = ["make", "-o", ".venv/.installed", f"PY={sys.executable}", "add-article"]
    env = {"PYTHONPATH": str(copy / "src")}
    usage = subprocess.run(make, cwd=copy, env={**os.environ, **env}, capture_output=True, text=True)
    assert usage.returncode == 2 and "usage: make add-article SOURCE=" in usage.stderr
    saved = save(tmp_path, news_page(), "page with spaces.html")
    done = subprocess.run([*make, f"SOURCE={saved}"], cwd=copy, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **env, "PAKCLAIMS_DATA": str(project["articles_path"].parent),
                               "PAKCLAIMS_SEEDS": str(project["seeds_dir"])})
    assert done.returncode == 0, done.stderr
    assert "make append CANDIDATES=suggestions/005_the-daily-ledger" in done.stdout
    assert (copy / "suggestions").is_dir()
