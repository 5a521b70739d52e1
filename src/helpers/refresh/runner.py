"""Run a refresh: each planned source fetched, merged into its snapshot, or kept with the reason; exit codes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from helpers import snapshots
from helpers.errors import RefreshConfigError, SourceUnavailable, UnexpectedResponse
from helpers.refresh import store
from helpers.refresh.plan import SourcePlan, load_plan

#: Exit codes of ``python -m helpers.refresh``.
EXIT_OK = 0  # every source asked was reached: snapshots refreshed or already up to date
EXIT_INVALID = 2  # invalid command line, refresh plan or snapshot on disk: nothing was asked or written
EXIT_KEPT = 3  # some sources could not be refreshed (unreachable, refused, unexpected answer): their last
#                good snapshots are kept, the others were refreshed
EXIT_INTERRUPTED = 130

CLIENTS = {"wdi": "wbgapi", "imf": "sdmx1", "comtrade": "comtradeapicall"}


@dataclass
class Outcome:
    """What happened to one source."""

    source: str
    status: str  # refreshed | unchanged | kept
    message: str
    revisions: int = 0

    def __str__(self) -> str:
        return f"{self.source}: {self.status}: {self.message}"


def fetchers() -> dict[str, Callable[[SourcePlan], store.Fetched]]:
    """The fetch function of each source (imported lazily: reports never import the clients)."""
    from helpers.refresh import comtrade, imf, wdi

    return {"wdi": wdi.fetch, "imf": imf.fetch, "comtrade": comtrade.fetch}


def client_version(source: str) -> str:
    """``client==version`` of the library a source is read with."""
    name = CLIENTS[source]
    try:
        return f"{name}=={version(name)}"
    except PackageNotFoundError:
        return name


def _meta(source: str, old_meta: dict, fetched: store.Fetched, frame) -> dict:
    origins = set(frame["origin"]) if not frame.empty else set()
    status = "live" if origins == {"live"} else "live and seeded" if "live" in origins else old_meta.get("status")
    return {**old_meta, "source": source, "status": status,
            "last_refresh": {"retrieved": fetched.retrieved, "client": client_version(source),
                             "notes": fetched.notes}}


def refresh_source(source: str, plan: SourcePlan, folder: str | Path | None = None,
                   fetch: Callable[[SourcePlan], store.Fetched] | None = None) -> Outcome:
    """Refresh one source; on any failure to reach or read it, keep its snapshot and say why."""
    old = snapshots.load(source, folder)
    old_meta = snapshots.provenance(source, folder)
    fetch = fetch or fetchers()[source]
    try:
        fetched = fetch(plan)
    except (SourceUnavailable, UnexpectedResponse) as exc:
        kind = "unexpected answer" if isinstance(exc, UnexpectedResponse) else "unreachable"
        return Outcome(source, "kept", f"last good snapshot kept ({kind}): {exc}")
    if not fetched.rows and not old.empty:
        return Outcome(source, "kept", "last good snapshot kept: the service answered without any figure")
    recorded_at = store.now_utc()
    new, revisions = store.merge(old, fetched, recorded_at=recorded_at)
    if store.same_content(old, new) and not revisions:
        return Outcome(source, "unchanged", f"up to date ({len(new)} rows); nothing written")
    store.write_snapshot(source, new, _meta(source, old_meta, fetched, new), revisions, folder)
    live = int((new["origin"] == "live").sum())
    return Outcome(source, "refreshed", f"{len(new)} rows ({live} live), {len(revisions)} revision(s) logged",
                   len(revisions))


def run(sources: Iterable[str] | None = None, *, folder: str | Path | None = None,
        plan_path: str | Path | None = None,
        fetch: dict[str, Callable[[SourcePlan], store.Fetched]] | None = None,
        echo: Callable[[str], None] = print) -> int:
    """Refresh the planned sources (or those named); print one line a source; return the exit code."""
    plan = load_plan(plan_path if plan_path is not None else snapshots.folder_of(folder) / "sources.yaml")
    names = list(sources) if sources else [s for s in snapshots.SOURCES if s in plan]
    unknown = [s for s in names if s not in plan]
    if unknown:
        raise RefreshConfigError([], f"sources not in the refresh plan: {', '.join(unknown)} "
                                     f"(planned: {', '.join(plan)}). Fix: name one of them")
    outcomes = []
    for source in names:
        outcome = refresh_source(source, plan[source], folder, (fetch or {}).get(source))
        echo(str(outcome))
        outcomes.append(outcome)
    kept = [o.source for o in outcomes if o.status == "kept"]
    if kept:
        echo(f"refresh: {len(kept)} of {len(outcomes)} source(s) kept their last good snapshot "
             f"({', '.join(kept)}); exit {EXIT_KEPT}")
        return EXIT_KEPT
    echo(f"refresh: {len(outcomes)} source(s) reached, snapshots current; exit {EXIT_OK}")
    return EXIT_OK
