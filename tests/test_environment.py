"""environment.yml (conda) and pyproject.toml (pip) declare the same pinned dependencies."""

from __future__ import annotations

import re
import tomllib

import yaml

from helpers import paths


def pip_pins() -> dict[str, str]:
    """Name -> version of every pinned dependency in pyproject.toml (runtime and dev)."""
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = project["dependencies"] + [d for deps in project["optional-dependencies"].values() for d in deps]
    pins = {}
    for spec in specs:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([^;\s]+)", spec.strip())
        assert match, f"pyproject.toml: {spec!r} is not pinned with =="
        pins[match[1].lower().replace("_", "-")] = match[2]
    return pins


def conda_pins() -> dict[str, str]:
    """Name -> version of every dependency in environment.yml: conda ones and its pip section."""
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text(encoding="utf-8"))
    pins = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for spec in dep.get("pip", []):
                if "==" in spec:
                    name, version = spec.split("==")
                    pins[name.lower().replace("_", "-")] = version
            continue
        if dep.split("=")[0] in {"python", "pip"}:
            continue
        name, _, version = dep.partition("=")
        pins[name.lower().replace("_", "-")] = version
    return pins


def test_environment_yml_mirrors_pyproject():
    assert conda_pins() == pip_pins()


def test_lock_agrees_with_pins():
    lock = {}
    for line in (paths.ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if "==" in line:
            name, version = line.split("==")
            lock[name.lower().replace("_", "-")] = version
    for name, version in pip_pins().items():
        assert lock.get(name) == version, f"requirements.lock pins {name}=={lock.get(name)}, pyproject {version}"


def test_environment_python_matches_requires_python():
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert "python=3.11" in env["dependencies"]


def test_make_lab_allows_root_only_for_root():
    import os
    import subprocess

    dry = subprocess.run(["make", "-n", "-o", ".venv/.installed", "lab"], cwd=paths.ROOT, capture_output=True,
                         text=True, check=True).stdout
    assert "jupyter lab" in dry
    assert ("--allow-root" in dry) is (os.geteuid() == 0)


def test_ci_lints_and_tests():
    script = (paths.ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert script.index("make lint") < script.index("make test")
