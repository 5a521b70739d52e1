"""The phrasing corpus: its shape, the recall bar, and the figures the README quotes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import paths
from helpers.quantities import corpus


@pytest.fixture(scope="module")
def phrases() -> list[corpus.Phrase]:
    return corpus.load()


def test_the_corpus_quotes_real_outlets_briefly(phrases):
    assert len(phrases) >= 200
    assert len({p.outlet for p in phrases}) >= 8
    assert {"Dawn", "The Express Tribune", "Business Recorder", "The News", "APP", "Profit", "Arab News", "Xinhua",
            "Gulf News", "Tehran Times"} <= {p.outlet for p in phrases}  # fmt: skip
    for p in phrases:
        assert p.url.startswith(("http://", "https://")) and p.outlet
        assert len(p.text) <= 320, "keep short phrases, never whole articles"
        assert p.part in corpus.PARTS
        for r in p.readings:  # every reading stands in its phrase, in order
            assert p.text[r.start:r.end] == r.text


def test_recall_meets_the_bar(phrases):
    result = corpus.score(phrases)
    assert result.recall >= 0.97, corpus.report(result)
    held_out = corpus.score([p for p in phrases if p.part != "development"])
    assert held_out.recall >= 0.95, corpus.report(held_out)


def test_the_readme_quotes_the_current_figures(phrases):
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    for part in corpus.PARTS:
        line = f"{part}: {corpus.summary(corpus.score([p for p in phrases if p.part == part]))}"
        assert line in readme, f"README.md should quote: {line}"
    assert corpus.summary(corpus.score(phrases)) in readme


def test_the_command_prints_the_figures_and_holds_the_bar(capsys):
    assert corpus.main(["--min-recall", "0.97"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"recall 0\.9\d\d", out) and "false positives" in out and "misses" in out
    assert corpus.main(["--set", "held-out-2", "--min-recall", "1.01"]) == 1


def test_a_reading_not_in_its_phrase_is_named(tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_text(",".join(corpus.COLUMNS) + "\n"
                   "development,Dawn,https://dawn.com/x,exports rose 5pc,6pc,percent,6,percent,exact,,up\n",
                   encoding="utf-8")  # fmt: skip
    with pytest.raises(ValueError, match=r"bad\.csv, row 2: text '6pc' is not in its phrase"):
        corpus.load(bad)


def test_a_misread_is_a_miss_and_a_false_positive(tmp_path: Path):
    wrong = tmp_path / "wrong.csv"
    wrong.write_text(",".join(corpus.COLUMNS) + "\n"
                     "development,Dawn,https://dawn.com/x,exports rose 5pc,5pc,percent,5,percent,exact,,down\n",
                     encoding="utf-8")  # fmt: skip
    result = corpus.score(corpus.load(wrong))
    assert (result.recall, result.precision, len(result.misses), len(result.false_positives)) == (0, 0, 1, 1)
