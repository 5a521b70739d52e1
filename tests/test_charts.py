"""The plotting module: findings as titles, units on axes, Source lines built from metadata."""

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402

from helpers import charts, claims  # noqa: E402


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
