"""The register's schema: its columns, the values they take, and the mark on rows not yet reviewed."""

from __future__ import annotations

import re

from helpers import vocab

REGISTER_COLUMNS: list[str] = [
    "id", "topic", "claim_type", "subject", "geo", "partner", "value", "value_low", "value_high", "unit",
    "qualifier", "as_of", "horizon_year", "baseline_id", "speaker", "seed_file", "offset", "quote", "notes",
    "restates",
]
#: Columns a register or candidates file may leave out (files written before the column existed): read as empty.
OPTIONAL_COLUMNS: tuple[str, ...] = ("restates",)
EXCLUSION_COLUMNS: list[str] = ["seed_file", "offset", "text", "kind", "reason"]
CLAIM_TYPES: tuple[str, ...] = ("fact", "estimate", "target")
#: The register's qualifier kinds (the one vocabulary: helpers.vocab).
QUALIFIERS: tuple[str, ...] = vocab.QUALIFIERS
REQUIRED: tuple[str, ...] = ("id", "topic", "claim_type", "subject", "geo", "unit", "qualifier", "seed_file",
                             "offset", "quote")
#: Kinds of quantities the parser reads that can be register claims.
CLAIM_KINDS: frozenset[str] = frozenset({"money", "count", "percent"})
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_PATTERN = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
#: Columns kept verbatim (not stripped of spaces): they must match the article character for character.
VERBATIM: tuple[str, ...] = ("quote", "text")
#: The note ``suggest`` puts on every candidate row; ``append`` refuses rows that still carry it.
SUGGESTED_NOTE = "suggested; review"
