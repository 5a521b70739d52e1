"""Drive headless Chromium over the DevTools Protocol to check published pages (standard library only).

``check_pages(paths)`` opens every page in one Chromium with the network switched off and returns the
problems found: requests that are not ``data:``/``file:``, failed loads, console errors, uncaught
exceptions, images that did not decode, visible code cells. ``inspect_pages`` does the same and also
evaluates extra JavaScript expressions per page. ``require_chromium()`` skips a test when Chromium is
missing, and fails it instead when ``CI=true``.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

CHROMIUM_FLAGS = (
    "--headless=new",
    "--remote-debugging-port=0",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--no-first-run",
    "--no-default-browser-check",
    "--mute-audio",
)
START_TIMEOUT_S = 60.0
CALL_TIMEOUT_S = 60.0
_WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def find_chromium() -> str | None:
    """Path of the Chromium binary (Debian's ``chromium`` package), or None."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def require_chromium() -> str:
    """Chromium's path; skip the calling test without it, or fail it when the environment says CI=true."""
    path = find_chromium()
    if path is None:
        reason = "Chromium not found at /usr/bin/chromium: install it with `apt-get install -y chromium`"
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(f"{reason} (CI=true, so the browser tests must run)", pytrace=False)
        pytest.skip(reason)
    return path


# --------------------------------------------------------------------------------------------------
# Minimal websocket client (RFC 6455): text frames, masking, fragmentation, ping/pong, close.


class WebSocket:
    """A blocking websocket client, enough for the DevTools Protocol."""

    def __init__(self, url: str, timeout: float = CALL_TIMEOUT_S) -> None:
        parts = urlparse(url)
        if parts.scheme != "ws" or not parts.hostname or not parts.port:
            raise ValueError(f"DevTools URL {url!r} is not ws://host:port/path; fix: read it from DevToolsActivePort")
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode("ascii")
        request = (
            f"GET {parts.path or '/'} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\n"
            f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        )
        self.sock.sendall(request.encode("ascii"))
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError(f"websocket handshake with {url} closed early")
            head += chunk
        head, self._buffer = head.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        if " 101 " not in lines[0] + " ":
            raise ConnectionError(f"websocket handshake with {url} refused: {lines[0]}")
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        expected = base64.b64encode(hashlib.sha1((key + _WS_GUID).encode()).digest()).decode()
        if headers.get("sec-websocket-accept") != expected:
            raise ConnectionError(f"websocket handshake with {url}: bad Sec-WebSocket-Accept")

    def _read(self, n: int) -> bytes:
        while len(self._buffer) < n:
            chunk = self.sock.recv(max(65536, n - len(self._buffer)))
            if not chunk:
                raise ConnectionError("websocket closed by the browser")
            self._buffer += chunk
        data, self._buffer = self._buffer[:n], self._buffer[n:]
        return data

    def _send_frame(self, opcode: int, payload: bytes) -> None:
        n = len(payload)
        if n < 126:
            head = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
        elif n < 1 << 16:
            head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
        else:
            head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
        mask = os.urandom(4)
        repeated = (mask * (n // 4 + 1))[:n]
        masked = (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(n, "big")
        self.sock.sendall(head + mask + masked)

    def send(self, text: str) -> None:
        self._send_frame(0x1, text.encode("utf-8"))

    def recv(self) -> str:
        """The next text message (fragments joined; pings answered)."""
        parts: list[bytes] = []
        while True:
            b0, b1 = self._read(2)
            fin, opcode, n = b0 & 0x80, b0 & 0x0F, b1 & 0x7F
            if n == 126:
                (n,) = struct.unpack("!H", self._read(2))
            elif n == 127:
                (n,) = struct.unpack("!Q", self._read(8))
            mask = self._read(4) if b1 & 0x80 else b""
            payload = self._read(n)
            if mask:
                payload = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
            if opcode == 0x8:
                raise ConnectionError("websocket closed by the browser")
            if opcode == 0x9:
                self._send_frame(0xA, payload)
                continue
            if opcode == 0xA:
                continue
            parts.append(payload)
            if fin:
                return b"".join(parts).decode("utf-8")

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._send_frame(0x8, b"")
        self.sock.close()


# --------------------------------------------------------------------------------------------------
# Chromium and the DevTools Protocol


class CDPError(RuntimeError):
    """A DevTools command failed or Chromium did not start."""


class Chromium:
    """One headless Chromium process with a DevTools connection; use as a context manager."""

    def __init__(self, binary: str | None = None) -> None:
        self.binary = binary or find_chromium()
        if self.binary is None:
            raise CDPError("Chromium not found; fix: apt-get install -y chromium")
        self._tmp = tempfile.TemporaryDirectory(prefix="cdp-", ignore_cleanup_errors=True)
        profile = Path(self._tmp.name) / "profile"
        self._log = open(Path(self._tmp.name) / "chromium.log", "wb")  # noqa: SIM115 (closed in close())
        self.proc = subprocess.Popen(
            [self.binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        self.events: list[dict[str, Any]] = []
        self._next_id = 0
        try:
            self.ws = WebSocket(self._devtools_url(profile / "DevToolsActivePort"))
        except BaseException:
            self.close()
            raise

    def _devtools_url(self, port_file: Path) -> str:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise CDPError(f"Chromium exited with code {self.proc.returncode}: {self._log_tail()}")
            try:
                lines = port_file.read_text().split()
            except FileNotFoundError:
                lines = []
            if len(lines) >= 2:
                return f"ws://127.0.0.1:{lines[0]}{lines[1]}"
            time.sleep(0.05)
        raise CDPError(f"Chromium wrote no DevToolsActivePort in {START_TIMEOUT_S:.0f} s: {self._log_tail()}")

    def _log_tail(self) -> str:
        self._log.flush()
        text = (Path(self._tmp.name) / "chromium.log").read_text(errors="replace")
        return text[-2000:] or "(no output)"

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict[str, Any]:
        """Send one command and return its result; events that arrive meanwhile go to ``self.events``."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise CDPError(f"{method} failed: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_event(self, method: str, session: str, timeout: float = CALL_TIMEOUT_S) -> dict[str, Any]:
        """Block until an event ``method`` of ``session`` arrives (or is already buffered)."""
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            for event in self.events[seen:]:
                if event.get("method") == method and event.get("sessionId") == session:
                    return event
            seen = len(self.events)
            if time.monotonic() > deadline:
                raise CDPError(f"no {method} within {timeout:.0f} s")
            self.events.append(json.loads(self.ws.recv()))

    def evaluate(self, expression: str, session: str) -> Any:
        """Value of a JavaScript expression in the page (promises awaited)."""
        result = self.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            session,
        )
        if "exceptionDetails" in result:
            raise CDPError(f"evaluating {expression[:80]!r}: {result['exceptionDetails']}")
        return result.get("result", {}).get("value")

    def close(self) -> None:
        ws = getattr(self, "ws", None)
        if ws is not None:
            with contextlib.suppress(CDPError, OSError):  # the browser may hang up before replying
                self.call("Browser.close")
            ws.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()
        self._tmp.cleanup()

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --------------------------------------------------------------------------------------------------
# Page checks

_PAGE_FACTS = """(() => {
  const visible = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const images = [...document.images];
  const code = document.querySelectorAll(
    '.jp-CodeCell .jp-InputArea, .jp-InputArea-editor, .jp-CodeMirrorEditor, .jp-InputPrompt');
  return {
    title: document.title,
    images: images.length,
    broken: images.filter(i => !(i.complete && i.naturalWidth > 0))
                  .map(i => (i.getAttribute('src') || '').slice(0, 80)),
    visibleCode: [...code].filter(visible).length,
    textLength: document.body ? document.body.innerText.length : 0,
  };
})()"""

_SETTLE = """Promise.all([...document.images].map(i => i.decode().catch(() => null)))
  .then(() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 50))))
  .then(() => true)"""


@dataclass
class PageResult:
    """What one page did in the browser."""

    path: Path
    problems: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)


def _allowed(url: str) -> bool:
    return url.startswith(("data:", "file:", "about:blank"))


def _page_problems(events: list[dict[str, Any]], name: str) -> list[str]:
    problems: list[str] = []
    urls: dict[str, str] = {}
    for event in events:
        method, params = event["method"], event.get("params", {})
        if method == "Network.requestWillBeSent":
            url = params.get("request", {}).get("url", "")
            urls[params.get("requestId", "")] = url
            if not _allowed(url):
                problems.append(f"{name}: network request to {url[:200]}")
        elif method == "Network.loadingFailed":
            url = urls.get(params.get("requestId", ""), "?")
            reason = params.get("blockedReason") or params.get("errorText", "")
            problems.append(f"{name}: load failed ({reason}) for {url[:200]}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            problems.append(f"{name}: console error: {text[:300]}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            text = details.get("exception", {}).get("description") or details.get("text", "")
            problems.append(f"{name}: uncaught exception: {text[:300]}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            problems.append(f"{name}: browser log error ({entry.get('source')}): {entry.get('text', '')[:300]}")
    return problems


def _inspect(browser: Chromium, path: Path, expressions: dict[str, str], code_hidden: bool) -> PageResult:
    result = PageResult(path=path)
    name = str(path)
    target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    try:
        for domain in ("Page", "Network", "Runtime", "Log"):
            browser.call(f"{domain}.enable", {}, session)
        browser.call(
            "Network.emulateNetworkConditions",
            {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
            session,
        )
        browser.call("Network.setCacheDisabled", {"cacheDisabled": True}, session)
        first_event = len(browser.events)
        nav = browser.call("Page.navigate", {"url": path.resolve().as_uri()}, session)
        if nav.get("errorText"):
            result.problems.append(f"{name}: could not open: {nav['errorText']}")
            return result
        browser.wait_event("Page.loadEventFired", session)
        browser.evaluate(_SETTLE, session)
        result.facts = browser.evaluate(_PAGE_FACTS, session) or {}
        result.values = {key: browser.evaluate(expr, session) for key, expr in expressions.items()}
        events = [e for e in browser.events[first_event:] if e.get("sessionId") == session]
        result.problems += _page_problems(events, name)
        for src in result.facts.get("broken", []):
            result.problems.append(f"{name}: image did not decode: {src}")
        if code_hidden and result.facts.get("visibleCode"):
            result.problems.append(f"{name}: {result.facts['visibleCode']} code input element(s) visible")
        if not result.facts.get("textLength"):
            result.problems.append(f"{name}: page shows no text")
    finally:
        browser.call("Target.closeTarget", {"targetId": target})
        browser.events = [e for e in browser.events if e.get("sessionId") != session]
    return result


def inspect_pages(
    paths: list[Path], expressions: dict[str, str] | None = None, *, code_hidden: bool = True
) -> list[PageResult]:
    """Open each page (file path) offline in one Chromium; collect problems, facts and expression values."""
    with Chromium() as browser:
        return [_inspect(browser, Path(p), expressions or {}, code_hidden) for p in paths]


def check_pages(paths: list[Path], *, code_hidden: bool = True) -> list[str]:
    """Problems found when opening the pages offline in Chromium; an empty list means all is well.

    A problem is: a request whose URL is not data:/file:, a failed load, a console error, an uncaught
    exception, a browser log error (CSP violations among them), an image that did not decode, a visible
    code cell (when ``code_hidden``), or a page without text.
    """
    return [problem for page in inspect_pages(paths, code_hidden=code_hidden) for problem in page.problems]


# --------------------------------------------------------------------------------------------------
# Print


_PRINT_FACTS = """(() => {
  const page = document.documentElement.clientWidth;
  const tables = [...document.querySelectorAll('table')];
  const details = [...document.querySelectorAll('details')];
  const visible = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  return {
    pageWidth: page,
    scrollWidth: document.documentElement.scrollWidth,
    tablesWider: tables.filter(t => t.getBoundingClientRect().right > page + 1)
                       .map(t => (t.caption ? t.caption.innerText : t.className) + ' ' + Math.round(t.scrollWidth)),
    scrollers: [...document.querySelectorAll('*')].filter(el => {
      const s = getComputedStyle(el);
      return (s.overflowX === 'auto' || s.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1;
    }).length,
    hiddenInDetails: details.flatMap(d => [...d.children].filter(c => c.tagName !== 'SUMMARY' && !visible(c)))
                            .length,
  };
})()"""


def print_facts(paths: list[Path], width_px: int = 700) -> list[dict[str, Any]]:
    """Layout of each page under print media at the width of an A4 page's text (about 700 CSS px): page and
    document widths, tables wider than the page, elements that would print a scrollbar, details content
    hidden; plus ``pdfBytes``, the size of Chromium's own PDF of the page."""
    facts = []
    with Chromium() as browser:
        for path in paths:
            target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            try:
                browser.call("Page.enable", {}, session)
                browser.call("Emulation.setDeviceMetricsOverride",
                             {"width": width_px, "height": 1000, "deviceScaleFactor": 1, "mobile": False}, session)
                browser.call("Emulation.setEmulatedMedia", {"media": "print"}, session)
                browser.call("Page.navigate", {"url": Path(path).resolve().as_uri()}, session)
                browser.wait_event("Page.loadEventFired", session)
                browser.evaluate(_SETTLE, session)
                result = browser.evaluate(_PRINT_FACTS, session) or {}
                printed = browser.call("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True},
                                       session)
                result["pdfBytes"] = len(base64.b64decode(printed.get("data", "")))
                facts.append(result)
            finally:
                browser.call("Target.closeTarget", {"targetId": target})
                browser.events = [e for e in browser.events if e.get("sessionId") != session]
    return facts
