"""Shared test helpers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers import paths


@pytest.fixture
def restate_claim(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Change what an article says about one claim, consistently in copies of the seeds and the register.

    ``restate_claim(claim_id, old, new, value)`` replaces ``old`` with ``new`` in the claim's article and
    quote, sets its value, points kernels at the seeds copy (PAKCLAIMS_SEEDS) and returns the register copy.
    """
    def restate(claim_id: str, old: str, new: str, value: float) -> Path:
        seeds = tmp_path / "seeds"
        shutil.copytree(paths.SEEDS, seeds)
        frame = pd.read_csv(paths.CLAIMS, dtype=str, keep_default_na=False)
        row = frame["id"].eq(claim_id)
        article = seeds / frame.loc[row, "seed_file"].item()
        text = article.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} must stand once in {article.name}"
        article.write_text(text.replace(old, new), encoding="utf-8", newline="")
        frame.loc[row, "value"] = str(int(value))
        frame.loc[row, "quote"] = frame.loc[row, "quote"].str.replace(old, new, regex=False)
        claims_copy = tmp_path / "claims.csv"
        frame.to_csv(claims_copy, index=False)
        monkeypatch.setenv("PAKCLAIMS_SEEDS", str(seeds))
        return claims_copy

    return restate
