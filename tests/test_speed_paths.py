"""The fast paths added for throughput give the same answers as the slow ones they replace:
the row-at-a-time sentence alignment finds the best alignment (checked by enumeration), the static-vector
gate before E5 lets through every derived pair of the example corpus and stops independent
reports, and per-article stages in a pool of worker processes give the in-process result."""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from synoptic.annotate.gazetteer import Gazetteer, _built_gazetteer, build_gazetteer
from synoptic.api import analyze
from synoptic.codec import decode
from synoptic.compare import corpus_stages
from synoptic.compare.claim_groups import align, carried_over, derived_sentences, embed_plan, embed_units
from synoptic.compare.claims import ClaimUnit
from synoptic.default_pipeline import default_pipeline
from synoptic.engines.local import preload, worker_count
from synoptic.models import Analysis, Article, Derivation, Document, Mention, Passage, Published, Sentence, Span, Story
from synoptic.pipeline import Context, Pipeline
from synoptic.settings import Settings
from synoptic.stories import derive
from synoptic.stories.derive import DerivationParams, Pair, Prepared, StandIns, passes_gate, prepare, story_batches
from synoptic.stories.passage_alignment import Unit, monotone_alignment


def best_total_gain(sim: np.ndarray, threshold: float) -> float:
    """The largest summed margin over every order-preserving one-to-one alignment, by enumeration."""
    n, m = sim.shape
    best = 0.0
    for k in range(1, min(n, m) + 1):
        for rows in itertools.combinations(range(n), k):
            for cols in itertools.combinations(range(m), k):
                best = max(best, sum(float(sim[i, j]) - threshold for i, j in zip(rows, cols, strict=True)))
    return best


SHAPES = st.tuples(st.integers(0, 5), st.integers(0, 5))
TIED = arrays(np.float32, SHAPES, elements=st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]))  # many equal scores
FREE = arrays(np.float32, SHAPES, elements=st.floats(0, 1, width=32))


@given(TIED | FREE, st.sampled_from([0.3, 0.45, 0.5, 0.55, 0.75]))
def test_alignment_is_monotone_one_to_one_and_optimal(sim: np.ndarray, threshold: float) -> None:
    pairs = monotone_alignment(sim, threshold)
    assert all(i0 < i1 and j0 < j1 for (i0, j0), (i1, j1) in itertools.pairwise(pairs))
    assert all(float(sim[i, j]) > threshold for i, j in pairs)
    total = sum(float(sim[i, j]) - threshold for i, j in pairs)
    assert total == pytest.approx(best_total_gain(sim, threshold), abs=1e-5)


def test_alignment_finds_the_diagonal_and_nothing_below_threshold() -> None:
    assert monotone_alignment(np.eye(4, dtype=np.float32), 0.5) == [(0, 0), (1, 1), (2, 2), (3, 3)]
    assert monotone_alignment(np.full((3, 3), 0.2, dtype=np.float32), 0.5) == []


def _by_name(analysis: Analysis) -> dict[str, Any]:
    return {Path(d.article.path).stem: d for d in analysis.documents}


@pytest.mark.parametrize(
    ("a", "b", "passes"),
    [
        ("grain_talks_geneva", "getreide_gespraeche_genf", True),  # translation
        ("rhine_flood_cologne", "rhine_deluge_cologne", True),  # spin
        ("grain_talks_geneva", "grain_talks_lausanne", False),  # independent, same language
        ("getreide_gespraeche_genf", "grain_talks_lausanne", False),  # independent, across languages
    ],
)
def test_static_gate_before_e5(examples_analysis: Analysis, a: str, b: str, passes: bool) -> None:
    docs = _by_name(examples_analysis)
    pa, pb = prepare([docs[a], docs[b]], Context())
    assert passes_gate(pa, pb, DerivationParams()) is passes


@pytest.mark.parametrize(
    ("workers", "todo", "expected"),
    [(2, 10, 1), (2, 200, 2), (2, 64, 1), (0, 199, 1), (8, 300, 5), (1, 5000, 1)],
)
def test_worker_count(workers: int, todo: int, expected: int) -> None:
    assert worker_count(Settings(workers=workers, batch_size=64), todo) == expected


def test_worker_pool_gives_the_in_process_result(examples_dir: Path) -> None:
    pipeline = default_pipeline().until("resolve_entities")
    runs = [
        analyze(examples_dir, pipeline=pipeline, settings=Settings(workers=w, batch_size=4, parallel_min_articles=1))
        for w in (1, 2)
    ]
    one, two = (json.dumps(r.to_dict(), sort_keys=True) for r in runs)
    assert len(runs[0].articles) == 16
    assert one == two


def test_workers_inherit_the_gazetteer_the_parent_built(examples_dir: Path) -> None:
    """The entities stage's preload builds the gazetteer in the parent before forking, so forked
    workers find it built; without a pool nothing is preloaded."""
    only_articles = Pipeline(tuple(s for s in default_pipeline().stages if s.scope == "article"))
    _built_gazetteer.cache_clear()
    analyze(examples_dir, pipeline=only_articles, settings=Settings(workers=2, batch_size=4, parallel_min_articles=1))
    assert _built_gazetteer.cache_info().currsize == 1
    _built_gazetteer.cache_clear()
    preload([s for s in only_articles.stages if s.name != "entities"], Context(Settings()))
    assert _built_gazetteer.cache_info().currsize == 0


def test_workers_adopt_the_spacy_pipeline_the_parent_loaded() -> None:
    """The parent loads each spaCy pipeline once before forking; a worker's context takes it as loaded,
    and only models (forkable resources) pass, never the run's other resources."""
    from synoptic.annotate.spacy_models import spacy_models, spacy_pipeline

    only_entities = [s for s in default_pipeline().stages if s.name == "entities"]
    parent = Context(Settings())
    parent.params(DerivationParams)  # a run's other resource: not for workers
    inherited = preload(only_entities, parent)
    assert set(inherited) == {f"spacy:{m}" for m in spacy_models()} and inherited
    worker = Context(Settings())
    worker.adopt(inherited)
    model = spacy_models()[0]
    assert spacy_pipeline(worker, model) is inherited[f"spacy:{model}"]
    assert worker.peek(f"params:{DerivationParams.__module__}.{DerivationParams.__qualname__}") is None


def test_decoded_records_share_repeated_strings() -> None:
    """Article ids, recogniser names and entity types repeat in every record of a store; decoding
    keeps one copy of each (a whole-store rerun holds every document)."""
    plain = {"start": 0, "end": 7, "text": "Ryabkov", "type": "PERSON", "source": "spa" + "cy", "role": None}
    first, second = decode(Mention, dict(plain)), decode(Mention, json.loads(json.dumps(plain)))
    assert first == second
    assert first.text is second.text and first.source is second.source and first.type is second.type
    long_text = "x" * 200
    span = decode(Span, {"article": "a1", "start": 0, "end": 200, "text": long_text})
    assert (
        span.text == long_text
        and span.article is decode(Span, {"article": "a" + "1", "start": 0, "end": 0, "text": ""}).article
    )


class RefusingEmbedder:
    """An embedder that must not be called."""

    name = "refusing"
    dim = 4

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        raise AssertionError(f"embedded {len(texts)} texts")


def _unit(article: str, n: int, text: str) -> ClaimUnit:
    return ClaimUnit(id=f"{article}:{n}", article=article, lang="en", start=0, end=len(text), text=text, published=None)


def test_one_article_story_is_aligned_without_embedding() -> None:
    texts = ["The dam held overnight.", "Crews  worked in shifts.", "The dam held overnight."]
    aligned = align([_unit("a1", n, t) for n, t in enumerate(texts)], RefusingEmbedder())
    assert aligned.groups == ((0,), (1,), (2,))  # sentences of one article never form one claim
    assert aligned.sim(0, 2) == 1.0 and aligned.sim(0, 1) == 0.0 and aligned.sim(1, 1) == 1.0


def test_two_article_story_is_embedded() -> None:
    with pytest.raises(AssertionError, match="embedded 2 texts"):
        align([_unit("a1", 0, "The dam held."), _unit("a2", 0, "The dam gave way.")], RefusingEmbedder())


def test_e5_in_parallel_chunks_gives_the_one_call_vectors() -> None:
    from synoptic.embed import E5Embedder

    texts = [f"Die Gespräche in Genf {n} waren konstruktiv, sagte der Minister am Dienstag." for n in range(9)]
    texts += ["Talks in Geneva were constructive.", "", "x" * 400]
    one, two = E5Embedder(calls=1), E5Embedder(calls=2)
    assert np.array_equal(one.encode(texts), two.encode(texts))
    assert two.encode(texts).shape == (12, 384)
    # the second call found every vector in memory; the words counted are those E5 read (the empty text: none)
    assert (two.stats.requested, two.stats.encoded, two.stats.memory_hits) == (24, 12, 12)
    assert two.stats.words == sum(len(t.split()) for t in texts)


@pytest.mark.parametrize("field", ["workers", "parallel_min_articles"])
def test_negative_worker_settings_are_refused(field: str) -> None:
    from synoptic.errors import SettingsError

    with pytest.raises(SettingsError, match="must not be negative"):
        Settings(**{field: -1})


class CountingEmbedder:
    """Distinct one-hot vectors per text, counting what it was asked to encode."""

    name = "counting"
    dim = 8

    def __init__(self) -> None:
        self.encoded: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.encoded.extend(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row, sum(map(ord, text)) % self.dim] = 1.0
        return out


def _units_at(article: str, texts: Sequence[str], lang: str = "en") -> list[ClaimUnit]:
    out, at = [], 0
    for n, text in enumerate(texts):
        out.append(ClaimUnit(f"{article}:{n}", article, lang, at, at + len(text), text, None))
        at += len(text) + 1
    return out


def _document(units: Sequence[ClaimUnit]) -> Document:
    """The article the units were cut from: their texts joined by spaces, one sentence each."""
    text = " ".join(u.text for u in units)
    article = Article(units[0].article, units[0].article, units[0].lang, None, None, (), Published(), text)
    return Document(article, sentences=tuple(Sentence(u.start, u.end) for u in units))


def _documents(*groups: list[ClaimUnit]) -> dict[str, Document]:
    return {g[0].article: _document(g) for g in groups}


def _derivation(src: list[ClaimUnit], dst: list[ClaimUnit], kind: str = "translation") -> Derivation:
    source = Span(src[0].article, src[0].start, src[-1].end, "")
    derived = Span(dst[0].article, dst[0].start, dst[-1].end, "")
    return Derivation(src[0].article, dst[0].article, kind, 1.0, (Passage(source, derived),))  # type: ignore[arg-type]


SOURCE = ["The dam held overnight after heavy rain.", "Crews worked in shifts to reinforce it."]
TRANSLATION = ["Der Damm hielt nach starkem Regen stand.", "Trupps arbeiteten in Schichten daran."]


def test_translated_sentences_take_their_source_vectors() -> None:
    """A translation's aligned sentences cost no E5: they share the source sentence's vector."""
    src, dst = _units_at("a1", SOURCE), _units_at("a2", TRANSLATION, "de")
    units = src + dst
    same_as = derived_sentences(units, [_derivation(src, dst)], _documents(src, dst))
    assert same_as == {2: 0, 3: 1}
    embedder = CountingEmbedder()
    vectors = embed_units(units, embedder, same_as)
    assert embedder.encoded == SOURCE
    assert np.array_equal(vectors[2], vectors[0]) and np.array_equal(vectors[3], vectors[1])


@pytest.mark.parametrize(
    ("dst_texts", "kind", "expected"),
    [
        (TRANSLATION[:1], "translation", {}),  # one sentence against two: counts differ, nothing borrowed
        (TRANSLATION, "shared-passage", {}),  # a shared passage is an independent voice: no borrowing
    ],
)
def test_unaligned_or_independent_sentences_keep_their_own_vectors(
    dst_texts: list[str], kind: str, expected: dict[int, int]
) -> None:
    src, dst = _units_at("a1", SOURCE), _units_at("a2", dst_texts, "de")
    assert derived_sentences(src + dst, [_derivation(src, dst, kind)], _documents(src, dst)) == expected


def test_an_embed_plan_names_exactly_the_texts_align_encodes() -> None:
    """The claims stage encodes a batch's planned texts in one call: they must be those `align` asks for."""
    src, dst = _units_at("a1", SOURCE), _units_at("a2", TRANSLATION, "de")
    extra = _units_at("a3", ["Le barrage a tenu.", "The dam held overnight after heavy rain."], "fr")
    units = src + dst + extra
    derivations, docs = [_derivation(src, dst)], _documents(src, dst)
    for voices in (None, {"a1": "a1", "a2": "a1", "a3": "a3"}):
        plan = embed_plan(units, derivations, docs, voices=voices)
        assert plan is not None
        embedder = CountingEmbedder()
        align(units, embedder, derivations, docs, voices=voices, plan=plan)
        assert embedder.encoded == plan.texts(units)
        assert TRANSLATION[0] not in embedder.encoded  # the translation borrows its source's vector
    assert embed_plan(src) is None  # one article: nothing to embed


def test_claims_batched_equal_family_by_family(examples_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Claim sentences of many stories encoded in one call give the claims of one family at a time."""
    pipeline = default_pipeline().until("claims")
    batched = analyze(examples_dir, pipeline=pipeline)
    monkeypatch.setattr(corpus_stages, "CLAIM_BATCH_ARTICLES", 1)
    alone = analyze(examples_dir, pipeline=pipeline)
    assert sum(len(s.claims) for s in batched.stories) > 0
    assert [s.to_dict() for s in batched.stories] == [s.to_dict() for s in alone.stories]


def test_borrowing_follows_chains_and_stops_at_cycles() -> None:
    units = _units_at("a1", SOURCE[:1]) + _units_at("a2", TRANSLATION[:1]) + _units_at("a3", ["Le barrage a tenu."])
    embedder = CountingEmbedder()
    embed_units(units, embedder, {1: 0, 2: 1})
    assert embedder.encoded == SOURCE[:1]
    embedder = CountingEmbedder()
    embed_units(units, embedder, {0: 1, 1: 0})  # a cycle: each text keeps its own vector
    assert sorted(embedder.encoded) == sorted([SOURCE[0], TRANSLATION[0], "Le barrage a tenu."])


def test_items_carry_over_sentence_by_sentence() -> None:
    """Quotes map through the aligned sentences of a passage: a sentence whose quote count differs on the
    two sides carries nothing, the others still do."""
    src, dst = _units_at("a1", SOURCE), _units_at("a2", TRANSLATION, "de")
    anchors = [("a1", src[0].start + 4), ("a1", src[1].start + 2), ("a2", dst[0].start + 4), ("a2", dst[0].start + 9)]
    anchors.append(("a2", dst[1].start + 1))
    carried = carried_over(anchors, [_derivation(src, dst)], _documents(src, dst))
    assert carried == {4: 1}  # the first sentence holds one quote in the source and two in the translation


def _prepared(article_id: str, texts: Sequence[str]) -> Prepared:
    doc = _document(_units_at(article_id, texts))
    text = doc.article.text
    units = [
        Unit(s.start, s.end, text[s.start : s.end], tuple(text[s.start : s.end].lower().split())) for s in doc.sentences
    ]
    return Prepared(doc, units, np.zeros((len(units), 4), dtype=np.float32), frozenset(), "latn")


def test_siblings_in_one_language_share_e5_vectors() -> None:
    """Once a paraphrase aligns two articles of one language, the second article's aligned sentences take
    the first one's vectors: comparing both with a translation encodes each sentence once."""
    embedder = CountingEmbedder()
    ctx = Context()
    ctx.resource("embedder:e5", lambda: embedder)
    first, second = _prepared("a1", SOURCE), _prepared("a2", ["The dam held after heavy rain overnight.", "New text."])
    vectors = StandIns([first, second], ctx)
    vectors.learn(Pair(first, second, "paraphrase", 0.9, ((0, 0),), 0.5, 0.5))
    rows = vectors(second, [0, 1])
    assert embedder.encoded == [SOURCE[0], "New text."]
    assert np.array_equal(rows[0], vectors(first, [0])[0])
    vectors.learn(Pair(first, second, "shared-passage", 0.9, ((1, 1),), 0.5, 0.5))  # an independent voice
    vectors(second, [1])
    assert embedder.encoded[-1] == "New text."


class _LookEverywhere(Gazetteer):
    """The gazetteer without its known-word pruning: every span up to the longest entry is looked up."""

    def _known_runs(self, toks: list[tuple[int, int, str]], lang: str) -> list[int]:
        return [len(toks) - k for k in range(len(toks) + 1)]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "Президент Соединенных Штатов прилетел из Москвы в Киев, а потом в Вашингтон."),
        ("de", "Aus dem Kreml hieß es, die Sprecher des Kremls und der Vereinigten Staaten seien in Wien."),
        ("fr", "Le secrétaire général de l'OTAN s'est rendu aux États-Unis puis à Genève."),
        ("en", "The United Nations Security Council met in New York; nothing else here is a place."),
        ("hr", "Predsjednik Sjedinjenih Američkih Država doputovao je u Zagreb."),
        ("en", ""),
    ],
)
def test_gazetteer_pruning_finds_what_looking_everywhere_finds(lang: str, text: str) -> None:
    fast = build_gazetteer()
    slow = _LookEverywhere(fast._entries, fast._suffixes, fast._modifiers)
    assert fast.find(text, lang) == slow.find(text, lang)
    assert bool(fast.find(text, lang)) == bool(text)


def _story(sid: str, n: int) -> Story:
    return Story(id=sid, title=sid, articles=tuple(f"{sid}-{k}" for k in range(n)))


@pytest.mark.parametrize(
    ("sizes", "limit", "expected"),
    [
        ([3, 3, 3], 6, [["s0", "s1"], ["s2"]]),
        ([1, 4, 1, 2], 6, [["s1", "s3"]]),  # one-article stories have no pairs
        ([9, 2], 6, [["s0"], ["s1"]]),  # a larger story alone
        ([1, 1], 6, []),
    ],
)
def test_story_batches(sizes: list[int], limit: int, expected: list[list[str]]) -> None:
    batches = story_batches([_story(f"s{i}", n) for i, n in enumerate(sizes)], limit)
    assert [[s.id for s in b] for b in batches] == expected


def test_derivations_batched_equal_story_by_story(examples_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Translation pairs of many stories encoded in one call, and one-language pairs in rounds (the k-th
    pair of every story at once), give the derivations of one story at a time."""
    pipeline = default_pipeline().until("derivations")
    batched = analyze(examples_dir, pipeline=pipeline)
    monkeypatch.setattr(derive, "PREFETCH_ARTICLES", 1)
    alone = analyze(examples_dir, pipeline=pipeline)
    assert any(d.kind == "translation" for d in batched.derivations)
    assert [d.to_dict() for d in batched.derivations] == [d.to_dict() for d in alone.derivations]
    assert [s.voices for s in batched.stories] == [s.voices for s in alone.stories]
