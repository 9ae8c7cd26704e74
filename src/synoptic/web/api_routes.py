"""HTTP API under /api/v1: the analysis contract's objects, paged and filtered, and article upload.

Uploads are queued as jobs (`web.jobs`) and read with the CLI's reader, so size limits and rejection
reasons are the CLI's; accepted articles join the store's articles and the analysis is run again.
"""

from __future__ import annotations

import asyncio
import time
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.requests import ClientDisconnect

from ..ingest import too_big
from ..models import Rejection
from ..present.corpus import Corpus, Filters, Json, items, text_of
from . import live
from .jobs import FINAL, Job, Upload, problem, upload_path
from .limits import UPLOAD_OVERHEAD_BYTES
from .site import Site

router = APIRouter(prefix="/api/v1", tags=["analysis"])

MAX_LIMIT = 500
Offset = Annotated[int, Query(ge=0, le=10**9, description="how many items to skip")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="how many items at most")]
Text = Annotated[str, Query(max_length=200)]
#: A year, year-month or day in ISO form (or nothing); anything else answers 422, not a silent "no filter".
ISO_DATE = r"^(?:\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?)?$"
IsoDate = Annotated[str, Query(max_length=10, pattern=ISO_DATE, description="ISO date (YYYY[-MM[-DD]]), inclusive")]


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
    date_from: IsoDate = "",
    date_to: IsoDate = "",
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
    date_from: IsoDate = "",
    date_to: IsoDate = "",
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
# Upload: queued as a job, read and analysed by the job worker

_BODY_DOC = {
    "required": True,
    "description": "One article as plain text (optionally with a `Key: value` metadata head), an HTML page, "
    "or JSON (a news-please record, a list of them, or {'articles': [...]}); JSON Lines also accepted; "
    "or a multipart/form-data form whose file parts are read each by its file name.",
    "content": {
        "text/plain": {"schema": {"type": "string"}},
        "text/html": {"schema": {"type": "string"}},
        "application/json": {"schema": {}},
        "application/x-ndjson": {"schema": {"type": "string"}},
        "multipart/form-data": {"schema": {"type": "object"}},
    },
}
#: Longest `?wait=` a client may ask for: the request holds no thread while it waits, only a socket.
MAX_WAIT_SECONDS = 120


class JobModel(BaseModel):
    id: str
    url: str
    state: str
    created: float
    finished: float | None
    status: int
    result: dict[str, Any] | None


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


def _media(request: Request) -> str:
    return (request.headers.get("content-type") or "").split(";")[0].strip().lower()


@router.post(
    "/articles",
    status_code=202,
    response_model=JobModel,
    responses={
        201: {"model": Ingested, "description": "with ?wait=: the upload was analysed in time"},
        400: {"model": Problem, "description": "with ?wait=: empty input"},
        413: {"model": Problem, "description": "over the size limit"},
        422: {"model": Problem, "description": "with ?wait=: every article was rejected, with the reasons"},
        503: {"model": Problem, "description": "too many uploads waiting; retry after Retry-After seconds"},
    },
    openapi_extra={"requestBody": _BODY_DOC},
    summary="Queue articles to add; the analysis runs again in the background",
)
async def post_articles(
    request: Request,
    name: Annotated[str, Query(max_length=100, pattern=r"^[\w.-]*$")] = "",
    wait: Annotated[float, Query(ge=0, le=MAX_WAIT_SECONDS, description="seconds to wait for the outcome")] = 0,
) -> Response:
    site = _site(request)
    media = _media(request)
    limit = site.settings.max_file_bytes + (UPLOAD_OVERHEAD_BYTES if media == "multipart/form-data" else 0)
    path = upload_path(name, media)
    declared = _declared_size(request)
    if declared is not None and declared > limit:
        return _refused(413, Rejection(path, too_big(declared, site.settings)))
    try:
        data = await _body(request, limit)
    except ClientDisconnect:
        return Response(status_code=400)  # nobody reads it; nothing was queued
    if data is None:
        return _refused(413, Rejection(path, too_big(declared or limit + 1, site.settings)))
    upload = Upload(data, media, request.headers.get("content-type") or "", name)
    job = site.jobs.submit(upload)
    if job is None:
        detail = f"{site.jobs.waiting()} uploads are waiting to be analysed; retry later"
        return JSONResponse({"detail": detail, "rejected": []}, status_code=503, headers={"Retry-After": "10"})
    return await _answer(job, wait)


async def _answer(job: Job, wait: float) -> JSONResponse:
    """The job's outcome when it is final within `wait` seconds, else 202 with its URL."""
    deadline = time.monotonic() + wait
    while job.state not in FINAL and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    if job.state in FINAL:
        return JSONResponse(job.result, status_code=job.status)
    return JSONResponse(job.to_dict(), status_code=202, headers={"Location": job.to_dict()["url"]})


def _refused(status: int, *rejected: Rejection) -> JSONResponse:
    return JSONResponse(problem(*rejected), status_code=status)


@router.get("/jobs/{job_id}", response_model=JobModel, responses=NOT_FOUND, summary="An upload's state and outcome")
def get_job(request: Request, job_id: str) -> JSONResponse:
    job = _site(request).jobs.get(job_id)
    return JSONResponse(job.to_dict()) if job is not None else _missing("job", job_id)
