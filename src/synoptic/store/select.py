"""Queries over many keys at once, shared by the store's tables."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

#: Keys bound in one IN list: under SQLite's historical limit of 999 variables per statement.
IN_CHUNK = 500


def select_in(conn: sqlite3.Connection, sql: str, keys: Sequence[Any], *before: object) -> Iterator[Any]:
    """The rows of `sql` for `keys`, its `{marks}` the IN list, `IN_CHUNK` keys a query; `before`
    binds the placeholders ahead of the list. Rows come chunk by chunk, each chunk in `sql`'s order."""
    for chunk in range(0, len(keys), IN_CHUNK):
        part = list(keys[chunk : chunk + IN_CHUNK])
        yield from conn.execute(sql.format(marks=",".join("?" * len(part))), [*before, *part])
