"""Links out of feeds, sitemaps and lists, and URL normalisation: tables of cases, including ones that find nothing.

The parsers read what remote servers send, so hypothesis feeds them arbitrary bytes: they answer
"not a feed / not a sitemap" (None) and never raise.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synoptic.sources.discover import domain_of, normalise_url, parse_feed, parse_sitemap, parse_url_list

NORMALISE_CASES = [
    ("http://Example.COM/a/b", None, "http://example.com/a/b"),
    ("https://example.com:443/a", None, "https://example.com/a"),
    ("http://example.com/a?utm_source=x&utm_medium=y&id=7#comments", None, "http://example.com/a?id=7"),
    ("/news/2026/ferry", "https://bay.example/feed.xml", "https://bay.example/news/2026/ferry"),
    ("../local/x", "https://bay.example/news/feed.xml", "https://bay.example/local/x"),
    ("  http://example.com/padded  ", None, "http://example.com/padded"),
    # nothing: other schemes, no host, empty
    ("mailto:desk@example.com", None, None),
    ("javascript:alert(1)", None, None),
    ("ftp://example.com/file", None, None),
    ("http:///no-host", None, None),
    ("", None, None),
    ("   ", None, None),
]


@pytest.mark.parametrize(("url", "base", "expected"), NORMALISE_CASES)
def test_normalise_url(url: str, base: str | None, expected: str | None) -> None:
    assert normalise_url(url, base) == expected


@pytest.mark.parametrize(
    ("url", "domain"),
    [("https://www.bay.example/x", "bay.example"), ("http://127.0.0.1:8080/a", "127.0.0.1"), ("not a url", None)],
)
def test_domain_of(url: str, domain: str | None) -> None:
    assert domain_of(url) == domain


RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Bay</title>
<item><title>One</title><link>https://bay.example/one?utm_campaign=rss</link>
<pubDate>Wed, 04 Mar 2026 08:00:00 GMT</pubDate></item>
<item><title>No link</title></item>
<item><title>Mail</title><link>mailto:desk@bay.example</link></item>
<item><title>Two</title><link>/two</link></item>
</channel></rss>"""


def test_rss_items_with_usable_links_only_and_their_dates() -> None:
    found = parse_feed(RSS, "https://bay.example/feed.xml")
    assert found is not None and found.kind == "feed" and found.title == "Bay"
    assert [(link.url, link.published, link.title) for link in found.links] == [
        ("https://bay.example/one", "2026-03-04", "One"),
        ("https://bay.example/two", None, "Two"),
    ]


NOT_FEEDS = [
    b"",
    b"<html><body><p>Just a page</p></body></html>",
    b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>',
    b'{"version": "1", "items": []}',
    b"[1, 2, 3]",
    b"{not json",
    b"https://bay.example/a\nhttps://bay.example/b\n",
]


@pytest.mark.parametrize("data", NOT_FEEDS)
def test_what_is_no_feed_finds_nothing(data: bytes) -> None:
    assert parse_feed(data, "https://bay.example/x") is None


NOT_SITEMAPS = [
    b"",
    b"<html><body>page</body></html>",
    RSS,
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><urlset>&e;</urlset>',
    b"<urlset><url><loc>https://bay.example/no-namespace</loc></url></urlset>",
]


@pytest.mark.parametrize("data", NOT_SITEMAPS)
def test_what_is_no_sitemap_finds_nothing(data: bytes) -> None:
    assert parse_sitemap(data, "https://bay.example/sitemap.xml") is None


def test_news_sitemap_gives_date_title_and_publication_and_plain_sitemap_lastmod() -> None:
    data = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
    xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
    <url><loc>https://bay.example/a</loc><news:news><news:publication><news:name>Bay Herald</news:name>
    </news:publication><news:publication_date>2026-03-04T08:00:00+00:00</news:publication_date>
    <news:title>Talks resume</news:title></news:news></url>
    <url><loc>https://bay.example/b</loc><lastmod>2026-03-02</lastmod></url>
    <url><loc>javascript:void(0)</loc></url></urlset>"""
    found = parse_sitemap(data, "https://bay.example/sitemap.xml")
    assert found is not None and found.kind == "sitemap"
    assert [(x.url, x.published, x.title, x.outlet) for x in found.links] == [
        ("https://bay.example/a", "2026-03-04", "Talks resume", "Bay Herald"),
        ("https://bay.example/b", "2026-03-02", None, None),
    ]


def test_url_list_skips_comments_and_blank_lines_and_keeps_fragments_in_urls() -> None:
    text = "# morning\n\nhttps://bay.example/a#part\n   https://bay.example/b  \n#https://bay.example/off\n"
    assert parse_url_list(text) == ["https://bay.example/a#part", "https://bay.example/b"]
    assert parse_url_list("") == [] and parse_url_list("# only comments\n\n") == []


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_parsers_never_raise_on_arbitrary_bytes(data: bytes) -> None:
    for found in (parse_feed(data, "https://bay.example/f"), parse_sitemap(data, "https://bay.example/s")):
        assert found is None or all(link.url.startswith(("http://", "https://")) for link in found.links)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_normalised_urls_are_http_and_normalising_again_changes_nothing(text: str) -> None:
    url = normalise_url(text, "https://bay.example/feed")
    if url is not None:
        assert url.startswith(("http://", "https://")) and "#" not in url
        assert normalise_url(url) == url
