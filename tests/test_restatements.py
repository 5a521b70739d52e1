"""How a target moved over time: histories from the register's ``restates`` links, the changes flagged in words,
the target report's section and the index's table -- on a world of articles the tests write."""

from __future__ import annotations

import pandas as pd
import pytest
from restatekit import rows, write_register, write_world

from helpers import claims, restatements, text
from helpers.articles import load_articles
from helpers.errors import ProjectError


@pytest.fixture
def world(tmp_path):
    return write_world(tmp_path)


def tables(world) -> tuple[pd.DataFrame, pd.DataFrame]:
    return claims.load_claims(world.claims, world.seeds), load_articles(world.articles, world.seeds)


def test_a_history_runs_from_the_first_statement_to_the_latest(world):
    table = restatements.history(*tables(world), "pk-ir-trade-2030")
    assert table["claim"].tolist() == ["pk-ir-trade-2028", "pk-ir-trade-2030", "pk-ir-trade-goal"]
    assert table["target"].eq("pk-ir-trade-goal").all()  # named by its latest statement
    assert table["outlet"].tolist() == ["Dawn", "The Express Tribune", "Business Recorder"]
    assert table["published"].tolist() == ["2025-03-10", "2025-09-17", "2026-01-05"]
    assert table["stated"].tolist() == ["2025-03-10", "2025-09-16", "2026-01-05"]
    assert table["amount"].tolist() == ["$5.0 billion a year", "$10.0 billion a year", "$10.0 billion a year"]
    assert table["target_year"].tolist() == ["2028", "2030", restatements.NO_YEAR]
    assert table["changed"].tolist() == [False, True, True]
    assert table["change"].tolist() == [
        restatements.FIRST,
        "amount raised from $5.0 billion a year to $10.0 billion a year; target year moved from 2028 to 2030",
        "no target year stated (it was 2030)",
    ]


def test_every_target_has_a_history(world):
    table = restatements.histories(*tables(world))
    assert list(table.columns) == restatements.HISTORY_COLUMNS
    assert table.groupby("target").size().to_dict() == {"pk-ir-trade-goal": 3, "pk-uz-trade-app": 1,
                                                        "pk-uz-trade-nation": 1}
    assert table["target"].tolist()[:3] == ["pk-ir-trade-goal"] * 3  # a history's rows stay together


def test_the_order_follows_the_links_when_dates_are_missing(tmp_path):
    register = rows()
    register[2]["as_of"] = ""  # stated on no known date, in an article published 2026-01-05
    register[1]["as_of"] = ""
    world = write_world(tmp_path, register)
    table = restatements.history(*tables(world), "pk-ir-trade-2028")
    assert table["claim"].tolist() == ["pk-ir-trade-2028", "pk-ir-trade-2030", "pk-ir-trade-goal"]
    assert table["stated"].tolist()[1:] == [restatements.UNDATED] * 2


def test_a_history_without_articles_names_the_seed_file(world):
    frame, _ = tables(world)
    table = restatements.history(frame, None, "pk-uz-trade-app")
    assert table["outlet"].tolist() == ["104_app.txt"] and table["published"].tolist() == [restatements.UNDATED]


@pytest.mark.parametrize(("earlier", "later", "words"), [
    ({"value": 2e9}, {"value": 2e9}, restatements.SAME),
    ({"value": 2e9}, {"value": 3e9}, "amount raised from $2.0 billion a year to $3.0 billion a year"),
    ({"value": 5e9}, {"value": 4e9}, "amount lowered from $5.0 billion a year to $4.0 billion a year"),
    ({"value": 5e9}, {"value": 5e9, "qualifier": "lower_bound"},
     "amount changed from $5.0 billion a year to more than $5.0 billion a year"),
    ({"value": 5e9, "horizon_year": "2030"}, {"value": 5e9, "horizon_year": "2032"},
     "target year moved from 2030 to 2032"),
    ({"value": 5e9}, {"value": 5e9, "horizon_year": "2030"}, "target year 2030 given (none stated before)"),
    ({"value": None, "value_low": 6e9, "value_high": 8e9, "qualifier": "range"}, {"value": 8e9},
     "amount raised from $6.0 billion to $8.0 billion a year to $8.0 billion a year"),
])
def test_change_words(earlier, later, words):
    def row(cells):
        return {"unit": "USD/yr", "qualifier": "exact", "horizon_year": "", **cells}
    assert restatements.change_words(row(earlier), row(later)) == words


def test_the_summary_flags_each_change_in_words(world):
    sentence = restatements.section(*tables(world), "pk-ir-trade-goal").sentence
    assert sentence.startswith("This target was stated 3 times by 3 outlets, first by Dawn (2025-03-10) as "
                               "$5.0 billion a year by 2028.")
    assert ("Flag: The Express Tribune (2025-09-16) restated it with a change: amount raised from $5.0 billion a "
            "year to $10.0 billion a year; target year moved from 2028 to 2030.") in sentence
    assert "Flag: Business Recorder (2026-01-05) restated it with a change: no target year stated" in sentence


def test_the_summary_of_an_unchanged_restatement(tmp_path):
    first = {**rows()[1], "restates": ""}
    again = {**first, "id": "pk-ir-again", "restates": first["id"], "as_of": "2025-09-18"}
    world = write_world(tmp_path, [first, again])
    sentence = restatements.section(*tables(world), "pk-ir-again").sentence
    assert "stated 2 times by 1 outlet," in sentence and "kept the amount and the target year" in sentence
    assert "Flag" not in sentence


def test_the_summary_of_a_target_stated_once(world):
    sentence = restatements.section(*tables(world), "pk-uz-trade-app").sentence
    assert sentence == ("No other article in the register restates this target: it was stated once, by Associated "
                        "Press of Pakistan (2025-08-01), as $2.0 billion a year with no target year.")


def test_a_claim_that_is_not_a_target_has_no_history(tmp_path):
    register = rows()
    register[3]["claim_type"] = "fact"
    world = write_world(tmp_path, register)
    with pytest.raises(ProjectError, match="is not a target in the register.*Fix: use one of"):
        restatements.history(*tables(world), "pk-uz-trade-app")


def test_the_report_section_reads_the_files(world):
    found = restatements.report_section("pk-ir-trade-2028", world.claims, world.articles, world.seeds)
    assert len(found.table) == 3 and found.sentence.startswith("This target was stated 3 times")
    assert list(found.view.columns) == list(restatements.VIEW.values())
    assert found.view["change from the statement it restates"].iloc[0] == restatements.FIRST


def world_subject(world, claim_id: str) -> str:
    """The register subject of ``claim_id`` in the test world's register."""
    return str(claims.load_claims(world.claims, world.seeds).set_index("id").loc[claim_id, "subject"])


def test_the_index_table_is_plain_data(world):
    table = restatements.index_table(world.claims, world.articles, world.seeds)
    assert table["caption"] == ("Targets as stated over time: 3 targets, 1 restated in another article, "
                                "2 restatements changed the amount or the year.")
    assert table["columns"][0] == "target" and "amount" in table["columns"]
    assert len(table["rows"]) == 5 and all(isinstance(cell, str) for row in table["rows"] for cell in row)
    assert (table["flagged"], table["restated"]) == (2, 1)
    subject = world_subject(world, "pk-ir-trade-goal")
    assert table["rows"][0][:3] == [subject, "2025-03-10", "Dawn"]
    assert table["rows"][0][-1] != subject  # the statement's claim id stays, last, as its trace


def test_the_index_table_of_the_shipped_register():
    table = restatements.index_table()
    targets = claims.target_claim_ids()
    assert table["caption"].endswith("none restated in another article yet.")
    subjects = claims.load_claims().set_index("id")["subject"]
    assert [row[0] for row in table["rows"]] == [subjects[t] for t in targets]  # one each, in register order
    assert table["flagged"] == 0


def test_an_empty_register_has_no_histories(tmp_path):
    world = write_world(tmp_path)
    write_register(world.claims, [])
    frame = claims.load_claims(world.claims, world.seeds)
    assert restatements.histories(frame).empty


def test_the_register_view_shows_links_only_when_there_are_some(world):
    frame, _ = tables(world)
    view = claims.readable_table(frame).reset_index()
    row = view.loc[view["ids"].str.startswith("pk-ir-trade-2030")].iloc[0]
    earlier = frame.loc[frame["id"].eq("pk-ir-trade-2028")].iloc[0]
    assert row["restates"].startswith(text.claim(earlier) + " (")  # the earlier statement in words
    assert row["ids"] == "pk-ir-trade-2030 (restates pk-ir-trade-2028)"
    assert "restates" not in claims.readable_table(claims.load_claims()).columns


def test_a_seed_without_an_articles_row_does_not_stop_the_report(world):
    lines = world.articles.read_text(encoding="utf-8").splitlines(keepends=True)
    world.articles.write_text("".join(line for line in lines if not line.startswith("101_dawn.txt")),
                              encoding="utf-8")
    found = restatements.report_section("pk-ir-trade-goal", world.claims, world.articles, world.seeds)
    assert found.table[["outlet", "published"]].iloc[0].tolist() == ["101_dawn.txt", restatements.UNDATED]
    assert found.sentence.startswith("This target was stated 3 times by 3 outlets, first by 101_dawn.txt "
                                     "(2025-03-10)")
    world.articles.unlink()
    assert restatements.index_table(world.claims, world.articles, world.seeds)["rows"][0][2] == "101_dawn.txt"


def test_two_later_statements_of_one_target_stay_in_one_history(tmp_path):
    register = rows()
    register[2]["restates"] = "pk-ir-trade-2028"  # both later articles restate the first one
    world = write_world(tmp_path, register)
    table = restatements.history(*tables(world), "pk-ir-trade-2028")
    assert table["claim"].tolist() == ["pk-ir-trade-2028", "pk-ir-trade-2030", "pk-ir-trade-goal"]
    assert table["target"].eq("pk-ir-trade-goal").all()
    assert table["change"].iloc[2] == "amount raised from $5.0 billion a year to $10.0 billion a year; no target " \
                                      "year stated (it was 2028)"
