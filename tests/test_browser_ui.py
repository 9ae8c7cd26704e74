"""The UI and the static report in a real headless Chromium (Debian's package, driven by Playwright).

Pages are served by uvicorn on a free loopback port. Each test checks what a reader sees (charts
drawn, panels filled, citations opening) and that the console stays free of errors; hostile article
text must show as text and run nothing. Screenshots go to build/screenshots/
(docs/screenshots/ with `make screenshots`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from synoptic.report import write_reports
from synoptic.web.app import create_app
from test_web_support import (
    HOSTILE_TEXT,
    SCREENSHOTS,
    example_run,
    hostile_document,
    live_server,
    load_fixture,
    store_with,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make browser installs it)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A page that records console errors, page errors and dialogs (alert, confirm, prompt)."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def goto(self, url: str) -> Any:
        response = self.page.goto(url)
        self.page.wait_for_load_state("load")
        return response

    def pwned(self) -> Any:
        return self.page.evaluate("() => window.__pwned")

    def shot(self, name: str, *, full_page: bool = True) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    w = Watched(browser)
    yield w
    w.close()


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = store_with(tmp_path_factory.mktemp("ui"), load_fixture())
    with live_server(create_app(db)) as url:
        yield url


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = store_with(tmp_path_factory.mktemp("hostile-ui"), hostile_document())
    with live_server(create_app(db)) as url:
        yield url


@pytest.fixture(scope="module")
def corpus_site() -> Iterator[str]:
    """The real pipeline's output for the example corpus, whatever stages exist today."""
    run = example_run()
    assert run.code == 0
    with live_server(create_app(run.db)) as url:
        yield url


def test_browser_story_page_draws_charts_and_panels(watched: Watched, fixture_site: str) -> None:
    page = watched.page
    assert watched.goto(f"{fixture_site}/stories/s1").status == 200
    assert page.locator("svg.timeline g.event circle").count() == 3
    assert page.locator("svg.matrix rect.cell").count() == 16
    assert page.locator("svg.matrix rect.st-contradicted").count() == 2
    assert page.locator("svg.graph g.edge").count() == 3
    assert page.locator("svg.graph g.node").count() == 4
    for chart in ("svg.timeline", "svg.matrix", "svg.graph"):
        box = page.locator(chart).bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 100, chart
    assert page.locator(".conflicts .conflict").count() == 2
    assert page.locator(".quote-group").count() == 2
    assert page.locator(".quote-group ins").first.inner_text() == "remain"
    assert page.locator(".summary-list > li").count() == 3
    assert watched.errors == []
    watched.shot("story.png")


def test_browser_citation_click_reveals_evidence(watched: Watched, fixture_site: str) -> None:
    page = watched.page
    watched.goto(f"{fixture_site}/stories/s1")
    evidence = page.locator(".summary-list > li").nth(1).locator("details.cite blockquote").first
    assert not evidence.is_visible()
    page.locator(".summary-list > li").nth(1).locator("details.cite summary").first.click()
    assert evidence.is_visible()
    assert evidence.locator("mark").inner_text() == "Mayor Ilse Corwin closed the bridge to all traffic on Tuesday."
    # Opening a second citation of the same sentence closes the first (app.js, loaded under the CSP).
    page.locator(".summary-list > li").nth(1).locator("details.cite summary").nth(1).click()
    page.wait_for_function("() => document.querySelectorAll('.summary-list details.cite[open]').length === 1")
    evidence.locator("xpath=..").locator("summary").first.click()
    evidence.locator("a").first.click()
    page.wait_for_load_state("load")
    assert "/articles/a1" in page.url
    assert page.locator(".m-target").first.inner_text().startswith("Mayor")
    assert watched.errors == []
    watched.shot("citation.png")


def test_browser_index_filters_by_language(watched: Watched, fixture_site: str) -> None:
    page = watched.page
    watched.goto(fixture_site + "/")
    assert page.locator(".story-card").count() == 2
    watched.shot("index.png")
    with page.expect_navigation():
        page.select_option("select[name=language]", "de")  # app.js submits the form on change
    assert "language=de" in page.url
    assert page.locator(".story-card").count() == 1
    assert watched.errors == []


def test_browser_article_and_entity_pages(watched: Watched, fixture_site: str) -> None:
    page = watched.page
    watched.goto(f"{fixture_site}/articles/a4")
    assert page.locator(".article-text .m-entity").count() >= 3
    assert page.locator(".article-text .m-contra").count() >= 1
    watched.shot("article.png")
    watched.goto(f"{fixture_site}/entities/e1")
    assert page.locator("section.mentions h3").all_inner_texts() == ["de 2 mentions", "en 5 mentions", "fr 1 mention"]
    watched.shot("entity.png")
    assert watched.errors == []


def assert_nothing_ran(watched: Watched) -> None:
    page = watched.page
    assert watched.dialogs == []
    assert watched.pwned() is None
    assert page.evaluate("() => document.querySelectorAll('img, iframe, object, embed').length") == 0
    scripts = page.evaluate("() => [...document.scripts].map(s => s.getAttribute('src'))")
    assert scripts in ([], ["/static/app.js"])
    handlers = page.evaluate(
        "() => [...document.querySelectorAll('*')].flatMap(e => [...e.attributes].map(a => a.name))"
        ".filter(n => n.startsWith('on'))"
    )
    assert handlers == []
    hrefs = page.evaluate(
        "() => [...document.querySelectorAll('[href]:not(link[rel=icon])')].map(e => e.getAttribute('href'))"
    )
    assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:"))]


@pytest.mark.parametrize("path", ["/", "/stories/s1", "/articles/x1", "/entities/e1", "/entities", "/entities/%3Cx%3E"])
def test_browser_hostile_article_runs_nothing(watched: Watched, hostile_site: str, path: str) -> None:
    assert watched.goto(hostile_site + path).status == 200
    page = watched.page
    for details in page.locator("details").all():  # open every citation and panel so all evidence is rendered
        details.evaluate("d => d.open = true")
    page.wait_for_timeout(100)
    assert_nothing_ran(watched)
    assert watched.errors == []
    if path == "/articles/x1":
        assert page.locator(".article-text").inner_text() == HOSTILE_TEXT
        assert "<script>" in page.locator("h1").inner_text()
        page.get_by_text("here</a>", exact=False).first.click()
        page.wait_for_timeout(100)
        assert_nothing_ran(watched)
        watched.shot("hostile-article.png")


def test_browser_static_report_runs_nothing(watched: Watched, tmp_path: Path) -> None:
    html_path, _ = write_reports(hostile_document(), tmp_path / "report")
    watched.goto(html_path.as_uri())
    page = watched.page
    for details in page.locator("details").all():
        details.evaluate("d => d.open = true")
    page.wait_for_timeout(100)
    assert_nothing_ran(watched)
    assert page.evaluate("() => document.scripts.length") == 0
    assert (
        page.locator("svg.matrix rect.cell").count() == 4 * 5 + 1 * 2
    )  # story 1: 4 claims x 5 sources; story 2: 1 x 2
    assert HOSTILE_TEXT in page.locator(".article-text").nth(6).inner_text()
    assert watched.errors == []


def test_browser_static_report_of_fixture(watched: Watched, tmp_path: Path) -> None:
    html_path, _ = write_reports(load_fixture(), tmp_path / "report")
    watched.goto(html_path.as_uri())
    page = watched.page
    assert page.locator("svg.timeline").count() == 2
    assert page.locator("svg.graph").count() == 1
    page.locator("#summary-1 details.cite summary").first.click()
    assert page.locator("#summary-1 details.cite blockquote").first.is_visible()
    anchor = page.locator("#summary-1 details.cite blockquote a").first
    anchor.click()
    target = page.evaluate("() => location.hash")
    assert page.locator(target.replace("%", "\\%")).count() == 1  # the evidence anchor exists in the article
    assert watched.errors == []
    page.set_viewport_size({"width": 1280, "height": 2200})
    page.evaluate("() => window.scrollTo(0, 0)")
    watched.shot("report.png", full_page=False)


def test_browser_example_corpus_pages(watched: Watched, corpus_site: str) -> None:
    page = watched.page
    assert watched.goto(corpus_site + "/").status == 200
    watched.shot("corpus-index.png")
    stories = page.locator("a.story-title").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    articles = page.locator("table a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert stories or articles
    document = json.loads(example_run().json.read_text(encoding="utf-8"))
    by_id = {s["id"]: s for s in document["stories"]}
    assert len(stories) == len(by_id)
    for n, href in enumerate(stories):
        assert watched.goto(corpus_site + href).status == 200
        assert page.locator("section.panel").count() >= 6
        story = by_id[unquote(href.rsplit("/", 1)[1])]
        if story.get("claims"):
            assert page.locator("svg.matrix rect.cell").count() >= len(story["articles"])
        if any(e.get("date") for e in story.get("events", [])):
            assert page.locator("svg.timeline g.event").count() >= 1
        assert page.locator(".summary-list > li").count() == len(story.get("summary", []))
        if n == 0:
            watched.shot("corpus-story.png")
    for n, href in enumerate(articles):
        assert watched.goto(corpus_site + href).status == 200
        assert page.locator(".article-text").count() == 1
        if n == 5:
            watched.shot("corpus-article.png")
    assert watched.errors == []
