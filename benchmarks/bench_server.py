"""Read latency of the web API while uploads are read and analysed (issue 13: the server stays responsive).

A real `synoptic serve` process on loopback serves the store of the example analysis. Reader threads
request `GET /api/v1/stories`, `GET /api/v1/articles` and `/static/app.js` in a loop, first with no
upload (the baseline, same process, same store), then while a 15 MB upload and small article
uploads are queued and analysed with the default pipeline (models loaded on the first). Latencies
are wall-clock per request; the table gives p50, p99 and the worst.

    python -m benchmarks.bench_server
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from tempfile import TemporaryDirectory

from .common import ROOT, write_section

FIXTURE = ROOT / "tests" / "fixtures" / "analysis_small.json"
READ_PATHS = ("/api/v1/stories", "/api/v1/articles?limit=50", "/static/app.js")
READERS = 4
SMALL_UPLOADS = 6
BIG_UPLOAD_BYTES = 15 * 1024 * 1024
BASELINE_SECONDS = 15.0


def _get(url: str, data: bytes | None = None, timeout: float = 60) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, headers={"content-type": "text/plain"} if data else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _article(n: int) -> bytes:
    return (
        f"Title: Ferry timetable {n}\nLanguage: en\nText:\n"
        f"The ferry between the two banks of Veloria will run every {n} minutes while the Harbour Bridge stays "
        "closed, the transport office said on Friday. Passengers were asked to plan longer journeys."
    ).encode()


def _read_loop(base: str, stop: threading.Event, out: list[float]) -> None:
    k = 0
    while not stop.is_set():
        started = time.perf_counter()
        status, _ = _get(base + READ_PATHS[k % len(READ_PATHS)], timeout=60)
        out.append(time.perf_counter() - started if status == 200 else float("inf"))
        k += 1


def _measure(base: str, until: threading.Event) -> list[float]:
    latencies: list[float] = []
    threads = [threading.Thread(target=_read_loop, args=(base, until, latencies)) for _ in range(READERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies


def _uploads(base: str, done: threading.Event, report: dict[str, float]) -> None:
    started = time.perf_counter()
    status, _ = _get(base + "/api/v1/articles?name=big", b"word " * (BIG_UPLOAD_BYTES // 5), timeout=120)
    report["big upload answered (s)"] = time.perf_counter() - started
    report["big upload status"] = status
    locations = []
    for n in range(SMALL_UPLOADS):
        status, body = _get(base + f"/api/v1/articles?name=ferry{n}", _article(n + 5))
        if status == 202:
            import json

            locations.append(json.loads(body)["url"])
    for url in locations:
        while True:
            import json

            state = json.loads(_get(base + url)[1])["state"]
            if state in ("done", "rejected", "failed"):
                break
            time.sleep(0.2)
    report["uploads analysed (s)"] = time.perf_counter() - started
    done.set()


def _row(label: str, values: list[float]) -> str:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return (
        f"| {label} | {len(values)} | {statistics.median(values) * 1000:.0f} ms | {p99 * 1000:.0f} ms "
        f"| {ordered[-1] * 1000:.0f} ms |"
    )


def main() -> None:
    with TemporaryDirectory() as tmp:
        port = _free_port()
        db = Path(tmp) / "bench.db"
        command = [sys.executable, "-m", "synoptic.cli", "serve", "--db", str(db), "--port", str(port)]
        proc = subprocess.Popen(
            [*command, "--json", str(FIXTURE)], stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    _get(base + "/static/app.css", timeout=2)
                    break
                except OSError:
                    time.sleep(0.2)
            stop = threading.Event()
            threading.Timer(BASELINE_SECONDS, stop.set).start()
            baseline = _measure(base, stop)
            done: threading.Event = threading.Event()
            report: dict[str, float] = {}
            uploader = threading.Thread(target=_uploads, args=(base, done, report))
            uploader.start()
            loaded = _measure(base, done)
            uploader.join()
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    lines = [
        "## Server: read latency while uploads are analysed",
        "",
        f"`benchmarks/bench_server.py`: a `synoptic serve` process over the small fixture analysis; {READERS} "
        f"reader threads cycle through {', '.join(f'`{p}`' for p in READ_PATHS)}. Baseline: {BASELINE_SECONDS:.0f} s "
        f"with no upload. Under load: one {BIG_UPLOAD_BYTES // 1024 // 1024} MB upload (read by the job worker, "
        f"rejected as too long) and {SMALL_UPLOADS} article uploads, analysed one after another with the default "
        "pipeline (the first loads the models), reads running all the while.",
        "",
        "| reads | requests | p50 | p99 | worst |",
        "|---|---|---|---|---|",
        _row("baseline, no upload", baseline),
        _row("while uploads are read and analysed", loaded),
        "",
        f"The 15 MB upload was answered (202, queued) in {report.get('big upload answered (s)', float('nan')):.2f} s "
        f"(status {int(report.get('big upload status', 0))}); all uploads were read and analysed "
        f"{report.get('uploads analysed (s)', float('nan')):.0f} s after the first was sent. Target (issue 13): "
        "the read API answers within a second while uploads run.",
        "",
    ]
    write_section("server", lines)


if __name__ == "__main__":
    main()
