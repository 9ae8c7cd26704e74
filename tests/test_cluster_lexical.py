"""The lexical score of story clustering: folded terms, incremental IDF cosine, the term index,
the stand-in across languages, and the term frequencies kept by the SQLite memory."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from synoptic.store.sqlite import Store
from synoptic.store.stories import SqliteStoryMemory
from synoptic.stories.cluster import Calibration, StreamingClusterer, lexical_scores
from synoptic.stories.features import Signals
from synoptic.stories.index import MemoryBuckets, TermIndex
from synoptic.stories.lexical import TermFrequencies, content_terms, cosine

QUAKE_A = "A 6.1 earthquake struck Kermadec on Monday, 12 dead; rescuers from Auckland searched the rubble."
QUAKE_A2 = "Rescuers in Auckland: the 6.1 quake near Kermadec left 12 dead, officials said on Monday."
QUAKE_B = "A 5.4 earthquake struck Sulawesi on Friday, 3 dead; rescuers from Palu searched the rubble."
FILLER = [
    "The council met on Tuesday and the budget was approved after a long debate.",
    "The team won the final, and the coach said the players were ready for the season.",
    "The company said the new phone will be sold in stores from next month.",
]


def signals(article_id: str, text: str, language: str = "en") -> Signals:
    zero = np.zeros(4, dtype=np.float32)
    return Signals(article_id, None, language, article_id, frozenset(), zero, zero, content_terms(text))


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("Der Kanzler traf Rjabkow in Genf am 24. Januar 2022.", {"rjabkow", "genf", "2022", "24"}, {"am", "in"}),
        ("Москва и Київ: переговоры 2022", {"moskva", "kiiv", "2022"}, {"i"}),
        ("Le président a visité Zürich.", {"president", "zurich", "visite"}, {"le", "a"}),
        ("", set(), {""}),
    ],
)
def test_terms_are_folded_and_short_words_dropped(text: str, present: set[str], absent: set[str]) -> None:
    terms = content_terms(text)
    assert present <= set(terms)
    assert not absent & set(terms)


def test_same_specifics_score_higher_than_same_kind_of_event() -> None:
    freq = TermFrequencies()
    docs = {"a": QUAKE_A, "a2": QUAKE_A2, "b": QUAKE_B} | {f"f{i}": t for i, t in enumerate(FILLER)}
    terms = {k: content_terms(t) for k, t in docs.items()}
    freq.observe(terms.values())
    w = {k: freq.weights(t) for k, t in terms.items()}
    assert cosine(w["a"], w["a2"]) > cosine(w["a"], w["b"]) > cosine(w["a"], w["f0"])
    assert cosine(w["a"], w["f1"]) == 0.0


def test_frequencies_are_counted_incrementally() -> None:
    freq = TermFrequencies()
    freq.observe([content_terms(QUAKE_A), content_terms(FILLER[0])])
    before = freq.weights(content_terms(QUAKE_A))
    assert before["rescuers"] == pytest.approx(before["kermadec"])
    freq.observe([content_terms(QUAKE_B)])
    after = freq.weights(content_terms(QUAKE_A))
    assert freq.documents == 3 and freq.df["rescuers"] == 2
    assert 0 < after["rescuers"] < after["kermadec"]


@pytest.mark.parametrize(
    ("other_language", "other_text", "uses_stand_in"),
    [("de", QUAKE_A, True), ("en", "", True), ("en", QUAKE_A2, False)],
)
def test_lexical_score_is_unknown_across_languages_or_without_terms(
    other_language: str, other_text: str, uses_stand_in: bool
) -> None:
    cal = Calibration(lexical_unknown=0.123)
    freq = TermFrequencies()
    a, b = signals("a", QUAKE_A), signals("b", other_text, other_language)
    freq.observe([a.terms, b.terms, content_terms(FILLER[0])])
    score = lexical_scores(a, [b], freq, cal)[0]
    assert (score == 0.123) is uses_stand_in


def test_term_index_finds_articles_sharing_distinctive_terms() -> None:
    freq = TermFrequencies()
    docs = [signals("a", QUAKE_A), signals("b", QUAKE_B)] + [signals(f"f{i}", t) for i, t in enumerate(FILLER)]
    freq.observe(d.terms for d in docs)
    index = TermIndex(MemoryBuckets(), terms=5, per_bucket=64)
    for d in docs:
        index.add(d.id, freq.weights(d.terms))
    found = index.candidates(freq.weights(content_terms(QUAKE_A2)))
    assert found[0] == "a"
    assert not {"f0", "f1", "f2"} & set(found)


def test_sqlite_memory_keeps_terms_and_rebuilds_frequencies(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    docs = [signals("a", QUAKE_A), signals("b", QUAKE_B), signals("f0", FILLER[0])]
    StreamingClusterer(SqliteStoryMemory(store)).assign([replace(d, coarse=_unit(i)) for i, d in enumerate(docs)])
    reopened = SqliteStoryMemory(store)
    assert reopened.frequencies.documents == 3
    assert reopened.frequencies.df["rescuers"] == 2
    assert reopened.signals(["a"])[0].terms == content_terms(QUAKE_A)
    store.close()


def test_sqlite_memory_counts_the_newest_members_as_python_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Frequencies counted by SQLite equal `observe` over the decoded rows: the newest members only,
    non-ASCII terms, and members written before terms were kept (a list of keys: no terms)."""
    import json

    from synoptic.store import stories as stored

    store = Store(tmp_path / "s.db")
    texts = [QUAKE_A, QUAKE_A2, QUAKE_B, *FILLER, "Москва и Київ: переговоры в Женеве", "Le président à Zürich"]
    docs = [signals(f"d{i}", t) for i, t in enumerate(texts)]
    StreamingClusterer(SqliteStoryMemory(store)).assign([replace(d, coarse=_unit(i)) for i, d in enumerate(docs)])
    with store.transaction() as conn:  # the oldest member as first written: its keys alone
        conn.execute("UPDATE story_members SET keys=? WHERE article_id='d0'", (json.dumps(["kermadec"]),))
    monkeypatch.setattr(stored, "FREQUENCY_WINDOW", 5)
    rows = store.conn.execute("SELECT keys FROM story_members ORDER BY seq DESC LIMIT 5").fetchall()
    expected = TermFrequencies()
    expected.observe(stored._decode_keys(str(r[0]))[1] for r in rows)
    got = SqliteStoryMemory(store).frequencies
    assert (got.documents, dict(got.df)) == (expected.documents, dict(expected.df)) == (5, dict(expected.df))
    assert got.df["kiiv"] == 1 and "kermadec" not in got.df  # d0 is outside the newest five
    monkeypatch.setattr(stored, "FREQUENCY_WINDOW", 100)
    everything = SqliteStoryMemory(store).frequencies
    assert everything.documents == len(texts)
    assert everything.df["rescuers"] == 2  # QUAKE_A's terms left with its old row; A2 and B keep theirs
    store.close()


def _unit(i: int) -> np.ndarray:
    v = np.zeros(4, dtype=np.float32)
    v[i % 4] = 1.0
    return v


def test_sqlite_memory_reads_its_newest_members_by_index(tmp_path: Path) -> None:
    """Start-up reads the newest members through an index, not by sorting every stored member."""
    with Store(tmp_path / "s.db") as store:
        for sql in ("SELECT keys FROM story_members ORDER BY seq DESC LIMIT 5", "SELECT max(seq) FROM story_members"):
            plan = " ".join(str(row) for row in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
            assert "story_members_seq" in plan and "TEMP B-TREE" not in plan, plan


_WEIGHTS = st.dictionaries(st.sampled_from([f"t{i}" for i in range(40)]), st.floats(1e-6, 1.0), max_size=30)


@given(_WEIGHTS, _WEIGHTS)
def test_cosine_is_the_plain_dot_product_bit_for_bit(a: dict[str, float], b: dict[str, float]) -> None:
    """Summing only the shared terms gives the very float the sum over every term of the smaller
    vector gives (its other terms add zeros), and a float 0.0 when nothing is shared."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    plain = sum(x * large.get(w, 0.0) for w, x in small.items())
    assert cosine(a, b) == plain
    assert repr(cosine(a, b)) == repr(float(plain))
    if not set(a) & set(b):
        assert cosine(a, b) == 0.0 and isinstance(cosine(a, b), float)
