"""The SQLite store: round trips of every record (hypothesis), idempotent ingest, migrations."""

from __future__ import annotations

import sqlite3
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synoptic import analyze
from synoptic.embed import pack_vector, text_key, unpack_vector
from synoptic.errors import StoreError
from synoptic.ingest import article_id
from synoptic.models import Article, Document, Mention, Published, Quantity, QuoteMention, Sentence, Timex
from synoptic.pipeline import Pipeline
from synoptic.store.migrations import MIGRATIONS
from synoptic.store.sqlite import Store

text_st = st.text(min_size=1, max_size=300)
opt_text = st.none() | st.text(max_size=40)


@st.composite
def articles(draw: st.DrawFn) -> Article:
    text = draw(text_st)
    title = draw(opt_text)
    outlet = draw(opt_text)
    date = draw(st.none() | st.dates().map(lambda d: d.isoformat()))
    return Article(
        id=article_id(text, title, outlet),
        path=draw(st.text(min_size=1, max_size=30)),
        language=draw(st.sampled_from(["en", "de", "fr"])),
        title=title,
        outlet=outlet,
        authors=tuple(draw(st.lists(st.text(min_size=1, max_size=20), max_size=3))),
        published=Published(date, "given" if date else None),
        text=text,
        url=draw(opt_text),
        language_how=draw(st.sampled_from([None, "given", "inferred"])),
    )


@st.composite
def documents(draw: st.DrawFn) -> Document:
    art = draw(articles())
    n = len(art.text)
    pos = st.integers(0, n)
    start = draw(pos)
    end = draw(st.integers(start, n))
    return Document(
        article=art,
        sentences=(Sentence(start, end),),
        mentions=(Mention(start, end, art.text[start:end], draw(st.sampled_from(["PERSON", "PLACE"])), "x", None),),
        timexes=(Timex(start, end, art.text[start:end], "2022-01", "month", True),),
        quantities=(Quantity(start, end, art.text[start:end], draw(st.none() | st.floats(0, 1e9)), None, "t", True),),
        quotes=(QuoteMention(start, end, art.text[start:end], "direct", start, end, "x", "said"),),
        vector=pack_vector(np.array(draw(st.lists(st.floats(-1, 1, width=16), max_size=4)), dtype=np.float16)),
    )


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(articles(), max_size=5, unique_by=lambda a: a.id))
def test_store_articles_round_trip(batch: list[Article]) -> None:
    with Store() as store:
        assert store.add_articles(batch) == [a.id for a in batch]
        assert store.articles([a.id for a in batch]) == batch
        assert store.add_articles(batch) == []
        assert store.count_articles() == len(batch)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(articles(), max_size=6), st.lists(articles(), max_size=4))
def test_store_add_articles_names_each_new_id_once(stored: list[Article], batch: list[Article]) -> None:
    """Ids already stored, or repeated within one call, are not new; the rest are, in first-seen order."""
    with Store() as store:
        store.add_articles(stored)
        given_ids = [a.id for a in stored + batch + batch]
        known = {a.id for a in stored}
        expected = list(dict.fromkeys(i for i in [a.id for a in batch] if i not in known))
        assert store.add_articles(batch + batch) == expected
        assert store.count_articles() == len(set(given_ids))


def test_store_leaves_the_text_of_a_stored_article_unbound() -> None:
    """Re-adding a stored article (every article of a whole-store rerun) binds no text: CPython keeps
    the UTF-8 copy SQLite is given inside a non-ASCII string for as long as it lives."""
    text = "Рябков заявил журналистам, что переговоры продолжатся. " * 40
    first = Article(article_id(text, None, None), "a.txt", "ru", None, None, (), Published(None, None), text)
    with Store() as store:
        assert store.add_articles([first]) == [first.id]
        again = store.articles()[0]
        size = sys.getsizeof(again.text)
        assert store.add_articles([again]) == []
        assert sys.getsizeof(again.text) == size
        fresh = "".join(["Рябков", text])  # a string SQLite has not seen: binding it does grow it
        grown = sys.getsizeof(fresh)
        store.add_articles([replace(first, id=article_id(fresh, None, None), text=fresh)])
        assert sys.getsizeof(fresh) > grown


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_store_document_cache_round_trip(doc: Document) -> None:
    with Store() as store:
        store.add_articles([doc.article])
        store.save_documents([doc], "sig")
        assert store.cached_documents([doc.id], "sig") == {doc.id: doc}
        assert store.cached_documents([doc.id], "other") == {}


def test_store_reingest_is_idempotent(tmp_path: Path, examples_dir: Path, ingest_only: Pipeline) -> None:
    db = tmp_path / "s.db"
    first = analyze(examples_dir / "quillon_breach.txt", db=db, pipeline=ingest_only)
    second = analyze([examples_dir / "quillon_breach.txt", examples_dir], db=db, pipeline=ingest_only)
    with Store(db) as store:
        ids = [a.id for a in store.articles()]
        assert len(ids) == len(set(ids)) == len(second.articles)
        assert first.articles[0].id in ids
        assert len(store.paths(first.articles[0].id)) == 1


def test_store_copy_of_a_file_is_one_article_with_two_paths(
    tmp_path: Path, examples_dir: Path, ingest_only: Pipeline
) -> None:
    data = (examples_dir / "quillon_breach.txt").read_bytes()
    (tmp_path / "a.txt").write_bytes(data)
    (tmp_path / "b.txt").write_bytes(data)
    analysis = analyze(tmp_path, db=tmp_path / "s.db", pipeline=ingest_only)
    assert len(analysis.articles) == 1


def test_store_migrations_reach_latest_version(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        assert store.schema_version == len(MIGRATIONS)
    with Store(tmp_path / "s.db") as store:  # reopening migrates nothing again
        assert store.schema_version == len(MIGRATIONS)


def test_store_refuses_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this Synoptic"):
        Store(path)


def test_store_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    art = Article("id1", "p", "en", None, None, (), Published(), "text")
    with Store(tmp_path / "s.db") as store:
        with pytest.raises(RuntimeError), store.transaction() as conn:
            conn.execute("INSERT INTO rejections (path, reason) VALUES ('x', 'y')")
            raise RuntimeError("crash mid-transaction")
        assert store.rejections() == []
        store.add_articles([art])
        assert store.article("id1") == art


def test_repeated_articles_are_analysed_once(tmp_path: Path, examples_dir: Path) -> None:
    """The same article twice in one call (a feed repeating an item) is one article, and every
    corpus stage runs (copy detection once raised on the repeated id)."""
    from synoptic.api import analyze_articles
    from synoptic.ingest import read_paths

    articles = list(read_paths([examples_dir]).articles)
    grain = [a for a in articles if "grain_talks" in a.path]
    assert len(grain) == 2
    analysis = analyze_articles(grain + grain[:1], db=tmp_path / "s.db")
    assert [a.id for a in analysis.articles] == [a.id for a in grain]
    assert len({a for s in analysis.stories for a in s.articles}) == len(grain)


@settings(max_examples=40)
@given(st.dictionaries(st.text(max_size=50), st.lists(st.floats(-1, 1, width=16), min_size=3, max_size=3), max_size=8))
def test_store_vectors_round_trip(rows: dict[str, list[float]]) -> None:
    """Vectors come back bit for bit under their text keys; a key stored twice keeps its first vector."""
    vectors = {text_key(t): np.array(v, dtype=np.float16) for t, v in rows.items()}
    with Store() as store:
        store.put_vectors("e5", vectors)
        store.put_vectors("e5", {k: v + np.float16(1) for k, v in vectors.items()})
        back = store.get_vectors("e5", [*vectors, text_key("never stored \u2603")])
        assert store.get_vectors("other-model", list(vectors)) == {}
    assert set(back) == set(vectors)
    for key, vec in vectors.items():
        assert back[key].tobytes() == vec.tobytes()


def test_packed_vector_is_the_unit_vector() -> None:
    row = np.array([3.0, 4.0, 0.0], dtype=np.float32)
    assert np.allclose(unpack_vector(pack_vector(row)), [0.6, 0.8, 0.0], atol=1e-3)
