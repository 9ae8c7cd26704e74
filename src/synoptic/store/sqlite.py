"""The SQLite store: articles, rejections, cached annotations and analyses, safe for concurrent runs.

Every write is one transaction (`BEGIN IMMEDIATE`), the journal is WAL and a busy store is waited
for, so a killed run leaves the store as it was before its last unfinished transaction, and two
runs on one store do not corrupt it.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import numpy.typing as npt

from ..codec import decode, to_plain
from ..errors import StoreError
from ..models import Article, Document, Published, Rejection
from . import provenance
from .migrations import MIGRATIONS
from .select import select_in

BUSY_TIMEOUT_MS = 60_000
WAL_RETRY_S = 0.01  # pause between tries to switch a fresh store to WAL while another run does
ANALYSIS_CHUNK = 1 << 20  # bytes copied at a time from the spooled analysis JSON into its blob


def check_store_path(path: str) -> None:
    """StoreError when `path` cannot hold a store: its folder is missing, or it is a folder."""
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise StoreError(f"cannot open store {path}: folder {folder} does not exist (check the --db path)")
    if target.is_dir():
        raise StoreError(f"cannot open store {path}: it is a folder, not a store file")


def store_problem(path: str, exc: sqlite3.Error) -> str:
    """One line saying what an SQLite error means for the store at `path` and what to do."""
    message = str(exc)
    low = message.lower()
    if "readonly" in low or "read-only" in low:
        return f"store {path} is read-only ({message}); nothing was changed: make it writable or use another --db"
    if "disk is full" in low or "disk i/o" in low:
        return f"could not write store {path} ({message}); it is unchanged since its last complete write"
    if "not a database" in low or "malformed" in low or "corrupt" in low:
        return f"store {path} is damaged or not a Synoptic store ({message}); restore a backup or use another --db"
    if "unable to open" in low:
        return f"cannot open store {path} ({message})"
    return f"store {path}: {message}"


class Store:
    """A Synoptic store in one SQLite file (or `:memory:`)."""

    def __init__(self, path: str | Path = ":memory:", *, check: bool = False) -> None:
        """Open (or create) the store; StoreError says why a file cannot be one.

        The folder must exist: a mistyped `--db` path must not silently create folders and an empty store.
        A file that is not a store of this Synoptic is refused before anything is written to it; with
        `check`, every page is read first (`PRAGMA quick_check`), so damage is found now, not late.
        """
        self.path = str(path)
        if self.path != ":memory:":
            check_store_path(self.path)
        try:
            self.conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(store_problem(self.path, exc)) from exc
        try:
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._refuse_foreign()
            if check:
                self.check()
            if self.path != ":memory:":
                self._use_wal()
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.migrate()
        except sqlite3.Error as exc:
            self.conn.close()
            raise StoreError(store_problem(self.path, exc)) from exc
        except StoreError:
            self.conn.close()
            raise

    def _use_wal(self) -> None:
        """Switch the file to WAL, waiting for other runs as long as for any busy store.

        SQLite answers "database is locked" at once, without its busy handler, when two connections
        switch a new file to WAL together (two runs starting on one fresh store), so the switch is
        retried here until the busy timeout."""
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc).lower() or time.monotonic() > deadline:
                    raise
                time.sleep(WAL_RETRY_S)

    def _refuse_foreign(self) -> None:
        """Refuse an SQLite file of another program (tables, but no Synoptic schema version) or of a
        newer Synoptic, before anything is written to it. Version and tables are read in one statement,
        so a run migrating the same new store meanwhile is seen either before or after, never half."""
        version, tables = self.conn.execute(
            "SELECT (SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM sqlite_master)"
        ).fetchone()
        if version == 0 and tables:
            raise StoreError(f"{self.path} is an SQLite database of another program, not a Synoptic store")
        if version > len(MIGRATIONS):
            raise StoreError(
                f"store {self.path} has schema version {version}, newer than this Synoptic "
                f"({len(MIGRATIONS)}); upgrade Synoptic"
            )

    def check(self) -> None:
        """Read every page (`PRAGMA quick_check`); StoreError when the file is damaged."""
        try:
            rows = [r[0] for r in self.conn.execute("PRAGMA quick_check").fetchall()]
        except sqlite3.Error as exc:
            raise StoreError(store_problem(self.path, exc)) from exc
        if rows != ["ok"]:
            raise StoreError(
                f"store {self.path} is damaged ({rows[0]}); restore a backup or start a new store with --db"
            )

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> Store:
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; rolled back on any exception. SQLite's errors (a read-only file,
        a full disk, a damaged page) become a StoreError that says what happened to the store."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise StoreError(store_problem(self.path, exc)) from exc

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        """Bring the schema to the newest version; refuse a store written by a newer Synoptic."""
        with self.transaction() as conn:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version > len(MIGRATIONS):
                raise StoreError(
                    f"store {self.path} has schema version {version}, newer than this Synoptic "
                    f"({len(MIGRATIONS)}); upgrade Synoptic"
                )
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in script.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")

    # -- articles ----------------------------------------------------------------------------

    def add_articles(self, articles: Iterable[Article]) -> list[str]:
        """Insert articles not yet stored (by content id); returns the ids that were new."""
        new: list[str] = []
        articles = list(articles)
        with self.transaction() as conn:
            sql = "SELECT id FROM articles WHERE id IN ({marks})"
            stored = {r[0] for r in select_in(conn, sql, [a.id for a in articles])}
            for a in articles:
                if a.id not in stored:
                    stored.add(a.id)
                    if self._insert_article(conn, a):
                        new.append(a.id)
                conn.executemany(
                    "INSERT OR IGNORE INTO article_paths VALUES (?, ?)",
                    [(a.id, path) for path in (a.path, *a.duplicate_paths)],
                )
                conn.executemany(provenance.INSERT, provenance.rows(a))
        return new

    @staticmethod
    def _insert_article(conn: sqlite3.Connection, a: Article) -> bool:
        """Insert one article (True when it was not stored yet). Call it only for articles not known
        to be stored: binding a text keeps a UTF-8 copy inside the string for as long as the string
        lives, which on a whole-store rerun would double the memory of every non-ASCII text."""
        cur = conn.execute(
            "INSERT OR IGNORE INTO articles (id, path, language, language_how, title, outlet, authors,"
            " published_date, published_how, url, text) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                a.id,
                a.path,
                a.language,
                a.language_how,
                a.title,
                a.outlet,
                json.dumps(list(a.authors)),
                a.published.date,
                a.published.how,
                a.url,
                a.text,
            ),
        )
        return bool(cur.rowcount)

    def remove_articles(self, ids: Iterable[str]) -> None:
        """Forget articles (with their paths and cached annotations); their rejections stay."""
        with self.transaction() as conn:
            conn.executemany("DELETE FROM articles WHERE id=?", [(i,) for i in ids])

    def update_articles(self, articles: Iterable[Article]) -> None:
        """Store what stages learned about stored articles (language, inferred dates)."""
        with self.transaction() as conn:
            for a in articles:
                conn.execute(
                    "UPDATE articles SET language=?, language_how=?, published_date=?, published_how=? WHERE id=?",
                    (a.language, a.language_how, a.published.date, a.published.how, a.id),
                )

    @staticmethod
    def _article(row: sqlite3.Row | tuple[Any, ...]) -> Article:
        (id_, path, language, language_how, title, outlet, authors, pdate, phow, url, text) = row
        return Article(
            id=id_,
            path=path,
            language=language,
            title=title,
            outlet=outlet,
            authors=tuple(json.loads(authors)),
            published=Published(pdate, phow),
            text=text,
            url=url,
            language_how=language_how,
        )

    _COLUMNS = "id, path, language, language_how, title, outlet, authors, published_date, published_how, url, text"

    def articles(self, ids: Sequence[str] | None = None) -> list[Article]:
        """Stored articles (all, or those with the given ids, in that order)."""
        if ids is None:
            rows = self.conn.execute(f"SELECT {self._COLUMNS} FROM articles ORDER BY rowid").fetchall()
            return provenance.attach(self.conn, [self._article(r) for r in rows])
        found = {a.id: a for a in provenance.attach(self.conn, list(self._articles_by_ids(ids)))}
        return [found[i] for i in ids if i in found]

    def _articles_by_ids(self, ids: Sequence[str]) -> Iterator[Article]:
        for row in select_in(self.conn, f"SELECT {self._COLUMNS} FROM articles WHERE id IN ({{marks}})", ids):
            yield self._article(row)

    def article(self, article_id: str) -> Article | None:
        row = self.conn.execute(f"SELECT {self._COLUMNS} FROM articles WHERE id=?", (article_id,)).fetchone()
        return provenance.attach(self.conn, [self._article(row)])[0] if row else None

    def count_articles(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    def paths(self, article_id: str) -> list[str]:
        rows = self.conn.execute("SELECT path FROM article_paths WHERE article_id=? ORDER BY path", (article_id,))
        return [r[0] for r in rows]

    # -- rejections --------------------------------------------------------------------------

    def add_rejections(self, rejections: Iterable[Rejection]) -> None:
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO rejections (path, reason) VALUES (?, ?)",
                [(r.path, r.reason) for r in rejections],
            )

    def rejections(self) -> list[Rejection]:
        return [Rejection(p, r) for p, r in self.conn.execute("SELECT path, reason FROM rejections ORDER BY rowid")]

    # -- annotation cache --------------------------------------------------------------------

    def save_documents(self, docs: Iterable[Document], signature: str) -> None:
        """Cache annotated documents under the pipeline's per-article signature."""
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO documents (article_id, signature, data) VALUES (?, ?, ?)",
                [(d.id, signature, json.dumps(to_plain(d), ensure_ascii=False)) for d in docs],
            )

    def cached_ids(self, ids: Sequence[str], signature: str) -> set[str]:
        """The ids among these with a cached document made by the same per-article stages (none decoded)."""
        sql = "SELECT article_id FROM documents WHERE signature=? AND article_id IN ({marks})"
        return {article_id for (article_id,) in select_in(self.conn, sql, ids, signature)}

    def cached_documents(self, ids: Sequence[str], signature: str) -> dict[str, Document]:
        """Cached documents for these ids made by the same per-article stages."""
        out: dict[str, Document] = {}
        sql = "SELECT article_id, data FROM documents WHERE signature=? AND article_id IN ({marks})"
        for article_id, data in select_in(self.conn, sql, ids, signature):
            out[article_id] = decode(Document, json.loads(data))
        return out

    # -- vectors -----------------------------------------------------------------------------

    def get_vectors(self, model: str, keys: Sequence[bytes]) -> dict[bytes, npt.NDArray[np.float16]]:
        """Stored float16 vectors of `model` among these text keys."""
        return stored_vectors(self.conn, model, keys)

    def forked_reader(self) -> VectorReader | None:
        """A reader of this store's vectors for a process forked from this one (`VectorCache`)."""
        return None if self.path == ":memory:" else VectorReader(self.path)

    def put_vectors(self, model: str, rows: Mapping[bytes, npt.NDArray[np.float16]]) -> None:
        """Keep vectors of `model` by text key (a key already stored keeps its vector)."""
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO vectors (model, key, vec) VALUES (?, ?, ?)",
                [(model, key, np.asarray(vec, dtype=np.float16).tobytes()) for key, vec in rows.items()],
            )

    def count_vectors(self, model: str) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM vectors WHERE model=?", (model,)).fetchone()[0])

    # -- analyses ----------------------------------------------------------------------------

    def save_analysis(self, analysis: dict[str, Any]) -> int:
        """Keep an analysis JSON document; returns its run number."""
        with self.transaction() as conn:
            cur = conn.execute("INSERT INTO analyses (data) VALUES (?)", (json.dumps(analysis, ensure_ascii=False),))
            return int(cur.lastrowid or 0)

    def save_analysis_text(self, pieces: Iterable[str]) -> int:
        """Keep an analysis JSON document given as text in pieces (`codec.iter_json`); returns its run
        number. The text goes through a temporary file into an SQLite blob, so a large store's analysis
        is never one string in memory."""
        with tempfile.TemporaryFile() as spool:
            for piece in pieces:
                spool.write(piece.encode("utf-8"))
            size = spool.tell()
            spool.seek(0)
            with self.transaction() as conn:
                run = int(conn.execute("INSERT INTO analyses (data) VALUES (zeroblob(?))", (size,)).lastrowid or 0)
                with conn.blobopen("analyses", "data", run) as blob:
                    while chunk := spool.read(ANALYSIS_CHUNK):
                        blob.write(chunk)
        return run

    def latest_analysis(self) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT data FROM analyses ORDER BY id DESC LIMIT 1").fetchone()
        return json.loads(row[0]) if row else None


def stored_vectors(conn: sqlite3.Connection, model: str, keys: Sequence[bytes]) -> dict[bytes, npt.NDArray[np.float16]]:
    """The float16 vectors of `model` among these text keys in the store open on `conn`."""
    out: dict[bytes, npt.NDArray[np.float16]] = {}
    sql = "SELECT key, vec FROM vectors WHERE model=? AND key IN ({marks})"
    for key, vec in select_in(conn, sql, keys, model):
        out[bytes(key)] = np.frombuffer(vec, dtype=np.float16)
    return out


class VectorReader:
    """A store's vectors read through a connection of its own, opened on first use: what
    a process forked from the store's owner reads them through (an SQLite connection must not cross a
    fork). It keeps nothing: the parent process stores what its child encoded."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None

    def get_vectors(self, model: str, keys: Sequence[bytes]) -> dict[bytes, npt.NDArray[np.float16]]:
        if self._conn is None:
            self._conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)
        return stored_vectors(self._conn, model, keys)

    def put_vectors(self, model: str, rows: Mapping[bytes, npt.NDArray[np.float16]]) -> None:
        """Nothing: the parent stores them (`pipeline.ForkAware`)."""

    def forked_reader(self) -> VectorReader:
        return VectorReader(self.path)
