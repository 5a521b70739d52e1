"""The claims register: loading, validation against the seed articles, coverage, and its CLI.

The register (``data/claims.csv``) holds one row per quantitative claim in the seed articles; each row's
``quote`` must stand verbatim at ``offset`` in its ``seed_file`` and must state the row's value.
``data/exclusions.csv`` lists every number in the seeds that is *not* a claim (dates, ordinals...), with a
reason, so that the coverage check can prove nothing was skipped silently.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first claim row 2.
"""

from __future__ import annotations

import argparse
import csv
import math
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers import paths
from helpers.errors import CoverageError, Problem, ProjectError, RegisterError
from helpers.files import write_csvs

REGISTER_COLUMNS: list[str] = [
    "id", "topic", "claim_type", "subject", "geo", "partner", "value", "value_low", "value_high", "unit",
    "qualifier", "as_of", "horizon_year", "baseline_id", "speaker", "seed_file", "offset", "quote", "notes",
]
EXCLUSION_COLUMNS: list[str] = ["seed_file", "offset", "text", "kind", "reason"]
CLAIM_TYPES: tuple[str, ...] = ("fact", "estimate", "target")
QUALIFIERS: tuple[str, ...] = ("exact", "approximate", "lower_bound", "upper_bound", "range")
REQUIRED: tuple[str, ...] = ("id", "topic", "claim_type", "subject", "geo", "unit", "qualifier", "seed_file",
                             "offset", "quote")
CLAIM_KINDS: frozenset[str] = frozenset({"money", "count", "percent"})
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_PATTERN = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
PER_YEAR = "/yr"


@dataclass(frozen=True)
class _Row:
    """A CSV row with its spreadsheet row number."""

    number: int
    data: dict[str, str]


def read_seed(name: str, seeds_dir: Path = paths.SEEDS) -> str:
    """Text of a seed article exactly as stored (UTF-8, line endings kept), so offsets are exact."""
    with open(seeds_dir / name, encoding="utf-8", newline="") as handle:
        return handle.read()


def _read_rows(path: Path, expected: list[str], problems: list[Problem]) -> list[_Row]:
    """Rows of a CSV file; header problems are appended to ``problems``."""
    if not path.exists():
        problems.append(Problem(str(path), None, None, None, "file not found",
                                f"restore {path.name} (git checkout -- {path.name}) or pass the right path",
                                "missing-file"))
        return []
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        for column in missing:
            problems.append(Problem(str(path), 1, column, None, "missing column",
                                    f"add a '{column}' column to the header (columns: {', '.join(expected)})",
                                    "missing-column"))
        for column in extra:
            problems.append(Problem(str(path), 1, column, None, "unknown column",
                                    f"remove it or rename it to one of: {', '.join(expected)}", "extra-column"))
        rows = []
        for record in reader:
            values = {k: (v or "").strip() if k != "quote" and k != "text" else (v or "")
                      for k, v in record.items() if k is not None}
            rows.append(_Row(reader.line_num, values))
        return rows


def load_units(path: Path = paths.UNITS) -> dict[str, str]:
    """Known units and their dimension (``money`` units are ISO currency codes)."""
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["unit"]: row["dimension"] for row in csv.DictReader(handle)}


def _number(text: str) -> float | None:
    """A float from a CSV cell, or None when the cell is not a finite number."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def unit_is_known(unit: str, units: dict[str, str]) -> bool:
    """True for a unit in the units table, optionally followed by ``/yr`` (a flow per year)."""
    base = unit[: -len(PER_YEAR)] if unit.endswith(PER_YEAR) else unit
    return base in units


def _check_row(row: _Row, path: Path, units: dict[str, str], seeds_dir: Path,
               seed_cache: dict[str, str | None]) -> list[Problem]:
    """Every problem of one register row."""
    from helpers.quantities import find_quantities

    d, n, f = row.data, row.number, str(path)
    out: list[Problem] = []

    def add(field: str, message: str, fix: str, code: str) -> None:
        out.append(Problem(f, n, field, d.get(field), message, fix, code))

    for field in REQUIRED:
        if not d.get(field):
            add(field, "required value is empty", f"fill in '{field}'", "empty")
    if d.get("id") and not ID_PATTERN.match(d["id"]):
        add("id", "id must be lowercase words joined by hyphens", "use e.g. 'pk-cn-exports-2035-target'",
            "bad-id")
    if d.get("claim_type") and d["claim_type"] not in CLAIM_TYPES:
        add("claim_type", "unknown claim type", f"use one of: {', '.join(CLAIM_TYPES)}", "bad-claim-type")
    qualifier = d.get("qualifier", "")
    if qualifier and qualifier not in QUALIFIERS:
        add("qualifier", "unknown qualifier", f"use one of: {', '.join(QUALIFIERS)}", "bad-qualifier")
    if d.get("unit") and not unit_is_known(d["unit"], units):
        add("unit", "unknown unit",
            f"use a unit listed in {paths.UNITS.name} (optionally with '/yr'), or add the unit there", "bad-unit")

    numbers: dict[str, float | None] = {}
    for field in ("value", "value_low", "value_high"):
        cell = d.get(field, "")
        numbers[field] = None
        if not cell:
            continue
        value = _number(cell)
        if value is None:
            add(field, "not a number", "write the amount in base units with digits only, e.g. 6000000000000",
                "not-numeric")
        elif value < 0:
            add(field, "negative amount", "amounts are sizes and cannot be negative; check the sign", "negative")
        else:
            numbers[field] = value
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
    if seed and seed not in seed_cache:
        seed_cache[seed] = read_seed(seed, seeds_dir) if (seeds_dir / seed).is_file() else None
    text = seed_cache.get(seed) if seed else None
    if seed and text is None:
        add("seed_file", f"seed file not found in {seeds_dir.name}/",
            "name one of the files in seeds/ (or add the article there)", "unknown-seed")
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
            ok = any(_same(low, q.low) and _same(high, q.high) for q in stated)  # both ends, not just one
        else:
            ok = value is not None and any(_same(value, q.value) or _same(value, q.low) or _same(value, q.high)
                                           for q in stated)
        if not ok:
            said = ", ".join(f"{q.text!r} = {_plain(q.low)}" + (f"..{_plain(q.high)}" if q.high != q.low else "")
                             for q in stated) or "no amount"
            field = "value" if qualifier != "range" else "value_low"
            add(field, f"the quote states {said}, not this value",
                "write the amount the quote states in base units (e.g. '$6 trillion' = 6000000000000; "
                "a range as value_low and value_high)", "value-mismatch")
    return out


def _same(a: float | None, b: float | None) -> bool:
    """Equal within floating-point rounding."""
    return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9)


def _plain(value: float | None) -> str:
    """A base-unit number as an integer when it is one."""
    if value is None:
        return "?"
    return str(int(value)) if float(value).is_integer() else repr(value)


def validate_register(path: Path = paths.CLAIMS, seeds_dir: Path = paths.SEEDS,
                      units_path: Path = paths.UNITS) -> list[Problem]:
    """Every problem in the register, in file order (empty list when valid)."""
    problems: list[Problem] = []
    rows = _read_rows(path, REGISTER_COLUMNS, problems)
    units = load_units(units_path)
    seed_cache: dict[str, str | None] = {}
    seen: dict[str, int] = {}
    for row in rows:
        problems.extend(_check_row(row, path, units, seeds_dir, seed_cache))
        claim_id = row.data.get("id", "")
        if claim_id in seen:
            first = seen[claim_id]
            problems.append(Problem(str(path), row.number, "id", claim_id, f"duplicate id (first at row {first})",
                                    "give each claim its own id", "duplicate-id"))
        elif claim_id:
            seen[claim_id] = row.number
    for row in rows:
        base = row.data.get("baseline_id", "")
        if base and base not in seen:
            problems.append(Problem(str(path), row.number, "baseline_id", base, "no claim has this id",
                                    "name the id of the claim that states the baseline, or leave it empty",
                                    "unknown-baseline"))
    return problems


def load_claims(path: Path = paths.CLAIMS, seeds_dir: Path = paths.SEEDS,
                units_path: Path = paths.UNITS) -> pd.DataFrame:
    """The validated register as a DataFrame (numbers as floats); raises RegisterError listing every problem."""
    problems = validate_register(path, seeds_dir, units_path)
    if problems:
        raise RegisterError(problems, f"the claims register {path.name} has {len(problems)} problem(s)")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    for column in ("value", "value_low", "value_high"):
        frame[column] = pd.to_numeric(frame[column].replace("", None), errors="raise").astype(float)
    frame["offset"] = frame["offset"].astype(int)
    frame["horizon_year"] = pd.to_numeric(frame["horizon_year"].replace("", None)).astype("Int64")
    is_range = frame["qualifier"].eq("range")
    frame.loc[~is_range, "value_low"] = frame.loc[~is_range, "value"]
    frame.loc[~is_range, "value_high"] = frame.loc[~is_range, "value"]
    frame["per_year"] = frame["unit"].str.endswith(PER_YEAR)
    frame["base_unit"] = frame["unit"].str.removesuffix(PER_YEAR)
    return frame


def target_claim_ids(path: Path = paths.CLAIMS) -> list[str]:
    """Ids of the register's target claims, in register order (one target-gap report each)."""
    claims = load_claims(path)
    return claims.loc[claims["claim_type"].eq("target"), "id"].tolist()


def get_claim(claims: pd.DataFrame, claim_id: str) -> pd.Series:
    """One claim by id; a clear error naming the known ids when there is none."""
    match = claims.loc[claims["id"].eq(claim_id)]
    if match.empty:
        known = ", ".join(claims["id"])
        raise ProjectError(f"claim_id {claim_id!r} is not in the register. Fix: use one of: {known}")
    return match.iloc[0]


def load_exclusions(path: Path = paths.EXCLUSIONS, seeds_dir: Path = paths.SEEDS) -> pd.DataFrame:
    """The exclusions list, validated (each text must stand at its offset in its seed)."""
    problems: list[Problem] = []
    rows = _read_rows(path, EXCLUSION_COLUMNS, problems)
    cache: dict[str, str | None] = {}
    for row in rows:
        d = row.data
        for field in EXCLUSION_COLUMNS:
            if not d.get(field):
                problems.append(Problem(str(path), row.number, field, None, "required value is empty",
                                        f"fill in '{field}'", "empty"))
        seed = d.get("seed_file", "")
        if seed and seed not in cache:
            cache[seed] = read_seed(seed, seeds_dir) if (seeds_dir / seed).is_file() else None
        text = cache.get(seed)
        if seed and text is None:
            problems.append(Problem(str(path), row.number, "seed_file", seed, "seed file not found",
                                    "name one of the files in seeds/", "unknown-seed"))
        elif text is not None and d.get("offset", "").isdigit():
            start = int(d["offset"])
            if text[start: start + len(d["text"])] != d["text"]:
                problems.append(Problem(str(path), row.number, "text", d["text"],
                                        f"text not found at offset {start} in {seed}",
                                        "copy the text verbatim from the seed and set its offset", "quote-mismatch"))
    if problems:
        raise RegisterError(problems, f"the exclusions list {path.name} has {len(problems)} problem(s)")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    frame["offset"] = frame["offset"].astype(int)
    return frame


def coverage(claims: pd.DataFrame, exclusions: pd.DataFrame, seeds_dir: Path = paths.SEEDS,
             seed_files: Iterable[str] | None = None) -> pd.DataFrame:
    """Every quantity the parser finds in the seeds, with the claim or exclusion that accounts for it.

    A quantity is covered by a claim when it lies inside the claim's quote and states the claim's value
    (or a range bound) or its horizon year, and by an exclusion at the same seed, offset and text.
    ``status`` is ``claim``, ``excluded`` or ``uncovered``.
    """
    from helpers.quantities import find_quantities

    names = sorted(seed_files) if seed_files is not None else sorted(p.name for p in seeds_dir.glob("*.txt"))
    rows = []
    for name in names:
        text = read_seed(name, seeds_dir)
        seed_claims = claims.loc[claims["seed_file"].eq(name)]
        seed_excl = exclusions.loc[exclusions["seed_file"].eq(name)]
        excluded = {(int(r.offset), r.text): r for r in seed_excl.itertuples()}
        for q in find_quantities(text):
            status, by, reason = "uncovered", "", ""
            for claim in seed_claims.itertuples():
                inside = claim.offset <= q.start and q.end <= claim.offset + len(claim.quote)
                values = (claim.value_low, claim.value_high)
                horizon = q.kind == "year" and not pd.isna(claim.horizon_year) and _same(q.value, claim.horizon_year)
                if inside and (horizon or any(_same(v, q.low) or _same(v, q.high) for v in values)):
                    status, by = "claim", claim.id
                    break
            if status == "uncovered" and (q.start, q.text) in excluded:
                hit = excluded[(q.start, q.text)]
                status, by, reason = "excluded", hit.kind, hit.reason
            rows.append({"seed_file": name, "offset": q.start, "text": q.text, "kind": q.kind,
                         "value": q.value, "unit": q.unit, "status": status, "covered_by": by, "reason": reason})
    return pd.DataFrame(rows, columns=["seed_file", "offset", "text", "kind", "value", "unit", "status",
                                       "covered_by", "reason"])


def check_coverage(table: pd.DataFrame, exclusions: pd.DataFrame,
                   exclusions_path: Path = paths.EXCLUSIONS) -> None:
    """Raise CoverageError listing every uncovered quantity and every exclusion that matches nothing."""
    problems = [
        Problem(str(paths.SEEDS / r.seed_file), None, "offset", r.text,
                f"{r.kind} quantity at offset {r.offset} is neither a claim nor an exclusion",
                f"add a claim row to {paths.CLAIMS.name} (python -m helpers.claims suggest seeds/{r.seed_file}) "
                f"or an exclusion row to {exclusions_path.name} with a reason", "uncovered")
        for r in table.loc[table["status"].eq("uncovered")].itertuples()
    ]
    used = {(r.seed_file, int(r.offset), r.text) for r in table.itertuples() if r.status == "excluded"}
    for number, r in enumerate(exclusions.itertuples(), start=2):
        if (r.seed_file, int(r.offset), r.text) not in used:
            problems.append(Problem(str(exclusions_path), number, "text", r.text,
                                    "the parser finds no quantity with this text at this offset (stale exclusion)",
                                    "delete the row, or correct text/offset to what the seed says", "stale-exclusion"))
    if problems:
        raise CoverageError(problems, f"coverage check failed with {len(problems)} problem(s)")


def linked_claim_problems(claim_ids: set[str], mapping_path: Path = paths.CLAIM_SERIES) -> list[Problem]:
    """Rows of the claim-to-series mapping that name a claim id the register does not have."""
    if not mapping_path.exists():
        return []
    with open(mapping_path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return [Problem(str(mapping_path), reader.line_num, "claim_id", row.get("claim_id"),
                        "no claim in the register has this id",
                        f"use an id from {paths.CLAIMS.name}, or delete the row", "unknown-claim")
                for row in reader if row.get("claim_id") not in claim_ids]


def check_inputs(claims_path: Path = paths.CLAIMS, exclusions_path: Path = paths.EXCLUSIONS,
                 seeds_dir: Path = paths.SEEDS, units_path: Path = paths.UNITS,
                 mapping_path: Path = paths.CLAIM_SERIES, rates_path: Path = paths.RATES) -> pd.DataFrame:
    """Validate register, exclusions, the claim-to-series links, coverage and currency rates; return coverage.

    Raises RegisterError, CoverageError or ConversionError with every problem; the batch calls this before
    any notebook runs.
    """
    problems: list[Problem] = []
    claims = exclusions = None
    try:
        claims = load_claims(claims_path, seeds_dir, units_path)
        problems.extend(linked_claim_problems(set(claims["id"]), mapping_path))
    except RegisterError as error:
        problems.extend(error.problems)
    try:
        exclusions = load_exclusions(exclusions_path, seeds_dir)
    except RegisterError as error:
        problems.extend(error.problems)
    if problems or claims is None or exclusions is None:
        raise RegisterError(problems, f"the register inputs have {len(problems)} problem(s)")
    table = coverage(claims, exclusions, seeds_dir)
    check_coverage(table, exclusions, exclusions_path)
    from helpers import fx

    fx.claims_in_usd(claims, fx.load_rates(rates_path))  # every amount must be convertible, with a known rate
    return table


def append_reviewed(candidates: Path, exclusions: Path | None = None, claims_path: Path = paths.CLAIMS,
                    exclusions_path: Path = paths.EXCLUSIONS, seeds_dir: Path = paths.SEEDS) -> tuple[list[str], int]:
    """Append reviewed candidate rows (and exclusions) to the register, only if everything then checks out.

    The candidates are validated on their own first, so problems name the candidates file and its rows; then
    the merged register, exclusions and coverage are checked on temporary copies. The register files are
    replaced atomically, and not at all when anything fails. Returns (ids added, exclusions added).
    """
    problems = validate_register(candidates, seeds_dir)
    existing = pd.read_csv(claims_path, dtype=str, keep_default_na=False, encoding="utf-8")
    new = pd.read_csv(candidates, dtype=str, keep_default_na=False, encoding="utf-8")
    for number, claim_id in enumerate(new.get("id", pd.Series(dtype=str)), start=2):
        if claim_id in set(existing["id"]):
            problems.append(Problem(str(candidates), number, "id", claim_id, "the register already has this id",
                                    "give the candidate another id (or delete the row if it is the same claim)",
                                    "duplicate-id"))
    if problems:
        raise RegisterError(problems, f"{candidates.name} has {len(problems)} problem(s); nothing was appended")
    old_excl = pd.read_csv(exclusions_path, dtype=str, keep_default_na=False, encoding="utf-8")
    new_excl = (pd.read_csv(exclusions, dtype=str, keep_default_na=False, encoding="utf-8") if exclusions
                else pd.DataFrame(columns=EXCLUSION_COLUMNS))
    merged = {claims_path: pd.concat([existing, new[REGISTER_COLUMNS]], ignore_index=True),
              exclusions_path: pd.concat([old_excl, new_excl[EXCLUSION_COLUMNS]], ignore_index=True)}
    # register files are curated data checked against the seeds: written as they are, not neutralised
    write_csvs(merged, for_people=False,
               check=lambda temps: check_inputs(temps[claims_path], temps[exclusions_path], seeds_dir))
    return new["id"].tolist(), len(new_excl)


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers.claims check | suggest FILE | append CANDIDATES [--exclusions FILE]``."""
    parser = argparse.ArgumentParser(prog="python -m helpers.claims", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="validate the register and exclusions and run the coverage check")
    suggest = sub.add_parser("suggest", help="write candidate claims for a new article, for review")
    suggest.add_argument("article", type=Path, help="the article, e.g. seeds/005_new.txt")
    suggest.add_argument("--out", type=Path, default=paths.ROOT / "suggestions",
                         help="folder for <article>.candidates.csv and <article>.exclusions.csv")
    append = sub.add_parser("append", help="append reviewed candidate rows (and exclusions) to the register")
    append.add_argument("candidates", type=Path, help="reviewed <article>.candidates.csv")
    append.add_argument("--exclusions", type=Path, help="reviewed <article>.exclusions.csv")
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            table = check_inputs()
            counts = table["status"].value_counts().to_dict()
            print(f"register ok: {counts.get('claim', 0)} quantities are claims, "
                  f"{counts.get('excluded', 0)} excluded, 0 uncovered")
        elif args.command == "append":
            added, excluded = append_reviewed(args.candidates, args.exclusions)
            print(f"appended {len(added)} claim(s) to {paths.CLAIMS.name}: {', '.join(added)}; "
                  f"{excluded} exclusion(s) to {paths.EXCLUSIONS.name}. The register checks pass.")
        else:
            from helpers.suggest import write_suggestions

            existing = set(pd.read_csv(paths.CLAIMS, dtype=str, keep_default_na=False)["id"])
            candidates, exclusions = write_suggestions(args.article, args.out, existing)
            print(f"wrote {candidates}\nwrote {exclusions}\nReview them, then append the rows you keep to "
                  f"{paths.CLAIMS.relative_to(paths.ROOT)} and {paths.EXCLUSIONS.relative_to(paths.ROOT)}.")
    except ProjectError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())


def filter_topic(claims: pd.DataFrame, topic: str) -> pd.DataFrame:
    """Claims of one topic (all when ``topic`` is empty); an unknown topic is an error naming the known ones."""
    if not topic:
        return claims
    chosen = claims.loc[claims["topic"].eq(topic)]
    if chosen.empty:
        known = ", ".join(sorted(claims["topic"].unique()))
        raise ProjectError(f"topic {topic!r} has no claims in the register. Fix: use one of: {known} "
                           "(or '' for all)")
    return chosen


def readable_table(claims: pd.DataFrame) -> pd.DataFrame:
    """The register as a reader wants it: grouped by topic, amounts in words with their qualifier."""
    from helpers.fmt import claim_amount

    view = pd.DataFrame({
        "topic": claims["topic"],
        "claim": claims["id"],
        "type": claims["claim_type"],
        "subject": claims["subject"],
        "amount": [claim_amount(r.value_low, r.value_high, r.unit, r.qualifier) for r in claims.itertuples()],
        "qualifier": claims["qualifier"].str.replace("_", " "),
        "as of": claims["as_of"],
        "by year": claims["horizon_year"].astype("string").fillna(""),
        "speaker": claims["speaker"],
        "quote": claims["quote"],
        "seed": claims["seed_file"],
    })
    return view.sort_values(["topic", "claim"]).set_index(["topic", "claim"])


def is_money(claims: pd.DataFrame, units_path: Path = paths.UNITS) -> pd.Series:
    """Boolean mask of claims whose unit is a currency (per year or not)."""
    units = load_units(units_path)
    return claims["unit"].str.removesuffix(PER_YEAR).map(units).eq("money")


def coverage_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Quantities per seed by status (claim, excluded, uncovered), with a total row."""
    counts = (table.pivot_table(index="seed_file", columns="status", values="offset", aggfunc="count",
                                fill_value=0)
              .reindex(columns=["claim", "excluded", "uncovered"], fill_value=0))
    counts.loc["all seeds"] = counts.sum()
    return counts.reset_index().rename_axis(columns=None)


def conversion_sentence(conversions: pd.DataFrame) -> str:
    """What was converted to US dollars and at which rates (so no conversion is silent)."""
    if conversions.empty:
        return "All money amounts are stated in US dollars; nothing was converted."
    rates = "; ".join(f"{r.claim}: {r.unit.removesuffix(PER_YEAR)} {r.per_usd:,.2f} per US$ on {r.rate_date} "
                      f"({r.rate_source})" for r in conversions.itertuples())
    return f"{len(conversions)} amount(s) converted to US dollars at these rates: {rates}."
