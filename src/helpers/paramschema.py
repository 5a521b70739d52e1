"""Every rule on notebook parameters as one JSON Schema, with the project's own keywords, and readable problems.

A notebook's parameters cell gives names, types and defaults; its metadata gives the value rules::

    metadata["pakclaims"]["parameter_schema"] = {
        "properties": {
            "claim_id": {"claim": "target"},                       # a register id of a target claim
            "base_year": {"minimum": 1990, "maximum": 2100},
            "scenario_rates": {"items": {"exclusiveMinimum": -0.5, "exclusiveMaximum": 2}},
        },
        "order": [{"lower": "base_year", "higher": ["target_year", "claim_id.horizon_year"], "strict": true}],
    }

:func:`build_schema` joins the two into one JSON Schema (draft 2020-12); :func:`schema_problems` lists every
problem of the values against it as a message naming the notebook, parameter, value and fix. Keywords of the
project, beside the standard ones:

``claim`` (on a parameter): the value is the id of a claim of that ``claim_type`` in the register
    (``"any"``: of any type); the register is read with the csv module.
``order`` (on the whole schema): each entry says ``lower`` comes before ``higher`` (``strict``: strictly).
    ``higher`` (or ``lower``) may list several sources, the first one given counts: a parameter name, or
    ``"<param>.<field>"``, the register field of the claim that parameter names (``claim_id.horizon_year``;
    a date field such as ``claim_id.as_of`` counts as its year).
    A pair with a side not given (None) is not compared.
"""

from __future__ import annotations

import ast
import csv
import difflib
import functools
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from helpers import paths

#: Keywords a parameter schema may use: the standard validation keywords plus the project's.
STANDARD_KEYWORDS = frozenset({
    "type", "enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength",
    "maxLength", "pattern", "items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains", "properties",
    "additionalProperties", "required", "propertyNames", "minProperties", "maxProperties", "anyOf", "allOf", "oneOf",
    "not", "if", "then", "else", "description", "title", "examples", "default", "$comment", "$schema",
})
PROJECT_KEYWORDS = frozenset({"claim", "order"})
ORDER_KEYS = frozenset({"lower", "higher", "strict", "fix"})

_DATE_YEAR = re.compile(r"^(\d{4})-\d{2}(?:-\d{2})?$")  # a register date: its year is compared

_SIMPLE_TYPES = {
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "str": {"type": "string"},
    "bool": {"type": "boolean"},
    "list": {"type": "array"},
    "tuple": {"type": "array"},
    "set": {"type": "array"},
    "dict": {"type": "object"},
    "None": {"type": "null"},
}
_JSON_NAMES = {"integer": "int", "number": "float", "string": "str", "boolean": "bool", "array": "list",
               "object": "dict", "null": "None"}


def load_jsonschema() -> Any:
    """The jsonschema package, imported without its optional IRI format checker.

    ``rfc3987_syntax`` (pulled in by jupyter-events) compiles a grammar when imported, 0.7 s that every notebook
    and every batch would pay; parameter schemas use no string formats, so it is kept out of that import.
    """
    if "jsonschema" in sys.modules:
        return sys.modules["jsonschema"]
    blocked = "rfc3987_syntax" not in sys.modules
    if blocked:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # makes its import raise ImportError
    try:
        import jsonschema
    finally:
        if blocked:
            del sys.modules["rfc3987_syntax"]
    return jsonschema


# ---------------------------------------------------------------------------------------------- types


def annotation_schema(type_text: str) -> dict[str, Any]:
    """The JSON Schema of a parameter annotation (``int | None``, ``list[float]``...); {} when unknown."""
    if not type_text:
        return {}
    try:
        node = ast.parse(type_text, mode="eval").body
    except SyntaxError:
        return {}
    return _node_schema(node)


def _node_schema(node: ast.expr) -> dict[str, Any]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union([_node_schema(node.left), _node_schema(node.right)])
    if isinstance(node, ast.Constant):
        if node.value is None:
            return {"type": "null"}
        return annotation_schema(node.value) if isinstance(node.value, str) else {}
    if isinstance(node, ast.Subscript):
        base = _name(node.value)
        args = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
        if base == "Optional":
            return _union([_node_schema(args[0]), {"type": "null"}])
        if base == "Union":
            return _union([_node_schema(a) for a in args])
        if base == "Literal":
            try:
                return {"enum": [ast.literal_eval(a) for a in args]}
            except ValueError:
                return {}
        if base in ("list", "List", "set", "Set", "Sequence"):
            return {"type": "array", "items": _node_schema(args[0])}
        if base in ("tuple", "Tuple"):
            if len(args) == 2 and isinstance(args[1], ast.Constant) and args[1].value is Ellipsis:
                return {"type": "array", "items": _node_schema(args[0])}
            return {"type": "array", "prefixItems": [_node_schema(a) for a in args], "items": False,
                    "minItems": len(args)}
        if base in ("dict", "Dict", "Mapping") and len(args) == 2:
            return {"type": "object", "propertyNames": _node_schema(args[0]),
                    "additionalProperties": _node_schema(args[1])}
        return _SIMPLE_TYPES.get(base, {})
    name = _name(node)
    return dict(_SIMPLE_TYPES.get(name, {}))


def _union(parts: list[dict[str, Any]]) -> dict[str, Any]:
    if any(not p for p in parts):
        return {}  # one side accepts anything
    if all(set(p) == {"type"} for p in parts):
        types: list[str] = []
        for p in parts:
            for t in p["type"] if isinstance(p["type"], list) else [p["type"]]:
                if t not in types:
                    types.append(t)
        return {"type": types[0] if len(types) == 1 else types}
    return {"anyOf": parts}


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def build_schema(types: dict[str, str], rules: dict[str, Any]) -> dict[str, Any]:
    """One JSON Schema from the declared types ({name: annotation}) and the metadata's value rules."""
    properties = {name: annotation_schema(text) for name, text in types.items()}
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if rules:
        schema = {"allOf": [schema, rules]}
    return schema


# ---------------------------------------------------------------------------------------------- the register


class Register:
    """Claims of the register by id (csv module only), read once per check."""

    def __init__(self, claims_path: str | Path | None = None) -> None:
        self.path = Path(claims_path) if claims_path else paths.CLAIMS
        self._rows: dict[str, dict[str, str]] | None = None
        self.error = ""

    @property
    def rows(self) -> dict[str, dict[str, str]]:
        """{claim id: row}; empty with ``error`` set when the register cannot be read."""
        if self._rows is None:
            self._rows = {}
            try:
                with self.path.open(encoding="utf-8-sig", newline="") as handle:
                    for row in csv.DictReader(handle):
                        cid = (row.get("id") or "").strip()
                        if cid:
                            self._rows[cid] = row
            except (OSError, UnicodeDecodeError, csv.Error) as exc:
                self.error = f"cannot read the claims register {paths.shown(self.path)} ({exc})"
        return self._rows

    def ids(self, claim_type: str = "any") -> list[str]:
        """Sorted ids of the claims of ``claim_type`` ("any": all)."""
        return sorted(cid for cid, row in self.rows.items()
                      if claim_type in ("any", "") or (row.get("claim_type") or "").strip() == claim_type)


def claim_ids(claims_path: str | Path | None = None, claim_type: str = "any") -> set[str]:
    """Claim ids of the register (csv module only); ``claim_type="target"`` keeps target claims only."""
    register = Register(claims_path)
    ids = set(register.ids(claim_type))
    if register.error:
        raise OSError(register.error)
    return ids


# ---------------------------------------------------------------------------------------------- validation


def _validator_class(register: Register) -> Any:
    """Draft 2020-12 with strict types (2.0 is not an int, a tuple is an array) and the project keywords."""
    js = load_jsonschema()
    base = js.Draft202012Validator
    checker = base.TYPE_CHECKER.redefine_many({
        "integer": lambda _, v: isinstance(v, int) and not isinstance(v, bool),
        "array": lambda _, v: isinstance(v, list | tuple),
    })

    def claim(validator: Any, claim_type: Any, instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
        if instance is None:
            return
        kind = str(claim_type or "any")
        ids = register.ids(kind)
        if register.error:
            yield js.ValidationError(f"cannot be checked: {register.error}", validator="claim-unreadable")
        elif str(instance) not in ids:
            yield js.ValidationError(f"not a {kind} claim", validator_value=kind)

    def order(validator: Any, pairs: Any, instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
        if not isinstance(instance, dict):
            return
        for pair in pairs:
            low = _first_given(pair.get("lower"), instance, register)
            high = _first_given(pair.get("higher"), instance, register)
            if low is None or high is None:
                continue
            strict = bool(pair.get("strict", True))
            if high[1] < low[1] or (strict and high[1] == low[1]):
                yield js.ValidationError("order", validator_value={"pair": pair, "low": low, "high": high})

    return js.validators.extend(base, {"claim": claim, "order": order}, type_checker=checker)


def _first_given(sources: Any, values: dict[str, Any], register: Register) -> tuple[str, float] | None:
    """(source, number) of the first source that has a number: a parameter or a register field."""
    for source in sources if isinstance(sources, list) else [sources]:
        name, _, field = str(source).partition(".")
        value = values.get(name)
        if field and value is not None:
            row = register.rows.get(str(value)) or {}
            value = row.get(field)
            dated = _DATE_YEAR.match(str(value or "").strip())
            try:  # a number, or the year of a date (as_of "2025-09-16" counts as 2025)
                value = float(dated.group(1)) if dated else float(value) if value not in (None, "") else None
            except ValueError:
                value = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(source), value
    return None


def rule_problems(rules: Any, declared: set[str], where: str) -> list[str]:
    """Problems of a notebook's ``parameter_schema`` itself: invalid JSON Schema, unknown keywords or names.

    Worked out once per schema, declared names and place (a plan runs one notebook many times)."""
    try:
        key = json.dumps(rules, sort_keys=True)
    except (TypeError, ValueError):
        return _rule_problems(rules, declared, where)
    return list(_rule_problems_once(key, frozenset(declared), where))


@functools.lru_cache(maxsize=64)
def _rule_problems_once(rules_json: str, declared: frozenset[str], where: str) -> tuple[str, ...]:
    return tuple(_rule_problems(json.loads(rules_json), set(declared), where))


def _rule_problems(rules: Any, declared: set[str], where: str) -> list[str]:
    head = f"{where}: metadata.pakclaims.parameter_schema"
    if not isinstance(rules, dict):
        return [f"{head} is not a mapping. Fix: write it as a JSON Schema object"]
    problems: list[str] = []
    js = load_jsonschema()
    try:
        js.Draft202012Validator.check_schema(rules)
    except js.SchemaError as exc:
        at = "/".join(str(p) for p in exc.path) or "(top)"
        problems.append(f"{head} is not valid JSON Schema at {at}: {exc.message}. Fix: correct it there")
    for path, keyword in _keywords(rules):
        if keyword not in STANDARD_KEYWORDS | PROJECT_KEYWORDS:
            close = difflib.get_close_matches(keyword, sorted(STANDARD_KEYWORDS | PROJECT_KEYWORDS), n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            problems.append(f"{head} at {path or '(top)'} has unknown keyword '{keyword}'. Fix: {hint}"
                            "use a JSON Schema validation keyword, 'claim' or 'order'")
    for name in (rules.get("properties") or {}) if isinstance(rules.get("properties"), dict) else {}:
        if name not in declared:
            problems.append(f"{head} names '{name}', which the parameters cell does not declare. "
                            "Fix: declare it or remove the rule")
    for pair in rules.get("order") or []:
        if not isinstance(pair, dict) or not {"lower", "higher"} <= set(pair) or set(pair) - ORDER_KEYS:
            problems.append(f"{head}: order entry {pair!r} needs 'lower' and 'higher' (and optionally 'strict', "
                            "'fix'). Fix: write {\"lower\": \"base_year\", \"higher\": \"target_year\"}")
            continue
        for side in ("lower", "higher"):
            for source in pair[side] if isinstance(pair[side], list) else [pair[side]]:
                if str(source).partition(".")[0] not in declared:
                    problems.append(f"{head}: order names '{source}', which the parameters cell does not declare. "
                                    "Fix: name a declared parameter")
    return problems


def _keywords(schema: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(path, keyword) of every keyword in a schema (property names and order entries are not keywords)."""
    if not isinstance(schema, dict):
        return
    for key, value in schema.items():
        yield path, key
        if key in ("properties", "$defs"):
            for name, sub in (value or {}).items() if isinstance(value, dict) else []:
                yield from _keywords(sub, f"{path}/{key}/{name}".lstrip("/"))
        elif key in ("items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames"):
            yield from _keywords(value, f"{path}/{key}".lstrip("/"))
        elif key in ("allOf", "anyOf", "oneOf", "prefixItems") and isinstance(value, list):
            for i, sub in enumerate(value):
                yield from _keywords(sub, f"{path}/{key}/{i}".lstrip("/"))


def schema_problems(
    schema: dict[str, Any],
    values: dict[str, Any],
    *,
    given: set[str],
    types: dict[str, str],
    where: str,
    register: Register,
    notes: dict[str, str] | None = None,
) -> list[str]:
    """Every problem of ``values`` against ``schema``, one message each naming parameter, value and fix.

    ``values`` holds the defaults and the given values; a rule on one parameter is reported only for given
    ones (a default is the notebook's own business), an ``order`` rule when one of its parameters was given.
    """
    validator = _validator_class(register)(schema)
    problems: list[str] = []
    for error in sorted(validator.iter_errors(values), key=lambda e: list(e.absolute_path)):
        message = _message(error, values, types, where, register, given)
        note = (notes or {}).get(str(next(iter(error.absolute_path), "")))
        if message and note and error.validator not in ("type", "order", "claim"):
            message = message.replace(". Fix: ", f" ({error.absolute_path[0]}: {note}). Fix: ", 1)
        if message and message not in problems:
            problems.append(message)
    return problems


def _message(
    error: Any, values: dict[str, Any], types: dict[str, str], where: str, register: Register, given: set[str]
) -> str:
    path = list(error.absolute_path)
    kind, arg, value = error.validator, error.validator_value, error.instance
    if kind == "order":
        return _order_message(arg, values, where, given)
    if not path or path[0] not in given:
        return ""
    name = str(path[0])
    top = values.get(name)
    shown_name = name + "".join(f"[{p}]" for p in path[1:])
    head = f"{where}: parameter '{shown_name}' = {value!r}"
    if kind == "type":
        declared = types.get(name) or _JSON_NAMES.get(str(arg), str(arg))
        if len(path) > 1:
            return f"{head} is a {type(value).__name__}, the notebook declares {declared} for '{name}'. " \
                   f"Fix: give {name} as {declared}"
        return f"{where}: parameter '{name}' = {top!r} is a {type(top).__name__}, the notebook declares " \
               f"{declared}. Fix: give a value of type {declared}"
    texts = {
        "minimum": (f"is below the minimum {arg!r}", f"use a value >= {arg!r}"),
        "maximum": (f"is above the maximum {arg!r}", f"use a value <= {arg!r}"),
        "exclusiveMinimum": (f"is not above {arg!r}", f"use a value > {arg!r}"),
        "exclusiveMaximum": (f"is not below {arg!r}", f"use a value < {arg!r}"),
        "const": (f"is not the required value {arg!r}", f"use {arg!r}"),
        "pattern": (f"does not match the pattern {arg!r}", "give a value matching it"),
        "minItems": (f"has fewer than {arg} item(s)", f"give at least {arg}"),
        "maxItems": (f"has more than {arg} item(s)", f"give at most {arg}"),
        "minLength": (f"is shorter than {arg} character(s)", f"give at least {arg}"),
        "maxLength": (f"is longer than {arg} character(s)", f"give at most {arg}"),
        "uniqueItems": ("repeats an item", "give each item once"),
    }
    if kind == "enum":
        texts[kind] = ("is not an allowed choice", "use one of " + ", ".join(repr(c) for c in arg))
    if kind == "claim-unreadable":
        return f"{head} cannot be checked: {register.error}. Fix: restore data/claims.csv"
    if kind == "claim":
        ids = register.ids(str(arg))
        kind_text = "a claim id" if arg in ("any", "", None) else f"the id of a {arg} claim"
        close = difflib.get_close_matches(str(value), ids, n=3)
        hint = f" (closest: {', '.join(close)})" if close else ""
        fix = "use an id from data/claims.csv" + ("" if arg in ("any", "", None) else f" with claim_type {arg!r}")
        return f"{head} is not {kind_text} in the claims register{hint}. Fix: {fix}"
    what, fix = texts.get(kind, (f"breaks the rule {kind}: {error.message}", "see the notebook's parameter_schema"))
    return f"{head} {what}. Fix: {fix}"


def _order_message(arg: dict[str, Any], values: dict[str, Any], where: str, given: set[str]) -> str:
    pair, (low_src, low), (high_src, high) = arg["pair"], arg["low"], arg["high"]
    involved = {low_src.partition(".")[0], high_src.partition(".")[0]}
    if not involved & given:
        return ""
    strict = bool(pair.get("strict", True))

    def said(source: str, number: float) -> str:
        name, _, field = source.partition(".")
        shown = int(number) if float(number).is_integer() else number
        return f"{field} {shown} of claim {values.get(name)!r}" if field else f"'{source}' = {shown}"

    highs = pair["higher"] if isinstance(pair["higher"], list) else [pair["higher"]]
    param = next((str(h) for h in highs if "." not in str(h)), high_src.partition(".")[0])
    fix = pair.get("fix") or f"give a {param} after {low_src}, or an earlier {low_src}"
    if "." in high_src:  # the other side is the register's: say it from the parameter's side
        relation = "before" if strict else "on or before"
        return f"{where}: parameter {said(low_src, low)} is not {relation} the {said(high_src, high)}. Fix: {fix}"
    relation = "after" if strict else "on or after"
    return f"{where}: parameter {said(high_src, high)} is not {relation} {said(low_src, low)}. Fix: {fix}"
