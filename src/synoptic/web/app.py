"""The web app: server-rendered pages over the store's latest analysis, plus the HTTP API.

Security model: article text is untrusted. Templates autoescape everything, the pages load script
only from /static (a strict Content-Security-Policy forbids inline script), and links from article
data are http(s) only. Bound to loopback by default; when a token is set every API call needs
`Authorization: Bearer TOKEN` and every page the token or the cookie set by signing in.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.requests import ClientDisconnect

from ..codec import from_json
from ..models import Article
from ..pipeline import Pipeline
from ..present.corpus import Corpus, Filters
from ..present.render import render
from ..present.views import AppLinks, article_view, entity_rows, entity_view, index_view, story_view
from ..settings import Settings
from ..store.sqlite import Store
from ..version import __version__
from .api_routes import router
from .limits import BodyLimit
from .live import router as live_router
from .site import Site

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}
COOKIE = "synoptic_token"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    if host.strip("[]").lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def create_app(
    db: str | Path,
    *,
    token: str | None = None,
    settings: Settings | None = None,
    pipeline: Pipeline | None = None,
    allowed_hosts: Iterable[str] | None = None,
) -> FastAPI:
    """The ASGI app over the store at `db`. `pipeline` overrides the analysis run after uploads."""
    # Uploads are analysed by the job worker thread: per-article stages stay in this process, since forking
    # a threaded server for worker processes is unsafe (large corpora go through `synoptic analyze`).
    site = Site(str(db), (settings or Settings()).with_(workers=1), token or None, pipeline)
    app = FastAPI(
        title="Synoptic",
        version=__version__,
        description="Stories, events, entities, quotes, claims and derivations of the latest analysis, "
        "as the objects of the analysis JSON contract (schema synoptic.analysis/1).",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan(site),
    )
    app.state.site = site
    app.include_router(router)

    app.include_router(live_router)
    app.mount(
        "/static", StaticFiles(packages=[("synoptic.web", "static"), ("synoptic.present", "static")]), name="static"
    )
    _add_pages(app, site)
    hosts = {h.lower() for h in allowed_hosts} if allowed_hosts is not None else None
    app.middleware("http")(_guard(site, hosts))
    app.add_middleware(BodyLimit, upload_bytes=site.settings.max_file_bytes)
    return app


def _lifespan(site: Site) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        site.close()

    return lifespan


# ---------------------------------------------------------------------------------------------
# Guard: security headers, host check, token


Handler = Callable[[Request], Awaitable[Response]]


def _guard(site: Site, hosts: set[str] | None) -> Callable[[Request, Handler], Awaitable[Response]]:
    async def guard(request: Request, call_next: Handler) -> Response:
        response = _refusal(site, hosts, request) or await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return guard


def _refusal(site: Site, hosts: set[str] | None, request: Request) -> Response | None:
    """A 4xx response when the request must not be served, else None."""
    host = host_name(request.headers.get("host") or "")
    if hosts is not None and host not in hosts:
        return JSONResponse({"detail": f"unknown host {host!r}"}, status_code=400)
    if request.method not in ("GET", "HEAD", "OPTIONS") and not _same_origin(request):
        return JSONResponse({"detail": "cross-origin request refused"}, status_code=403)
    if site.token is None or request.url.path.startswith("/static/") or request.url.path == "/login":
        return None
    if _bearer_ok(site.token, request):
        return None
    if request.url.path.startswith("/api/"):
        return JSONResponse(
            {"detail": "missing or wrong token: send Authorization: Bearer TOKEN"},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    if hmac.compare_digest(request.cookies.get(COOKIE, "").encode(), session_value(site.token).encode()):
        return None
    html = render("message.html", Corpus(None), heading="Sign in", message="This Synoptic needs a token.", login=True)
    return HTMLResponse(html, status_code=401)


def session_value(token: str) -> str:
    """What the sign-in cookie holds: a keyed hash of the token, never the token itself (a cookie
    leaked from a browser profile or a log then does not give API access with `Authorization`)."""
    return hmac.new(token.encode(), b"synoptic-session-v1", hashlib.sha256).hexdigest()


def host_name(header: str) -> str:
    """The host of a Host header without its port: '[::1]:8000' -> '[::1]', 'Example.test' -> 'example.test'."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[: header.find("]") + 1] if "]" in header else header
    return header.rsplit(":", 1)[0]


def _bearer_ok(token: str, request: Request) -> bool:
    scheme, _, value = (request.headers.get("authorization") or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), token.encode())


def _same_origin(request: Request) -> bool:
    """A browser's cross-site POST carries a foreign Origin; refuse it (no CSRF on uploads)."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc.lower() == (request.headers.get("host") or "").lower()


# ---------------------------------------------------------------------------------------------
# Pages


def _filters(request: Request) -> Filters:
    p = request.query_params
    return Filters(
        q=p.get("q", "").strip()[:200],
        language=p.get("language", "").strip()[:20],
        outlet=p.get("outlet", "").strip()[:200],
        date_from=p.get("date_from", "").strip()[:10],
        date_to=p.get("date_to", "").strip()[:10],
    )


def _highlight(request: Request) -> tuple[int, int] | None:
    start, _, end = request.query_params.get("hl", "").partition("-")
    if start.isdigit() and end.isdigit() and int(start) < int(end):
        return int(start), int(end)
    return None


def _add_pages(app: FastAPI, site: Site) -> None:
    links = AppLinks()

    def page(template: str, corpus: Corpus, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(render(template, corpus, run=site.run(), links=links, **context), status_code=status)

    def not_found(corpus: Corpus, what: str, ident: str) -> HTMLResponse:
        return page("message.html", corpus, 404, heading="Not found", message=f"No {what} with id {ident!r}.")

    @app.get("/", include_in_schema=False)
    def index(request: Request) -> HTMLResponse:
        corpus = site.corpus()
        number = request.query_params.get("page", "1")
        chosen = int(number) if number.isdigit() and len(number) < 7 else 1
        return page("index.html", corpus, **index_view(corpus, _filters(request), chosen))

    @app.get("/stories/{story_id}", include_in_schema=False)
    def story(story_id: str) -> HTMLResponse:
        corpus = site.corpus()
        found = corpus.story(story_id)
        if found is None:
            return not_found(corpus, "story", story_id)
        return page("story.html", corpus, view=story_view(corpus, found, links))

    @app.get("/articles/{article_id}", include_in_schema=False)
    def article(article_id: str, request: Request) -> HTMLResponse:
        corpus = site.corpus()
        found = corpus.article(article_id)
        if found is None:
            return not_found(corpus, "article", article_id)
        return page("article.html", corpus, view=article_view(corpus, found, _highlight(request)))

    @app.get("/entities", include_in_schema=False)
    def entities(request: Request) -> HTMLResponse:
        corpus = site.corpus()
        q = request.query_params.get("q", "").strip()[:200]
        return page("entities.html", corpus, rows=entity_rows(corpus, q), q=q)

    @app.get("/entities/{entity_id}", include_in_schema=False)
    def entity(entity_id: str) -> HTMLResponse:
        corpus = site.corpus()
        found = corpus.entity(entity_id)
        if found is None:
            return not_found(corpus, "entity", entity_id)
        return page("entity.html", corpus, view=entity_view(corpus, found, links))

    @app.get("/login", include_in_schema=False)
    def login_form() -> HTMLResponse:
        return page("message.html", Corpus(None), heading="Sign in", message="Enter the server's token.", login=True)

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        try:
            body = await request.body()  # at most LOGIN_BYTES: web.limits cuts off a longer one
        except ClientDisconnect:
            return Response(status_code=400)
        given = parse_qs(body.decode("utf-8", "replace")).get("token", [""])[0]
        if site.token is None or not hmac.compare_digest(given.encode(), site.token.encode()):
            return page("message.html", Corpus(None), 401, heading="Sign in", message="Wrong token.", login=True)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(COOKIE, session_value(site.token), httponly=True, samesite="strict")
        return response


def import_document(db: str | Path, document: dict[str, Any]) -> int:
    """Keep an analysis JSON document (and its articles) in the store at `db`; returns its run number.

    Lets the app serve an analysis made elsewhere (`synoptic serve --json FILE`) or by hand (tests).
    """
    with Store(db) as store:
        store.add_articles(_article(a) for a in Corpus(document).articles)
        return store.save_analysis(document)


#: What an article of a hand-made or older document may leave out (the contract requires the rest).
ARTICLE_DEFAULTS: dict[str, Any] = {
    "language": "",
    "title": None,
    "outlet": None,
    "authors": [],
    "published": {},
    "text": "",
}


def _article(data: dict[str, Any]) -> Article:
    """The record of one article of an analysis document, read by the codec (missing keys defaulted)."""
    given = {k: v for k, v in data.items() if v is not None}
    return from_json(Article, {**ARTICLE_DEFAULTS, "path": data["id"], **given})
