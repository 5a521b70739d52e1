"""Recall and precision of the quantity parser on real newspaper phrasings.

``phrasings.csv`` (next to this module) holds short phrases quoted from named outlets, with the address of
each page, and every quantity a careful reader sees in them, one row per quantity: its ``text``, ``kind``,
``value`` (``low..high`` for a range; empty for dates, vague magnitudes and labels), ``unit`` (currency code,
counted noun, ``percent``, ``months``, ``USD/tonne``...), ``qualifier``, ``per_year`` (``yes`` for a yearly
flow of money or goods) and ``direction`` (``up``/``down`` for a stated change).

A reading is recalled when the parser reports a quantity overlapping its text with the same kind, value or
bounds, unit, qualifier, per-year and direction; every other quantity the parser reports in the phrases is a
false positive. ``python -m helpers.quantities.corpus`` prints the figures, the misses and the false positives.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

from helpers.quantities.model import CLAIM_KINDS, Quantity
from helpers.quantities.reader import find_quantities

CORPUS = Path(__file__).with_name("phrasings.csv")
#: The corpus in parts: phrasings the parser was built against, then two sets annotated before the parser read
#: them (held-out-1 was scored, then its misses fixed; held-out-2 was scored once the parser was finished).
PARTS = ("development", "held-out-1", "held-out-2")
COLUMNS = ("set", "outlet", "url", "phrase", "text", "kind", "value", "unit", "qualifier", "per_year", "direction")


@dataclass(frozen=True)
class Reading:
    """One quantity a reader sees in a phrase, where it stands, and how it should read."""

    start: int
    end: int
    text: str
    kind: str
    low: float | None
    high: float | None
    unit: str
    qualifier: str
    per_year: bool
    direction: str


@dataclass
class Phrase:
    """A phrase of one outlet's page with its expected readings."""

    part: str  # PARTS: "development" (the parser was built against it), "held-out-1" and "held-out-2"
    outlet: str
    url: str
    text: str
    readings: list[Reading] = field(default_factory=list)


@dataclass
class Score:
    """Counts over a corpus; ``misses`` and ``false_positives`` say what went wrong, phrase by phrase."""

    phrases: int = 0
    outlets: int = 0
    expected: int = 0
    found: int = 0
    matched: int = 0
    expected_claims: int = 0
    found_claims: int = 0
    matched_claims: int = 0
    misses: list[tuple[Phrase, Reading, Quantity | None]] = field(default_factory=list)
    false_positives: list[tuple[Phrase, Quantity]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        """Share of the expected readings the parser reports exactly."""
        return self.matched / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        """Share of the parser's quantities that are an expected reading."""
        return self.matched / self.found if self.found else 1.0

    @property
    def claim_recall(self) -> float:
        """Recall over money, counts and percentages only."""
        return self.matched_claims / self.expected_claims if self.expected_claims else 1.0

    @property
    def claim_precision(self) -> float:
        """Precision over money, counts and percentages only."""
        return self.matched_claims / self.found_claims if self.found_claims else 1.0


def _bounds(cell: str) -> tuple[float | None, float | None]:
    if not cell:
        return None, None
    low, _, high = cell.partition("..")
    return float(low), float(high or low)


def load(path: Path = CORPUS) -> list[Phrase]:
    """The corpus as phrases with their readings; ValueError naming the row when a text is not in its phrase."""
    phrases: dict[tuple[str, str, str], Phrase] = {}
    cursor: dict[tuple[str, str, str], int] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            key = (row["outlet"], row["url"], row["phrase"])
            phrase = phrases.setdefault(key, Phrase(row["set"], *key))
            if not row["text"]:
                continue
            at = phrase.text.find(row["text"], cursor.get(key, 0))
            if at < 0:
                raise ValueError(f"{path.name}, row {number}: text {row['text']!r} is not in its phrase (after the "
                                 "previous reading). Fix: copy the text from the phrase, in the order it appears")
            cursor[key] = at + len(row["text"])
            low, high = _bounds(row["value"])
            phrase.readings.append(Reading(at, at + len(row["text"]), row["text"], row["kind"], low, high,
                                           row["unit"], row["qualifier"] or "exact", row["per_year"] == "yes",
                                           row["direction"]))  # fmt: skip
    return list(phrases.values())


def _same(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9))


def reads_as(q: Quantity, r: Reading) -> bool:
    """True when quantity ``q`` overlaps reading ``r`` and reads exactly as expected."""
    if q.end <= r.start or q.start >= r.end or q.kind != r.kind:
        return False
    if r.low is not None and not (_same(q.low, r.low) and _same(q.high, r.high)):
        return False
    if r.low is not None and r.low != r.high and q.value is not None:
        return False
    unit = q.unit.removesuffix("/yr") if q.kind == "money" else q.unit
    if r.unit and unit.lower() != r.unit.lower():
        return False
    return q.qualifier == r.qualifier and q.per_year == r.per_year and q.direction == r.direction


def score(phrases: list[Phrase]) -> Score:
    """Recall and precision of ``find_quantities`` over ``phrases``."""
    result = Score(phrases=len(phrases), outlets=len({p.outlet for p in phrases}))
    for phrase in phrases:
        found = find_quantities(phrase.text)
        used: set[int] = set()
        result.expected += len(phrase.readings)
        result.found += len(found)
        result.expected_claims += sum(r.kind in CLAIM_KINDS for r in phrase.readings)
        result.found_claims += sum(q.kind in CLAIM_KINDS for q in found)
        for reading in phrase.readings:
            hit = next((i for i, q in enumerate(found) if i not in used and reads_as(q, reading)), None)
            if hit is None:
                overlapping = next((q for q in found if q.start < reading.end and q.end > reading.start), None)
                result.misses.append((phrase, reading, overlapping))
                continue
            used.add(hit)
            result.matched += 1
            result.matched_claims += reading.kind in CLAIM_KINDS
        result.false_positives += [(phrase, q) for i, q in enumerate(found) if i not in used]
    return result


def _reading(q: Quantity | Reading) -> str:
    low, high = (q.low, q.high)
    value = "" if low is None else (f"{low:g}" if low == high else f"{low:g}..{high:g}")
    flags = " ".join(x for x in (q.qualifier if q.qualifier not in {"exact", "range"} else "",
                                 "per year" if q.per_year else "", q.direction) if x)  # fmt: skip
    return f"{q.kind} {value} {q.unit} {flags}".replace("  ", " ").strip()


def summary(result: Score) -> str:
    """The figures in one paragraph, as the README quotes them."""
    return (f"{result.phrases} phrasings from {result.outlets} outlets, {result.expected} readings: "
            f"recall {result.recall:.3f} ({result.matched} of {result.expected}), precision {result.precision:.3f} "
            f"({result.matched} of {result.found} quantities reported); money, counts and percentages: recall "
            f"{result.claim_recall:.3f}, precision {result.claim_precision:.3f}")  # fmt: skip


def report(result: Score) -> str:
    """The summary, the outlets, every miss (with what the parser read there) and every false positive."""
    lines = [summary(result), ""]
    lines.append(f"misses ({len(result.misses)}): expected -> read")
    for phrase, reading, got in result.misses:
        lines.append(f"  [{phrase.outlet}] {reading.text!r}: {_reading(reading)} -> "
                     f"{_reading(got) + ' ' + repr(got.text) if got else 'nothing'}")
    lines.append(f"false positives ({len(result.false_positives)}):")
    for phrase, q in result.false_positives:
        lines.append(f"  [{phrase.outlet}] {q.text!r}: {_reading(q)}  in: {phrase.text[:90]!r}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers.quantities.corpus [--corpus FILE] [--set held-out] [--min-recall 0.97]``."""
    parser = argparse.ArgumentParser(prog="python -m helpers.quantities.corpus", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="phrasings file (default: the shipped one)")
    parser.add_argument("--set", choices=PARTS, help="score one part only")
    parser.add_argument("--min-recall", type=float, default=0.0, help="exit 1 when recall is below this")
    args = parser.parse_args(argv)
    phrases = load(args.corpus)
    result = score([p for p in phrases if args.set in (None, p.part)])
    if args.set is None:
        for part in PARTS:
            print(f"{part}: {summary(score([p for p in phrases if p.part == part]))}")
    print(report(result))
    return 0 if result.recall >= args.min_recall else 1


if __name__ == "__main__":
    sys.exit(main())
