"""ru: a capitalised adjective before a gazetteer place is part of the place's name; other
neighbours of a place (a person, a place in the genitive) stay mentions of their own."""

from __future__ import annotations

import pytest

from synoptic.annotate.entities import recogniser
from synoptic.pipeline import Context

_CTX = Context()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Колонисты жили в Новой Франции много лет.", [("Новой Франции", "PLACE")]),
        ("Он жил в районе Большого Торонто давно.", [("Большого Торонто", "PLACE")]),
        ("Мэр Москвы Сергей Собянин выступил.", [("Москвы", "PLACE"), ("Сергей Собянин", "PERSON")]),
        ("Делегация прибыла во Францию.", [("Францию", "PLACE")]),
        ("Переговоры шли весь день.", []),
    ],
)
def test_adjective_joins_the_place_it_precedes(text: str, expected: list[tuple[str, str]]) -> None:
    found = recogniser(_CTX).find(text, "ru")
    assert [(m.text, m.type) for m in found] == expected
    assert all(text[m.start : m.end] == m.text for m in found)


def test_languages_without_adjective_endings_keep_their_mentions() -> None:
    text = "Os colonos chegaram a Grande Lisboa."
    found = recogniser(_CTX).find(text, "pt")
    assert all(text[m.start : m.end] == m.text for m in found)
    assert "Lisboa" in [m.text for m in found]
