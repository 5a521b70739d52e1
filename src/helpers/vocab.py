"""The domain vocabulary: units, currencies, scale words, qualifiers, and an amount that knows itself.

One word, one place. Every module that asks "is this unit money?", "what does 'bn' multiply by?", "which
qualifier is 'more than'?" or "what is the central value of 'about $3 billion'?" asks here.

* **Units** come from ``data/units.csv`` (``unit, dimension, symbol, prefixes, words, description``): a
  currency is a row with dimension ``money`` whose ``unit`` is its ISO 4217 code; ``prefixes`` are the ways
  news writes it before a number (``$``, ``US$``, ``Rs``) and ``words`` the ways it writes it after (or
  spelt out: ``dollars``, ``rupees``). A register unit is a row's ``unit``, optionally with ``/yr`` for a
  yearly flow (``USD/yr``). Adding a currency is a row there plus its rates in ``data/fx_rates.csv``.
* **Scale words** (``SCALE_WORDS``): every word or abbreviation that multiplies a number, for reading;
  ``SCALE_NAMES`` the words reports write.
* **Qualifiers**: the register's kinds (``QUALIFIERS``), ``KIND_OF_PHRASE`` (reading: "more than" ->
  ``lower_bound``) and ``PHRASE_OF_KIND`` (writing: ``lower_bound`` -> "more than").
* **Amount**: low / central / high with unit and qualifier, from a register row; it knows whether it is
  money, whether it is a yearly flow, and converts to US$ with a dated rate (``helpers.fx``).

Context figures (the reference data) write units in words ("current US$", "tonnes copper/yr");
``currency_of`` reads those too.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from helpers import paths
from helpers.datafiles import read_rows
from helpers.errors import ContextDataError, ConversionError, Problem

PER_YEAR = "/yr"
UNIT_COLUMNS: list[str] = ["unit", "dimension", "symbol", "prefixes", "words", "description"]
MONEY = "money"
#: The currency analyses convert to (with a dated rate from data/fx_rates.csv) so amounts can be compared.
USD = "USD"

# ------------------------------------------------------------------------------------------------ units


@dataclass(frozen=True)
class Unit:
    """One row of ``data/units.csv``."""

    code: str  # "USD", "acres"
    dimension: str  # money | ratio | area | count | mass ...
    symbol: str = ""  # how reports write a money amount's prefix ("$", "Rs"); "" = the code
    prefixes: tuple[str, ...] = ()  # written before a number in news ("$", "US$", "Rs")
    words: tuple[str, ...] = ()  # written after a number or spelt out ("dollars", "rupees")
    description: str = ""

    @property
    def is_money(self) -> bool:
        """True for a currency."""
        return self.dimension == MONEY

    @property
    def prefix(self) -> str:
        """What a report writes before a money amount: "$", "Rs ", "CNY " (a space after letters)."""
        mark = self.symbol.strip() or self.code
        return mark + (" " if mark[-1].isalnum() else "")


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (cell or "").split("|") if part.strip())


def unit_problems(path: str | Path | None = None) -> tuple[dict[str, Unit], list[Problem]]:
    """The units table by code and every problem with it (file, row, column, fix), for the input check."""
    target = Path(path) if path is not None else paths.UNITS
    problems: list[Problem] = []
    rows = read_rows(target, ["unit", "dimension"], problems, what="units table")
    table: dict[str, Unit] = {}
    for number, row in rows:
        code = row.get("unit", "")
        if not code:
            problems.append(Problem(str(target), number, "unit", None, "unit is empty", "name the unit", "empty"))
            continue
        if code in table:
            problems.append(Problem(str(target), number, "unit", code, "the unit is listed twice",
                                    "keep one row per unit", "duplicate-unit"))
        if not row.get("dimension"):
            problems.append(Problem(str(target), number, "dimension", None, "dimension is empty",
                                    "write money, count, area, mass, ratio...", "empty"))
        if row.get("dimension") == MONEY and not re.fullmatch(r"[A-Z]{3}", code):
            problems.append(Problem(str(target), number, "unit", code, "a currency's unit must be its ISO 4217 code",
                                    "write the three-letter code in capitals, e.g. XAF", "bad-currency"))
        table[code] = Unit(code, row.get("dimension", ""), row.get("symbol", ""), _split(row.get("prefixes")),
                           _split(row.get("words")), row.get("description", ""))
    return table, problems


@lru_cache(maxsize=8)
def _read_units(path: str, _mtime: float, _size: int) -> dict[str, Unit]:
    table, problems = unit_problems(path)
    if problems:
        raise ContextDataError(problems, f"{Path(path).name} has {len(problems)} problem(s)")
    return table


def load_units(path: str | Path | None = None) -> dict[str, Unit]:
    """The units table by code (cached until the file changes); ContextDataError listing its problems."""
    target = Path(path) if path is not None else paths.UNITS
    try:
        stat = target.stat()
    except OSError:
        _, problems = unit_problems(target)
        raise ContextDataError(problems, f"{target.name} has {len(problems)} problem(s)") from None
    return _read_units(str(target), stat.st_mtime, stat.st_size)


def base_unit(unit: str) -> str:
    """A register unit without its per-year mark: ``"USD/yr"`` -> ``"USD"``."""
    return str(unit).strip().removesuffix(PER_YEAR)


def is_per_year(unit: str) -> bool:
    """True for a yearly flow (``"USD/yr"``, ``"tonnes/yr"``)."""
    return str(unit).strip().endswith(PER_YEAR)


def per_year(unit: str, yearly: bool) -> str:
    """``unit`` with the per-year mark when ``yearly``: ``per_year("USD", True)`` -> ``"USD/yr"``."""
    return base_unit(unit) + (PER_YEAR if yearly else "")


def find_unit(unit: str, units: Mapping[str, Unit] | None = None) -> Unit | None:
    """The units-table row of a register unit (``"PKR/yr"`` -> the PKR row), or None when unknown."""
    table = units if units is not None else load_units()
    return table.get(base_unit(unit))


def currencies(units: Mapping[str, Unit] | None = None) -> dict[str, Unit]:
    """Every currency of the units table, by ISO code."""
    table = units if units is not None else load_units()
    return {code: u for code, u in table.items() if u.is_money}


#: Price bases that context figures write before a currency ("current US$", "constant 2015 US$").
PRICE_BASIS = re.compile(r"^(current|constant(?:\s+\d{4})?|nominal|real)\s+", re.IGNORECASE)


def _currency_names(units: Mapping[str, Unit]) -> dict[str, str]:
    """Every written form of every currency (code, prefixes, words), lower case, to its ISO code."""
    names: dict[str, str] = {}
    for code, unit in units.items():
        if unit.is_money:
            for name in (code, *unit.prefixes, *unit.words):
                names.setdefault(name.lower(), code)
    return names


def currency_of(unit: str, units: Mapping[str, Unit] | None = None) -> str | None:
    """The ISO code of a money unit, or None: ``"PKR/yr"`` -> ``"PKR"``, ``"current US$"`` -> ``"USD"``,
    ``"US dollars"`` -> ``"USD"``, ``"acres"`` -> None. Only currencies of the units table are money."""
    table = units if units is not None else load_units()
    base = PRICE_BASIS.sub("", str(unit).split("/")[0].strip()).strip()
    found = table.get(base)
    if found is not None:
        return found.code if found.is_money else None
    return _currency_names(table).get(base.lower())


def is_money(unit: str, units: Mapping[str, Unit] | None = None) -> bool:
    """True when ``unit`` (a register or context unit) is an amount of money."""
    return currency_of(unit, units) is not None


def dimension_of(unit: str, units: Mapping[str, Unit] | None = None) -> str | None:
    """The dimension of a register unit (money, count, area, mass, ratio...), or None when unknown."""
    if is_money(unit, units):
        return MONEY
    found = find_unit(unit, units)
    return found.dimension if found is not None else None


def noun_unit(noun: str, units: Mapping[str, Unit] | None = None) -> Unit | None:
    """The unit a counted noun of a quote names ("participants", "tonne", "acre"), singular or plural."""
    table = units if units is not None else load_units()
    word = str(noun).strip().lower()
    for candidate in (word, word + "s", word.removesuffix("s"), word.removesuffix("es")):
        if candidate in table:
            return table[candidate]
    return None


# ----------------------------------------------------------------------------------------- scale words

#: Every word or abbreviation news uses to multiply a number, lower case (reading). Short forms that are
#: also ordinary letters ("m", "b", "k", "tr", "cr") are safe only after a currency; the parser decides.
SCALE_WORDS: dict[str, int] = {
    "hundred": 10**2, "thousand": 10**3, "k": 10**3, "lakh": 10**5, "lakhs": 10**5, "lac": 10**5,
    "lacs": 10**5, "million": 10**6, "mn": 10**6, "mln": 10**6, "m": 10**6, "crore": 10**7, "crores": 10**7,
    "cr": 10**7, "billion": 10**9, "bn": 10**9, "bln": 10**9, "b": 10**9, "arab": 10**9, "arabs": 10**9,
    "kharab": 10**11, "trillion": 10**12, "tn": 10**12, "trn": 10**12, "tr": 10**12,
}  # fmt: skip
#: The scale words reports write, largest first.
SCALE_NAMES: tuple[tuple[float, str], ...] = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"),
                                              (1e3, "thousand"))

# ------------------------------------------------------------------------------------------- qualifiers

QUALIFIERS: tuple[str, ...] = ("exact", "approximate", "lower_bound", "upper_bound", "range")
#: Reading: the words news puts before (or after) a figure, lower case, and the qualifier kind they mean.
KIND_OF_PHRASE: dict[str, str] = {}
for _kind, _phrases in {
    "approximate": ["about", "around", "approximately", "approx.", "approx", "nearly", "almost", "roughly",
                    "some", "close to", "an estimated", "estimated", "circa", "in the region of", "~",
                    "or so", "just under", "just over"],
    "lower_bound": ["more than", "over", "above", "at least", "in excess of", "upwards of", "exceeding",
                    "greater than", "no less than", "not less than", "a minimum of", "north of", "or more",
                    "and above", "+", "minimum", "min"],
    "upper_bound": ["up to", "less than", "under", "below", "as much as", "as many as", "at most",
                    "no more than", "not more than", "fewer than", "a maximum of", "as high as", "or less",
                    "maximum", "max"],
    "exact": ["only", "just", "merely", "a mere", "mere", "exactly", "exact"],
    "range": ["between", "range"],
}.items():  # fmt: skip
    KIND_OF_PHRASE.update({phrase: _kind for phrase in _phrases})
for _kind in QUALIFIERS:
    KIND_OF_PHRASE[_kind] = _kind
    KIND_OF_PHRASE[_kind.replace("_", " ")] = _kind
KIND_OF_PHRASE[""] = "exact"
#: Writing: the words a report puts before a figure of each kind ("" for exact figures and ranges).
PHRASE_OF_KIND: dict[str, str] = {"exact": "", "range": "", "approximate": "about", "lower_bound": "more than",
                                  "upper_bound": "up to"}


def qualifier_kind(text: str | None) -> str | None:
    """The qualifier kind of a phrase ("More than" -> ``lower_bound``), or None when it is not one."""
    key = " ".join(str(text or "").strip().lower().replace("-", " ").split())
    return KIND_OF_PHRASE.get(key) or KIND_OF_PHRASE.get(key.replace(" ", "_"))


# ---------------------------------------------------------------------------------------------- amounts


def finite(value: Any) -> float | None:
    """A finite float, or None for an empty cell, NaN, NA, infinity, a boolean or text."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def central_value(value: float | None, low: float | None, high: float | None) -> float | None:
    """The one number that stands for a figure: the stated value; else the middle of its range; else its one
    known end (None when nothing is known). The project's only rule for a claim's central value."""
    value, low, high = finite(value), finite(low), finite(high)
    if value is not None:
        return value
    if low is not None and high is not None:
        return (low + high) / 2.0
    return low if low is not None else high


@dataclass(frozen=True)
class Amount:
    """A stated figure: ``low`` / ``high`` bounds as stated, the ``value`` stated (None for a range), its
    register ``unit`` and ``qualifier``.

    For a point figure low = high = value, whatever the qualifier; the qualifier says how to read it
    ("more than $10 billion": the truth is at least 10e9). ``central`` is the one number that stands for
    the figure: the stated value, else the middle of a range.
    """

    value: float | None
    low: float | None
    high: float | None
    unit: str
    qualifier: str = "exact"

    @classmethod
    def from_row(cls, row: Any) -> Amount:
        """An Amount from a register row (``value``, ``value_low``, ``value_high``, ``unit``, ``qualifier``): a
        mapping, a pandas row or a named tuple from ``itertuples``."""
        if not hasattr(row, "get"):
            row = row._asdict()
        value = finite(row.get("value"))
        low, high = finite(row.get("value_low")), finite(row.get("value_high"))
        qualifier = str(row.get("qualifier") or "exact")
        if qualifier != "range":
            low = value if low is None else low
            high = value if high is None else high
        return cls(value if qualifier != "range" else None, low, high, str(row.get("unit") or ""), qualifier)

    @property
    def central(self) -> float | None:
        """The stated value; else the middle of the range; else its one known end (``central_value``)."""
        return central_value(self.value, self.low, self.high)

    @property
    def is_range(self) -> bool:
        """True when the figure is stated as a range of two different ends."""
        return self.low is not None and self.high is not None and not math.isclose(self.low, self.high)

    @property
    def currency(self) -> str | None:
        """The ISO code when the amount is money, else None."""
        return currency_of(self.unit)

    @property
    def is_money(self) -> bool:
        """True for an amount of money."""
        return self.currency is not None

    @property
    def per_year(self) -> bool:
        """True for a yearly flow."""
        return is_per_year(self.unit)

    def scaled(self, factor: float, unit: str) -> Amount:
        """The same figure multiplied by ``factor`` and written in ``unit`` (e.g. converted to US$)."""
        def times(x: float | None) -> float | None:
            return None if x is None else x * factor
        return Amount(times(self.value), times(self.low), times(self.high), unit, self.qualifier)

    def to_usd(self, rate: Mapping[str, Any] | None) -> Amount:
        """This amount in US dollars with ``rate`` (a row of ``data/fx_rates.csv`` as ``helpers.fx`` picks it
        for the amount's date: ``per_usd`` units of the currency per dollar); ``None`` for an amount already in
        US dollars. ConversionError when the amount is not money or the rate is of another currency."""
        code = self.currency
        if code is None:
            raise ConversionError(f"unit {self.unit!r} is not a currency, so it cannot be converted to US dollars. "
                                  "Fix: convert only money amounts")
        usd_unit = per_year(USD, self.per_year)
        if code == USD:
            return Amount(self.value, self.low, self.high, usd_unit, self.qualifier)
        if rate is None or str(rate.get("currency", code)) != code:
            raise ConversionError(f"converting {self.unit!r} needs a {code} rate (got {dict(rate or {})!r}). "
                                  f"Fix: pass the {code} row of the rate table (helpers.fx.rate_for)")
        return self.scaled(1.0 / float(rate["per_usd"]), usd_unit)
