"""Find every quantity in a text: amounts, shares and multiples, years, dates, ordinals, vague magnitudes, labels.

Candidates of every kind are collected, then the longest phrase wins a clash (ties by kind priority), so a
date beats the numbers inside it and "$6-8 billion per year" beats "$6". Elliptical lists then take the
direction of the change they continue ("exports fell 27pc in value and 7pc in quantity").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace

from helpers.errors import QuantityParseError
from helpers.quantities import amounts, spans
from helpers.quantities import lexicon as lx
from helpers.quantities.model import Quantity

_AMOUNT, _SHARE = 3, 3
_MAIN_RANK = {"money": 0, "count": 0, "percent": 0, "number": 1, "price": 1, "rate": 1, "multiple": 1,
              "vague": 2, "span": 3, "year": 3, "date": 3, "ordinal": 3}  # fmt: skip
_LEVEL_IN_GAP_RE = re.compile(
    r"\b(?:to|from|reach\w*|stood|stand\w*|remain\w*|against|compared|versus|vs|while|whereas|but|total\w*"
    r"|worth|valued|share|of\s+total)\b",
    re.I,
)
_ELLIPTICAL_RE = re.compile(r"(?:\bby|\bat)[^\S\n]*\Z", re.I)
_RESTATE_GAP_RE = re.compile(r"\A[^\S\n]*(?:,[^\S\n]*or|\(|\)[^\S\n]*\()[^\S\n]*\Z")
_CHANGES = {"percent", "money", "count", "number"}
_VERBS = {"was", "were", "is", "are", "be", "been", "being", "has", "have", "had", "will", "would", "sold", "stood",
          "reached", "remained", "hit", "touched", "went", "came", "made", "paid"}  # fmt: skip
_SHARED_PER_RE = re.compile(r"\A[^\S\n]*(?:,|and|or|&)[^\S\n]*\Z")


def _resolve(found: list[tuple[Quantity, int]]) -> list[Quantity]:
    """The longest candidates that do not overlap, in text order (O(n log n))."""
    found.sort(key=lambda item: (item[0].start - item[0].end, item[1], item[0].start))
    starts: list[int] = []
    taken: list[Quantity] = []
    for q, _ in found:
        i = bisect_left(starts, q.start)
        if i > 0 and taken[i - 1].end > q.start:
            continue
        if i < len(taken) and taken[i].start < q.end:
            continue
        starts.insert(i, q.start)
        taken.insert(i, q)
    return taken


def _continues(text: str, previous: Quantity, q: Quantity) -> bool:
    """True when ``q`` continues the change ``previous`` states: a list ("27pc in value and 7pc in quantity",
    "Madagascar by 47%") or a restatement ("by $4 billion, or 27 percent", "121.3 (0.11%)")."""
    gap = text[previous.end:q.start]
    if q.qualifier_text and gap.rstrip().endswith(q.qualifier_text):
        gap = gap.rstrip()[: -len(q.qualifier_text)]
    if _RESTATE_GAP_RE.match(gap):
        return True
    if q.kind != previous.kind or q.unit.split("/")[0] != previous.unit.split("/")[0]:
        return False
    if "\n" in gap or re.search(r"[.;:!?](?:\s|$)", gap) or _LEVEL_IN_GAP_RE.search(gap):
        return False
    words = re.findall(r"[A-Za-z][\w’'-]*", gap)
    if any(w.lower() in _VERBS or w.lower().endswith("ed") for w in words):
        return False  # "decreased by $4 and was sold at $1,703": a new clause
    listed = len(words) <= 5 and re.search(r",|\band\b|&|\(", gap) is not None
    return listed or (len(gap) <= 120 and _ELLIPTICAL_RE.search(gap) is not None)


def _share_units(text: str, found: list[Quantity]) -> list[Quantity]:
    """An amount listed before a price in the same currency shares its unit: "PKR 1,350 and PKR 1,550 per
    MMBtu" are two prices per MMBtu."""
    out = list(found)
    for i in range(len(out) - 2, -1, -1):
        q, nxt = out[i], out[i + 1]
        if q.kind == "money" and not q.per_year and nxt.kind in {"price", "rate"} and q.currency == nxt.currency \
                and _SHARED_PER_RE.match(text[q.end:nxt.start]):  # fmt: skip
            out[i] = replace(q, kind=nxt.kind, unit=nxt.unit, per=nxt.per)
    return out


def _continue_directions(text: str, found: list[Quantity]) -> list[Quantity]:
    """A change in a list without its own word of change takes the direction of the one it follows, and an
    amount restated in brackets in another currency takes the qualifier of the first ("$200 (Dh735)")."""
    out: list[Quantity] = []
    previous: Quantity | None = None
    for q in found:
        if previous is not None and q.kind in _CHANGES and _continues(text, previous, q):
            if not q.direction and previous.direction:
                q = replace(q, direction=previous.direction)
            if q.kind == "money" == previous.kind and q.qualifier == "exact" and not q.qualifier_text \
                    and text[previous.end:q.start].strip() == "(":  # fmt: skip
                q = replace(q, qualifier=previous.qualifier, qualifier_text=previous.qualifier_text)
        out.append(q)
        if q.kind in _CHANGES | {"multiple"}:
            previous = q
    return out


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in ``text``, sorted by start, non-overlapping (the longest phrase wins a clash).

    Linear in the length of the text: every rule looks at a bounded window around a figure.
    """
    lex = lx.lexicon()
    found = [(q, _AMOUNT) for q in amounts.amount_candidates(text, lex)]
    found += [(q, _SHARE) for q in spans.share_and_multiple_candidates(text, lex)]
    found += spans.other_candidates(text)
    return _continue_directions(text, _share_units(text, _resolve(found)))


def parse_quantity(phrase: str) -> Quantity:
    """The main quantity of a short phrase (the first money, count or percentage, else the first other).

    Raises ``QuantityParseError`` when the phrase holds no quantity.
    """
    found = find_quantities(phrase)
    if not found:
        raise QuantityParseError(
            f"no quantity found in {phrase!r}. Fix: give a phrase with a number written in digits, or in words "
            "with a scale, currency or counted noun (e.g. '$6 billion', '5,200 employees', 'two billion dollars', "
            "'twelve projects')"
        )
    return min(found, key=lambda q: (_MAIN_RANK[q.kind], q.start))
