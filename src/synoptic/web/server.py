"""`synoptic serve`: run the web app with uvicorn, loopback-only unless a token protects it."""

from __future__ import annotations

from pathlib import Path

from ..errors import SettingsError
from ..settings import Settings
from ..sources import CrawlSettings
from .app import LOOPBACK_NAMES, create_app, is_loopback
from .live import Watcher

#: Connections served at once; more get 503 at once instead of queueing without bound (each slow
#: upload holds one connection, never a thread).
MAX_CONNECTIONS = 200
#: On SIGTERM or Ctrl-C, open requests (a slow upload) get this long before the server stops anyway.
GRACEFUL_SHUTDOWN_SECONDS = 5


def check_bind(host: str, token: str | None) -> None:
    """Refuse to listen beyond this machine without a token (anyone on the network could read and upload)."""
    if not is_loopback(host) and not token:
        raise SettingsError(
            f"refusing to listen on {host!r} without a token: pass --token (or set SYNOPTIC_TOKEN), "
            "or bind to 127.0.0.1"
        )
    if token is not None and len(token) < 16:
        raise SettingsError("the token must be at least 16 characters long")


def warm_up() -> None:
    """Load the static model before serving (its vocabulary, about 0.15 s from the disk cache), so
    that the first upload's analysis does not spend that while requests wait. (Its package's Rust
    engine, which held the interpreter lock for 2-3 s while loading, now loads only for the rare text
    `embed_static.needs_engine` names.)"""
    from ..embed import StaticEmbedder

    StaticEmbedder().encode(["warm-up"])


def serve(
    db: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    token: str | None = None,
    settings: Settings | None = None,
    watch: str | Path | None = None,
    every: float = 900.0,
    crawl: CrawlSettings | None = None,
) -> None:
    """Serve the store at `db` until interrupted; with `watch`, also poll that file's sources every `every` s."""
    import uvicorn

    check_bind(host, token)
    # On loopback without a token, accept only loopback host names: a foreign page cannot reach
    # the app through DNS rebinding.
    hosts = None if token else set(LOOPBACK_NAMES)
    app = create_app(db, token=token, settings=settings, allowed_hosts=hosts)
    warm_up()
    watcher = Watcher(app.state.site, watch, every, crawl).start() if watch else None
    try:
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level="info",
            server_header=False,
            limit_concurrency=MAX_CONNECTIONS,
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        )
    finally:
        if watcher is not None:
            watcher.close()
