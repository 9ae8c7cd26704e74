"""Readers: one function per input format, each turning decoded content into raw article records.

Formats: plain text (optionally with a `Key: value` metadata head and a trailing byline), HTML
(trafilatura), and JSON / JSONL in news-please's field names. A reader raises ReadError with a
reason a person can act on; one bad record in a JSON list does not spoil the others.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlparse

from .. import langdata
from ..errors import ReadError
from ..models import Rejection
from .dates import parse_metadata_date


@dataclass(frozen=True)
class RawRecord:
    """What a reader found, before cleaning: body text plus any metadata the source gave."""

    path: str
    body: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    outlet: str | None = None
    date: str | None = None
    language: str | None = None
    url: str | None = None
    kind: str = "text"


# ---------------------------------------------------------------------------------------------
# Plain text with an optional metadata head

# The field names below are those of the input formats (Jina Reader's "Title:" / "URL Source:" heads,
# news-please records), like JSON keys: they name fields of a file format, not words of a language.
_META_LINE = re.compile(r"^(?P<key>[A-Za-z][A-Za-z0-9 _-]{0,30}?)\s*:\s?(?P<value>.*)$")
_BODY_KEYS = {"text", "markdown content", "content", "body", "article"}
_KEY_MAP = {
    "title": "title",
    "headline": "title",
    "published time": "date",
    "published": "date",
    "date": "date",
    "publication date": "date",
    "date published": "date",
    "author": "authors",
    "authors": "authors",
    "by": "authors",
    "byline": "authors",
    "url": "url",
    "url source": "url",
    "source url": "url",
    "link": "url",
    "outlet": "outlet",
    "publisher": "outlet",
    "site": "outlet",
    "site name": "outlet",
    "source": "outlet",
    "language": "language",
    "lang": "language",
}


@cache
def _pooled(key: str) -> frozenset[str]:
    """Boilerplate list `key` of every supported language: a reader runs before the article's language
    is known, so a word of any language counts."""
    return frozenset(w for lang in langdata.supported_languages() for w in langdata.load(lang, "boilerplate")[key])


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of `words`, longest first; one that never matches when there are none."""
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w))) or "(?!)"


@cache
def _outlet_words() -> re.Pattern[str]:
    """Nouns of news outlets' names ("Agency", "Zeitung"): an author field holding one names the outlet."""
    return re.compile(rf"\b(?:{_alternation(_pooled('outlet_words'))})\b", re.I)


@cache
def _people_separator() -> re.Pattern[str]:
    """What separates the people of an author field: punctuation, "&", or an author separator ("and")
    of two letters or more (`_short_separator` handles "e", "y", "i")."""
    words = (w for w in _pooled("author_separators") if len(w) >= 2)
    return re.compile(rf"\s*(?:;|,|&|\b(?:{_alternation(words)})\b)\s*")


@cache
def _short_separator() -> re.Pattern[str]:
    """One-letter author separators ("Ana Berg y Iván Petrov"): pooled over languages they also join
    compound surnames ("Costa e Silva", "Ortega y Gasset"), so they split only between full names."""
    letters = (w for w in _pooled("author_separators") if len(w) == 1)
    return re.compile(rf"\s+(?:{_alternation(letters)})\s+")


def _split_full_names(part: str) -> list[str]:
    """`part` split at one-letter separators when every piece is a full name (two words or more)."""
    pieces = _short_separator().split(part)
    return pieces if all(len(p.split()) >= 2 for p in pieces) else [part]


def _split_people(value: str) -> tuple[str, ...]:
    parts = [piece for part in _people_separator().split(value) for piece in _split_full_names(part)]
    return tuple(p.strip() for p in parts if p.strip() and "not found" not in p.lower())


def _metadata_head(text: str) -> tuple[dict[str, str], str] | None:
    """(metadata, body) when the text opens with `Key: value` lines, else None."""
    lines = text.split("\n")
    meta: dict[str, str] = {}
    known = 0
    for i, line in enumerate(lines[:40]):
        if not line.strip():
            continue
        m = _META_LINE.match(line.strip())
        if not m:
            break
        key = m.group("key").strip().lower()
        value = m.group("value").strip()
        if key in _BODY_KEYS:
            body = "\n".join(([value] if value else []) + lines[i + 1 :])
            return (meta, body) if known >= 1 else None
        if key in _KEY_MAP:
            known += 1
            meta.setdefault(_KEY_MAP[key], value)
        elif len(value) > 200:
            break
    return None


def _outlet_from(url: str | None) -> str | None:
    if not url:
        return None
    host = urlparse(url if "//" in url else f"//{url}").hostname
    return host.removeprefix("www.") if host else None


def read_text(path: str, text: str) -> list[RawRecord]:
    """A plain-text article, with its metadata head when it has one."""
    head = _metadata_head(text)
    if head is None:
        return [RawRecord(path=path, body=text)]
    meta, body = head
    authors = _split_people(meta.get("authors", ""))
    outlet = meta.get("outlet") or _outlet_from(meta.get("url"))
    if outlet is None and len(authors) == 1 and _outlet_words().search(authors[0]):
        outlet = authors[0]
    return [
        RawRecord(
            path=path,
            body=body,
            title=meta.get("title") or None,
            authors=authors,
            outlet=outlet,
            date=parse_metadata_date(meta.get("date")),
            language=(meta.get("language") or "").lower()[:2] or None,
            url=meta.get("url") or None,
        )
    ]


# ---------------------------------------------------------------------------------------------
# HTML


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:1000].lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in head)


def read_html(path: str, text: str) -> list[RawRecord]:
    """The main article of an HTML page, with the page's metadata, via trafilatura."""
    import trafilatura  # heavy import, only for HTML input

    try:
        found = trafilatura.bare_extraction(
            text, with_metadata=True, include_comments=False, include_tables=False, include_images=False
        )
    except Exception as exc:  # trafilatura raises assorted lxml/parser errors on broken markup
        if not deep_html_text(text).strip():
            raise ReadError(f"malformed HTML: {type(exc).__name__}: {exc}") from exc
        found = None
    doc: dict[str, Any] = {} if found is None else (found if isinstance(found, dict) else found.as_dict())
    body = doc.get("text") or ""
    if not body.strip():
        body = deep_html_text(text)
    if not body.strip():
        raise ReadError("no article text found in the HTML page")
    return [
        RawRecord(
            path=path,
            body=body,
            title=doc.get("title") or None,
            authors=_split_people(doc.get("author") or ""),
            outlet=doc.get("sitename") or _outlet_from(doc.get("url")) or None,
            date=parse_metadata_date(doc.get("date")),
            language=(doc.get("language") or "").lower()[:2] or None,
            url=doc.get("url") or None,
            kind="html",
        )
    ]


#: Element depth past which lxml (libxml2 stops at 256 levels) and so trafilatura see no text.
DEEP_HTML_LEVELS = 255
_SKIPPED_TAGS = frozenset({"script", "style", "head", "nav", "header", "footer", "aside", "noscript", "template"})
_VOID_TAGS = frozenset({"br", "hr", "img", "meta", "link", "input", "wbr", "source", "area", "base", "col"})


class _TextParser(HTMLParser):
    """Text of an HTML page with a stack-free parser (any depth), minus scripts, styles and furniture."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.depth = 0
        self.deepest = 0
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID_TAGS:
            return
        self.depth += 1
        self.deepest = max(self.deepest, self.depth)
        self._skipping += tag in _SKIPPED_TAGS
        if tag in ("p", "div", "li", "h1", "h2", "h3", "h4", "tr", "article", "section"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID_TAGS:
            return
        self.depth = max(0, self.depth - 1)
        self._skipping = max(0, self._skipping - (tag in _SKIPPED_TAGS))

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def deep_html_text(html: str) -> str:
    """The text of a page nested deeper than lxml reads (`DEEP_HTML_LEVELS`), else "".

    Only such pages take this path: for others trafilatura's finding stands, even when it is "no text".
    """
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    if parser.deepest <= DEEP_HTML_LEVELS:
        return ""
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


# ---------------------------------------------------------------------------------------------
# JSON / JSONL (news-please field names)

_TEXT_KEYS = ("maintext", "text", "content", "body", "article")


def _first(record: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        value = record.get(key)
        if value not in (None, "", []):
            return value
    return None


def _first_text(record: dict[str, Any], *keys: str) -> str | None:
    """The first of `keys` holding a non-empty string or number, as text; lists and objects are skipped."""
    for key in keys:
        value = record.get(key)
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            continue
        text = str(value).strip()
        if text:
            return text
    return None


def record_from_json(path: str, record: Any) -> RawRecord:
    """One news-please style record; ReadError when it is not an object or has no text."""
    if not isinstance(record, dict):
        raise ReadError(f"JSON record is a {type(record).__name__}, expected an object with 'maintext'")
    body = _first(record, *_TEXT_KEYS)
    if not isinstance(body, str) or not body.strip():
        raise ReadError("JSON record has no text (expected a non-empty 'maintext' field)")
    authors_value = record.get("authors") or record.get("author") or []
    if isinstance(authors_value, str):
        authors = _split_people(authors_value)
    elif isinstance(authors_value, list):
        authors = tuple(a.strip() for a in authors_value if isinstance(a, str) and a.strip())
    else:
        authors = ()
    url = _first_text(record, "url", "source_url")
    title = _first_text(record, "title", "headline")
    language = _first_text(record, "language", "lang")
    return RawRecord(
        path=path,
        body=body,
        title=title,
        authors=authors,
        outlet=_first_text(record, "source_domain", "outlet", "publisher") or _outlet_from(url),
        date=parse_metadata_date(_first_text(record, "date_publish", "published", "date", "date_modify")),
        language=language.lower()[:2] if language else None,
        url=url,
        kind="json",
    )


def iter_json(path: str, text: str) -> Iterator[RawRecord | Rejection]:
    """Records of a JSON file: one object, a list of objects, or `{"articles": [...]}`."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError(f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    except RecursionError as exc:
        raise ReadError("malformed JSON: nested too deeply to read") from exc
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    records = data if isinstance(data, list) else [data]
    if not records:
        raise ReadError("JSON holds no records (an empty list)")
    for n, record in enumerate(records):
        name = path if len(records) == 1 else f"{path}#{n}"
        try:
            yield record_from_json(name, record)
        except ReadError as exc:
            yield Rejection(name, exc.args[0])


def iter_jsonl(path: str, text: str) -> Iterator[RawRecord | Rejection]:
    """Records of a JSON Lines file, one per non-empty line (`path#0`, `path#1`...); a bad line is rejected alone."""
    lines = [line for line in text.split("\n") if line.strip()]
    for n, line in enumerate(lines):
        name = f"{path}#{n}"
        try:
            yield record_from_json(name, json.loads(line))
        except json.JSONDecodeError as exc:
            yield Rejection(name, f"malformed JSON line: {exc.msg} at column {exc.colno}")
        except RecursionError:
            yield Rejection(name, "malformed JSON line: nested too deeply to read")
        except ReadError as exc:
            yield Rejection(name, exc.args[0])
