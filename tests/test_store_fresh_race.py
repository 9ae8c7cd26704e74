"""Runs that open one new store at the same moment all get it: none is told it is locked or foreign.

Before the fix, about one opening in ten failed here: SQLite refuses a second simultaneous switch of a
new file to WAL at once, without waiting, and a reader could see another run's tables before its
schema version."""

from __future__ import annotations

import multiprocessing as mp
import traceback
from multiprocessing.synchronize import Barrier
from pathlib import Path

from synoptic.store.sqlite import Store

OPENERS = 3
TRIES = 40


def _open_together(path: str, barrier: Barrier, problems: mp.Queue) -> None:  # type: ignore[type-arg]
    barrier.wait()
    try:
        Store(path).close()
        problems.put("")
    except Exception:  # the test reports whatever went wrong
        problems.put(traceback.format_exc(limit=1))


def test_store_fresh_file_opened_by_several_runs_at_once(tmp_path: Path) -> None:
    ctx = mp.get_context("fork")
    problems: list[str] = []
    for n in range(TRIES):
        path = str(tmp_path / f"{n}.db")
        barrier, queue = ctx.Barrier(OPENERS), ctx.Queue()
        procs = [ctx.Process(target=_open_together, args=(path, barrier, queue)) for _ in range(OPENERS)]
        for proc in procs:
            proc.start()
        problems.extend(p for p in (queue.get(timeout=120) for _ in procs) if p)
        for proc in procs:
            proc.join()
        with Store(path) as store:
            assert store.schema_version >= 1
    assert problems == []
