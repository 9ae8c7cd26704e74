"""`synoptic watch`: poll the sources of a file every so often, analysing only what is new.

Each round is one `fetch` run over the file's sources (re-read every round, so edits apply). A
round that fails is reported and the loop goes on. SIGINT / SIGTERM end the loop after the
request in flight: what was fetched is stored, pages not yet fetched stay queued, and articles not
yet analysed stay pending, so the next `watch` (or `fetch`) resumes where this one stopped.
"""

from __future__ import annotations

import re
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from ..errors import SettingsError
from ..pipeline import Pipeline
from ..settings import Settings
from ..store.sqlite import Store
from .crawl import Crawler, CrawlSettings
from .discover import parse_url_list
from .run import FetchReport, Log, fetch

#: The issue's default polling interval: feeds of news sites change every few minutes.
DEFAULT_EVERY_S = 15 * 60
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNIT_S = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_duration(text: str) -> float:
    """Seconds of `15m`, `90s`, `1h`, `0.5` (seconds); SettingsError otherwise."""
    m = _DURATION.match(text)
    if not m or float(m.group(1)) <= 0:
        raise SettingsError(f"not a positive duration: {text!r} (examples: 30s, 15m, 1h)")
    return float(m.group(1)) * _UNIT_S[m.group(2) or "s"]


def read_sources(path: str | Path) -> list[str]:
    """The sources listed in a file, one per line (`#` starts a comment line)."""
    try:
        return parse_url_list(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise SettingsError(f"cannot read the sources file {path}: {exc.strerror or exc}") from exc


@dataclass
class Round:
    """One finished polling round, for logs and tests."""

    number: int
    report: FetchReport | None
    error: str | None = None


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Set `stop` on SIGINT / SIGTERM while inside (main thread only); the old handlers come back after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    old = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def watch(
    sources_file: str | Path,
    *,
    db: str | Path,
    every: float = DEFAULT_EVERY_S,
    rounds: int | None = None,
    settings: Settings | None = None,
    crawl: CrawlSettings | None = None,
    pipeline: Pipeline | None = None,
    stop: threading.Event | None = None,
    lock: AbstractContextManager[object] | None = None,
    log: Log | None = None,
    on_round: Callable[[Round], None] | None = None,
) -> int:
    """Poll until stopped (or for `rounds` rounds); returns the number of rounds run."""
    read_sources(sources_file)  # a missing file is an error at once, not a failing round forever
    stop = stop or threading.Event()
    log = log or (lambda _m: None)
    done = 0
    with Store(db) as store, Crawler(crawl, stop=stop, log=log) as crawler:
        while not stop.is_set():
            done += 1
            result = _round(done, sources_file, store, crawler, settings, pipeline, lock, log)
            if on_round is not None:
                on_round(result)
            if rounds is not None and done >= rounds:
                break
            stop.wait(every)
    return done


def _round(
    number: int,
    sources_file: str | Path,
    store: Store,
    crawler: Crawler,
    settings: Settings | None,
    pipeline: Pipeline | None,
    lock: AbstractContextManager[object] | None,
    log: Log,
) -> Round:
    """One round; any error is logged and returned, never raised (the loop keeps running)."""
    try:
        crawler.forget_robots()
        report = fetch(
            read_sources(sources_file),
            db=store,
            settings=settings,
            crawler=crawler,
            pipeline=pipeline,
            lock=lock,
            log=log,
        )
    except Exception as exc:  # a failing round must not end the watch
        log(f"round {number} failed: {type(exc).__name__}: {exc}")
        return Round(number, None, f"{type(exc).__name__}: {exc}")
    log(
        f"round {number}: {len(report.new)} new articles, {len(report.failures)} failures, "
        f"{report.queued} pages queued{' (stopped)' if report.stopped else ''}"
    )
    return Round(number, report)
