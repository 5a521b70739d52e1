"""The claims register: validation (one fixture per failure), the shipped register, and coverage."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers import claims, paths
from helpers.claims.cli import main
from helpers.errors import CoverageError, InputError, RegisterError

FIXTURES = Path(__file__).parent / "fixtures" / "register"


def problems_of(name: str) -> list:
    """Validation problems of a fixture register, checked against the real seeds."""
    return claims.validate_register(FIXTURES / f"{name}.csv", paths.SEEDS, paths.UNITS)


def test_valid_fixture_has_no_problems():
    assert problems_of("valid") == []


# (fixture, expected code, field, spreadsheet row, words the fix must contain)
CASES = [
    ("missing_column", "missing-column", "unit", 1, "add a 'unit' column"),
    ("extra_column", "extra-column", "confidence", 1, "remove it"),
    ("non_numeric_value", "not-numeric", "value", 2, "digits only"),
    ("negative_value", "negative", "value", 2, "cannot be negative"),
    ("unknown_unit", "bad-unit", "unit", 2, "units.csv"),
    ("unknown_qualifier", "bad-qualifier", "qualifier", 2, "lower_bound"),
    ("range_low_above_high", "range-order", "value_low", 3, "swap"),
    ("duplicate_id", "duplicate-id", "id", 4, "own id"),
    ("unknown_seed", "unknown-seed", "seed_file", 2, "seeds/"),
    ("quote_not_at_offset", "quote-mismatch", "quote", 2, "set offset to"),
    ("value_typo", "value-mismatch", "value", 2, "6000000000000"),
    ("straight_apostrophe", "quote-mismatch", "quote", 4, "apostrophe"),
    ("range_end_typo", "value-mismatch", "value_low", 3, "value_low and value_high"),
    ("empty_required", "empty", "subject", 2, "fill in 'subject'"),
    ("unknown_baseline", "unknown-baseline", "baseline_id", 3, "baseline"),
    ("horizon_before_as_of", "horizon-before-as-of", "horizon_year", 3, "year"),
]


@pytest.mark.parametrize(("fixture", "code", "field", "row", "fix"), CASES, ids=[c[0] for c in CASES])
def test_each_validation_failure_names_file_row_field_value_and_fix(fixture, code, field, row, fix):
    found = [p for p in problems_of(fixture) if p.code == code]
    assert found, f"{fixture}: expected a {code} problem, got {problems_of(fixture)}"
    problem = found[0]
    assert (problem.field, problem.row) == (field, row)
    assert Path(problem.file).name == f"{fixture}.csv"
    text = str(problem)
    assert f"{fixture}.csv" in text and f"row {row}" in text and field in text and "Fix:" in text
    assert fix in text


def test_value_typo_message_shows_what_the_quote_states():
    (problem,) = [p for p in problems_of("value_typo") if p.code == "value-mismatch"]
    assert "'$6 trillion' = 6000000000000" in problem.message
    assert problem.value == "600000000000"


def test_all_problems_reported_together():
    with pytest.raises(RegisterError) as caught:
        claims.load_claims(FIXTURES / "many_problems.csv")
    codes = {p.code for p in caught.value.problems}
    assert {"bad-unit", "not-numeric", "unknown-seed"} <= codes
    message = str(caught.value)
    assert message.count("many_problems.csv") >= 3


def test_missing_register_file_is_a_clear_error(tmp_path):
    with pytest.raises(RegisterError, match="claims register not found"):
        claims.load_claims(tmp_path / "claims.csv")


def test_shipped_register_is_valid_and_typed():
    frame = claims.load_claims()
    assert frame["id"].is_unique
    assert set(frame["claim_type"]) <= set(claims.CLAIM_TYPES)
    by_id = frame.set_index("id")
    assert by_id.loc["pk-mineral-resources-value", "value"] == 6e12
    assert by_id.loc["pk-mineral-exports-target", ["value_low", "value_high"]].tolist() == [6e9, 8e9]
    assert by_id.loc["pk-cn-exports-2035-target", "horizon_year"] == 2035
    assert by_id.loc["pk-cn-exports-2035-target", "baseline_id"] == "pk-cn-exports"


def test_every_quote_stands_at_its_offset():
    frame = claims.load_claims()
    for row in frame.itertuples():
        text = claims.read_seed(row.seed_file)
        assert text[row.offset: row.offset + len(row.quote)] == row.quote


def test_target_claim_ids_come_from_the_register(tmp_path):
    ids = claims.target_claim_ids()
    assert "pk-cn-exports-2035-target" in ids and "pk-mineral-resources-value" not in ids
    frame = pd.read_csv(paths.CLAIMS, dtype=str, keep_default_na=False)
    frame.loc[frame["id"].eq("uz-pharma-imports"), "claim_type"] = "target"
    copy = tmp_path / "claims.csv"
    frame.to_csv(copy, index=False)
    assert claims.target_claim_ids(copy) == [i for i in frame["id"] if i in set(ids) | {"uz-pharma-imports"}]


def test_shipped_seeds_are_fully_covered():
    table = claims.check_inputs()
    assert not table.empty
    assert set(table["status"]) <= {"claim", "excluded"}
    claimed = set(table.loc[table["status"].eq("claim"), "covered_by"])
    assert claimed == set(claims.load_claims()["id"])


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(paths.SEEDS, folder)
    return folder


def test_coverage_fails_when_a_number_is_added_to_a_seed(seeds_copy: Path):
    name = "001_8dfd49c2754afb38.txt"
    text = (seeds_copy / name).read_text(encoding="utf-8")
    # appended at the end, so every recorded offset stays valid
    (seeds_copy / name).write_text(text + "\nThe zones will employ 12,000 workers.\n", encoding="utf-8")
    register = claims.load_claims(paths.CLAIMS, seeds_copy)
    exclusions = claims.load_exclusions(paths.EXCLUSIONS, seeds_copy)
    table = claims.coverage(register, exclusions, seeds_copy)
    uncovered = table.loc[table["status"].eq("uncovered")]
    assert uncovered["text"].tolist() == ["12,000 workers"]
    with pytest.raises(CoverageError) as caught:
        claims.check_coverage(table, exclusions)
    assert "12,000 workers" in str(caught.value) and name in str(caught.value)


def test_coverage_flags_stale_exclusions(tmp_path: Path):
    frame = pd.read_csv(paths.EXCLUSIONS, dtype=str, keep_default_na=False)
    extra = frame.iloc[[0]].copy()
    extra["text"] = extra["text"].str[:-1]  # a span the parser never yields
    copy = tmp_path / "exclusions.csv"
    pd.concat([frame, extra]).to_csv(copy, index=False)
    exclusions = claims.load_exclusions(copy)
    table = claims.coverage(claims.load_claims(), exclusions)
    with pytest.raises(CoverageError, match="stale exclusion"):
        claims.check_coverage(table, exclusions, copy)


def test_exclusion_text_must_stand_at_its_offset(tmp_path: Path):
    frame = pd.read_csv(paths.EXCLUSIONS, dtype=str, keep_default_na=False)
    frame.loc[0, "offset"] = str(int(frame.loc[0, "offset"]) + 1)
    copy = tmp_path / "exclusions.csv"
    frame.to_csv(copy, index=False)
    with pytest.raises(RegisterError, match="not found at offset"):
        claims.load_exclusions(copy)


def test_missing_seed_stops_the_input_check(seeds_copy: Path):
    (seeds_copy / "004_a7c00857fc1d37e6.txt").unlink()
    with pytest.raises(RegisterError) as caught:
        claims.check_inputs(seeds_dir=seeds_copy)
    assert any(p.code == "unknown-seed" for p in caught.value.problems)


def test_readable_table_groups_by_topic_and_shows_qualifiers():
    view = claims.readable_table(claims.load_claims()).reset_index().set_index(["topic", "ids"])
    assert view.loc[("minerals", "pk-mineral-resources-value"), "amount"] == "about $6.0 trillion"
    assert view.loc[("minerals", "pk-mineral-exports-target"), "amount"] == "$6.0 billion to $8.0 billion a year"
    assert view.loc[("events", "forum-cn-companies"), "amount"] == "more than 70 companies"


def test_readable_table_names_claims_by_subject_and_keeps_ids_last():
    register = claims.load_claims()
    view = claims.readable_table(register)
    assert list(view.index.names) == ["topic"] and view.columns[-1] == "ids"
    ids = set(register["id"])
    for column in view.columns[:-1]:  # no claim id in a cell a reader reads, only in the trace column
        assert not any(cell in ids for cell in view[column].astype(str)), column


def test_check_cli_reports_ok(capsys):
    assert main(["check"]) == 0
    assert "0 uncovered" in capsys.readouterr().out


def test_mapping_rows_must_name_register_claims(tmp_path: Path):
    mapping = tmp_path / "claim_series.csv"
    text = paths.CLAIM_SERIES.read_text(encoding="utf-8")
    mapping.write_text(text.replace("uz-pharma-imports,", "uz-pharma-import,", 1), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        claims.check_inputs(mapping_path=mapping)
    (problem,) = caught.value.problems
    assert problem.code == "unknown-claim" and problem.value == "uz-pharma-import" and problem.row > 1


# --- baselines and units that would publish wrong figures --------------------------------------------------


def register_with(tmp_path: Path, **changes: dict[str, str]) -> Path:
    """A copy of the register with some cells of some rows changed: ``register_with(tmp, id={col: value})``."""
    frame = pd.read_csv(paths.CLAIMS, dtype=str, keep_default_na=False)
    for claim_id, cells in changes.items():
        for column, value in cells.items():
            frame.loc[frame["id"].eq(claim_id.replace("_", "-")), column] = value
    copy = tmp_path / "claims.csv"
    frame.to_csv(copy, index=False)
    return copy


def codes(path: Path) -> dict[str, list]:
    found: dict[str, list] = {}
    for problem in claims.validate_register(path):
        found.setdefault(problem.code, []).append(problem)
    return found


def test_a_target_cannot_be_its_own_baseline(tmp_path):
    copy = register_with(tmp_path, pk_cn_exports_2035_target={"baseline_id": "pk-cn-exports-2035-target"})
    (problem,) = codes(copy)["self-baseline"]
    assert problem.row == 13 and problem.field == "baseline_id" and "0% a year" in problem.message


def test_two_targets_naming_each_other_are_a_cycle(tmp_path):
    copy = register_with(tmp_path, pk_cn_exports_2035_target={"baseline_id": "pk-mineral-exports-target"},
                         pk_mineral_exports_target={"baseline_id": "pk-cn-exports-2035-target"})
    found = codes(copy)["baseline-cycle"]
    assert {p.row for p in found} == {10, 13}
    assert "pk-cn-exports-2035-target -> pk-mineral-exports-target -> pk-cn-exports-2035-target" in found[1].message


@pytest.mark.parametrize(("cells", "words"), [
    ({"unit": "USD"}, "a stock or one-off amount ('USD'), the target a yearly flow"),
    ({"unit": "PKR/yr", "quote": None}, "is in 'PKR/yr', the target in 'USD/yr'"),
    ({"partner": "World"}, "partner 'World'"),
    ({"geo": "India"}, "geo 'India'"),
    ({"subject": "China's exports to Pakistan"}, "measures \"China's exports to Pakistan\""),
])
def test_a_baseline_of_another_measure_is_refused(tmp_path, cells, words):
    cells = {k: v for k, v in cells.items() if v is not None}
    copy = register_with(tmp_path, pk_cn_exports=cells)
    found = codes(copy)["baseline-other-measure"]
    assert [p.row for p in found] == [13]
    assert words in found[0].message and "Fix:" in str(found[0])


def test_a_baseline_must_state_a_level_not_another_target(tmp_path):
    copy = register_with(tmp_path, pk_cn_exports_2035_target={"baseline_id": "pk-uz-trade-target"})
    assert [p.row for p in codes(copy)["baseline-is-target"]] == [13]


@pytest.mark.parametrize(("claim_id", "unit", "words"), [
    ("pk-uz-trade-target", "PKR/yr", "'$2 billion' is in USD"),
    ("forum-participants", "tonnes", "'800 participants' is a count of participants"),
    ("pk-land-lease-offer-acres", "hectares", "'6,000 acres' is in acres"),
    ("pk-land-lease-offer-acres", "USD", "'6,000 acres' is in acres"),
    ("pk-mineral-exports", "percent", "'$2 billion per year' is money"),
])
def test_a_unit_that_contradicts_its_quote_is_refused(tmp_path, claim_id, unit, words):
    copy = register_with(tmp_path, **{claim_id.replace("-", "_"): {"unit": unit}})
    found = codes(copy)["unit-mismatch"]
    assert len(found) == 1 and found[0].field == "unit" and words in found[0].message, found


def test_a_count_may_use_another_counted_noun(tmp_path):
    copy = register_with(tmp_path, forum_participants={"unit": "people"})
    assert "unit-mismatch" not in codes(copy)


def test_a_register_with_a_byte_order_mark_loads(tmp_path):
    copy = tmp_path / "claims.csv"
    copy.write_bytes(b"\xef\xbb\xbf" + paths.CLAIMS.read_bytes())
    assert claims.load_claims(copy)["id"].tolist() == claims.load_claims()["id"].tolist()


def test_a_register_is_validated_once_per_content_and_each_caller_gets_its_own_frame(
        seeds_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from helpers.claims import register

    monkeypatch.setattr(register, "_VALIDATED", {})
    calls = []
    real = register.validate_rows
    monkeypatch.setattr(register, "validate_rows", lambda *a, **k: calls.append(1) or real(*a, **k))
    copy = tmp_path / "claims.csv"
    shutil.copyfile(paths.CLAIMS, copy)
    first = claims.load_claims(copy, seeds_copy)
    first.loc[0, "subject"] = "changed by one caller"
    second = claims.load_claims(copy, seeds_copy)
    assert len(calls) == 1  # the same bytes: validated once
    pd.testing.assert_frame_equal(second, claims.load_claims(paths.CLAIMS, paths.SEEDS))  # another file: 2
    name = second.loc[0, "seed_file"]
    quote = second.loc[0, "quote"]
    text = (seeds_copy / name).read_text(encoding="utf-8")
    (seeds_copy / name).write_text(text.replace(quote, quote.upper(), 1), encoding="utf-8", newline="")
    with pytest.raises(RegisterError, match="quote"):  # an article the rows quote changed: validated again
        claims.load_claims(copy, seeds_copy)
    assert len(calls) == 3
