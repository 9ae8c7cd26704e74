"""The web API of sources and live updates: GET /api/v1/sources, /api/v1/changes, and ?since= filters."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sources_support import STORIES, news_site, rss, serve_stories
from synoptic.pipeline import Pipeline
from synoptic.sources import CrawlSettings, fetch
from synoptic.store.sqlite import Store
from synoptic.web.app import create_app, import_document
from test_web_support import load_fixture, store_with

NO_STAGES = Pipeline(())
OLD, NEW = "2026-01-01T00:00:00.000Z", "2026-03-01T12:00:00.000Z"


@pytest.fixture
def aged(tmp_path: Path) -> tuple[TestClient, str, Path]:
    """The fixture analysis with every article added long ago except one, added on 1 March."""
    doc = load_fixture()
    db = store_with(tmp_path, doc)
    fresh = doc["articles"][-1]["id"]
    with Store(db) as store, store.transaction() as conn:
        conn.execute("UPDATE articles SET added_at=?", (OLD,))
        conn.execute("UPDATE articles SET added_at=? WHERE id=?", (NEW, fresh))
    return TestClient(create_app(db, pipeline=NO_STAGES)), fresh, db


SINCE_CASES = [
    # (since, only the fresh article?)
    ("2026-02-01T00:00:00Z", True),
    ("2026-02-01", True),
    ("2026-03-01T13:00:00+01:00", True),  # 12:00 UTC, the very time it was added
    ("2026-03-01T12:00:00.001Z", False),  # a millisecond later: nothing
    ("2025-12-31T00:00:00Z", None),  # before everything: all
]


@pytest.mark.parametrize(("since", "only_fresh"), SINCE_CASES)
def test_since_filters_articles_and_stories_by_when_they_were_added(
    aged: tuple[TestClient, str, Path], since: str, only_fresh: bool | None
) -> None:
    client, fresh, _db = aged
    everything = client.get("/api/v1/articles", params={"limit": 500}).json()["items"]
    articles = client.get("/api/v1/articles", params={"since": since, "limit": 500}).json()["items"]
    stories = client.get("/api/v1/stories", params={"since": since}).json()["items"]
    if only_fresh is None:
        assert len(articles) == len(everything) and stories
    elif only_fresh:
        assert [a["id"] for a in articles] == [fresh]
        assert stories and all(fresh in s["articles"] for s in stories)
    else:
        assert articles == [] and stories == []


@pytest.mark.parametrize("since", ["yesterday", "2026-13-01", "1 March"])
def test_since_that_is_no_time_is_refused_with_422(aged: tuple[TestClient, str, Path], since: str) -> None:
    client, _fresh, _db = aged
    for url in ("/api/v1/articles", "/api/v1/stories"):
        response = client.get(url, params={"since": since})
        assert response.status_code == 422 and "ISO 8601" in response.json()["detail"]


def test_changes_tells_the_latest_run_and_whether_it_moved(aged: tuple[TestClient, str, Path]) -> None:
    client, _fresh, db = aged
    first = client.get("/api/v1/changes", params={"since": 1}).json()
    assert first["run"] == 1 and first["changed"] is False and first["articles"] == len(load_fixture()["articles"])
    assert client.get("/api/v1/changes").json()["changed"] is True  # a page that shows no run yet
    import_document(db, load_fixture())
    moved = client.get("/api/v1/changes", params={"since": 1}).json()
    assert moved["run"] == 2 and moved["changed"] is True
    assert client.get("/api/v1/changes", params={"since": -1}).status_code == 422


def test_sources_lists_each_source_with_state_last_fetch_and_errors(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    with news_site() as site:
        serve_stories(site, STORIES[:2])
        site.add("/feed.xml", rss(site, [*STORIES[:2], STORIES[2]]), content_type="application/rss+xml")
        site.add("/down.xml", "x", status=503, validators=False)
        fetch(
            [site.url("/feed.xml"), site.url("/down.xml")],
            db=db,
            crawl=CrawlSettings(rate=50, retries=0),
            analyse=False,
        )
    client = TestClient(create_app(db, pipeline=NO_STAGES))
    body = client.get("/api/v1/sources").json()
    rows = {r["source"]: r for r in body["items"]}
    feed, down = rows[site.url("/feed.xml")], rows[site.url("/down.xml")]
    assert feed["kind"] == "feed" and feed["error"] is None and feed["http_status"] == 200
    assert feed["articles"] == 2 and feed["links"] == 3
    assert feed["pages"] == {"queued": 0, "done": 2, "failed": 1}
    assert feed["page_errors"] == [{"url": site.url(STORIES[2].path), "reason": "HTTP 404"}]
    assert feed["last_fetch"] and feed["last_ok"]
    assert down["error"] == "HTTP 503" and down["last_ok"] is None and down["failures"] == 1
    assert body["pending_analysis"] == 2  # fetched, not yet analysed
    assert body["total"] == 2


def test_serve_watch_runs_the_loop_beside_the_app_and_stops_cleanly(tmp_path: Path) -> None:
    import time

    from synoptic.web.live import Watcher

    db, sources = tmp_path / "served.db", tmp_path / "sources.txt"
    with news_site() as site:
        serve_stories(site, STORIES[:2])
        site.add("/feed.xml", rss(site, STORIES[:2]), content_type="application/rss+xml")
        sources.write_text(site.url("/feed.xml") + "\n", encoding="utf-8")
        app = create_app(db)
        client = TestClient(app)
        watcher = Watcher(app.state.site, sources, every=0.2, crawl=CrawlSettings(rate=50)).start()
        try:
            deadline = time.monotonic() + 180
            while client.get("/api/v1/changes").json()["run"] == 0:
                assert time.monotonic() < deadline and not watcher.errors, watcher.errors
                time.sleep(0.2)
        finally:
            watcher.close()
        assert not watcher._thread.is_alive()
    articles = client.get("/api/v1/articles").json()["items"]
    assert sorted(a["url"] for a in articles) == sorted(site.url(s.path) for s in STORIES[:2])
    assert all(a["provenance"][0]["feed"] == site.url("/feed.xml") for a in articles)
    assert client.get("/api/v1/sources").json()["items"][0]["kind"] == "feed"
