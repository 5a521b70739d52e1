"""The run plan (runs.yaml): which notebooks the batch renders, with which parameters.

A plan is a mapping with a ``runs`` list; each run has ``name``, ``notebook`` (relative to notebooks/),
optional ``title`` and ``parameters``, and optionally ``foreach: <expander>``, which repeats the run once
per item the expander returns; ``{field}`` placeholders in name, title and parameters take the item's
fields. ``foreach: {grid: {rate: [0.05, 0.1], horizon: [10, 20]}}`` is a sweep: one run per combination,
and one table comparing their key figures (``sweep: <name>`` names it; default: the name before '{').
A parameter whose whole value is one placeholder (``"{claim_id}"``) takes the item's value as is.

Every problem of the plan is collected and raised together as one PlanError.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers import paths
from helpers.errors import PlanError

RUN_KEYS = ("name", "notebook", "title", "parameters", "foreach", "sweep")
RESERVED_PARAMETERS = ("output_dir",)
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
#: Longest run name: a folder name, with room for the batch's suffixes within the 255 bytes most file systems allow.
MAX_NAME_LENGTH = 100

Expander = Callable[[], list[dict[str, Any]]]


def _target_claims() -> list[dict[str, Any]]:
    """One item per target claim of the register, read with the csv module (no pandas on a no-op rerun).

    The file is read like every data file (``helpers.datafiles``: UTF-8 with or without a byte-order mark,
    a size limit, a message naming the byte that is not UTF-8); the register's contents are validated by the
    batch's input check before anything runs, not here.
    """
    from helpers.datafiles import read_rows

    problems: list = []
    rows = read_rows(paths.CLAIMS, ["id", "claim_type"], problems, what="claims register")
    if problems:
        raise PlanError("foreach: target_claims cannot read the register: "
                        + "; ".join(str(problem) for problem in problems[:5]))
    return [{"claim_id": row["id"], "subject": row.get("subject", "")}
            for _, row in rows if row.get("claim_type") == "target" and row.get("id")]


#: Expanders a plan can name in ``foreach``: each returns one dict of placeholder fields per run.
EXPANDERS: dict[str, Expander] = {"target_claims": _target_claims}


def register_expander(name: str, func: Expander) -> None:
    """Make ``foreach: <name>`` available in plans (``func()`` returns one field dict per run)."""
    EXPANDERS[name] = func


@dataclass(frozen=True)
class Run:
    """One expanded run of the plan."""

    name: str
    notebook: str  # relative to the notebooks directory
    title: str
    parameters: dict[str, Any] = field(default_factory=dict)
    line: int = 0  # 1-based line of the run entry in the plan file (0: unknown)
    notebooks_dir: Path = paths.NOTEBOOKS
    sweep: str = ""  # name of the sweep whose comparison table shows this run (foreach: {grid: ...})
    point: dict[str, Any] = field(default_factory=dict)  # the run's values of the sweep's grid

    @property
    def notebook_path(self) -> Path:
        """Absolute path of the run's notebook."""
        return self.notebooks_dir / self.notebook


class _LineLoader:  # built lazily so that importing this module does not import yaml
    loader: Any = None

    @classmethod
    def get(cls) -> Any:
        if cls.loader is None:
            import yaml

            class Loader(yaml.SafeLoader):
                def construct_mapping(self, node: Any, deep: bool = False) -> Any:
                    mapping = super().construct_mapping(node, deep=deep)
                    mapping = _LineDict(mapping)
                    mapping.line = node.start_mark.line + 1
                    return mapping

            Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, Loader.construct_mapping)
            cls.loader = Loader
        return cls.loader


class _LineDict(dict):
    line: int = 0


def _format(template: str, item: dict[str, Any], where: str, problems: list[str]) -> Any:
    """Fill ``{field}`` placeholders from an expander item; a lone placeholder keeps the value's type."""
    fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    missing = [f for f in fields if f not in item]
    if missing:
        problems.append(
            f"{where}: placeholder {{{missing[0]}}} is not a field of the foreach items "
            f"(fields: {', '.join(sorted(item)) or 'none'}). Fix: use one of those fields"
        )
        return template
    whole = re.fullmatch(r"\{(\w+)\}", template)
    if whole:
        return item[whole.group(1)]
    try:
        return template.format_map(item)
    except (ValueError, IndexError, KeyError) as exc:
        problems.append(f"{where}: cannot fill {template!r} ({exc}). Fix: write placeholders as {{field}}")
        return template


def _fill(value: Any, item: dict[str, Any] | None, where: str, problems: list[str]) -> Any:
    if item is None:
        return value
    if isinstance(value, str):
        return _format(value, item, where, problems)
    if isinstance(value, list):
        return [_fill(v, item, where, problems) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, item, where, problems) for k, v in value.items()}
    return value


def grid_items(foreach: dict[str, Any], where: str, problems: list[str]) -> list[dict[str, Any]]:
    """The points of ``foreach: {grid: {field: [values...], ...}}``: every combination, in order."""
    import itertools

    grid = foreach.get("grid")
    if set(foreach) != {"grid"} or not isinstance(grid, dict) or not grid or not all(
            isinstance(v, list) and v for v in grid.values()):
        problems.append(f"{where}: field 'foreach': a sweep is written 'foreach: {{grid: {{rate: [0.05, 0.1], "
                        "horizon: [10, 20]}}'. Fix: give each grid field a non-empty list of values")
        return []
    fields = [str(k) for k in grid]
    return [dict(zip(fields, values, strict=True)) for values in itertools.product(*grid.values())]


def parse_plan_text(
    text: str,
    source: str = "runs.yaml",
    *,
    notebooks_dir: Path | None = None,
    expanders: dict[str, Expander] | None = None,
) -> list[Run]:
    """Parse and expand plan text; raise PlanError listing every problem."""
    import yaml

    nb_dir = Path(notebooks_dir) if notebooks_dir is not None else paths.NOTEBOOKS
    registry = expanders if expanders is not None else EXPANDERS
    try:
        doc = yaml.load(text, Loader=_LineLoader.get())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown line"
        raise PlanError(
            f"{source}: malformed YAML at {line}: {exc.problem or exc.context}. "
            "Fix: correct the YAML syntax there (indentation, quotes, colons)"
        ) from None
    except yaml.YAMLError as exc:
        raise PlanError(f"{source}: malformed YAML: {exc}. Fix: correct the YAML syntax") from None

    problems: list[str] = []
    if not isinstance(doc, dict) or not isinstance(doc.get("runs"), list):
        raise PlanError(
            f"{source}: the plan must be a mapping with a 'runs' list. "
            "Fix: start the file with 'runs:' followed by '- name: ...' entries"
        )
    extra = sorted(set(doc) - {"runs"})
    if extra:
        problems.append(f"{source}: unknown top-level key(s) {', '.join(extra)}. Fix: only 'runs' is allowed")

    runs: list[Run] = []
    for index, entry in enumerate(doc["runs"], start=1):
        line = getattr(entry, "line", 0)
        where = f"{source}, run {index}" + (f" (line {line})" if line else "")
        if not isinstance(entry, dict):
            problems.append(
                f"{where}: a run must be a mapping with name and notebook. Fix: write '- name: ...'"
            )
            continue
        name, notebook = entry.get("name"), entry.get("notebook")
        if isinstance(name, str) and name.strip():
            where = f"{where} '{name}'"
        unknown = [k for k in entry if k not in RUN_KEYS]
        if unknown:
            problems.append(
                f"{where}: unknown key(s) {', '.join(map(str, unknown))}. Fix: allowed keys are "
                f"{', '.join(RUN_KEYS)}"
            )
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where}: missing or empty 'name'. Fix: give the run a name")
            continue
        if not isinstance(notebook, str) or not notebook.strip():
            problems.append(f"{where}: missing 'notebook'. Fix: name a notebook file under notebooks/")
            continue
        if not (nb_dir / notebook).is_file():
            problems.append(
                f"{where}: field 'notebook': {nb_dir / notebook} does not exist (value: {notebook!r}). "
                "Fix: correct the file name (relative to notebooks/) or create the notebook"
            )
        title = entry.get("title", name)
        params = entry.get("parameters") or {}
        if not isinstance(params, dict):
            problems.append(
                f"{where}: 'parameters' must be a mapping. Fix: write 'parameters: {{key: value}}'"
            )
            params = {}
        for reserved in RESERVED_PARAMETERS:
            if reserved in params:
                problems.append(
                    f"{where}: parameter '{reserved}' is set by the batch. Fix: remove it from the plan"
                )
        items: list[dict[str, Any] | None] = [None]
        foreach = entry.get("foreach")
        sweep = entry.get("sweep") or ""
        if isinstance(foreach, dict):
            items = grid_items(foreach, where, problems)
            if not items:
                continue
            sweep = sweep or str(name).split("{", 1)[0].rstrip("-_.") or "sweep"
            if not NAME_RE.match(str(sweep)):
                problems.append(f"{where}: sweep name {sweep!r} is not usable as a file name. Fix: use letters, "
                                "digits, '.', '_' and '-' only")
        elif sweep:
            problems.append(f"{where}: 'sweep' needs 'foreach: {{grid: ...}}'. Fix: add the grid, or drop 'sweep'")
        elif foreach is not None:
            func = registry.get(str(foreach))
            if func is None:
                problems.append(
                    f"{where}: field 'foreach': unknown expander {foreach!r}. "
                    f"Fix: use one of {', '.join(sorted(registry)) or '(none registered)'}"
                )
                continue
            items = [dict(i) for i in func()]
        for item in items:
            run_name = _fill(name, item, f"{where}, field 'name'", problems)
            run_name = str(run_name)
            if not NAME_RE.match(run_name):
                problems.append(
                    f"{where}: run name {run_name!r} is not usable as a directory name. "
                    "Fix: start with a letter or digit and use letters, digits, '.', '_' and '-' only"
                )
            elif len(run_name) > MAX_NAME_LENGTH:
                problems.append(
                    f"{where}: run name {run_name[:40]!r}... is {len(run_name)} characters long. "
                    f"Fix: keep run names to {MAX_NAME_LENGTH} characters"
                )
            runs.append(
                Run(
                    name=run_name,
                    notebook=notebook,
                    title=str(_fill(str(title), item, f"{where}, field 'title'", problems)),
                    parameters={
                        k: _fill(v, item, f"{where}, parameter '{k}'", problems) for k, v in params.items()
                    },
                    line=line,
                    notebooks_dir=nb_dir,
                    sweep=str(sweep) if isinstance(foreach, dict) else "",
                    point=dict(item or {}) if isinstance(foreach, dict) else {},
                )
            )
    seen: dict[str, Run] = {}
    for run in runs:
        if run.name in seen:
            problems.append(
                f"{source}: duplicate run name {run.name!r} (lines {seen[run.name].line} and {run.line}). "
                "Fix: give every run a unique name (add a placeholder such as {claim_id} for foreach runs)"
            )
        else:
            seen[run.name] = run
    if problems:
        # one message per distinct problem (a foreach run repeats its template problems per item)
        unique = list(dict.fromkeys(problems))
        raise PlanError(
            f"{source}: {len(unique)} problem(s) in the run plan:\n" + "\n".join(f"  - {p}" for p in unique)
        )
    return runs


def load_plan(
    plan_path: str | Path | None = None,
    *,
    notebooks_dir: Path | None = None,
    expanders: dict[str, Expander] | None = None,
) -> list[Run]:
    """Read, validate and expand the run plan (default ``paths.RUN_PLAN``)."""
    path = Path(plan_path) if plan_path is not None else paths.RUN_PLAN
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanError(f"{path}: run plan not found. Fix: create it or pass --plan PATH") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError(f"{path}: cannot read the run plan ({exc}). Fix: check the file") from None
    return parse_plan_text(text, str(path), notebooks_dir=notebooks_dir, expanders=expanders)


def select_runs(runs: list[Run], patterns: list[str]) -> list[Run]:
    """Runs matching any fnmatch pattern (all when none given); a pattern matching nothing -> PlanError."""
    from fnmatch import fnmatchcase

    if not patterns:
        return list(runs)
    unmatched = [p for p in patterns if not any(fnmatchcase(r.name, p) for r in runs)]
    if unmatched:
        names = ", ".join(r.name for r in runs) or "(none)"
        raise PlanError(
            f"no run matches {', '.join(repr(p) for p in unmatched)}. Fix: use a name or pattern "
            f"(fnmatch, e.g. '10_*') of the plan's runs: {names}"
        )
    return [r for r in runs if any(fnmatchcase(r.name, p) for p in patterns)]
