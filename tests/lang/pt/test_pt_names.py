"""pt: a city name after a first name is a surname; hyphenated place names written with spaces;
the nasal -ão of Portuguese names is the -an / -on of other languages when names are compared."""

from __future__ import annotations

import pytest

from synoptic.annotate.entities import recogniser
from synoptic.annotate.names import skeleton
from synoptic.pipeline import Context

_CTX = Context()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cristóvão Colombo navegou para oeste.", [("Cristóvão Colombo", "PERSON")]),
        ("O navio atracou em Colombo ontem.", [("Colombo", "PLACE")]),  # no first name before it: the city
        ("Ele visitou Papua Nova Guiné em maio.", [("Papua Nova Guiné", "PLACE")]),
        ("Ele visitou Papua-Nova Guiné em maio.", [("Papua-Nova Guiné", "PLACE")]),
        ("Os navios cruzaram o Mediterrâneo.", [("Mediterrâneo", "PLACE")]),
        ("A reunião terminou cedo.", []),
    ],
)
def test_pt_names_and_places(text: str, expected: list[tuple[str, str]]) -> None:
    found = recogniser(_CTX).find(text, "pt")
    assert [(m.text, m.type) for m in found] == expected
    assert all(text[m.start : m.end] == m.text for m in found)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (("Iucatão", "pt"), ("Юкатане", "ru"), True),  # -ão is -an; a dative ending
        (("Japão", "pt"), ("Japan", "en"), True),
        (("Camarões", "pt"), ("Cameroons", "en"), True),
        (("Yucatán", "en"), ("Юкатан", "ru"), True),  # initial y before a vowel is the i of Ю
        (("Japão", "pt"), ("Jabal", "en"), False),
        (("Melão", "pt"), ("Milan", "en"), True),  # one skeleton: resolve's other checks keep them apart
        (("Portão", "pt"), ("Porto", "pt"), False),
    ],
)
def test_pt_nasal_endings_in_skeletons(a: tuple[str, str], b: tuple[str, str], same: bool) -> None:
    assert (skeleton(*a) == skeleton(*b)) is same
