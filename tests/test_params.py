"""Strict notebook parameters: parsing the parameters cell, types, value rules, one error listing all."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.errors import ParameterError
from helpers.params import (
    check_parameters,
    parameter_problems,
    parse_parameters_source,
    read_parameters,
    type_matches,
)

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
TYPED = FIXTURES / "typed.ipynb"


@pytest.fixture
def claims(tmp_path: Path) -> Path:
    path = tmp_path / "claims.csv"
    path.write_text("id,claim_type,value\nPK-T-001,target,10\nPK-T-002,target,20\nPK-C-001,context,5\n")
    return path


def test_read_parameters_gives_names_types_defaults_and_comments() -> None:
    params = {p.name: p for p in read_parameters(TYPED)}
    assert list(params)[:3] == ["base_year", "rate", "name"]
    assert params["base_year"].type == "int" and params["base_year"].default == 2026
    assert params["base_year"].comment == "year the figures are expressed in"
    assert params["shares"].type == "list[float]" and params["shares"].default == [0.5, 0.5]
    assert params["limit"].type == "int | None" and params["limit"].default is None
    assert params["untyped"].type == "int" and params["untyped"].comment == "inferred as int"
    assert params["name"].comment == ""


def test_parse_keeps_non_literal_defaults_as_source() -> None:
    params = parse_parameters_source("import os\nroot: str = os.getcwd()  # where\nn = 2\n")
    assert [p.name for p in params] == ["root", "n"]
    assert params[0].default is None and params[0].default_source == "os.getcwd()"


def test_parameters_cell_with_a_syntax_error_is_reported() -> None:
    with pytest.raises(ParameterError, match="line 2"):
        parse_parameters_source("a = 1\nb: int = = 2\n", where="nb.ipynb")


@pytest.mark.parametrize(
    ("value", "type_text", "ok"),
    [
        (3, "int", True),
        (True, "int", False),
        (3.5, "int", False),
        (3, "float", True),
        (True, "float", False),
        ("x", "str", True),
        (1, "str", False),
        (False, "bool", True),
        (0, "bool", False),
        ([1, 2.5], "list[float]", True),
        ([1, "a"], "list[float]", False),
        (None, "int | None", True),
        (4, "int | None", True),
        ("4", "int | None", False),
        ({"a": 1.0}, "dict[str, float]", True),
        ({"a": "b"}, "dict[str, float]", False),
        ([1], "list", True),
        ({}, "dict", True),
        ([], "dict", False),
        (None, "Optional[int]", True),
        ("x", "SomeClass", True),
    ],
)
def test_type_matches(value: object, type_text: str, ok: bool) -> None:
    assert type_matches(value, type_text) is ok


def test_valid_values_pass(claims: Path) -> None:
    check_parameters(
        TYPED,
        {
            "base_year": 2030,
            "rate": 1,
            "shares": [0.2, 0.8],
            "limit": None,
            "claim_id": "PK-T-002",
            "any_claim": "PK-C-001",
            "mode": "b",
            "code": "CHN",
            "output_dir": "/tmp/x",
        },
        claims_path=claims,
    )


def test_every_problem_is_listed_together(claims: Path) -> None:
    values = {
        "base_yaer": 2030,  # unknown, close to base_year
        "rate": "high",  # wrong type
        "flag": 1,  # int is not bool
        "base_year": 1900,  # below min
        "shares": [0.5, 1.5],  # element above max
        "mode": "c",  # not a choice
        "code": "pak",  # pattern
        "claim_id": "PK-C-001",  # a context claim, target required
        "any_claim": "PK-X-999",  # not in the register
    }
    with pytest.raises(ParameterError) as info:
        check_parameters(TYPED, values, claims_path=claims)
    message = str(info.value)
    assert "9 invalid parameters for typed.ipynb, first: typed.ipynb: unknown parameter 'base_yaer'" in message
    assert len(info.value.problems) == 9
    assert "unknown parameter 'base_yaer'" in message and "did you mean 'base_year'?" in message
    assert "parameter 'rate' = 'high' is a str, the notebook declares float" in message
    assert "parameter 'flag' = 1 is a int, the notebook declares bool" in message
    assert "'base_year' = 1900 is below the minimum 1990" in message
    assert "'shares' = 1.5 is above the maximum 1" in message
    assert "'mode' = 'c' is not an allowed choice. Fix: use one of 'a', 'b'" in message
    assert "'code' = 'pak' does not match the pattern" in message
    assert "'claim_id' = 'PK-C-001' is not the id of a target claim" in message
    assert "'any_claim' = 'PK-X-999' is not a claim id" in message
    for problem in info.value.problems:
        assert "Fix:" in problem


def test_unreadable_register_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    problems = parameter_problems(TYPED, {"claim_id": "PK-T-001"}, claims_path=tmp_path / "missing.csv")
    assert len(problems) == 1 and "cannot read the claims register" in problems[0]


def test_notebook_without_parameters_cell_takes_no_parameters() -> None:
    with pytest.raises(ParameterError, match="no cell tagged 'parameters'"):
        check_parameters(FIXTURES / "noparams.ipynb", {"x": 1})
    check_parameters(FIXTURES / "noparams.ipynb", {})


def test_rules_naming_undeclared_parameters_or_unknown_kinds(tmp_path: Path) -> None:
    nb = json.loads(TYPED.read_text())
    nb["metadata"]["pakclaims"]["parameter_rules"] = {"ghost": {"min": 1}, "rate": {"between": [0, 1]}}
    path = tmp_path / "rules.ipynb"
    path.write_text(json.dumps(nb))
    problems = parameter_problems(path, {"rate": 0.1})
    assert any("names 'ghost', which the parameters cell does not declare" in p for p in problems)
    assert any("unknown rule 'between'" in p for p in problems)


def test_missing_notebook_is_a_parameter_error(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="does not exist"):
        read_parameters(tmp_path / "nope.ipynb")


def test_check_is_cheap_to_import() -> None:
    code = (
        "import sys\nfrom helpers.params import check_parameters\n"
        f"check_parameters({str(TYPED)!r}, {{'base_year': 2030}})\n"
        "names = ('papermill', 'nbconvert', 'nbclient', 'nbformat', 'pandas')\n"
        "heavy = [m for m in names if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
