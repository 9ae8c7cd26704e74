"""Helpers for the web, report and browser tests: the fixture analysis, a hostile article, a live server.

Not a test module of its own (it holds no tests); the test_web_*, test_report_* and test_browser_*
modules import from it.
"""

from __future__ import annotations

import atexit
import copy
import functools
import json
import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn

from synoptic.web.app import import_document

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "analysis_small.json"
# `make screenshots` refreshes the committed ones in docs/screenshots; plain test runs write under build/.
SCREENSHOTS = Path(os.environ.get("SYNOPTIC_SCREENSHOTS", ROOT / "build" / "screenshots"))

# Script that must never run: each payload would set window.__pwned or open a dialog.
HOSTILE_TITLE = (
    '<script>window.__pwned="title"</script><img src=x onerror="window.__pwned=\'img\'"> Bridge row '
    "<a href=\"javascript:window.__pwned='title-link'\">more</a>"
)
HOSTILE_OUTLET = "<b onmouseover=alert('outlet')>Evil Outlet</b>"
HOSTILE_TEXT = (
    "Officials said the bridge was closed. <script>window.__pwned='text';alert('script')</script>\n\n"
    "Click <a href=\"javascript:window.__pwned='link'\">here</a> or javascript:alert('bare') for more. "
    "<img src=x onerror=\"window.__pwned='onerror';alert('onerror')\"> Nothing else happened.\n\n"
    "\"><svg onload=alert('svg')></svg> {{ 7*7 }} ends the report. Mayor Ilse Corwin said "
    "\"<iframe src=javascript:alert('quote')></iframe>\" at noon."
)


@dataclass(frozen=True)
class ExampleRun:
    """One `synoptic analyze examples/corpus --db --json --report` run through the CLI."""

    code: int
    db: Path
    json: Path
    report: Path


@functools.cache
def example_run() -> ExampleRun:
    """The real pipeline over the example corpus, run once per test session (it is the slow part)."""
    from synoptic.cli import main

    tmp = Path(tempfile.mkdtemp(prefix="synoptic-web-"))
    atexit.register(shutil.rmtree, tmp, True)
    run = ExampleRun(0, tmp / "corpus.db", tmp / "analysis.json", tmp / "report")
    args = ["analyze", str(ROOT / "examples" / "corpus"), "--db", str(run.db), "--json", str(run.json)]
    code = main([*args, "--report", str(run.report), "--quiet"])
    return ExampleRun(code, run.db, run.json, run.report)


def load_fixture() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return data


def span(doc: dict[str, Any], article_id: str, needle: str) -> dict[str, Any]:
    """The span of the first `needle` in an article of `doc` (fails loudly when absent)."""
    text = next(a["text"] for a in doc["articles"] if a["id"] == article_id)
    start = text.index(needle)
    return {"article": article_id, "start": start, "end": start + len(needle), "text": needle}


def hostile_document() -> dict[str, Any]:
    """The fixture plus article `x1` whose title, outlet, url and text carry script payloads,
    cited everywhere a story shows text: claims, conflicts, quotes, summary, entities, derivations."""
    doc = copy.deepcopy(load_fixture())
    doc["articles"].append(
        {
            "id": "x1",
            "path": "<script>alert('path')</script>.txt",
            "language": "en",
            "title": HOSTILE_TITLE,
            "outlet": HOSTILE_OUTLET,
            "authors": ["<img src=x onerror=alert('author')>"],
            "published": {"date": "2026-03-05", "how": "given"},
            "text": HOSTILE_TEXT,
            "url": "javascript:alert('url')",
        }
    )
    story = doc["stories"][0]
    story["articles"].append("x1")
    story["title"] = "Bridge story <script>window.__pwned='story'</script>"
    script = span(doc, "x1", "<script>window.__pwned='text';alert('script')</script>")
    img = span(doc, "x1", "<img src=x onerror=\"window.__pwned='onerror';alert('onerror')\">")
    link = span(doc, "x1", "<a href=\"javascript:window.__pwned='link'\">here</a>")
    svg = span(doc, "x1", "\"><svg onload=alert('svg')></svg>")
    story["claims"][0]["support"].append(span(doc, "x1", "the bridge was closed"))
    story["claims"][1]["contradict"].append(img)
    story["conflicts"][0]["values"].append({"value": "<script>alert('value')</script>", "spans": [script]})
    story["summary"].append({"text": "<img src=x onerror=alert('summary')> javascript:alert(1)", "citations": [link]})
    story["events"].append(
        {
            "id": "x-e",
            "date": "2026-03-05",
            "description": "<svg onload=alert('event')>",
            "articles": ["x1"],
            "evidence": [svg],
        }
    )
    doc["quotes"].append(
        {
            "id": "xq",
            "span": span(doc, "x1", "<iframe src=javascript:alert('quote')></iframe>"),
            "kind": "direct",
            "speaker": "e1",
            "speaker_span": span(doc, "x1", "Ilse Corwin"),
            "group": "g1",
        }
    )
    doc["entities"][0]["mentions"].append(span(doc, "x1", "Ilse Corwin"))
    doc["entities"].append(
        {
            "id": "<x>",
            "name": "<script>alert('entity')</script>",
            "type": "OTHER",
            "aliases": ["<b>x</b>"],
            "mentions": [script],
        }
    )
    doc["derivations"].append(
        {
            "source": "a1",
            "derived": "x1",
            "kind": "<img src=x onerror=alert(1)>",
            "score": 0.5,
            "passages": [
                {"source": span(doc, "a1", "Mayor Ilse Corwin"), "derived": span(doc, "x1", "Mayor Ilse Corwin")}
            ],
        }
    )
    return doc


def store_with(tmp: Path, document: dict[str, Any], name: str = "web.db") -> Path:
    """A store file holding `document` as its latest analysis."""
    db = tmp / name
    import_document(db, document)
    return db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(app: Any) -> Iterator[str]:
    """Run an ASGI app with uvicorn in a thread on a free loopback port; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
