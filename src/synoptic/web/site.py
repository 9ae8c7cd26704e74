"""What the web app serves from: the store, the settings and the cached read model of the latest run."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from ..pipeline import Pipeline
from ..present.corpus import Corpus
from ..settings import Settings
from ..store.sqlite import Store
from .jobs import JobQueue


@dataclass
class Site:
    """What the app serves from: a store path, options, and a per-thread store connection.

    SQLite connections belong to the thread that opened them, and request handlers run in a
    thread pool, so each thread opens its own. The parsed analysis is cached by run number.
    """

    db: str
    settings: Settings = field(default_factory=Settings)
    token: str | None = None
    pipeline: Pipeline | None = None
    analysis_lock: threading.Lock = field(default_factory=threading.Lock)
    _local: threading.local = field(default_factory=threading.local)
    _cache: tuple[int, Corpus] | None = None
    _jobs: JobQueue | None = None

    def close(self) -> None:
        """Let the upload worker stop after its current job (the server is shutting down)."""
        if self._jobs is not None:
            self._jobs.close()

    @property
    def jobs(self) -> JobQueue:
        """The upload queue and its worker (made on first use, not at import)."""
        if self._jobs is None:
            self._jobs = JobQueue(self)
        return self._jobs

    def store(self) -> Store:
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = Store(self.db)
            self._local.store = store
        return store

    def run(self) -> int:
        """The number of the latest analysis run (0 when there is none)."""
        row = self.store().conn.execute("SELECT coalesce(max(id), 0) FROM analyses").fetchone()
        return int(row[0])

    def corpus(self) -> Corpus:
        run = self.run()
        cached = self._cache
        if cached is not None and cached[0] == run:
            return cached[1]
        corpus = Corpus(self.store().latest_analysis())
        self._cache = (run, corpus)
        return corpus
