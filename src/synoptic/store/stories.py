"""Story clustering state in the SQLite store (schema migration 2).

`story_members` keeps each clustered article's story and signals (vectors as float32 blobs),
`story_buckets` the LSH index (one row per table and article, read by `(tbl, bucket)` prefix,
newest first), and `stories` each story's first headline and size. The `keys` column holds the name
keys and the content terms (for the lexical score) as one JSON object; term document frequencies are
rebuilt at start-up from the newest stored members. Additions are buffered and written in one
transaction by `flush`, so a killed run leaves the store as it was.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from ..embed import Matrix
from ..models import Article
from ..stories.features import Signals, Vector
from ..stories.index import BucketStore
from ..stories.lexical import TermFrequencies
from .select import select_in
from .sqlite import Store

_log = logging.getLogger(__name__)


class SqliteBuckets:
    """LSH buckets as rows of `story_buckets`, buffered until the owner flushes."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.pending: list[tuple[int, int, int, str]] = []
        row = store.conn.execute("SELECT coalesce(max(seq), 0) FROM story_buckets").fetchone()
        self._seq = int(row[0])
        self._fresh: dict[tuple[int, int], list[str]] = {}

    def add_keys(self, rows: Sequence[tuple[str, Sequence[int]]]) -> None:
        self.add_table_keys([(i, list(enumerate(keys))) for i, keys in rows])

    def add_table_keys(self, rows: Sequence[tuple[str, Sequence[tuple[int, int]]]]) -> None:
        for article_id, table_keys in rows:
            self._seq += 1
            for table, key in table_keys:
                self.pending.append((table, int(key), self._seq, article_id))
                self._fresh.setdefault((table, int(key)), []).append(article_id)

    def members(self, table_keys: Sequence[tuple[int, int]], per_bucket: int) -> list[str]:
        out: list[str] = []
        sql = "SELECT article_id FROM story_buckets WHERE tbl=? AND bucket=? ORDER BY seq DESC LIMIT ?"
        for table, key in table_keys:
            fresh = self._fresh.get((table, key), [])[-per_bucket:]
            out.extend(fresh)
            if len(fresh) < per_bucket:
                out.extend(r[0] for r in self.store.conn.execute(sql, (table, key, per_bucket - len(fresh))))
        return out

    def flush(self) -> None:
        if self.pending:
            with self.store.transaction() as conn:
                conn.executemany("INSERT OR REPLACE INTO story_buckets VALUES (?, ?, ?, ?)", self.pending)
        self.pending = []
        self._fresh = {}


FREQUENCY_WINDOW = 20_000


def _decode_keys(text: str) -> tuple[frozenset[str], dict[str, int]]:
    """Name keys and content terms of the `keys` column: a JSON object (or, as first written, a
    list of keys alone), so the terms need no schema change."""
    data = json.loads(text)
    if isinstance(data, list):
        return frozenset(data), {}
    return frozenset(data.get("keys", [])), {str(k): int(v) for k, v in data.get("terms", {}).items()}


def _terms(text: str) -> dict[str, int]:
    """The content terms of a `keys` column alone (what `_decode_keys` gives second), read without
    building the keys' set: the story memory reads 20,000 of them at start-up."""
    data = json.loads(text)
    return data.get("terms", {}) if isinstance(data, dict) else {}


#: The title + lead vectors of members stored before migration 6 (E5's int8 graph after `query: `, 300 characters).
LEGACY_RECIPE = "e5-onnx-int8:300"
#: Stored members re-encoded in one batch when the recipe changes (one E5 call and one transaction each).
REFRESH_BATCH = 1_000
#: Stored members (with their article) of another recipe than ?1: two ranges of the index of migration 6,
#: so that when every member is current nothing is read.
_STALE = "story_members m JOIN articles a ON a.id = m.article_id WHERE m.lead_vectors < ?1 OR m.lead_vectors > ?1"
#: The first ?2 of them, and how many they are.
STALE_MEMBERS = f"SELECT m.article_id FROM {_STALE} LIMIT ?2"
STALE_COUNT = f"SELECT count(*) FROM {_STALE}"
_WRITTEN = "article_id, story_id, seq, day, language, title, keys, coarse, fine, lead_vectors"
_MARKS = ", ".join("?" * len(_WRITTEN.split(", ")))


def _blob(v: Vector) -> bytes:
    return np.asarray(v, dtype=np.float32).tobytes()


class SqliteStoryMemory:
    """The clusterer's memory persisted in a Store; new members are visible before `flush`."""

    _COLS = "article_id, story_id, day, language, title, keys, coarse, fine"

    def __init__(self, store: Store) -> None:
        self.store = store
        self.lead_recipe = LEGACY_RECIPE  # until `refresh_leads` names the run's
        self._buckets = SqliteBuckets(store)
        self.buckets: BucketStore = self._buckets
        self._new: dict[str, tuple[Signals, str]] = {}
        self._new_by_story: dict[str, list[str]] = {}
        row = store.conn.execute("SELECT coalesce(max(seq), 0) FROM story_members").fetchone()
        self._seq = int(row[0])
        self.frequencies = self._recent_frequencies()

    def _recent_frequencies(self) -> TermFrequencies:
        """Term document frequencies over the newest `FREQUENCY_WINDOW` stored members: a bounded
        read at start-up whatever the store size, and weights that follow the current news."""
        freq = TermFrequencies()
        sql = "SELECT keys FROM story_members ORDER BY seq DESC LIMIT ?"  # by index (migration 5)
        freq.observe(_terms(str(r[0])) for r in self.store.conn.execute(sql, (FREQUENCY_WINDOW,)))
        return freq

    @staticmethod
    def _signals(row: tuple[object, ...]) -> tuple[Signals, str]:
        article_id, story_id, day, language, title, keys, coarse, fine = row
        name_keys, terms = _decode_keys(str(keys))
        sig = Signals(
            id=str(article_id),
            day=int(day) if isinstance(day, int) else None,
            language=str(language),
            title=str(title),
            keys=name_keys,
            coarse=np.frombuffer(coarse, dtype=np.float32),  # type: ignore[call-overload]
            fine=np.frombuffer(fine, dtype=np.float32),  # type: ignore[call-overload]
            terms=terms,
        )
        return sig, str(story_id)

    def _rows(self, where: str, params: Sequence[object]) -> list[tuple[Signals, str]]:
        sql = f"SELECT {self._COLS} FROM story_members WHERE {where}"
        return [self._signals(r) for r in self.store.conn.execute(sql, list(params))]

    def _by_ids(self, ids: Sequence[str]) -> dict[str, tuple[Signals, str]]:
        out = {i: self._new[i] for i in ids if i in self._new}
        for row in self._select(self._COLS, [i for i in ids if i not in out]):
            sig, story = self._signals(row)
            out[sig.id] = (sig, story)
        return out

    def _select(self, cols: str, ids: Sequence[str]) -> Iterator[tuple[object, ...]]:
        """Rows of `cols` of the members with these ids."""
        return select_in(self.store.conn, f"SELECT {cols} FROM story_members WHERE article_id IN ({{marks}})", ids)

    def assignments(self, ids: Sequence[str]) -> dict[str, str]:
        """Story ids only: a whole-store rerun asks for every article, so their signals are not read."""
        found = {i: self._new[i][1] for i in ids if i in self._new}
        rest = [i for i in ids if i not in found]
        found.update((str(a), str(s)) for a, s in self._select("article_id, story_id", rest))
        return {i: found[i] for i in ids if i in found}

    def signals(self, ids: Sequence[str]) -> list[Signals]:
        found = self._by_ids(ids)
        return [found[i][0] for i in ids if i in found]

    def recent_members(self, story_id: str, limit: int) -> list[Signals]:
        fresh = [self._new[i][0] for i in self._new_by_story.get(story_id, [])][-limit:]
        if len(fresh) >= limit:
            return fresh
        old = self._rows("story_id=? ORDER BY seq DESC LIMIT ?", [story_id, limit - len(fresh)])
        return [s for s, _ in reversed(old)] + fresh

    def add(self, signals: Signals, story_id: str) -> None:
        self._new[signals.id] = (signals, story_id)
        self._new_by_story.setdefault(story_id, []).append(signals.id)

    def story_title(self, story_id: str) -> str | None:
        row = self.store.conn.execute("SELECT title FROM stories WHERE id=?", (story_id,)).fetchone()
        if row:
            return str(row[0])
        first = self._new_by_story.get(story_id)
        return self._new[first[0]][0].title if first else None

    def refresh_leads(self, recipe: str, encode: Callable[[Sequence[Article]], Matrix]) -> int:
        """`stories.memory.RefreshingLeads`: the stored members of another recipe, a batch at a time
        (each batch in its own transaction, so an interrupted refresh resumes where it stopped).
        Members whose article is no longer stored keep their vectors."""
        self.lead_recipe = recipe
        done = 0
        (stale,) = self.store.conn.execute(STALE_COUNT, (recipe,)).fetchone()
        if stale:
            _log.warning(
                "re-encoding the title + lead vectors of %d stored story members for %s (once, after a change"
                " of encoder or signals.lead_chars; about 80 a second on two cores)",
                stale,
                recipe,
            )
        while ids := [str(r[0]) for r in self.store.conn.execute(STALE_MEMBERS, (recipe, REFRESH_BATCH))]:
            articles = self.store.articles(ids)
            vectors = encode(articles)
            rows = [(_blob(v), recipe, a.id) for a, v in zip(articles, vectors, strict=True)]
            if not rows:
                break
            with self.store.transaction() as conn:
                conn.executemany("UPDATE story_members SET fine=?, lead_vectors=? WHERE article_id=?", rows)
            done += len(rows)
            _log.info("re-encoded %d of them", done)
        return done

    def flush(self) -> None:
        """Write buffered members, stories and buckets in one transaction each."""
        rows = []
        for article_id, (sig, story) in self._new.items():
            self._seq += 1
            keys = json.dumps({"keys": sorted(sig.keys), "terms": dict(sig.terms)}, ensure_ascii=False)
            rows.append(
                (
                    article_id,
                    story,
                    self._seq,
                    sig.day,
                    sig.language,
                    sig.title,
                    keys,
                    _blob(sig.coarse),
                    _blob(sig.fine),
                    self.lead_recipe,
                )
            )
        with self.store.transaction() as conn:
            conn.executemany(f"INSERT OR REPLACE INTO story_members ({_WRITTEN}) VALUES ({_MARKS})", rows)
            for story, ids in self._new_by_story.items():
                first = self._new[ids[0]][0]
                days = [d for d in (self._new[i][0].day for i in ids) if d is not None]
                conn.execute(
                    "INSERT OR IGNORE INTO stories (id, title, size, first_day, last_day) VALUES (?, ?, 0, ?, ?)",
                    (story, first.title, min(days, default=None), max(days, default=None)),
                )
                conn.execute("UPDATE stories SET size = size + ? WHERE id=?", (len(ids), story))
        self._buckets.flush()
        self._new = {}
        self._new_by_story = {}
