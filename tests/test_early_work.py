"""Early work of article stages (`Stage.early`): started by the local engine in a thread while the
other stages' models load, stopped before the workers fork, and invisible in the results: the same
vectors, counts and stored rows as without it."""

from __future__ import annotations

import logging
import sqlite3
import threading
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
from synoptic.engines.local import preload
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


def test_early_work_runs_in_a_thread_beside_the_other_preloads_and_is_joined() -> None:
    seen: dict[str, object] = {}
    other_done = threading.Event()

    def early(docs: Sequence[Document], ctx: Context, stop: threading.Event) -> None:
        seen["thread"] = threading.current_thread().name
        seen["docs"] = [d.article.id for d in docs]
        ctx.resource("probe:out", lambda: len(docs), forkable=True)
        stop.wait(10)
        seen["other preload done first"] = other_done.is_set()

    def other_preload(ctx: Context) -> None:
        other_done.set()

    ctx = Context(Settings())
    inherited = preload([_stage(early), _stage(None, other_preload)], ctx, [_doc(1), _doc(2)])
    assert seen["thread"] == "synoptic-early-probe"
    assert seen["docs"] == ["a1", "a2"]
    assert seen["other preload done first"] is True  # stopped only once the others had loaded
    assert inherited["probe:out"] == 2  # what it kept reaches the workers
    assert not any(t.name.startswith("synoptic-early") for t in threading.enumerate())


@pytest.mark.parametrize(
    ("docs", "expected"),
    [([], False), ([_doc(1)], True)],
    ids=["no articles: no early work", "articles: early work"],
)
def test_early_work_needs_articles(docs: list[Document], expected: bool) -> None:
    ran: list[bool] = []
    preload([_stage(lambda d, c, s: ran.append(True))], Context(Settings()), docs)
    assert bool(ran) is expected


def test_failing_early_work_is_logged_and_its_preload_still_runs(caplog: pytest.LogCaptureFixture) -> None:
    def early(docs: Sequence[Document], ctx: Context, stop: threading.Event) -> None:
        raise RuntimeError("broken early work")

    loads: list[str] = []
    with caplog.at_level(logging.WARNING, logger="synoptic.engines.local"):
        preload(
            [_stage(early, lambda ctx: loads.append(threading.current_thread().name))], Context(Settings()), [_doc(1)]
        )
    assert "early work of stage 'probe' failed" in caplog.text
    assert loads[0] == "synoptic-early-probe"  # its own preload runs first, in its thread


def test_a_failing_preload_in_the_early_thread_fails_aloud_in_the_engine() -> None:
    def broken(ctx: Context) -> None:
        raise OSError("model missing")

    with pytest.raises(OSError, match="model missing"):
        preload([_stage(lambda d, c, s: None, broken)], Context(Settings()), [_doc(1)])


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
    real = encode_early

    def counting(ctx: Context, texts: Sequence[str], stop: threading.Event) -> None:
        real(ctx, texts, stop)
        early_texts.append(len(ctx.peek(EARLY_VECTORS)))

    monkeypatch.setattr("synoptic.stories.features.encode_early", counting)
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
