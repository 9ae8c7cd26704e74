"""`synoptic fetch` against a live local news site: feeds, sitemaps, URL lists, provenance, dedup, conditional GET.

Every server runs on 127.0.0.1 inside the test; nothing reaches the internet.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sources_support import (
    STORIES,
    NewsSite,
    atom,
    json_feed,
    news_site,
    news_sitemap,
    page_html,
    rss,
    serve_stories,
    sitemap_index,
)
from synoptic.cli import main
from synoptic.sources import CrawlSettings, fetch
from synoptic.store.sqlite import Store

FAST = CrawlSettings(rate=50, timeout=5, retries=1, backoff=0.05)
SCHEMA = Path(__file__).resolve().parents[1] / "src" / "synoptic" / "schemas" / "report.schema.json"


def _feed_site(site: NewsSite, n: int = 3) -> None:
    serve_stories(site, STORIES[:n])
    site.add("/feed.xml", rss(site, STORIES[:n]), content_type="application/rss+xml")


def test_cli_fetch_feed_records_provenance_forms_stories_and_second_run_is_conditional(tmp_path: Path) -> None:
    db, out = tmp_path / "news.db", tmp_path / "out.json"
    with news_site() as site:
        _feed_site(site)
        feed = site.url("/feed.xml")
        assert main(["fetch", feed, "--db", str(db), "--json", str(out), "--rate", "50", "--quiet"]) == 0
        first = json.loads(out.read_text(encoding="utf-8"))
        for story in STORIES[:3]:
            assert len(site.requests(story.path)) == 1
        assert main(["fetch", feed, "--db", str(db), "--json", str(out), "--rate", "50", "--quiet"]) == 0
        feed_hits = site.requests("/feed.xml")
        page_hits = [site.requests(s.path) for s in STORIES[:3]]

    import jsonschema

    jsonschema.validate(first, json.loads(SCHEMA.read_text(encoding="utf-8")))
    by_url = {a["url"]: a for a in first["articles"]}
    assert set(by_url) == {site.url(s.path) for s in STORIES[:3]}
    for story in STORIES[:3]:
        article = by_url[site.url(story.path)]
        (prov,) = article["provenance"]
        assert prov["url"] == site.url(story.path)
        assert prov["feed"] == feed
        assert prov["http_status"] == 200
        assert prov["fetched_at"].endswith("Z")
        assert article["outlet"] == story.outlet == prov["outlet"]
        assert prov["outlet_from"] == "site-name"
        # the feed's date is the one recorded, also for the page that states none
        from email.utils import parsedate_to_datetime

        feed_day = parsedate_to_datetime(story.feed_date).date().isoformat()
        assert article["published"]["date"] == prov["published"] == feed_day
        assert prov["published_from"] == "feed"
    # stories are formed as for files: the three reports of the strike are one story
    assert any(len(s["articles"]) == 3 for s in first["stories"]), first["stories"]
    # the second run asked for the feed conditionally, was told 304, and fetched no page again
    assert len(feed_hits) == 2
    assert feed_hits[0].status == 200 and "if-none-match" not in feed_hits[0].headers
    assert feed_hits[1].status == 304 and feed_hits[1].headers["if-none-match"].startswith('"')
    assert feed_hits[1].headers.get("if-modified-since")
    assert [len(h) for h in page_hits] == [1, 1, 1]
    assert all(h[0].headers["user-agent"].startswith("Synoptic/") for h in page_hits)


@pytest.mark.parametrize(
    ("name", "build", "content_type"),
    [
        ("atom", atom, "application/atom+xml"),
        ("json", json_feed, "application/feed+json"),
        ("news-sitemap", news_sitemap, "application/xml"),
    ],
)
def test_feed_kinds_name_every_article_with_its_date(
    tmp_path: Path, name: str, build: object, content_type: str
) -> None:
    with news_site() as site:
        serve_stories(site, STORIES[:2])
        site.add(f"/{name}", build(site, STORIES[:2]), content_type=content_type)  # type: ignore[operator]
        report = fetch([site.url(f"/{name}")], db=tmp_path / "x.db", crawl=FAST, analyse=False)
    assert report.failures == []
    got = {a.provenance[0].url: a for a in report.new}
    assert set(got) == {site.url(s.path) for s in STORIES[:2]}
    assert got[site.url(STORIES[0].path)].published.date == "2026-03-03"
    if name == "news-sitemap":  # the page's own site name wins over the sitemap's publication name
        assert got[site.url(STORIES[1].path)].outlet == "Coastline Daily"


def test_sitemap_index_follows_child_sitemaps_and_the_child_is_conditional_next_time(tmp_path: Path) -> None:
    with news_site() as site:
        serve_stories(site, STORIES)
        site.add("/sitemap-a.xml", news_sitemap(site, STORIES[:2]), content_type="application/xml")
        site.add("/sitemap-b.xml", news_sitemap(site, STORIES[2:]), content_type="application/xml")
        site.add("/sitemap.xml", sitemap_index(site, ["/sitemap-a.xml", "/sitemap-b.xml"]), content_type="text/xml")
        first = fetch([site.url("/sitemap.xml")], db=tmp_path / "x.db", crawl=FAST, analyse=False)
        second = fetch([site.url("/sitemap.xml")], db=tmp_path / "x.db", crawl=FAST, analyse=False)
        child_hits = site.requests("/sitemap-a.xml")
    assert len(first.new) == 4 and first.failures == []
    assert second.new == [] and site.url("/sitemap.xml") in second.not_modified
    assert [h.status for h in child_hits] == [200]  # the index was not modified: children not asked again


def test_url_list_file_and_arguments_are_normalised_and_deduplicated_before_fetching(tmp_path: Path) -> None:
    with news_site() as site:
        serve_stories(site, STORIES[:2])
        a, b = site.url(STORIES[0].path), site.url(STORIES[1].path)
        listing = tmp_path / "urls.txt"
        listing.write_text(f"# today's reading\n{a}\n\n{a}?utm_source=newsletter#comments\n{b}\n", encoding="utf-8")
        report = fetch([str(listing), a + "#top"], db=tmp_path / "x.db", crawl=FAST, analyse=False)
        hits = [len(site.requests(s.path)) for s in STORIES[:2]]
    assert hits == [1, 1]
    assert len(report.new) == 2 and report.failures == []
    assert report.known == 2  # the tracking-parameter variant and the repeated argument
    assert {a.provenance[0].feed for a in report.new} == {str(listing)}  # the list named them


def test_same_content_under_two_urls_is_stored_once_with_both_urls(tmp_path: Path) -> None:
    story = STORIES[0]
    with news_site() as site:
        html = page_html(story, site, canonical=False)
        site.add(story.path, html)
        site.add("/amp" + story.path, html)
        urls = [site.url(story.path), site.url("/amp" + story.path)]
        report = fetch(urls, db=tmp_path / "x.db", crawl=FAST, analyse=False)
    assert len(report.new) == 1 and report.duplicates == 1
    with Store(tmp_path / "x.db") as store:
        (article,) = store.articles()
        assert sorted(p.url for p in article.provenance) == sorted(urls)
        assert sorted(store.paths(article.id)) == sorted(urls)


def test_a_failing_source_never_stops_the_others(tmp_path: Path) -> None:
    with news_site() as site:
        _feed_site(site, 2)
        site.add("/broken.xml", "<rss><channel><item>", content_type="application/rss+xml", status=500)
        site.add("/not-a-feed.bin", b"\x00\x01\x02", content_type="application/octet-stream")
        sources = [
            site.url("/broken.xml"),
            str(tmp_path / "missing-list.txt"),
            "ftp://example.invalid/feed",
            site.url("/not-a-feed.bin"),
            site.url("/feed.xml"),
        ]
        report = fetch(sources, db=tmp_path / "x.db", crawl=FAST, analyse=False)
    reasons = {r.path: r.reason for r in report.failures}
    assert len(report.new) == 2
    assert reasons[site.url("/broken.xml")].startswith("HTTP 500")
    assert reasons[str(tmp_path / "missing-list.txt")].startswith("no such file")
    assert "not an http(s) URL" in reasons["ftp://example.invalid/feed"]
    assert "content type application/octet-stream" in reasons[site.url("/not-a-feed.bin")]
    with Store(tmp_path / "x.db") as store:
        from synoptic.sources.state import sources as source_rows

        rows = {r["source"]: r for r in source_rows(store)}
        assert {r.path: r.reason for r in store.rejections()} == reasons  # kept as for files, without an analysis
    assert rows[site.url("/feed.xml")]["articles"] == 2 and rows[site.url("/feed.xml")]["error"] is None
    assert rows[site.url("/broken.xml")]["error"].startswith("HTTP 500")


def test_cli_fetch_with_nothing_reachable_exits_2_and_names_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["fetch", str(tmp_path / "nope.txt"), "--db", str(tmp_path / "x.db"), "--quiet"])
    assert code == 2
    assert "no such file" in capsys.readouterr().err


def test_gzipped_sitemap_and_a_feed_saved_as_a_file(tmp_path: Path) -> None:
    import gzip

    with news_site() as site:
        serve_stories(site, STORIES)
        packed = gzip.compress(news_sitemap(site, STORIES[:2]).encode("utf-8"))
        site.add("/sitemap.xml.gz", packed, content_type="application/x-gzip")
        saved = tmp_path / "feed.xml"
        saved.write_text(rss(site, STORIES[2:]), encoding="utf-8")
        report = fetch([site.url("/sitemap.xml.gz"), str(saved)], db=tmp_path / "x.db", crawl=FAST, analyse=False)
    assert report.failures == []
    feeds = {a.provenance[0].url: a.provenance[0].feed for a in report.new}
    assert feeds == {
        **{site.url(s.path): site.url("/sitemap.xml.gz") for s in STORIES[:2]},
        **{site.url(s.path): str(saved) for s in STORIES[2:]},
    }


def test_robots_txt_behind_a_redirect_is_followed(tmp_path: Path) -> None:
    with news_site() as site:
        site.add("/robots.txt", "", status=301, validators=False, headers={"Location": "/real-robots.txt"})
        site.add("/real-robots.txt", "User-agent: *\nDisallow: /news/\n", content_type="text/plain")
        serve_stories(site, STORIES[:2])
        report = fetch([site.url(s.path) for s in STORIES[:2]], db=tmp_path / "x.db", crawl=FAST, analyse=False)
        asked = site.paths()
    assert [r.reason for r in report.failures] == ["disallowed by robots.txt"]  # /news/... only
    assert len(report.new) == 1 and STORIES[0].path not in asked
