"""A small project tree (data, seeds, helpers source, a notebook) for the fingerprint and manifest tests."""

from __future__ import annotations

from pathlib import Path

from helpers import fingerprint as fpr

#: Library versions a snapshot records, fixed so that hashes do not follow the installed packages.
VERSIONS = {"pandas": "3.1.1", "python": "3.11.7"}


def write_project(root: Path) -> fpr.Sources:
    """Write the tree under ``root``; return the sources a batch would hash there."""
    (root / "data").mkdir()
    (root / "seeds").mkdir()
    (root / "src" / "helpers" / "templates").mkdir(parents=True)
    (root / "notebooks").mkdir()
    (root / "data" / "claims.csv").write_text("id,value\nC1,10\nC2,20\nC3,30\n")
    (root / "data" / "context_figures.csv").write_text("id,value\nX1,1\nX2,2\n")
    (root / "data" / "fx_rates.csv").write_text("currency,rate\nPKR,280\n")
    (root / "seeds" / "001.txt").write_text("An article.\n")
    (root / "src" / "helpers" / "econ.py").write_text("X = 1\n")
    (root / "src" / "helpers" / "templates" / "page.html.j2").write_text("<p>{{ x }}</p>\n")
    (root / "src" / "helpers" / "notes.txt").write_text("not source\n")
    (root / "notebooks" / "a.ipynb").write_text("{}")
    return fpr.Sources(root=root, data_dirs=(root / "data", root / "seeds"), source_dirs=(root / "src" / "helpers",))
