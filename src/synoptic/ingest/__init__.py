"""Ingest: files and folders in, clean articles and human-readable rejections out.

Bad input never stops a run: each file (and each record of a JSON list) either becomes an
Article or a Rejection with a reason. Article ids are content hashes, so reading the same content
twice yields the same id, whatever its path.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import ReadError
from ..models import Article, Published, Rejection
from ..settings import Settings
from .clean import CleanParams, clean_body
from .decode import decode_text
from .files import Found, iter_inputs
from .readers import RawRecord, iter_json, iter_jsonl, looks_like_html, read_html, read_text
from .safe import display_path, valid_optional, valid_text

__all__ = [
    "Found",
    "IngestResult",
    "article_id",
    "build_article",
    "display_path",
    "iter_inputs",
    "read_bytes",
    "read_input",
    "read_paths",
]

_HTML_EXT = {".html", ".htm", ".xhtml"}
_JSON_EXT = {".json"}
_JSONL_EXT = {".jsonl", ".ndjson"}


@dataclass(frozen=True)
class IngestResult:
    """Articles read (each once, with `duplicate_paths` for the same content seen again), rejected
    inputs with reasons, and warnings about inputs read after a repair."""

    articles: tuple[Article, ...]
    rejected: tuple[Rejection, ...]
    warnings: tuple[Rejection, ...] = ()


def article_id(text: str, title: str | None, outlet: str | None) -> str:
    """Stable id from the content: same text, title and outlet give the same id on every run."""
    digest = hashlib.sha256("\x1f".join((title or "", outlet or "", text)).encode("utf-8")).hexdigest()
    return digest[:16]


def _size(n: int, other: int | None = None) -> str:
    """Bytes in MB for people; exact when MB would make `n` and `other` look alike."""
    if n < 1024 * 1024:
        return f"{n} bytes"
    mb = f"{n / 1024 / 1024:.1f} MB"
    if other is not None and mb == f"{other / 1024 / 1024:.1f} MB":
        return f"{n:,} bytes"
    return mb


def _records(path: str, data: bytes) -> tuple[list[RawRecord | Rejection], str | None]:
    text, warning = decode_text(data)
    if not text.strip():
        raise ReadError("empty file (only white space)")
    suffix = Path(path.split("#")[0]).suffix.lower()
    if suffix in _JSONL_EXT:
        return list(iter_jsonl(path, text)), warning
    if suffix in _JSON_EXT or (suffix not in _HTML_EXT and text.lstrip()[:1] in "[{"):
        return list(iter_json(path, text)), warning
    if suffix in _HTML_EXT or looks_like_html(text):
        return list(read_html(path, text)), warning
    return list(read_text(path, text)), warning


def _valid_record(record: RawRecord) -> RawRecord:
    """Every string of `record` as valid UTF-8 (JSON may carry lone surrogates such as "\\ud800")."""
    return replace(
        record,
        body=valid_text(record.body),
        title=valid_optional(record.title),
        authors=tuple(valid_text(a) for a in record.authors),
        outlet=valid_optional(record.outlet),
        date=valid_optional(record.date),
        language=valid_optional(record.language),
        url=valid_optional(record.url),
    )


def build_article(record: RawRecord, settings: Settings) -> Article:
    """Clean a raw record into an Article; ReadError when nothing worth analysing is left."""
    record = _valid_record(record)
    cleaned = clean_body(record.body, record.title, settings.params_for(CleanParams))
    text = cleaned.text
    if not text.strip():
        raise ReadError("no article text left after removing headline, byline and page furniture")
    if len(text) < settings.min_article_chars:
        raise ReadError(
            f"too short to analyse: {len(text)} characters of text, the minimum is {settings.min_article_chars}"
        )
    if len(text) > settings.max_article_chars:
        raise ReadError(
            f"article text is {len(text)} characters, over the limit of {settings.max_article_chars} "
            "(raise max_article_chars / --max-article-chars)"
        )
    date = record.date or cleaned.date
    title = record.title or cleaned.title
    if title and len(title) > settings.max_title_chars:
        raise ReadError(
            f"title is {len(title)} characters, over the limit of {settings.max_title_chars} "
            "(a headline this long is usually body text in the wrong field)"
        )
    outlet = record.outlet
    return Article(
        id=article_id(text, title, outlet),
        path=record.path,
        language=record.language or "",
        title=title,
        outlet=outlet,
        authors=record.authors or cleaned.authors,
        published=Published(date, "given") if date else Published(),
        text=text,
        url=record.url,
        language_how="given" if record.language else None,
    )


def read_bytes(path: str, data: bytes, settings: Settings) -> tuple[list[Article], list[Rejection]]:
    """Articles and rejections from one input's content (a file, an upload); never raises."""
    result = read_input(path, data, settings)
    return list(result.articles), list(result.rejected)


def read_input(path: str, data: bytes, settings: Settings) -> IngestResult:
    """Articles, rejections and warnings from one input's content; never raises.

    Readers signal bad input with ReadError; any other exception is a bug in a reader or a parser
    it uses (lxml, charset detection), and still becomes a rejection so one file cannot stop a run.
    """
    path = display_path(path)
    try:
        return _read_input(path, data, settings)
    except Exception as exc:  # the last line of defence of "bad input never stops a run"
        reason = f"could not read this input ({type(exc).__name__}: {valid_text(str(exc))}); please report it"
        return IngestResult((), (Rejection(path, reason),))


def _read_input(path: str, data: bytes, settings: Settings) -> IngestResult:
    if not data:
        return IngestResult((), (Rejection(path, "empty file (0 bytes)"),))
    if len(data) > settings.max_file_bytes:
        return IngestResult((), (Rejection(path, too_big(len(data), settings)),))
    try:
        records, warning = _records(path, data)
    except ReadError as exc:
        return IngestResult((), (Rejection(path, valid_text(exc.args[0])),))
    articles: list[Article] = []
    rejected: list[Rejection] = []
    for rec in records:
        if isinstance(rec, Rejection):
            rejected.append(Rejection(rec.path, valid_text(rec.reason)))
            continue
        try:
            articles.append(build_article(rec, settings))
        except ReadError as exc:
            rejected.append(Rejection(rec.path, valid_text(exc.args[0])))
    warnings = (Rejection(path, warning),) if warning and articles else ()
    return IngestResult(tuple(articles), tuple(rejected), warnings)


def too_big(size: int, settings: Settings) -> str:
    """The rejection reason of an input of `size` bytes over `max_file_bytes`."""
    return (
        f"file is {_size(size, settings.max_file_bytes)}, over the limit of "
        f"{_size(settings.max_file_bytes, size)} (raise max_file_bytes / --max-file-size)"
    )


def _read_file(found: Found, settings: Settings) -> bytes | Rejection:
    """The content of a found file, or the rejection saying why it cannot be read."""
    if found.file is None:
        return Rejection(found.display, found.problem or "not read")
    try:
        with found.file.open("rb") as handle:
            data = handle.read(settings.max_file_bytes + 1)
    except OSError as exc:
        return Rejection(found.display, f"cannot read: {exc.strerror or exc}")
    if len(data) > settings.max_file_bytes:
        size = max(len(data), _file_size(found.file))
        return Rejection(found.display, too_big(size, settings))
    return data


def _file_size(file: Path) -> int:
    try:
        return file.stat().st_size
    except OSError:
        return 0


def read_paths(
    paths: Iterable[str | os.PathLike[str]],
    settings: Settings | None = None,
    progress: Callable[[str], None] | None = None,
) -> IngestResult:
    """Read every input. The same content under a second path is kept once, the other paths
    listed on it (`Article.duplicate_paths`)."""
    settings = settings or Settings()
    articles: dict[str, Article] = {}
    rejected: list[Rejection] = []
    warnings: list[Rejection] = []
    for found in iter_inputs(paths, settings):
        if progress:
            progress(found.display)
        data = _read_file(found, settings)
        if isinstance(data, Rejection):
            rejected.append(data)
            continue
        result = read_input(found.display, data, settings)
        rejected.extend(result.rejected)
        warnings.extend(result.warnings)
        for art in result.articles:
            articles[art.id] = with_duplicate(articles[art.id], art.path) if art.id in articles else art
    return IngestResult(tuple(articles.values()), tuple(rejected), tuple(warnings))


def with_duplicate(article: Article, path: str) -> Article:
    """`article` with `path` listed among its duplicates (unless it is already its path or listed)."""
    if path == article.path or path in article.duplicate_paths:
        return article
    return replace(article, duplicate_paths=(*article.duplicate_paths, path))
