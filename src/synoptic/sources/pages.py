"""A fetched (or archived) HTML page becomes an Article with its provenance, through the HTML reader.

The main text and the page's metadata come from `ingest.readers.read_html` (trafilatura) and the
cleaning of `ingest.build_article`, exactly as for an HTML file; this module only adds what the
web tells: the URL, the source that named it, the HTTP status, the fetch time, and the feed's date
and outlet where the page gives none.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from ..errors import ReadError
from ..ingest import build_article
from ..ingest.decode import decode_bytes, looks_binary
from ..ingest.readers import read_html
from ..models import Article, Provenance
from ..settings import Settings
from .discover import Link, domain_of, normalise_url


@dataclass(frozen=True)
class Page:
    """An HTML page as received: from the crawler or from a WARC response record."""

    url: str
    final_url: str
    status: int
    body: bytes
    fetched_at: str
    source: str


def article_from_page(page: Page, link: Link | None, settings: Settings) -> Article:
    """The page's article with one provenance record; ReadError with the reason when there is none."""
    if looks_binary(page.body):
        raise ReadError("binary content, not an HTML page")
    record = read_html(page.final_url, decode_bytes(page.body))[0]
    canonical = normalise_url(record.url, page.final_url) if record.url else None
    canonical = canonical or (page.final_url if page.final_url != page.url else None)
    domain = domain_of(canonical or page.final_url)
    site_name = record.outlet if record.outlet and record.outlet != domain_of(record.url or "") else None
    outlet = site_name or (link.outlet if link and link.outlet else None) or domain
    published, published_from = _publication(record.date, link)
    provenance = Provenance(
        url=page.url,
        canonical_url=canonical,
        feed=page.source if page.source != page.url else None,
        fetched_at=page.fetched_at,
        http_status=page.status,
        published=published,
        published_from=published_from,
        outlet=outlet,
        outlet_from="site-name" if outlet != domain else "domain",
    )
    record = replace(
        record,
        path=page.url,
        url=canonical or page.url,
        outlet=outlet,
        date=published,
        title=record.title or (link.title if link else None),
    )
    article = build_article(record, settings)
    return replace(article, provenance=(provenance,))


def _publication(page_date: str | None, link: Link | None) -> tuple[str | None, Literal["feed", "page"] | None]:
    """The date the feed or sitemap gave (stated for this item), else the page's, with where it came from.

    The feed comes first: the page's date may be a guess of the page-date finder (a copyright year
    in the footer reads as 1 January)."""
    if link is not None and link.published:
        return link.published, "feed"
    if page_date:
        return page_date, "page"
    return None, None
