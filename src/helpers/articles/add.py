"""``make add-article SOURCE=<saved .html file or http(s) address>``: a news page becomes a seed.

The article's body goes to ``seeds/NNN_<outlet>_<headline>.txt`` (UTF-8, exactly as extracted, so register
offsets index it), its metadata to a new row of ``data/articles.csv``, and the suggester writes candidate
register rows for review. A failed fetch, a page with no article, a body that is too short, an article that
is already a seed (same address or same text) or an article with no quantity is refused with the reason and
the fix; nothing is written then.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from helpers import paths
from helpers.articles.extract import PageArticle, extract_article
from helpers.articles.fetch import MAX_BYTES, Fetcher, fetch_page
from helpers.articles.table import ARTICLE_COLUMNS, NEED_NOTE, append_article, normalise_url, read_rows, seed_names
from helpers.claims.register import restatement_hints
from helpers.errors import ArticleError, ArticlesError, ArticleSourceError
from helpers.files import write_atomic, write_csv
from helpers.suggest import write_suggestions

#: A body shorter than this is a teaser, a paywall stub or a caption, not an article.
MIN_WORDS: int = 80
_NUMBER = re.compile(r"^(\d+)_")


@dataclass(frozen=True)
class Added:
    """What ``add_article`` wrote."""

    seed: Path
    row: dict[str, str]
    table: Path
    row_number: int
    candidates: Path
    exclusions: Path
    words: int
    restatements: tuple[str, ...] = ()  # likely restatements of a target already in the register


def slug(text: str, limit: int) -> str:
    """Lower-case ASCII words joined by hyphens, cut at a word boundary to at most ``limit`` characters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    return out or (words[0][:limit] if words else "")


def seed_name(outlet: str, headline: str, existing: list[str]) -> str:
    """``NNN_<outlet>_<headline>.txt``, numbered after the highest number in ``existing``."""
    numbers = [int(m[1]) for name in existing if (m := _NUMBER.match(name))]
    number = max(numbers, default=-1) + 1
    parts = [p for p in (slug(outlet, 24), slug(headline, 48)) if p] or ["article"]
    return f"{number:03d}_{'_'.join(parts)}.txt"


def _comparable(text: str) -> str:
    """Text reduced for comparing bodies: NFKC, curly quotes straightened, spaces collapsed, case folded."""
    text = unicodedata.normalize("NFKC", text).translate(str.maketrans("‘’“”–—", "''\"\"--"))
    return " ".join(text.split()).casefold()


def read_source(source: str, fetch: Fetcher, max_bytes: int = MAX_BYTES) -> tuple[bytes, str, str]:
    """(HTML bytes, address or "", via) of a saved page file or an http(s) address."""
    if re.match(r"^https?://", source, re.I):
        page = fetch(source)
        return page.content, page.url or source, "address"
    if re.match(r"^[a-z][a-z0-9+.-]*://", source, re.I):
        raise ArticleSourceError(f"{source}: only http and https addresses are fetched. Fix: pass an https:// "
                                 "address or a saved .html file")
    path = Path(source)
    if not path.is_file():
        raise ArticleSourceError(f"{source}: no such file. Fix: pass a saved page (.html) or an https:// address")
    if path.suffix.lower() == ".txt":
        raise ArticleSourceError(f"{path.name}: a .txt file is text already. Fix: pass the saved web page "
                                 "(.html), or copy the text into seeds/ and add its row to data/articles.csv "
                                 "by hand (via=pasted)")
    if path.stat().st_size > max_bytes:
        raise ArticleSourceError(f"{path.name}: {path.stat().st_size:,} bytes, more than the limit of "
                                 f"{max_bytes:,}. Fix: save the page as 'HTML only'")
    return path.read_bytes(), "", "saved-page"


def _duplicate(article: PageArticle, address: str, articles_path: Path, seeds_dir: Path) -> str:
    """Why the article is already a seed (same address or same text), or ""."""
    problems: list = []
    rows = read_rows(articles_path, ARTICLE_COLUMNS, problems) if articles_path.exists() else []
    if problems:
        raise ArticlesError(problems, f"{articles_path.name} cannot be read, so the article was not added")
    wanted = {normalise_url(u) for u in (article.url, address) if u}
    for row in rows:
        if row.data.get("url") and normalise_url(row.data["url"]) in wanted:
            return f"its address is already in {articles_path.name} (row {row.number}, {row.data['seed_file']})"
    body = _comparable(article.text)
    for name in seed_names(seeds_dir):
        other = _comparable((seeds_dir / name).read_text(encoding="utf-8", errors="replace"))
        if body == other or (len(body) > 200 and (body in other or other in body)):
            return f"its text is already in seeds/{name}"
    return ""


def _existing_ids(claims_path: Path) -> set[str]:
    if not Path(claims_path).exists():
        return set()
    with open(claims_path, encoding="utf-8-sig", newline="") as handle:
        return {row.get("id", "") for row in csv.DictReader(handle)}


def _date_candidates(candidates: Path, published: str) -> None:
    """Candidates the suggester left undated take the article's publication date (as_of)."""
    frame = pd.read_csv(candidates, dtype=str, keep_default_na=False)
    if published and "as_of" in frame.columns and frame["as_of"].eq("").any():
        frame.loc[frame["as_of"].eq(""), "as_of"] = published
        write_csv(frame, candidates, for_people=True)


def _row(article: PageArticle, address: str, via: str, today: date) -> dict[str, str]:
    notes = list(article.notes)
    if via == "saved-page" and article.url:
        notes.insert(0, "address from the saved page's canonical link")
    return {
        "seed_file": "", "outlet": article.outlet, "headline": article.headline, "published": article.published,
        "date_basis": "page" if article.published else "", "author": article.author, "kind": article.kind,
        "language": article.language, "url": article.url or address, "retrieved": today.isoformat(),
        "via": via, "notes": "; ".join(notes),
    }  # fmt: skip


def add_article(source: str, *, articles_path: Path = paths.ARTICLES, seeds_dir: Path = paths.SEEDS,
                suggestions_dir: Path = paths.ROOT / "suggestions", claims_path: Path = paths.CLAIMS,
                fetch: Fetcher = fetch_page, today: date | None = None, min_words: int = MIN_WORDS) -> Added:
    """Add the article of ``source`` (a saved page file or an http(s) address) as a seed with its row and
    suggestions; ``fetch`` reads addresses (tests pass a stub). Nothing is written when it fails."""
    today = today or date.today()
    html, address, via = read_source(source, fetch)
    article = extract_article(html, url=address, today=today)
    if article.words < min_words:
        raise ArticleSourceError(
            f"{source}: the article body has {article.words} words, fewer than {min_words}: a teaser, a "
            "paywall, a photo caption or a list page. Fix: open the full article and save or pass that page")
    articles_path, seeds_dir = Path(articles_path), Path(seeds_dir)
    if why := _duplicate(article, address, articles_path, seeds_dir):
        raise ArticleSourceError(f"{source}: already a seed: {why}. Nothing was added")
    name = seed_name(article.outlet, article.headline, seed_names(seeds_dir))
    seed = seeds_dir / name
    row = {**_row(article, address, via, today), "seed_file": name}
    written: list[Path] = [seed]
    write_atomic(seed, article.text, newline="")
    try:
        try:
            candidates, exclusions = write_suggestions(seed, Path(suggestions_dir), _existing_ids(claims_path))
        except ArticleError as error:
            raise ArticleSourceError(f"{error}. Nothing was added") from None
        written += [candidates, exclusions]
        _date_candidates(candidates, article.published)
        number = append_article(row, articles_path, seeds_dir)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    hints = tuple(restatement_hints(candidates, claims_path, {name: article.published}))
    return Added(seed, row, articles_path, number, candidates, exclusions, article.words, hints)


def report(added: Added) -> str:
    """What was added and the next command, as the command line prints it."""
    row, rel = added.row, paths.shown
    facts = ", ".join(v for v in (row["outlet"], f"\u201c{row['headline']}\u201d" if row["headline"] else "",
                                  row["published"], row["url"]) if v)
    body = " ".join(added.seed.read_text(encoding="utf-8").split())
    lines = [f"added {rel(added.seed)} ({added.words} words): begins \u201c{body[:60]}\u2026\u201d, ends "
             f"\u201c\u2026{body[-60:]}\u201d (check that no menu, advert or box text came in)",
             f"added row {added.row_number} to {rel(added.table)}: {facts}"]
    missing = [field for field in NEED_NOTE if not row.get(field)]
    if missing:
        lines.append(f"  the page does not give: {', '.join(missing)}; fill them in {rel(added.table)} if you "
                     "know them (the notes say why each is empty)")
    lines += [f"wrote {rel(added.candidates)}", f"wrote {rel(added.exclusions)}"]
    if added.restatements:
        lines += ["Possible restatements of a target already stated (check them while reviewing):",
                  *(f"  {hint}" for hint in added.restatements)]
    lines += ["Review them in a spreadsheet: correct ids, claim types, subjects, countries and units, delete rows "
              "that are not claims, and delete 'suggested; review' from the notes of each row you checked. Then "
              "append them:",
              f"  make append CANDIDATES={rel(added.candidates)} EXCLUSIONS={rel(added.exclusions)}",
              "(add REVIEWED=1 to that command only if you reviewed every row as it stands)"]
    return "\n".join(lines)
