"""The refresh plan (``data/snapshots/sources.yaml``): what each agency is asked for, checked before any request."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from helpers import paths
from helpers.errors import Problem, RefreshConfigError

ISO3 = re.compile(r"^[A-Z]{3}$")
PLAN_FILE = "sources.yaml"


@dataclass(frozen=True)
class Indicator:
    """One series code asked of a source, with the measure name and unit the snapshot gives it."""

    code: str
    measure: str
    unit: str
    scale: float = 1.0


@dataclass(frozen=True)
class SourcePlan:
    """What one source is asked for."""

    name: str
    first_year: int
    last_year: int
    indicators: dict[str, Indicator] = field(default_factory=dict)
    economies: tuple[str, ...] = ()
    pairs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    datasets: dict[str, SourcePlan] = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        """Every year asked for, first to last."""
        return list(range(self.first_year, self.last_year + 1))


class _Checker:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def bad(self, where: str, value: object, message: str, fix: str) -> None:
        self.problems.append(Problem(str(self.path), None, where, value, message, fix, "refresh-plan"))

    def year(self, where: str, value: object, default: int) -> int:
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2100:
            self.bad(where, value, "is not a year", "write a four-digit year, or leave last_year empty")
            return default
        return value

    def codes(self, where: str, values: object) -> tuple[str, ...]:
        if not isinstance(values, list) or not values:
            self.bad(where, values, "is not a list of ISO3 codes", "write e.g. [PAK, CHN]")
            return ()
        for value in values:
            if not isinstance(value, str) or not ISO3.match(value):
                self.bad(where, value, "is not an ISO3 economy code", "use three capital letters, e.g. PAK")
        return tuple(v for v in values if isinstance(v, str))

    def pairs(self, where: str, values: object) -> dict[str, tuple[str, ...]]:
        if not isinstance(values, dict) or not values:
            self.bad(where, values, "is not a mapping reporter: [partners]", "write e.g. {PAK: [CHN, IRN]}")
            return {}
        out = {}
        for reporter, partners in values.items():
            self.codes(f"{where}.{reporter}", [reporter])
            out[str(reporter)] = self.codes(f"{where}.{reporter}", partners)
        return out

    def indicators(self, where: str, values: object) -> dict[str, Indicator]:
        if not isinstance(values, dict) or not values:
            self.bad(where, values, "lists no series", "map each series code to {measure: ..., unit: ...}")
            return {}
        out = {}
        for code, spec in values.items():
            if not isinstance(spec, dict) or not spec.get("measure") or not spec.get("unit"):
                self.bad(f"{where}.{code}", spec, "needs a measure and a unit", "write {measure: name, unit: USD}")
                continue
            scale = spec.get("scale", 1)
            if isinstance(scale, bool) or not isinstance(scale, int | float) or scale <= 0:
                self.bad(f"{where}.{code}.scale", scale, "is not a positive number", "write e.g. 1000000")
                scale = 1
            out[str(code)] = Indicator(str(code), str(spec["measure"]), str(spec["unit"]), float(scale))
        return out


def load_plan(path: str | Path | None = None, *, today: date | None = None) -> dict[str, SourcePlan]:
    """The refresh plan, every problem listed at once (``RefreshConfigError``)."""
    path = Path(path) if path is not None else paths.SNAPSHOTS / PLAN_FILE
    this_year = (today or date.today()).year
    check = _Checker(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RefreshConfigError([Problem(str(path), None, None, None, "the refresh plan is missing",
                                          "restore data/snapshots/sources.yaml from git", "missing")]) from None
    except yaml.YAMLError as exc:
        raise RefreshConfigError([Problem(str(path), None, None, None, f"is not valid YAML ({exc})",
                                          "fix the YAML syntax", "yaml")]) from None
    if not isinstance(raw, dict):
        raise RefreshConfigError([Problem(str(path), None, None, raw, "is not a mapping of sources",
                                          "write wdi:, imf:, comtrade: sections", "shape")])
    unknown = sorted(set(raw) - {"wdi", "imf", "comtrade"})
    for name in unknown:
        check.bad(name, None, "is not a source the refresh knows", "use wdi, imf or comtrade")
    plans: dict[str, SourcePlan] = {}
    for name, spec in raw.items():
        if name in unknown:
            continue
        if not isinstance(spec, dict):
            check.bad(name, spec, "is not a mapping", "see data/README.md, section Snapshots")
            continue
        first = check.year(f"{name}.first_year", spec.get("first_year"), 2000)
        last = check.year(f"{name}.last_year", spec.get("last_year"), this_year)
        if last < first:
            check.bad(f"{name}.last_year", last, "is before first_year", "make last_year >= first_year")
        if name == "wdi":
            database = spec.get("database", 2)
            plans[name] = SourcePlan(name, first, last, check.indicators("wdi.series", spec.get("series")),
                                     check.codes("wdi.economies", spec.get("economies")),
                                     options={"database": database})
        elif name == "imf":
            datasets = {}
            for ds_name, ds in (spec.get("datasets") or {}).items():
                where = f"imf.datasets.{ds_name}"
                if not isinstance(ds, dict) or not isinstance(ds.get("flow"), str):
                    check.bad(where, ds, "needs a flow (agency,id)", "write e.g. flow: IMF.STA,IMTS")
                    continue
                pairs = check.pairs(f"{where}.pairs", ds["pairs"]) if "pairs" in ds else {}
                economies = check.codes(f"{where}.economies", ds["economies"]) if "economies" in ds else ()
                if not pairs and not economies:
                    check.bad(where, None, "names no economies", "give economies: [...] or pairs: {...}")
                datasets[ds_name] = SourcePlan(ds_name, first, last, check.indicators(f"{where}.indicators",
                                                                                      ds.get("indicators")),
                                               economies, pairs, {"flow": ds["flow"],
                                                                  "frequency": ds.get("frequency", "A")})
            if not datasets:
                check.bad("imf.datasets", None, "lists no dataset", "add IMTS and/or WEO")
            plans[name] = SourcePlan(name, first, last, datasets=datasets)
        else:
            codes = spec.get("codes") or {}
            pairs = check.pairs("comtrade.pairs", spec.get("pairs"))
            for economy in {e for r, ps in pairs.items() for e in (r, *ps)}:
                if not isinstance(codes.get(economy), int):
                    check.bad(f"comtrade.codes.{economy}", codes.get(economy), "has no numeric Comtrade code",
                              "add the M49 code, e.g. PAK: 586")
            flows = spec.get("flows") or []
            if not flows or set(flows) - {"X", "M"}:
                check.bad("comtrade.flows", flows, "must be X and/or M", "write flows: [X, M]")
            plans[name] = SourcePlan(name, first, last, pairs=pairs,
                                     options={"codes": codes, "flows": tuple(flows),
                                              "key_env": spec.get("key_env", "COMTRADE_SUBSCRIPTION_KEY")})
    if check.problems:
        raise RefreshConfigError(check.problems, f"{len(check.problems)} problem(s) in the refresh plan")
    return plans
