"""Each spaCy pass runs only the components it reads (`spacy_models.unread_by`), with the results of
the whole pipeline: the entity stage's NER and the claims parse."""

from __future__ import annotations

import pytest

from synoptic.annotate.entities import _spacy
from synoptic.annotate.spacy_models import unread_by
from synoptic.pipeline import Context
from synoptic.settings import Settings

ENGLISH = [
    "Deputy Foreign Minister Sergei Ryabkov met US officials in Geneva on Monday.",
    "The European Commission said on Tuesday that talks with Microsoft and Google would resume.",
    "Angela Merkel and Emmanuel Macron spoke by phone about the crisis in Ukraine.",
    "The court in Zagreb rejected the appeal because it had been filed too late.",
    "Nobody was hurt, the police said.",  # no entity at all: the lean pass must find none either
    "Shares of Credit Suisse fell 5% in Zurich after the bank reported a $1.5 billion loss.",
]


@pytest.fixture(scope="module")
def nlp() -> object:
    return _spacy(Context(Settings()))


def _ents(nlp: object, disable: tuple[str, ...]) -> list[list[tuple[int, int, str]]]:
    docs = nlp.pipe(ENGLISH, disable=list(disable))  # type: ignore[attr-defined]
    return [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in docs]


@pytest.mark.parametrize(
    ("component", "unread"),
    [
        ("ner", {"tok2vec", "tagger", "parser", "attribute_ruler"}),  # the NER has token vectors of its own
        ("parser", {"tagger", "attribute_ruler", "ner"}),  # the parser listens to the shared tok2vec
    ],
)
def test_unread_components_of_the_english_pipeline(nlp: object, component: str, unread: set[str]) -> None:
    assert set(unread_by(nlp, component)) == unread


def test_the_lean_ner_pass_finds_the_entities_of_the_whole_pipeline(nlp: object) -> None:
    lean = _ents(nlp, unread_by(nlp, "ner"))
    assert lean == _ents(nlp, ())
    assert lean[4] == [] and all(lean[i] for i in (0, 1, 2, 3, 5))
