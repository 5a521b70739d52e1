"""Tests of the quantity parser: phrasings of financial news, offsets, non-claims, properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import paths
from helpers.errors import ProjectError, QuantityParseError
from helpers.quantities import Quantity, find_quantities, parse_quantity

B, M, T = 1e9, 1e6, 1e12

# phrase, expected text, kind, value, low, high, unit, qualifier, qualifier_text
POINTS = [
    ("USD 10bn trade goal", "USD 10bn", "money", 10 * B, "USD", "exact", ""),
    ("US$ 1.5 billion", "US$ 1.5 billion", "money", 1.5 * B, "USD", "exact", ""),
    ("US $5 billion", "US $5 billion", "money", 5 * B, "USD", "exact", ""),
    ("Rs 1.2 trillion", "Rs 1.2 trillion", "money", 1.2 * T, "PKR", "exact", ""),
    ("Rs. 5 billion", "Rs. 5 billion", "money", 5 * B, "PKR", "exact", ""),
    ("Rs1.2tr", "Rs1.2tr", "money", 1.2 * T, "PKR", "exact", ""),
    ("Rs500m", "Rs500m", "money", 500 * M, "PKR", "exact", ""),
    ("PKR 500 crore", "PKR 500 crore", "money", 5e9, "PKR", "exact", ""),
    ("Rs 5,000 crore package", "Rs 5,000 crore", "money", 5e10, "PKR", "exact", ""),
    ("Rs 50 lakh", "Rs 50 lakh", "money", 5e6, "PKR", "exact", ""),
    ("Rs 1 lakh crore", "Rs 1 lakh crore", "money", 1e12, "PKR", "exact", ""),
    ("Rs 3 arab", "Rs 3 arab", "money", 3e9, "PKR", "exact", ""),
    ("Rs 2 kharab", "Rs 2 kharab", "money", 2e11, "PKR", "exact", ""),
    ("nearly Rs 1,20,000", "Rs 1,20,000", "money", 120000.0, "PKR", "approximate", "nearly"),
    ("10 billion rupees", "10 billion rupees", "money", 10 * B, "PKR", "exact", ""),
    ("50 crore Indian rupees", "50 crore Indian rupees", "money", 5e8, "INR", "exact", ""),
    ("$450 million", "$450 million", "money", 450 * M, "USD", "exact", ""),
    ("$2B", "$2B", "money", 2 * B, "USD", "exact", ""),
    ("$10-billion investment", "$10-billion", "money", 10 * B, "USD", "exact", ""),
    ("10 billion USD", "10 billion USD", "money", 10 * B, "USD", "exact", ""),
    ("two billion dollars", "two billion dollars", "money", 2 * B, "USD", "exact", ""),
    ("twenty-five million dollars", "twenty-five million dollars", "money", 25 * M, "USD", "exact", ""),
    ("half a billion dollars", "half a billion dollars", "money", 0.5 * B, "USD", "exact", ""),
    ("¥5bn", "¥5bn", "money", 5 * B, "CNY", "exact", ""),
    ("RMB 10 billion", "RMB 10 billion", "money", 10 * B, "CNY", "exact", ""),
    ("CNY 3 bn", "CNY 3 bn", "money", 3 * B, "CNY", "exact", ""),
    ("1.5 trillion yuan", "1.5 trillion yuan", "money", 1.5 * T, "CNY", "exact", ""),
    ("€3.5bn", "€3.5bn", "money", 3.5 * B, "EUR", "exact", ""),
    ("EUR 200 million", "EUR 200 million", "money", 200 * M, "EUR", "exact", ""),
    ("£40m", "£40m", "money", 40 * M, "GBP", "exact", ""),
    ("UZS 500 billion", "UZS 500 billion", "money", 500 * B, "UZS", "exact", ""),
    ("IRR 20 trillion", "IRR 20 trillion", "money", 20 * T, "IRR", "exact", ""),
    ("INR 10 crore", "INR 10 crore", "money", 1e8, "INR", "exact", ""),
    ("more than $10 billion", "$10 billion", "money", 10 * B, "USD", "lower_bound", "more than"),
    ("in excess of $3bn", "$3bn", "money", 3 * B, "USD", "lower_bound", "in excess of"),
    ("at least Rs 2 billion", "Rs 2 billion", "money", 2 * B, "PKR", "lower_bound", "at least"),
    ("about $6 trillion", "$6 trillion", "money", 6 * T, "USD", "approximate", "about"),
    ("around $2 trillion", "$2 trillion", "money", 2 * T, "USD", "approximate", "around"),
    ("~$5 billion", "$5 billion", "money", 5 * B, "USD", "approximate", "~"),
    ("an estimated $4.5 billion", "$4.5 billion", "money", 4.5 * B, "USD", "approximate", "an estimated"),
    ("close to $1 billion", "$1 billion", "money", 1 * B, "USD", "approximate", "close to"),
    ("as much as $700 million", "$700 million", "money", 700 * M, "USD", "upper_bound", "as much as"),
    ("no more than $1bn", "$1bn", "money", 1 * B, "USD", "upper_bound", "no more than"),
    ("only $2 billion per year", "$2 billion per year", "money", 2 * B, "USD/yr", "exact", "only"),
    ("just $1 billion a year", "$1 billion a year", "money", 1 * B, "USD/yr", "exact", "just"),
    ("$5 billion annually", "$5 billion annually", "money", 5 * B, "USD/yr", "exact", ""),
    ("$4bn per annum", "$4bn per annum", "money", 4 * B, "USD/yr", "exact", ""),
    ("a trillion-dollar economy", "a trillion-dollar", "money", 1 * T, "USD/yr", "exact", ""),
    ("a billion-dollar deal", "a billion-dollar", "money", 1 * B, "USD", "exact", ""),
    ("6,000 acres of land", "6,000 acres", "count", 6000.0, "acres", "exact", ""),
    ("5,200 local employees", "5,200 local employees", "count", 5200.0, "employees", "exact", ""),
    ("over 100 Pakistani companies", "100 Pakistani companies", "count", 100.0, "companies", "lower_bound",
     "over"),
    ("More than 70 Chinese companies", "70 Chinese companies", "count", 70.0, "companies", "lower_bound",
     "More than"),
    ("around 800 participants", "800 participants", "count", 800.0, "participants", "approximate", "around"),
    ("some 800 participants", "800 participants", "count", 800.0, "participants", "approximate", "some"),
    ("up to 3,000 jobs", "3,000 jobs", "count", 3000.0, "jobs", "upper_bound", "up to"),
    ("as many as 12 MoUs", "12 MoUs", "count", 12.0, "mous", "upper_bound", "as many as"),
    ("10k jobs", "10k jobs", "count", 1e4, "jobs", "exact", ""),
    ("100+ companies", "100+ companies", "count", 100.0, "companies", "lower_bound", "+"),
    ("100 or more companies", "100 or more companies", "count", 100.0, "companies", "lower_bound", "or more"),
    ("3 million tonnes per annum", "3 million tonnes per annum", "count", 3e6, "tonnes", "exact", ""),
    ("2 million people", "2 million people", "count", 2e6, "people", "exact", ""),
    ("0.03%", "0.03%", "percent", 0.03, "percent", "exact", ""),
    ("5%", "5%", "percent", 5.0, "percent", "exact", ""),
    ("5 per cent", "5 per cent", "percent", 5.0, "percent", "exact", ""),
    ("5 percent", "5 percent", "percent", 5.0, "percent", "exact", ""),
    ("growth of 3.5pc", "3.5pc", "percent", 3.5, "percent", "exact", ""),
    ("nearly 12.5 per cent", "12.5 per cent", "percent", 12.5, "percent", "approximate", "nearly"),
    ("about 3 percentage points", "3 percentage points", "percent", 3.0, "percentage points", "approximate",
     "about"),
    ("50 basis points", "50 basis points", "percent", 50.0, "basis points", "exact", ""),
]  # fmt: skip

RANGES = [
    ("$6-8 billion", "$6-8 billion", "money", 6 * B, 8 * B, "USD", ""),
    ("$6–8 billion", "$6–8 billion", "money", 6 * B, 8 * B, "USD", ""),
    ("$6 - 8 billion", "$6 - 8 billion", "money", 6 * B, 8 * B, "USD", ""),
    ("$6-8 billion per year", "$6-8 billion per year", "money", 6 * B, 8 * B, "USD/yr", ""),
    ("between $6 and $8 billion", "$6 and $8 billion", "money", 6 * B, 8 * B, "USD", "between"),
    ("$6 to $8 billion", "$6 to $8 billion", "money", 6 * B, 8 * B, "USD", ""),
    ("$6 billion to $8 billion", "$6 billion to $8 billion", "money", 6 * B, 8 * B, "USD", ""),
    ("Rs 500-600 crore", "Rs 500-600 crore", "money", 5e9, 6e9, "PKR", ""),
    ("6–8 bn", "6–8 bn", "number", 6 * B, 8 * B, "", ""),
    ("5-7%", "5-7%", "percent", 5.0, 7.0, "percent", ""),
    ("5.5 per cent to 6 per cent", "5.5 per cent to 6 per cent", "percent", 5.5, 6.0, "percent", ""),
    ("between 5 and 7 per cent", "5 and 7 per cent", "percent", 5.0, 7.0, "percent", "between"),
    ("2 to 3 million people", "2 to 3 million people", "count", 2e6, 3e6, "people", ""),
    ("10-15 companies", "10-15 companies", "count", 10.0, 15.0, "companies", ""),
]  # fmt: skip

NOT_CLAIMS = [
    ("by 2035", "2035", "year"),
    ("in 2024 exports rose", "2024", "year"),
    ("FY2024-25 budget", "FY2024-25", "year"),
    ("in fiscal year 2024-25", "2024-25", "year"),
    ("growth in FY25", "FY25", "year"),
    ("between 2024 and 2025", "2024 and 2025", "year"),
    ("the 1990s", "1990s", "year"),
    ("on September 15-16, 2025, in Tehran", "September 15-16, 2025", "date"),
    ("forum on January 28, 2026.", "January 28, 2026", "date"),
    ("(News - 1st Aug, 2025)", "1st Aug, 2025", "date"),
    (" date 2025-09-22 By", "2025-09-22", "date"),
    ("on 5 March 2025", "5 March 2025", "date"),
    ("in March 2025", "March 2025", "date"),
    ("on 22/09/2025", "22/09/2025", "date"),
    ("the 22nd Session", "22nd", "ordinal"),
    ("the 75th anniversary", "75th", "ordinal"),
    ("the 1st round", "1st", "ordinal"),
    ("millions of employment opportunities", "millions of", "vague"),
    ("Hundreds of business entities", "Hundreds of", "vague"),
    ("thousands of jobs", "thousands of", "vague"),
    ("tens of thousands of jobs", "tens of thousands of", "vague"),
    ("a multi-billion-dollar deal", "multi-billion", "vague"),
    ("CPEC 2.0 is compatible", "2.0", "number"),
    ("the Five Ways (5Es): Exports", "5Es", "number"),
    ("B2B engagements", "B2B", "number"),
    ("after COVID-19", "COVID-19", "number"),
    ("a 5m long wall", "5m", "number"),
]


def _only(phrase: str) -> Quantity:
    found = find_quantities(phrase)
    assert len(found) == 1, found
    q = found[0]
    assert phrase[q.start:q.end] == q.text
    return q


@pytest.mark.parametrize(("phrase", "text", "kind", "value", "unit", "qualifier", "qualifier_text"), POINTS)
def test_point_quantities(phrase, text, kind, value, unit, qualifier, qualifier_text):
    q = _only(phrase)
    assert (q.text, q.kind, q.unit, q.qualifier, q.qualifier_text) == (text, kind, unit, qualifier,
                                                                         qualifier_text)  # fmt: skip
    assert q.value == pytest.approx(value, rel=1e-12)
    assert q.low == q.high == q.value
    assert q.currency == (unit.split("/")[0] if kind == "money" else None)
    assert q.per_year == (unit.endswith("/yr") or "per annum" in phrase)
    assert parse_quantity(phrase) == q


@pytest.mark.parametrize(("phrase", "text", "kind", "low", "high", "unit", "qualifier_text"), RANGES)
def test_ranges(phrase, text, kind, low, high, unit, qualifier_text):
    q = _only(phrase)
    assert (q.text, q.kind, q.unit, q.qualifier, q.qualifier_text) == (text, kind, unit, "range",
                                                                         qualifier_text)  # fmt: skip
    assert q.value is None
    assert q.low == pytest.approx(low) and q.high == pytest.approx(high)


@pytest.mark.parametrize(("phrase", "text", "kind"), NOT_CLAIMS)
def test_non_claims_are_classified(phrase, text, kind):
    q = _only(phrase)
    assert (q.text, q.kind, q.unit, q.currency) == (text, kind, "", None)
    assert not q.is_claim


@pytest.mark.parametrize("phrase", ["the two ministers signed", "one of the", "a year", "no numbers here", "",
                                    "link it with the Five Growth Corridors", "a two-way trade", "a one-off deal",
                                    "two to Narowal", "both sides"])  # fmt: skip
def test_number_words_alone_are_not_quantities(phrase):
    assert find_quantities(phrase) == []


def test_year_values():
    assert parse_quantity("by 2035").value == 2035
    fy = parse_quantity("FY2024-25")
    assert (fy.value, fy.low, fy.high, fy.qualifier) == (None, 2024, 2025, "range")


def test_per_year_looks_ahead_within_the_clause():
    text = "SAPM noted that Uzbekistan imports $3 billion worth of pharmaceutical products annually, presenting"
    q = _only(text)
    assert (q.text, q.unit, q.per_year) == ("$3 billion", "USD/yr", True)


@pytest.mark.parametrize(
    "phrase",
    [
        "exports of $3 billion today, and annually the rest",  # a comma ends the clause
        "$5 billion a year ago",
        "$5 billion which will grow annually",
        "the annual report shows $5 billion",
    ],
)
def test_per_year_not_claimed_without_reason(phrase):
    q = parse_quantity(phrase)
    assert (q.unit, q.per_year) == ("USD", False)


def test_annual_before_the_amount_means_per_year():
    q = parse_quantity("He said China’s annual imports are around $2 trillion and a modest share")
    assert (q.unit, q.qualifier, q.per_year) == ("USD/yr", "approximate", True)


def test_from_to_is_two_quantities_not_a_range():
    text = "exports to China could rise from about $3 billion today to $50 billion by 2035"
    found = find_quantities(text)
    assert [(q.text, q.kind, q.value, q.qualifier) for q in found] == [
        ("$3 billion", "money", 3e9, "approximate"),
        ("$50 billion", "money", 5e10, "exact"),
        ("2035", "year", 2035.0, "exact"),
    ]
    first, second = find_quantities("the rate rose from 5 to 10 percent")
    assert (first.text, first.kind, first.value, second.text, second.value) == ("5", "percent", 5.0,
                                                                                 "10 percent", 10.0)  # fmt: skip


def test_incompatible_units_do_not_make_a_range():
    found = find_quantities("an increase of 10% to $3 billion")
    assert [(q.text, q.kind) for q in found] == [("10%", "percent"), ("$3 billion", "money")]


def test_over_after_a_verb_of_extent_is_not_a_bound():
    assert parse_quantity("a park spread over 1,200 acres").qualifier == "exact"
    assert parse_quantity("a park of over 1,200 acres").qualifier == "lower_bound"


def test_a_list_of_counts_keeps_each_qualifier():
    text = "More than 70 Chinese companies, over 100 Pakistani companies and around 800 participants attended"
    found = find_quantities(text)
    assert [(q.value, q.unit, q.qualifier) for q in found] == [
        (70, "companies", "lower_bound"), (100, "companies", "lower_bound"), (800, "participants", "approximate")
    ]  # fmt: skip


def test_offsets_after_curly_apostrophes_and_non_ascii():
    text = "Pakistan’s minister — “it’s vital” — said Pakistan’s exports were only $2 billion per year in 2025."
    found = find_quantities(text)
    assert [(q.kind, q.text) for q in found] == [("money", "$2 billion per year"), ("year", "2025")]
    money = found[0]
    assert money.start == text.index("$2") and text[money.start:money.end] == money.text
    assert money.qualifier_text == "only" and money.qualifier == "exact"


def test_results_are_sorted_and_do_not_overlap():
    text = (paths.SEEDS / "004_a7c00857fc1d37e6.txt").read_text(encoding="utf-8")
    found = find_quantities(text)
    assert found == sorted(found, key=lambda q: q.start)
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))
    assert all(text[q.start:q.end] == q.text for q in found)


def test_parse_quantity_prefers_claims_and_raises_when_none():
    assert parse_quantity("by 2035 exports of $50 billion").text == "$50 billion"
    with pytest.raises(QuantityParseError, match="no quantity found in 'the two projects'.*Fix:") as info:
        parse_quantity("the two projects")
    assert isinstance(info.value, ProjectError)


# ---------------------------------------------------------------------------------------- seed articles

# Every money amount, count and percentage the five seeds state, and how the other numbers are classified.
SEED_EXPECTED = {
    "000_9fac90d7e7a57e8f.txt": [("date", "2025-09-22")],
    "001_8dfd49c2754afb38.txt": [("count", "6,000 acres")],
    "002_9f9e8348c6917a66.txt": [("money", "USD 10bn"), ("ordinal", "22nd"), ("date", "September 15-16, 2025")],
    "003_0560b6292d5b7678.txt": [("date", "2025-08-01"), ("date", "1st Aug, 2025"), ("number", "B2B"),
                                 ("money", "$2 billion"), ("money", "$3 billion")],
    "004_a7c00857fc1d37e6.txt": [
        ("date", "January 28, 2026"), ("ordinal", "75th"), ("money", "$10 billion"), ("number", "2.0"),
        ("money", "a trillion-dollar"), ("year", "2035"), ("money", "$6 trillion"),
        ("money", "$2 billion per year"), ("money", "$6-8 billion per year"), ("vague", "millions of"),
        ("money", "$2 trillion"), ("money", "$3 billion"), ("money", "$50 billion"), ("year", "2035"),
        ("money", "a trillion-dollar"), ("year", "2035"), ("number", "5Es"), ("vague", "Hundreds of"),
        ("number", "B2B"), ("count", "70 Chinese companies"), ("count", "100 Pakistani companies"),
        ("count", "800 participants"), ("count", "5,200 local employees"),
    ],
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(SEED_EXPECTED))
def test_seed_articles(name):
    text = (paths.SEEDS / name).read_text(encoding="utf-8")
    found = find_quantities(text)
    assert [(q.kind, q.text) for q in found] == SEED_EXPECTED[name]
    assert all(text[q.start:q.end] == q.text for q in found)


def test_seed_money_units_and_qualifiers():
    text = (paths.SEEDS / "004_a7c00857fc1d37e6.txt").read_text(encoding="utf-8")
    money = [(q.value, q.low, q.high, q.unit, q.qualifier) for q in find_quantities(text) if q.kind == "money"]
    assert money == [
        (1e10, 1e10, 1e10, "USD", "lower_bound"),
        (1e12, 1e12, 1e12, "USD/yr", "exact"),
        (6e12, 6e12, 6e12, "USD", "approximate"),
        (2e9, 2e9, 2e9, "USD/yr", "exact"),
        (None, 6e9, 8e9, "USD/yr", "range"),
        (2e12, 2e12, 2e12, "USD/yr", "approximate"),
        (3e9, 3e9, 3e9, "USD", "approximate"),
        (5e10, 5e10, 5e10, "USD", "exact"),
        (1e12, 1e12, 1e12, "USD/yr", "exact"),
    ]


# ------------------------------------------------------------------------------------------ properties

SCALE_WORDS = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12, "bn": 10**9,
               "mn": 10**6, "m": 10**6, "tn": 10**12, "k": 10**3, "crore": 10**7, "lakh": 10**5,
               "lac": 10**5, "arab": 10**9, "kharab": 10**11}  # fmt: skip
CURRENCIES = {"$": "USD", "US$": "USD", "USD ": "USD", "Rs ": "PKR", "Rs. ": "PKR", "PKR ": "PKR", "€": "EUR",
              "£": "GBP", "¥": "CNY", "RMB ": "CNY"}  # fmt: skip
FILLER = st.lists(st.sampled_from(["the", "minister", "said", "Pakistan’s", "exports", "of", "—", "“trade”",
                                   "could", "reach", "China", "and"]), max_size=6).map(" ".join)  # fmt: skip


@given(n=st.integers(min_value=1, max_value=10**9), scale=st.sampled_from(sorted(SCALE_WORDS)))
def test_scale_words_multiply(n, scale):
    q = parse_quantity(f"${n} {scale}")
    assert (q.kind, q.currency, q.text) == ("money", "USD", f"${n} {scale}")
    assert q.value == float(n * SCALE_WORDS[scale])


@given(n=st.integers(min_value=1000, max_value=10**12), symbol=st.sampled_from(sorted(CURRENCIES)),
       scale=st.sampled_from(["", " million", " billion"]))  # fmt: skip
def test_thousands_separators_do_not_change_the_value(n, symbol, scale):
    plain = parse_quantity(f"{symbol}{n}{scale}")
    grouped = parse_quantity(f"{symbol}{n:,}{scale}")
    assert plain.value == grouped.value == float(n * SCALE_WORDS.get(scale.strip(), 1))
    assert plain.currency == grouped.currency == CURRENCIES[symbol]


@given(before=FILLER, after=FILLER, whole=st.integers(min_value=1, max_value=999),
       frac=st.integers(min_value=0, max_value=99), scale=st.sampled_from(sorted(SCALE_WORDS)))  # fmt: skip
def test_value_does_not_depend_on_surrounding_text(before, after, whole, frac, scale):
    phrase = f"Rs {whole}.{frac:02d} {scale}"
    text = f"{before} {phrase} {after}".strip()
    found = [q for q in find_quantities(text) if q.kind == "money"]
    assert len(found) == 1
    q = found[0]
    assert q.text.startswith(phrase) and text[q.start:q.end] == q.text
    assert q.value == pytest.approx(parse_quantity(phrase).value, rel=1e-12)


@given(a=st.integers(min_value=1, max_value=10**6), b=st.integers(min_value=1, max_value=10**6),
       sep=st.sampled_from(["-", "–", " to ", " - "]), scale=st.sampled_from(["", " million", " billion"]))
def test_ranges_have_low_not_above_high(a, b, sep, scale):
    found = find_quantities(f"${a}{sep}{b}{scale} was pledged")
    assert found
    for q in found:
        assert q.low is not None and q.high is not None and q.low <= q.high
        assert (q.value is None) == (q.qualifier == "range")


@given(st.text(alphabet=st.sampled_from(list("0123456789,.-–+%$€£¥~ aAbBmMkKtnrsRUSDPKcoelhyfiwvpd’'\n")),
               max_size=60))  # fmt: skip
def test_any_text_gives_consistent_spans(text):
    found = find_quantities(text)
    assert all(text[q.start:q.end] == q.text and q.start < q.end for q in found)
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))
    for q in found:
        if q.low is not None and q.high is not None:
            assert q.low <= q.high
