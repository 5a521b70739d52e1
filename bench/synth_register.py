"""Synthetic registers for the scale bench: the real data plus generated articles and claims.

The claims are built from the real vocabulary (``data/units.csv``: US$ amounts and count, area and mass
units) and the real subjects, topics and countries of the register; each generated article in ``seeds/``
states the quotes of its claims, so the register check passes like on real data (every number in an article
is a claim; each quote states its value). The real rows are kept, so every real report still runs.

    python bench/synth_register.py OUT_DIR [--claims 1000] [--targets 200] [--seed 1]

writes ``OUT_DIR/data`` and ``OUT_DIR/seeds``; point the batch at them with PAKCLAIMS_DATA and PAKCLAIMS_SEEDS.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
from pathlib import Path

from helpers import paths

#: Topics whose claims the minerals report looks for by subject: generated claims use the others, so that
#: report reads the same claims at every size.
KEEP_OUT_TOPICS = {"minerals", "investment"}
#: Non-money units from the vocabulary a generated fact may use (written as "<number> <unit>").
COUNT_UNITS = ("acres", "hectares", "companies", "participants", "employees", "jobs", "people", "projects",
               "agreements", "tonnes")
CLAIMS_PER_ARTICLE = 5


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _money(rng: random.Random) -> tuple[int, str]:
    """(value in US$, how an article writes it), e.g. (3400000000, '$3.4 billion')."""
    scale, word = rng.choice([(10**6, "million"), (10**9, "billion")])
    tenths = rng.randint(11, 999)
    return tenths * scale // 10, f"${tenths // 10}.{tenths % 10} {word}" if tenths % 10 else f"${tenths // 10} {word}"


def generate(out: Path, n_claims: int = 1000, n_targets: int = 200, seed: int = 1,
             data_dir: Path = paths.DATA, seeds_dir: Path = paths.SEEDS) -> dict[str, int]:
    """Write ``out/data`` and ``out/seeds``; returns the counts of claims, targets and articles."""
    rng = random.Random(seed)
    data, seeds = out / "data", out / "seeds"
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(data_dir, data)
    shutil.copytree(seeds_dir, seeds)
    fields, real = _read(data / "claims.csv")
    afields, articles = _read(data / "articles.csv")
    _, units = _read(data / "units.csv")
    known_units = {u["unit"] for u in units}
    count_units = [u for u in COUNT_UNITS if u in known_units]
    subjects = sorted({r["subject"] for r in real})
    topics = sorted({r["topic"] for r in real} - KEEP_OUT_TOPICS)
    countries = sorted({r["geo"] for r in real} | {r["partner"] for r in real if r["partner"]} - {"World"})
    want_claims = max(0, n_claims - len(real))
    want_targets = max(0, n_targets - sum(r["claim_type"] == "target" for r in real))
    rows: list[dict[str, str]] = []
    n_articles = max(1, -(-want_claims // CLAIMS_PER_ARTICLE))
    for a in range(n_articles):
        name = f"9{a:05d}_synthetic.txt"
        sentences: list[str] = []
        offset = 0
        for k in range(min(CLAIMS_PER_ARTICLE, want_claims - len(rows))):
            i = len(rows)
            is_target = i * want_targets // max(1, want_claims) != (i + 1) * want_targets // max(1, want_claims)
            geo, partner = rng.sample(countries, 2)
            if is_target:
                value, written = _money(rng)
                quote, unit, kind = f"a goal of {written} a year", "USD/yr", "target"
            elif rng.random() < 0.5:
                value, written = _money(rng)
                quote, unit, kind = f"reached {written}", "USD", "fact"
            else:
                unit = rng.choice(count_units)
                value = rng.randint(2, 99) * 10
                quote, kind = f"counted {value:,} {unit}", "fact"
            lead = "Officials said the figures " if k == 0 else " They said the figures "
            offset += len(lead)
            rows.append({**dict.fromkeys(fields, ""), "id": f"syn-{i:05d}-{kind}", "topic": rng.choice(topics),
                         "claim_type": kind, "subject": f"{rng.choice(subjects)} (sample {i})", "geo": geo,
                         "partner": partner, "value": str(value), "unit": unit, "qualifier": "exact",
                         "as_of": "2026-01-28", "seed_file": name, "offset": str(offset), "quote": quote})
            sentences.append(lead + quote + ".")
            offset += len(quote) + 1
        (seeds / name).write_text("".join(sentences) + "\n", encoding="utf-8")
        articles.append({**dict.fromkeys(afields, ""), "seed_file": name, "outlet": "Synthetic Wire",
                         "headline": f"Synthetic article {a}", "published": "2026-01-28", "date_basis": "page",
                         "kind": "news", "language": "en", "url": f"https://example.org/synthetic/{a}",
                         "retrieved": "2026-01-28", "via": "pasted"})
    _write(data / "claims.csv", fields, real + rows)
    _write(data / "articles.csv", afields, articles)
    all_rows = real + rows
    return {"claims": len(all_rows), "targets": sum(r["claim_type"] == "target" for r in all_rows),
            "articles": n_articles}


def main() -> None:
    """Command line: write a synthetic register."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out", type=Path)
    p.add_argument("--claims", type=int, default=1000)
    p.add_argument("--targets", type=int, default=200)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    print(generate(args.out, args.claims, args.targets, args.seed))


if __name__ == "__main__":
    main()
