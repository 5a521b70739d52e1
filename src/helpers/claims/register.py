"""The claims register and its exclusions: loading, validation against the seed articles, readable views.

The register (``data/claims.csv``) holds one row per quantitative claim in the seed articles; each row's
``quote`` must stand verbatim at ``offset`` in its ``seed_file`` and must state the row's value in the row's
unit. ``data/exclusions.csv`` lists every number in the seeds that is *not* a claim (dates, ordinals...),
with a reason, so that the coverage check can prove nothing was skipped silently.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first claim row 2.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from helpers import paths, text, vocab
from helpers.claims.baselines import baseline_problems
from helpers.claims.restates import proposals_for, restates_problems
from helpers.claims.rows import Seeds, check_row
from helpers.claims.schema import EXCLUSION_COLUMNS, OPTIONAL_COLUMNS, REGISTER_COLUMNS, VERBATIM
from helpers.claims.views import article_words
from helpers.datafiles import read_rows
from helpers.errors import ContextDataError, Problem, ProjectError, RegisterError
from helpers.files import restore_cell

Rows = list[tuple[int, dict[str, str]]]


def read_register_rows(path: Path, problems: list[Problem], restore=None) -> Rows:
    """The register's rows as text (spreadsheet row, cells); file and header problems go to ``problems``.

    A file without an optional column (``restates``: written before it existed) reads it as empty."""
    found: list[Problem] = []
    rows = read_rows(path, REGISTER_COLUMNS, found, extra_allowed=False, raw=VERBATIM, restore=restore,
                     what="claims register" if Path(path).name == paths.CLAIMS.name else "candidates file")
    problems.extend(p for p in found if not (p.code == "missing-column" and p.field in OPTIONAL_COLUMNS))
    for _, row in rows:
        for column in OPTIONAL_COLUMNS:
            row[column] = row.get(column) or ""
    return rows


def units_or_problems(units_path: Path, problems: list[Problem]) -> dict[str, vocab.Unit]:
    """The units table; its problems go to ``problems`` (an empty table when it cannot be read)."""
    try:
        return vocab.load_units(units_path)
    except ContextDataError as error:
        problems.extend(error.problems)
        return {}


def validate_rows(rows: Rows, path: Path, seeds_dir: Path, units: dict[str, vocab.Unit],
                  others: Rows | None = None) -> list[Problem]:
    """Every problem of register rows: each row's cells, quote and unit; duplicate ids; baseline and restatement
    links (which may also name ``others``, rows already in the register)."""
    problems: list[Problem] = []
    seeds = Seeds(Path(seeds_dir))
    seen: dict[str, int] = {}
    for number, row in rows:
        problems.extend(check_row(number, row, path, units, seeds))
        claim_id = row.get("id", "")
        if claim_id in seen:
            problems.append(Problem(str(path), number, "id", claim_id, f"duplicate id (first at row {seen[claim_id]})",
                                    "give each claim its own id", "duplicate-id"))
        elif claim_id:
            seen[claim_id] = number
    problems.extend(baseline_problems(rows, path, units, others or ()))
    problems.extend(restates_problems(rows, path, units, others or ()))
    return problems


def validate_register(path: Path = paths.CLAIMS, seeds_dir: Path = paths.SEEDS, units_path: Path = paths.UNITS,
                      restore=None) -> list[Problem]:
    """Every problem in the register (or a candidates file), in file order (empty list when valid)."""
    problems: list[Problem] = []
    units = units_or_problems(units_path, problems)
    rows = read_register_rows(Path(path), problems, restore)
    problems.extend(validate_rows(rows, Path(path), seeds_dir, units))
    return problems


def restatement_hints(candidates: Path, claims_path: Path = paths.CLAIMS,
                      published: dict[str, str] | None = None) -> list[str]:
    """Likely restatements between a new article's candidates file and the register (or among the candidates),
    each as a line telling the reviewer which ``restates`` value to set; unreadable files give none (their
    problems are reported by the commands that check them)."""
    new = [row for _, row in read_register_rows(Path(candidates), [], restore=restore_cell)]
    register = [row for _, row in read_register_rows(Path(claims_path), [])]
    return [str(p) for p in proposals_for(new, register, published)]


def frame_of(rows: Rows) -> pd.DataFrame:
    """Validated register rows as the typed DataFrame analyses use (numbers as floats, ``per_year``,
    ``base_unit``; a point figure's ``value_low`` and ``value_high`` equal its ``value``)."""
    frame = pd.DataFrame([row for _, row in rows], columns=REGISTER_COLUMNS).fillna("")
    for column in ("value", "value_low", "value_high"):
        frame[column] = pd.to_numeric(frame[column].replace("", None), errors="raise").astype(float)
    frame["offset"] = frame["offset"].astype(int)
    frame["horizon_year"] = pd.to_numeric(frame["horizon_year"].replace("", None)).astype("Int64")
    is_range = frame["qualifier"].eq("range")
    frame.loc[~is_range, "value_low"] = frame.loc[~is_range, "value"]
    frame.loc[~is_range, "value_high"] = frame.loc[~is_range, "value"]
    frame["per_year"] = frame["unit"].map(vocab.is_per_year).astype(bool)
    frame["base_unit"] = frame["unit"].map(vocab.base_unit)
    return frame


#: Registers already validated in this process, by the content of every file validation reads (a handful).
_VALIDATED: dict[str, pd.DataFrame] = {}
_VALIDATED_KEEP = 4


def _content_key(path: Path, seeds_dir: Path, units_path: Path, rows: Rows) -> str | None:
    """A digest of everything validating ``rows`` reads: the register, the units table and each article the
    rows quote (read here, so a kernel still records them as read); None when a file cannot be read."""
    digest = hashlib.sha256()
    try:
        for file in (Path(path), Path(units_path)):
            digest.update(str(file.resolve()).encode() + b"\0" + file.read_bytes() + b"\0")
        for name in sorted({row.get("seed_file", "") for _, row in rows}):
            seed = Path(seeds_dir) / name
            digest.update(name.encode() + b"\0" + (seed.read_bytes() if name and seed.is_file() else b"-") + b"\0")
    except OSError:
        return None
    return digest.hexdigest()


def load_claims(path: Path = paths.CLAIMS, seeds_dir: Path = paths.SEEDS,
                units_path: Path = paths.UNITS) -> pd.DataFrame:
    """The validated register as a DataFrame (numbers as floats); raises RegisterError listing every problem.

    A register whose files (register, units, quoted articles) are byte for byte those of an earlier call in
    this process is not validated again: a report that loads it twice pays for it once."""
    problems: list[Problem] = []
    units = units_or_problems(units_path, problems)
    rows = read_register_rows(Path(path), problems)
    key = None if problems else _content_key(Path(path), Path(seeds_dir), Path(units_path), rows)
    if key is not None and key in _VALIDATED:
        return _VALIDATED[key].copy()
    problems.extend(validate_rows(rows, Path(path), seeds_dir, units))
    if problems:
        raise RegisterError(problems, f"the claims register {Path(path).name} has {len(problems)} problem(s)")
    frame = frame_of(rows)
    if key is not None:
        while len(_VALIDATED) >= _VALIDATED_KEEP:
            _VALIDATED.pop(next(iter(_VALIDATED)))
        _VALIDATED[key] = frame.copy()
    return frame


def target_claim_ids(path: Path = paths.CLAIMS) -> list[str]:
    """Ids of the register's target claims, in register order (one target-gap report each)."""
    claims = load_claims(path)
    return claims.loc[claims["claim_type"].eq("target"), "id"].tolist()


def get_claim(claims: pd.DataFrame, claim_id: str) -> pd.Series:
    """One claim by id; a clear error naming the known ids when there is none."""
    if "id" not in claims.columns or not claims["id"].eq(claim_id).any():
        known = ", ".join(claims["id"]) if "id" in claims.columns else "none"
        raise ProjectError(f"claim_id {claim_id!r} is not in the register. Fix: use one of: {known}")
    return claims.loc[claims["id"].eq(claim_id)].iloc[0]


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


def exclusion_rows(path: Path, problems: list[Problem], restore=None) -> Rows:
    """The exclusions' rows as text; file and header problems go to ``problems``."""
    return read_rows(path, EXCLUSION_COLUMNS, problems, extra_allowed=False, raw=VERBATIM, restore=restore,
                     what="exclusions list")


def exclusion_problems(rows: Rows, path: Path, seeds_dir: Path) -> list[Problem]:
    """Every problem of exclusion rows: empty cells, unknown or unreadable articles, text not at its offset."""
    problems: list[Problem] = []
    seeds = Seeds(Path(seeds_dir))
    for number, d in rows:
        for column in EXCLUSION_COLUMNS:
            if not d.get(column):
                problems.append(Problem(str(path), number, column, None, "required value is empty",
                                        f"fill in '{column}'", "empty"))
        seed = d.get("seed_file", "")
        found = seeds.text(seed) if seed else None
        offset = d.get("offset", "")
        if seed and found is None:
            problems.append(Problem(str(path), number, "seed_file", seed, seeds.problem(seed), seeds.fix(seed),
                                    "unknown-seed"))
        elif offset and not offset.isdigit():
            problems.append(Problem(str(path), number, "offset", offset, "offset must be a whole number of "
                                    "characters", "write the 0-based character offset", "bad-offset"))
        elif found is not None and offset:
            start = int(offset)
            if found[start: start + len(d["text"])] != d["text"]:
                problems.append(Problem(str(path), number, "text", d["text"],
                                        f"text not found at offset {start} in {seed}",
                                        "copy the text verbatim from the seed and set its offset", "quote-mismatch"))
    return problems


def load_exclusions(path: Path = paths.EXCLUSIONS, seeds_dir: Path = paths.SEEDS) -> pd.DataFrame:
    """The exclusions list, validated (each text must stand at its offset in its seed)."""
    problems: list[Problem] = []
    rows = exclusion_rows(Path(path), problems)
    problems.extend(exclusion_problems(rows, Path(path), seeds_dir))
    if problems:
        raise RegisterError(problems, f"the exclusions list {Path(path).name} has {len(problems)} problem(s)")
    frame = pd.DataFrame([row for _, row in rows], columns=EXCLUSION_COLUMNS).fillna("")
    frame["offset"] = frame["offset"].astype(int)
    return frame


def readable_table(claims: pd.DataFrame) -> pd.DataFrame:
    """The register as a reader wants it: grouped by topic, amounts in words with their qualifier, the article
    each claim was read from (outlet and date), when the register links restated targets the earlier
    statement each restates (its amount and article), and the claim id last (a trace to the CSV)."""
    by_id = {str(r["id"]): r for r in claims.to_dict("records")}

    def earlier(claim_id: object) -> str:
        row = by_id.get(str(claim_id or ""))
        if row is None:
            return str(claim_id or "")
        return f"{text.claim(row)} ({article_words(row)})"

    view = pd.DataFrame({
        "topic": claims["topic"],
        "type": claims["claim_type"],
        "subject": claims["subject"],
        "amount": [text.claim(r) for r in claims.itertuples()],
        "qualifier": claims["qualifier"].str.replace("_", " "),
        "as of": claims["as_of"],
        "by year": claims["horizon_year"].astype("string").fillna(""),
        "speaker": claims["speaker"],
        "quote": claims["quote"],
        "article": [article_words(r) for r in claims.to_dict("records")],
    })
    ids = claims["id"].astype(str)
    if "restates" in claims.columns and claims["restates"].fillna("").ne("").any():
        restates = claims["restates"].fillna("")
        view["restates"] = restates.map(earlier)  # the earlier statement of a restated target
        ids = ids + restates.map(lambda r: f" (restates {r})" if r else "")
    view["ids"] = ids
    view["_order"] = claims["id"]
    return view.sort_values(["topic", "_order"]).drop(columns="_order").set_index("topic")
