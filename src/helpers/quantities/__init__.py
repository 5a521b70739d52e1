"""Find every quantity in a news text, with exact character offsets (stdlib only, regex based).

``find_quantities(text)`` reports money ("$6-8 billion per year", "Rs 1.2 trillion", "USD2.6bln", "Rupees 2
billion", "a trillion-dollar economy"), counts ("over 5,200 local employees", "a dozen MoUs"), percentages ("5
per cent", "13pc", "half of"), prices and rates ("$70 a barrel", "$500 million a month"), multiples
("two-fold"), spans of time ("the first four months", "a 30-year lease") and bare numbers, and also classifies
what is *not* a claim -- calendar years ("by 2035", "FY2024-25"), dates ("September 15-16, 2025"), ordinals
("22nd"), vague magnitudes ("millions of") and labels ("5Es", "B2B") -- so that a caller can exclude them
explicitly. Values are sizes in base units (``6e12`` for "$6 trillion"); a range keeps ``value=None`` and its
bounds in ``low``/``high``; a stated change keeps its sign in ``direction`` ("fell 5 per cent" -> 5, down).

Conventions: currencies and their written forms come from ``data/units.csv`` (``helpers.vocab``): "$" is the US
dollar and "Rs" the Pakistani rupee (write "INR" or "Indian rupees" for India). The short scales "m" and "b"
count only after a currency ("$5m"), "tr" and "cr" also when attached to the digits ("1.5tr"). A 4-digit
integer from 1900 to 2100 without a unit is a year. Number words count things only as figures: "five
projects" is a count, "the two countries", "one of" and "Five Growth Corridors" (a name) are not read. A
phrase's text includes its scale, currency word, counted noun, per-unit and an adjacent "per year"; qualifier
words before it are reported in ``qualifier_text``, not in the text. Per-year applies to money and counts
(flows), never to percentages.

The package: ``lexicon`` (the words, from the vocabulary), ``amounts`` (numbers, currencies, ranges),
``context`` (qualifiers, nouns, per-unit, direction), ``spans`` (years, dates, shares, multiples...),
``reader`` (putting them together), ``corpus`` (recall and precision on real newspaper phrasings).
"""

from helpers.quantities.model import CLAIM_KINDS, DIRECTIONS, KINDS, Quantity
from helpers.quantities.reader import find_quantities, parse_quantity

__all__ = ["CLAIM_KINDS", "DIRECTIONS", "KINDS", "Quantity", "find_quantities", "parse_quantity"]
