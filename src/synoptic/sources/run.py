"""One fetch run: read every source, fetch the pages they name, store the articles, analyse the new ones.

A source is an http(s) URL (a feed, a sitemap or an article page, told apart by what it serves),
a WARC / WARC.gz file, a feed or sitemap saved as a file, or a file listing such sources one per
line. A failing source or page is reported with its reason and never stops the others.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from ..api import analyze_articles
from ..errors import ReadError
from ..ingest.readers import looks_like_html
from ..models import Analysis, Article, Rejection
from ..pipeline import Pipeline
from ..progress import Progress
from ..settings import Settings
from ..store.sqlite import Store
from . import state
from .crawl import HTML_TYPES, SOURCE_TYPES, Crawler, CrawlSettings, Fetched, FetchError, Stopped
from .discover import Discovered, Link, normalise_url, parse_feed, parse_sitemap, parse_url_list
from .pages import Page, article_from_page
from .warc import WarcCounts, iter_warc

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")

Log = Callable[[str], None]


@dataclass
class FetchReport:
    """What a run did: articles stored, sources unchanged, failures with reasons, WARC records skipped."""

    new: list[Article] = field(default_factory=list)
    duplicates: int = 0  # pages whose content was already stored under another URL
    known: int = 0  # URLs skipped because an earlier run fetched them
    not_modified: list[str] = field(default_factory=list)
    failures: list[Rejection] = field(default_factory=list)
    warc: WarcCounts = field(default_factory=WarcCounts)
    queued: int = 0  # pages left for a later run (over max_pages, or stopped)
    stopped: bool = False
    analysis: Analysis | None = None

    def fail(self, where: str, reason: str) -> None:
        self.failures.append(Rejection(where, reason))


def fetch(
    sources: Iterable[str],
    *,
    db: str | Path | Store,
    settings: Settings | None = None,
    crawl: CrawlSettings | None = None,
    crawler: Crawler | None = None,
    pipeline: Pipeline | None = None,
    analyse: bool = True,
    stop: threading.Event | None = None,
    lock: AbstractContextManager[object] | None = None,
    log: Log | None = None,
    progress: Progress | None = None,
) -> FetchReport:
    """Fetch `sources` into the store at `db` and analyse the articles no analysis has seen yet.

    `crawler` lets a watch loop keep one connection pool and its rate limits across rounds; `lock`
    is held while analysing (the web app's analysis lock); `stop` ends the run after the current
    request, keeping everything fetched so far for the next run.
    """
    store = db if isinstance(db, Store) else Store(db)
    own_crawler = crawler is None
    crawler = crawler or Crawler(crawl, stop=stop, log=log)
    try:
        run = _Run(store, crawler, settings or Settings(), log or (lambda _m: None))
        try:
            for source in sources:
                run.source(source)
            run.pages()
        except Stopped:
            run.report.stopped = True
        run.report.queued = state.count_queued(store)
        store.add_rejections(run.report.failures)  # kept, as for files, whether or not an analysis runs
        if crawler.stop.is_set():
            run.report.stopped = True
        if analyse and not run.report.stopped:
            with lock or nullcontext():
                run.report.analysis = analyse_pending(store, run.report.failures, settings, pipeline, progress)
        return run.report
    finally:
        if own_crawler:
            crawler.close()
        if not isinstance(db, Store):
            store.close()


def analyse_pending(
    store: Store,
    rejected: Sequence[Rejection],
    settings: Settings | None,
    pipeline: Pipeline | None,
    progress: Progress | None = None,
) -> Analysis | None:
    """Analyse the store's articles when some are new since the last analysis (cached ones are reused)."""
    waiting = state.pending(store)
    if not waiting:
        return None
    analysis = analyze_articles(
        store.articles(), rejected=rejected, settings=settings, db=store, pipeline=pipeline, progress=progress
    )
    state.clear_pending(store, waiting)
    return analysis


class _Run:
    def __init__(self, store: Store, crawler: Crawler, settings: Settings, log: Log) -> None:
        self.store = store
        self.crawler = crawler
        self.settings = settings
        self.log = log
        self.report = FetchReport()

    # -- sources ------------------------------------------------------------------------------

    def source(self, source: str, *, via: str | None = None) -> None:
        """Read one source; its failure is reported and the run goes on."""
        if self.crawler.stop.is_set():
            raise Stopped
        try:
            self._source(source.strip(), via)
        except (Stopped, KeyboardInterrupt):
            raise
        except FetchError as exc:
            self._source_failed(source, exc.reason, exc.status)
        except Exception as exc:  # a bug or a broken file must not stop the other sources
            self._source_failed(source, f"could not read this source ({type(exc).__name__}: {exc})", None)

    def _source_failed(self, source: str, reason: str, status: int | None) -> None:
        self.log(f"failed {source}: {reason}")
        self.report.fail(source, reason)
        state.record_source(self.store, source, kind=None, status=status, error=reason)

    def _source(self, source: str, via: str | None) -> None:
        """`via`: the list file that named this source (it is then the `feed` of a page's provenance)."""
        url = normalise_url(source) if "://" in source else None
        if url is not None:
            self._url_source(url, via)
            return
        path = Path(source)
        if not path.is_file():
            reason = "no such file" if "://" not in source else "not an http(s) URL"
            raise FetchError(f"{reason}: give a feed, sitemap or page URL, a WARC file, or a list of them")
        if path.name.lower().endswith(WARC_SUFFIXES):
            self._warc(source)
            return
        data = gunzip(path.read_bytes(), self.crawler.settings.max_bytes)
        found = parse_feed(data, source) or parse_sitemap(data, source)
        if found is not None:
            self._discovered(source, found, None)
            return
        if via is not None:
            raise FetchError("a list inside a list is not read: give its entries directly")
        entries = parse_url_list(data.decode("utf-8", "replace"))
        state.record_source(self.store, source, kind="list", status=None, error=None, links=len(entries))
        for entry in entries:
            self.source(entry, via=source)

    def _url_source(self, url: str, via: str | None) -> None:
        """A URL whose kind is told by what it serves: an article page, a feed or a sitemap."""
        if state.url_state(self.store, url) == "done":
            self.report.known += 1
            return
        etag, modified = state.validators(self.store, url)
        fetched = self.crawler.fetch(url, types=SOURCE_TYPES, etag=etag, last_modified=modified)
        if fetched.not_modified:
            self.report.not_modified.append(url)
            state.record_source(self.store, url, kind=None, status=304, error=None)
            return
        if fetched.content_type in HTML_TYPES or (not fetched.content_type and looks_like_html(_head(fetched))):
            state.record_source(self.store, url, kind="page", status=fetched.status, error=None, links=1)
            if self._page(_page_of(fetched, via or url), None):
                state.add_source_articles(self.store, url, 1)
            return
        body = gunzip(fetched.body, self.crawler.settings.max_bytes)
        found = parse_feed(body, url) or parse_sitemap(body, url)
        if found is None:
            raise FetchError(f"not a feed, sitemap or HTML page (content type {fetched.content_type or 'none'})")
        state.save_validators(self.store, url, found.kind, fetched.etag, fetched.last_modified)
        self._discovered(url, found, fetched.status)

    def _discovered(self, source: str, found: Discovered, status: int | None) -> None:
        links = list(found.links)
        for child in found.sitemaps[: self.crawler.settings.max_sitemaps]:
            links.extend(self._child_sitemap(child))
        if len(found.sitemaps) > self.crawler.settings.max_sitemaps:
            self.log(f"{source}: only the first {self.crawler.settings.max_sitemaps} of {len(found.sitemaps)} sitemaps")
        links = [Link(link.url, source, link.published, link.title, link.outlet) for link in links]
        new = state.enqueue(self.store, links)
        self.report.known += len({link.url for link in links}) - new
        self.log(f"{found.kind} {source}: {len(links)} links, {new} new")
        state.record_source(self.store, source, kind=found.kind, status=status, error=None, links=new)

    def _child_sitemap(self, url: str) -> list[Link]:
        """The pages of a sitemap named by a sitemap index (fetched conditionally; one level deep)."""
        etag, modified = state.validators(self.store, url)
        try:
            fetched = self.crawler.fetch(url, types=SOURCE_TYPES, etag=etag, last_modified=modified)
        except FetchError as exc:
            self.report.fail(url, exc.reason)
            return []
        if fetched.not_modified:
            self.report.not_modified.append(url)
            return []
        try:
            found = parse_sitemap(gunzip(fetched.body, self.crawler.settings.max_bytes), url)
        except FetchError as exc:
            self.report.fail(url, exc.reason)
            return []
        if found is None or found.kind != "sitemap":
            self.report.fail(url, "not a sitemap of pages")
            return []
        state.save_validators(self.store, url, found.kind, fetched.etag, fetched.last_modified)
        return list(found.links)

    def _warc(self, source: str) -> None:
        counts = WarcCounts()
        new_before = len(self.report.new)
        for page in iter_warc(source, counts, max_bytes=self.crawler.settings.max_bytes):
            if self.crawler.stop.is_set():
                raise Stopped
            if state.url_state(self.store, page.url) == "done":
                self.report.known += 1
                continue
            self._page(page, None)
        self.report.warc.pages += counts.pages
        self.report.warc.skipped.update(counts.skipped)
        skipped = ", ".join(f"{n} {why}" for why, n in counts.skipped.most_common()) or "none"
        self.log(f"warc {source}: {counts.pages} HTML pages; skipped {counts.skipped_total} records ({skipped})")
        state.record_source(self.store, source, kind="warc", status=None, error=None, links=counts.pages, articles=0)
        state.add_source_articles(self.store, source, len(self.report.new) - new_before)

    # -- pages --------------------------------------------------------------------------------

    def pages(self) -> None:
        """Fetch queued pages (this run's and those a stopped run left), up to max_pages."""
        for item in state.queued(self.store, self.crawler.settings.max_pages):
            if self.crawler.stop.is_set():
                raise Stopped
            try:
                fetched = self.crawler.fetch(item.url, types=HTML_TYPES)
            except FetchError as exc:
                retry = exc.transient and item.attempts + 1 < self.crawler.settings.max_attempts
                self.report.fail(item.url, exc.reason)
                self.log(f"failed {item.url}: {exc.reason}")
                state.mark_failed(self.store, item.url, item.source, exc.reason, retry=retry)
                continue
            if self._page(_page_of(fetched, item.source), item.link):
                state.add_source_articles(self.store, item.source, 1)

    def _page(self, page: Page, link: Link | None) -> bool:
        """Store a page's article (or note why it has none); True when it was new content."""
        try:
            article = article_from_page(page, link, self.settings)
        except ReadError as exc:
            self.report.fail(page.url, exc.args[0])
            self.log(f"rejected {page.url}: {exc.args[0]}")
            state.mark_failed(self.store, page.url, page.source, exc.args[0], retry=False)
            return False
        new = bool(self.store.add_articles([article]))
        state.mark_done(self.store, page.url, page.source, article.id)
        if new:
            self.report.new.append(article)
            self.log(f"article {page.url}: {article.title or article.id}")
        else:
            self.report.duplicates += 1
            self.log(f"same content as a stored article: {page.url}")
        return new


def gunzip(data: bytes, cap: int) -> bytes:
    """A gzip-compressed body (a `sitemap.xml.gz`) unpacked, at most `cap` bytes; other data as it is."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    import zlib

    inflater = zlib.decompressobj(wbits=31)
    try:
        out = inflater.decompress(data, cap + 1)
    except zlib.error as exc:
        raise FetchError(f"broken gzip data: {exc}") from exc
    if len(out) > cap:
        raise FetchError(f"too large: over the cap of {cap} bytes once unpacked")
    return out


def _head(fetched: Fetched) -> str:
    return fetched.body[:2000].decode("utf-8", "replace")


def _page_of(fetched: Fetched, source: str) -> Page:
    return Page(fetched.url, fetched.final_url, fetched.status, fetched.body, fetched.fetched_at, source)
