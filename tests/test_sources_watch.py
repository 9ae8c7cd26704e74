"""`synoptic watch` as a real process against a local news site that publishes between rounds.

The story gains the new articles, no page is fetched twice, and SIGTERM in the middle of a round
loses nothing: the page in flight is stored, and the next watch analyses it and goes on.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from sources_support import STORIES, WatchProcess, news_site, page_html, rss, serve_stories
from synoptic.errors import SettingsError
from synoptic.sources import parse_duration, read_sources, watch
from synoptic.sources.state import pending
from synoptic.store.sqlite import Store


def _stored(db: Path) -> dict[str, str]:
    with Store(db) as store:
        return {a.url or "": a.id for a in store.articles()}


def _story_sizes(db: Path) -> list[int]:
    with Store(db) as store:
        doc = store.latest_analysis() or {}
    return sorted((len(s["articles"]) for s in doc.get("stories", [])), reverse=True)


def _wait_for_hit(site: object, path: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not site.requests(path):  # type: ignore[attr-defined]
        assert time.monotonic() < deadline, f"{path} never requested"
        time.sleep(0.05)


def test_watch_rounds_add_new_articles_once_and_sigterm_mid_round_loses_nothing(tmp_path: Path) -> None:
    db, sources = tmp_path / "watch.db", tmp_path / "sources.txt"
    args = [str(sources), "--db", str(db), "--every", "1s", "--rate", "20"]
    with news_site() as site:
        serve_stories(site, STORIES)
        site.add(STORIES[2].path, page_html(STORIES[2], site), delay=2.5)  # slow: SIGTERM lands mid-request
        feed = site.url("/feed.xml")
        sources.write_text(f"# Harbourton\n{feed}\n", encoding="utf-8")
        site.add("/feed.xml", rss(site, STORIES[:2]), content_type="application/rss+xml")

        first = WatchProcess(*args)
        first.wait_for("round 1:")
        assert len(_stored(db)) == 2 and _story_sizes(db) == [2]
        first.wait_for("round 2:")  # an unchanged feed: a conditional GET, nothing fetched
        assert site.requests("/feed.xml")[-1].status == 304

        site.add("/feed.xml", rss(site, STORIES[:3]), content_type="application/rss+xml")
        _wait_for_hit(site, STORIES[2].path)
        assert first.stop(signal.SIGTERM) == 0
        assert "stopped after" in first.lines[-1]
        stored = _stored(db)
        assert site.url(STORIES[2].path) in stored  # the page in flight was finished and kept
        with Store(db) as store:
            assert pending(store) == [stored[site.url(STORIES[2].path)]]  # not analysed yet: nothing lost

        site.add("/feed.xml", rss(site, STORIES), content_type="application/rss+xml")
        second = WatchProcess(*args, "--rounds", "2")
        assert second.proc.wait(240) == 0, "\n".join(second.lines)
        assert "stopped after 2 rounds" in second.wait_for("stopped after")
        hits = {s.path: len(site.requests(s.path)) for s in STORIES}

    assert hits == {s.path: 1 for s in STORIES}  # nothing fetched twice across rounds and restarts
    assert len(_stored(db)) == 4
    assert _story_sizes(db) == [4]  # the story gained every article
    with Store(db) as store:
        assert pending(store) == []


DURATIONS = [("15m", 900.0), ("90s", 90.0), ("1h", 3600.0), ("0.5", 0.5), ("250ms", 0.25), ("2d", 172800.0)]


@pytest.mark.parametrize(("text", "seconds"), DURATIONS)
def test_every_accepts_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "0", "-5m", "soon", "15 minutes", "1e3"])
def test_every_refuses_what_is_no_duration(text: str) -> None:
    with pytest.raises(SettingsError):
        parse_duration(text)


def test_a_missing_sources_file_is_an_error_at_once(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="cannot read the sources file"):
        watch(tmp_path / "nope.txt", db=tmp_path / "x.db", rounds=1)


def test_a_round_that_fails_is_reported_and_the_watch_goes_on(tmp_path: Path) -> None:
    sources = tmp_path / "sources.txt"
    sources.write_text("http://127.0.0.1:9/feed.xml\n", encoding="utf-8")
    seen: list[object] = []
    n = watch(sources, db=tmp_path / "x.db", every=0.01, rounds=3, on_round=seen.append)
    assert n == 3 and len(seen) == 3
    assert read_sources(sources) == ["http://127.0.0.1:9/feed.xml"]
    reports = [r.report for r in seen]  # type: ignore[attr-defined]
    assert all(r is not None and "robots.txt unreadable" in r.failures[0].reason for r in reports)
