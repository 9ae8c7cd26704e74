"""A small news website on 127.0.0.1 for the sources tests: pages, feeds, sitemaps, robots.txt, and misbehaviour.

Not a test module (it holds no tests). `NewsSite` serves whatever routes a test sets, logs every
request (time, path, headers, status) so tests can measure the crawler at the server, and answers
conditional GETs with 304 when the ETag or Last-Modified still holds. The articles are fiction
written for these tests: one developing story (a ferry strike in the invented port of Harbourton)
told by several invented outlets, in pages built like real news sites (navigation, cookie notice,
related links, footer).
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Route:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    delay: float = 0.0  # seconds before answering (a slow server)
    headers: dict[str, str] = field(default_factory=dict)
    validators: bool = True  # send ETag and Last-Modified, answer conditional GETs with 304
    fail_first: int = 0  # answer 503 to the first N requests, then normally (a flaky server)
    declare_length: bool = True  # False: no Content-Length (the body is streamed until closed)
    modified: float = field(default_factory=time.time)


@dataclass(frozen=True)
class Hit:
    at: float  # time.monotonic() when the request arrived
    path: str
    headers: dict[str, str]
    status: int


class NewsSite:
    """A threaded HTTP server on a free loopback port, serving `routes` and logging `hits`."""

    def __init__(self) -> None:
        self.routes: dict[str, Route | Callable[[], Route]] = {}
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self._served: dict[str, int] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body leave at once: no 40 ms delayed-ACK stalls

            def do_GET(self) -> None:
                site._handle(self)

            def handle(self) -> None:
                with contextlib.suppress(ConnectionResetError, BrokenPipeError):  # the crawler gave up on it
                    super().handle()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add(self, path: str, body: str | bytes, **options: Any) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        with self.lock:
            self.routes[path] = Route(data, **options)

    def requests(self, path: str) -> list[Hit]:
        with self.lock:
            return [h for h in self.hits if h.path == path]

    def paths(self) -> list[str]:
        with self.lock:
            return [h.path for h in self.hits]

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        arrived = time.monotonic()
        path = handler.path
        with self.lock:
            found = self.routes.get(path)
            route = found() if callable(found) else found
            served = self._served.get(path, 0)
            self._served[path] = served + 1
        headers = {k.lower(): v for k, v in handler.headers.items()}
        status, extra, body = self._answer(route, headers, served)
        with self.lock:
            self.hits.append(Hit(arrived, path, headers, status))
        if route is not None and route.delay:
            time.sleep(route.delay)
        try:
            handler.send_response(status)
            for name, value in extra.items():
                handler.send_header(name, value)
            if route is None or route.declare_length or status != 200:
                handler.send_header("Content-Length", str(len(body)))
            else:
                handler.send_header("Connection", "close")
                handler.close_connection = True
            handler.end_headers()
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the crawler gave up on an oversized or slow answer

    @staticmethod
    def _answer(route: Route | None, headers: dict[str, str], served: int) -> tuple[int, dict[str, str], bytes]:
        if route is None:
            return 404, {"Content-Type": "text/html"}, b"<html><body><h1>Not found</h1></body></html>"
        if served < route.fail_first:
            return 503, {"Content-Type": "text/html", "Retry-After": "0"}, b"<html><body>Busy</body></html>"
        extra = {"Content-Type": route.content_type, **route.headers}
        if route.validators and route.status == 200:
            etag = '"' + hashlib.sha1(route.body).hexdigest()[:16] + '"'
            modified = formatdate(route.modified, usegmt=True)
            extra.update({"ETag": etag, "Last-Modified": modified})
            if headers.get("if-none-match") == etag or (
                "if-none-match" not in headers and headers.get("if-modified-since") == modified
            ):
                return 304, {"ETag": etag}, b""
        return route.status, extra, route.body

    def __enter__(self) -> NewsSite:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def news_site() -> Iterator[NewsSite]:
    with NewsSite() as site:
        site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
        yield site


# ---------------------------------------------------------------------------------------------
# Fiction: one developing story told by several invented outlets


@dataclass(frozen=True)
class Story:
    path: str
    outlet: str
    title: str
    date: str | None  # in the page's metadata; None: the page gives no date
    feed_date: str  # RFC 822, as the feed gives it
    author: str
    paragraphs: tuple[str, ...]


STORIES = (
    Story(
        "/news/ferry-crews-walk-out",
        "Harbour Post",
        "Ferry crews walk out in Harbourton over night-shift pay",
        "2026-03-03",
        "Tue, 03 Mar 2026 07:10:00 GMT",
        "Lena Marsh",
        (
            "Ferry crews in the port city of Harbourton walked out at six o'clock on Tuesday morning, "
            "stranding about 1,200 commuters on the first day of a strike over night-shift pay.",
            "The Harbourton Seafarers' Union said its members at Northsound Ferries had voted by a large "
            "majority to stop work after talks on overtime rates broke down last week.",
            '"Our crews have carried this city through storms and fog for years, and they are asking for '
            "fair pay for the night crossings,\" said Marta Oyelaran, the union's general secretary.",
            "Northsound Ferries runs the four crossings between Harbourton and the islands of Skerra and "
            "Low Vennick. A company spokesman, Tomas Kettering, said the strike was regrettable and that "
            "the company had offered a pay rise of three percent.",
            "Queues formed at the old harbour bus station as the city council laid on extra buses. "
            "The council said it would review the timetable again on Wednesday.",
        ),
    ),
    Story(
        "/world/harbourton-ferry-strike",
        "Coastline Daily",
        "Harbourton ferry strike strands island commuters",
        None,
        "Tue, 03 Mar 2026 09:30:00 GMT",
        "Peter Anand",
        (
            "Commuters from the islands of Skerra and Low Vennick were stranded on Tuesday as ferry crews "
            "at Northsound Ferries in Harbourton went on strike over night-shift pay.",
            "Marta Oyelaran, general secretary of the Harbourton Seafarers' Union, said crews wanted "
            "fair pay for the night crossings and would stay out until the company improved its offer.",
            "Northsound Ferries said about 900 passengers were affected on the morning crossings. "
            "Its spokesman Tomas Kettering said the offer of a three percent rise remained on the table.",
            "The strike is the first on the Harbourton crossings since 2019. Extra buses ran from the old "
            "harbour to the bridge at Low Vennick, the city council said.",
        ),
    ),
    Story(
        "/local/strike-day-two",
        "Bay Herald",
        "Talks resume as Harbourton ferry strike enters second day",
        "2026-03-04",
        "Wed, 04 Mar 2026 08:00:00 GMT",
        "Jon Feld",
        (
            "Talks between Northsound Ferries and the Harbourton Seafarers' Union resumed on Wednesday as "
            "the ferry strike in Harbourton entered its second day.",
            "Ferry crews walked out on Tuesday morning over night-shift pay, stranding commuters from the "
            "islands of Skerra and Low Vennick after talks on overtime rates broke down last week.",
            '"We are back at the table, and that is a start," said Marta Oyelaran, the union\'s general '
            "secretary, before the meeting at the city hall.",
            "Tomas Kettering, speaking for Northsound Ferries, said the company hoped to restore the "
            "crossings to Skerra and Low Vennick by the weekend.",
            "About 1,200 commuters use the ferries each morning, according to the union. The council "
            "kept its extra buses running from the old harbour.",
        ),
    ),
    Story(
        "/news/northsound-raises-offer",
        "Harbour Post",
        "Northsound Ferries raises pay offer as Harbourton strike goes on",
        "2026-03-05",
        "Thu, 05 Mar 2026 11:45:00 GMT",
        "Lena Marsh",
        (
            "Northsound Ferries raised its pay offer to four percent on Thursday, the third day of the "
            "ferry strike in Harbourton, but the crews stayed out.",
            "Ferry crews walked out on Tuesday over night-shift pay, stranding about 1,200 commuters from "
            "Skerra and Low Vennick, after the company had offered a pay rise of three percent.",
            "The Harbourton Seafarers' Union said it would put the offer to its members on Friday. "
            '"It is a better offer, but the night crossings are still paid less than the day ones," '
            "said Marta Oyelaran.",
            "Tomas Kettering, the company's spokesman, said the offer was final. The crossings to Skerra "
            "and Low Vennick remained closed, and the city council extended its extra buses.",
        ),
    ),
)


def page_html(story: Story, site: NewsSite, *, canonical: bool = True, extra_meta: str = "") -> str:
    """A news page built like a real one around the story's paragraphs."""
    date_meta = f'<meta property="article:published_time" content="{story.date}T07:00:00Z">' if story.date else ""
    canonical_link = f'<link rel="canonical" href="{site.url(story.path)}">' if canonical else ""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{escape(story.title)} | {escape(story.outlet)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:site_name" content="{escape(story.outlet)}">
<meta property="og:title" content="{escape(story.title)}">
<meta name="author" content="{escape(story.author)}">
{date_meta}
{canonical_link}
{extra_meta}
<link rel="stylesheet" href="/static/site.css">
</head>
<body>
<div class="cookie-banner">We use cookies to improve your experience. <button>Accept</button></div>
<header class="masthead"><a href="/" class="logo">{escape(story.outlet)}</a>
<nav><a href="/news/">News</a> <a href="/world/">World</a> <a href="/local/">Local</a> <a href="/sport/">Sport</a></nav>
</header>
<main>
<article>
<h1>{escape(story.title)}</h1>
<p class="byline">By {escape(story.author)}</p>
{body}
</article>
<aside class="related"><h2>Related</h2><ul><li><a href="/news/harbour-dredging">Harbour dredging delayed</a></li>
<li><a href="/local/council-budget">Council budget passes</a></li></ul></aside>
</main>
<footer><p>&copy; 2026 {escape(story.outlet)}. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body>
</html>
"""


def rss(site: NewsSite, stories: tuple[Story, ...] | list[Story], title: str = "Harbourton news") -> str:
    items = "\n".join(
        f"<item><title>{escape(s.title)}</title><link>{site.url(s.path)}</link>"
        f"<pubDate>{s.feed_date}</pubDate><guid>{site.url(s.path)}</guid></item>"
        for s in stories
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>{site.url('/')}</link><description>Latest</description>"
        f"{items}</channel></rss>"
    )


def atom(site: NewsSite, stories: tuple[Story, ...] | list[Story]) -> str:
    entries = "".join(
        f'<entry><title>{escape(s.title)}</title><link href="{site.url(s.path)}"/><id>{site.url(s.path)}</id>'
        f"<updated>{_iso(s)}</updated></entry>"
        for s in stories
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Harbourton</title><id>{site.url('/atom')}</id><updated>2026-03-05T12:00:00Z</updated>{entries}</feed>"
    )


def json_feed(site: NewsSite, stories: tuple[Story, ...] | list[Story]) -> str:
    import json

    items = [{"id": s.path, "url": site.url(s.path), "title": s.title, "date_published": _iso(s)} for s in stories]
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Harbourton", "items": items})


def news_sitemap(site: NewsSite, stories: tuple[Story, ...] | list[Story], publication: str = "Harbour Post") -> str:
    urls = "".join(
        f"<url><loc>{site.url(s.path)}</loc><news:news><news:publication><news:name>{escape(publication)}"
        f"</news:name><news:language>en</news:language></news:publication>"
        f"<news:publication_date>{_iso(s)}</news:publication_date><news:title>{escape(s.title)}</news:title>"
        f"</news:news></url>"
        for s in stories
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>'
    )


def sitemap_index(site: NewsSite, paths: list[str]) -> str:
    entries = "".join(f"<sitemap><loc>{site.url(p)}</loc></sitemap>" for p in paths)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'
    )


def _iso(story: Story) -> str:
    from email.utils import parsedate_to_datetime

    return parsedate_to_datetime(story.feed_date).strftime("%Y-%m-%dT%H:%M:%SZ")


def serve_stories(site: NewsSite, stories: tuple[Story, ...] | list[Story]) -> None:
    for story in stories:
        site.add(story.path, page_html(story, site))


# ---------------------------------------------------------------------------------------------
# `synoptic watch` as a real process


class WatchProcess:
    """`python -m synoptic.cli watch ...` with its stderr collected line by line, for waiting on rounds."""

    def __init__(self, *args: str) -> None:
        import os
        import subprocess
        import sys
        from pathlib import Path

        root = Path(__file__).resolve().parents[1]
        env = {**os.environ, "PYTHONPATH": f"{root / 'src'}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
        env["COLUMNS"] = "400"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "synoptic.cli", "watch", *args],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, needle: str, timeout: float = 180.0) -> str:
        """The first stderr line containing `needle`; AssertionError (with the output) after `timeout`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if needle in line:
                    return line
            if self.proc.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.1)
        raise AssertionError(f"no line with {needle!r} in watch output:\n" + "\n".join(self.lines))

    def stop(self, sig: int | None = None, timeout: float = 120.0) -> int:
        import signal

        if self.proc.poll() is None:
            self.proc.send_signal(sig or signal.SIGTERM)
        code = self.proc.wait(timeout)
        self._reader.join(5)
        return code
