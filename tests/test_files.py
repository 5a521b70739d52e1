"""helpers.files: hashes, atomic writes and CSV files that are safe to open in a spreadsheet."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from helpers import files


def test_sha256_file_is_the_hash_of_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "a.bin"
    path.write_bytes(b"abc\r\n")
    assert files.sha256_file(path) == hashlib.sha256(b"abc\r\n").hexdigest() == files.sha256_bytes(b"abc\r\n")


def test_stable_hash_ignores_key_order() -> None:
    assert files.stable_hash({"a": 1, "b": [1, 2]}) == files.stable_hash({"b": [1, 2], "a": 1})
    assert files.stable_hash({"a": 1}) != files.stable_hash({"a": 2})


def test_write_atomic_replaces_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "out.txt"
    files.write_atomic(target, "one\n")
    files.write_atomic(target, b"two\n")
    assert target.read_bytes() == b"two\n"
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]


def test_write_atomic_keeps_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        files.write_atomic(target, "caf\u00e9 \udcff")  # a lone surrogate cannot be encoded
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx",
                                  "=1+1"])
def test_formula_like_text_is_neutralised(text: str) -> None:
    assert files.neutralise_cell(text) == "'" + text
    assert files.restore_cell(files.neutralise_cell(text)) == text


@pytest.mark.parametrize("value", ["-3.2", "+5", "-1,234.5", "-2.5e9", "-4%", "plain text", "", 5, -3.2, None])
def test_numbers_and_plain_text_are_left_alone(value: object) -> None:
    assert files.neutralise_cell(value) == value


def test_write_csv_neutralises_text_but_never_numbers(tmp_path: Path) -> None:
    frame = pd.DataFrame({"label": ["=cmd|' /C calc'!A0", "ok", "-3.2"], "value": [-1.5, 2.0, 3.0]})
    path = files.write_csv(frame, tmp_path / "t.csv")
    back = pd.read_csv(path, dtype={"label": str})
    assert back["label"].tolist() == ["'=cmd|' /C calc'!A0", "ok", "-3.2"]
    assert back["value"].tolist() == [-1.5, 2.0, 3.0]


def test_write_csv_for_machines_keeps_text_verbatim(tmp_path: Path) -> None:
    frame = pd.DataFrame({"quote": ["=as stated"]})
    files.write_csv(frame, tmp_path / "t.csv", for_people=False)
    assert (tmp_path / "t.csv").read_text(encoding="utf-8") == "quote\n=as stated\n"


def test_write_rows_uses_the_csv_module(tmp_path: Path) -> None:
    files.write_rows(tmp_path / "r.csv", ["a", "b"], [{"a": "@x", "b": 1}, {"a": "y", "b": "-2"}])
    assert (tmp_path / "r.csv").read_text(encoding="utf-8") == "a,b\n'@x,1\ny,-2\n"


def test_write_csvs_replaces_nothing_when_the_check_fails(tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("old a\n", encoding="utf-8")
    second.write_text("old b\n", encoding="utf-8")

    def refuse(temps: dict[Path, Path]) -> None:
        assert set(temps) == {first, second} and all(t.is_file() for t in temps.values())
        raise ValueError("no")

    with pytest.raises(ValueError):
        files.write_csvs({first: pd.DataFrame({"x": [1]}), second: pd.DataFrame({"y": [2]})}, check=refuse)
    assert first.read_text(encoding="utf-8") == "old a\n" and second.read_text(encoding="utf-8") == "old b\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv"]
    files.write_csvs({first: pd.DataFrame({"x": [1]}), second: pd.DataFrame({"y": [2]})})
    assert first.read_text(encoding="utf-8") == "x\n1\n"
