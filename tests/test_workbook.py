"""The report workbook: a sheet per table, numbers as numbers, text never run as a formula, linked sources."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from helpers import sources, workbook
from helpers.errors import PublishError

CLAIMS = pd.DataFrame([
    {"id": "pk-ir-trade-target", "subject": "Pakistan-Iran trade goal", "value": 1e10, "value_low": None,
     "unit": "USD/yr", "quote": "=HYPERLINK(\"http://evil.invalid\")", "speaker": "", "seed_file": "002_x.txt",
     "as_of": "2025-09-16"},
    {"id": "uz-pharma-imports", "subject": "Uzbek pharma imports", "value": None, "value_low": 3e9,
     "unit": "USD/yr", "quote": "imports $3 billion", "speaker": "Haroon Akhtar Khan", "seed_file": "003_y.txt",
     "as_of": "2025-08-01"},
])
CONTEXT = pd.DataFrame([
    {"id": "F079", "indicator": "Bilateral trade", "geo": "Pakistan", "partner": "Iran", "year": "2023",
     "value": 2.7e9, "unit": "current US$", "source_publisher": "Iran Press", "source_title": "Trade report",
     "source_url": "https://example.org/trade", "excerpt": "-trade fell", "confidence": "medium"},
    {"id": "F080", "indicator": "Other", "geo": "", "partner": "", "year": "2024", "value": 1.0, "unit": "",
     "source_publisher": "X", "source_title": "", "source_url": "javascript:alert(1)", "excerpt": "",
     "confidence": "low"},
])


@pytest.fixture
def report_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "runs" / "gap"
    folder.mkdir(parents=True)
    pd.DataFrame({"label": ["required: pk-ir-trade-target", "@SUM(A1)"], "low": [0.244, -0.05],
                  "ids": ["pk-ir-trade-target", "F079, F080"], "year": [2029, 2030]}).to_csv(
        folder / "growth_comparison.csv", index=False)
    (folder / "key_figures.json").write_text(json.dumps({"report": "gap", "figures": [
        {"name": "baseline", "label": "Baseline", "value": 2.7e9, "unit": "USD/yr", "claims": [],
         "context": ["F079"]}]}), encoding="utf-8")
    return folder


def test_used_ids_come_from_key_figures_and_table_cells(report_folder: Path) -> None:
    claim_ids, context_ids = sources.used_ids(report_folder, CLAIMS["id"], CONTEXT["id"])
    assert claim_ids == ["pk-ir-trade-target"]
    assert context_ids == ["F079", "F080"]


def test_sources_name_speaker_article_publisher_and_address() -> None:
    frame = sources.sources_frame(["uz-pharma-imports"], ["F079"], CLAIMS, CONTEXT)
    claim, row = frame.iloc[0], frame.iloc[1]
    assert claim["value"] == 3e9 and claim["source"] == "Haroon Akhtar Khan, seeds/003_y.txt"
    assert claim["address"] == "seeds/003_y.txt" and claim["date"] == "2025-08-01"
    assert row["what"] == "Bilateral trade (Pakistan, Iran)" and row["address"] == "https://example.org/trade"
    later = sources.Article(name="Pakistan, Uzbekistan eye $2bn", url="https://example.org/a", publisher="Outlet")
    frame = sources.sources_frame(["uz-pharma-imports"], [], CLAIMS, CONTEXT, article_of=lambda claim: later)
    assert frame.iloc[0]["source"] == "Haroon Akhtar Khan, Outlet, Pakistan, Uzbekistan eye $2bn"


def test_report_workbook_sheets_numbers_text_and_links(report_folder: Path) -> None:
    path = workbook.write_report_workbook(report_folder, CLAIMS, CONTEXT, title="=Target gap")
    assert path == report_folder / "tables.xlsx"
    book = load_workbook(path)
    assert book.sheetnames == ["Contents", "growth_comparison", "Sources"]
    contents = [row for row in book["Contents"].iter_rows(values_only=True)]
    assert contents[0][0] == "'=Target gap"
    assert ("growth_comparison", "Growth comparison", "growth_comparison.csv") in contents
    sheet = book["growth_comparison"]
    assert [c.value for c in sheet[1]] == ["label", "low", "ids", "year"]
    assert sheet["B2"].value == pytest.approx(0.244) and sheet["B3"].value == pytest.approx(-0.05)
    assert sheet["D2"].value == 2029 and sheet["D2"].number_format == "0"
    assert sheet["A3"].value == "'@SUM(A1)" and sheet["A3"].data_type == "s"  # text, not a formula
    found = {row[1]: row for row in book["Sources"].iter_rows(min_row=2, values_only=True)}
    assert set(found) == {"pk-ir-trade-target", "F079", "F080"}
    assert found["pk-ir-trade-target"][5] == "'=HYPERLINK(\"http://evil.invalid\")"
    assert found["F079"][3] == pytest.approx(2.7e9) and found["F079"][5] == "'-trade fell"
    links = {c.value: c.hyperlink.target if c.hyperlink else None for c in book["Sources"]["I"][1:]}
    assert links["https://example.org/trade"] == "https://example.org/trade"
    assert links["javascript:alert(1)"] is None and links["seeds/002_x.txt"] is None
    for sheet in book.worksheets:  # no cell anywhere is a formula
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_sheet_names_are_valid_and_unique(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": [1]})
    path = workbook.write_workbook([("a/b:c*d?" + "x" * 40, frame), ("a/b:c*d?" + "x" * 40, frame),
                                    ("Sources", frame)], None, tmp_path / "w.xlsx")
    names = load_workbook(path).sheetnames
    assert len(names) == len(set(n.lower() for n in names)) == 4
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


def test_unreadable_table_fails_clearly_and_keeps_the_last_workbook(report_folder: Path) -> None:
    path = workbook.write_report_workbook(report_folder, CLAIMS, CONTEXT)
    before = path.read_bytes()
    (report_folder / "broken.csv").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(PublishError, match=r"cannot read the table .*broken\.csv"):
        workbook.write_report_workbook(report_folder, CLAIMS, CONTEXT)
    assert path.read_bytes() == before
