"""Tests of candidate claims suggested from a new article."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers import paths
from helpers.claims import EXCLUSION_COLUMNS, REGISTER_COLUMNS
from helpers.errors import ArticleError
from helpers.quantities import find_quantities
from helpers.suggest import (
    NOTES,
    article_date,
    read_article,
    sentence_spans,
    suggest_claims,
    write_suggestions,
)

ARTICLE = Path(__file__).parent / "fixtures" / "articles" / "new_article.txt"

S_RS = ("ISLAMABAD: Finance Minister Ali Raza said the government had released Rs 1.2 trillion for development "
        "projects in the current fiscal year.")
S_EXPORTS = "Pakistan’s exports to China rose 12.5 percent to $450 million in the first quarter, the central bank said."
S_INVEST = ("Chinese firms plan to invest between $6 and $8 billion in Pakistan’s special economic zones, which "
            "could create up to 3,000 jobs.")
S_PARK = ("The Punjab government approved PKR 500 crore for a mineral processing park spread over 1,200 acres "
          "near Chiniot.")
S_UZ = "Uzbekistan aims to raise its trade with Pakistan to $5 billion by 2030, up from about $400 million in 2024."
S_INFL = "Inflation eased to 4.1% in February, the lowest since March 2021."
S_EXPO = ("Hundreds of traders attended the 3rd Pak-China Trade Expo on March 8, 2026, where more than 40 Chinese "
          "companies showed machinery.")

# id, topic, claim_type, geo, partner, value, value_low, value_high, unit, qualifier, horizon_year, speaker, quote
EXPECTED = [
    ("pk-macro", "macro", "fact", "Pakistan", "", "1200000000000", "", "", "PKR", "exact", "", "Ali Raza", S_RS),
    ("pk-cn-exports-pct", "exports", "fact", "Pakistan", "China", "12.5", "", "", "percent", "exact", "", "",
     S_EXPORTS),
    ("pk-cn-exports", "exports", "fact", "Pakistan", "China", "450000000", "", "", "USD", "exact", "", "",
     S_EXPORTS),
    ("cn-pk-investment-target", "investment", "target", "China", "Pakistan", "", "6000000000", "8000000000",
     "USD", "range", "", "", S_INVEST),
    # "which could create up to 3,000 jobs": a projection, not a stated goal
    ("pk-employment-jobs-estimate", "employment", "estimate", "Pakistan", "", "3000", "", "", "jobs",
     "upper_bound", "", "", S_INVEST),
    ("pk-minerals", "minerals", "fact", "Pakistan", "", "5000000000", "", "", "PKR", "exact", "", "", S_PARK),
    ("pk-land-acres", "land", "fact", "Pakistan", "", "1200", "", "", "acres", "exact", "", "", S_PARK),
    ("uz-pk-trade-2030-target", "trade", "target", "Uzbekistan", "Pakistan", "5000000000", "", "", "USD", "exact",
     "2030", "", S_UZ),
    ("uz-pk-trade", "trade", "fact", "Uzbekistan", "Pakistan", "400000000", "", "", "USD", "approximate", "", "",
     S_UZ),
    ("pk-macro-pct", "macro", "fact", "Pakistan", "", "4.1", "", "", "percent", "exact", "", "", S_INFL),
    ("cn-events-companies", "events", "fact", "China", "", "40", "", "", "companies", "lower_bound", "", "",
     S_EXPO),
]  # fmt: skip
FIELDS = ("id", "topic", "claim_type", "geo", "partner", "value", "value_low", "value_high", "unit", "qualifier",
          "horizon_year", "speaker", "quote")  # fmt: skip
SUBJECTS = ["Development projects", "Pakistan’s exports to China", "Pakistan’s exports to China",
            "Investment in Pakistan’s special economic zones", "Jobs", "Mineral processing park", "Acres",
            "Trade with Pakistan", "Trade with Pakistan", "Inflation", "Chinese companies"]  # fmt: skip

EXPECTED_EXCLUSIONS = [
    ("2024", "year", "calendar year"),
    ("March 2021", "date", "date"),
    ("Hundreds of", "vague", "vague magnitude"),
    ("3rd", "ordinal", "ordinal"),
    ("March 8, 2026", "date", "date"),
]


@pytest.fixture(scope="module")
def suggested() -> tuple[pd.DataFrame, pd.DataFrame]:
    return suggest_claims(ARTICLE, set())


def test_every_candidate_exactly(suggested):
    candidates, _ = suggested
    assert list(candidates.columns) == REGISTER_COLUMNS
    got = [tuple(row[f] for f in FIELDS) for row in candidates.to_dict("records")]
    assert got == EXPECTED
    as_of = dict(zip(candidates["id"], candidates["as_of"], strict=True))
    assert as_of.pop("uz-pk-trade") == "2024"  # "up from about $400 million in 2024": the year it states
    assert set(as_of.values()) == {""}  # the body has no date line (add-article dates them with the page's date)
    assert set(candidates["seed_file"]) == {"new_article.txt"}
    assert all(note.startswith(NOTES) for note in candidates["notes"])
    assert candidates["subject"].tolist() == SUBJECTS  # the noun phrase each figure measures
    notes = dict(zip(candidates["id"], candidates["notes"], strict=True))
    assert notes["pk-cn-exports"] == NOTES + "; period: first quarter"
    assert notes["pk-cn-exports-pct"] == NOTES + "; period: first quarter; a change (rise), not a level"
    assert notes["pk-employment-jobs-estimate"] == NOTES + "; projection ('could'), not a stated goal"
    assert notes["pk-macro-pct"] == NOTES + "; period: February"
    links = candidates.loc[candidates["baseline_id"].ne(""), ["id", "baseline_id"]].values.tolist()
    assert links == [["uz-pk-trade-2030-target", "uz-pk-trade"]]  # "to $5 billion by 2030, up from about $400 million"


def test_quotes_stand_verbatim_at_their_offsets(suggested):
    candidates, _ = suggested
    with open(ARTICLE, encoding="utf-8", newline="") as handle:
        text = handle.read()
    for row in candidates.itertuples():
        assert text[row.offset: row.offset + len(row.quote)] == row.quote
        assert row.offset == text.index(row.quote)  # every sentence of the fixture is unique
    assert candidates["offset"].tolist()[:3] == [0, 139, 139]


def test_each_quote_holds_its_quantity(suggested):
    candidates, _ = suggested
    texts = ["Rs 1.2 trillion", "12.5 percent", "$450 million", "$6 and $8 billion", "3,000 jobs", "PKR 500 crore",
             "1,200 acres", "$5 billion", "$400 million", "4.1%", "40 Chinese companies"]  # fmt: skip
    for quote, phrase in zip(candidates["quote"], texts, strict=True):
        assert phrase in quote


def test_exclusions_exactly(suggested):
    _, exclusions = suggested
    assert list(exclusions.columns) == EXCLUSION_COLUMNS
    assert [(r.text, r.kind, r.reason) for r in exclusions.itertuples()] == EXPECTED_EXCLUSIONS
    text = read_article(ARTICLE)
    for r in exclusions.itertuples():
        assert text[r.offset: r.offset + len(r.text)] == r.text and r.seed_file == "new_article.txt"


def test_every_quantity_is_a_candidate_or_an_exclusion(suggested):
    candidates, exclusions = suggested
    found = find_quantities(read_article(ARTICLE))
    horizons = [q for q in found if q.kind == "year" and q.text == "2030"]  # covered by its target claim
    assert len(candidates) + len(exclusions) + len(horizons) == len(found)
    assert sorted(exclusions["offset"]) == [q.start for q in found if not q.is_claim and q not in horizons]


def test_ids_are_unique_against_the_register_and_each_other(tmp_path):
    candidates, _ = suggest_claims(ARTICLE, {"pk-cn-exports", "uz-pk-trade", "uz-pk-trade-2"})
    ids = candidates["id"].tolist()
    assert ids[2] == "pk-cn-exports-2" and ids[8] == "uz-pk-trade-3"
    assert len(set(ids)) == len(ids)
    article = tmp_path / "twice.txt"
    article.write_text("Pakistan’s exports were $2 billion in March.\nPakistan’s exports were $3 billion in April.\n",
                       encoding="utf-8")  # fmt: skip
    twice, _ = suggest_claims(article, {"pk-exports"})
    assert twice["id"].tolist() == ["pk-exports-2", "pk-exports-3"]


def test_ids_are_slugs(suggested):
    candidates, _ = suggested
    assert candidates["id"].str.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*").all()


def test_seed_suggestions_follow_the_register_where_the_sentence_allows():
    """The register's reviewed rows are the reference; suggestions differ only where the documented rules say
    so: "could rise ... to $50 billion by 2035" is a projection (an estimate) until a reviewer reads it as the
    Uraan Pakistan export goal the article mentions elsewhere."""
    candidates, exclusions = suggest_claims(paths.SEEDS / "004_a7c00857fc1d37e6.txt", set())
    rows = candidates.set_index("id")
    row = rows.loc["pk-cn-exports-2035-estimate"]
    assert (row["value"], row["unit"], row["claim_type"], row["horizon_year"]) == ("50000000000", "USD", "estimate",
                                                                                   "2035")  # fmt: skip
    assert (row["geo"], row["partner"], row["subject"]) == ("Pakistan", "China", "Pakistan's exports to China")
    baseline = rows.loc["pk-cn-exports"]
    assert (baseline["claim_type"], baseline["qualifier"]) == ("fact", "approximate")
    imports = rows.loc["cn-trade"]  # "China’s annual imports are around $2 trillion and a modest share for ..."
    assert (imports["geo"], imports["partner"], imports["unit"], imports["claim_type"]) == ("China", "", "USD/yr",
                                                                                           "fact")  # fmt: skip
    assert rows.loc["pk-macro-2035-target", "subject"] == "Economy"
    assert set(exclusions["reason"]) == {"date", "ordinal", "version or label", "vague magnitude"}  # 2035s: horizons
    register = pd.read_csv(paths.CLAIMS, dtype=str, keep_default_na=False).set_index("id")
    for suggested, reviewed in [("pk-uz-trade-target", "pk-uz-trade-target"), ("pk-ir-trade-target",
                                                                                "pk-ir-trade-target")]:  # fmt: skip
        for seed in ("003_0560b6292d5b7678.txt", "002_9f9e8348c6917a66.txt"):
            found, _ = suggest_claims(paths.SEEDS / seed, set())
            if suggested in set(found["id"]):
                got = found.set_index("id").loc[suggested]
                assert (got["geo"], got["partner"], got["claim_type"]) == tuple(
                    register.loc[reviewed, ["geo", "partner", "claim_type"]])


@pytest.mark.parametrize("name", sorted(p.name for p in paths.SEEDS.glob("*.txt")))
def test_seeds_are_fully_accounted_for(name):
    path = paths.SEEDS / name
    candidates, exclusions = suggest_claims(path, set())
    text = read_article(path)
    found = find_quantities(text)
    assert len(candidates) == sum(q.is_claim for q in found)
    horizons = [q for q in found if q.kind == "year" and any(
        str(r.horizon_year) == q.text and r.offset <= q.start < r.offset + len(r.quote)
        for r in candidates.itertuples())]
    assert len(exclusions) == sum(not q.is_claim for q in found) - len(horizons)
    for row in candidates.itertuples():
        assert text[row.offset: row.offset + len(row.quote)] == row.quote


def test_appending_the_suggestions_passes_every_register_check(tmp_path):
    """Appending the rows is all it takes: the article (with its row in the articles table and its date, as
    make add-article gives them) is then fully covered, validated and convertible."""
    from helpers import claims
    from helpers.articles import append_article

    seeds, data = tmp_path / "seeds", tmp_path / "data"
    shutil.copytree(paths.SEEDS, seeds)
    shutil.copytree(paths.DATA, data)
    shutil.copy(ARTICLE, seeds / "005_new_article.txt")
    append_article({"seed_file": "005_new_article.txt", "outlet": "The Indus Ledger", "published": "2026-03-10",
                    "date_basis": "page", "language": "en", "via": "pasted",
                    "notes": "test article: headline and address not given"}, data / "articles.csv", seeds)
    candidates, exclusions = suggest_claims(seeds / "005_new_article.txt", set(claims.load_claims()["id"]))
    candidates.loc[candidates["as_of"].eq(""), "as_of"] = "2026-03-10"  # the page's date, as add-article sets it
    register = pd.concat([pd.read_csv(data / "claims.csv", dtype=str, keep_default_na=False),
                          candidates.astype(str)])
    register.to_csv(data / "claims.csv", index=False)
    pd.concat([pd.read_csv(data / "exclusions.csv", dtype=str, keep_default_na=False),
               exclusions.astype(str)]).to_csv(data / "exclusions.csv", index=False)
    table = claims.check_inputs(data / "claims.csv", data / "exclusions.csv", seeds, data / "units.csv",
                                data / "claim_series.csv", data / "fx_rates.csv", articles_path=data / "articles.csv")
    assert set(table.loc[table["seed_file"].eq("005_new_article.txt"), "status"]) == {"claim", "excluded"}


def test_article_date_header():
    assert article_date(" date 2025-09-22 By Munir Khan\nText") == "2025-09-22"
    assert article_date("Text with date 2025-09-22 later") == ""
    assert article_date("date 2025-13-40 bad") == ""


def test_sentences_keep_abbreviations_and_decimals_together():
    text = "Mr. Khan said Rs. 5.5 billion was spent in the U.S. Economy. It grew 2.5%! Next line\nA new line."
    spans = [text[a:b] for a, b in sentence_spans(text)]
    assert spans == ["Mr. Khan said Rs. 5.5 billion was spent in the U.S. Economy.", "It grew 2.5%!",
                     "Next line", "A new line."]  # fmt: skip


def test_crlf_article_offsets_index_the_text_as_read(tmp_path):
    article = tmp_path / "crlf.txt"
    article.write_bytes("date 2025-01-02\r\nPakistan’s exports reached $3 billion.\r\nChina said 70 companies came."
                        .encode())  # fmt: skip
    candidates, _ = suggest_claims(article, set())
    with open(article, encoding="utf-8", newline="") as handle:
        text = handle.read()
    assert "\r\n" in text
    for row in candidates.itertuples():
        assert text[row.offset: row.offset + len(row.quote)] == row.quote
    assert candidates["as_of"].tolist() == ["2025-01-02", "2025-01-02"]


def test_no_header_leaves_as_of_empty(tmp_path):
    article = tmp_path / "plain.txt"
    article.write_text("Pakistan’s exports reached $3 billion.", encoding="utf-8")
    candidates, exclusions = suggest_claims(article, set())
    assert candidates["as_of"].tolist() == [""] and exclusions.empty


# ------------------------------------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", r"empty\.txt: the file is empty\. Fix: paste the article"),
        (b"  \n\n ", r"empty\.txt: the file is empty\. Fix:"),
        (b"Pakistan \xe9xports $5 billion", r"empty\.txt: not UTF-8 text \(invalid byte 0xe9 at byte offset 9\)\. "
                                             r"Fix: re-save empty\.txt as UTF-8"),
        (b"The ministers met and signed several protocols.", r"empty\.txt: no quantities found .* Fix:"),
    ],
)  # fmt: skip
def test_bad_articles_are_refused_with_the_fix(tmp_path, content, message):
    article = tmp_path / "empty.txt"
    article.write_bytes(content)
    with pytest.raises(ArticleError, match=message):
        suggest_claims(article, set())
    out = tmp_path / "out"
    with pytest.raises(ArticleError):
        write_suggestions(article, out, set())
    assert not out.exists()


def test_missing_article(tmp_path):
    with pytest.raises(ArticleError, match=r"nothere\.txt: file not found\. Fix: check the path"):
        suggest_claims(tmp_path / "nothere.txt", set())


def test_write_suggestions_round_trips(tmp_path):
    out = tmp_path / "suggestions"
    cand_path, excl_path = write_suggestions(ARTICLE, out, set())
    assert (cand_path.name, excl_path.name) == ("new_article.candidates.csv", "new_article.exclusions.csv")
    assert sorted(p.name for p in out.iterdir()) == ["new_article.candidates.csv", "new_article.exclusions.csv"]
    expected_c, expected_e = suggest_claims(ARTICLE, set())
    read_c = pd.read_csv(cand_path, dtype=str, keep_default_na=False, encoding="utf-8")
    read_e = pd.read_csv(excl_path, dtype=str, keep_default_na=False, encoding="utf-8")
    assert read_c.to_dict("records") == expected_c.astype(str).to_dict("records")
    assert read_e.to_dict("records") == expected_e.astype(str).to_dict("records")
    text = read_article(ARTICLE)
    for row in read_c.itertuples():
        assert text[int(row.offset): int(row.offset) + len(row.quote)] == row.quote


# ------------------------------------------------------------------------------------------------ limits


def test_an_article_over_the_size_limit_is_refused_naming_file_and_limit(tmp_path):
    from helpers.suggest import MAX_ARTICLE_BYTES

    article = tmp_path / "huge.txt"
    article.write_bytes(b"Exports rose 5 per cent. " * (MAX_ARTICLE_BYTES // 25 + 1))
    with pytest.raises(ArticleError, match=r"huge\.txt: the file is 2\.0 MB; suggest reads articles up to 2 MB .*"
                                           r"Fix: split the file into single articles"):  # fmt: skip
        write_suggestions(article, tmp_path / "out", set())
    assert not (tmp_path / "out").exists()


def test_a_long_sentence_is_quoted_around_its_figure(tmp_path):
    from helpers.suggest import MAX_QUOTE_CHARS

    words = " ".join(["cooperation"] * 400)
    text = f"Pakistan and China discussed {words} and exports of $3 billion to China {words} today.\n"
    article = tmp_path / "long.txt"
    article.write_text(text, encoding="utf-8")
    candidates, _ = suggest_claims(article, set())
    row = candidates.iloc[0]
    assert len(row["quote"]) <= MAX_QUOTE_CHARS and "$3 billion" in row["quote"]
    assert text[row["offset"]: row["offset"] + len(row["quote"])] == row["quote"]


def test_many_repeated_ids_stay_unique(tmp_path):
    article = tmp_path / "repeats.txt"
    article.write_text("Pakistan’s exports were $2 billion.\n" * 300, encoding="utf-8")
    candidates, _ = suggest_claims(article, {"pk-exports-5"})
    ids = candidates["id"].tolist()
    assert len(set(ids)) == 300 and "pk-exports-5" not in ids
    assert ids[:5] == ["pk-exports", "pk-exports-2", "pk-exports-3", "pk-exports-4", "pk-exports-6"]
