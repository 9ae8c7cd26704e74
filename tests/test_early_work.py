"""Early work of article stages (`Stage.early`): started by the local engine in a forked process while
the other stages' models load, stopped before the workers fork, and invisible in the results: the same
vectors, counts and stored rows as without it."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conftest import plain_json
from synoptic.api import analyze
from synoptic.embed import (
    EARLY_VECTORS,
    E5Embedder,
    e5_embedder,
    e5_model,
    encode_early,
    model_text,
    stored_form,
    text_key,
)
from synoptic.engines import local
from synoptic.engines.local import EarlyWork, preload
from synoptic.models import Article, Document, Published
from synoptic.pipeline import Context, Stage, article_stage
from synoptic.settings import Settings
from synoptic.store.sqlite import Store
from synoptic.stories.features import early_leads, title_and_lead

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "corpus"
TEXTS = ["Talks in Geneva were constructive.", "Переговоры в Женеве были конструктивными.", "Pepeo iz vulkana."]


def _doc(n: int) -> Document:
    text = f"Article number {n} reports on the talks."
    return Document(Article(f"a{n}", f"a{n}.txt", "en", f"Title {n}", None, (), Published(), text))


def _stage(early: object, preload_fn: object = None) -> Stage:
    @article_stage("probe", requires=["text"], provides=["probe"], early=early, preload=preload_fn)  # type: ignore[arg-type]
    def probe(docs: Sequence[Document], ctx: Context) -> list[Document]:
        return list(docs)

    return probe


def test_early_work_runs_in_its_own_process_while_the_others_preload_and_is_stopped_after_them() -> None:
    def early(docs: Sequence[Document], ctx: Context, stop: threading.Event) -> None:
        stop.wait(10)
        ctx.resource("probe:out", lambda: (os.getpid(), [d.article.id for d in docs], time.monotonic()), forkable=True)

    loaded: list[float] = []

    def other_preload(ctx: Context) -> None:
        time.sleep(0.2)
        loaded.append(time.monotonic())

    ctx = Context(Settings())
    inherited = preload([_stage(early), _stage(None, other_preload)], ctx, [_doc(1), _doc(2)])
    pid, ids, stopped_at = inherited["probe:out"]  # what it made reaches the workers
    assert pid != os.getpid()
    assert ids == ["a1", "a2"]
    assert stopped_at >= loaded[0]  # stopped only once the others had loaded
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # ended and reaped


def _made(docs: list[Document]) -> dict[str, Any]:
    """What an early work that only marks that it ran sends back to `preload`."""

    def mark(d: Sequence[Document], ctx: Context, stop: threading.Event) -> None:
        ctx.resource("probe:ran", lambda: True, forkable=True)

    return preload([_stage(mark)], Context(Settings()), docs)


@pytest.mark.parametrize(
    ("docs", "expected"),
    [([], False), ([_doc(1)], True)],
    ids=["no articles: no early work", "articles: early work"],
)
def test_early_work_needs_articles(docs: list[Document], expected: bool) -> None:
    assert ("probe:ran" in _made(docs)) is expected


def test_failing_early_work_is_logged_and_the_preload_still_runs_here(caplog: pytest.LogCaptureFixture) -> None:
    def early(docs: Sequence[Document], ctx: Context, stop: threading.Event) -> None:
        raise RuntimeError("broken early work")

    loads: list[int] = []
    with caplog.at_level(logging.WARNING, logger="synoptic.engines.local"):
        inherited = preload([_stage(early, lambda ctx: loads.append(os.getpid()))], Context(Settings()), [_doc(1)])
    assert "early work of stage 'probe' failed" in caplog.text
    assert "broken early work" in caplog.text  # the child's traceback
    assert loads == [os.getpid()] and inherited == {}


def test_a_failing_preload_fails_aloud_in_the_engine_though_the_early_process_ran_it_first() -> None:
    def broken(ctx: Context) -> None:
        raise OSError("model missing")

    with pytest.raises(OSError, match="model missing"):
        preload([_stage(lambda d, c, s: None, broken)], Context(Settings()), [_doc(1)])


@pytest.mark.parametrize("how", ["ignores the stop", "dies"])
def test_early_work_that_hangs_or_dies_is_dropped_with_a_warning(
    how: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def early(docs: Sequence[Document], ctx: Context, stop: threading.Event) -> None:
        ctx.resource("probe:out", lambda: 1, forkable=True)
        if how == "dies":
            os._exit(3)
        time.sleep(60)

    monkeypatch.setattr(local, "EARLY_STOP_SECONDS", 0.5)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="synoptic.engines.local"):
        inherited = preload([_stage(early)], Context(Settings()), [_doc(1)])
    assert time.monotonic() - started < 10
    assert inherited == {}
    assert "early work of stage 'probe' failed" in caplog.text


def test_encode_early_stops_when_asked() -> None:
    ctx = Context(Settings())
    stop = threading.Event()
    stop.set()
    encode_early(ctx, TEXTS, stop)
    assert ctx.peek(EARLY_VECTORS) == {}


def test_vectors_encoded_early_are_those_encoded_late_and_count_as_encoded_on_first_use(tmp_path: Path) -> None:
    ctx = Context(Settings())
    encode_early(ctx, TEXTS[:2], threading.Event())
    early = ctx.peek(EARLY_VECTORS)
    assert set(early) == {model_text(t) for t in TEXTS[:2]}
    model = e5_model(ctx)
    for text in TEXTS[:2]:
        assert np.array_equal(early[model_text(text)], stored_form(model.query([text]))[0])

    loads: list[int] = []

    def load() -> Any:
        loads.append(1)
        return model

    with Store(tmp_path / "v.db") as store:
        embedder = E5Embedder(store=store, load=load, early=early)
        first = embedder.encode(TEXTS[:2])
        assert not loads, "every text was encoded early: the model is not even asked"
        assert early == {}, "taken out once used"
        assert (embedder.stats.encoded, embedder.stats.memory_hits) == (2, 0)
        assert len(store.get_vectors(E5Embedder.vectors, [text_key(model_text(t)) for t in TEXTS[:2]])) == 2
        again = embedder.encode(TEXTS)
        assert (embedder.stats.encoded, embedder.stats.memory_hits) == (3, 2)
        assert loads == [1]
    plain = E5Embedder(load=lambda: model)
    assert np.array_equal(first, plain.encode(TEXTS[:2]))
    assert np.array_equal(again, plain.encode(TEXTS))


def test_early_leads_encode_the_last_articles_first() -> None:
    ctx = Context(Settings())
    stop = threading.Event()
    docs = [_doc(n) for n in range(3)]
    seen: list[str] = []
    real = e5_model(ctx)

    class Counting:
        def query(self, texts: list[str], calls: int | None = None) -> np.ndarray:
            seen.append(texts[0])
            if len(seen) == 2:
                stop.set()
            return real.query(texts, calls=calls)

    ctx._resources["model:e5"] = Counting()
    early_leads(docs, ctx, stop)
    assert seen == [model_text(title_and_lead(docs[2])), model_text(title_and_lead(docs[1]))]
    assert set(ctx.peek(EARLY_VECTORS)) == set(seen)


def test_analysis_and_stored_vectors_are_the_same_with_and_without_early_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(workers=2, parallel_min_articles=0, batch_size=2)
    early_texts: list[int] = []
    real = EarlyWork.finish

    def counting(self: EarlyWork) -> dict[str, Any]:
        made = real(self)
        early_texts.append(len(made.get(EARLY_VECTORS, {})))
        return made

    monkeypatch.setattr(EarlyWork, "finish", counting)
    with_early = analyze([EXAMPLES], settings=settings, db=tmp_path / "early.db")
    assert early_texts and early_texts[0] > 0, "no title + lead vector was encoded early"
    monkeypatch.setattr("synoptic.stories.features.encode_early", lambda ctx, texts, stop: None)
    without = analyze([EXAMPLES], settings=settings, db=tmp_path / "plain.db")
    assert plain_json(with_early) == plain_json(without)
    rows = []
    for name in ("early.db", "plain.db"):
        with sqlite3.connect(tmp_path / name) as conn:
            rows.append(sorted(conn.execute("SELECT model, key, vec FROM vectors").fetchall()))
    assert rows[0] == rows[1] and rows[0]


def test_e5_embedder_of_a_context_takes_the_early_vectors() -> None:
    ctx = Context(Settings())
    encode_early(ctx, TEXTS[:1], threading.Event())

    class Unusable:
        def query(self, texts: list[str], calls: int | None = None) -> np.ndarray:
            raise AssertionError(f"encoded again: {texts}")

    ctx._resources["model:e5"] = Unusable()
    embedder = e5_embedder(ctx)
    assert isinstance(embedder, E5Embedder)
    assert embedder.encode(TEXTS[:1]).shape == (1, 384)
    assert embedder.stats.encoded == 1
    with pytest.raises(AssertionError, match="encoded again"):
        embedder.encode(TEXTS[1:2])
