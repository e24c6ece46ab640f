"""Helpers for tests against a real `qbittorrent-nox`: start and stop it, and make torrents offline.

`scripts/install-qbittorrent` installs Debian's package; without it the tests that need it skip and say why.
qBittorrent 4.5.2 (Debian bookworm) still has the default WebUI login admin/adminadmin; newer versions print a
temporary password instead, so the runner reads it from the output when the default is refused.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
import hashlib
import json
import os
from pathlib import Path
import re
import shutil
import signal
import socket
import subprocess
import time
from typing import Self
import urllib.error
import urllib.parse
import urllib.request

import aiohttp
import pytest

QBITTORRENT_NOX = "qbittorrent-nox"
DEFAULT_USERNAME = "admin"
DEFAULT_PASSWORD = "adminadmin"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
# Never contacted: the tests must stay on loopback and a closed port answers at once.
OFFLINE_TRACKER = "http://127.0.0.1:1/announce"
V2_BLOCK_SIZE = 16 * 1024
TEMPORARY_PASSWORD = re.compile(r"temporary password is provided for this session: (\S+)")


def bencode(value: object) -> bytes:
    """Encode ints, str/bytes, lists and dicts (keys sorted as raw bytes, as BEP 3 requires)."""
    if isinstance(value, bool):
        raise TypeError("bencode has no booleans")
    if isinstance(value, int):
        return b"i%de" % value
    if isinstance(value, str):
        value = value.encode()
    if isinstance(value, bytes):
        return b"%d:%s" % (len(value), value)
    if isinstance(value, list):
        return b"l" + b"".join(bencode(item) for item in value) + b"e"
    if isinstance(value, dict):
        items = sorted((key.encode() if isinstance(key, str) else key, item) for key, item in value.items())
        return b"d" + b"".join(bencode(key) + bencode(item) for key, item in items) + b"e"
    raise TypeError(f"cannot bencode {type(value).__name__}")


@dataclass(frozen=True)
class MadeTorrent:
    """A .torrent made offline for a single file, and the data that completes it."""

    name: str
    metainfo: bytes
    data_dir: Path
    info_hash_v1: str
    info_hash_v2: str | None

    @property
    def download_id(self) -> str:
        """What Radarr/Sonarr report as `downloadId`: the v1 info-hash in upper case."""
        return self.info_hash_v1.upper()


def make_torrent(data_dir: Path, name: str, content: bytes, *, hybrid: bool = False) -> MadeTorrent:
    """Write `content` to `data_dir/name` and make a single-file torrent for it.

    With `hybrid`, the info dict also carries the BEP 52 (v2) file tree, so qBittorrent's torrent id becomes
    the truncated v2 hash while the v1 hash stays what an *arr reports. The content must then fit one 16 KiB
    block, which keeps the v2 merkle root a plain SHA-256 of the data and needs no piece layers.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / name).write_bytes(content)
    piece_length = V2_BLOCK_SIZE
    pieces = b"".join(
        hashlib.sha1(content[offset : offset + piece_length], usedforsecurity=False).digest()
        for offset in range(0, len(content), piece_length)
    )
    info: dict[str, object] = {
        "name": name,
        "length": len(content),
        "piece length": piece_length,
        "pieces": pieces,
    }
    if hybrid:
        if not 0 < len(content) <= V2_BLOCK_SIZE:
            raise ValueError("a hybrid test torrent must hold 1 byte to 16 KiB")
        info["meta version"] = 2
        info["file tree"] = {name: {"": {"length": len(content), "pieces root": hashlib.sha256(content).digest()}}}
    encoded_info = bencode(info)
    metainfo = bencode({"announce": OFFLINE_TRACKER, "info": info})
    return MadeTorrent(
        name=name,
        metainfo=metainfo,
        data_dir=data_dir,
        info_hash_v1=hashlib.sha1(encoded_info, usedforsecurity=False).hexdigest(),
        info_hash_v2=hashlib.sha256(encoded_info).hexdigest() if hybrid else None,
    )


@dataclass(frozen=True)
class RealQBittorrent:
    """A running qbittorrent-nox and how to reach its WebUI."""

    url: str
    username: str
    password: str
    profile_dir: Path
    process: subprocess.Popen[bytes]


def qbittorrent_nox_or_skip() -> str:
    """The path of qbittorrent-nox, or skip the test with the reason."""
    path = shutil.which(QBITTORRENT_NOX)
    if path is None:
        pytest.skip(f"{QBITTORRENT_NOX} is not installed (scripts/install-qbittorrent installs it on Debian as root)")
    return path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def write_config(profile_dir: Path, port: int) -> None:
    """Accept the legal notice (4.5.2 has no flag for it) and bind the WebUI to loopback only."""
    config_dir = profile_dir / "qBittorrent" / "config"
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "qBittorrent.conf").write_text(
        "[LegalNotice]\nAccepted=true\n\n"
        "[BitTorrent]\nSession\\DHTEnabled=false\nSession\\LSDEnabled=false\nSession\\PeXEnabled=false\n\n"
        f"[Preferences]\nWebUI\\Address=127.0.0.1\nWebUI\\Port={port}\nWebUI\\LocalHostAuth=true\n"
        "Connection\\UPnP=false\n"
    )


def try_login(url: str, username: str, password: str) -> str | None:
    """The login body, or None while the WebUI is not answering yet."""
    body = urllib.parse.urlencode({"username": username, "password": password}).encode()
    request = urllib.request.Request(f"{url}/api/v2/auth/login", data=body, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310
            return str(response.read().decode())
    except urllib.error.HTTPError as err:
        return f"HTTP {err.code}"
    except OSError:
        return None


def wait_until_answering(url: str, process: subprocess.Popen[bytes], log_path: Path) -> str:
    """Wait for the WebUI and return the password that logs in (the default, or a printed temporary one)."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"qbittorrent-nox exited with {process.returncode}: {log_path.read_text()[-2000:]}")
        body = try_login(url, DEFAULT_USERNAME, DEFAULT_PASSWORD)
        if body is not None and body.strip() in ("Ok.", ""):
            return DEFAULT_PASSWORD
        if body is not None and (match := TEMPORARY_PASSWORD.search(log_path.read_text())):
            return match.group(1)
        time.sleep(0.2)
    raise RuntimeError(f"qbittorrent-nox did not answer within {START_TIMEOUT} s: {log_path.read_text()[-2000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, as a service manager stops it; SIGKILL if it does not exit in time."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def run_qbittorrent(profile_dir: Path) -> Iterator[RealQBittorrent]:
    """Start qbittorrent-nox with a fresh profile in `profile_dir` (skips when it is not installed)."""
    executable = qbittorrent_nox_or_skip()
    port = free_port()
    write_config(profile_dir, port)
    log_path = profile_dir / "qbittorrent-nox.log"
    env = {**os.environ, "HOME": str(profile_dir)}
    with log_path.open("wb") as log:
        # A fixed argument list from this file; nothing here comes from outside the test.
        process = subprocess.Popen(  # noqa: S603
            [executable, f"--profile={profile_dir}", f"--webui-port={port}"],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        password = wait_until_answering(url, process, log_path)
        yield RealQBittorrent(url, DEFAULT_USERNAME, password, profile_dir, process)
    finally:
        stop(process)


class WebUIAdmin:
    """Direct WebUI calls the client under test does not offer: add, categorize, stop, delete, preferences.

    It has its own session and cookie jar, so it never shares a session with the client under test.
    """

    def __init__(self, real: RealQBittorrent) -> None:
        self._real = real
        self._session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def __aenter__(self) -> Self:
        await self.post("auth/login", {"username": self._real.username, "password": self._real.password})
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._session.close()

    async def post(self, path: str, data: Mapping[str, str] | aiohttp.FormData) -> tuple[int, str]:
        async with self._session.post(f"{self._real.url}/api/v2/{path}", data=data) as response:
            return response.status, await response.text()

    async def add(self, made: MadeTorrent, category: str) -> None:
        """Add a torrent whose data is already in place, so it checks and completes without any peer."""
        await self.post("torrents/createCategory", {"category": category, "savePath": ""})
        form = aiohttp.FormData()
        form.add_field("torrents", made.metainfo, filename=f"{made.name}.torrent")
        form.add_field("savepath", str(made.data_dir))
        form.add_field("category", category)
        status, body = await self.post("torrents/add", form)
        assert (status, body) == (200, "Ok."), (status, body)

    async def set_category(self, torrent_hash: str, category: str) -> None:
        await self.post("torrents/createCategory", {"category": category, "savePath": ""})
        status, body = await self.post("torrents/setCategory", {"hashes": torrent_hash, "category": category})
        assert status == 200, (status, body)

    async def stop(self, torrent_hash: str) -> None:
        """Stop (5.0+) or pause (before 5.0: `torrents/stop` is a 404 there)."""
        status, _ = await self.post("torrents/stop", {"hashes": torrent_hash})
        if status == 404:
            status, _ = await self.post("torrents/pause", {"hashes": torrent_hash})
        assert status == 200

    async def delete(self, torrent_hash: str) -> None:
        status, _ = await self.post("torrents/delete", {"hashes": torrent_hash, "deleteFiles": "false"})
        assert status == 200

    async def set_preferences(self, preferences: Mapping[str, object]) -> None:
        status, body = await self.post("app/setPreferences", {"json": json.dumps(preferences)})
        assert status == 200, (status, body)

    async def logout_session(self, cookies: Mapping[str, str]) -> None:
        """End another client's session, as qBittorrent's session timeout would."""
        async with self._session.post(f"{self._real.url}/api/v2/auth/logout", cookies=cookies) as response:
            assert response.status == 200
