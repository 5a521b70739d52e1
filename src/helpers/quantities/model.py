"""The record the quantity parser returns, and the kinds of quantity it tells apart."""

from __future__ import annotations

from dataclasses import dataclass

#: Kinds that can be register claims (an amount of money, a count, a percentage).
CLAIM_KINDS = frozenset({"money", "count", "percent"})
#: Every kind, claims first. ``price`` is money per unit of something ("$70 a barrel"), ``rate`` money per
#: period shorter than a year ("$500 million a month"), ``multiple`` a factor ("two-fold"), ``span`` a length
#: of time ("the first four months", "a 30-year lease"); none of these is a register claim.
KINDS = ("money", "count", "percent", "number", "price", "rate", "multiple", "span", "year", "date", "ordinal",
         "vague")  # fmt: skip
DIRECTIONS = ("up", "down", "")


@dataclass(frozen=True)
class Quantity:
    """One quantity phrase of a text; ``text == source[start:end]``.

    Values are sizes in base units (``6e12`` for "$6 trillion"), never negative: a stated change keeps its
    sign in ``direction`` ("fell 5 per cent", "-3.2%" -> 5 / 3.2 with direction ``down``); ``signed_value``
    applies it.
    """

    start: int
    end: int
    text: str
    kind: str  # one of KINDS
    value: float | None  # base units; None for ranges and for dates/vague magnitudes
    low: float | None
    high: float | None
    unit: str  # "USD", "USD/yr", "USD/tonne", "percent", counted noun ("acres"), "months" for spans, or ""
    currency: str | None
    qualifier: str  # exact | approximate | lower_bound | upper_bound | range
    qualifier_text: str  # the qualifier words as written ("more than"), "" if none
    per_year: bool  # a yearly flow (money and counts only)
    direction: str = ""  # "up" or "down" for a stated change ("rose 5%", "a 3% decline", "-0.4"), else ""
    per: str = ""  # what a price or rate is per ("tonne", "month", "year"), else ""

    @property
    def is_claim(self) -> bool:
        """True for money, counts and percentages: the kinds that can be register claims."""
        return self.kind in CLAIM_KINDS

    @property
    def signed_value(self) -> float | None:
        """The value with the sign of its direction: -5.0 for "fell 5 per cent"."""
        if self.value is None:
            return None
        return -self.value if self.direction == "down" else self.value
