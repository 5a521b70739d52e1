"""``python -m helpers.claims check | suggest ARTICLE | append CANDIDATES [--exclusions FILE] [--reviewed]``.

Exit codes: 0 done; 2 an input problem (the message names the file, row, column, value and the fix).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from helpers import paths
from helpers.claims.append import append_reviewed
from helpers.claims.inputs import check_inputs
from helpers.claims.register import read_register_rows, restatement_hints
from helpers.claims.restates import likely_restatements
from helpers.errors import ProjectError, RegisterError


def _published() -> dict[str, str]:
    """Each seed's publication date, from the articles table as it stands (its problems are reported by the
    check of the articles; here dates only order the proposals)."""
    from helpers.articles import ARTICLE_COLUMNS, read_rows

    if not paths.ARTICLES.exists():
        return {}
    return {r.data.get("seed_file", ""): r.data.get("published", "") for r in read_rows(paths.ARTICLES,
                                                                                        ARTICLE_COLUMNS, [])}


def _proposals() -> list[str]:
    """Likely restatements of targets nobody has linked (the register has passed its checks)."""
    rows = [row for _, row in read_register_rows(paths.CLAIMS, [])]
    return [str(p) for p in likely_restatements(rows, _published())]


def _check() -> str:
    table = check_inputs()
    counts = table["status"].value_counts().to_dict()
    claims = table.loc[table["status"].eq("claim"), "covered_by"].nunique()  # a target's year is its own quantity
    done = (f"register ok: {counts.get('claim', 0)} quantities belong to {claims} claims, "
            f"{counts.get('excluded', 0)} excluded, "
            "0 uncovered; articles, context figures, mapping, benchmarks, units and rates ok")
    proposals = _proposals()
    if not proposals:
        return done + "; no unlinked restatement of a target found"
    return "\n".join([done, f"{len(proposals)} possible restatement(s) of a target to review:",
                      *(f"  {p}" for p in proposals)])


def _suggest(article: Path, out: Path) -> str:
    from helpers.suggest import write_suggestions  # the parser is loaded only for this command

    problems: list = []
    register = [row for _, row in read_register_rows(paths.CLAIMS, problems)]
    existing = {row.get("id", "") for row in register}
    if problems:
        raise RegisterError(problems, f"the claims register has {len(problems)} problem(s)")
    candidates, exclusions = write_suggestions(article, out, existing)
    command = f"make append CANDIDATES={paths.shown(candidates)} EXCLUSIONS={paths.shown(exclusions)}"
    hints = [f"  {hint}\n" for hint in restatement_hints(candidates, paths.CLAIMS, _published())]
    restated = (f"Possible restatements of a target already stated (check them while reviewing):\n{''.join(hints)}"
                if hints else "")
    return (f"wrote {paths.shown(candidates)}\nwrote {paths.shown(exclusions)}\n{restated}"
            "Review them in a spreadsheet: correct ids, claim types, subjects, countries and units (a trade target is "
            "usually USD/yr), delete rows that are not claims, and delete 'suggested; review' from the notes of "
            "each row you checked. Then append them:\n"
            f"  {command}\n"
            f"(add REVIEWED=1 to that command only if you reviewed every row as it stands)")


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit code (0, or 2 for an input problem)."""
    parser = argparse.ArgumentParser(prog="python -m helpers.claims",
                                     description="Check the claims register, suggest claims for an article, "
                                                 "append reviewed rows.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="validate the register, exclusions, seeds, articles tables, context data, mapping, "
                                 "benchmarks, units and rates, and run the coverage check")
    suggest = sub.add_parser("suggest", help="write candidate claims for a new article, for review")
    suggest.add_argument("article", type=Path, help="the article, e.g. seeds/005_new.txt")
    suggest.add_argument("--out", type=Path, default=paths.ROOT / "suggestions",
                         help="folder for <article>.candidates.csv and <article>.exclusions.csv")
    append = sub.add_parser("append", help="append reviewed candidate rows (and exclusions) to the register")
    append.add_argument("candidates", type=Path, help="reviewed <article>.candidates.csv")
    append.add_argument("--exclusions", type=Path, help="reviewed <article>.exclusions.csv")
    append.add_argument("--reviewed", action="store_true",
                        help="accept rows still marked 'suggested; review': you state that you reviewed every row "
                             "as it stands")
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            print(_check())
        elif args.command == "append":
            added, excluded = append_reviewed(args.candidates, args.exclusions, reviewed=args.reviewed)
            print(f"appended {len(added)} claim(s) to {paths.CLAIMS.name}: {', '.join(added)}; "
                  f"{excluded} exclusion(s) to {paths.EXCLUSIONS.name}. The register checks pass.")
        else:
            print(_suggest(args.article, args.out))
    except ProjectError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    return 0
