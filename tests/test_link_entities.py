"""Joining a story's entities that different languages name differently (stories/link_entities.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest

from synoptic.annotate.gazetteer import build_gazetteer
from synoptic.annotate.proper import ProperParams
from synoptic.embed import E5Embedder, Matrix
from synoptic.models import Article, Document, Entity, Mention, Published, Span
from synoptic.stories.link_entities import LinkParams, common_word, link_entities, restamp

P = LinkParams()


class TableEmbedder:
    """Unit vectors from a table of cosines: each name gets its own axis, and in a pair the name that
    sorts second leans towards the first by the pair's cosine (each name in at most one pair as the
    second; unlisted names are orthogonal to all)."""

    name = "table"

    def __init__(self, close: dict[frozenset[str], float]) -> None:
        self.close = close

    def encode(self, texts: Sequence[str]) -> Matrix:
        names = sorted({t for pair in self.close for t in pair} | set(texts))
        out = np.zeros((len(texts), len(names)), dtype=np.float32)
        for i, t in enumerate(texts):
            out[i, names.index(t)] = 1.0
            for pair, cos in self.close.items():
                first, second = sorted(pair)
                if t == second:
                    out[i, names.index(first)] = cos
                    out[i, names.index(t)] = float(np.sqrt(1 - cos * cos))
        return out


def entity(eid: str, name: str, etype: str, article: str) -> Entity:
    return Entity(eid, name, etype, (name,), (Span(article, 0, len(name), name),))  # type: ignore[arg-type]


LANG = {"en1": "en", "ru1": "ru", "pt1": "pt", "en2": "en", "ru2": "ru"}
STORY = [frozenset({"en1", "ru1", "pt1"})]


@pytest.mark.parametrize(
    ("entities", "close", "stories", "joined"),
    [
        # translated names of one party in three languages: one entity
        (
            [
                entity("e1", "Republican Party", "ORG", "en1"),
                entity("e2", "Республиканской партии", "ORG", "ru1"),
                entity("e3", "Partido Republicano", "ORG", "pt1"),
            ],
            {
                frozenset({"Partido Republicano", "Республиканской партии"}): 0.9,
                frozenset({"Partido Republicano", "Republican Party"}): 0.95,
            },
            STORY,
            {"e1", "e2"},
        ),
        # below the threshold: apart
        (
            [entity("e1", "Census Bureau", "ORG", "en1"), entity("e2", "Бюро", "ORG", "ru1")],
            {frozenset({"Census Bureau", "Бюро"}): 0.8},
            STORY,
            set(),
        ),
        # one language: never joined by meaning (spelling decides there)
        (
            [entity("e1", "Census Bureau", "ORG", "en1"), entity("e2", "US Census", "ORG", "en2")],
            {frozenset({"Census Bureau", "US Census"}): 0.95},
            [frozenset({"en1", "en2"})],
            set(),
        ),
        # two types: apart
        (
            [entity("e1", "Jordan", "PERSON", "en1"), entity("e2", "Иордания", "PLACE", "ru1")],
            {frozenset({"Jordan", "Иордания"}): 0.95},
            STORY,
            set(),
        ),
        # a rare one-word name and its transliteration: one person
        (
            [entity("e1", "Leive", "PERSON", "en1"), entity("e2", "Лейв", "PERSON", "ru1")],
            {frozenset({"Leive", "Лейв"}): 0.89},
            STORY,
            {"e1"},
        ),
        # two one-word names spelt unalike: a topic, not a rendering, however close
        (
            [entity("e1", "Pfizer", "ORG", "en1"), entity("e2", "Covid", "ORG", "pt1")],
            {frozenset({"Pfizer", "Covid"}): 0.95},
            STORY,
            set(),
        ),
        # a common word taken for a name needs a closer match ("Was" / "Wir" 0.879 in WMT22)
        (
            [entity("e1", "Was", "PERSON", "en1"), entity("e2", "Wir", "PERSON", "pt1")],
            {frozenset({"Was", "Wir"}): 0.89},
            STORY,
            set(),
        ),
        # a place or organisation that is part of the other's name: a part, not a translation
        (
            [entity("e1", "Abu Dhabi", "PLACE", "en1"), entity("e2", "Abu Dhabi Grand Prix", "PLACE", "pt1")],
            {frozenset({"Abu Dhabi", "Abu Dhabi Grand Prix"}): 0.95},
            STORY,
            set(),
        ),
        # ... but a surname within a full name is the same person
        (
            [entity("e1", "Klerk", "PERSON", "pt1"), entity("e2", "Frederik de Klerk", "PERSON", "en1")],
            {frozenset({"Klerk", "Frederik de Klerk"}): 0.92},
            STORY,
            {"e1"},
        ),
        # no story holds both: apart
        (
            [entity("e1", "Republican Party", "ORG", "en1"), entity("e2", "Республиканской партии", "ORG", "ru2")],
            {frozenset({"Republican Party", "Республиканской партии"}): 0.95},
            [frozenset({"en1", "ru1"}), frozenset({"en2", "ru2"})],
            set(),
        ),
    ],
)
def test_link_entities_table(
    entities: list[Entity], close: dict[frozenset[str], float], stories: list[frozenset[str]], joined: set[str]
) -> None:
    linked, renamed = link_entities(entities, LANG, stories, TableEmbedder(close), P)
    assert set(renamed) == joined
    assert sum(len(e.mentions) for e in linked) == sum(len(e.mentions) for e in entities)  # nothing lost
    assert len(linked) == len(entities) - len(joined)


def test_only_mutual_best_matches_join() -> None:
    """Russian 'Демократической партии' is close to both English parties; it joins the closer one,
    and the other English party, whose best match it is not, stays apart."""
    entities = [
        entity("rep", "Republican Party", "ORG", "en1"),
        entity("dem", "Democratic Party", "ORG", "en2"),
        entity("ru", "Демократической партии", "ORG", "ru1"),
    ]
    close = {
        frozenset({"Democratic Party", "Демократической партии"}): 0.95,
        frozenset({"Republican Party", "Демократической партии"}): 0.9,
    }
    story = [frozenset({"en1", "en2", "ru1"})]
    _linked, renamed = link_entities(entities, LANG, story, TableEmbedder(close), P)
    assert renamed == {"ru": "dem"} or renamed == {"dem": "ru"}


def test_gazetteer_has_the_last_word() -> None:
    """Two names the gazetteer knows as different places are never joined, however close."""
    gaz = build_gazetteer()
    entities = [entity("e1", "Estados Unidos", "PLACE", "pt1"), entity("e2", "United Kingdom", "PLACE", "en1")]
    close = {frozenset({"Estados Unidos", "United Kingdom"}): 0.99}
    _linked, renamed = link_entities(entities, LANG, STORY, TableEmbedder(close), P, gaz)
    assert renamed == {}
    _linked, renamed = link_entities(entities, LANG, STORY, TableEmbedder(close), P)
    assert set(renamed) == {"e1"} or set(renamed) == {"e2"}  # without it, the vectors decide


def test_restamp_moves_mentions_to_the_joined_id() -> None:
    art = Article("a", "t", "ru", None, None, (), Published(), "Республиканской партии", language_how="given")
    doc = Document(article=art, mentions=(Mention(0, 22, "Республиканской партии", "ORG", entity="e2"),))
    assert restamp(doc, {"e2": "e1"}).mentions[0].entity == "e1"
    assert restamp(doc, {"e9": "e1"}) is doc


@pytest.mark.parametrize(
    ("english", "other", "distractor"),
    [
        ("Republican Party", "Республиканской партии", "Democratic Party"),
        ("Bank of Scotland", "Банка Шотландии", "Bank of England"),
        ("British Ministry of Defence", "Министерства обороны Великобритании", "US Department of Defense"),
    ],
)
def test_e5_joins_translated_names_and_leaves_the_distractor(english: str, other: str, distractor: str) -> None:
    """With the real encoder: a Russian name joins its English translation, not a similar name."""
    entities = [
        entity("en", english, "ORG", "en1"),
        entity("dis", distractor, "ORG", "en2"),
        entity("ru", other, "ORG", "ru1"),
    ]
    story = [frozenset({"en1", "en2", "ru1"})]
    linked, renamed = link_entities(entities, LANG, story, E5Embedder(), P)
    assert {renamed.get("ru", "ru"), renamed.get("en", "en")} == {renamed.get("ru", "ru")}  # one id
    assert "dis" not in renamed and "dis" not in renamed.values()
    assert len(linked) == 2


@pytest.mark.parametrize(
    ("word", "lang", "threshold", "common"),
    [
        ("Land", "de", None, True),  # a German noun, by the language's rules
        ("House", "en", None, True),  # frequent anywhere in a sentence
        ("House", "en", 9.0, False),  # the run set the frequency bar above every word
        ("Zelensky", "en", None, False),
        ("Zelensky", "en", 9.0, False),
    ],
)
def test_common_word_follows_the_run_settings(word: str, lang: str, threshold: float | None, common: bool) -> None:
    params = ProperParams() if threshold is None else replace(ProperParams(), common_at_start=threshold)
    assert common_word(word, lang, params) is common
