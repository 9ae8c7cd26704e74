"""Sources: feeds, sitemaps, URL lists and web archives in, articles with provenance out.

    import synoptic
    report = synoptic.fetch(["https://example.org/feed.xml"], db="news.db")
    report.new, report.failures, report.analysis

`fetch` runs once; `watch` polls a file of sources until stopped. Both go through one polite
`Crawler` (robots.txt, per-host rate, conditional GET, retries, size and type caps).
"""

from __future__ import annotations

from .crawl import Crawler, CrawlSettings, FetchError
from .run import FetchReport, fetch
from .watch import parse_duration, read_sources, watch

__all__ = [
    "CrawlSettings",
    "Crawler",
    "FetchError",
    "FetchReport",
    "fetch",
    "parse_duration",
    "read_sources",
    "watch",
]
