"""What the crawler remembers in the store (schema migration 4), so a run resumes where the last stopped.

- `crawl_queue`: every page URL a source named, with its state (`queued`, `done`, `failed`); a URL
  is fetched once, and a page still queued when a run stopped is fetched by the next one.
- `http_validators`: the ETag and Last-Modified of each feed and sitemap, for conditional GETs.
- `source_state`: each source's last fetch, status, error and counts (GET /api/v1/sources).
- `analysis_pending`: fetched articles no analysis run has included yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..store.sqlite import Store
from .crawl import utc_now
from .discover import Link


@dataclass(frozen=True)
class Queued:
    """A page URL waiting to be fetched, with what its source said about it."""

    url: str
    source: str
    attempts: int
    link: Link


def enqueue(store: Store, links: Iterable[Link]) -> int:
    """Queue page URLs not seen before; returns how many were new."""
    new = 0
    with store.transaction() as conn:
        for link in links:
            cur = conn.execute(
                "INSERT OR IGNORE INTO crawl_queue (url, source, feed_date, title, outlet) VALUES (?,?,?,?,?)",
                (link.url, link.source, link.published, link.title, link.outlet),
            )
            new += cur.rowcount
    return new


def url_state(store: Store, url: str) -> str | None:
    row = store.conn.execute("SELECT state FROM crawl_queue WHERE url=?", (url,)).fetchone()
    return str(row[0]) if row else None


def queued(store: Store, limit: int) -> list[Queued]:
    """Queued pages, oldest first, interleaved by host so that no host's rate limit holds up the others."""
    rows = store.conn.execute(
        "SELECT url, source, attempts, feed_date, title, outlet FROM crawl_queue WHERE state='queued' "
        "ORDER BY added_at, rowid LIMIT ?",
        (limit,),
    ).fetchall()
    items = [Queued(u, s, a, Link(u, s, d, t, o)) for u, s, a, d, t, o in rows]
    return interleave(items)


def interleave(items: Sequence[Queued]) -> list[Queued]:
    """Round-robin over hosts, each host's items in their order."""
    from urllib.parse import urlsplit

    by_host: dict[str, list[Queued]] = {}
    for item in items:
        by_host.setdefault(urlsplit(item.url).netloc, []).append(item)
    out: list[Queued] = []
    lanes = list(by_host.values())
    for i in range(max((len(lane) for lane in lanes), default=0)):
        out.extend(lane[i] for lane in lanes if i < len(lane))
    return out


def count_queued(store: Store) -> int:
    return int(store.conn.execute("SELECT count(*) FROM crawl_queue WHERE state='queued'").fetchone()[0])


def mark_done(store: Store, url: str, source: str, article_id: str | None) -> None:
    """A page fetched (and its article stored): never fetched again."""
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO crawl_queue (url, source, state, article_id, done_at) VALUES (?,?,'done',?,?) "
            "ON CONFLICT(url) DO UPDATE SET state='done', article_id=excluded.article_id, "
            "done_at=excluded.done_at, error=NULL",
            (url, source, article_id, utc_now()),
        )
        if article_id is not None:
            conn.execute("INSERT OR IGNORE INTO analysis_pending VALUES (?)", (article_id,))


def mark_failed(store: Store, url: str, source: str, reason: str, *, retry: bool) -> None:
    """A page that failed: queued again for a later run when `retry`, else given up."""
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO crawl_queue (url, source, state, attempts, error, done_at) VALUES (?,?,?,1,?,?) "
            "ON CONFLICT(url) DO UPDATE SET state=excluded.state, attempts=attempts+1, error=excluded.error, "
            "done_at=excluded.done_at",
            (url, source, "queued" if retry else "failed", reason, utc_now()),
        )


def validators(store: Store, url: str) -> tuple[str | None, str | None]:
    """The ETag and Last-Modified last seen for a source URL."""
    row = store.conn.execute("SELECT etag, last_modified FROM http_validators WHERE url=?", (url,)).fetchone()
    return (row[0], row[1]) if row else (None, None)


def save_validators(store: Store, url: str, kind: str, etag: str | None, last_modified: str | None) -> None:
    with store.transaction() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO http_validators (url, etag, last_modified, kind, checked_at) VALUES (?,?,?,?,?)",
            (url, etag, last_modified, kind, utc_now()),
        )


def record_source(
    store: Store,
    source: str,
    *,
    kind: str | None,
    status: int | None,
    error: str | None,
    links: int = 0,
    articles: int = 0,
) -> None:
    """Note one visit of a source: when, with what answer or error, and what it brought."""
    now = utc_now()
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO source_state (source, kind, last_fetch, last_ok, http_status, error, links, articles,"
            " failures, rounds) VALUES (?,?,?,?,?,?,?,?,?,1) ON CONFLICT(source) DO UPDATE SET"
            " kind=coalesce(excluded.kind, kind), last_fetch=excluded.last_fetch,"
            " last_ok=coalesce(excluded.last_ok, last_ok), http_status=excluded.http_status,"
            " error=excluded.error, links=links+excluded.links, articles=articles+excluded.articles,"
            " failures=failures+excluded.failures, rounds=rounds+1",
            (source, kind, now, None if error else now, status, error, links, articles, 1 if error else 0),
        )


def add_source_articles(store: Store, source: str, n: int) -> None:
    """Count articles a source's pages brought (pages are fetched after the source itself)."""
    if n:
        with store.transaction() as conn:
            conn.execute("UPDATE source_state SET articles = articles + ? WHERE source=?", (n, source))


#: Page errors listed per source in GET /api/v1/sources: the newest few say what is wrong now.
PAGE_ERRORS_SHOWN = 20


def sources(store: Store) -> list[dict[str, Any]]:
    """Every source's state with its queue: pages queued, done and failed, and the last page errors."""
    cols = (
        "source",
        "kind",
        "last_fetch",
        "last_ok",
        "http_status",
        "error",
        "links",
        "articles",
        "failures",
        "rounds",
    )
    out = []
    for row in store.conn.execute(f"SELECT {', '.join(cols)} FROM source_state ORDER BY source"):
        item: dict[str, Any] = dict(zip(cols, row, strict=True))
        counts = dict(
            store.conn.execute("SELECT state, count(*) FROM crawl_queue WHERE source=? GROUP BY state", (row[0],))
        )
        item["pages"] = {state: int(counts.get(state, 0)) for state in ("queued", "done", "failed")}
        errors = store.conn.execute(
            "SELECT url, error FROM crawl_queue WHERE source=? AND error IS NOT NULL ORDER BY done_at DESC LIMIT ?",
            (row[0], PAGE_ERRORS_SHOWN),
        )
        item["page_errors"] = [{"url": u, "reason": e} for u, e in errors]
        out.append(item)
    return out


def pending(store: Store) -> list[str]:
    return [str(r[0]) for r in store.conn.execute("SELECT article_id FROM analysis_pending")]


def clear_pending(store: Store, ids: Sequence[str]) -> None:
    with store.transaction() as conn:
        conn.executemany("DELETE FROM analysis_pending WHERE article_id=?", [(i,) for i in ids])
