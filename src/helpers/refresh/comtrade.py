"""UN Comtrade bilateral flows through ``comtradeapicall``: both directions, and the partner's mirror figures.

For each reporter of the plan's pairs, one query per block of up to 12 years: final annual data, goods (C),
HS, commodity ``TOTAL``, flows X and M, partners as planned, partner2 World, all customs procedures (C00) and
modes of transport (0). With a subscription key in the environment variable the plan names
(``COMTRADE_SUBSCRIPTION_KEY``), ``getFinalData`` uses the data API (``/data/v1/get``); without one,
``previewFinalData`` uses the public preview endpoint (``/public/v1/preview``: no key, at most 500 records a
call and a lower rate limit). The key is never written to a snapshot: addresses are stored without it.

comtradeapicall reads the service with urllib3 and, on a failure, prints the service's message and returns
``None``. The refresh captures that message: a rate limit ("Try again in N seconds", status 429) is retried
after the wait the service asks for; a refused key or exhausted quota (401/403) and an unreachable service
keep the last snapshot; any other answer counts as an unexpected response.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import time
from typing import Any
from urllib.parse import urlencode

from helpers.errors import SourceUnavailable, Transient, UnexpectedResponse
from helpers.refresh import net
from helpers.refresh.plan import SourcePlan
from helpers.refresh.store import Fetched, now_utc

PREVIEW = "https://comtradeapi.un.org/public/v1/preview/C/A/HS"
DATA = "https://comtradeapi.un.org/data/v1/get/C/A/HS"
YEARS_PER_CALL = 12
#: Pause between calls (seconds): the preview endpoint allows about one call a second.
PAUSE = 1.0
MEASURES = {"X": "exports_goods_usd", "M": "imports_goods_usd"}
REQUIRED = ("reporterISO", "partnerISO", "flowCode", "refYear", "primaryValue")
WAIT = re.compile(r"try again in (\d+) seconds?", re.IGNORECASE)


def query(reporter: int, partners: list[int], years: list[int], flows: tuple[str, ...]) -> dict[str, Any]:
    """The query fields comtradeapicall sends (its own parameter names), without any key."""
    return {"reportercode": str(reporter), "flowCode": ",".join(flows), "period": ",".join(map(str, years)),
            "cmdCode": "TOTAL", "partnerCode": ",".join(map(str, partners)), "partner2Code": "0",
            "motCode": "0", "customsCode": "C00", "maxRecords": 500, "format": "JSON",
            "breakdownMode": "classic", "includeDesc": True}


def address(fields: dict[str, Any], keyed: bool) -> str:
    """The API query as an address (the key left out)."""
    return f"{DATA if keyed else PREVIEW}?{urlencode(fields)}"


def classify(printed: str, what: str) -> Exception:
    """The exception for what comtradeapicall printed when it returned nothing."""
    text = printed.strip()
    if text.startswith("Request error:"):
        return SourceUnavailable(f"{what}: {net.offline_reason(Exception(text)) or text[:200]}")
    try:
        body = json.loads(text)
    except ValueError:
        body = {}
    status = body.get("statusCode") if isinstance(body, dict) else None
    message = str(body.get("message", text))[:200] if isinstance(body, dict) else text[:200]
    if status == 429 or WAIT.search(text):
        wait = WAIT.search(text)
        return Transient(f"rate limited: {message}", float(wait[1]) if wait else None)
    if status in (401, 403):
        return SourceUnavailable(f"{what}: refused ({status}): {message}. Fix: check the subscription key and "
                                 "its quota, or unset it to use the public preview")
    if status in net.RETRY_STATUSES:
        return Transient(f"HTTP {status}: {message}")
    if status:
        return SourceUnavailable(f"{what}: HTTP {status}: {message}")
    return UnexpectedResponse(f"{what}: no data and an unexpected message ({text[:200]!r})")


def _call(key: str | None, fields: dict[str, Any], what: str):
    import comtradeapicall

    args = dict(typeCode="C", freqCode="A", clCode="HS", period=fields["period"],
                reporterCode=fields["reportercode"], cmdCode="TOTAL", flowCode=fields["flowCode"],
                partnerCode=fields["partnerCode"], partner2Code="0", customsCode="C00", motCode="0",
                maxRecords=500, format_output="JSON", breakdownMode="classic", includeDesc=True)

    def attempt():
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            frame = (comtradeapicall.getFinalData(key, **args) if key
                     else comtradeapicall.previewFinalData(**args))
        if frame is None:
            raise classify(printed.getvalue(), what)
        return frame

    return net.retrying(attempt, what=what)


def _rows(frame, fields: dict[str, Any], keyed: bool, retrieved: str) -> list[dict[str, Any]]:
    if frame.empty:
        return []
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise UnexpectedResponse(f"UN Comtrade: the answer lacks {missing} (columns: {list(frame.columns)[:12]})")
    out = []
    for record in frame.to_dict("records"):
        if str(record.get("cmdCode", "TOTAL")) != "TOTAL" or str(record.get("partner2Code", 0)) not in ("0", "0.0"):
            continue
        value = record["primaryValue"]
        if record["flowCode"] not in MEASURES or value is None or value != value:  # null arrives as NaN
            continue
        basis = "FOB" if record["flowCode"] == "X" else "CIF"
        reported = "reported" if record.get("isReported") is True else "estimated by UN Comtrade"
        out.append({"source": "comtrade", "dataset": "COMTRADE", "series_code": f"TOTAL.{record['flowCode']}",
                    "measure": MEASURES[record["flowCode"]], "geo": record["reporterISO"],
                    "partner": record["partnerISO"], "period": str(int(record["refYear"])),
                    "period_kind": "calendar", "value": float(value), "unit": "USD",
                    "vintage": f"Comtrade as of {retrieved[:10]}", "vintage_date": retrieved[:10],
                    "retrieved": retrieved[:10], "address": address(fields, keyed), "publisher": "UN Comtrade",
                    "copy": "", "confidence": "high",
                    "notes": f"Total goods, {basis}, {reported} ({record.get('classificationCode', 'HS')})."})
    return out


def fetch(plan: SourcePlan, *, pause: float = PAUSE) -> Fetched:
    """Every planned pair, both flows, from both reporters; vintage = the retrieval date."""
    retrieved = now_utc()
    key = os.environ.get(plan.options["key_env"]) or None
    codes = plan.options["codes"]
    flows = plan.options["flows"]
    rows: list[dict[str, Any]] = []
    covered: set[tuple[str, str, str, str]] = set()
    first = True
    for reporter, partners in plan.pairs.items():
        years = plan.years
        for start in range(0, len(years), YEARS_PER_CALL):
            block = years[start:start + YEARS_PER_CALL]
            fields = query(codes[reporter], [codes[p] for p in partners], block, flows)
            if not first:
                time.sleep(pause)
            first = False
            frame = _call(key, fields, f"UN Comtrade {reporter} {block[0]}-{block[-1]}")
            rows += _rows(frame, fields, bool(key), retrieved)
        covered |= {("COMTRADE", f"TOTAL.{flow}", reporter, partner) for flow in flows for partner in partners}
    return Fetched("comtrade", rows, covered, retrieved, periods=frozenset(map(str, plan.years)),
                   notes=[f"endpoint: {'data API (subscription key)' if key else 'public preview (no key)'}"])
