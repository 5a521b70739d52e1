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
