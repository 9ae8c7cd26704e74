"""`synoptic serve`: loopback by default, a token required beyond it, and a real server answering."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from synoptic.cli import main
from synoptic.errors import SettingsError
from synoptic.web.app import host_name, is_loopback
from synoptic.web.server import check_bind
from test_web_support import FIXTURE, free_port


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.1", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("example.test", False),
        ("", False),
    ],
)
def test_web_serve_knows_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::"])
def test_web_serve_refuses_open_host_without_token(host: str) -> None:
    with pytest.raises(SettingsError, match="without a token"):
        check_bind(host, None)
    check_bind(host, "x" * 16)  # allowed with a token


def test_web_serve_refuses_short_token() -> None:
    with pytest.raises(SettingsError, match="at least 16"):
        check_bind("127.0.0.1", "short")


def test_web_serve_cli_exits_2_on_open_host(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--host", "0.0.0.0", "--db", str(tmp_path / "s.db")]) == 2
    assert "without a token" in capsys.readouterr().err


def fetch(url: str, token: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_for(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}: {proc.stderr.read() if proc.stderr else ''!r}")
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("server did not answer")


@pytest.mark.parametrize("token", [None, "a-token-of-sixteen-chars-or-more"])
def test_web_serve_cli_serves_an_analysis_json(tmp_path: Path, token: str | None) -> None:
    port = free_port()
    args = [sys.executable, "-m", "synoptic.cli", "serve", "--db", str(tmp_path / "s.db"), "--port", str(port)]
    args += ["--json", str(FIXTURE)] + (["--token", token] if token else [])
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/static/app.css", proc)
        status, body = fetch(base + "/api/v1/stories", token)
        assert status == 200
        assert [s["id"] for s in json.loads(body)["items"]] == ["s1", "s2"]
        if token:
            assert fetch(base + "/api/v1/stories")[0] == 401
        else:
            assert b"Harbour Bridge" in fetch(base + "/")[1]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.parametrize(
    ("header", "host"),
    [
        ("127.0.0.1:8000", "127.0.0.1"),
        ("LOCALHOST", "localhost"),
        ("[::1]:8000", "[::1]"),
        ("[::1]", "[::1]"),
        ("evil.test:80", "evil.test"),
        ("", ""),
    ],
)
def test_web_serve_host_header_name(header: str, host: str) -> None:
    assert host_name(header) == host
