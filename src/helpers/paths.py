"""Every path the project uses, derived from the package location (notebooks never build paths)."""

from __future__ import annotations

import os
from pathlib import Path

#: Repository root: src/helpers/paths.py -> two levels up from src/.
ROOT: Path = Path(__file__).resolve().parents[2]
SRC: Path = ROOT / "src" / "helpers"
#: Data and seeds can be pointed elsewhere (a scenario copy, a test) with PAKCLAIMS_DATA / PAKCLAIMS_SEEDS;
#: kernels started by the batch or papermill inherit the variables.
DATA: Path = Path(os.environ.get("PAKCLAIMS_DATA", ROOT / "data"))
SEEDS: Path = Path(os.environ.get("PAKCLAIMS_SEEDS", ROOT / "seeds"))
NOTEBOOKS: Path = ROOT / "notebooks"
REPORTS: Path = Path(os.environ.get("PAKCLAIMS_REPORTS", ROOT / "reports"))
TEMPLATES: Path = SRC / "templates"

CLAIMS: Path = DATA / "claims.csv"
EXCLUSIONS: Path = DATA / "exclusions.csv"
UNITS: Path = DATA / "units.csv"
CONTEXT: Path = DATA / "context_figures.csv"
CONTEXT_META: Path = DATA / "context_figures.meta.json"
CLAIM_SERIES: Path = DATA / "claim_series.csv"
BENCHMARKS: Path = DATA / "benchmarks.csv"
RATES: Path = DATA / "fx_rates.csv"
#: The articles in seeds/ as sources (outlet, headline, date, address) and other outlets that carried them.
ARTICLES: Path = DATA / "articles.csv"
ARTICLE_COPIES: Path = DATA / "article_copies.csv"
#: Snapshots of the agencies' own series (helpers.snapshots reads them; helpers.refresh writes them).
SNAPSHOTS: Path = DATA / "snapshots"
RUN_PLAN: Path = ROOT / "runs.yaml"


def notebook(name: str) -> Path:
    """Path of a notebook by stem or file name (``"10_target_gap"`` or ``"10_target_gap.ipynb"``)."""
    return NOTEBOOKS / (name if name.endswith(".ipynb") else f"{name}.ipynb")


def lab_output_dir(notebook_name: str) -> Path:
    """Where a notebook run by hand (JupyterLab, plain papermill) writes its tables and key figures."""
    return REPORTS / "lab" / Path(notebook_name).stem


def shown(path: str | Path) -> str:
    """A path as messages show it: relative to the repository when inside it, else as given."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
