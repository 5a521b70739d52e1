"""Strict notebook parameters: read the ``parameters`` cell, check values against one JSON Schema.

The parameters cell is parsed with :mod:`ast`; lines look like ``base_year: int | None = None  # comment``
(``None`` means "not given"). The value rules live in the notebook metadata as JSON Schema
(``metadata.pakclaims.parameter_schema``, see :mod:`helpers.paramschema`): ranges, choices, patterns, "must be
the id of a target claim" and rules across parameters ("target_year after base_year").

Notebooks hand their namespace over once, in the cell after the parameters cell::

    check_parameters(paths.notebook("10_target_gap"), globals())

which checks every declared parameter and refuses a name that papermill injected but the cell does not
declare (``-p horizon_yrs 15``: "did you mean 'horizon_years'?"). The batch checks every run with
:func:`parameter_problems` before any kernel starts. Nothing here imports pandas, nbformat or papermill.
"""

from __future__ import annotations

import ast
import difflib
import io
import json
import tokenize
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers import paramschema
from helpers.errors import ParameterError

#: The comment papermill writes on top of the cell of parameters it injects (its Python translator).
INJECTED_HEADER = "# Parameters\n"


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


def parameter_schema(notebook_path: str | Path) -> dict[str, Any]:
    """The value rules a notebook declares (``metadata.pakclaims.parameter_schema``), {} when none."""
    return _rules_of(load_notebook_json(notebook_path))


def _rules_of(nb: dict[str, Any]) -> Any:
    meta = nb.get("metadata", {}).get("pakclaims") or {}
    return meta.get("parameter_schema") or {}


def type_matches(value: Any, type_text: str) -> bool:
    """Whether ``value`` fits the annotation text (int passes for float; bool is not an int)."""
    schema = paramschema.annotation_schema(type_text)
    return not schema or not paramschema.schema_problems(
        {"type": "object", "properties": {"v": schema}}, {"v": value}, given={"v"}, types={"v": type_text},
        where="", register=paramschema.Register())


def injected_names(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """{name: value} papermill injected into a kernel, read from the IPython input history of ``namespace``.

    Papermill runs its injected cell (``# Parameters`` then one assignment a line) right after the cell tagged
    ``parameters``; called from the cell after that, the previous input is the injected one. {} outside
    IPython or when nothing was injected (a run in JupyterLab).
    """
    history = namespace.get("In")
    if not isinstance(history, list) or len(history) < 2 or not str(history[-2]).startswith(INJECTED_HEADER):
        return {}
    try:
        tree = ast.parse(str(history[-2]))
    except SyntaxError:
        return {}
    names = [t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets
             if isinstance(t, ast.Name)]
    return {name: namespace.get(name) for name in names}


def parameter_problems(
    notebook_path: str | Path,
    values: Mapping[str, Any],
    *,
    claims_path: str | Path | None = None,
    where: str | None = None,
    register: paramschema.Register | None = None,
) -> list[str]:
    """Every problem with ``values`` for the notebook: unknown names, wrong types, broken rules.

    ``values`` maps given names to values; a notebook's ``globals()`` also works (see :func:`check_parameters`).
    The claim rules read ``claims_path`` (else the ``claims_path`` value, else data/claims.csv); pass one
    ``register`` to share its reading across many checks.
    """
    nb_path = Path(notebook_path)
    where = where or nb_path.name
    try:
        nb = load_notebook_json(nb_path)
    except ParameterError as exc:
        return [f"{where}: {p}" for p in exc.problems]
    source = parameters_source(nb)
    declared = {p.name: p for p in parse_parameters_source(source, str(nb_path))} if source else {}
    if "__name__" in values:  # a kernel's namespace: the declared names, and what papermill injected
        given = {**{n: values[n] for n in declared if n in values}, **injected_names(values)}
    else:
        given = dict(values)
    if source is None:
        if not given:
            return []
        return [f"{where}: the notebook has no cell tagged 'parameters', so it takes no parameters "
                f"(given: {', '.join(sorted(given))}). Fix: tag the parameters cell or drop the parameters"]
    problems: list[str] = []
    meta = nb.get("metadata", {}).get("pakclaims") or {}
    if "parameter_rules" in meta:
        problems.append(f"{where}: metadata.pakclaims.parameter_rules is the old rule format. Fix: write the rules "
                        "as JSON Schema in metadata.pakclaims.parameter_schema (min -> minimum, max -> maximum, "
                        "choices -> enum; claim stays claim)")
    rules = _rules_of(nb)
    rule_errors = paramschema.rule_problems(rules, set(declared), where) if rules else []
    problems.extend(rule_errors)
    for name, value in given.items():
        if name not in declared:
            close = difflib.get_close_matches(name, list(declared), n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            problems.append(f"{where}: unknown parameter '{name}' (value: {value!r}). "
                            f"Fix: {hint}declared parameters are: {', '.join(declared) or 'none'}")
    known = {n: v for n, v in given.items() if n in declared}
    defaults = {n: p.default for n, p in declared.items() if p.default_source and _is_default_literal(p)}
    types = {n: p.type for n, p in declared.items()}
    if rule_errors:
        rules = {}  # a broken schema checks types only
    if register is None:
        path = claims_path or (known.get("claims_path") if isinstance(known.get("claims_path"), str) else None)
        register = paramschema.Register(path or None)
    problems.extend(paramschema.schema_problems(
        paramschema.build_schema(types, rules), {**defaults, **known}, given=set(known), types=types, where=where,
        register=register, notes={n: p.comment for n, p in declared.items() if p.comment}))
    return problems


def _is_default_literal(param: Param) -> bool:
    try:
        ast.literal_eval(param.default_source)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def check_parameters(
    notebook_path: str | Path, values: Mapping[str, Any], *, claims_path: str | Path | None = None
) -> None:
    """Raise ParameterError listing every problem with the notebook's parameters; None when all is fine.

    ``values`` is the notebook's ``globals()`` (its declared parameters are picked from it, and names papermill
    injected that the parameters cell does not declare are refused) or a mapping of given values.
    """
    name = Path(notebook_path).name
    # the error names the notebook once, in its summary ("invalid parameter for <name>: ...")
    problems = [p.removeprefix(f"{name}: ") for p in parameter_problems(notebook_path, values,
                                                                         claims_path=claims_path)]
    if problems:
        raise ParameterError(problems, notebook=name)
