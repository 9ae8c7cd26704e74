"""`Documents`: the run's documents as a read-only sequence, kept encoded beyond a bound.

Whichever way they are kept (as given, or encoded with a few decoded), the container must read
back equal documents in the same order, look them up by id, and rewrite them without losing any.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synoptic import corpus
from synoptic.codec import iter_json
from synoptic.corpus import Documents
from synoptic.models import Analysis, Article, Document, Entity, Mention, Published, Rejection, Sentence, Span
from synoptic.pipeline import CorpusState
from synoptic.store.sqlite import Store


def doc(i: int, text: str = "Anna Berg met Karl Holm in Vienna.") -> Document:
    article = Article(
        id=f"a{i:04d}", path=f"p{i}.txt", language="en", title=f"T{i}", outlet="o.test", authors=(),
        published=Published("2022-01-24", "given"), text=text,
    )  # fmt: skip
    return Document(
        article=article,
        sentences=(Sentence(0, len(text)),),
        mentions=(Mention(0, 9, text[:9], "PERSON", "pattern"),),
        vector="AAAA",
    )


texts = st.text(min_size=1, max_size=60)


@settings(max_examples=40, deadline=None)
@given(st.lists(texts, max_size=30), st.integers(min_value=0, max_value=8))
def test_reads_back_equal_documents_in_order_whatever_the_bound(items: list[str], bound: int) -> None:
    docs = [doc(i, t) for i, t in enumerate(items)]
    kept = Documents(iter(docs), decoded_max=bound)
    assert kept.encoded == (len(docs) > bound)
    assert len(kept) == len(docs)
    assert list(kept) == docs
    assert list(kept) == docs  # a second pass, after evictions, reads the same
    assert kept == docs and kept == tuple(docs)
    assert [kept[i] for i in range(-len(docs), 0)] == docs
    assert kept[1:4] == tuple(docs[1:4])
    assert kept + docs[:2] == (*docs, *docs[:2])
    for d in reversed(docs):
        assert kept.get(d.id) == d
        assert kept.by_id[d.id] == d
        assert d in kept
    assert list(kept.by_id) == [d.id for d in docs] == list(kept.ids)


@settings(max_examples=30, deadline=None)
@given(st.lists(texts, min_size=1, max_size=20), st.integers(min_value=0, max_value=5), st.data())
def test_replaced_and_map_change_only_what_they_are_given(items: list[str], bound: int, data: st.DataObject) -> None:
    docs = [doc(i, t) for i, t in enumerate(items)]
    kept = Documents(docs, decoded_max=bound)
    chosen = data.draw(st.sets(st.sampled_from(range(len(docs)))))
    changed = {docs[i].id: replace(docs[i], vector=f"v{i}") for i in chosen}
    out = kept.replaced(changed)
    assert list(out) == [changed.get(d.id, d) for d in docs]
    assert list(kept) == docs  # the original is unchanged
    mapped = kept.map(lambda d: replace(d, rejected_reason="x"))
    assert list(mapped) == [replace(d, rejected_reason="x") for d in docs]
    assert mapped.encoded == kept.encoded
    stamped = kept.map(lambda d: replace(d, mentions=tuple(replace(m, entity="e1") for m in d.mentions)))
    assert [m.entity for d in stamped for m in d.mentions] == ["e1"] * len(docs)
    assert [replace(d, mentions=()) for d in stamped] == [replace(d, mentions=()) for d in docs]
    renamed = kept.map(lambda d: replace(d, article=replace(d.article, id=d.id + "x")))
    assert [d.id for d in renamed] == list(renamed.ids) == [d.id + "x" for d in docs]
    assert all(renamed.get(d.id + "x") is not None and renamed.get(d.id) is None for d in docs)


@pytest.mark.parametrize(
    ("change", "shared"),
    [
        (lambda d: replace(d, mentions=()), [True, False]),  # resolve_entities: the rest is shared
        (lambda d: replace(d, vector="BBBB"), [False, True]),
        (lambda d: replace(d, vector="BBBB", mentions=()), [False, False]),
        (lambda d: d, [True, True]),
        (lambda d: replace(d, vector="AAAA"), [False, True]),  # equal, but a new object: encoded again
    ],
)
def test_map_shares_the_bytes_of_the_parts_it_left_alone(change: object, shared: list[bool]) -> None:
    kept = Documents([doc(i) for i in range(6)], decoded_max=2)
    mapped = kept.map(change)  # type: ignore[arg-type]
    assert corpus.PARTS[1] == ("mentions",) and "mentions" not in corpus.PARTS[0]
    for part, expect in zip(range(len(corpus.PARTS)), shared, strict=True):
        assert [mapped._parts[part][i] is kept._parts[part][i] for i in range(6)] == [expect] * 6
    assert list(mapped) == [change(d) for d in kept]  # type: ignore[operator]


def test_decodes_at_most_the_bound_at_once() -> None:
    kept = Documents((doc(i) for i in range(50)), decoded_max=4)
    for i in (0, 1, 2, 3, 4, 5):
        assert kept[i].id == f"a{i:04d}"
    assert kept.encoded and len(kept._decoded) == 4
    assert [d.id for d in kept] == [f"a{i:04d}" for i in range(50)]
    assert sorted(kept._decoded) == [2, 3, 4, 5]  # a scan in order leaves the recently used ones as they were


@pytest.mark.parametrize(
    ("lookup", "expected"),
    [("a0001", "a0001"), ("missing", None), ("", None)],
)
def test_get_finds_known_ids_and_nothing_else(lookup: str, expected: str | None) -> None:
    kept = Documents([doc(0), doc(1), doc(2)], decoded_max=1)
    found = kept.get(lookup)
    assert (found.id if found else None) == expected
    assert (lookup in kept.by_id) == (expected is not None)
    assert [d.id for d in kept.pick([lookup, "a0000"])] == [x for x in (expected, "a0000") if x]


def test_errors_say_what_is_wrong() -> None:
    kept = Documents([doc(0), doc(1)], decoded_max=0)
    with pytest.raises(IndexError, match="out of range"):
        kept[2]
    with pytest.raises(KeyError, match="nope"):
        kept.by_id["nope"]
    with pytest.raises(ValueError, match="in place of"):
        kept.replaced({"a0000": doc(1)})
    assert "not a document" not in kept and doc(5) not in kept


def test_corpus_state_takes_any_sequence_and_the_module_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(corpus, "DECODED_MAX", 2)
    state = CorpusState(documents=tuple(doc(i) for i in range(5)))
    assert isinstance(state.documents, Documents) and state.documents.encoded
    assert replace(state, stories=()).documents == state.documents
    small = CorpusState(documents=[doc(0)])
    assert not small.documents.encoded and small.documents[0] == doc(0)


@pytest.mark.parametrize("count", [0, 1, 3])
def test_iter_json_writes_what_json_dumps_writes(count: int) -> None:
    docs = [doc(i, f"Anna Berg met Karl Holm {'ä' * i} in Vienna.") for i in range(count)]
    analysis = Analysis(
        articles=tuple(d.article for d in docs),
        rejected=(Rejection("bad.txt", "empty"),) if count else (),
        entities=tuple(
            Entity(f"e{i}", "Anna Berg", "PERSON", ("Anna Berg",), (Span.of(d.id, d.article.text, 0, 9),))
            for i, d in enumerate(docs)
        ),
        documents=tuple(docs),
    )
    expected = json.dumps(analysis.to_dict(), ensure_ascii=False)
    assert "".join(iter_json(analysis)) == expected
    assert "".join(iter_json(Rejection("a", "b"))) == json.dumps(Rejection("a", "b").to_dict(), ensure_ascii=False)
    assert "".join(iter_json([1, "x"])) == json.dumps([1, "x"])
    with Store() as store:
        first = store.save_analysis_text(iter_json(analysis))
        assert store.latest_analysis() == json.loads(expected)
        assert store.save_analysis(analysis.to_dict()) == first + 1
        assert store.latest_analysis() == json.loads(expected)
