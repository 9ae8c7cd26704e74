"""Stored story members' title + lead vectors follow a change of encoder or lead length
(`SqliteStoryMemory.refresh_leads`, migration 6), so new articles meet vectors of one space."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from functools import partial
from pathlib import Path

import numpy as np
import pytest

from synoptic.embed import E5Embedder, Matrix, NullEmbedder
from synoptic.models import Article, Published
from synoptic.pipeline import Context
from synoptic.store.migrations import MIGRATIONS
from synoptic.store.sqlite import Store
from synoptic.store.stories import LEGACY_RECIPE, REFRESH_BATCH, STALE_MEMBERS, SqliteStoryMemory
from synoptic.stories.clustering_stage import lead_recipe, refresh_stored_leads
from synoptic.stories.features import Signals
from synoptic.stories.memory import STORY_MEMORY, MemoryStoryMemory, RefreshingLeads

DIM = 8


def article(i: int) -> Article:
    return Article(f"a{i}", f"a{i}.txt", "en", f"Title {i}", None, (), Published(), f"Title {i}\nBody of article {i}.")


def member(i: int) -> Signals:
    fine = np.zeros(DIM, np.float32)
    fine[0] = 1.0
    return Signals(f"a{i}", None, "en", f"Title {i}", frozenset(), np.ones(4, np.float32) / 2, fine)


class Counting:
    """An encoder that gives article i the unit vector along axis 1 + i % 7, counting the articles."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, articles: Sequence[Article]) -> Matrix:
        self.seen += [a.id for a in articles]
        out = np.zeros((len(articles), DIM), np.float32)
        for row, a in enumerate(articles):
            out[row, 1 + int(a.id[1:]) % 7] = 1.0
        return out


def stored(path: Path, count: int, orphans: int = 0) -> Store:
    """A store whose story memory holds `count` members with articles and `orphans` without, written
    before any recipe was named (as by an older Synoptic)."""
    store = Store(path)
    store.add_articles(article(i) for i in range(count))
    memory = SqliteStoryMemory(store)
    for i in range(count + orphans):
        memory.add(member(i), "s1")
    memory.flush()
    return store


def fine_of(store: Store, article_id: str) -> tuple[np.ndarray, str]:
    sql = "SELECT fine, lead_vectors FROM story_members WHERE article_id=?"
    fine, recipe = store.conn.execute(sql, (article_id,)).fetchone()
    return np.frombuffer(fine, np.float32), str(recipe)


def test_members_of_another_recipe_are_re_encoded_once(tmp_path: Path) -> None:
    store = stored(tmp_path / "s.db", 5)
    assert fine_of(store, "a3")[1] == LEGACY_RECIPE
    encode = Counting()
    assert SqliteStoryMemory(store).refresh_leads("e5-new:300", encode) == 5
    assert sorted(encode.seen) == [f"a{i}" for i in range(5)]
    vector, recipe = fine_of(store, "a3")
    assert recipe == "e5-new:300" and vector[4] == 1.0 and vector[0] == 0.0
    again = Counting()
    assert SqliteStoryMemory(store).refresh_leads("e5-new:300", again) == 0
    assert again.seen == []


def test_a_new_lead_length_is_another_recipe(tmp_path: Path) -> None:
    store = stored(tmp_path / "s.db", 3)
    SqliteStoryMemory(store).refresh_leads("e5-new:300", Counting())
    encode = Counting()
    assert SqliteStoryMemory(store).refresh_leads("e5-new:600", encode) == 3


def test_members_added_after_a_refresh_carry_its_recipe(tmp_path: Path) -> None:
    store = stored(tmp_path / "s.db", 2)
    memory = SqliteStoryMemory(store)
    memory.refresh_leads("e5-new:300", Counting())
    store.add_articles([article(9)])
    memory.add(member(9), "s2")
    memory.flush()
    assert fine_of(store, "a9")[1] == "e5-new:300"
    assert SqliteStoryMemory(store).refresh_leads("e5-new:300", Counting()) == 0


def test_members_without_a_stored_article_keep_their_vectors_and_the_refresh_ends(tmp_path: Path) -> None:
    store = stored(tmp_path / "s.db", 2, orphans=2)
    encode = Counting()
    assert SqliteStoryMemory(store).refresh_leads("e5-new:300", encode) == 2
    assert sorted(encode.seen) == ["a0", "a1"]
    vector, recipe = fine_of(store, "a3")
    assert recipe == LEGACY_RECIPE and vector[0] == 1.0


def test_more_members_than_a_batch_are_all_refreshed(tmp_path: Path) -> None:
    store = stored(tmp_path / "s.db", REFRESH_BATCH + 3)
    encode = Counting()
    assert SqliteStoryMemory(store).refresh_leads("e5-new:300", encode) == REFRESH_BATCH + 3
    assert len(encode.seen) == len(set(encode.seen)) == REFRESH_BATCH + 3


def test_rows_stored_before_migration_6_read_as_the_legacy_recipe(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for i, script in enumerate(MIGRATIONS[:5], start=1):
        conn.executescript(script)
        conn.execute(f"PRAGMA user_version = {i}")
    conn.execute(
        "INSERT INTO story_members VALUES ('a0', 's1', 1, NULL, 'en', 'Title 0', '{}', ?, ?)",
        (np.ones(4, np.float32).tobytes(), np.ones(DIM, np.float32).tobytes()),
    )
    conn.commit()
    conn.close()
    store = Store(path)
    assert store.schema_version == len(MIGRATIONS)
    assert fine_of(store, "a0")[1] == LEGACY_RECIPE


@pytest.mark.parametrize(
    ("embedder", "chars", "recipe"),
    [(E5Embedder(), 300, f"{E5Embedder.vectors}:300"), (NullEmbedder(), 150, "null:150")],
)
def test_lead_recipe_names_the_encoders_vectors_and_the_lead_length(
    embedder: NullEmbedder | E5Embedder, chars: int, recipe: str
) -> None:
    assert lead_recipe(embedder, chars) == recipe


def test_the_stories_stage_refreshes_a_stored_memory_with_its_own_recipe(tmp_path: Path) -> None:
    store = stored(tmp_path / "s.db", 3)
    ctx = Context()
    ctx.resource("embedder:e5", lambda: NullEmbedder(DIM))
    ctx.provide(STORY_MEMORY, partial(SqliteStoryMemory, store))
    refresh_stored_leads(ctx)
    assert {fine_of(store, f"a{i}")[1] for i in range(3)} == {"null:300"}
    assert not fine_of(store, "a0")[0].any()  # the null embedder's vectors were written


def test_a_memory_of_one_run_has_nothing_to_refresh() -> None:
    assert not isinstance(MemoryStoryMemory(), RefreshingLeads)
    ctx = Context()
    ctx.provide(STORY_MEMORY, MemoryStoryMemory)
    refresh_stored_leads(ctx)  # nothing stored, nothing encoded: the embedder is never built
    assert "embedder:e5" not in ctx._resources


def test_a_store_analysed_again_with_another_lead_length_refreshes_its_story_memory(
    tmp_path: Path, examples_dir: Path
) -> None:
    from synoptic.api import analyze
    from synoptic.settings import Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("getreide_gespraeche_genf.txt", "exposition_lyon.txt", "alster_regatta_hamburg.txt"):
        (corpus / name).write_bytes((examples_dir / name).read_bytes())
    db = tmp_path / "store.db"

    def recipes() -> list[tuple[str, int]]:
        with Store(db) as store:
            return store.conn.execute("SELECT lead_vectors, count(*) FROM story_members GROUP BY 1").fetchall()

    analyze(corpus, db=db)
    assert recipes() == [(f"{E5Embedder.vectors}:300", 3)]
    analyze(corpus, db=db, settings=Settings(params=(("signals.lead_chars", 150),)))
    assert recipes() == [(f"{E5Embedder.vectors}:150", 3)]


def test_finding_nothing_to_refresh_reads_the_index_alone(tmp_path: Path) -> None:
    store = stored(tmp_path / "s.db", 3)
    plan = " ".join(str(row[-1]) for row in store.conn.execute(f"EXPLAIN QUERY PLAN {STALE_MEMBERS}", ("x", 1)))
    assert "story_members_lead" in plan and "SCAN m" not in plan, plan


def test_a_refresh_says_how_many_members_it_re_encodes_and_a_current_store_says_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = stored(tmp_path / "s.db", 4, orphans=1)
    with caplog.at_level(logging.WARNING, logger="synoptic.store.stories"):
        SqliteStoryMemory(store).refresh_leads("e5-new:300", Counting())
    assert [r.getMessage() for r in caplog.records if "re-encoding" in r.getMessage()] == [
        "re-encoding the title + lead vectors of 4 stored story members for e5-new:300 (once, after a change"
        " of encoder or signals.lead_chars; about 80 a second on two cores)"
    ]
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="synoptic.store.stories"):
        SqliteStoryMemory(store).refresh_leads("e5-new:300", Counting())
    assert caplog.records == []
