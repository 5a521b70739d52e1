"""Tables and key figures written beside a report."""

import json

import pandas as pd
import pytest

from helpers import outputs


def test_save_table_and_key_figures_round_trip(tmp_path):
    path = outputs.save_table(pd.DataFrame({"a": [1, 2]}), "Gap table (USD)", tmp_path)
    assert path.name == "gap_table_usd.csv" and path.read_text() == "a\n1\n2\n"
    figures = outputs.KeyFigures("10_target_gap-x")
    figures.add("required_cagr", "Required growth", 0.367, "fraction/yr", ["b", "a", "a"], ["F060"])
    figures.save(tmp_path)
    payload = json.loads((tmp_path / "key_figures.json").read_text())
    assert payload["report"] == "10_target_gap-x"
    assert payload["figures"][0]["claims"] == ["a", "b"]
    assert outputs.read_key_figures(tmp_path)["required_cagr"].value == 0.367


def test_duplicate_figure_names_are_refused():
    figures = outputs.KeyFigures("r")
    figures.add("x", "X", 1.0, "")
    with pytest.raises(ValueError, match="recorded twice"):
        figures.add("x", "X", 2.0, "")


def test_nan_becomes_null(tmp_path):
    figures = outputs.KeyFigures("r")
    assert figures.add("x", "X", float("nan"), "") is None


def test_hand_runs_write_under_reports_lab(tmp_path, monkeypatch):
    monkeypatch.setattr(outputs.paths, "REPORTS", tmp_path)
    assert outputs.resolve_output_dir("", "01_claims_register") == tmp_path / "lab" / "01_claims_register"
    assert outputs.resolve_output_dir(str(tmp_path / "x"), "nb") == tmp_path / "x"


def test_say_keeps_dollar_signs_literal_and_html_as_text(tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **_: shown.append(obj))
    report = outputs.Report(str(tmp_path), "nb")
    report.say("From $3.0 billion to $50.0 billion <script>x</script>")
    assert shown[0].data == "From \\$3.0 billion to \\$50.0 billion &lt;script&gt;x&lt;/script&gt;"


def test_nan_is_written_as_null(tmp_path):
    figures = outputs.KeyFigures("r")
    figures.add("x", "X", float("nan"), "")
    figures.save(tmp_path)
    assert json.loads((tmp_path / "key_figures.json").read_text())["figures"][0]["value"] is None


def test_styled_tables_accept_repeated_row_labels():
    frame = pd.DataFrame({"x": [1.5, 2.5]}, index=pd.Index(["a", "a"], name="claim"))
    html = outputs.styled(frame, index=True).to_html()
    assert html.count(">a<") == 2 and "claim" in html


def test_chart_is_svg_with_text_and_alt(tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append((obj, kw)))
    fig, ax = plt.subplots(figsize=(4, 2))
    fig.suptitle("Exports must grow\n17-fold")
    ax.plot([2024, 2035], [3e9, 50e9])
    outputs.Report(str(tmp_path), "nb").chart(fig)
    svg, kwargs = shown[0]
    assert kwargs["metadata"] == {"alt": "Exports must grow 17-fold"}
    assert "<text" in svg.data and "17-fold" in svg.data  # words stay text: searchable, crisp, small
    assert fig.number not in plt.get_fignums()  # closed


def test_report_tables_neutralise_formulas_but_never_numbers(tmp_path):
    frame = pd.DataFrame({"quote": ["=HYPERLINK(\"http://x\")", "+1 555", "-3.2", "@SUM(A1)", "\tx", "plain"],
                          "value": [-3.5, 2.0, -1.0, 0.0, 5.0, 6.0]})
    path = outputs.save_table(frame, "quotes", tmp_path)
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert back["quote"].tolist() == ["'=HYPERLINK(\"http://x\")", "'+1 555", "-3.2", "'@SUM(A1)", "'\tx", "plain"]
    assert back["value"].tolist() == ["-3.5", "2.0", "-1.0", "0.0", "5.0", "6.0"]


def test_a_summary_is_written_with_the_key_figures_and_a_rerun_without_one_removes_it(tmp_path):
    from helpers.outputs import SUMMARY_FILE, Report, read_summary

    report = Report(str(tmp_path), "01_claims_register")
    report.summarise("The register holds 16 claims.")
    report.finish()
    assert read_summary(tmp_path) == ["The register holds 16 claims."]
    Report(str(tmp_path), "01_claims_register").finish()
    assert not (tmp_path / SUMMARY_FILE).exists() and read_summary(tmp_path) == []
