"""``python -m helpers.articles add SOURCE | check``: add an article from a saved page or an address, or
validate the articles table against seeds/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from helpers import paths
from helpers.errors import ArticlesError, ProjectError


def main(argv: list[str] | None = None) -> int:
    """Run the command line; the exit code is 0, or 2 for a refused source or an invalid table."""
    parser = argparse.ArgumentParser(prog="python -m helpers.articles", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="a saved .html page or an http(s) address becomes a seed, a row of "
                                     "data/articles.csv and suggestions for the register")
    add.add_argument("source", help="saved page (.html) or http(s) address of the article")
    add.add_argument("--out", type=Path, default=paths.ROOT / "suggestions",
                     help="folder for the suggestions (default: suggestions/)")
    add.add_argument("--min-words", type=int, default=None, help="refuse bodies shorter than this (default 80)")
    sub.add_parser("check", help="validate data/articles.csv and data/article_copies.csv against seeds/")
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            from helpers.articles.table import article_problems, seed_names

            problems = article_problems()
            if problems:
                raise ArticlesError(problems, f"the articles tables have {len(problems)} problem(s)")
            print(f"articles ok: {len(seed_names())} seeds, each with its row in {paths.shown(paths.ARTICLES)}")
        else:
            from helpers.articles.add import MIN_WORDS, add_article, report

            added = add_article(args.source, suggestions_dir=args.out,
                                min_words=MIN_WORDS if args.min_words is None else args.min_words)
            print(report(added))
    except ProjectError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
