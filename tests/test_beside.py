"""Corpus stages beside each other (`engines.beside`): a stage declared `beside` runs in a forked process
while the parent runs the stages after it that do not require its output, with the same result as
one after another; a child that fails or dies costs only the time (the stage runs in the parent)."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conftest import plain_json
from synoptic import api
from synoptic.default_pipeline import default_pipeline
from synoptic.embed import E5Embedder, EmbedStats, text_key
from synoptic.engines import beside
from synoptic.engines.beside import Step, corpus_steps, run_step
from synoptic.errors import PipelineError
from synoptic.models import Rejection
from synoptic.pipeline import Context, CorpusLayer, CorpusState, ForkAware, Slot, Stage, corpus_stage
from synoptic.settings import Settings
from synoptic.store.sqlite import Store, VectorReader

ROOT = Path(__file__).resolve().parents[1]
PARENT = os.getpid()


@dataclass(frozen=True)
class Marks(CorpusLayer):
    """An intermediate layer the toy stages add: which process wrote it."""

    layer = "marks"
    pid: int


@dataclass(frozen=True)
class OtherMarks(CorpusLayer):
    layer = "other_marks"
    pid: int


def _pid_rejection(state: CorpusState, ctx: Context) -> CorpusState:
    return replace(state, rejected=(*state.rejected, Rejection("side", str(os.getpid()))))


def _stage(name: str, fn: Any, requires: set[str], provides: set[str], side: bool = False) -> Stage:
    return corpus_stage(name, requires=requires, provides=provides, beside=side)(fn)


SIDE = _stage("side", _pid_rejection, {"text"}, {"x"}, side=True)
MAIN = _stage("main", lambda s, c: s.with_layer(Marks(os.getpid())), {"text"}, {"marks"})
MAIN2 = _stage("main2", lambda s, c: s.with_layer(OtherMarks(os.getpid())), {"marks"}, {"other_marks"})
NEEDS_X = _stage("needs_x", lambda s, c: s, {"x"}, {"y"})


def _names(steps: list[Step]) -> list[tuple[str | None, tuple[str, ...]]]:
    return [(s.side.name if s.side else None, tuple(m.name for m in s.main)) for s in steps]


@pytest.mark.parametrize(
    ("stages", "allowed", "expected"),
    [
        ([SIDE, MAIN, MAIN2, NEEDS_X], True, [("side", ("main", "main2")), (None, ("needs_x",))]),
        ([SIDE, MAIN, NEEDS_X, MAIN2], True, [("side", ("main",)), (None, ("needs_x",)), (None, ("main2",))]),
        ([MAIN, SIDE, NEEDS_X], True, [(None, ("main",)), (None, ("side",)), (None, ("needs_x",))]),  # nothing beside
        ([MAIN, SIDE], True, [(None, ("main",)), (None, ("side",))]),  # the last stage: nothing after it
        ([SIDE, MAIN, NEEDS_X], False, [(None, ("side",)), (None, ("main",)), (None, ("needs_x",))]),  # not allowed
        ([MAIN, MAIN2], True, [(None, ("main",)), (None, ("main2",))]),  # no stage declares beside
    ],
)
def test_steps_put_a_beside_stage_next_to_the_stages_up_to_the_first_needing_its_output(
    stages: list[Stage], allowed: bool, expected: list[tuple[str | None, tuple[str, ...]]]
) -> None:
    assert _names(corpus_steps(stages, allowed)) == expected


REWRITES = corpus_stage("rewrites", requires={"text"}, provides={"z"}, beside=True, rewrites={"marks"})(lambda s, c: s)


@pytest.mark.parametrize(
    ("stages", "expected"),
    [
        ([REWRITES, NEEDS_X, MAIN2], [("rewrites", ("needs_x",)), (None, ("main2",))]),  # main2 reads marks
        ([REWRITES, MAIN2], [(None, ("rewrites",)), (None, ("main2",))]),
    ],
)
def test_a_stage_beside_another_never_requires_a_layer_the_other_rewrites(
    stages: list[Stage], expected: list[tuple[str | None, tuple[str, ...]]]
) -> None:
    assert _names(corpus_steps(stages, True)) == expected


def test_in_the_default_pipeline_links_and_quote_groups_run_beside_the_stages_not_reading_them() -> None:
    corpus = [s for s in default_pipeline().stages if s.scope == "corpus"]
    beside_steps = [s for s in _names(corpus_steps(corpus, True)) if s[0] is not None]
    assert beside_steps == [("link_entities", ("derivations",)), ("quote_groups", ("events", "claims", "conflicts"))]
    assert [s.name for s in corpus if s.beside] == ["link_entities", "quote_groups"]
    after_links = [s.name for s in corpus[corpus.index(next(s for s in corpus if s.name == "derivations")) + 1 :]]
    readers = [s.name for s in corpus if s.requires & {"entities", "mentions"}]
    assert "quote_groups" in readers and set(after_links) >= {"quote_groups", "claims"}


def _state() -> CorpusState:
    return CorpusState(documents=[])


def _run(step: Step, state: CorpusState | None = None) -> tuple[CorpusState, list[str]]:
    seen: list[str] = []
    out = run_step(step, state or _state(), Context(Settings()), seen.append)
    return out, seen


def test_the_side_stage_runs_in_another_process_and_its_changes_are_merged() -> None:
    out, seen = _run(Step((MAIN, MAIN2), SIDE))
    assert seen == ["side (in parallel)", "main", "main2"]  # as the phases are announced
    [rejection] = out.rejected
    assert int(rejection.reason) != PARENT  # written in the child
    assert out.layer(Marks).pid == PARENT and out.layer(OtherMarks).pid == PARENT
    assert {"x", "marks", "other_marks"} <= out.provided


def _sees_marks(state: CorpusState, ctx: Context) -> CorpusState:
    seen = any(isinstance(x, Marks) for x in state.intermediate)
    return replace(state, rejected=(Rejection("side", f"{os.getpid()} saw marks: {seen}"),))


def test_without_fork_the_side_stage_runs_here_on_the_state_before_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(beside, "can_fork", lambda: False)
    side = _stage("side", _sees_marks, {"text"}, {"x"}, side=True)
    out, seen = _run(Step((MAIN,), side))
    assert seen == ["main", "side"]  # as they run
    assert [r.reason for r in out.rejected] == [f"{PARENT} saw marks: False"]  # as when it ran first
    assert out.layer(Marks).pid == PARENT and "x" in out.provided


def test_a_layer_the_side_stage_adds_is_merged() -> None:
    side = _stage("side", lambda s, c: s.with_layer(OtherMarks(os.getpid())), {"text"}, {"other_marks"}, side=True)
    out, _ = _run(Step((MAIN,), side))
    assert out.layer(OtherMarks).pid != PARENT and out.layer(Marks).pid == PARENT


@pytest.mark.parametrize(
    "main",
    [
        _stage("main", _pid_rejection, {"text"}, {"marks"}),  # the same field
        _stage("main", lambda s, c: s.with_layer(OtherMarks(0)), {"text"}, {"other_marks"}),  # the same layer
    ],
    ids=["field", "layer"],
)
def test_a_side_stage_and_a_main_stage_changing_the_same_thing_is_an_error(main: Stage) -> None:
    side = _stage(
        "side", lambda s, c: _pid_rejection(s, c).with_layer(OtherMarks(1)), {"text"}, {"x", "other_marks"}, side=True
    )
    with pytest.raises(PipelineError, match="'side' ran beside main and both changed"):
        _run(Step((main,), side))


def _fails_in_a_child(state: CorpusState, ctx: Context) -> CorpusState:
    if os.getpid() != PARENT:
        raise ValueError("only in the child")
    return _pid_rejection(state, ctx)


def _dies_in_a_child(state: CorpusState, ctx: Context) -> CorpusState:
    if os.getpid() != PARENT:
        os._exit(3)  # killed before sending anything
    return _pid_rejection(state, ctx)


@pytest.mark.parametrize(("fn", "logged"), [(_fails_in_a_child, "only in the child"), (_dies_in_a_child, "no result")])
def test_a_child_that_fails_or_dies_leaves_the_stage_to_the_parent(
    fn: Any, logged: str, caplog: pytest.LogCaptureFixture
) -> None:
    side = _stage("side", fn, {"text"}, {"x"}, side=True)
    with caplog.at_level(logging.WARNING, logger="synoptic.engines.beside"):
        out, seen = _run(Step((MAIN,), side))
    assert seen == ["side (in parallel)", "main", "side"]  # started in a child, then run here
    assert [r.reason for r in out.rejected] == [str(PARENT)]
    assert "side failed in a forked process; running it here instead" in caplog.text and logged in caplog.text


def test_when_a_main_stage_fails_the_child_is_ended_and_reaped(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[Any] = []
    real_start = beside._Child.start

    def start(stage: Stage, state: CorpusState, ctx: Context) -> Any:
        child = real_start(stage, state, ctx)
        started.append(child)
        return child

    monkeypatch.setattr(beside._Child, "start", staticmethod(start))
    slow = _stage("side", lambda s, c: (__import__("time").sleep(30), s)[1], {"text"}, {"x"}, side=True)
    boom = _stage("main", lambda s, c: 1 / 0, {"text"}, {"marks"})
    with pytest.raises(ZeroDivisionError):
        _run(Step((boom,), slow))
    with pytest.raises(ChildProcessError):  # already reaped: no zombie left behind
        os.waitpid(started[0].pid, os.WNOHANG)


class _Recorder:
    """A `ForkAware` resource: counts calls in the child, and what the parent took over."""

    def __init__(self) -> None:
        self.in_child = False
        self.taken: list[object] = []

    def forked_child(self) -> None:
        self.in_child = True

    def child_changes(self) -> object:
        return ("from", os.getpid())

    def take_child_changes(self, changes: object) -> None:
        self.taken.append(changes)


def test_fork_aware_resources_send_their_changes_to_the_parent() -> None:
    ctx = Context(Settings())
    recorder = ctx.resource("recorder", _Recorder)
    assert isinstance(recorder, ForkAware)
    run_step(Step((MAIN,), SIDE), _state(), ctx, lambda name: None)
    assert not recorder.in_child  # the parent's copy
    [(word, pid)] = recorder.taken
    assert word == "from" and pid != PARENT


def test_a_forked_context_reads_the_store_through_its_own_connection_and_offers_no_slots(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        ctx = Context(Settings(), store=store)
        ctx.provide(Slot[str]("memory"), lambda: "built on the store")
        recorder = ctx.resource("recorder", _Recorder)
        ctx.forked_child()
        assert isinstance(ctx.store, VectorReader) and ctx.store.path == store.path
        assert ctx.provided(Slot[str]("memory")) is None
        assert recorder.in_child
    memory = Context(Settings(), store=Store(":memory:"))
    memory.forked_child()
    assert memory.store is None  # an in-memory store cannot be opened again


def test_a_vector_reader_reads_stored_vectors_and_keeps_nothing(tmp_path: Path) -> None:
    row = np.arange(4, dtype=np.float16)
    with Store(tmp_path / "s.db") as store:
        store.put_vectors("m", {b"k1": row})
        reader = store.forked_reader()
        assert reader is not None
        found = reader.get_vectors("m", [b"k1", b"k2"])
        assert list(found) == [b"k1"] and np.array_equal(found[b"k1"], row)
        reader.put_vectors("m", {b"k2": row})
        assert store.count_vectors("m") == 1
        assert Store(":memory:").forked_reader() is None


class _Model:
    """A stand-in E5: a text's vector from its length, so that any text can be checked."""

    def query(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for i, t in enumerate(texts):
            out[i, len(t) % 384] = 1.0
        return out


class _NoModel:
    def query(self, texts: list[str]) -> np.ndarray:
        raise AssertionError(f"encoded again: {texts}")


def test_vectors_a_forked_e5_encodes_are_kept_and_stored_by_the_parent(tmp_path: Path) -> None:
    texts = ["Talks in Geneva", "Переговоры в Женеве"]
    with Store(tmp_path / "s.db") as store:
        child = E5Embedder(store=store, load=_Model)
        child.forked_child()  # as in the forked process
        expected = child.encode(texts)
        assert store.count_vectors(E5Embedder.vectors) == 0  # the child stores nothing itself
        changes = child.child_changes()
        parent = E5Embedder(store=store, load=_NoModel)
        parent.take_child_changes(changes)
        assert np.array_equal(parent.encode(texts), expected)  # remembered: not encoded again
        assert store.count_vectors(E5Embedder.vectors) == 2
        assert set(store.get_vectors(E5Embedder.vectors, [text_key(t) for t in texts])) == {text_key(t) for t in texts}
        assert parent.stats.encoded == 2 and parent.stats.words == 6  # the child's counts, taken over
    nothing = E5Embedder(load=_NoModel)
    nothing.forked_child()
    assert nothing.child_changes() == ({}, EmbedStats())


def test_analyze_gives_the_same_analysis_and_stores_the_same_vectors_beside_or_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(workers=2, parallel_min_articles=0)
    folder = ROOT / "examples" / "corpus"
    forked: list[str] = []
    real_start = beside._Child.start

    def start(stage: Stage, state: CorpusState, ctx: Context) -> Any:
        forked.append(stage.name)
        return real_start(stage, state, ctx)

    monkeypatch.setattr(beside._Child, "start", staticmethod(start))
    side_by_side = api.analyze([folder], settings=settings, db=tmp_path / "beside.db")
    assert forked == ["link_entities", "quote_groups"]
    monkeypatch.setattr(api, "beside_allowed", lambda state, settings: False)
    in_turn = api.analyze([folder], settings=settings, db=tmp_path / "in_turn.db")
    assert forked == ["link_entities", "quote_groups"]  # not again
    assert plain_json(side_by_side) == plain_json(in_turn)
    assert side_by_side.quote_groups  # the stage run beside others found groups
    counts = []
    for name in ("beside.db", "in_turn.db"):
        with sqlite3.connect(tmp_path / name) as conn:
            counts.append(sorted(conn.execute("SELECT model, key FROM vectors").fetchall()))
    assert counts[0] == counts[1] and counts[0]


@dataclass
class _Docs:
    size: int
    encoded: bool = False

    def __len__(self) -> int:
        return self.size


@dataclass
class _State:
    documents: _Docs


@pytest.mark.parametrize(
    ("settings", "docs", "allowed"),
    [
        (Settings(workers=2), _Docs(247), True),
        (Settings(workers=2), _Docs(199), False),  # below parallel_min_articles: one process
        (Settings(workers=1), _Docs(247), False),  # one process asked for
        (Settings(workers=2, parallel_min_articles=10), _Docs(16), True),
        (Settings(workers=2), _Docs(3000, encoded=True), False),  # a large run keeps its memory bounded
        (Settings(workers=2, engine="ray"), _Docs(247), False),  # a Ray driver is not forked
    ],
)
def test_stages_run_beside_each_other_only_where_the_run_uses_several_processes(
    settings: Settings, docs: _Docs, allowed: bool
) -> None:
    assert api.beside_allowed(_State(docs), settings) is allowed  # type: ignore[arg-type]


def test_stages_run_one_after_another_where_no_process_can_be_forked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "can_fork", lambda: False)
    assert api.beside_allowed(_State(_Docs(247)), Settings(workers=2)) is False  # type: ignore[arg-type]


def _hangs_in_a_child(state: CorpusState, ctx: Context) -> CorpusState:
    if os.getpid() != PARENT:
        __import__("time").sleep(60)  # as a deadlocked child would
    return _pid_rejection(state, ctx)


def test_a_child_that_sends_nothing_in_time_is_ended_and_its_stage_runs_here(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(beside, "GRACE_SECONDS", 0.5)
    started: list[Any] = []
    real_start = beside._Child.start

    def start(stage: Stage, state: CorpusState, ctx: Context) -> Any:
        started.append(real_start(stage, state, ctx))
        return started[-1]

    monkeypatch.setattr(beside._Child, "start", staticmethod(start))
    side = _stage("side", _hangs_in_a_child, {"text"}, {"x"}, side=True)
    with caplog.at_level(logging.WARNING, logger="synoptic.engines.beside"):
        out, _ = _run(Step((MAIN,), side))
    assert [r.reason for r in out.rejected] == [str(PARENT)]
    assert "side did not finish in a forked process within 0 s" in caplog.text
    with pytest.raises(ChildProcessError):  # ended and reaped
        os.waitpid(started[0].pid, os.WNOHANG)


def _sleeps(seconds: float, then: Any) -> Any:
    def fn(state: CorpusState, ctx: Context) -> CorpusState:
        time.sleep(seconds)
        return then(state, ctx)

    return fn


def _side_and_main(side_fn: Any, main_waits: bool) -> tuple[list[str], list[str]]:
    """The names announced, and the order in which the side stage's end was heard and the main stage
    ended (the main stage waits, up to 10 s, for the side's end to be heard when `main_waits`)."""
    seen: list[str] = []
    order: list[str] = []
    heard = threading.Event()

    def main_fn(state: CorpusState, ctx: Context) -> CorpusState:
        if main_waits:
            heard.wait(10)
        order.append("main ended")
        return state.with_layer(Marks(os.getpid()))

    def on_side(name: str) -> Any:
        seen.append(name)

        def ended() -> None:
            order.append("side ended")
            heard.set()

        return ended

    step = Step((_stage("main", main_fn, {"text"}, {"marks"}),), _stage("side", side_fn, {"text"}, {"x"}, side=True))
    run_step(step, _state(), Context(Settings()), seen.append, on_side)
    heard.wait(10)  # at the latest, the watcher sees the parent collect the reply
    time.sleep(2 * beside.REPLY_POLL_SECONDS)  # time for a second call, which must not come
    return seen, order


@pytest.mark.parametrize(
    ("side_fn", "main_waits", "order"),
    [
        (_pid_rejection, True, ["side ended", "main ended"]),  # heard while the main stage still runs
        (_fails_in_a_child, True, ["side ended", "main ended"]),  # a failure is a reply too
        (_dies_in_a_child, True, ["side ended", "main ended"]),  # so is a death
        (_sleeps(1.0, _pid_rejection), False, ["main ended", "side ended"]),  # longer than the main stage
    ],
    ids=["quick", "fails", "dies", "slow"],
)
def test_a_side_stage_announced_apart_is_heard_ending_once_when_its_child_replies(
    side_fn: Any, main_waits: bool, order: list[str]
) -> None:
    seen, heard = _side_and_main(side_fn, main_waits)
    assert seen[0] == "side (in parallel)" and "main" in seen
    assert heard == order


def test_the_progress_bars_keep_a_phase_count_whatever_runs_beside_it() -> None:
    from io import StringIO

    from rich.console import Console

    from synoptic.cli_progress import RichProgress

    bars = RichProgress(Console(file=StringIO(), force_terminal=False))
    bars.phase("annotating", 3)
    bars.advance(2)
    ended = bars.beside("side (in parallel)")
    bars.phase("main", None)
    ended()
    bars.done()
    tasks = {t.description: t for t in bars._bar.tasks}
    assert (tasks["annotating"].completed, tasks["annotating"].total) == (2, 2)  # not the side bar's count
    assert tasks["side (in parallel)"].finished and tasks["main"].finished
    assert tasks["side (in parallel)"].finished_time is not None
