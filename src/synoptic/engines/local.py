"""The local engine: per-article stages over batches, in this process or a pool of processes.

Per-article stages are CPU-bound Python and spaCy, which one process runs on one core. When enough
articles wait (`Settings.parallel_min_articles`) and `Settings.workers` allows more than one process,
batches go to a pool of worker processes, each loading its models once; a forked worker takes the
models its stages preload (the gazetteer, spaCy pipelines) from the parent, which loads them once.
Workers are forked where the platform can (as spaCy's `n_process` does), so a caller's script needs
no `__main__` guard, and spawned elsewhere. Results come back in input order, so the output equals the in-process run's.
Stages that are not module-level objects of the synoptic package cannot be named in another process
and run in-process.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from functools import partial
from multiprocessing import get_all_start_methods, get_context
from typing import Any, cast

from ..machine import usable_cpus
from ..models import Document, Rejection
from ..pipeline import Context, Stage, run_article_stages
from ..progress import NullProgress, Progress
from ..settings import Settings
from .forking import can_fork, child_reply, start_child
from .refs import StageRef, resolve_stage, stage_ref

_START_METHOD = "fork"
_log = logging.getLogger(__name__)
#: The worker process's stages and context, set once by `_start_worker` (never at import).
_worker: tuple[list[Stage], Context] | None = None


#: How often a worker checks that the process that started it is still alive.
PARENT_CHECK_SECONDS = 1.0
_PR_SET_PDEATHSIG = 1


def _start_worker(refs: Sequence[StageRef], settings: Settings, parent: int, inherited: dict[str, Any]) -> None:
    global _worker
    _die_with_parent(parent)
    ctx = Context(settings)
    ctx.adopt(inherited)
    _worker = ([resolve_stage(r) for r in refs], ctx)
    # What the worker has now (the parent's heap, the models) lives as long as the worker: left out of
    # its garbage collector, whose full collections walked it again (about 0.3 s a worker in a
    # 247-article run) and, doing so, wrote to memory pages it shares with the parent.
    gc.freeze()


def _die_with_parent(parent: int) -> None:
    """End this worker when the analyzer that started it dies, even by SIGKILL (no clean-up runs then).

    Linux delivers SIGKILL to the worker at once (`PR_SET_PDEATHSIG`); everywhere a daemon thread also
    notices the parent is gone and exits, even while the main thread is blocked writing a result.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="synoptic-parent-watch", daemon=True).start()


def _run_batch(docs: list[Document]) -> tuple[list[Document], list[Rejection]]:
    assert _worker is not None, "worker not started"
    stages, ctx = _worker
    return run_article_stages(stages, docs, ctx)


def preload(stages: Sequence[Stage], ctx: Context, docs: Sequence[Document] = ()) -> dict[str, Any]:
    """Build the process-wide data and models of `stages` here, once, so that forked workers inherit
    them instead of each building its own; the resources built as forkable, for the workers.

    Loading is one thread of Python and leaves the other cores idle, so with `docs` (the articles the
    workers will annotate) each stage with `early` work first starts it in a process forked for it
    (`EarlyWork`), which builds what it needs and works while this process loads; it is stopped, and
    what it made taken over, before this returns. A process of its own, not a thread: a thread here
    would compete with the loading for the interpreter lock, and encode at about 60% of its speed."""
    helpers = [EarlyWork.start(s, docs, ctx) for s in stages if s.early is not None] if docs else []
    try:
        for stage in stages:
            if stage.preload is not None:
                stage.preload(ctx)
    finally:
        for helper in helpers:
            if helper is not None:
                ctx.adopt(helper.finish())
    return ctx.forkable()


#: Seconds an early-work process may take, once asked to stop, to send what it made: it stops between
#: two texts, a few hundredths of a second apart, or once its own model has loaded (about 0.3 s). After
#: that it is ended and its work dropped (the workers do it): a process forked beside another thread
#: can deadlock, and the run then waits this long, no longer.
EARLY_STOP_SECONDS = 10.0


class EarlyWork:
    """A stage's early work (`Stage.early`) in a forked process: it runs the stage's `preload` and then
    its early work until asked to stop, and sends back the forkable resources the early work made."""

    def __init__(self, stage: Stage, pid: int, results: int, stop: int) -> None:
        self.stage, self.pid, self._results, self._stop = stage, pid, results, stop

    @classmethod
    def start(cls, stage: Stage, docs: Sequence[Document], ctx: Context) -> EarlyWork | None:
        """Fork the process (from this thread, before any other starts here), or None where none can be."""
        if not can_fork():
            return None
        stop_r, stop_w = os.pipe()
        try:
            pid, results = start_child(partial(_early_work, stage, docs, ctx, stop_r), parent_only=[stop_w])
        except OSError as exc:
            os.close(stop_r)
            os.close(stop_w)
            _log.info("no early work for stage %r: no process could be forked (%s)", stage.name, exc)
            return None
        os.close(stop_r)
        return cls(stage, pid, results, stop_w)

    def finish(self) -> dict[str, Any]:
        """Ask the process to stop; the resources its early work made ({} when it failed: logged)."""
        os.close(self._stop)  # the child reads the end of the pipe as its signal to stop
        kind, value = child_reply(self.pid, self._results, time.monotonic() + EARLY_STOP_SECONDS)
        if kind == "done":
            return cast(dict[str, Any], value)
        why = value if kind == "failed" else f"it sent nothing within {EARLY_STOP_SECONDS:.0f} s of being stopped"
        _log.warning("early work of stage %r failed; its workers do it:\n%s", self.stage.name, why)
        return {}


def _stop_at_eof(fd: int, stop: threading.Event) -> None:
    """Set `stop` once the other end of the pipe `fd` is closed (or something is written to it)."""
    os.read(fd, 1)
    stop.set()


def _early_work(stage: Stage, docs: Sequence[Document], ctx: Context, stop_fd: int) -> dict[str, Any]:
    """In the forked process: the stage's preload and early work, until the parent closes its end of
    the stop pipe; the forkable resources the early work made."""
    stop = threading.Event()
    threading.Thread(target=_stop_at_eof, args=(stop_fd, stop), daemon=True).start()
    if stage.preload is not None:
        stage.preload(ctx)
    before = set(ctx.forkable())
    if stage.early is not None:
        stage.early(docs, ctx, stop)
    return {k: v for k, v in ctx.forkable().items() if k not in before}


def wanted_processes(settings: Settings, todo: int) -> int:
    """Processes a run of `todo` articles may use: 1 below the parallel threshold, else `workers` (0: all CPUs)."""
    if todo < settings.parallel_min_articles:
        return 1
    return settings.workers or usable_cpus()


def worker_count(settings: Settings, todo: int) -> int:
    """Processes to use for `todo` articles: those wanted (`wanted_processes`), at most one per batch."""
    return max(1, min(wanted_processes(settings, todo), -(-todo // settings.batch_size)))


class LocalEngine:
    """Runs per-article stages batch by batch, reporting progress per batch."""

    name = "local"
    #: steps of 512 articles: each step ends with every worker done and the parent saving, so small steps
    #: leave workers idle (247 real-news articles in steps of 128: 11.9 s; in one step: 8.9 to 10.5 s)
    checkpoint_batches = 32

    def __init__(self) -> None:
        self._pool: Executor | None = None
        self._pool_key: tuple[tuple[StageRef, ...], int] | None = None

    def map_articles(
        self,
        stages: Sequence[Stage],
        docs: Sequence[Document],
        ctx: Context,
        progress: Progress | None = None,
    ) -> tuple[list[Document], list[Rejection]]:
        progress = progress or NullProgress()
        size = ctx.settings.batch_size
        batches = [list(docs[i : i + size]) for i in range(0, len(docs), size)]
        pool = self._pool_for(stages, ctx, docs)
        results = pool.map(_run_batch, batches) if pool else (run_article_stages(stages, b, ctx) for b in batches)
        out: list[Document] = []
        rejected: list[Rejection] = []
        for batch, (done, bad) in zip(batches, results, strict=True):
            out.extend(done)
            rejected.extend(bad)
            progress.advance(len(batch))
        return out, rejected

    def _pool_for(self, stages: Sequence[Stage], ctx: Context, docs: Sequence[Document]) -> Executor | None:
        """A process pool for these stages (kept across calls of one run), or None to run in-process;
        a new pool's loading gives the stages' early work a head start on `docs`."""
        settings = ctx.settings
        refs = tuple(stage_ref(s) for s in stages)
        workers = worker_count(settings, len(docs))
        if workers <= 1 or not all(isinstance(r, tuple) for r in refs):
            return None
        if self._pool is None or self._pool_key != (refs, workers):
            self.close()
            method = _START_METHOD if _START_METHOD in get_all_start_methods() else "spawn"
            # forked workers share the parent's models as built (copy on write); spawned ones load their own
            inherited = preload(stages, ctx, docs) if method == "fork" else {}
            self._pool = ProcessPoolExecutor(
                workers,
                mp_context=get_context(method),
                initializer=_start_worker,
                initargs=(refs, settings, os.getpid(), inherited),
            )
            self._pool_key = (refs, workers)
        return self._pool

    def close(self) -> None:
        """Stop the worker processes, if any were started."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool, self._pool_key = None, None
