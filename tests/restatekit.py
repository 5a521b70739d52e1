"""A small world of articles that restate targets, written by the tests into a temporary folder.

Three outlets state the Pakistan-Iran trade target: $5 billion a year by 2028, then $10 billion a year by 2030,
then $10 billion a year with no year. Two articles state a Pakistan-Uzbekistan target of $2 billion a year,
not linked (the detector's case). Each register row's quote stands verbatim at its offset in its article.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from helpers import paths
from helpers.articles import ARTICLE_COLUMNS
from helpers.claims import REGISTER_COLUMNS

ARTICLES = {
    "101_dawn.txt": ("Dawn", "2025-03-10",
                     "ISLAMABAD: Pakistan and Iran agreed to raise bilateral trade to $5 billion a year by 2028, "
                     "the commerce minister said on Monday."),
    "102_tribune.txt": ("The Express Tribune", "2025-09-17",
                        "TEHRAN: The two sides reaffirmed their resolve to take bilateral trade to $10 billion "
                        "annually by 2030, officials said."),
    "103_recorder.txt": ("Business Recorder", "2026-01-05",
                         "KARACHI: Officials reiterated the $10 billion a year trade goal with Iran."),
    "104_app.txt": ("Associated Press of Pakistan", "2025-08-01",
                    "The adviser stressed the $2 billion a year trade target with Uzbekistan."),
    "105_nation.txt": ("The Nation", "2025-11-20",
                       "Both sides resolved to achieve the $2 billion annual trade target between Pakistan and "
                       "Uzbekistan."),
}

# id, seed, quote, value, as_of, horizon_year, restates, subject, partner
ROWS = [
    ("pk-ir-trade-2028", "101_dawn.txt", "raise bilateral trade to $5 billion a year by 2028", 5e9, "2025-03-10",
     "2028", "", "Pakistan-Iran bilateral trade", "Iran"),
    ("pk-ir-trade-2030", "102_tribune.txt", "take bilateral trade to $10 billion annually by 2030", 1e10,
     "2025-09-16", "2030", "pk-ir-trade-2028", "Pakistan-Iran bilateral trade", "Iran"),
    ("pk-ir-trade-goal", "103_recorder.txt", "the $10 billion a year trade goal with Iran", 1e10, "2026-01-05", "",
     "pk-ir-trade-2030", "Pakistan-Iran bilateral trade", "Iran"),
    ("pk-uz-trade-app", "104_app.txt", "the $2 billion a year trade target with Uzbekistan", 2e9, "2025-08-01", "",
     "", "Pakistan-Uzbekistan bilateral trade target", "Uzbekistan"),
    ("pk-uz-trade-nation", "105_nation.txt", "the $2 billion annual trade target", 2e9, "2025-11-20", "", "",
     "Pakistan-Uzbekistan bilateral trade goal", "Uzbekistan"),
]


@dataclass(frozen=True)
class World:
    """Where the test world's files are."""

    claims: Path
    articles: Path
    seeds: Path
    units: Path = paths.UNITS


def rows() -> list[dict[str, str]]:
    """The register rows of the world, as text cells."""
    out = []
    for claim_id, seed, quote, value, as_of, year, restates, subject, partner in ROWS:
        text = ARTICLES[seed][2]
        out.append({**dict.fromkeys(REGISTER_COLUMNS, ""), "id": claim_id, "topic": "trade", "claim_type": "target",
                    "subject": subject, "geo": "Pakistan", "partner": partner, "value": str(int(value)),
                    "unit": "USD/yr", "qualifier": "exact", "as_of": as_of, "horizon_year": year,
                    "seed_file": seed, "offset": str(text.index(quote)), "quote": quote, "restates": restates})
    return out


def write_register(path: Path, register: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    """Write register rows with the csv module (``columns``: the header, default the register's)."""
    columns = columns or REGISTER_COLUMNS
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(register)
    return path


def write_world(folder: Path, register: list[dict[str, str]] | None = None) -> World:
    """Seeds, articles table and register of the world under ``folder``."""
    seeds = folder / "seeds"
    seeds.mkdir(parents=True, exist_ok=True)
    table = []
    for name, (outlet, published, text) in ARTICLES.items():
        (seeds / name).write_text(text, encoding="utf-8")
        table.append({**dict.fromkeys(ARTICLE_COLUMNS, ""), "seed_file": name, "outlet": outlet,
                      "headline": f"Trade report of {outlet}", "published": published, "date_basis": "page",
                      "kind": "news", "language": "en", "url": f"https://example.org/{name[:-4]}",
                      "retrieved": "2026-11-24", "via": "saved-page"})
    articles = folder / "articles.csv"
    with open(articles, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ARTICLE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
    claims = write_register(folder / "claims.csv", rows() if register is None else register)
    return World(claims, articles, seeds)
