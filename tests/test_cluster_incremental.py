"""Streaming story clustering: LSH candidates, stable ids, incremental runs in memory and in SQLite.

Signals are synthetic (controlled vectors, no models), so these tests are fast and exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from synoptic.store.sqlite import Store
from synoptic.store.stories import SqliteStoryMemory
from synoptic.stories.cluster import SingletonClusterer, StreamingClusterer, story_id_for
from synoptic.stories.features import Signals
from synoptic.stories.index import HyperplaneLSH, MemoryBuckets, VectorIndex
from synoptic.stories.memory import MemoryStoryMemory, StoryMemory

DIM_COARSE, DIM_FINE = 64, 384


def unit(v: np.ndarray) -> np.ndarray:
    out: np.ndarray = (v / np.linalg.norm(v)).astype(np.float32)
    return out


def topic_signals(topic: int, n: int, day: int = 738_000, lang: str = "en", start: int = 0) -> list[Signals]:
    """n articles of one synthetic topic: vectors near a topic direction, shared name keys."""
    rng = np.random.default_rng(1000 + topic)
    coarse_c, fine_c = rng.standard_normal(DIM_COARSE), rng.standard_normal(DIM_FINE)
    noise = np.random.default_rng(topic * 7919 + start)
    out = []
    for i in range(start, start + n):
        coarse = unit(coarse_c + 0.15 * noise.standard_normal(DIM_COARSE) * np.linalg.norm(coarse_c) / 8)
        fine = unit(fine_c + 0.25 * noise.standard_normal(DIM_FINE) * np.linalg.norm(fine_c) / 20)
        keys = frozenset({f"t{topic}a", f"t{topic}b", f"t{topic}c", f"x{i}"})
        out.append(Signals(f"t{topic}-{i}", day + i, lang, f"topic {topic} #{i}", keys, coarse, fine))
    return out


def groups(assignment: dict[str, str]) -> set[frozenset[str]]:
    by: dict[str, set[str]] = {}
    for article, story in assignment.items():
        by.setdefault(story, set()).add(article)
    return {frozenset(v) for v in by.values()}


def run(memory: StoryMemory, signals: Sequence[Signals]) -> dict[str, str]:
    return StreamingClusterer(memory).assign(signals)


def test_three_topics_form_three_stories() -> None:
    signals = topic_signals(1, 6) + topic_signals(2, 5) + topic_signals(3, 4)
    found = groups(run(MemoryStoryMemory(), signals))
    assert found == {frozenset(s.id for s in signals if s.id.startswith(f"t{t}-")) for t in (1, 2, 3)}


def test_input_order_does_not_change_the_result() -> None:
    signals = topic_signals(1, 5) + topic_signals(2, 5)
    forward = run(MemoryStoryMemory(), signals)
    backward = run(MemoryStoryMemory(), signals[::-1])
    assert forward == backward


def test_story_id_comes_from_the_earliest_article() -> None:
    signals = topic_signals(4, 4)
    assignment = run(MemoryStoryMemory(), signals)
    assert set(assignment.values()) == {story_id_for("t4-0")}


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_second_run_adds_without_reclustering(backend: str, tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db") if backend == "sqlite" else None
    memory: StoryMemory = SqliteStoryMemory(store) if store else MemoryStoryMemory()
    first = run(memory, topic_signals(1, 4) + topic_signals(2, 4))
    if store is not None:  # a new run: a fresh memory over the same store
        memory = SqliteStoryMemory(store)
    later = topic_signals(1, 3, start=4) + topic_signals(5, 3)
    second = run(memory, later + topic_signals(1, 2))  # old articles again: they keep their story
    assert all(second[k] == v for k, v in first.items() if k in second)
    assert {second[s.id] for s in later[:3]} == {first["t1-0"]}
    assert len({second[s.id] for s in later[3:]}) == 1
    assert second[later[3].id] not in set(first.values())
    if store is not None:
        stored = store.conn.execute("SELECT count(*) FROM story_members").fetchone()[0]
        assert stored == 8 + 6
        store.close()


def test_singleton_clusterer_gives_every_article_its_own_story() -> None:
    signals = topic_signals(1, 3)
    assignment = SingletonClusterer().assign(signals)
    assert len(set(assignment.values())) == 3


@pytest.mark.parametrize(("noise", "expected"), [(0.02, True), (0.05, True), (None, False)])
def test_lsh_ranks_near_vectors_first_and_not_random_ones(noise: float | None, expected: bool) -> None:
    rng = np.random.default_rng(5)
    base = unit(rng.standard_normal(64))
    index = VectorIndex(HyperplaneLSH(64), MemoryBuckets())
    others = np.stack([unit(rng.standard_normal(64)) for _ in range(500)])
    index.add([f"r{i}" for i in range(500)], others)
    probe = rng.standard_normal(64) if noise is None else base + noise * rng.standard_normal(64)
    index.add(["probe"], unit(probe).reshape(1, -1))
    assert ("probe" in index.candidates(base.reshape(1, -1))[:3]) is expected


def test_bucket_reads_are_capped_so_candidates_stay_bounded() -> None:
    rng = np.random.default_rng(9)
    base = unit(rng.standard_normal(64))
    index = VectorIndex(HyperplaneLSH(64), MemoryBuckets(), per_bucket=16)
    crowd = np.stack([unit(base + 0.01 * rng.standard_normal(64)) for _ in range(2_000)])
    index.add([f"c{i}" for i in range(2_000)], crowd)
    found = index.candidates(base.reshape(1, -1))
    assert 16 <= len(found) <= 16 * index.lsh.tables
    assert "c1999" in found  # the newest members of a bucket are kept
