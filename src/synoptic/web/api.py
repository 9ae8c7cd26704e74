"""HTTP API under /api/v1: the analysis contract's objects, paged and filtered, and article upload.

Uploads go through `synoptic.ingest.read_bytes`, so size limits and rejection reasons are the
CLI's; accepted articles join the store's articles and the analysis is run again and saved.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from ..api import analyze_articles
from ..ingest import _too_big, read_bytes
from ..models import Article, Rejection
from . import live
from .app import Site
from .corpus import Corpus, Filters, Json, items, text_of

router = APIRouter(prefix="/api/v1", tags=["analysis"])

MAX_LIMIT = 500
Offset = Annotated[int, Query(ge=0, le=10**9, description="how many items to skip")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="how many items at most")]
Text = Annotated[str, Query(max_length=200)]


# ---------------------------------------------------------------------------------------------
# Documented shapes (responses are the contract's JSON as stored, extra keys allowed)


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class SpanModel(_Open):
    article: str
    start: int
    end: int
    text: str


class ArticleModel(_Open):
    id: str
    path: str
    language: str
    title: str | None
    outlet: str | None
    authors: list[str]
    published: dict[str, Any]
    text: str


class EntityModel(_Open):
    id: str
    name: str
    type: str
    aliases: list[str]
    mentions: list[SpanModel]


class QuoteModel(_Open):
    id: str
    span: SpanModel
    kind: str
    speaker: str | None
    speaker_span: SpanModel | None
    group: str


class StoryModel(_Open):
    id: str
    title: str
    articles: list[str]
    events: list[dict[str, Any]] = []
    claims: list[dict[str, Any]] = []
    conflicts: list[dict[str, Any]] = []
    summary: list[dict[str, Any]] = []


class Page(_Open):
    total: int
    offset: int
    limit: int


class StoryPage(Page):
    items: list[StoryModel]


class ArticlePage(Page):
    items: list[ArticleModel]


class EntityPage(Page):
    items: list[EntityModel]


class QuotePage(Page):
    items: list[QuoteModel]


class RejectionModel(BaseModel):
    path: str
    reason: str


class Problem(BaseModel):
    detail: str
    rejected: list[RejectionModel] = []


class Ingested(BaseModel):
    articles: list[ArticleModel]
    rejected: list[RejectionModel]
    stories: list[StoryModel]
    run: int


NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Problem, "description": "unknown id"}}


# ---------------------------------------------------------------------------------------------
# Helpers


def _site(request: Request) -> Site:
    site: Site = request.app.state.site
    return site


def _corpus(request: Request) -> Corpus:
    return _site(request).corpus()


def _page(found: list[Json], offset: int, limit: int) -> JSONResponse:
    return JSONResponse(
        {"total": len(found), "offset": offset, "limit": limit, "items": found[offset : offset + limit]}
    )


def _story_ids(corpus: Corpus, story_id: str) -> set[str]:
    chosen = corpus.story(story_id)
    return {a["id"] for a in corpus.story_articles(chosen)} if chosen else set()


def _missing(what: str, ident: str) -> JSONResponse:
    return JSONResponse({"detail": f"no {what} with id {ident!r}"}, status_code=404)


# ---------------------------------------------------------------------------------------------
# Reading


@router.get("/stories", response_model=StoryPage, summary="Stories, filtered and paged")
def list_stories(
    request: Request,
    q: Text = "",
    language: Text = "",
    outlet: Text = "",
    date_from: Annotated[str, Query(max_length=10, description="ISO date, inclusive")] = "",
    date_to: Annotated[str, Query(max_length=10, description="ISO date, inclusive")] = "",
    since: live.Since = "",
    offset: Offset = 0,
    limit: Limit = 50,
) -> JSONResponse:
    f = Filters(q=q, language=language, outlet=outlet, date_from=date_from, date_to=date_to)
    found = _corpus(request).filter_stories(f)
    if since:
        found = live.stories_since(_site(request), found, since)
    return _page(found, offset, limit)


@router.get("/stories/{story_id}", response_model=StoryModel, responses=NOT_FOUND, summary="One story")
def get_story(request: Request, story_id: str) -> JSONResponse:
    found = _corpus(request).story(story_id)
    return JSONResponse(found) if found is not None else _missing("story", story_id)


@router.get("/articles", response_model=ArticlePage, summary="Articles, filtered and paged")
def list_articles(
    request: Request,
    q: Text = "",
    language: Text = "",
    outlet: Text = "",
    story: Text = "",
    date_from: Annotated[str, Query(max_length=10)] = "",
    date_to: Annotated[str, Query(max_length=10)] = "",
    since: live.Since = "",
    offset: Offset = 0,
    limit: Limit = 50,
) -> JSONResponse:
    corpus = _corpus(request)
    f = Filters(q=q, language=language, outlet=outlet, date_from=date_from, date_to=date_to)
    found = corpus.filter_articles(f)
    if since:
        found = live.articles_since(_site(request), found, since)
    if story:
        in_story = _story_ids(corpus, story)
        found = [a for a in found if a["id"] in in_story]
    return _page(found, offset, limit)


@router.get("/articles/{article_id}", response_model=ArticleModel, responses=NOT_FOUND, summary="One article")
def get_article(request: Request, article_id: str) -> JSONResponse:
    found = _corpus(request).article(article_id)
    return JSONResponse(found) if found is not None else _missing("article", article_id)


@router.get("/entities", response_model=EntityPage, summary="Entities, filtered and paged")
def list_entities(
    request: Request,
    q: Text = "",
    type: Annotated[str, Query(max_length=20, description="PERSON, ORG, PLACE, EVENT or OTHER")] = "",
    article: Text = "",
    offset: Offset = 0,
    limit: Limit = 50,
) -> JSONResponse:
    found = _corpus(request).entities
    if q:
        folded = q.casefold()
        found = [e for e in found if any(folded in n.casefold() for n in _names(e))]
    if type:
        found = [e for e in found if text_of(e, "type") == type]
    if article:
        found = [e for e in found if any(m.get("article") == article for m in items(e, "mentions"))]
    return _page(found, offset, limit)


def _names(entity: Json) -> list[str]:
    aliases = entity.get("aliases")
    return [text_of(entity, "name")] + ([a for a in aliases if isinstance(a, str)] if isinstance(aliases, list) else [])


@router.get("/entities/{entity_id}", response_model=EntityModel, responses=NOT_FOUND, summary="One entity")
def get_entity(request: Request, entity_id: str) -> JSONResponse:
    found = _corpus(request).entity(entity_id)
    return JSONResponse(found) if found is not None else _missing("entity", entity_id)


@router.get("/quotes", response_model=QuotePage, summary="Quotes, filtered and paged")
def list_quotes(
    request: Request,
    group: Text = "",
    speaker: Text = "",
    article: Text = "",
    story: Text = "",
    offset: Offset = 0,
    limit: Limit = 50,
) -> JSONResponse:
    corpus = _corpus(request)
    found = corpus.quotes
    if group:
        found = [q for q in found if q.get("group") == group]
    if speaker:
        found = [q for q in found if q.get("speaker") == speaker]
    if article:
        found = [q for q in found if q["span"]["article"] == article]
    if story:
        ids = _story_ids(corpus, story)
        found = [q for q in found if q["span"]["article"] in ids]
    return _page(found, offset, limit)


class QuoteGroupModel(_Open):
    id: str


class QuoteGroupPage(Page):
    items: list[QuoteGroupModel]


@router.get("/quote-groups", response_model=QuoteGroupPage, summary="Groups of the same utterance, paged")
def list_quote_groups(
    request: Request,
    speaker: Text = "",
    language: Annotated[str, Query(max_length=20, description="groups with a wording in this language")] = "",
    offset: Offset = 0,
    limit: Limit = 50,
) -> JSONResponse:
    found = [g for g in items(_corpus(request).doc, "quote_groups") if isinstance(g.get("id"), str)]
    if speaker:
        found = [g for g in found if g.get("speaker") == speaker]
    if language:
        found = [g for g in found if language in (g.get("languages") or [])]
    return _page(found, offset, limit)


@router.get("/quote-groups/{group_id}", response_model=QuoteGroupModel, responses=NOT_FOUND, summary="One group")
def get_quote_group(request: Request, group_id: str) -> JSONResponse:
    groups = items(_corpus(request).doc, "quote_groups")
    found = next((g for g in groups if g.get("id") == group_id), None)
    return JSONResponse(found) if found is not None else _missing("quote group", group_id)


# ---------------------------------------------------------------------------------------------
# Upload

_SUFFIX = {
    "text/plain": ".txt",
    "text/markdown": ".txt",
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/json": ".json",
    "application/x-ndjson": ".jsonl",
    "application/jsonl": ".jsonl",
}
_BODY_DOC = {
    "required": True,
    "description": "One article as plain text (optionally with a `Key: value` metadata head), an HTML page, "
    "or JSON (a news-please record, a list of them, or {'articles': [...]}); JSON Lines also accepted.",
    "content": {
        "text/plain": {"schema": {"type": "string"}},
        "text/html": {"schema": {"type": "string"}},
        "application/json": {"schema": {}},
        "application/x-ndjson": {"schema": {"type": "string"}},
    },
}


async def _body(request: Request, limit: int) -> bytes | None:
    """The request body, or None once it grows past `limit` bytes (the rest is not kept)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _declared_size(request: Request) -> int | None:
    value = request.headers.get("content-length", "")
    return int(value) if value.isdigit() else None


@router.post(
    "/articles",
    status_code=201,
    response_model=Ingested,
    responses={
        400: {"model": Problem, "description": "empty or unreadable input"},
        413: {"model": Problem, "description": "over the size limit"},
        422: {"model": Problem, "description": "every article was rejected, with the reasons"},
    },
    openapi_extra={"requestBody": _BODY_DOC},
    summary="Add articles and run the analysis again",
)
async def post_articles(
    request: Request, name: Annotated[str, Query(max_length=100, pattern=r"^[\w.-]*$")] = ""
) -> JSONResponse:
    site = _site(request)
    limit = site.settings.max_file_bytes
    declared = _declared_size(request)
    if declared is not None and declared > limit:
        return _rejected(413, Rejection(_path(request, name), _too_big(declared, site.settings)))
    data = await _body(request, limit)
    if data is None:
        return _rejected(413, Rejection(_path(request, name), _too_big(declared or limit + 1, site.settings)))
    articles, rejected = read_bytes(_path(request, name), data, site.settings)
    if not articles:
        status = 400 if not data.strip() else 422
        return _rejected(status, *rejected)
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_analyse, site, articles, rejected)


def _path(request: Request, name: str) -> str:
    media = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    return f"api/{name or 'upload'}{_SUFFIX.get(media, '')}"


def _rejected(status: int, *rejected: Rejection) -> JSONResponse:
    reasons = [r.to_dict() for r in rejected] or [{"path": "api/upload", "reason": "nothing to read"}]
    detail = "; ".join(f"{r['path']}: {r['reason']}" for r in reasons)
    return JSONResponse({"detail": detail, "rejected": reasons}, status_code=status)


def _analyse(site: Site, articles: list[Article], rejected: list[Rejection]) -> JSONResponse:
    """Re-run the analysis over the store's articles plus the new ones (one run at a time)."""
    with site.analysis_lock:
        store = site.store()
        known = {a.id: a for a in store.articles()}
        everything = list(known.values()) + [a for a in articles if a.id not in known]
        analysis = analyze_articles(
            everything, rejected=rejected, settings=site.settings, db=store, pipeline=site.pipeline
        )
    new_ids = {a.id for a in articles}
    document = analysis.to_dict()
    stories = [s for s in document["stories"] if new_ids & set(s.get("articles", []))]
    body = {
        "articles": [a for a in document["articles"] if a["id"] in new_ids],
        "rejected": [r.to_dict() for r in rejected],
        "stories": stories,
        "run": site.run(),
    }
    return JSONResponse(body, status_code=201)
