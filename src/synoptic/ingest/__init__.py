"""Ingest: files and folders in, clean articles and human-readable rejections out.

Bad input never stops a run: each file (and each record of a JSON list) either becomes an
Article or a Rejection with a reason. Article ids are content hashes, so reading the same content
twice yields the same id, whatever its path.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import ReadError
from ..models import Article, Published, Rejection
from ..settings import Settings
from .clean import clean_body
from .decode import decode_bytes
from .readers import RawRecord, iter_json, iter_jsonl, looks_like_html, read_html, read_text

__all__ = ["IngestResult", "article_id", "build_article", "iter_files", "read_bytes", "read_paths"]

_HTML_EXT = {".html", ".htm", ".xhtml"}
_JSON_EXT = {".json"}
_JSONL_EXT = {".jsonl", ".ndjson"}


@dataclass(frozen=True)
class IngestResult:
    articles: tuple[Article, ...]
    rejected: tuple[Rejection, ...]


def article_id(text: str, title: str | None, outlet: str | None) -> str:
    """Stable id from the content: same text, title and outlet give the same id on every run."""
    digest = hashlib.sha256("\x1f".join((title or "", outlet or "", text)).encode("utf-8")).hexdigest()
    return digest[:16]


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n} bytes"


def iter_files(paths: Iterable[str | os.PathLike[str]], settings: Settings) -> Iterator[tuple[str, Path | None]]:
    """(display path, file) for every input file, folders walked recursively in sorted order.

    A path that does not exist yields (path, None) so that it can be reported, not dropped.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for sub in sorted(path.rglob("*")):
                rel = sub.relative_to(path)
                if not settings.follow_hidden and any(part.startswith(".") for part in rel.parts):
                    continue
                if sub.is_file():
                    yield str(sub), sub
        elif path.is_file():
            yield str(path), path
        else:
            yield str(path), None


def _records(path: str, data: bytes) -> list[RawRecord | Rejection]:
    text = decode_bytes(data)
    if not text.strip():
        raise ReadError("empty file (only white space)")
    suffix = Path(path.split("#")[0]).suffix.lower()
    if suffix in _JSONL_EXT:
        return list(iter_jsonl(path, text))
    if suffix in _JSON_EXT or (suffix not in _HTML_EXT and text.lstrip()[:1] in "[{"):
        return list(iter_json(path, text))
    if suffix in _HTML_EXT or looks_like_html(text):
        return list(read_html(path, text))
    return list(read_text(path, text))


def build_article(record: RawRecord, settings: Settings) -> Article:
    """Clean a raw record into an Article; ReadError when nothing worth analysing is left."""
    cleaned = clean_body(record.body, record.title)
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
    """Articles and rejections from one input's content (a file, an upload); never raises.

    Readers signal bad input with ReadError; any other exception is a bug in a reader or a parser
    it uses (lxml, charset detection), and still becomes a rejection so one file cannot stop a run.
    """
    try:
        return _read_bytes(path, data, settings)
    except Exception as exc:  # the last line of defence of "bad input never stops a run"
        return [], [Rejection(path, f"could not read this input ({type(exc).__name__}: {exc}); please report it")]


def _read_bytes(path: str, data: bytes, settings: Settings) -> tuple[list[Article], list[Rejection]]:
    if not data:
        return [], [Rejection(path, "empty file (0 bytes)")]
    if len(data) > settings.max_file_bytes:
        return [], [Rejection(path, _too_big(len(data), settings))]
    try:
        records = _records(path, data)
    except ReadError as exc:
        return [], [Rejection(path, exc.args[0])]
    articles: list[Article] = []
    rejected: list[Rejection] = []
    for rec in records:
        if isinstance(rec, Rejection):
            rejected.append(rec)
            continue
        try:
            articles.append(build_article(rec, settings))
        except ReadError as exc:
            rejected.append(Rejection(rec.path, exc.args[0]))
    return articles, rejected


def _too_big(size: int, settings: Settings) -> str:
    return (
        f"file is {_size(size)}, over the limit of {_size(settings.max_file_bytes)} "
        "(raise max_file_bytes / --max-file-size)"
    )


def read_paths(
    paths: Iterable[str | os.PathLike[str]],
    settings: Settings | None = None,
    progress: Callable[[str], None] | None = None,
) -> IngestResult:
    """Read every input; duplicates of the same content (same id) are kept once."""
    settings = settings or Settings()
    articles: dict[str, Article] = {}
    rejected: list[Rejection] = []
    for display, file in iter_files(paths, settings):
        if progress:
            progress(display)
        if file is None:
            rejected.append(Rejection(display, "no such file or folder"))
            continue
        try:
            size = file.stat().st_size
            if size > settings.max_file_bytes:
                rejected.append(Rejection(display, _too_big(size, settings)))
                continue
            data = file.read_bytes()
        except OSError as exc:
            rejected.append(Rejection(display, f"cannot read: {exc.strerror or exc}"))
            continue
        found, bad = read_bytes(display, data, settings)
        rejected.extend(bad)
        for art in found:
            articles.setdefault(art.id, art)
    return IngestResult(tuple(articles.values()), tuple(rejected))
