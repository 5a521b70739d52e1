"""Test support for the refresh: replay recorded HTTP exchanges, refuse any socket, simulate no network.

* ``replay(name)``: vcrpy plays ``tests/fixtures/refresh/<name>.yaml`` in record mode ``none``: a request the
  cassette does not hold raises ``CannotOverwriteExistingCassetteException`` instead of reaching a network.
* ``no_sockets()``: pytest-socket refuses to create any socket while it is active.
* ``no_dns()``: host names stop resolving, as on a machine without network.
"""

from __future__ import annotations

import shutil
import socket
from contextlib import contextmanager
from pathlib import Path

import vcr
from pytest_socket import disable_socket, enable_socket

from helpers import paths

CASSETTES = Path(__file__).parent / "fixtures" / "refresh"
PLAN = CASSETTES / "sources.yaml"


@contextmanager
def no_sockets():
    """No socket may be created inside the block (pytest-socket)."""
    disable_socket(allow_unix_socket=False)
    try:
        yield
    finally:
        enable_socket()


@contextmanager
def replay(name: str):
    """Replay one cassette; fail on any request it does not hold; check every exchange was played."""
    with vcr.use_cassette(str(CASSETTES / f"{name}.yaml"), record_mode="none",
                          allow_playback_repeats=False) as cassette:
        yield cassette
    assert cassette.all_played, f"{name}.yaml: {len(cassette.data) - cassette.play_count} exchange(s) not requested"


@contextmanager
def no_dns():
    """Every host name fails to resolve (socket.gaierror), the way requests fail on a machine without network.

    Use inside ``no_sockets()``: pytest-socket guards ``getaddrinfo`` too, and this restores its guard on exit.
    """
    def refuse(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    saved = socket.getaddrinfo
    socket.getaddrinfo = refuse
    try:
        yield
    finally:
        socket.getaddrinfo = saved


def snapshot_copy(tmp_path: Path) -> Path:
    """A copy of data/snapshots to refresh in a test."""
    target = tmp_path / "snapshots"
    shutil.copytree(paths.SNAPSHOTS, target)
    return target


def file_hashes(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> bytes)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
