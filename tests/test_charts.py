"""The plotting module: findings as titles, units on axes, Source lines built from metadata."""

import matplotlib

matplotlib.use("Agg")

import pandas as pd

from helpers import charts, claims


def test_source_line_names_claims_seeds_and_context_rows():
    frame = pd.DataFrame({"id": ["b", "a", "c"], "seed_file": ["s1.txt", "s1.txt", "s2.txt"]})
    context = pd.DataFrame({"id": ["F060", "F061", "F062", "F064"],
                            "source_publisher": ["SBP", "SBP", "SBP", "GAC"]})
    line = charts.source_line(frame, context)
    assert line == "Source: claims a, b (seeds/s1.txt); c (seeds/s2.txt); context F064 (GAC); F060-F062 (SBP)"
    assert charts.source_line() == "Source: none"


def test_magnitude_chart_title_states_the_finding():
    register = claims.load_claims()
    money = register.loc[register["base_unit"].eq("USD")]
    fig = charts.magnitude_chart(money)
    title = fig._suptitle.get_text()
    low, high = money["value_low"].min(), money["value_high"].max()
    import math

    assert title.startswith(f"Claimed amounts span {math.log10(high / low):.1f} orders of magnitude")
    texts = [t.get_text() for t in fig.texts]
    assert any(t.startswith("Source: claims") and "pk-mineral-resources-value" in t.replace("\n", " ")
               for t in texts)
    assert fig.axes[0].get_xlabel() == "Amount, US$ (log scale)"


def test_dollar_amounts_are_drawn_as_text_not_math():
    register = claims.load_claims()
    fig = charts.magnitude_chart(register.loc[register["base_unit"].eq("USD")])
    labels = [t for t in fig.axes[0].texts if "to $" in t.get_text()]
    assert labels, "the range claim's label shows both bounds"
    for label in labels:
        assert label._preprocess_math(label.get_text()) == (label.get_text(), False)


def test_money_axes_follow_the_currency_of_the_data():
    import pytest

    from helpers.errors import ConversionError

    register = claims.load_claims()
    money = register.loc[register["base_unit"].eq("USD")].copy()
    money["unit"] = money["unit"].str.replace("USD", "PKR")
    fig = charts.magnitude_chart(money)
    assert fig.axes[0].get_xlabel() == "Amount, PKR (log scale)" and "Rs " in fig._suptitle.get_text()
    mixed = register.loc[register["base_unit"].eq("USD")].copy()
    mixed.loc[mixed.index[0], "unit"] = "PKR"
    with pytest.raises(ConversionError, match="one currency.*Fix: convert"):
        charts.magnitude_chart(mixed)


def _gap_analysis(claim_id: str):
    from helpers import context, fx, gap

    register, _ = fx.claims_in_usd(claims.load_claims(), fx.load_rates())
    figures = context.load_context()
    mapping = context.load_claim_series(context=figures)
    analysis = gap.analyse_target(register, figures, mapping, context.benchmark_growth(figures), claim_id)
    return analysis, register, figures


def _chart_words(fig) -> list[str]:
    """Every text a reader sees on a chart except its Source line: title, subtitle, labels, ticks, legend."""
    words = [fig._suptitle.get_text()] if fig._suptitle is not None else []
    for ax in fig.axes:
        words += [ax.get_title(loc="left"), ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        words += [t.get_text() for t in ax.get_yticklabels() + ax.get_xticklabels() + ax.texts]
        legend = ax.get_legend()
        if legend is not None:
            words += [t.get_text() for t in legend.get_texts()]
    return words


def test_no_claim_id_in_chart_titles_labels_or_legends():
    import matplotlib.pyplot as plt

    from helpers import gap

    register = claims.load_claims()
    ids = set(register["id"])
    analysis, usd, figures = _gap_analysis("pk-cn-exports-2035-target")
    comparison = gap.comparison_frame(analysis)
    made = [charts.magnitude_chart(register.loc[register["base_unit"].eq("USD")]),
            charts.target_gap_chart(analysis, usd, figures),
            charts.growth_bars(comparison, gap.comparison_title(analysis), "Source: x", usd)]
    for fig in made:
        words = " ".join(_chart_words(fig))
        assert not [i for i in ids if i in words], words
        plt.close(fig)
    subtitle = made[1].axes[0].get_title(loc="left").replace("\n", " ")
    assert "Ahsan Iqbal, in Geo News" in subtitle  # who said it, in which outlet
    assert "Pakistan's exports to China" in " ".join(_chart_words(made[2]))
    source = [t.get_text() for t in made[1].texts if t.get_text().startswith("Source:")][0]
    assert "pk-cn-exports-2035-target" in source and "Geo News" in source  # ids stay in the Source line


def test_no_bars_on_log_axes_and_the_log_scale_is_explained():
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    register = claims.load_claims()
    analysis, usd, figures = _gap_analysis("pk-cn-exports-2035-target")
    for fig in (charts.magnitude_chart(register.loc[register["base_unit"].eq("USD")]),
                charts.target_gap_chart(analysis, usd, figures)):
        logs = [ax for ax in fig.axes if "log" in (ax.get_xscale(), ax.get_yscale())]
        assert logs
        for ax in logs:
            assert not [p for p in ax.patches if isinstance(p, Rectangle)], "bars drawn on a log axis"
            assert charts.LOG_NOTE in ax.get_title(loc="left").replace("\n", " ")
        plt.close(fig)


def test_history_lines_break_where_years_are_missing():
    series = pd.Series([1.0, 2.0, 4.0], index=[2018, 2019, 2022], name="exports")
    series.attrs["unit"] = "USD"
    full = charts.with_gaps(series)
    assert list(full.index) == [2018, 2019, 2020, 2021, 2022]
    assert full.isna().tolist() == [False, False, True, True, False]
    assert full.name == "exports" and full.attrs == {"unit": "USD"}


def test_source_lines_are_legible():
    import matplotlib.pyplot as plt

    register = claims.load_claims()
    fig = charts.magnitude_chart(register.loc[register["base_unit"].eq("USD")])
    source = [t for t in fig.texts if t.get_text().startswith("Source:")][0]
    assert source.get_fontsize() >= 10 and source.get_color() == charts.SOURCE_COLOUR
    plt.close(fig)
