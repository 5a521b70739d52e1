"""Checks of one register row: its cells, its quote against its article, and its unit against its quote."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from helpers import paths, vocab
from helpers.claims.schema import CLAIM_KINDS, CLAIM_TYPES, DATE_PATTERN, ID_PATTERN, QUALIFIERS, REQUIRED
from helpers.datafiles import decode
from helpers.errors import Problem


def read_seed(name: str, seeds_dir: Path = paths.SEEDS) -> str:
    """Text of a seed article exactly as stored (UTF-8, line endings kept), so offsets are exact."""
    with open(Path(seeds_dir) / name, encoding="utf-8", newline="") as handle:
        return handle.read()


@dataclass
class Seeds:
    """The articles rows point at, read once each; an unreadable article is a problem, not a traceback."""

    folder: Path
    texts: dict[str, str | None] = field(default_factory=dict)
    problems: dict[str, Problem] = field(default_factory=dict)

    def text(self, name: str) -> str | None:
        """The article's text, or None when it is missing or not UTF-8 (see ``problem``)."""
        if name not in self.texts:
            path = Path(self.folder) / name
            found: list[Problem] = []
            if not path.is_file():
                self.texts[name] = None
            else:
                self.texts[name] = decode(path.read_bytes(), path, found, keep_bom=True)
                if found:
                    self.problems[name] = found[0]
        return self.texts[name]

    def problem(self, name: str) -> str:
        """Why the article cannot be read: "not found in seeds/" or its encoding problem."""
        if name in self.problems:
            return f"the article {name} {self.problems[name].message.removeprefix('the file ')}"
        return f"seed file not found in {Path(self.folder).name}/"

    def fix(self, name: str) -> str:
        """How to make the article readable."""
        if name in self.problems:
            return self.problems[name].fix
        return "name one of the files in seeds/ (or add the article there)"


def number(text: str) -> float | None:
    """A float from a CSV cell, or None when the cell is not a finite number."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def same(a: float | None, b: float | None) -> bool:
    """Equal within floating-point rounding."""
    return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9)


def plain(value: float | None) -> str:
    """A base-unit number as an integer when it is one."""
    if value is None:
        return "?"
    return str(int(value)) if float(value).is_integer() else repr(value)


def _unit_contradiction(unit: str, stated: list, units: Mapping[str, vocab.Unit]) -> str | None:
    """Why ``unit`` contradicts every quantity the quote states with the row's value (None when one agrees).

    A currency must be the quote's currency; a count may be any counted noun ("people" for participants);
    another unit (acres, tonnes) must be the one the quote names; a percentage must be a percentage.
    """
    dimension = vocab.dimension_of(unit, units)
    currency = vocab.currency_of(unit, units)
    reasons = []
    for q in stated:
        if q.kind == "money":
            if currency is not None and q.currency == currency:
                return None
            reasons.append(f"{q.text!r} is in {q.currency}" if currency is not None else f"{q.text!r} is money")
        elif q.kind == "percent":
            if dimension == "ratio":
                return None
            reasons.append(f"{q.text!r} is a percentage")
        else:
            noun = vocab.noun_unit(q.unit, units) if q.unit else None
            noun_dimension = noun.dimension if noun is not None else "count"
            if (noun is not None and noun.code == vocab.base_unit(unit)) or (dimension == noun_dimension == "count"):
                return None
            what = f"a count of {q.unit}" if noun_dimension == "count" else f"in {noun.code if noun else q.unit}"
            reasons.append(f"{q.text!r} is {what}")
    return "; ".join(reasons) if reasons else None


def check_row(number_: int, d: Mapping[str, str], path: Path, units: Mapping[str, vocab.Unit],
              seeds: Seeds) -> list[Problem]:
    """Every problem of one register row (``number_`` is its spreadsheet row)."""
    from helpers.quantities import find_quantities

    n, f = number_, str(path)
    out: list[Problem] = []

    def add(column: str, message: str, fix: str, code: str) -> None:
        out.append(Problem(f, n, column, d.get(column), message, fix, code))

    for column in REQUIRED:
        if not d.get(column):
            add(column, "required value is empty", f"fill in '{column}'", "empty")
    if d.get("id") and not ID_PATTERN.match(d["id"]):
        add("id", "id must be lowercase words joined by hyphens", "use e.g. 'pk-cn-exports-2035-target'",
            "bad-id")
    if d.get("claim_type") and d["claim_type"] not in CLAIM_TYPES:
        add("claim_type", "unknown claim type", f"use one of: {', '.join(CLAIM_TYPES)}", "bad-claim-type")
    qualifier = d.get("qualifier", "")
    if qualifier and qualifier not in QUALIFIERS:
        add("qualifier", "unknown qualifier", f"use one of: {', '.join(QUALIFIERS)}", "bad-qualifier")
    unit = d.get("unit", "")
    known_unit = bool(unit) and vocab.find_unit(unit, units) is not None
    if unit and not known_unit:
        add("unit", "unknown unit",
            f"use a unit listed in {paths.UNITS.name} (optionally with '/yr'), or add the unit there", "bad-unit")

    numbers: dict[str, float | None] = {}
    for column in ("value", "value_low", "value_high"):
        cell = d.get(column, "")
        numbers[column] = None
        if not cell:
            continue
        value = number(cell)
        if value is None:
            add(column, "not a number", "write the amount in base units with digits only, e.g. 6000000000000",
                "not-numeric")
        elif value < 0:
            add(column, "negative amount", "amounts are sizes and cannot be negative; check the sign", "negative")
        else:
            numbers[column] = value
    low, high, value = numbers["value_low"], numbers["value_high"], numbers["value"]
    if qualifier == "range":
        if not d.get("value_low") or not d.get("value_high"):
            add("value_low", "a range needs both value_low and value_high",
                "fill in both bounds in base units, e.g. 6000000000 and 8000000000", "range-incomplete")
        elif low is not None and high is not None and low > high:
            add("value_low", f"range low is above range high ({d['value_high']})", "swap value_low and value_high",
                "range-order")
    elif qualifier and not d.get("value"):
        add("value", "required value is empty", "fill in the amount in base units (6e12 for '$6 trillion')",
            "empty")
    if d.get("as_of") and not DATE_PATTERN.match(d["as_of"]):
        add("as_of", "not a date", "write YYYY, YYYY-MM or YYYY-MM-DD", "bad-date")
    if d.get("horizon_year"):
        if not re.fullmatch(r"\d{4}", d["horizon_year"]):
            add("horizon_year", "not a year", "write a four-digit year, e.g. 2035", "bad-year")
        elif d.get("as_of", "")[:4].isdigit() and int(d["horizon_year"]) < int(d["as_of"][:4]):
            add("horizon_year", f"target year is before the claim's date ({d['as_of']})",
                "check the year the target should be met", "horizon-before-as-of")

    seed = d.get("seed_file", "")
    text = seeds.text(seed) if seed else None
    if seed and text is None:
        add("seed_file", seeds.problem(seed), seeds.fix(seed),
            "unknown-seed" if seed not in seeds.problems else "seed-not-utf8")
    offset_cell, quote = d.get("offset", ""), d.get("quote", "")
    offset = int(offset_cell) if offset_cell.isdigit() else None
    if offset_cell and offset is None:
        add("offset", "offset must be a whole number of characters", "write the 0-based character offset",
            "bad-offset")
    if text is not None and quote and offset is not None and text[offset: offset + len(quote)] != quote:
        found = text.find(quote)
        if found >= 0:
            fix = f"the quote stands at offset {found}: set offset to {found}"
        else:
            variant = quote.replace("’", "'") if "’" in quote else quote.replace("'", "’")
            if variant != quote and variant in text:
                fix = "the seed uses the other apostrophe (’ vs '): copy the quote from the seed exactly"
            else:
                fix = "copy the quote verbatim from the seed (it is not in the file)"
        add("quote", f"quote not found at offset {offset} in {seed}", fix, "quote-mismatch")
    if quote and (value is not None or (low is not None and high is not None)):
        stated = [q for q in find_quantities(quote) if q.kind in CLAIM_KINDS]
        if qualifier == "range" and low is not None and high is not None:
            hits = [q for q in stated if same(low, q.low) and same(high, q.high)]  # both ends, not just one
        else:
            hits = [q for q in stated if value is not None and (same(value, q.value) or same(value, q.low)
                                                                or same(value, q.high))]
        if not hits:
            said = ", ".join(f"{q.text!r} = {plain(q.low)}" + (f"..{plain(q.high)}" if q.high != q.low else "")
                             for q in stated) or "no amount"
            column = "value" if qualifier != "range" else "value_low"
            add(column, f"the quote states {said}, not this value",
                "write the amount the quote states in base units (e.g. '$6 trillion' = 6000000000000; "
                "a range as value_low and value_high)", "value-mismatch")
        elif known_unit and (why := _unit_contradiction(unit, hits, units)) is not None:
            add("unit", f"the unit contradicts the quote: {why}",
                "write the unit the quote states (e.g. 'USD/yr' for '$2 billion a year', 'PKR' for 'Rs 2 billion', "
                "'participants' for '800 participants'), or correct the quote", "unit-mismatch")
    return out
