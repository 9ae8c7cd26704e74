"""A story page in a real headless Chromium updating itself while `synoptic watch` adds articles.

The news site (127.0.0.1, in the test) publishes a new report of the story; the watch process
fetches and analyses it; the open story page and the story list show it without a reload, marked
as new since the last visit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sources_support import STORIES, WatchProcess, news_site, rss, serve_stories
from synoptic.store.sqlite import Store
from synoptic.web.app import create_app
from test_browser_ui import CHROMIUM, Watched
from test_browser_ui import browser as browser  # the module-scoped Chromium fixture, shared
from test_web_support import live_server

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make browser installs it)")


def _story_id(db: Path) -> str:
    with Store(db) as store:
        doc = store.latest_analysis()
    assert doc is not None and len(doc["stories"]) == 1, doc and doc["stories"]
    return str(doc["stories"][0]["id"])


def test_story_page_and_list_update_while_watch_adds_articles(browser: Any, tmp_path: Path) -> None:
    db, sources = tmp_path / "live.db", tmp_path / "sources.txt"
    with news_site() as site:
        serve_stories(site, STORIES)
        site.add("/feed.xml", rss(site, STORIES[:2]), content_type="application/rss+xml")
        sources.write_text(site.url("/feed.xml") + "\n", encoding="utf-8")
        watch = WatchProcess(str(sources), "--db", str(db), "--every", "1s", "--rate", "20")
        try:
            watch.wait_for("round 1:")
            story = _story_id(db)
            with live_server(create_app(db)) as base:
                story_tab, list_tab = Watched(browser), Watched(browser)
                story_tab.goto(f"{base}/stories/{story}")
                list_tab.goto(f"{base}/")
                rows = story_tab.page.locator(".sources tr[data-article-id]")
                assert rows.count() == 2
                assert story_tab.page.locator(".new-badge").count() == 0  # a first visit: nothing is new yet

                site.add("/feed.xml", rss(site, STORIES[:3]), content_type="application/rss+xml")
                story_tab.page.wait_for_function(
                    "() => document.querySelectorAll('.sources tr[data-article-id]').length === 3", timeout=120_000
                )
                new_rows = story_tab.page.locator(".sources tr.is-new")
                assert new_rows.count() == 1
                assert STORIES[2].title in new_rows.inner_text() and "new" in new_rows.inner_text()
                assert "3 articles" in story_tab.page.locator("p.meta").first.inner_text()
                list_tab.page.wait_for_function(
                    "() => document.querySelector('.story-card.is-new .new-badge') !== null", timeout=60_000
                )
                card = list_tab.page.locator(f'.story-card[data-story="{story}"]')
                assert card.get_attribute("data-articles") == "3" and "updated" in card.inner_text()
                # the swapped-in content behaves as loaded content: one open citation per sentence
                cites = story_tab.page.locator(".summary-list > li").first.locator("details.cite > summary")
                assert cites.count() >= 2
                cites.nth(0).click()
                cites.nth(1).click()
                story_tab.page.wait_for_function(
                    "() => document.querySelector('.summary-list > li').querySelectorAll('details.cite[open]')"
                    ".length === 1"
                )
                assert story_tab.errors == [] and list_tab.errors == []
                story_tab.shot("live-story.png")

                # a later visit marks nothing: everything shown was seen
                story_tab.goto(f"{base}/stories/{story}")
                assert story_tab.page.locator(".new-badge").count() == 0
                story_tab.close()
                list_tab.close()
        finally:
            assert watch.stop() == 0


def test_conflicts_and_articles_unseen_on_the_last_visit_are_marked_new(browser: Any, tmp_path: Path) -> None:
    from test_web_support import load_fixture, store_with

    db = store_with(tmp_path, load_fixture())
    with live_server(create_app(db)) as base:
        tab = Watched(browser)
        tab.goto(f"{base}/stories/s1")
        conflicts = tab.page.locator(".conflict[data-conflict]")
        assert conflicts.count() == 2 and tab.page.locator(".new-badge").count() == 0
        first = conflicts.first.get_attribute("data-conflict")
        article = tab.page.locator("tr[data-article-id]").first.get_attribute("data-article-id")
        # as if the last visit had shown neither the first conflict nor the first article
        tab.page.evaluate(
            """([conflict, article]) => {
                const key = "synoptic.seen:" + location.pathname;
                const seen = JSON.parse(localStorage.getItem(key));
                seen.conflicts = seen.conflicts.filter((c) => c !== conflict);
                seen.articles = seen.articles.filter((a) => a !== article);
                localStorage.setItem(key, JSON.stringify(seen));
            }""",
            [first, article],
        )
        tab.goto(f"{base}/stories/s1")
        assert tab.page.locator(".conflict.is-new").count() == 1
        assert tab.page.locator(".conflict.is-new").get_attribute("data-conflict") == first
        assert tab.page.locator("tr.is-new").count() == 1
        assert tab.page.locator("tr.is-new").get_attribute("data-article-id") == article
        assert tab.errors == []
        tab.close()
