"""The input check: every data file a report reads, validated before any notebook runs.

``check_inputs`` reads the register, its exclusions, the units table, the seed articles, the articles table
and its copies (one row per seed, every row a seed), the context figures (against their checksum), the
claim-to-series mapping, the benchmark episodes and the currency rates; it lists every problem of every file
at once (file, row, column, value, reason and fix), then runs the coverage check and converts every amount
with its dated rate. The batch calls it before any kernel starts, and ``python -m helpers.claims check``
prints its result.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers import paths
from helpers.articles.table import article_problems
from helpers.claims.coverage import check_coverage, coverage
from helpers.claims.register import (
    exclusion_problems,
    exclusion_rows,
    frame_of,
    read_register_rows,
    units_or_problems,
    validate_rows,
)
from helpers.claims.rows import Seeds
from helpers.claims.schema import EXCLUSION_COLUMNS
from helpers.datafiles import read_rows
from helpers.errors import ArticlesError, ContextDataError, InputError, Problem, RegisterError


def linked_claim_problems(claim_ids: set[str], mapping_path: Path = paths.CLAIM_SERIES) -> list[Problem]:
    """Rows of the claim-to-series mapping that name a claim id the register does not have."""
    problems: list[Problem] = []
    rows = read_rows(mapping_path, ["claim_id"], problems, what="claim-to-series mapping")
    return [Problem(str(mapping_path), number, "claim_id", row.get("claim_id"),
                    "no claim in the register has this id",
                    f"use an id from {paths.CLAIMS.name}, or delete the row", "unknown-claim")
            for number, row in rows if row.get("claim_id") not in claim_ids] + problems


def seed_problems(seeds_dir: Path) -> list[Problem]:
    """Every article in ``seeds_dir`` that cannot be read as UTF-8 (the coverage check reads them all)."""
    seeds = Seeds(Path(seeds_dir))
    for path in sorted(Path(seeds_dir).glob("*.txt")):
        seeds.text(path.name)
    return list(seeds.problems.values())


def context_problems(context_path: Path, meta_path: Path, mapping_path: Path, benchmarks_path: Path) -> list[Problem]:
    """Every problem of the context figures (checksum, rows), the claim-to-series mapping, the benchmarks and
    the other comparator files beside them (episodes, literature, target measures)."""
    from helpers import context as ctx

    try:
        figures = ctx.load_context(context_path, meta_path)
    except ContextDataError as error:
        # the mapping and benchmarks are checked against the figures: without them, only their files
        problems = list(error.problems)
        read_rows(mapping_path, ctx.CLAIM_SERIES_COLUMNS, problems, what="claim-to-series mapping")
        read_rows(benchmarks_path, ctx.BENCHMARK_COLUMNS, problems, what="benchmark list")
        return problems
    from helpers import episodes

    problems = []
    beside = Path(benchmarks_path).parent  # the comparators' other files live beside the benchmark list
    for load in (lambda: ctx.load_claim_series(mapping_path, context=figures),
                 lambda: ctx.benchmark_growth(figures, benchmarks_path),
                 lambda: episodes.load_episodes(beside / episodes.EPISODES.name),
                 lambda: episodes.load_literature(beside / episodes.LITERATURE.name),
                 lambda: episodes.load_target_measures(beside / episodes.TARGET_MEASURES.name)):
        try:
            load()
        except ContextDataError as error:
            problems.extend(error.problems)
    return problems


def check_inputs(claims_path: Path = paths.CLAIMS, exclusions_path: Path = paths.EXCLUSIONS,
                 seeds_dir: Path = paths.SEEDS, units_path: Path = paths.UNITS,
                 mapping_path: Path = paths.CLAIM_SERIES, rates_path: Path = paths.RATES, *,
                 context_path: Path = paths.CONTEXT, meta_path: Path = paths.CONTEXT_META,
                 benchmarks_path: Path = paths.BENCHMARKS, articles_path: Path = paths.ARTICLES) -> pd.DataFrame:
    """Validate every input of the reports, list every problem of every file at once; return the coverage table.

    Checks the register (with its units and articles), the exclusions, every article's encoding, the articles
    table against ``seeds_dir`` (``articles_path``, and ``article_copies.csv`` beside it when it exists), the
    context figures and their checksum, the claim-to-series mapping (its claim ids against the register), the
    benchmark episodes and the rate table; then coverage and the conversion of every amount with its dated
    rate. Raises RegisterError (register, exclusions, seeds, units), ArticlesError (only the articles tables),
    ContextDataError (context, mapping, benchmarks, rates), CoverageError or ConversionError, each listing
    every problem of the files it names; all are ProjectErrors with exit code 2.
    """
    from helpers import fx

    register: list[Problem] = []
    units = units_or_problems(Path(units_path), register)
    rows = read_register_rows(Path(claims_path), register)
    register.extend(validate_rows(rows, Path(claims_path), seeds_dir, units))
    excl_rows = exclusion_rows(Path(exclusions_path), register)
    register.extend(exclusion_problems(excl_rows, Path(exclusions_path), seeds_dir))
    known = {p.value for p in register if p.code == "seed-not-utf8"}
    register.extend(p for p in seed_problems(seeds_dir) if Path(p.file).name not in known)
    articles = article_problems(Path(articles_path), Path(seeds_dir))
    ids = {row.get("id", "") for _, row in rows}
    context: list[Problem] = list(linked_claim_problems(ids, Path(mapping_path)))
    context.extend(context_problems(Path(context_path), Path(meta_path), Path(mapping_path), Path(benchmarks_path)))
    rates = None
    try:
        rates = fx.load_rates(Path(rates_path))
    except ContextDataError as error:
        context.extend(error.problems)
    if register or articles or context:
        found = register + articles + context
        problems = list({(p.file, p.row, p.field, p.code, p.message): p for p in found}.values())
        kind: type[InputError] = RegisterError if register else ArticlesError if articles else ContextDataError
        files = sorted({Path(p.file).name for p in problems})
        raise kind(problems, f"the inputs have {len(problems)} problem(s) in {', '.join(files)}")
    claims = frame_of(rows)
    exclusions = pd.DataFrame([row for _, row in excl_rows], columns=EXCLUSION_COLUMNS).fillna("")
    exclusions["offset"] = exclusions["offset"].astype(int)
    table = coverage(claims, exclusions, seeds_dir)
    check_coverage(table, exclusions, exclusions_path)
    fx.claims_in_usd(claims, rates)  # every amount must be convertible, with a known rate
    return table
