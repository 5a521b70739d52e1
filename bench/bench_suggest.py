"""Benchmark: the quantity parser and suggest on articles of growing size (run by hand: make bench-suggest).

Articles are built from the shipped phrasing corpus and the seed articles, repeated to each size, written as
paragraphs (the shape of news) and as one line without sentence breaks (the worst case for sentences). Each
size prints CPU seconds (and wall seconds), CPU seconds per MB, and the ratio of that to the smallest size:
a ratio near 1 at every size means the time grows linearly with the article. Limits: suggest refuses
articles over ``MAX_ARTICLE_BYTES``; the last line checks that the refusal is immediate.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

from helpers import paths
from helpers.errors import ArticleError
from helpers.quantities import corpus, find_quantities
from helpers.suggest import MAX_ARTICLE_BYTES, suggest_claims

SIZES_KB = (125, 250, 500, 1000)


def _material() -> list[str]:
    """Real sentences: every corpus phrase and every seed paragraph."""
    with open(corpus.CORPUS, encoding="utf-8", newline="") as handle:
        phrases = list(dict.fromkeys(row["phrase"] for row in csv.DictReader(handle)))
    seeds = [p for path in sorted(paths.SEEDS.glob("*.txt"))
             for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]  # fmt: skip
    return [p.rstrip(".") + "." for p in phrases] + seeds


def _article(size: int, material: list[str], *, one_line: bool) -> str:
    parts, total, i = ["date 2026-01-15 By Staff Reporter"], 0, 0
    while total < size:
        piece = material[i % len(material)]
        parts.append(piece)
        total += len(piece.encode("utf-8")) + 2
        i += 1
    return (" " if one_line else "\n\n").join(parts).replace("\n", " ") if one_line else "\n\n".join(parts)


def _time(function, *args) -> tuple[float, float, object]:
    """(CPU seconds of this process, wall seconds, result): CPU time is what the code costs; wall time also
    counts waiting for a core when the machine is shared."""
    cpu, wall = time.process_time(), time.perf_counter()
    result = function(*args)
    return time.process_time() - cpu, time.perf_counter() - wall, result


def main(argv: list[str] | None = None) -> int:
    """Print the table; exit 1 when a ratio exceeds ``--max-ratio`` (default 1.5: clearly superlinear)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES_KB, help="article sizes in KB")
    parser.add_argument("--max-ratio", type=float, default=1.5)
    args = parser.parse_args(argv)
    material = _material()
    worst = 0.0
    print(f"{'shape':<10} {'size':>8} {'quantities':>10} {'parse cpu s':>11} {'suggest cpu s':>13} "
          f"{'(wall s)':>8} {'cpu s/MB':>8} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        warm = Path(tmp) / "warm.txt"  # one-time costs (compiling patterns, imports) out of the timings
        warm.write_text(_article(20_000, material, one_line=False), encoding="utf-8")
        suggest_claims(warm, set())
        for shape in ("paragraphs", "one line"):
            base = None
            for kb in args.sizes:
                text = _article(kb * 1000, material, one_line=shape == "one line")
                path = Path(tmp) / f"article_{kb}.txt"
                path.write_text(text, encoding="utf-8")
                mb = path.stat().st_size / 1e6
                parse_s, _, found = _time(find_quantities, text)
                suggest_s, wall_s, _ = _time(suggest_claims, path, set())
                per_mb = suggest_s / mb
                base = base or per_mb
                worst = max(worst, per_mb / base)
                print(f"{shape:<10} {mb:>6.2f}MB {len(found):>10} {parse_s:>11.2f} {suggest_s:>13.2f} "
                      f"{wall_s:>8.2f} {per_mb:>8.2f} {per_mb / base:>6.2f}")  # fmt: skip
        big = Path(tmp) / "too_big.txt"
        big.write_bytes(b"Exports rose 5 per cent. " * (MAX_ARTICLE_BYTES // 25 + 10))
        start = time.perf_counter()
        try:
            suggest_claims(big, set())
            refused = "not refused"
        except ArticleError as error:
            refused = str(error).split(";")[0]
        print(f"over the limit ({big.stat().st_size / 1e6:.1f} MB): {refused} in {time.perf_counter() - start:.3f} s")
    print(f"worst ratio of CPU seconds per MB to the smallest size: {worst:.2f} (limit {args.max_ratio})")
    return 0 if worst <= args.max_ratio else 1


if __name__ == "__main__":
    sys.exit(main())
