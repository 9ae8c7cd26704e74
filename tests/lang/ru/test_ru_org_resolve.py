"""ru: one organisation named in two grammatical cases in two articles is one entity; two organisations
differing in a word stay two ("Министерство обороны России" is not "... Украины")."""

from __future__ import annotations

import pytest

from synoptic.annotate.entities import recogniser
from synoptic.annotate.org_grammar import declined_key
from synoptic.annotate.resolve import resolve
from synoptic.models import Article, Document, Published
from synoptic.pipeline import Context

_CTX = Context()


def _entity_of(docs: list[tuple[str, str]], surface: str) -> set[str]:
    built = []
    for i, (lang, text) in enumerate(docs):
        art = Article(f"a{i}", f"a{i}", lang, None, None, (), Published(), text, language_how="given")
        built.append(Document(article=art, mentions=tuple(recogniser(_CTX).find(text, lang))))
    _entities, resolved = resolve(built, recogniser(_CTX).gazetteer)
    return {m.entity or "" for d in resolved for m in d.mentions if m.text.startswith(surface)}


@pytest.mark.parametrize(
    ("texts", "prefix", "entities"),
    [
        (
            [
                ("ru", "Заявление сделало Министерство обороны Великобритании в среду."),
                ("ru", "Представитель Министерства обороны Великобритании промолчал."),
            ],
            "Министерств",
            1,
        ),
        (
            [("ru", "Он голосовал за Республиканскую партию."), ("ru", "Лидер Республиканской партии выступил.")],
            "Республиканск",
            1,
        ),
        (
            [
                ("ru", "Заявление сделало Министерство обороны России в среду."),
                ("ru", "Заявление сделало Министерство обороны Украины в среду."),
            ],
            "Министерство",
            2,
        ),
    ],
)
def test_ru_org_cases_resolve_to_one_entity(texts: list[tuple[str, str]], prefix: str, entities: int) -> None:
    assert len(_entity_of(texts, prefix)) == entities


@pytest.mark.parametrize(
    ("lang", "a", "b", "same"),
    [
        ("ru", "Министерства обороны", "Министерство обороны", True),
        ("ru", "Республиканской партии", "Республиканская партия", True),
        ("ru", "Министерство обороны", "Министерство культуры", False),
        ("ru", "Брисбена", "Брисбен", False),  # one word: resolve compares it by its skeleton
        ("pt", "Partido Republicano", "Partidos Republicanos", False),  # Portuguese names do not decline
    ],
)
def test_declined_key(lang: str, a: str, b: str, same: bool) -> None:
    assert (declined_key(a, lang) == declined_key(b, lang)) == same
