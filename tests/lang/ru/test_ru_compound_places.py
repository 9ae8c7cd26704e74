"""ru: multi-word place names found inflected (every word declines, an indeclinable word stays, a
spaced dash joins the parts), and the noun endings tried only inside multi-word names."""

from __future__ import annotations

import pytest

from synoptic.annotate.entities import recogniser
from synoptic.pipeline import Context

_CTX = Context()


@pytest.mark.parametrize(
    ("surface", "key"),
    [
        ("Соединенного Королевства", "United Kingdom"),  # adjective and neuter noun both decline
        ("Соединённое Королевство", "United Kingdom"),
        ("Папуа — Новую Гвинею", "Papua New Guinea"),  # indeclinable "Папуа" beside declined words
        ("Средиземного моря", "Mediterranean"),
        ("Средиземном море", "Mediterranean"),
        ("Дунаю", "Danube"),
        ("Голландии", "Netherlands"),
        ("Совета", None),  # a neuter ending is no ending of a one-word name: not "Совето" (Soweto)
        ("Королевства", None),
        ("Новую", None),
    ],
)
def test_inflected_compound_places(surface: str, key: str | None) -> None:
    place = recogniser(_CTX).gazetteer.lookup(surface, "ru")
    assert (place.key if place is not None else None) == key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Он посетил Папуа — Новую Гвинею в мае.", [("Папуа — Новую Гвинею", "PLACE")]),
        ("Суда вышли из Средиземного моря.", [("Средиземного моря", "PLACE")]),
        # a dash between two places keeps them apart: no entry spans both
        ("Поезд Москва — Киев отменили.", [("Москва", "PLACE"), ("Киев", "PLACE")]),
        ("Заседание Совета продолжилось.", []),
    ],
)
def test_compound_places_in_text(text: str, expected: list[tuple[str, str]]) -> None:
    found = recogniser(_CTX).find(text, "ru")
    got = [(m.text, m.type) for m in found if m.type == "PLACE" or m.source == "gazetteer"]
    assert got == expected
    assert all(text[m.start : m.end] == m.text for m in found)


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("Америка была открыта Христофором Колумбом в 1492 году.", "Христофором Колумбом"),  # declined first name
        ("Письмо получил Джон Смит.", "Джон Смит"),
        ("Открытие выставки стало событием года.", ""),
    ],
)
def test_declined_first_names_start_a_person(text: str, person: str) -> None:
    found = recogniser(_CTX).find(text, "ru")
    people = [m.text for m in found if m.type == "PERSON"]
    assert people == ([person] if person else [])
