"""Command line: ``python -m helpers.refresh [SOURCE ...]`` (``make refresh``).

Exit codes: 0 every source reached (refreshed or already up to date); 3 some sources kept their last good
snapshot (unreachable, refused or unexpected answer; the reason is printed); 2 invalid command line, refresh
plan or snapshot on disk (nothing asked, nothing written); 130 interrupted (files are replaced atomically,
so an interruption leaves each file old or new, never half-written).
"""

from __future__ import annotations

import argparse
import sys

from helpers import snapshots
from helpers.errors import ProjectError
from helpers.refresh import runner as refresh


def parser() -> argparse.ArgumentParser:
    """The command-line parser."""
    out = argparse.ArgumentParser(prog="python -m helpers.refresh",
                                  description="Refresh the snapshots of the agencies' series (data/snapshots/).",
                                  epilog="Exit codes: 0 all reached, 3 some kept their last good snapshot, "
                                         "2 invalid input, 130 interrupted.")
    out.add_argument("sources", nargs="*", metavar="SOURCE", help=f"sources to refresh ({', '.join(snapshots.SOURCES)}"
                                                                   "; default: all in the plan)")
    out.add_argument("--plan", help="refresh plan (default: data/snapshots/sources.yaml)")
    out.add_argument("--snapshots", help="snapshots folder (default: data/snapshots)")
    out.add_argument("--status", action="store_true", help="print what each snapshot holds and exit (offline)")
    out.add_argument("--seed", action="store_true",
                     help="rebuild the snapshots from the public copies in data/snapshots/seed (replaces live data)")
    return out


def status(folder: str | None) -> None:
    """What each snapshot holds: provenance status, rows, data available through."""
    for source in snapshots.SOURCES:
        meta = snapshots.provenance(source, folder)
        last = (meta.get("last_refresh") or {}).get("retrieved", "never")
        print(f"{source}: {meta.get('status')}, {meta.get('rows')} rows, last live refresh: {last}")
    through = snapshots.available_through(folder=folder)
    if not through.empty:
        print(through.to_string(index=False))


def main(argv: list[str] | None = None) -> int:
    """Run the command; return its exit code."""
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:
        return refresh.EXIT_INVALID if exc.code else refresh.EXIT_OK
    try:
        if args.status:
            status(args.snapshots)
            return refresh.EXIT_OK
        if args.seed:
            from helpers.refresh import seed

            counts = seed.seed(args.snapshots)
            print("seeded: " + ", ".join(f"{k} {v} rows" for k, v in counts.items()))
            return refresh.EXIT_OK
        return refresh.run(args.sources, folder=args.snapshots, plan_path=args.plan)
    except ProjectError as exc:
        print(f"refresh: {exc}", file=sys.stderr)
        return refresh.EXIT_INVALID
    except KeyboardInterrupt:
        print("refresh: interrupted; every file is as it was or fully replaced", file=sys.stderr)
        return refresh.EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
