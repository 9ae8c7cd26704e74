"""The polite crawler measured at a live local server: robots.txt, rate per host, retries, redirects, caps.

Each case serves a page that misbehaves in one way and checks both the reason the crawler gives
and what the server saw (how many requests, when, with which headers).
"""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path

import pytest

from sources_support import STORIES, news_site, page_html, rss, serve_stories
from synoptic.sources import CrawlSettings, fetch
from synoptic.sources.crawl import Crawler, FetchError, Stopped
from synoptic.store.sqlite import Store

FAST = CrawlSettings(rate=50, timeout=2, retries=2, backoff=0.05)


def _gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(times)]


@pytest.mark.parametrize("rate", [4.0, 10.0])
def test_never_more_than_the_configured_rate_to_one_host_measured_at_the_server(tmp_path: Path, rate: float) -> None:
    with news_site() as site:
        serve_stories(site, STORIES)
        for i in range(4):
            site.add(f"/brief/{i}", page_html(STORIES[i], site, canonical=False).replace("</h1>", f" ({i})</h1>"))
        paths = [s.path for s in STORIES] + [f"/brief/{i}" for i in range(4)]
        site.add("/feed.xml", rss(site, STORIES), content_type="application/rss+xml")
        listing = tmp_path / "urls.txt"
        listing.write_text("\n".join([site.url("/feed.xml")] + [site.url(p) for p in paths[4:]]), encoding="utf-8")
        fetch([str(listing)], db=tmp_path / "x.db", crawl=CrawlSettings(rate=rate, backoff=0.05), analyse=False)
        times = sorted(h.at for h in site.hits)
    assert len(times) == 1 + 1 + 8  # robots.txt, the feed, eight pages
    interval = 1.0 / rate
    # arrival times at the server (the next slot is booked when an answer ends, so network delays
    # cannot bunch requests up)
    assert min(_gaps(times)) >= interval, _gaps(times)
    # ... and the crawler does not dawdle either: about one interval per request
    assert times[-1] - times[0] < interval * len(times) + 1.0


def test_the_default_rate_is_one_request_per_second_per_host() -> None:
    assert CrawlSettings().rate == 1.0
    with news_site() as site, Crawler(CrawlSettings(backoff=0)) as crawler:
        serve_stories(site, STORIES[:2])
        for story in STORIES[:2]:
            crawler.fetch(site.url(story.path))
        times = sorted(h.at for h in site.hits)
    assert len(times) == 3 and min(_gaps(times)) >= 1.0


def test_crawl_delay_in_robots_txt_slows_the_crawler_below_its_rate() -> None:
    with news_site() as site, Crawler(CrawlSettings(rate=50)) as crawler:
        site.add("/robots.txt", "User-agent: *\nCrawl-delay: 0.3\n", content_type="text/plain")
        serve_stories(site, STORIES[:3])
        for story in STORIES[:3]:
            crawler.fetch(site.url(story.path))
        pages = [h.at for h in site.hits if h.path != "/robots.txt"]
    assert min(_gaps(pages)) >= 0.3


ROBOTS_CASES = [
    # (robots.txt, path, fetched?)
    ("User-agent: *\nDisallow: /private/\n", "/private/leak", False),
    ("User-agent: *\nDisallow: /private/\n", "/news/ok", True),
    ("User-agent: Synoptic\nDisallow: /\n\nUser-agent: *\nAllow: /\n", "/news/ok", False),
    ("User-agent: OtherBot\nDisallow: /\n", "/news/ok", True),
    ("User-agent: *\nDisallow: /*?print=\n", "/news/ok?print=1", False),
]


@pytest.mark.parametrize(("robots", "path", "allowed"), ROBOTS_CASES)
def test_robots_txt_is_obeyed_and_a_disallowed_page_is_never_requested(
    tmp_path: Path, robots: str, path: str, allowed: bool
) -> None:
    with news_site() as site:
        site.add("/robots.txt", robots, content_type="text/plain")
        site.add(path, page_html(STORIES[0], site, canonical=False))
        report = fetch([site.url(path)], db=tmp_path / "x.db", crawl=FAST, analyse=False)
        hits = site.requests(path)
    if allowed:
        assert len(hits) == 1 and len(report.new) == 1
    else:
        assert hits == []
        assert [r.reason for r in report.failures] == ["disallowed by robots.txt"]


def test_robots_txt_server_error_means_nothing_is_fetched_from_that_site(tmp_path: Path) -> None:
    with news_site() as site:
        site.add("/robots.txt", "oops", content_type="text/plain", status=500)
        serve_stories(site, STORIES[:1])
        report = fetch([site.url(STORIES[0].path)], db=tmp_path / "x.db", crawl=FAST, analyse=False)
        assert site.requests(STORIES[0].path) == []
    assert report.failures[0].reason == "robots.txt answered HTTP 500: nothing is fetched from this site"


def _feed_with(site: object, extra: list[tuple[str, str]]) -> None:
    """A feed naming the four stories plus `extra` (path, title) pages."""
    from sources_support import NewsSite, Story

    assert isinstance(site, NewsSite)
    stories = list(STORIES) + [
        Story(p, "Harbour Post", t, None, "Thu, 05 Mar 2026 12:00:00 GMT", "Staff", ("x",)) for p, t in extra
    ]
    site.add("/feed.xml", rss(site, stories), content_type="application/rss+xml")


FAILURE_CASES = [
    # (path, route options, body, expected reason start, requests the server saw)
    ("/slow", {"delay": 3.0}, None, "timed out after 1 s (after 2 attempts)", 2),
    ("/down", {"status": 503, "validators": False}, None, "HTTP 503 (after 2 attempts)", 2),
    ("/gone", {"status": 404, "validators": False}, None, "HTTP 404", 1),
    (
        "/report.pdf",
        {"content_type": "application/pdf"},
        b"%PDF-1.7 fake",
        "not accepted: content type application/pdf",
        1,
    ),
    ("/huge", {}, "<html><body>" + "<p>word </p>" * 20_000 + "</body></html>", "too large: 240026 bytes declared", 1),
    (
        "/huge-stream",
        {"declare_length": False},
        "<html><body>" + "<p>word </p>" * 20_000 + "</body></html>",
        "too large: over the cap",
        1,
    ),
    ("/private/memo", {}, None, "disallowed by robots.txt", 0),
    ("/empty-page", {}, "<html><body><nav>Home</nav></body></html>", "too short to analyse: 4 characters", 1),
]


def test_each_failure_has_its_reason_and_never_stops_the_other_pages(tmp_path: Path) -> None:
    settings = CrawlSettings(rate=50, timeout=1.0, retries=1, backoff=0.05, max_bytes=100_000)
    with news_site() as site:
        serve_stories(site, STORIES)
        for path, options, body, _reason, _n in FAILURE_CASES:
            site.add(path, body if body is not None else page_html(STORIES[0], site), **options)
        _feed_with(site, [(c[0], c[0]) for c in FAILURE_CASES])
        report = fetch([site.url("/feed.xml")], db=tmp_path / "x.db", crawl=settings, analyse=False)
        seen = {c[0]: len(site.requests(c[0])) for c in FAILURE_CASES}
    reasons = {r.path: r.reason for r in report.failures}
    assert len(report.new) == 4  # the four stories, whatever the others did
    for path, _options, _body, reason, requests in FAILURE_CASES:
        assert reasons[site.url(path)].startswith(reason), (path, reasons[site.url(path)])
        assert seen[path] == requests, path
    with Store(tmp_path / "x.db") as store:
        states = dict(store.conn.execute("SELECT url, state FROM crawl_queue"))
    # passing failures (timeout, 503) wait for another try; the others are given up
    assert states[site.url("/slow")] == "queued" and states[site.url("/down")] == "queued"
    assert states[site.url("/gone")] == "failed" and states[site.url("/report.pdf")] == "failed"


def test_a_flaky_server_is_retried_with_backoff_and_the_page_arrives(tmp_path: Path) -> None:
    with news_site() as site:
        site.add(STORIES[0].path, page_html(STORIES[0], site), fail_first=2)
        report = fetch([site.url(STORIES[0].path)], db=tmp_path / "x.db", crawl=FAST, analyse=False)
        hits = site.requests(STORIES[0].path)
    assert [h.status for h in hits] == [503, 503, 200]
    assert _gaps([h.at for h in hits])[1] >= 0.09  # the second wait is twice the first (0.05 s)
    assert len(report.new) == 1 and report.failures == []


def test_a_page_that_keeps_failing_is_given_up_after_max_attempts_runs(tmp_path: Path) -> None:
    settings = CrawlSettings(rate=50, retries=0, max_attempts=2)
    with news_site() as site:
        site.add("/down", "x", status=503, validators=False)
        _feed_with(site, [("/down", "Down")])
        serve_stories(site, STORIES)
        for _ in range(3):
            fetch([site.url("/feed.xml")], db=tmp_path / "x.db", crawl=settings, analyse=False)
        assert len(site.requests("/down")) == 2


def test_redirects_are_followed_hop_by_hop_and_the_final_url_is_kept(tmp_path: Path) -> None:
    story = STORIES[0]
    with news_site() as site:
        site.add(story.path, page_html(story, site, canonical=False))
        site.add("/r1", "", status=301, validators=False, headers={"Location": "/r2"})
        site.add("/r2", "", status=302, validators=False, headers={"Location": story.path})
        site.add("/loop", "", status=302, validators=False, headers={"Location": "/loop"})
        site.add("/to-private", "", status=301, validators=False, headers={"Location": "/private/x"})
        report = fetch(
            [site.url("/r1"), site.url("/loop"), site.url("/to-private")],
            db=tmp_path / "x.db",
            crawl=FAST,
            analyse=False,
        )
    (article,) = report.new
    (prov,) = article.provenance
    assert prov.url == site.url("/r1") and prov.canonical_url == site.url(story.path)
    reasons = {r.path: r.reason for r in report.failures}
    assert reasons[site.url("/loop")] == "more than 5 redirects"
    assert reasons[site.url("/to-private")] == "disallowed by robots.txt"


def test_one_connection_pool_serves_every_request() -> None:
    with news_site() as site, Crawler(CrawlSettings(rate=100)) as crawler:
        serve_stories(site, STORIES)
        for story in STORIES:
            crawler.fetch(site.url(story.path))
        pool = crawler.client._transport._pool  # type: ignore[attr-defined]
        assert len(pool.connections) == 1  # keep-alive: five requests, one connection
        assert crawler.requests == 5


def test_stop_ends_the_crawl_while_it_waits_for_its_turn() -> None:
    stop = threading.Event()
    with news_site() as site, Crawler(CrawlSettings(rate=0.2), stop=stop) as crawler:
        serve_stories(site, STORIES[:2])
        crawler.fetch(site.url(STORIES[0].path))
        threading.Timer(0.3, stop.set).start()
        started = time.monotonic()
        with pytest.raises(Stopped):
            crawler.fetch(site.url(STORIES[1].path))
        assert time.monotonic() - started < 2.0  # not the five seconds of the rate
        assert site.requests(STORIES[1].path) == []


def test_fetch_error_reasons_are_plain_words() -> None:
    with Crawler(FAST) as crawler, pytest.raises(FetchError) as caught:
        crawler.fetch("http://127.0.0.1:9/nothing-listens-here")
    assert caught.value.transient
    assert caught.value.reason.startswith("robots.txt unreadable (connection failed: ConnectError")
