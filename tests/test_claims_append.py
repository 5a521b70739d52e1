"""Appending reviewed rows: the review guard, formula-safe suggestion files read back as written, all or nothing."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from helpers import claims, paths
from helpers.articles import append_article
from helpers.articles.add import add_article
from helpers.claims.cli import main
from helpers.errors import ArticlesError, ConversionError, CoverageError, RegisterError, ReviewError
from helpers.files import write_csvs

ARTICLES = Path(__file__).parent / "fixtures" / "articles"
#: The test article as a saved news page (navigation, adverts, "most read" box, metadata), and its body as
#: make add-article extracts it.
PAGE = ARTICLES / "new_article.html"
ARTICLE = ARTICLES / "new_article.txt"
#: The name make add-article gives it (NNN_<outlet>_<headline>.txt); the reviewed rows name this seed.
SEED = "005_the-indus-ledger_pakistan-and-china-agree-to-deepen-industrial.txt"
#: The candidates of the article as a reviewer corrected them (ids, types, subjects, yearly units).
REVIEWED = ARTICLES / "new_article.reviewed.csv"


@pytest.fixture
def project_copy(tmp_path: Path) -> tuple[Path, Path]:
    """Copies of data/ and seeds/ with the test article added from its saved page (make add-article: the seed,
    its row of the articles table and suggestions in tmp_path/s)."""
    data, seeds = tmp_path / "data", tmp_path / "seeds"
    shutil.copytree(paths.DATA, data)
    shutil.copytree(paths.SEEDS, seeds)
    added = add_article(str(PAGE), articles_path=data / "articles.csv", seeds_dir=seeds,
                        suggestions_dir=tmp_path / "s", claims_path=data / "claims.csv", today=date(2026, 11, 24))
    assert added.seed.name == SEED and added.seed.read_bytes() == ARTICLE.read_bytes()
    return data, seeds


def suggested(seeds: Path, out: Path) -> tuple[Path, Path]:
    """The suggestions make add-article wrote for the test article (dated with the page's date)."""
    found = out / SEED.replace(".txt", ".candidates.csv"), out / SEED.replace(".txt", ".exclusions.csv")
    assert all(path.is_file() for path in found)
    return found


def append(data: Path, seeds: Path, candidates: Path, exclusions: Path | None, **kwargs):
    return claims.append_reviewed(candidates, exclusions, data / "claims.csv", data / "exclusions.csv", seeds,
                                  articles_path=data / "articles.csv", **kwargs)


def test_unreviewed_suggestions_are_refused_and_nothing_is_written(project_copy, tmp_path):
    data, seeds = project_copy
    cand, excl = suggested(seeds, tmp_path / "s")
    before = (data / "claims.csv").read_bytes(), (data / "exclusions.csv").read_bytes()
    with pytest.raises(ReviewError) as caught:
        append(data, seeds, cand, excl)
    rows = {p.row for p in caught.value.problems}
    assert rows == set(range(2, 2 + len(pd.read_csv(cand))))
    problem = caught.value.problems[0]
    assert problem.field == "notes" and problem.code == "unreviewed" and "--reviewed" in problem.fix
    assert "REVIEWED=1" in problem.fix and "delete 'suggested; review'" in problem.fix
    assert ((data / "claims.csv").read_bytes(), (data / "exclusions.csv").read_bytes()) == before


def test_one_unreviewed_row_among_reviewed_ones_is_refused(project_copy, tmp_path):
    data, seeds = project_copy
    frame = pd.read_csv(REVIEWED, dtype=str, keep_default_na=False)
    frame.loc[3, "notes"] = "suggested; review"
    cand = tmp_path / "cand.csv"
    frame.to_csv(cand, index=False)
    _, excl = suggested(seeds, tmp_path / "s")
    with pytest.raises(ReviewError) as caught:
        append(data, seeds, cand, excl)
    assert [p.row for p in caught.value.problems] == [5]


def test_the_reviewed_flag_appends_and_records_the_statement(project_copy, tmp_path):
    data, seeds = project_copy
    cand, excl = suggested(seeds, tmp_path / "s")
    frame = pd.read_csv(cand, dtype=str, keep_default_na=False)
    frame.loc[frame["id"].isin(["uz-pk-trade-2030-target", "uz-pk-trade"]), "unit"] = "USD/yr"
    frame.to_csv(cand, index=False)
    added, n_excl = append(data, seeds, cand, excl, reviewed=True)
    register = claims.load_claims(data / "claims.csv", seeds, data / "units.csv")
    new = register.loc[register["id"].isin(added)]
    assert len(new) == len(frame) and n_excl > 0
    assert new["notes"].str.startswith(claims.REVIEWED_NOTE).all()  # suggest may add its own remarks after the mark
    assert not register["notes"].str.contains(claims.SUGGESTED_NOTE, regex=False).any()


def test_reviewed_rows_are_appended_and_everything_checks(project_copy, tmp_path):
    data, seeds = project_copy
    _, excl = suggested(seeds, tmp_path / "s")
    before = len(pd.read_csv(data / "claims.csv"))
    added, n_excl = append(data, seeds, REVIEWED, excl)
    assert len(pd.read_csv(data / "claims.csv")) == before + len(added) and n_excl > 0
    assert {"uz-pk-trade-2030-target", "cn-pk-investment-target"} <= set(added)
    claims.check_inputs(data / "claims.csv", data / "exclusions.csv", seeds, articles_path=data / "articles.csv")


def test_the_walkthrough_error_is_caught_a_trade_target_in_usd_with_a_yearly_baseline(project_copy, tmp_path):
    data, seeds = project_copy
    frame = pd.read_csv(REVIEWED, dtype=str, keep_default_na=False)
    frame.loc[frame["id"].eq("uz-pk-trade-2030-target"), "unit"] = "USD"  # the reviewer missed one of the two
    cand = tmp_path / "cand.csv"
    frame.to_csv(cand, index=False)
    _, excl = suggested(seeds, tmp_path / "s")
    with pytest.raises(RegisterError) as caught:
        append(data, seeds, cand, excl)
    (problem,) = [p for p in caught.value.problems if p.code == "baseline-other-measure"]
    assert problem.file == str(cand) and problem.row == 9 and "'USD'" in problem.message


def test_bad_rows_are_refused_naming_the_candidates_file_and_nothing_is_written(project_copy, tmp_path):
    data, seeds = project_copy
    frame = pd.read_csv(REVIEWED, dtype=str, keep_default_na=False)
    frame.loc[1, "subject"] = ""
    frame.loc[2, "id"] = "pk-cn-exports"  # already in the register
    cand = tmp_path / "cand.csv"
    frame.to_csv(cand, index=False)
    _, excl = suggested(seeds, tmp_path / "s")
    original = (data / "claims.csv").read_bytes()
    with pytest.raises(RegisterError) as caught:
        append(data, seeds, cand, excl)
    found = {(p.row, p.field, p.code) for p in caught.value.problems}
    assert {(3, "subject", "empty"), (4, "id", "duplicate-id")} <= found
    assert "nothing was appended" in str(caught.value) and cand.name in str(caught.value)
    assert (data / "claims.csv").read_bytes() == original


def test_without_exclusions_coverage_fails_naming_the_register_not_a_temporary_file(project_copy, tmp_path):
    data, seeds = project_copy
    original = (data / "claims.csv").read_bytes()
    with pytest.raises(CoverageError, match="March 8, 2026") as caught:
        append(data, seeds, REVIEWED, None)
    assert ".tmp" not in str(caught.value) and "nothing was appended" in str(caught.value)
    assert (data / "claims.csv").read_bytes() == original


def test_a_claim_without_a_rate_stops_the_input_check_naming_it(project_copy, tmp_path):
    data, seeds = project_copy
    _, excl = suggested(seeds, tmp_path / "s")
    append(data, seeds, REVIEWED, excl)
    rates = pd.read_csv(data / "fx_rates.csv", dtype=str, keep_default_na=False)
    rates.loc[~rates["currency"].eq("PKR")].to_csv(data / "fx_rates.csv", index=False)
    with pytest.raises(ConversionError) as caught:
        claims.check_inputs(data / "claims.csv", data / "exclusions.csv", seeds, rates_path=data / "fx_rates.csv",
                            articles_path=data / "articles.csv")
    assert "claim pk-development-funds-released" in str(caught.value) and "no PKR rate" in str(caught.value)


def test_formula_like_cells_are_read_back_as_written(project_copy, tmp_path):
    """Suggestion files are neutralised for spreadsheets ('- ...' -> "'- ..."); append restores the quote."""
    data, seeds = project_copy
    (seeds / SEED).unlink()
    shutil.copy2(paths.ARTICLES, data / "articles.csv")  # the table without the test article's row
    article = "Notes:\n- Pakistan exported $450 million of rice to China.\n"
    (seeds / "006_list.txt").write_text(article, encoding="utf-8")
    append_article({"seed_file": "006_list.txt", "via": "pasted", "notes": "a test list: no outlet, headline, "
                    "date, address or language"}, data / "articles.csv", seeds)
    quote = "- Pakistan exported $450 million of rice to China."
    row = {column: "" for column in claims.REGISTER_COLUMNS}
    row.update(id="pk-cn-rice-exports", topic="trade", claim_type="fact", subject="Rice exports to China",
               geo="Pakistan", partner="China", value="450000000", unit="USD", qualifier="exact", as_of="2025",
               seed_file="006_list.txt", offset=str(article.index(quote)), quote=quote, notes="=checked by hand")
    cand = tmp_path / "cand.csv"
    write_csvs({cand: pd.DataFrame([row], columns=claims.REGISTER_COLUMNS)}, for_people=True)
    assert "'- Pakistan" in cand.read_text(encoding="utf-8") and "'=checked" in cand.read_text(encoding="utf-8")
    append(data, seeds, cand, None)
    added = claims.load_claims(data / "claims.csv", seeds).set_index("id").loc["pk-cn-rice-exports"]
    assert added["quote"] == quote and added["notes"] == "=checked by hand"


def test_a_missing_or_undecodable_candidates_file_exits_2(project_copy, tmp_path, capsys):
    missing = tmp_path / "nothing.csv"
    assert main(["append", str(missing)]) == 2
    assert "candidates file not found" in capsys.readouterr().err
    latin = tmp_path / "latin.csv"
    latin.write_bytes(REVIEWED.read_bytes().replace(b"reviewed: approved", "reviewed: approuvé".encode("latin-1")))
    assert main(["append", str(latin)]) == 2
    err = capsys.readouterr().err
    assert "latin.csv" in err and "not UTF-8" in err and "[not-utf8]" in err and "Traceback" not in err


def test_suggest_ends_with_the_exact_append_command(project_copy, tmp_path, capsys, monkeypatch):
    data, seeds = project_copy
    assert main(["suggest", str(seeds / SEED), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    command = [line.strip() for line in out if line.strip().startswith("make append")]
    stem = SEED.removesuffix(".txt")
    assert command == [f"make append CANDIDATES={tmp_path / 'out' / f'{stem}.candidates.csv'} "
                       f"EXCLUSIONS={tmp_path / 'out' / f'{stem}.exclusions.csv'}"]
    assert "REVIEWED=1" in out[-1]


def test_a_seed_without_its_articles_row_is_refused_with_the_fix_and_nothing_is_written(project_copy, tmp_path):
    """Every seed needs its row in data/articles.csv: append checks the articles table with the rest."""
    data, seeds = project_copy
    _, excl = suggested(seeds, tmp_path / "s")
    shutil.copy2(paths.ARTICLES, data / "articles.csv")  # as if the text had been pasted into seeds/ by hand
    before = (data / "claims.csv").read_bytes(), (data / "exclusions.csv").read_bytes()
    with pytest.raises(ArticlesError) as caught:
        append(data, seeds, REVIEWED, excl)
    (problem,) = caught.value.problems
    assert (Path(problem.file).name, problem.field, problem.value, problem.code) == (
        "articles.csv", "seed_file", SEED, "missing-article")
    assert "make add-article" in problem.fix and "nothing was appended" in str(caught.value)
    assert ((data / "claims.csv").read_bytes(), (data / "exclusions.csv").read_bytes()) == before


def test_a_missing_candidates_file_says_to_run_suggest_again(tmp_path, capsys):
    """Suggestions are not kept in git: the fix is to write them again, not to restore them."""
    missing = tmp_path / "suggestions" / SEED.replace(".txt", ".candidates.csv")
    assert main(["append", str(missing)]) == 2
    err = capsys.readouterr().err
    assert f"run make suggest SEED=seeds/{SEED} again" in err and "git checkout" not in err
