"""Web provenance of stored articles (schema migration 4): one row per article and URL.

Kept apart from the `articles` row because the same content can be fetched under several URLs:
the article is stored once, and every URL it was found under keeps its own record.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Sequence

from ..models import Article, Provenance
from .select import select_in

_FIELDS = tuple(f.name for f in dataclasses.fields(Provenance))
INSERT = (
    f"INSERT OR IGNORE INTO article_provenance (article_id, {', '.join(_FIELDS)}) "
    f"VALUES (?, {', '.join('?' * len(_FIELDS))})"
)


def rows(article: Article) -> list[tuple[object, ...]]:
    """The `article_provenance` rows of an article's provenance records."""
    return [(article.id, *(getattr(p, name) for name in _FIELDS)) for p in article.provenance]


def attach(conn: sqlite3.Connection, articles: Sequence[Article]) -> list[Article]:
    """The articles with their stored provenance records (oldest fetch first); others unchanged."""
    found: dict[str, list[Provenance]] = {}
    ids = [a.id for a in articles]
    sql = (
        f"SELECT article_id, {', '.join(_FIELDS)} FROM article_provenance "
        "WHERE article_id IN ({marks}) ORDER BY fetched_at, url"
    )
    for article_id, *values in select_in(conn, sql, ids):
        found.setdefault(article_id, []).append(Provenance(*values))
    return [dataclasses.replace(a, provenance=tuple(found[a.id])) if a.id in found else a for a in articles]
