"""One JSON Schema from a parameters cell's annotations and a notebook's value rules; the project keywords."""

from __future__ import annotations

import pytest

from helpers import paramschema as ps


@pytest.mark.parametrize(
    ("annotation", "schema"),
    [
        ("int", {"type": "integer"}),
        ("int | None", {"type": ["integer", "null"]}),
        ("Optional[float]", {"type": ["number", "null"]}),
        ("list[float]", {"type": "array", "items": {"type": "number"}}),
        ("dict[str, int]", {"type": "object", "propertyNames": {"type": "string"},
                            "additionalProperties": {"type": "integer"}}),
        ("Literal['a', 'b']", {"enum": ["a", "b"]}),
        ("tuple[int, str]", {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}],
                             "items": False, "minItems": 2}),
        ("SomeClass", {}),
        ("int | SomeClass", {}),
        ("", {}),
        ("not valid (", {}),
    ],
)
def test_annotations_become_json_schema(annotation: str, schema: dict) -> None:
    assert ps.annotation_schema(annotation) == schema


def test_rules_of_the_schema_itself_are_checked() -> None:
    declared = {"base_year", "target_year"}
    assert ps.rule_problems({"properties": {"base_year": {"minimum": 1900}},
                             "order": [{"lower": "base_year", "higher": "target_year"}]}, declared, "nb") == []
    problems = ps.rule_problems({"order": [{"lower": "base_year", "higher": "horizon"}, {"low": "x"}]}, declared, "nb")
    assert any("order names 'horizon'" in p for p in problems)
    assert any("order entry {'low': 'x'} needs 'lower' and 'higher'" in p for p in problems)


def test_an_unreadable_register_is_a_reason_not_a_crash(tmp_path) -> None:
    register = ps.Register(tmp_path / "missing.csv")
    assert register.ids() == [] and "cannot read the claims register" in register.error
    with pytest.raises(OSError, match="cannot read"):
        ps.claim_ids(tmp_path / "missing.csv")


def test_a_date_field_of_the_register_counts_as_its_year(tmp_path) -> None:
    """target_year may not come before the year the target was stated (``as_of`` is a date in the register)."""
    path = tmp_path / "claims.csv"
    path.write_text("id,claim_type,as_of,horizon_year\nt-1,target,2025-09-16,\nt-2,target,2024,2030\n",
                    encoding="utf-8")
    register = ps.Register(path)
    rules = {"order": [{"lower": "claim_id.as_of", "higher": "target_year", "strict": False}]}
    schema = ps.build_schema({"claim_id": "str", "target_year": "int"}, rules)

    def problems(**values):
        return ps.schema_problems(schema, values, given=set(values), types={"claim_id": "str", "target_year": "int"},
                                  where="nb.ipynb", register=register)

    assert problems(claim_id="t-1", target_year=2025) == []  # the year it was stated is allowed (not strict)
    found = problems(claim_id="t-1", target_year=2020)
    assert len(found) == 1 and "'target_year' = 2020 is not on or after as_of 2025 of claim 't-1'" in found[0]
    assert problems(claim_id="t-2", target_year=2024) == []  # a bare year counts as it is
    assert problems(claim_id="t-2", target_year=2023) != []


def test_a_target_year_before_the_target_was_stated_exits_2_before_any_kernel(tmp_path) -> None:
    """The shipped target-gap notebook's rule, through the batch's command line (dry run: nothing starts)."""
    import os
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "helpers.batch", "10_*pk-uz-trade*", "-p", "target_year=2020",
                           "--dry-run"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PAKCLAIMS_REPORTS": str(tmp_path)})
    assert done.returncode == 2, done.stdout + done.stderr
    assert "nothing was run" in done.stderr and "'target_year' = 2020 is not on or after as_of 2025" in done.stderr
    assert "Fix: give a target_year no earlier than the year the target was stated" in done.stderr
