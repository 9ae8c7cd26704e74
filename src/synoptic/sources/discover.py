"""Links to articles from a source: RSS / Atom (feedparser), JSON Feed, sitemaps and news sitemaps, URL lists.

Every URL is normalised (courlan: lower-case host, no default port, no tracking parameters, no
fragment) so that the same page named two ways is fetched once.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

from ..ingest.dates import parse_metadata_date

SourceKind = Literal["feed", "sitemap", "sitemap-index", "list", "page", "warc"]

_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@dataclass(frozen=True)
class Link:
    """A page URL a source named, with what the source said about it."""

    url: str
    source: str
    published: str | None = None  # ISO date from the feed or sitemap
    title: str | None = None
    outlet: str | None = None  # a news sitemap's publication name


@dataclass(frozen=True)
class Discovered:
    """What a source document held: article links, and child sitemaps of a sitemap index."""

    kind: SourceKind
    links: tuple[Link, ...] = ()
    sitemaps: tuple[str, ...] = ()
    title: str | None = None


def normalise_url(url: str, base: str | None = None) -> str | None:
    """The canonical form of an http(s) URL (resolved against `base`), or None for anything else."""
    from courlan import normalize_url

    url = url.strip()
    if not url:
        return None
    absolute = urljoin(base, url) if base else url
    parts = urlsplit(absolute)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    try:
        normal = normalize_url(absolute.split("#", 1)[0], strict=False)
    except ValueError:
        return None
    return str(normal).split("#", 1)[0]


def domain_of(url: str) -> str | None:
    """The host of a URL without `www.`: the outlet when a page names no site."""
    host = urlsplit(url).hostname
    return host.removeprefix("www.") if host else None


def _iso(struct: time.struct_time | None) -> str | None:
    if struct is None:
        return None
    return datetime(*struct[:6], tzinfo=UTC).date().isoformat()


def parse_feed(data: bytes, source: str) -> Discovered | None:
    """An RSS, Atom or JSON feed's items; None when the data is no feed."""
    stripped = data.lstrip()[:1]
    if stripped in (b"{", b"["):
        return _json_feed(data, source)
    import feedparser

    parsed: Any = feedparser.parse(data)
    if not parsed.get("version"):
        return None
    title = parsed.feed.get("title") or None
    links: list[Link] = []
    for entry in parsed.entries:
        url = normalise_url(entry.get("link") or "", source)
        if url is None:
            continue
        published = _iso(entry.get("published_parsed") or entry.get("updated_parsed"))
        links.append(Link(url, source, published, entry.get("title") or None))
    return Discovered("feed", tuple(links), title=title)


def _json_feed(data: bytes, source: str) -> Discovered | None:
    """A JSON Feed (jsonfeed.org, versions 1 and 1.1); None when the JSON is something else."""
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        return None
    if not isinstance(doc, dict) or "jsonfeed.org" not in str(doc.get("version", "")):
        return None
    title = doc.get("title") if isinstance(doc.get("title"), str) else None
    links: list[Link] = []
    for item in doc.get("items") or []:
        if not isinstance(item, dict):
            continue
        url = normalise_url(str(item.get("url") or item.get("external_url") or ""), source)
        if url is None:
            continue
        date = parse_metadata_date(item.get("date_published") or item.get("date_modified"))
        links.append(Link(url, source, date, item.get("title") if isinstance(item.get("title"), str) else None))
    return Discovered("feed", tuple(links), title=title)


def parse_sitemap(data: bytes, source: str) -> Discovered | None:
    """A sitemap's or news sitemap's pages, or a sitemap index's children; None when it is no sitemap."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError:
        return None
    if root.tag == f"{_SITEMAP_NS}sitemapindex":
        children = [normalise_url(loc.text or "", source) for loc in root.iter(f"{_SITEMAP_NS}loc")]
        return Discovered("sitemap-index", sitemaps=tuple(c for c in children if c))
    if root.tag != f"{_SITEMAP_NS}urlset":
        return None
    links: list[Link] = []
    for entry in root.iter(f"{_SITEMAP_NS}url"):
        url = normalise_url(entry.findtext(f"{_SITEMAP_NS}loc") or "", source)
        if url is None:
            continue
        news = entry.find(f"{_NEWS_NS}news")
        date = news.findtext(f"{_NEWS_NS}publication_date") if news is not None else None
        title = news.findtext(f"{_NEWS_NS}title") if news is not None else None
        outlet = news.findtext(f"{_NEWS_NS}publication/{_NEWS_NS}name") if news is not None else None
        date = date or entry.findtext(f"{_SITEMAP_NS}lastmod")
        links.append(Link(url, source, parse_metadata_date(date), title, outlet))
    return Discovered("sitemap", tuple(links))


def parse_url_list(text: str) -> list[str]:
    """The entries of a list: one per line, blank lines and lines starting with `#` ignored."""
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]
