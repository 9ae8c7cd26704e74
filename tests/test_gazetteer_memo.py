"""The gazetteer remembers its `lookup` answers (resolving a store's entities looks up every mention's
surface): the same answer as looking the surface up afresh, found or not, with or without the names
that only type mentions, in a memory that stays bounded."""

from __future__ import annotations

import pytest

from synoptic.annotate import gazetteer as gazetteer_module
from synoptic.annotate.entities import recogniser
from synoptic.annotate.gazetteer import Gazetteer
from synoptic.pipeline import Context

CASES = [
    ("Moskau", "de", True),
    ("Москве", "ru", True),
    ("Соединенного Королевства", "ru", True),
    ("Columbus", "en", True),  # a GeoNames city that only types a mention
    ("Columbus", "en", False),
    ("Kremls", "de", True),
    ("Совета", "ru", True),  # no place
    ("the", "en", True),
    ("", "en", True),
]


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return recogniser(Context()).gazetteer


@pytest.mark.parametrize(("surface", "lang", "typing"), CASES)
def test_a_remembered_answer_is_the_fresh_one(gazetteer: Gazetteer, surface: str, lang: str, typing: bool) -> None:
    fresh = gazetteer._lookup_surface((surface, lang, typing))
    assert gazetteer.lookup(surface, lang, typing) == fresh
    assert gazetteer.lookup(surface, lang, typing) == fresh  # from memory now
    assert (surface, lang, typing) in gazetteer._looked_up


def test_the_answers_differ_where_they_should(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("Moskau", "de") is not None and gazetteer.lookup("Совета", "ru") is None
    with_typing, without = gazetteer.lookup("Columbus", "en", True), gazetteer.lookup("Columbus", "en", False)
    assert with_typing != without  # the memory keeps the two apart


def test_the_memory_stays_bounded(gazetteer: Gazetteer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gazetteer_module, "KNOWN_MEMO", 3)
    gazetteer._looked_up.clear()
    answers = [gazetteer.lookup(surface, lang, typing) for surface, lang, typing in CASES]
    assert len(gazetteer._looked_up) <= 3
    assert answers == [gazetteer._lookup_surface((surface, lang, typing)) for surface, lang, typing in CASES]
