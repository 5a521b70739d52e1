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
    assert "9 invalid parameters for typed.ipynb, first: unknown parameter 'base_yaer'" in message
    assert message.count("typed.ipynb") == 1  # named once, in the summary
    assert len(info.value.problems) == 9
    assert "unknown parameter 'base_yaer'" in message and "did you mean 'base_year'?" in message
    assert "parameter 'rate' = 'high' is a str, the notebook declares float" in message
    assert "parameter 'flag' = 1 is a int, the notebook declares bool" in message
    assert "'base_year' = 1900 is below the minimum 1990" in message
    assert "'shares[1]' = 1.5 is above the maximum 1 (shares: shares that sum to one)" in message
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


def with_schema(tmp_path: Path, schema: object, name: str = "rules.ipynb") -> Path:
    """A copy of the typed fixture with another parameter_schema."""
    nb = json.loads(TYPED.read_text())
    nb["metadata"]["pakclaims"] = {"parameter_schema": schema}
    path = tmp_path / name
    path.write_text(json.dumps(nb))
    return path


def test_rules_naming_undeclared_parameters_or_unknown_keywords(tmp_path: Path) -> None:
    path = with_schema(tmp_path, {"properties": {"ghost": {"minimum": 1}, "rate": {"between": [0, 1]},
                                                 "base_year": {"minimun": 2000}}})
    problems = parameter_problems(path, {"rate": 0.1})
    assert any("names 'ghost', which the parameters cell does not declare" in p for p in problems)
    assert any("properties/rate has unknown keyword 'between'" in p for p in problems)
    assert any("unknown keyword 'minimun'. Fix: did you mean 'minimum'?" in p for p in problems)


def test_a_schema_that_is_not_json_schema_is_reported(tmp_path: Path) -> None:
    problems = parameter_problems(with_schema(tmp_path, {"properties": {"rate": {"minimum": "low"}}}), {"rate": 2})
    assert len(problems) == 1 and "is not valid JSON Schema at properties/rate/minimum" in problems[0]
    problems = parameter_problems(with_schema(tmp_path, ["not", "a", "mapping"]), {})
    assert problems and "parameter_schema is not a mapping" in problems[0]


def test_the_old_rule_format_is_named_with_its_fix(tmp_path: Path) -> None:
    nb = json.loads(TYPED.read_text())
    nb["metadata"]["pakclaims"] = {"parameter_rules": {"rate": {"min": 0}}}
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps(nb))
    problems = parameter_problems(path, {})
    assert problems and "parameter_rules is the old rule format" in problems[0] and "parameter_schema" in problems[0]


def test_rules_across_parameters_use_defaults_and_given_values(tmp_path: Path, claims: Path) -> None:
    claims.write_text("id,claim_type,value,horizon_year\nPK-T-001,target,10,2035\nPK-C-001,context,5,\n")
    schema = {"properties": {"limit": {"minimum": 1}},
              "order": [{"lower": "base_year", "higher": ["limit", "claim_id.horizon_year"], "strict": True}]}
    path = with_schema(tmp_path, schema)
    # the default base_year (2026) against a given limit
    problems = parameter_problems(path, {"limit": 2020}, claims_path=claims)
    assert problems == ["rules.ipynb: parameter 'limit' = 2020 is not after 'base_year' = 2026. "
                        "Fix: give a limit after base_year, or an earlier base_year"]
    assert parameter_problems(path, {"limit": 2030}, claims_path=claims) == []
    # without a limit, the claim's horizon year counts
    problems = parameter_problems(path, {"base_year": 2040, "claim_id": "PK-T-001"}, claims_path=claims)
    assert problems == ["rules.ipynb: parameter 'base_year' = 2040 is not before the horizon_year 2035 of claim "
                        "'PK-T-001'. Fix: give a limit after base_year, or an earlier base_year"]
    assert parameter_problems(path, {"base_year": 2030, "claim_id": "PK-T-001"}, claims_path=claims) == []
    # a pair whose parameters were all left at their defaults is the notebook's own business
    assert parameter_problems(path, {"rate": 0.1}, claims_path=claims) == []


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"base_year": 2030.0}, "'base_year' = 2030.0 is a float, the notebook declares int"),
        ({"shares": [0.5, "x"]}, "'shares[1]' = 'x' is a str, the notebook declares list[float] for 'shares'"),
        ({"limit": 0}, "'limit' = 0 is below the minimum 1"),
        ({"limit": True}, "'limit' = True is a bool, the notebook declares int | None"),
        ({"mode": None}, "'mode' = None is a NoneType, the notebook declares str"),
    ],
)
def test_types_are_strict(tmp_path: Path, values: dict, expected: str) -> None:
    path = with_schema(tmp_path, {"properties": {"limit": {"minimum": 1}}})
    problems = parameter_problems(path, values)
    assert len(problems) == 1 and expected in problems[0], problems


def namespace(previous_input: str, **names: object) -> dict:
    """A kernel namespace as IPython leaves it when the cell after the parameters runs."""
    return {"__name__": "__main__", "In": ["", "base_year: int = 2026\n", previous_input, "check(...)"],
            "Out": {}, "get_ipython": print, **names}


def test_a_namespace_hands_over_the_declared_parameters(claims: Path) -> None:
    defaults = {p.name: p.default for p in read_parameters(TYPED)} | {"claim_id": "PK-T-001",
                                                                      "any_claim": "PK-C-001"}
    check_parameters(TYPED, namespace("base_year: int = 2026\n", **defaults, os=sys, Path=Path, n_claims=3.0),
                     claims_path=claims)
    with pytest.raises(ParameterError, match="'base_year' = 1800 is below the minimum 1990"):
        check_parameters(TYPED, namespace("", **{**defaults, "base_year": 1800}), claims_path=claims)


def test_a_name_papermill_injected_but_the_cell_does_not_declare_stops_the_notebook(claims: Path) -> None:
    defaults = {p.name: p.default for p in read_parameters(TYPED)} | {"claim_id": "PK-T-001",
                                                                      "any_claim": "PK-C-001"}
    injected = "# Parameters\nbase_yaer = 2030\nrate = 0.1\n"
    with pytest.raises(ParameterError) as info:
        check_parameters(TYPED, namespace(injected, **defaults, base_yaer=2030), claims_path=claims)
    assert info.value.problems == [
        "unknown parameter 'base_yaer' (value: 2030). Fix: did you mean 'base_year'? declared "
        "parameters are: base_year, rate, name, flag, shares, limit, mapping, claim_id, any_claim, mode, code, "
        "untyped, output_dir"]
    check_parameters(TYPED, namespace("# Parameters\nrate = 0.1\n", **defaults), claims_path=claims)


def test_missing_notebook_is_a_parameter_error(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="does not exist"):
        read_parameters(tmp_path / "nope.ipynb")


def test_check_is_cheap_to_import() -> None:
    code = (
        "import sys\nfrom helpers.params import check_parameters\n"
        f"check_parameters({str(TYPED)!r}, {{'base_year': 2030}})\n"
        "names = ('papermill', 'nbconvert', 'nbclient', 'nbformat', 'pandas', 'lark')\n"
        "heavy = [m for m in names if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_one_misspelt_parameter_names_the_notebook_once() -> None:
    """As papermill shows it in the notebook's first cell: the notebook in the summary, then the problem."""
    from helpers import paths

    with pytest.raises(ParameterError) as info:
        check_parameters(paths.notebook("10_target_gap"), {"horizon_yrs": 15})
    message = str(info.value)
    assert message.startswith("invalid parameter for 10_target_gap.ipynb: unknown parameter 'horizon_yrs' "
                              "(value: 15). Fix: did you mean 'horizon_years'?")
    assert message.count("10_target_gap.ipynb") == 1
