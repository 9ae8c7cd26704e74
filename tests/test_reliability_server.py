"""One client never stalls the server (issue 13, defects 3, 4, 6, 7 and 11): real `synoptic serve`
processes on loopback sockets, raw HTTP where a well-behaved client library would hide the attack."""

from __future__ import annotations

import json
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from test_web_support import FIXTURE, free_port

Response = tuple[int, dict[str, str], bytes]


def request(
    url: str, data: bytes | None = None, headers: dict[str, str] | None = None, timeout: float = 10
) -> Response:
    req = urllib.request.Request(url, data=data, headers=headers or {}, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@contextmanager
def server(tmp_path: Path, *extra: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`synoptic serve` over a store holding the fixture analysis; yields its base URL and process."""
    port = free_port()
    command = [sys.executable, "-m", "synoptic.cli", "serve", "--db", str(tmp_path / "s.db"), "--port", str(port)]
    proc = subprocess.Popen([*command, "--json", str(FIXTURE), *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else b""
            try:
                request(base + "/static/app.css", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)


def article(n: int, language: str = "en") -> bytes:
    return (
        f"Title: Ferry timetable {n}\nLanguage: {language}\nText:\n"
        f"The ferry between the two banks of Veloria will run every {n} minutes while the Harbour Bridge "
        "stays closed, the transport office said on Friday."
    ).encode()


def job_outcome(base: str, location: str, timeout: float = 240) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, _, body = request(base + location)
        assert status == 200
        job: dict[str, Any] = json.loads(body)
        if job["state"] in ("done", "rejected", "failed"):
            return job
        time.sleep(0.3)
    raise AssertionError("the job did not finish")


# ---------------------------------------------------------------------------------------------
# 3. Uploads are jobs; reads stay fast; bodies are capped; SIGTERM stops the server


def test_reliability_upload_is_a_job_with_a_visible_outcome(tmp_path: Path) -> None:
    with server(tmp_path) as (base, _):
        status, headers, body = request(
            base + "/api/v1/articles?name=ferry", article(7), {"content-type": "text/plain"}
        )
        assert status == 202, body
        accepted = json.loads(body)
        assert accepted["state"] in ("queued", "reading", "analysing")
        assert headers["location"] == accepted["url"] == f"/api/v1/jobs/{accepted['id']}"
        job = job_outcome(base, headers["location"])
        assert (job["state"], job["status"]) == ("done", 201)
        assert [a["title"] for a in job["result"]["articles"]] == ["Ferry timetable 7"]
        assert request(base + "/api/v1/jobs/unknown")[0] == 404


def _slow_upload(port: int, declared: int) -> socket.socket:
    """A client that announces a large body and sends only its first bytes."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    head = (
        f"POST /api/v1/articles HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: text/plain\r\n"
        f"Content-Length: {declared}\r\n\r\n"
    )
    sock.sendall(head.encode() + b"Title: slow\nText:\n")
    return sock


def test_reliability_slow_upload_and_many_small_ones_do_not_stall_reads_and_sigterm_stops(tmp_path: Path) -> None:
    with server(tmp_path) as (base, proc):
        port = int(base.rsplit(":", 1)[1])
        slow = _slow_upload(port, 5_000_000)
        answers: list[int] = []

        def upload(n: int) -> None:
            answers.append(request(base + "/api/v1/articles", article(100 + n), {"content-type": "text/plain"})[0])

        threads = [threading.Thread(target=upload, args=(n,)) for n in range(45)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert sorted(set(answers)) in ([202], [202, 503]), answers  # queued, or refused at once when full
        assert answers.count(202) >= 8
        for path in ("/static/app.js", "/api/v1/stories", "/", "/api/v1/jobs/none"):
            started = time.monotonic()
            status = request(base + path, timeout=10)[0]
            assert status in (200, 404)
            assert time.monotonic() - started < 1.0, f"{path} took {time.monotonic() - started:.2f} s"
        proc.send_signal(signal.SIGTERM)  # the slow upload is still open, analyses still queued
        assert proc.wait(timeout=20) is not None
        slow.close()


@pytest.mark.parametrize(
    ("path", "declared"),
    [("/login", 200_000_000), ("/api/v1/stories", 10_000_000), ("/api/v1/articles", 1_000_000_000)],
)
def test_reliability_declared_body_over_the_cap_is_refused_at_once(tmp_path: Path, path: str, declared: int) -> None:
    with server(tmp_path) as (base, _):
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {declared}\r\n"
            sock.sendall(head.encode() + b"Content-Type: application/x-www-form-urlencoded\r\n\r\ntoken=")
            reply = sock.recv(4096).decode("latin-1")
        assert reply.startswith("HTTP/1.1 413"), reply[:200]


def test_reliability_chunked_login_body_is_cut_off(tmp_path: Path) -> None:
    with server(tmp_path) as (base, proc):
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            head = f"POST /login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nTransfer-Encoding: chunked\r\n"
            sock.sendall(head.encode() + b"Content-Type: application/x-www-form-urlencoded\r\n\r\n")
            chunk = b"a" * 8192
            reply = b""
            for _ in range(200):  # 1.6 MB offered; the server must answer long before
                try:
                    sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                except OSError:
                    break
                sock.settimeout(0.05)
                try:
                    reply = sock.recv(4096)
                    break
                except TimeoutError:
                    continue
            sock.settimeout(10)
            reply = reply or sock.recv(4096)
        assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
        assert proc.poll() is None


# ---------------------------------------------------------------------------------------------
# 6. Uploads say why an article was rejected; multipart forms are read as files


def test_reliability_upload_reports_stage_rejection_and_keeps_no_article_row(tmp_path: Path) -> None:
    japanese = (
        "Title: 東京の天気\nText:\n東京では月曜日に大雨が降り、交通機関に大きな影響が出ました。"
        "気象庁によると、雨は火曜日の朝まで続く見込みです。市民は外出を控えるよう呼びかけられています。"
    ).encode()
    with server(tmp_path) as (base, _):
        status, _, body = request(
            base + "/api/v1/articles?name=tokyo&wait=120", japanese, {"content-type": "text/plain"}, 150
        )
        assert status == 422, body
        answer = json.loads(body)
        assert [r["path"] for r in answer["rejected"]] == ["api/tokyo.txt"]
        assert "not supported" in answer["rejected"][0]["reason"]
    conn = sqlite3.connect(tmp_path / "s.db")
    try:
        assert conn.execute("SELECT count(*) FROM articles WHERE path = 'api/tokyo.txt'").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM rejections WHERE path = 'api/tokyo.txt'").fetchone() == (1,)
    finally:
        conn.close()


def test_reliability_multipart_upload_reads_each_file(tmp_path: Path) -> None:
    boundary = "----synoptic-test-boundary"
    parts = b""
    for name, data in (("ferry one.txt", article(11)), ("ferry-two.txt", article(12))):
        parts += (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                "Content-Type: text/plain\r\n\r\n"
            ).encode()
            + data
            + b"\r\n"
        )
    parts += f"--{boundary}--\r\n".encode()
    headers = {"content-type": f"multipart/form-data; boundary={boundary}"}
    with server(tmp_path) as (base, _):
        status, _, body = request(base + "/api/v1/articles?wait=120", parts, headers, 150)
        assert status == 201, body
        answer = json.loads(body)
        assert sorted(a["path"] for a in answer["articles"]) == ["api/ferry one.txt", "api/ferry-two.txt"]
        assert sorted(a["title"] for a in answer["articles"]) == ["Ferry timetable 11", "Ferry timetable 12"]
        assert not any("boundary" in a["text"] for a in answer["articles"])


# ---------------------------------------------------------------------------------------------
# 7. A client that disconnects mid-upload


def test_reliability_client_disconnect_mid_upload_is_quiet(tmp_path: Path) -> None:
    with server(tmp_path) as (base, proc):
        port = int(base.rsplit(":", 1)[1])
        for _ in range(3):
            _slow_upload(port, 100_000).close()
        time.sleep(1.0)
        assert request(base + "/api/v1/stories")[0] == 200
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        stderr = proc.stderr.read().decode() if proc.stderr else ""
    assert "Traceback" not in stderr, stderr


# ---------------------------------------------------------------------------------------------
# 11. Filters promised to answer 422; a cookie that is not the token


@pytest.mark.parametrize(
    ("query", "status"),
    [("date_from=yesterday", 422), ("date_to=2026-13-01", 422), ("date_from=2026-03", 200), ("date_from=", 200)],
)
def test_reliability_invalid_date_filter_is_422(tmp_path: Path, query: str, status: int) -> None:
    from fastapi.testclient import TestClient

    from synoptic.report.json import read_json
    from synoptic.web.app import create_app, import_document

    db = tmp_path / "s.db"
    import_document(db, read_json(FIXTURE))
    client = TestClient(create_app(db))
    for path in ("/api/v1/stories", "/api/v1/articles"):
        assert client.get(f"{path}?{query}").status_code == status


def test_reliability_login_cookie_is_not_the_token(tmp_path: Path) -> None:
    token = "a-long-enough-secret-token"
    with server(tmp_path, "--token", token) as (base, _):
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            form = f"token={token}".encode()
            head = (
                f"POST /login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len(form)}\r\nConnection: close\r\n\r\n"
            )
            sock.sendall(head.encode() + form)
            reply = b""
            while chunk := sock.recv(4096):
                reply += chunk
        text = reply.decode("latin-1")
        assert text.startswith("HTTP/1.1 303")
        cookie = next(line for line in text.split("\r\n") if line.lower().startswith("set-cookie:"))
        assert token not in cookie
        value = cookie.split("=", 1)[1].split(";", 1)[0]
        assert request(base + "/", headers={"cookie": f"synoptic_token={value}"})[0] == 200
        assert request(base + "/", headers={"cookie": f"synoptic_token={token}"})[0] == 401
        assert request(base + "/api/v1/stories", headers={"authorization": f"Bearer {value}"})[0] == 401
