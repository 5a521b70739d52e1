"""Number formatting used in report text and tables."""

from helpers import fmt


def test_amounts_in_words():
    assert fmt.amount(6e12) == "$6.0 trillion"
    assert fmt.amount(2e9, "USD/yr") == "$2.0 billion a year"
    assert fmt.amount(404e6) == "$404.0 million"
    assert fmt.amount(1.2e12, "PKR") == "Rs 1.2 trillion"
    assert fmt.amount(6000, "acres") == "6,000 acres"
    assert fmt.amount(None) == "n/a"


def test_rates_multiples_and_bounds():
    assert fmt.rate(0.3673) == "36.7%"
    assert fmt.rate(float("inf")) == "n/a"
    assert fmt.multiple(50 / 3) == "16.7x"
    assert fmt.bounds(6e9, 8e9) == "$6.0 billion to $8.0 billion"
    assert fmt.bounds(6e9, 6e9) == "$6.0 billion"


def test_claim_amounts_carry_qualifiers():
    assert fmt.claim_amount(70, 70, "companies", "lower_bound") == "more than 70 companies"
    assert fmt.claim_amount(6e9, 8e9, "USD/yr", "range") == "$6.0 billion to $8.0 billion a year"
    assert fmt.claim_amount(2e12, 2e12, "USD/yr", "approximate") == "about $2.0 trillion a year"


def test_ranges_of_yearly_flows_say_a_year_once():
    assert fmt.bounds(6e9, 8e9, unit="USD/yr") == "$6.0 billion to $8.0 billion a year"
