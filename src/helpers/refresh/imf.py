"""IMF series through ``sdmx1``: bilateral goods trade (IMTS) and the World Economic Outlook (WEO).

The IMF's SDMX 2.1 service (sdmx1 source ``IMF_DATA``, ``https://api.imf.org/external/sdmx/2.1``) is asked
for SDMX-ML *generic* data, which names every dimension in the message itself, so no structure query is
needed: ``data/IMF.STA,IMTS/PAK.XG_FOB_USD+MG_CIF_USD.CHN+IRN+UZB.A`` (one query a reporter, so each pair is
asked from both sides: the partner's answer is the mirror figure) and ``data/IMF.RES,WEO/<economies>.NGDPD+
NGDP+NGDP_RPCH.A``. Requests go through ``net.session()``, whose adapter retries 429 and 5xx answers honouring
``Retry-After``. A 404 (SDMX "no results found") means the agency publishes nothing for that key: recorded as
an answer without rows. The vintage is the date the message was prepared (the service states no release).
"""

from __future__ import annotations

from typing import Any

import requests

from helpers.errors import SourceUnavailable, UnexpectedResponse
from helpers.refresh import net
from helpers.refresh.plan import SourcePlan
from helpers.refresh.store import Fetched, now_utc

SOURCE_ID = "IMF_DATA"
GENERIC = "application/vnd.sdmx.genericdata+xml;version=2.1"
REPORTER_DIMS = ("COUNTRY", "REF_AREA", "JURISDICTION")
PARTNER_DIMS = ("COUNTERPART_COUNTRY", "COUNTERPART_AREA")
SCALE_ATTRS = ("SCALE", "UNIT_MULT")
PUBLISHERS = {"IMTS": "IMF (IMTS)", "WEO": "IMF (WEO)"}


def _keys(dataset: SourcePlan) -> list[tuple[str, list[tuple[str, str]]]]:
    """(SDMX key, [(reporter, partner) answered by it]) for each query of a dataset."""
    indicators = "+".join(dataset.indicators)
    freq = dataset.options.get("frequency", "A")
    if dataset.pairs:
        return [(f"{reporter}.{indicators}.{'+'.join(partners)}.{freq}", [(reporter, p) for p in partners])
                for reporter, partners in dataset.pairs.items()]
    return [(f"{'+'.join(dataset.economies)}.{indicators}.{freq}", [(e, "") for e in dataset.economies])]


def _get(client, flow: str, key: str, dataset: SourcePlan):
    what = f"IMF {flow} {key}"
    try:
        return client.data(resource_id=flow, key=key, headers={"Accept": GENERIC}, timeout=net.TIMEOUT,
                           params={"startPeriod": dataset.first_year, "endPeriod": dataset.last_year})
    except requests.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else None
        if status == 404:
            return None
        if status in net.RETRY_STATUSES:
            raise SourceUnavailable(f"{what}: HTTP {status} after {net.ATTEMPTS} attempts") from None
        raise SourceUnavailable(f"{what}: HTTP {status}") from None
    except requests.Timeout:
        raise SourceUnavailable(f"{what}: timed out after {net.ATTEMPTS} attempts") from None
    except requests.RequestException as exc:
        raise SourceUnavailable(f"{what}: {net.offline_reason(exc) or exc}") from None
    except NotImplementedError as exc:
        raise SourceUnavailable(f"{what}: the service does not offer this query ({exc})") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UnexpectedResponse(f"{what}: the answer is not SDMX-ML data the refresh can read "
                                 f"({exc.__class__.__name__}: {str(exc)[:200]})") from None
    except Exception as exc:
        if exc.__class__.__module__.startswith(("lxml", "xml")):
            raise UnexpectedResponse(f"{what}: the answer is not well-formed XML ({exc})") from None
        raise


def _scale(attributes: dict[str, str], default: float) -> tuple[float, str]:
    for name in SCALE_ATTRS:
        text = attributes.get(name, "")
        if text.lstrip("-").isdigit():
            return 10.0 ** int(text), f"{name}={text}"
    return default, ""


def _rows(message, dataset: SourcePlan, address: str, vintage_date: str, retrieved: str) -> list[dict[str, Any]]:
    out = []
    for data_set in message.data:
        for series_key, observations in data_set.series.items():
            dims = {k: str(v.value) for k, v in series_key.values.items()}
            attributes = {k: str(v.value) for k, v in series_key.attrib.items()}
            reporter = next((dims[d] for d in REPORTER_DIMS if d in dims), None)
            code = dims.get("INDICATOR")
            partner = next((dims[d] for d in PARTNER_DIMS if d in dims), "") if dataset.pairs else ""
            if reporter is None or code is None or (dataset.pairs and not partner):
                raise UnexpectedResponse(f"IMF {dataset.name}: a series key lacks the country, indicator or "
                                         f"counterpart dimension (it has {sorted(dims)})")
            if code not in dataset.indicators:
                raise UnexpectedResponse(f"IMF {dataset.name}: the answer holds indicator {code!r}, not asked for")
            indicator = dataset.indicators[code]
            scale, scale_note = _scale(attributes, indicator.scale)
            for observation in observations:
                period = str(observation.key.values["TIME_PERIOD"].value)
                if observation.value in (None, "", "NaN"):
                    continue
                try:
                    value = float(observation.value) * scale
                except (TypeError, ValueError):
                    raise UnexpectedResponse(f"IMF {dataset.name} {code} {reporter} {period}: value "
                                             f"{observation.value!r} is not a number") from None
                note = f"Published as {observation.value} with {scale_note or f'scale {scale:g}'}; stored unscaled."
                out.append({"source": "imf", "dataset": dataset.name, "series_code": code,
                            "measure": indicator.measure, "geo": reporter, "partner": partner, "period": period,
                            "period_kind": "calendar", "value": value, "unit": indicator.unit,
                            "vintage": f"{dataset.name} as of {vintage_date}", "vintage_date": vintage_date,
                            "retrieved": retrieved[:10], "address": address,
                            "publisher": PUBLISHERS.get(dataset.name, "IMF"), "copy": "", "confidence": "high",
                            "notes": note})
    return out


def fetch(plan: SourcePlan) -> Fetched:
    """Every planned IMF dataset; the vintage of each is the date its message was prepared."""
    import sdmx

    retrieved = now_utc()
    years = {str(y) for d in plan.datasets.values() for y in d.years}
    client = sdmx.Client(SOURCE_ID, session=net.session())
    rows: list[dict[str, Any]] = []
    covered: set[tuple[str, str, str, str]] = set()
    notes = []
    for name, dataset in plan.datasets.items():
        flow = dataset.options["flow"]
        for key, pairs in _keys(dataset):
            message = _get(client, flow, key, dataset)
            if message is None:
                notes.append(f"IMF {flow} {key}: no data published (404)")
            else:
                prepared = getattr(message.header, "prepared", None)
                vintage_date = prepared.date().isoformat() if prepared is not None else retrieved[:10]
                address = getattr(getattr(message, "response", None), "url", "") or ""
                rows += _rows(message, dataset, address, vintage_date, retrieved)
            covered |= {(name, code, geo, partner) for code in dataset.indicators for geo, partner in pairs}
    return Fetched("imf", rows, covered, retrieved, periods=frozenset(years),
                   editions=frozenset({"WEO"}), notes=notes)
