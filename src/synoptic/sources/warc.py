"""HTML pages out of WARC and WARC.gz files (warcio), Common Crawl's CC-NEWS included.

Only `response` records of HTTP 2xx with an HTML content type become pages; every other record
is counted by why it was skipped, so a run can say what it left out instead of dropping it silently.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .crawl import HTML_TYPES
from .discover import normalise_url
from .pages import Page


@dataclass
class WarcCounts:
    """What reading an archive found: pages, and skipped records by reason."""

    pages: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


def iter_warc(path: str | Path, counts: WarcCounts, *, max_bytes: int) -> Iterator[Page]:
    """The HTML response records of a WARC file as pages; `counts` learns every skipped record."""
    from warcio.archiveiterator import ArchiveIterator

    source = str(path)
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            page = _page(record, source, counts, max_bytes)
            if page is not None:
                counts.pages += 1
                yield page


def _page(record: object, source: str, counts: WarcCounts, max_bytes: int) -> Page | None:
    rec_type = str(getattr(record, "rec_type", ""))
    if rec_type != "response":
        counts.skipped[f"{rec_type or 'unknown'} record"] += 1
        return None
    headers = getattr(record, "http_headers", None)
    if headers is None:
        counts.skipped["response without HTTP headers"] += 1
        return None
    status = int(str(headers.get_statuscode() or 0) or 0)
    media = str(headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    if not 200 <= status < 300:
        counts.skipped[f"HTTP {status}"] += 1
        return None
    if media not in HTML_TYPES:
        counts.skipped[f"not HTML ({media or 'no content type'})"] += 1
        return None
    warc_headers = record.rec_headers  # type: ignore[attr-defined]
    url = normalise_url(str(warc_headers.get_header("WARC-Target-URI") or ""))
    if url is None:
        counts.skipped["no http(s) target URI"] += 1
        return None
    body = record.content_stream().read(max_bytes + 1)  # type: ignore[attr-defined]
    if len(body) > max_bytes:
        counts.skipped["over the size cap"] += 1
        return None
    fetched_at = str(warc_headers.get_header("WARC-Date") or "") or None
    return Page(url=url, final_url=url, status=status, body=body, fetched_at=fetched_at or "", source=source)
