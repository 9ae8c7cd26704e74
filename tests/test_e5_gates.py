"""The E5 gates of the claims and quote-group stages send fewer texts to E5 and give the answers of
embedding everything: on the example corpus and the seeds the gated claim groups are the all-pairs
ones, a story told by one voice costs E5 only for sentences derivations did not align, and two
renderings of one source quote score 1 without E5."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from synoptic.compare.anchors import name_keys, sharing
from synoptic.compare.claim_groups import align, derived_sentences, units_to_embed
from synoptic.compare.claims import ClaimParams, ClaimUnit, units_of
from synoptic.compare.quote_groups import (
    _Item,
    _Similarity,
    build_quotes,
    candidate_pairs,
    derived_quotes,
    one_encoder,
)
from synoptic.compare.voices import story_families, voice_of
from synoptic.embed import SentenceVectors, e5_embedder, static_embedder
from synoptic.models import (
    Analysis,
    Derivation,
    Document,
    Passage,
    Quote,
    QuoteMention,
    Span,
)
from synoptic.pipeline import Context, CorpusState
from test_speed_paths import CountingEmbedder, _document, _units_at


class FarStatic:
    """A static model under which no two different texts are close (one axis per text)."""

    name = "far"
    dim = 64

    def __init__(self) -> None:
        self.axes: dict[str, int] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row, self.axes.setdefault(text, len(self.axes))] = 1.0
        return out


def _translation(src: Sequence[ClaimUnit], dst: Sequence[ClaimUnit], kind: str = "translation") -> Derivation:
    """A derivation whose one passage covers the first `len(dst)` sentences of both articles."""
    n = min(len(src), len(dst))
    passage = Passage(
        Span(src[0].article, src[0].start, src[n - 1].end, ""), Span(dst[0].article, 0, dst[n - 1].end, "")
    )
    return Derivation(src[0].article, dst[0].article, kind, 1.0, (passage,))  # type: ignore[arg-type]


SOURCE = ["The dam held overnight after heavy rain.", "Crews worked in shifts to reinforce it."]
TRANSLATION = ["Der Damm hielt nach starkem Regen stand.", "Trupps arbeiteten in Schichten daran."]


def _story(extra: Sequence[str] = ()) -> tuple[list[ClaimUnit], list[Derivation], dict[str, Document]]:
    """An original and its translation (one passage over the first two sentences), plus `extra`
    sentences at the end of the translation that no passage covers."""
    src, dst = _units_at("a1", SOURCE, "en"), _units_at("a2", [*TRANSLATION, *extra], "de")
    docs = {"a1": _document(src), "a2": _document(dst)}
    return src + dst, [_translation(src, dst)], docs


def test_a_story_of_one_voice_whose_sentences_derivations_aligned_costs_no_e5() -> None:
    units, derivations, docs = _story()
    embedder = CountingEmbedder()
    aligned = align(units, embedder, derivations, docs, ClaimParams(), {"a1": "a1", "a2": "a1"}, FarStatic())
    assert embedder.encoded == []
    assert aligned.groups == ((0, 2), (1, 3))  # each sentence with its translation, as with E5
    assert aligned.sim(0, 2) == 1.0 and aligned.sim(0, 3) < 0.5


@pytest.mark.parametrize(
    ("extra", "voices", "embedded"),
    [
        # a sentence no passage covers, sharing a number with a sentence of the source: both are compared
        (["Etwa 40 Schiffe warteten."], {"a2": "a1"}, {2, 5}),
        # ... sharing nothing (and far in the static model): nothing to compare it with
        (["Es regnete weiter."], {"a2": "a1"}, set()),
        # two voices: every sentence of one is compared with the other's (paraphrases share no anchor)
        (["Es regnete weiter."], {}, {0, 1, 2, 3, 4, 5}),
    ],
)
def test_units_to_embed(extra: list[str], voices: dict[str, str], embedded: set[int]) -> None:
    src, dst = _units_at("a1", [*SOURCE, "About 40 ships waited."], "en"), _units_at("a2", [*TRANSLATION, *extra], "de")
    docs = {"a1": _document(src), "a2": _document(dst)}
    same_as = derived_sentences(src + dst, [_translation(src[:2], dst)], docs)
    assert same_as == {3: 0, 4: 1}
    assert units_to_embed(src + dst, voices, same_as, FarStatic(), ClaimParams().static_pair) == embedded


def test_one_article_and_empty_stories_embed_nothing() -> None:
    assert units_to_embed(_units_at("a1", SOURCE, "en"), {}, {}, FarStatic(), 0.7) == set()
    assert units_to_embed([], {}, {}, None, 0.7) == set()


@pytest.mark.parametrize(
    ("texts", "shared"),
    [
        (["Talks in Geneva resumed.", "Die Gespräche in Genf gingen weiter."], False),  # Geneva / Genf: no key
        (["The minister Lavrov said so.", "Министр Лавров сказал это."], True),  # a transliterated name
        (["Talks with Ryabkov ended.", "Gespräche mit Rjabkow endeten."], True),  # ... spelt another way
        (["About 40 ships a week.", "Etwa 40 Schiffe pro Woche."], True),  # a number
        (["It rained.", "Es regnete."], False),
    ],
)
def test_names_and_numbers_are_shared_anchors(texts: list[str], shared: bool) -> None:
    keys = [name_keys(t) for t in texts]
    assert bool(sharing(keys)[0, 1]) is shared
    assert sharing(keys)[0, 0] == bool(keys[0])


def _quote(article: str, text: str) -> _Item:
    mention = QuoteMention(0, len(text), text, "direct")
    quote = Quote(f"q-{article}", Span(article, 0, len(text), text), "direct", None, None, "")
    return _Item(quote, mention, "en", None, None)


def test_renderings_of_one_source_quote_score_one_without_e5() -> None:
    items = [_quote("a1", "We will not retreat."), _quote("a2", "Wir weichen nicht."), _quote("a3", "Nous tiendrons.")]
    embedder = CountingEmbedder()
    sim = _Similarity(items, [(0, 1), (1, 2), (0, 2)], one_encoder(SentenceVectors(embedder)), {1: 0})
    assert sim(0, 1) == 1.0
    assert sorted(embedder.encoded) == ["Nous tiendrons.", "We will not retreat."]  # the rendering borrows
    embedder = CountingEmbedder()
    _Similarity(items, [(0, 1)], one_encoder(SentenceVectors(embedder)), {1: 0})
    assert embedder.encoded == []  # only renderings of one quote compared: nothing to embed


@pytest.mark.parametrize("corpus", ["examples_analysis", "seeds_analysis"])
def test_gated_claim_groups_are_the_all_pairs_groups(corpus: str, request: pytest.FixtureRequest) -> None:
    """The fast path (E5 only for units that can change a group) against the slow one (every unit)."""
    analysis: Analysis = request.getfixturevalue(corpus)
    state = CorpusState(
        documents=analysis.documents,
        entities=analysis.entities,
        stories=analysis.stories,
        derivations=analysis.derivations,
    )
    names = {e.id: e.name for e in analysis.entities}
    by_id = {d.id: d for d in analysis.documents}
    ctx, p = Context(), ClaimParams()
    e5, static = e5_embedder(ctx), static_embedder(ctx)
    compared = 0
    for family in story_families(state, analysis.stories, p.family_shared, p.family_jaccard):
        units = [u for s in family for a in s.articles if a in by_id for u in units_of(by_id[a], names, p.min_words)]
        slow = align(units, e5, analysis.derivations, by_id, p)
        fast = align(units, e5, analysis.derivations, by_id, p, voice_of(state), static)
        assert fast.groups == slow.groups
        compared += sum(len(g) > 1 for g in slow.groups)
    assert compared > 10  # claims of several sentences were compared, not only singletons


def test_quote_similarities_are_those_of_embedding_every_rendering(examples_analysis: Analysis) -> None:
    """Fast path against slow on the example corpus: every compared quote pair scores what embedding
    each quote with its source quote's vector gives, while renderings of one source quote cost no E5."""
    state = CorpusState(
        documents=examples_analysis.documents,
        entities=examples_analysis.entities,
        derivations=examples_analysis.derivations,
    )
    items = build_quotes(state)
    ctx = Context()
    e5, static = e5_embedder(ctx), static_embedder(ctx)
    pairs = candidate_pairs(items, static)
    same_as = derived_quotes(items, state.derivations, {d.id: d for d in state.documents})
    fast = _Similarity(items, pairs, one_encoder(SentenceVectors(e5)), same_as)
    roots = [items[same_as.get(k, k)].quote.span.text for k in range(len(items))]
    renderings = 0
    for a, b in pairs:
        if fast.is_split(a) or fast.is_split(b):
            continue  # a partial rendering: the best sentence, checked by the grouping tests
        slow = float(e5.encode([roots[a]])[0] @ e5.encode([roots[b]])[0])
        assert fast(a, b) == pytest.approx(slow, abs=1e-4)
        renderings += same_as.get(a, a) == same_as.get(b, b)
    assert renderings > 0  # carried-over quotes were compared without E5
