"""Polite HTTP for the refresh: retries with backoff that honour the service's wait, and fail-fast when offline.

* ``session()``: a ``requests.Session`` whose adapter retries 429 and 5xx answers (and read time-outs) with
  exponential backoff, honouring ``Retry-After`` (urllib3's ``Retry``). sdmx1 sends through it.
* ``retrying(call)``: the same policy around clients that hide the HTTP response (wbgapi raises
  ``APIError`` with the status; comtradeapicall prints the service's message): a ``Transient`` error
  (``helpers.errors``) is retried, waiting the time the service asked for when it said one, else
  ``base * 2**attempt`` seconds.
A name that does not resolve or a refused connection is not retried: the machine is offline, and the
refresh keeps the last good snapshot at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from helpers.errors import SourceUnavailable, Transient

T = TypeVar("T")

#: Statuses worth another try: rate limited, or the service is briefly down.
RETRY_STATUSES = (429, 500, 502, 503, 504)
ATTEMPTS = 4
BACKOFF = 2.0
#: Longest wait honoured from a Retry-After or a "try again in N seconds" message.
MAX_WAIT = 120.0
TIMEOUT = (10, 120)  # connect, read (seconds)
USER_AGENT = "pakclaims-refresh/0.1 (python-requests)"


def retry_policy() -> Retry:
    """urllib3 retry policy: 429/5xx and read errors, exponential backoff, Retry-After honoured."""
    return Retry(total=ATTEMPTS - 1, connect=0, read=ATTEMPTS - 1, status=ATTEMPTS - 1,
                 backoff_factor=BACKOFF, status_forcelist=RETRY_STATUSES, allowed_methods=frozenset({"GET"}),
                 respect_retry_after_header=True, raise_on_status=False, backoff_max=MAX_WAIT,
                 retry_after_max=int(MAX_WAIT))


def session() -> requests.Session:
    """A session that retries politely (see ``retry_policy``) and names the project in its User-Agent."""
    out = requests.Session()
    adapter = HTTPAdapter(max_retries=retry_policy())
    out.mount("https://", adapter)
    out.mount("http://", adapter)
    out.headers["User-Agent"] = USER_AGENT
    return out


def retrying(call: Callable[[], T], *, what: str, attempts: int = ATTEMPTS, base: float = BACKOFF,
             sleep: Callable[[float], None] = time.sleep) -> T:
    """``call()``, retried on ``Transient`` up to ``attempts`` times; then ``SourceUnavailable``."""
    for attempt in range(attempts):
        try:
            return call()
        except Transient as exc:
            if attempt == attempts - 1:
                raise SourceUnavailable(f"{what}: {exc} (gave up after {attempts} attempts)") from None
            wait = min(exc.wait if exc.wait is not None else base * 2 ** attempt, MAX_WAIT)
            print(f"  {what}: {exc}; retrying in {wait:g} s", flush=True)
            sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


def offline_reason(exc: BaseException) -> str | None:
    """A short reason when ``exc`` means the service cannot be reached at all (no DNS, refused, no route)."""
    text = str(exc)
    for marker, reason in (("NameResolutionError", "the host name does not resolve (no network or no DNS)"),
                           ("Name or service not known", "the host name does not resolve (no network or no DNS)"),
                           ("Temporary failure in name resolution", "the host name does not resolve"),
                           ("Connection refused", "the connection was refused"),
                           ("Network is unreachable", "the network is unreachable"),
                           ("No route to host", "no route to the host")):
        if marker in text:
            return reason
    if isinstance(exc, requests.ConnectionError):
        return "the connection failed"
    return None
