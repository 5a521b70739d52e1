"""World Bank World Development Indicators through ``wbgapi``.

One request for the database record (its ``lastupdated`` date is the vintage), then one query a series for
all planned economies and years (``sources/2/series/<code>/country/<A;B>/time/<YR2000;...>``, paged by
wbgapi). wbgapi raises ``APIError`` with the HTTP status and hides the headers, so rate limits (429) and
5xx answers are retried with exponential backoff (``net.retrying``) rather than by ``Retry-After``.
"""

from __future__ import annotations

from typing import Any

import requests

from helpers.errors import SourceUnavailable, Transient, UnexpectedResponse
from helpers.refresh import net
from helpers.refresh.plan import SourcePlan
from helpers.refresh.store import Fetched, now_utc

PUBLISHER = "World Bank (WDI)"


def _call(what: str, call):
    """Run a wbgapi call, sorting its failures into transient, unavailable and unexpected."""
    import wbgapi

    def attempt():
        try:
            return call()
        except wbgapi.APIResponseError as exc:  # not JSON, or a JSON shape wbgapi does not know
            raise UnexpectedResponse(f"{what}: {exc}") from None
        except wbgapi.APIError as exc:
            if exc.code in net.RETRY_STATUSES:
                raise Transient(f"HTTP {exc.code} {exc.msg}") from None
            if exc.code:
                raise SourceUnavailable(f"{what}: HTTP {exc.code} {exc.msg} ({exc.url})") from None
            raise UnexpectedResponse(f"{what}: the service answered {exc.msg!r} ({exc.url})") from None
        except requests.Timeout as exc:
            raise Transient(f"timed out ({exc.__class__.__name__})") from None
        except requests.RequestException as exc:
            raise SourceUnavailable(f"{what}: {net.offline_reason(exc) or exc}") from None
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise UnexpectedResponse(f"{what}: unexpected answer ({exc.__class__.__name__}: {exc})") from None

    return net.retrying(attempt, what=what)


def _parse(code: str, rows: list[dict[str, Any]], address: str) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        if not isinstance(row, dict) or "variable" not in row:
            raise UnexpectedResponse(f"WDI {code}: a data row has no 'variable' list ({str(row)[:120]})")
        ids = {v.get("concept", "").lower(): v for v in row["variable"]}
        if not {"country", "series", "time"} <= set(ids):
            raise UnexpectedResponse(f"WDI {code}: a data row lacks country, series or time ({sorted(ids)})")
        if ids["series"].get("id") != code:
            raise UnexpectedResponse(f"WDI {code}: a row belongs to series {ids['series'].get('id')!r}")
        value = row.get("value")
        if value is None:
            continue  # the WDI publishes no figure for that year
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise UnexpectedResponse(f"WDI {code}: value {value!r} is not a number")
        period = str(ids["time"].get("value", ""))
        if not period.isdigit():
            raise UnexpectedResponse(f"WDI {code}: time {ids['time']!r} is not a year")
        out.append({"geo": ids["country"]["id"], "period": period, "value": float(value), "address": address})
    return out


def fetch(plan: SourcePlan) -> Fetched:
    """Every planned WDI series for every planned economy, as one vintage (the database's lastupdated date)."""
    import wbgapi

    retrieved = now_utc()
    database = plan.options.get("database", 2)
    saved = dict(wbgapi.get_options)
    wbgapi.get_options.update({"timeout": net.TIMEOUT, "headers": {"User-Agent": net.USER_AGENT}})
    try:
        record = _call("World Bank WDI (database record)", lambda: wbgapi.source.get(database))
        if not isinstance(record, dict) or not str(record.get("lastupdated", "")).strip():
            raise UnexpectedResponse(f"World Bank WDI: the database record has no lastupdated date ({record!r})")
        vintage_date = str(record["lastupdated"])[:10]
        economies = ";".join(plan.economies)
        years = ";".join(f"YR{y}" for y in plan.years)
        rows: list[dict[str, Any]] = []
        covered = set()
        for code, indicator in plan.indicators.items():
            path = f"sources/{database}/series/{code}/country/{economies}/time/{years}"
            address = f"{wbgapi.endpoint}/{wbgapi.lang}/{path}?format=json"
            raw = _call(f"World Bank WDI {code}", lambda path=path: list(wbgapi.fetch(path)))
            for row in _parse(code, raw, address):
                rows.append({"source": "wdi", "dataset": "WDI", "series_code": code, "measure": indicator.measure,
                             "partner": "", "period_kind": "calendar", "unit": indicator.unit,
                             "vintage": f"WDI {vintage_date}", "vintage_date": vintage_date,
                             "retrieved": retrieved[:10], "publisher": PUBLISHER, "copy": "",
                             "confidence": "high", "notes": "", **row})
            covered |= {("WDI", code, economy, "") for economy in plan.economies}
    finally:
        wbgapi.get_options.clear()
        wbgapi.get_options.update(saved)
    return Fetched("wdi", rows, covered, retrieved, periods=frozenset(map(str, plan.years)))
