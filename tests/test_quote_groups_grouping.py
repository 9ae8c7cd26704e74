"""Quote groups: the same utterance across articles shares a group; other statements do not."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pytest
from rapidfuzz import fuzz

from synoptic.compare import quote_groups as qg
from synoptic.compare.quote_groups import build_quotes, group_quotes
from synoptic.embed import Matrix, SentenceVectors
from synoptic.models import Article, Document, Entity, Published, QuoteMention, Span
from synoptic.pipeline import CorpusState


class TableEmbedder:
    """Vectors from a table of texts: texts sharing a topic letter get near-identical vectors."""

    name = "table"
    dim = 4

    def __init__(self, topics: dict[str, int]) -> None:
        self.topics = topics

    def encode(self, texts: Sequence[str]) -> Matrix:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            topic = next((v for k, v in self.topics.items() if k in t), 3)
            out[i, topic] = 1.0
            out[i, (topic + 1) % self.dim] = 0.1 * (len(t) % 3)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        result: Matrix = out / norms
        return result


def doc(article_id: str, text: str, lang: str, quotes: Sequence[tuple[str, str]], day: str = "2025-03-10") -> Document:
    """A document whose quotes are (quote text, speaker text) pairs found in `text`."""
    art = Article(article_id, f"{article_id}.txt", lang, None, None, (), Published(day, "given"), text)
    found = []
    for quote, speaker in quotes:
        qs, ss = text.index(quote), text.index(speaker)
        found.append(QuoteMention(qs, qs + len(quote), quote, "direct", ss, ss + len(speaker), speaker))
    return Document(article=art, quotes=tuple(found))


TOPICS = {"depends": 0, "relies": 0, "Depends": 0, "Abhängig": 0, "cordial": 1, "Freundlich": 1, "weather": 2}


def state() -> CorpusState:
    a = doc(
        "a",
        "“it all depends on our colleagues,” Ryabkov said. “Nice weather,” Ryabkov said.",
        "en",
        [("it all depends on our colleagues", "Ryabkov"), ("Nice weather", "Ryabkov")],
    )
    b = doc(
        "b",
        "“it all relies on our partners,” said Sergei Ryabkov.",
        "en",
        [("it all relies on our partners", "Sergei Ryabkov")],
    )
    c = doc("c", "„Abhängig von den Kollegen“, sagte Rjabkow.", "de", [("Abhängig von den Kollegen", "Rjabkow")])
    d = doc(
        "d", "“it all depends on our colleagues,” Peskov said.", "en", [("it all depends on our colleagues", "Peskov")]
    )
    return CorpusState(documents=(a, b, c, d))


def test_quote_groups_same_utterance_same_speaker_across_languages() -> None:
    quotes, groups = group_quotes(build_quotes(state()), TableEmbedder(TOPICS))
    by_text = {(q.span.article, q.span.text): q for q in quotes}
    ryabkov = {
        by_text[("a", "it all depends on our colleagues")].group,
        by_text[("b", "it all relies on our partners")].group,
        by_text[("c", "Abhängig von den Kollegen")].group,
    }
    assert len(ryabkov) == 1
    assert by_text[("a", "Nice weather")].group not in ryabkov
    (group,) = [g for g in groups if g.id in ryabkov]
    assert set(group.languages) == {"de", "en"}


def test_quote_groups_identical_words_of_another_speaker_are_not_merged() -> None:
    quotes, _ = group_quotes(build_quotes(state()), TableEmbedder(TOPICS))
    by_text = {(q.span.article, q.span.text): q for q in quotes}
    assert (
        by_text[("d", "it all depends on our colleagues")].group
        != by_text[("b", "it all relies on our partners")].group
    )


def test_quote_groups_one_quote_per_article_per_group() -> None:
    quotes, _ = group_quotes(build_quotes(state()), TableEmbedder({"": 0}))
    groups: dict[str, set[str]] = {}
    for q in quotes:
        assert q.span.article not in groups.get(q.group, set())
        groups.setdefault(q.group, set()).add(q.span.article)


def test_quote_groups_ids_are_stable_and_order_free() -> None:
    first, _ = group_quotes(build_quotes(state()), TableEmbedder(TOPICS))
    st = state()
    reordered = CorpusState(documents=tuple(reversed(st.documents)))
    second, _ = group_quotes(build_quotes(reordered), TableEmbedder(TOPICS))
    assert {q.id: q.group for q in first} == {q.id: q.group for q in second}


def test_quote_groups_keep_wording_differences() -> None:
    _, groups = group_quotes(build_quotes(state()), TableEmbedder(TOPICS))
    (group,) = [g for g in groups if len(g.quotes) == 3]
    english = [v for v in group.variants if v.language == "en" and v.quote != group.reference]
    assert english and english[0].removed and english[0].added
    german = next(v for v in group.variants if v.language == "de")
    assert german.removed == () and german.added == ()


def test_quote_groups_speaker_is_the_entity_of_the_speaker_span() -> None:
    st = state()
    a = st.documents[0]
    start = a.article.text.index("Ryabkov")
    ent = Entity("e1", "Sergei Ryabkov", "PERSON", ("Ryabkov",), (Span.of("a", a.article.text, start, start + 7),))
    quotes, _ = group_quotes(build_quotes(CorpusState(documents=st.documents, entities=(ent,))), TableEmbedder(TOPICS))
    first = next(q for q in quotes if q.span.article == "a")
    assert first.speaker == "e1"
    assert first.speaker_span is not None and first.speaker_span.text == "Ryabkov"


class CosineEmbedder:
    """Two texts at a chosen cosine: `first` gets (1, 0), every other text (c, sqrt(1 - c^2))."""

    name = "cosine"
    dim = 2

    def __init__(self, first: str, cos: float) -> None:
        self.first, self.cos = first, cos

    def encode(self, texts: Sequence[str]) -> Matrix:
        other = [self.cos, float(np.sqrt(1 - self.cos**2))]
        return np.array([[1.0, 0.0] if t == self.first else other for t in texts], dtype=np.float32)


EN = "“We will rebuild the bridge over the Havel before winter,” she said. Edda Brunkhorst has led Kremmen since 2019."
DE = (
    "„Wir bauen die Brücke über die Havel vor dem Winter wieder auf“, sagte sie. "
    "Edda Brunkhorst leitet Kremmen seit 2019."
)
OTHER = "„Wir bauen die Schule vor dem Winter wieder auf“, sagte sie. Jana Lüdtke leitet Lübars seit 2021."


@pytest.mark.parametrize(
    ("german", "cos", "grouped"),
    [
        (DE, 0.90, True),  # a translation whose speaker is only "sie": shared names and E5 carry it
        (DE, 0.70, False),  # the same article pair, but wordings E5 finds far apart
        (OTHER, 0.90, False),  # a close wording in an article about another place
    ],
)
def test_quote_groups_translation_without_a_named_speaker(german: str, cos: float, grouped: bool) -> None:
    q_en, q_de = EN[1 : EN.index("”")], german[1 : german.index("“")]
    a = doc("en", EN, "en", [(q_en, "Edda Brunkhorst")])  # resolved from "she"
    b = doc("de", german, "de", [(q_de, "sie")])
    quotes, groups = group_quotes(build_quotes(CorpusState(documents=(a, b))), CosineEmbedder(q_en, cos))
    assert (quotes[0].group == quotes[1].group) is grouped
    assert len(groups) == int(grouped)


def _reference_scored_pairs(
    items: Sequence[qg._Item], pairs: Sequence[tuple[int, int]], sim: qg._Similarity, w: qg.Weights
) -> list[tuple[float, int, int]]:
    """`scored_pairs` as first written: the identical-words rule, then every pair's feature record."""
    out: list[tuple[float, int, int]] = []
    for a, b, similarity, mutual in qg.similarities(items, pairs, sim):
        x, y = items[a], items[b]
        unknown = x.speaker_key is None or y.speaker_key is None
        same_words = fuzz.ratio(x.quote.span.text, y.quote.span.text) >= w.near_identical
        if (unknown or qg._same_speaker(x, y, w.speaker_name_ratio)) and same_words:
            out.append((math.inf, a, b))
            continue
        logit = qg.pair_features(x, y, similarity, mutual, w).logit(w)
        if logit >= w.threshold:
            out.append((logit, a, b))
    return sorted(out, reverse=True)


@pytest.mark.parametrize("threshold", [-40.0, -5.0, 0.0, 5.0])
def test_scored_pairs_equal_the_feature_records_logits(threshold: float) -> None:
    """Every pair of the table's articles, at thresholds that keep all, some or none of them."""
    items = qg.build_quotes(state())
    pairs = [(a, b) for a in range(len(items)) for b in range(a + 1, len(items))]
    w = qg.Weights(threshold=threshold)
    sim = qg._Similarity(items, pairs, qg.one_encoder(SentenceVectors(TableEmbedder(TOPICS))))
    fast, reference = qg.scored_pairs(items, pairs, sim, w), _reference_scored_pairs(items, pairs, sim, w)
    assert fast == reference
    if threshold == -40.0:
        assert len(fast) == len(pairs)
