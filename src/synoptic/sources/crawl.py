"""A polite HTTP fetcher: robots.txt, a per-host rate limit, conditional GET, retries, size and type caps.

One `httpx.Client` (one connection pool) serves every request of a crawl. Redirects are followed
here, hop by hop, so that each hop is checked against robots.txt and counted against its host's
rate. Every failure becomes a `FetchError` whose message is the reason shown to the user.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx

from ..errors import SettingsError, SynopticError
from ..version import __version__

#: Content types of article pages (the issue: HTML only).
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
#: Content types a source URL may have: a page, a feed (RSS, Atom, JSON Feed) or a sitemap.
SOURCE_TYPES = HTML_TYPES | frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/feed+json",
        "application/json",
        "text/plain",
        "application/gzip",  # sitemap.xml.gz
        "application/x-gzip",
    }
)
#: Statuses worth retrying: the server is busy or briefly broken, not refusing this URL.
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
#: The longest Retry-After honoured; a server asking for more is reported as failing this round.
RETRY_AFTER_CAP_S = 60.0
#: Connections the one pool keeps: a crawl talks to one host at a time, a few kept alive cover the
#: hosts it alternates between.
POOL_CONNECTIONS, POOL_KEEPALIVE = 16, 8


def default_user_agent() -> str:
    """`Synoptic/VERSION (...)`: names the tool, so a site's owner can tell who is calling."""
    return f"Synoptic/{__version__} (news-story analyser; polite crawler; obeys robots.txt)"


@dataclass(frozen=True)
class CrawlSettings:
    """Options of the crawler; each default is what a polite crawler of news sites does."""

    #: Requests per second to one host (the issue's default: one a second).
    rate: float = 1.0
    #: Seconds to wait for connecting and for each read; news sites answer within seconds or not at all.
    timeout: float = 20.0
    #: Further attempts after a timeout, a connection error or a 429/5xx answer.
    retries: int = 2
    #: Seconds before the first retry, doubled for each further one.
    backoff: float = 1.0
    #: Largest body read (bytes): news pages are well under 5 MB; larger ones are not articles.
    max_bytes: int = 5 * 1024 * 1024
    #: Redirect hops followed (browsers stop at 20; news sites need one or two).
    max_redirects: int = 5
    #: Pages fetched per run at most; the rest stay queued for the next run or round.
    max_pages: int = 1000
    #: Child sitemaps followed per sitemap index.
    max_sitemaps: int = 50
    #: Rounds a page that failed for a passing reason (timeout, 5xx) is tried before it is given up.
    max_attempts: int = 3
    user_agent: str = field(default_factory=default_user_agent)

    def __post_init__(self) -> None:
        if self.rate <= 0:
            raise SettingsError(f"rate must be positive (requests per second), got {self.rate}")
        for name in ("timeout", "max_bytes", "max_pages", "max_sitemaps", "max_attempts"):
            if getattr(self, name) <= 0:
                raise SettingsError(f"{name} must be positive, got {getattr(self, name)}")
        if self.retries < 0 or self.backoff < 0 or self.max_redirects < 0:
            raise SettingsError("retries, backoff and max_redirects must not be negative")


class FetchError(SynopticError):
    """A URL could not be fetched; the message is the reason. `transient` failures are tried again later."""

    code = "E007"

    def __init__(self, reason: str, *, status: int | None = None, transient: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.transient = transient


class Stopped(Exception):
    """The crawl was asked to stop (SIGINT / SIGTERM) while waiting."""


@dataclass(frozen=True)
class Fetched:
    """A successful answer: the body (empty when `not_modified`) and what the server said about it."""

    url: str
    final_url: str
    status: int
    content_type: str
    body: bytes
    fetched_at: str
    etag: str | None = None
    last_modified: str | None = None
    encoding: str | None = None
    retry_after: float | None = None  # seconds the server asked to wait (429 / 503)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Crawler:
    """Fetches URLs politely through one connection pool; safe to use from one thread at a time."""

    def __init__(
        self,
        settings: CrawlSettings | None = None,
        *,
        stop: threading.Event | None = None,
        transport: httpx.BaseTransport | None = None,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings or CrawlSettings()
        self.stop = stop or threading.Event()
        self.log = log or (lambda _m: None)
        self.client = httpx.Client(
            timeout=self.settings.timeout,
            follow_redirects=False,
            headers={"User-Agent": self.settings.user_agent},
            transport=transport,
            limits=httpx.Limits(max_connections=POOL_CONNECTIONS, max_keepalive_connections=POOL_KEEPALIVE),
        )
        self._robots: dict[str, object] = {}
        self._next: dict[str, float] = {}
        self._interval: dict[str, float] = {}
        self.requests = 0

    def close(self) -> None:
        self.client.close()

    def forget_robots(self) -> None:
        """Read each site's robots.txt again on the next request (a watch does so every round)."""
        self._robots.clear()
        self._interval.clear()

    def __enter__(self) -> Crawler:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- politeness ---------------------------------------------------------------------------

    def _wait(self, seconds: float) -> None:
        if seconds > 0 and self.stop.wait(seconds):
            raise Stopped
        if self.stop.is_set():
            raise Stopped

    def _turn(self, host: str) -> None:
        """Wait until `host` may be sent another request."""
        now = time.monotonic()
        self._wait(self._next.get(host, now) - now)

    def _done(self, host: str) -> None:
        """Book `host`'s next slot one interval after this answer ended: the server then sees its
        requests at least an interval apart whatever the network delays (a little slower than
        booking from the send time, by one round trip per request)."""
        interval = self._interval.get(host, 1.0 / self.settings.rate)
        self._next[host] = time.monotonic() + interval

    def allowed(self, url: str) -> bool:
        """Whether robots.txt of the URL's site lets Synoptic fetch it (the file is read once per site).

        FetchError (transient) when robots.txt cannot be read: a site whose robots.txt fails with a
        server error or does not answer is treated as disallowing everything (RFC 9309, 2.3.1.4)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = self._read_robots(origin, parts.netloc)
        rules = self._robots[origin]
        if rules is None:
            return True
        if isinstance(rules, str):
            raise FetchError(rules, transient=True)
        return bool(rules.can_fetch(url, self.settings.user_agent))  # type: ignore[attr-defined]

    def _read_robots(self, origin: str, host: str) -> object:
        """Parsed rules; None (allow all) when there is no robots.txt; the reason when it cannot be read."""
        from protego import Protego

        url = f"{origin}/robots.txt"
        try:
            found = self._get_once(url, {}, None)
            for _hop in range(self.settings.max_redirects):  # RFC 9309: follow at least five redirects
                if not (300 <= found.status < 400 and found.final_url):
                    break
                found = self._get_once(found.final_url, {}, None)
        except FetchError as exc:
            return f"robots.txt unreadable ({exc.reason}): nothing is fetched from this site"
        if 300 <= found.status < 400:
            return None  # a redirect loop or no Location: treated as no robots.txt (RFC 9309, 2.3.1.2)
        if found.status >= 500:
            return f"robots.txt answered HTTP {found.status}: nothing is fetched from this site"
        if found.status >= 400:
            return None
        rules = Protego.parse(found.body.decode(found.encoding or "utf-8", "replace"))
        delay = rules.crawl_delay(self.settings.user_agent)
        if delay:
            self._interval[host] = max(1.0 / self.settings.rate, float(delay))
        return rules

    # -- fetching -----------------------------------------------------------------------------

    def fetch(
        self,
        url: str,
        *,
        types: frozenset[str] = HTML_TYPES,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Fetched:
        """GET `url` following redirects; FetchError with the reason on any failure."""
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            if not self.allowed(current):
                raise FetchError("disallowed by robots.txt")
            found = self._get(current, headers, types)
            if found.status in (301, 302, 303, 307, 308) and found.final_url:
                current = found.final_url
                headers = {}
                continue
            if 300 <= found.status < 400 and not found.not_modified:
                raise FetchError(f"HTTP {found.status} redirect without a Location")
            if found.status >= 400:
                transient = found.status in RETRY_STATUSES
                tried = f" (after {self.settings.retries + 1} attempts)" if transient and self.settings.retries else ""
                raise FetchError(f"HTTP {found.status}{tried}", status=found.status, transient=transient)
            return replace(found, url=url, final_url=current)
        raise FetchError(f"more than {self.settings.max_redirects} redirects")

    def _get(self, url: str, headers: dict[str, str], types: frozenset[str] | None) -> Fetched:
        """One URL with retries and backoff for passing failures."""
        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                found = self._get_once(url, headers, types)
            except FetchError as exc:
                if not exc.transient or last:
                    if exc.transient and attempts > 1:
                        raise FetchError(f"{exc.reason} (after {attempts} attempts)", transient=True) from exc
                    raise
                self._wait(self.settings.backoff * 2**attempt)
                continue
            if found.status in RETRY_STATUSES and not last:
                self._wait(found.retry_after or self.settings.backoff * 2**attempt)
                continue
            return found
        raise AssertionError("unreachable")  # pragma: no cover

    def _get_once(self, url: str, headers: dict[str, str], types: frozenset[str] | None) -> Fetched:
        """One request, rate-limited; the body is read only for a 2xx answer of an accepted type."""
        if urlsplit(url).scheme not in ("http", "https"):
            raise FetchError(f"not an http(s) URL: {url[:200]}")
        host = urlsplit(url).netloc
        self._turn(host)
        self.requests += 1
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                return self._answer(url, response, types)
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out after {self.settings.timeout:g} s", transient=True) from exc
        except httpx.TransportError as exc:
            raise FetchError(f"connection failed: {type(exc).__name__}: {exc}", transient=True) from exc
        finally:
            self._done(host)

    def _answer(self, url: str, response: httpx.Response, types: frozenset[str] | None) -> Fetched:
        status = response.status_code
        media = response.headers.get("content-type", "").split(";")[0].strip().lower()
        base = Fetched(
            url=url,
            final_url=url,
            status=status,
            content_type=media,
            body=b"",
            fetched_at=utc_now(),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            encoding=response.charset_encoding,
            retry_after=_retry_after_seconds(response.headers.get("retry-after")),
        )
        if 300 <= status < 400 and status != 304:
            location = response.headers.get("location")
            return replace(base, final_url=urljoin(url, location) if location else "")
        if not 200 <= status < 300:
            return base
        if types is not None and media and media not in types:
            wanted = "an HTML page" if types <= HTML_TYPES else "an HTML page, a feed or a sitemap"
            raise FetchError(f"not accepted: content type {media} (expected {wanted})")
        return replace(base, body=self._body(response))

    def _body(self, response: httpx.Response) -> bytes:
        cap = self.settings.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise FetchError(f"too large: {int(declared)} bytes declared, over the cap of {cap} bytes")
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > cap:
                raise FetchError(f"too large: over the cap of {cap} bytes")
            chunks.append(chunk)
        return b"".join(chunks)


def _retry_after_seconds(value: str | None) -> float | None:
    """Seconds of a Retry-After header (a number or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    if value.strip().isdigit():
        return min(float(value.strip()), RETRY_AFTER_CAP_S)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return min(RETRY_AFTER_CAP_S, max(0.0, (when - datetime.now(UTC)).total_seconds()))
