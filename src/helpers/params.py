"""Strict notebook parameters: read the ``parameters`` cell, check values against types and declared rules.

The parameters cell is parsed with :mod:`ast`; lines look like ``base_year: int = 2026  # comment``.
Value rules live in the notebook metadata::

    metadata["pakclaims"]["parameter_rules"] = {
        "base_year": {"min": 1990, "max": 2100},
        "claim_id": {"claim": "target"},          # a register claim id; "any" accepts every claim type
        "mode": {"choices": ["a", "b"]},
        "code": {"pattern": "^[A-Z]{3}$"},
    }

Everything here is cheap to import (json, ast, csv): notebooks call :func:`check_parameters` in their
second cell, and the batch checks every run with it before any kernel starts.
"""

from __future__ import annotations

import ast
import csv
import difflib
import io
import json
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers import paths
from helpers.errors import ParameterError

RULE_KINDS = ("min", "max", "choices", "claim", "pattern")


@dataclass(frozen=True)
class Param:
    """One declared parameter of a notebook."""

    name: str
    type: str  # annotation text ("int", "list[float]", "int | None"); inferred from the default if absent
    default: Any  # literal default value; None when the default is not a literal
    comment: str  # the trailing ``# comment`` of the line, without the hash
    default_source: str = ""  # the default as written in the cell


def load_notebook_json(notebook_path: str | Path) -> dict[str, Any]:
    """Read a notebook file as plain JSON (no nbformat import, so it stays cheap)."""
    path = Path(notebook_path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ParameterError(
            [f"{path}: notebook file does not exist. Fix: check the path or create the notebook"],
            notebook=path.name,
        ) from None
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParameterError(
            [f"{path}: not valid notebook JSON (line {exc.lineno}: {exc.msg}). Fix: repair the file"],
            notebook=path.name,
        ) from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ParameterError(
            [f"{path}: not a notebook (no 'cells' list). Fix: save it from Jupyter as .ipynb"],
            notebook=path.name,
        )
    return nb


def _source(cell: dict[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def parameters_source(nb: dict[str, Any]) -> str | None:
    """Source of the first cell tagged ``parameters``, or None when the notebook has none."""
    for cell in nb.get("cells", []):
        if "parameters" in (cell.get("metadata", {}).get("tags") or []):
            return _source(cell)
    return None


def _comments_by_line(source: str) -> dict[int, str]:
    comments: dict[int, str] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                comments[tok.start[0]] = tok.string.lstrip("#").strip()
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return comments


def _literal(node: ast.expr) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def parse_parameters_source(source: str, where: str = "<parameters cell>") -> list[Param]:
    """Parse a parameters cell: every top-level ``name[: type] = value`` assignment becomes a Param."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterError(
            [
                f"{where}: parameters cell is not valid Python (line {exc.lineno}: {exc.msg}). "
                "Fix: correct the parameters cell"
            ]
        ) from None
    comments = _comments_by_line(source)
    params: dict[str, Param] = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            targets, type_text, value = [node.target.id], ast.unparse(node.annotation), node.value
        elif isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
            targets = [t.id for t in node.targets]  # type: ignore[attr-defined]
            type_text, value = "", node.value
        else:
            continue
        default = _literal(value) if value is not None else None
        if not type_text:
            type_text = _infer_type(default) if value is not None and _is_literal(value) else ""
        comment = comments.get(node.end_lineno or node.lineno, "") or comments.get(node.lineno, "")
        src = ast.unparse(value) if value is not None else ""
        for name in targets:
            params[name] = Param(name, type_text, default, comment, src)
    return list(params.values())


def _is_literal(node: ast.expr) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _infer_type(value: Any) -> str:
    if value is None:
        return ""
    return type(value).__name__


def read_parameters(notebook_path: str | Path) -> list[Param]:
    """Declared parameters of a notebook (its first cell tagged ``parameters``), in order."""
    nb = load_notebook_json(notebook_path)
    source = parameters_source(nb)
    if source is None:
        return []
    return parse_parameters_source(source, where=str(notebook_path))


def parameter_rules(notebook_path: str | Path) -> dict[str, dict[str, Any]]:
    """Value rules a notebook declares in ``metadata.pakclaims.parameter_rules``."""
    nb = load_notebook_json(notebook_path)
    rules = (nb.get("metadata", {}).get("pakclaims") or {}).get("parameter_rules") or {}
    return rules if isinstance(rules, dict) else {}


# ---------------------------------------------------------------------------------------------- types

_SIMPLE = {
    "int": int,
    "float": float,
    "str": str,
    "bool": bool,
    "list": list,
    "dict": dict,
    "tuple": tuple,
    "set": set,
    "bytes": bytes,
}


def type_matches(value: Any, type_text: str) -> bool:
    """Whether ``value`` fits the annotation text (int passes for float; bool is not an int)."""
    if not type_text:
        return True
    try:
        node = ast.parse(type_text, mode="eval").body
    except SyntaxError:
        return True  # an annotation we cannot read: do not block the run on it
    return _matches(value, node)


def _matches(value: Any, node: ast.expr) -> bool:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _matches(value, node.left) or _matches(value, node.right)
    if isinstance(node, ast.Constant):
        if node.value is None:
            return value is None
        if isinstance(node.value, str):  # string annotation such as "int"
            return type_matches(value, node.value)
        return True
    name = _type_name(node)
    if isinstance(node, ast.Subscript):
        base = _type_name(node.value)
        args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if base in ("Optional",):
            return value is None or _matches(value, args[0])
        if base == "Union":
            return any(_matches(value, a) for a in args)
        if base == "Literal":
            return any(_literal(a) == value and type(_literal(a)) is type(value) for a in args)
        if base in ("list", "List", "set", "Set", "Sequence"):
            if not isinstance(value, list | tuple | set):
                return False
            return all(_matches(v, args[0]) for v in value)
        if base in ("tuple", "Tuple"):
            if not isinstance(value, list | tuple):
                return False
            if len(args) == 2 and isinstance(args[1], ast.Constant) and args[1].value is Ellipsis:
                return all(_matches(v, args[0]) for v in value)
            return len(args) == len(value) and all(_matches(v, a) for v, a in zip(value, args, strict=True))
        if base in ("dict", "Dict", "Mapping"):
            if not isinstance(value, dict):
                return False
            if len(args) == 2:
                return all(_matches(k, args[0]) and _matches(v, args[1]) for k, v in value.items())
            return True
        return True
    if name in ("Any", "object", ""):
        return True
    if name == "None":
        return value is None
    if name == "float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if name == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if name in ("list", "List"):
        return isinstance(value, list | tuple)
    if name in _SIMPLE:
        return isinstance(value, _SIMPLE[name])
    return True  # a type we do not know (Path, a class): leave it to the notebook


def _type_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


# ---------------------------------------------------------------------------------------------- rules


def claim_ids(claims_path: str | Path | None = None, claim_type: str = "any") -> set[str]:
    """Claim ids of the register (csv module only); ``claim_type="target"`` keeps target claims only."""
    path = Path(claims_path) if claims_path is not None else paths.CLAIMS
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        ids: set[str] = set()
        for row in reader:
            cid = (row.get("id") or "").strip()
            if not cid:
                continue
            if claim_type in ("any", "", None) or (row.get("claim_type") or "").strip() == claim_type:
                ids.add(cid)
    return ids


def _elements(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple | set) else [value]


def _claim_problems(
    head: str, value: Any, ctype: str, claims_path: str | Path | None, cache: dict[str, set[str] | str]
) -> list[str]:
    if ctype not in cache:
        try:
            cache[ctype] = claim_ids(claims_path, ctype)
        except OSError as exc:
            cache[ctype] = f"cannot read the claims register ({exc})"
    known = cache[ctype]
    if isinstance(known, str):
        return [f"{head} = {value!r} cannot be checked: {known}. Fix: restore data/claims.csv"]
    if str(value) in known:
        return []
    kind_text = "a claim id" if ctype == "any" else f"the id of a {ctype} claim"
    close = difflib.get_close_matches(str(value), sorted(known), n=3)
    hint = f" (closest: {', '.join(close)})" if close else ""
    fix = "use an id from data/claims.csv" + ("" if ctype == "any" else f" with claim_type {ctype!r}")
    return [f"{head} = {value!r} is not {kind_text} in the claims register{hint}. Fix: {fix}"]


def _rule_problems(
    name: str,
    value: Any,
    rules: dict[str, Any],
    where: str,
    claims_path: str | Path | None,
    claim_cache: dict[str, set[str] | str],
) -> list[str]:
    problems: list[str] = []
    head = f"{where}: parameter '{name}'"
    for kind, arg in rules.items():
        if kind not in RULE_KINDS:
            problems.append(
                f"{where}: metadata.pakclaims.parameter_rules['{name}'] has unknown rule '{kind}'. "
                f"Fix: use one of {', '.join(RULE_KINDS)}"
            )
            continue
        for v in _elements(value):
            if v is None:
                continue
            if kind in ("min", "max"):
                if not isinstance(v, int | float) or isinstance(v, bool):
                    continue  # the type check reports this
                if kind == "min" and v < arg:
                    problems.append(
                        f"{head} = {v!r} is below the minimum {arg!r}. Fix: use a value >= {arg!r}"
                    )
                if kind == "max" and v > arg:
                    problems.append(
                        f"{head} = {v!r} is above the maximum {arg!r}. Fix: use a value <= {arg!r}"
                    )
            elif kind == "choices":
                if v not in list(arg):
                    choices = ", ".join(repr(c) for c in arg)
                    problems.append(f"{head} = {v!r} is not an allowed choice. Fix: use one of {choices}")
            elif kind == "pattern":
                if not isinstance(v, str) or re.fullmatch(str(arg), v) is None:
                    problems.append(
                        f"{head} = {v!r} does not match the pattern {arg!r}. Fix: give a value matching it"
                    )
            elif kind == "claim":
                problems.extend(_claim_problems(head, v, str(arg or "any"), claims_path, claim_cache))
    return problems


def parameter_problems(
    notebook_path: str | Path,
    values: dict[str, Any],
    *,
    claims_path: str | Path | None = None,
    where: str | None = None,
    _cache: dict[str, set[str] | str] | None = None,
) -> list[str]:
    """Every problem with ``values`` for the notebook (unknown names, wrong types, broken rules)."""
    nb_path = Path(notebook_path)
    where = where or nb_path.name
    try:
        nb = load_notebook_json(nb_path)
    except ParameterError as exc:
        return [f"{where}: {p}" for p in exc.problems]
    source = parameters_source(nb)
    declared = {p.name: p for p in parse_parameters_source(source, str(nb_path))} if source else {}
    rules = (nb.get("metadata", {}).get("pakclaims") or {}).get("parameter_rules") or {}
    problems: list[str] = []
    if source is None and values:
        problems.append(
            f"{where}: the notebook has no cell tagged 'parameters', so it takes no parameters "
            f"(given: {', '.join(sorted(values))}). Fix: tag the parameters cell or drop the parameters"
        )
        return problems
    if not isinstance(rules, dict):
        problems.append(f"{where}: metadata.pakclaims.parameter_rules is not a mapping. Fix: make it one")
        rules = {}
    for rule_name in rules:
        if rule_name not in declared:
            problems.append(
                f"{where}: metadata.pakclaims.parameter_rules names '{rule_name}', which the parameters "
                "cell does not declare. Fix: declare it or remove the rule"
            )
    cache: dict[str, set[str] | str] = _cache if _cache is not None else {}
    for name, value in values.items():
        param = declared.get(name)
        if param is None:
            close = difflib.get_close_matches(name, list(declared), n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            known = ", ".join(declared) or "none"
            problems.append(
                f"{where}: unknown parameter '{name}' (value: {value!r}). "
                f"Fix: {hint}declared parameters are: {known}"
            )
            continue
        if not type_matches(value, param.type):
            problems.append(
                f"{where}: parameter '{name}' = {value!r} is a {type(value).__name__}, "
                f"the notebook declares {param.type}. Fix: give a value of type {param.type}"
            )
            continue
        rule = rules.get(name)
        if isinstance(rule, dict):
            problems.extend(_rule_problems(name, value, rule, where, claims_path, cache))
        elif rule is not None:
            problems.append(
                f"{where}: metadata.pakclaims.parameter_rules['{name}'] is not a mapping. "
                'Fix: write it as {"min": ..., ...}'
            )
    return problems


def check_parameters(
    notebook_path: str | Path, values: dict[str, Any], *, claims_path: str | Path | None = None
) -> None:
    """Raise ParameterError listing every problem with ``values`` for the notebook; None when all is fine."""
    problems = parameter_problems(notebook_path, values, claims_path=claims_path)
    if problems:
        raise ParameterError(problems, notebook=Path(notebook_path).name)
