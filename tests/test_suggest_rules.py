"""Tests of the first guesses suggest makes from a figure's sentence (helpers.suggest_rules)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import suggest_rules as rules
from helpers.quantities import find_quantities
from helpers.suggest import NOTES, suggest_claims


def _at(sentence: str, phrase: str) -> tuple[int, int]:
    start = sentence.index(phrase)
    return start, start + len(phrase)


@pytest.mark.parametrize(
    ("sentence", "phrase", "expected"),
    [
        ("Pakistan and Uzbekistan set a bilateral trade target of $1 billion", "$1 billion", "target"),
        ("Uzbekistan aims to raise its trade with Pakistan to $5 billion by 2030", "$5 billion", "target"),
        ("Chinese firms plan to invest $2 billion in the zones", "$2 billion", "target"),
        ("the two countries agreed to raise bilateral trade to $10 billion", "$10 billion", "target"),
        ("exports are expected to reach $40 billion by June", "$40 billion", "estimate"),
        ("exports to China could rise to $50 billion by 2035", "$50 billion", "estimate"),
        ("mineral exports can be increased to $6-8 billion per year", "$6-8 billion", "estimate"),
        ("the two countries have the potential to increase trade up to $1 billion", "$1 billion", "estimate"),
        ("mineral resources are worth about $6 trillion", "$6 trillion", "estimate"),
        ("exports could rise from about $3 billion today to $50 billion", "$3 billion", "fact"),
        ("exports rose 12.5 percent to $450 million in the first quarter", "$450 million", "fact"),
    ],
)
def test_a_target_is_a_stated_goal_and_a_projection_an_estimate(sentence, phrase, expected):
    assert rules.claim_type(sentence, sentence.index(phrase))[0] == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Uzbekistan imports pharmaceutical products worth $3 billion, a year-long figure", False),
        ("The two sides trade goods worth $2 billion annually", True),
        ("bilateral trade is $2 billion a year", True),
        ("the loan of $3 billion for a year", False),
        ("exports of $5 billion a year ago", False),
        ("the annual trade is $4 billion", True),
        ("the annual report shows $5 billion", False),
    ],
)
def test_the_sentence_says_per_year(sentence, expected):
    assert rules.sentence_says_per_year(sentence) is expected


@pytest.mark.parametrize(
    ("sentence", "phrase", "geo", "partner"),
    [
        ("Pakistan-Uzbekistan trade reached $400 million", "$400 million", "Pakistan", "Uzbekistan"),
        ("Uzbekistan-Pakistan trade reached $400 million", "$400 million", "Uzbekistan", "Pakistan"),
        ("trade between Pakistan and China rose to $20 billion", "$20 billion", "Pakistan", "China"),
        ("Pakistan’s exports to China rose to $3 billion", "$3 billion", "Pakistan", "China"),
        ("Uzbekistan aims to raise its trade with Pakistan to $5 billion", "$5 billion", "Uzbekistan", "Pakistan"),
        ("Chinese firms plan to invest $2 billion in Pakistan’s zones", "$2 billion", "China", "Pakistan"),
        ("more than 40 Chinese companies attended", "40 Chinese companies", "China", ""),
        ("China’s annual imports are around $2 trillion", "$2 trillion", "China", ""),
    ],
)
def test_geography_and_partner_follow_the_sentence(sentence, phrase, geo, partner):
    start, end = _at(sentence, phrase)
    assert rules.geo_partner(sentence, start, end, ["Pakistan"]) == (geo, partner)


@pytest.mark.parametrize(
    ("clause", "phrase", "period", "as_of"),
    [
        ("exports rose to $450 million in the first quarter", "$450 million", "first quarter", ""),
        ("exports were $7.9 billion in July-September", "$7.9 billion", "July-September", ""),
        ("the FBR collected Rs11.7 trillion during FY2024-25", "Rs11.7 trillion", "FY2024-25", ""),
        ("remittances reached $20 billion in the first four months of the current fiscal year", "$20 billion",
         "first four months of the current fiscal year", ""),
        ("exports stood at $2.2 billion in March 2025", "$2.2 billion", "March 2025", "2025-03"),
        ("exports stood at $30 billion", "$30 billion", "", ""),
    ],
)
def test_a_time_bounded_fact_keeps_its_period(clause, phrase, period, as_of):
    assert rules.period(clause, _at(clause, phrase)[1]) == (period, as_of)


@pytest.mark.parametrize(
    ("clause", "phrase", "subject"),
    [
        ("bilateral trade rose to $2.5 billion last year", "$2.5 billion", "Bilateral trade"),
        ("Pakistan's mineral exports are currently only $2 billion per year", "$2 billion per year",
         "Pakistan's mineral exports"),
        ("Uzbekistan imports $3 billion worth of pharmaceutical products annually", "$3 billion",
         "Pharmaceutical products"),
        ("reaffirmed to accomplish USD 10bn trade goal", "USD 10bn", "Trade goal"),
        ("achieve the $2 billion trade target with Uzbekistan", "$2 billion", "Trade target with Uzbekistan"),
        ("mineral exports can be increased to $6-8 billion per year", "$6-8 billion per year", "Mineral exports"),
        ("Uzbekistan aims to raise its trade with Pakistan to $5 billion", "$5 billion", "Trade with Pakistan"),
        ("More than 70 Chinese companies attended the forum", "70 Chinese companies", "Chinese companies"),
        ("the offer of 6,000 acres of land under the lease policy", "6,000 acres", "Acres of land"),
    ],
)
def test_subjects_are_the_noun_phrase_the_figure_measures(clause, phrase, subject):
    q = next(q for q in find_quantities(clause) if q.text == phrase)
    assert rules.subject(clause, q.start, q.end, q) == subject


def test_suggestions_apply_the_rules(tmp_path: Path):
    article = tmp_path / "article.txt"
    article.write_text(
        "date 2025-05-02 Pakistan-Uzbekistan trade reached $400 million, and the two sides want more annually.\n"
        "Exports to China fell 5 per cent to $1.2 billion in July-September.\n"
        "Pakistan’s exports are expected to reach $40 billion by 2027.\n",
        encoding="utf-8",
    )
    candidates, _ = suggest_claims(article, set())
    rows = candidates.set_index("id")
    trade = rows.loc["pk-uz-trade"]
    assert (trade["geo"], trade["partner"], trade["unit"]) == ("Pakistan", "Uzbekistan", "USD/yr")
    assert trade["notes"] == NOTES + "; per year: the sentence says so"
    fall = candidates.loc[candidates["unit"].eq("percent")].iloc[0]
    assert fall["notes"] == NOTES + "; period: July-September; a change (fall), not a level"
    projection = rows.loc["pk-exports-2027-estimate"]
    assert (projection["claim_type"], projection["horizon_year"]) == ("estimate", "2027")
    assert "projection ('expected')" in projection["notes"]
