"""Live updates and sources in the web app: `GET /api/v1/changes`, `GET /api/v1/sources`, `?since=`,
and the watch loop of `synoptic serve --watch` running beside the server.

`/changes` is what the pages poll: one indexed query for the latest analysis run, so a page
asks every few seconds at no cost and fetches itself again only when the run number moved.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse

from ..present.corpus import Json
from ..sources import CrawlSettings, watch
from ..sources import state as source_state
from .site import Site

router = APIRouter(prefix="/api/v1", tags=["sources"])

Since = Annotated[
    str,
    Query(
        max_length=40,
        description="ISO 8601 time (UTC unless it says otherwise): only what gained articles added to the "
        "store at or after it",
    ),
]


def _site(request: Request) -> Site:
    site: Site = request.app.state.site
    return site


@router.get("/changes", summary="The latest analysis run, to poll cheaply for changes")
def changes(
    request: Request,
    since: Annotated[int, Query(ge=0, le=10**12, description="the run number the client shows")] = 0,
) -> JSONResponse:
    site = _site(request)
    run = site.run()
    row = site.store().conn.execute("SELECT count(*), max(added_at) FROM articles").fetchone()
    return JSONResponse(
        {"run": run, "changed": run != since, "articles": int(row[0]), "last_added": row[1], "now": _now()}
    )


@router.get("/sources", summary="Each fetched source: its kind, last fetch, status, errors and pages")
def list_sources(request: Request) -> JSONResponse:
    store = _site(request).store()
    items = source_state.sources(store)
    pending = len(source_state.pending(store))
    return JSONResponse({"total": len(items), "items": items, "pending_analysis": pending})


def added_since(site: Site, since: str) -> set[str]:
    """Ids of articles added to the store at or after `since`; HTTP 422 when it is no ISO time."""
    try:
        when = datetime.fromisoformat(since.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise HTTPException(422, f"since: not an ISO 8601 time: {since!r} (example: 2026-03-01T12:00:00Z)") from exc
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
    rows = site.store().conn.execute("SELECT id FROM articles WHERE added_at >= ?", (stamp,))
    return {str(r[0]) for r in rows}


def stories_since(site: Site, stories: list[Json], since: str) -> list[Json]:
    """The stories that gained an article since `since`."""
    ids = added_since(site, since)
    return [s for s in stories if ids.intersection(a for a in s.get("articles", []) if isinstance(a, str))]


def articles_since(site: Site, articles: list[Json], since: str) -> list[Json]:
    ids = added_since(site, since)
    return [a for a in articles if a.get("id") in ids]


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class Watcher:
    """`synoptic watch` in a thread of the web server, analysing under the app's analysis lock."""

    def __init__(self, site: Site, sources_file: str | Path, every: float, crawl: CrawlSettings | None) -> None:
        self.stop = threading.Event()
        self.errors: list[str] = []
        self._thread = threading.Thread(
            target=self._run, args=(site, sources_file, every, crawl), name="synoptic-watch", daemon=True
        )

    def _run(self, site: Site, sources_file: str | Path, every: float, crawl: CrawlSettings | None) -> None:
        import logging

        logger = logging.getLogger("synoptic.watch")
        try:
            watch(
                sources_file,
                db=site.db,
                every=every,
                settings=site.settings,
                crawl=crawl,
                pipeline=site.pipeline,
                stop=self.stop,
                lock=site.analysis_lock,
                log=logger.info,
            )
        except Exception as exc:  # reported, and the server goes on serving what is stored
            self.errors.append(f"{type(exc).__name__}: {exc}")
            logger.error("watch stopped: %s", exc)

    def start(self) -> Watcher:
        self._thread.start()
        return self

    def close(self, timeout: float = 30.0) -> None:
        self.stop.set()
        self._thread.join(timeout)


def attach(app: Any) -> None:
    """Add the live and sources routes to an app made by `create_app`."""
    app.include_router(router)
