"""Temporal expressions per language, resolved against the publication date with their granularity."""

from __future__ import annotations

import pytest

from synoptic.annotate.timex import find_timexes

# Publication dates: 2022-01-26 is a Wednesday, 2022-01-24 a Monday, 2025-04-10 a Thursday.
CASES = [
    ("en", "2022-01-26", "They spoke by phone on Monday.", "on Monday", "2022-01-24", "day"),
    ("en", "2022-01-26", "He said so yesterday.", "yesterday", "2022-01-25", "day"),
    ("en", "2022-01-26", "Russia warned last month that", "last month", "2021-12", "month"),
    (
        "en",
        "2022-01-26",
        "The interview on Thursday 13 January was long.",
        "on Thursday 13 January",
        "2022-01-13",
        "day",
    ),
    ("en", "2022-01-26", "with Putin on November 2, 2018 in Moscow", "on November 2, 2018", "2018-11-02", "day"),
    ("en", "2022-01-26", "Talks were held in May.", "in May", "2021-05", "month"),
    ("en", "2022-01-26", "found out in October 1962, sparking", "in October 1962", "1962-10", "month"),
    (
        "fr",
        "2025-05-18",
        "L'exposition est ouverte jusqu'au 21 septembre.",
        "jusqu'au 21 septembre",
        "2025-09-21",
        "day",
    ),
    ("fr", "2025-05-18", "Le musée a fermé le 21 septembre.", "le 21 septembre", "2024-09-21", "day"),
    ("en", "2022-01-26", "the crisis of 1962", "of 1962", "1962", "year"),
    ("en", "2022-01-26", "It happened last Wednesday.", "last Wednesday", "2022-01-19", "day"),
    ("en", "2022-01-26", "It happened 3 days ago.", "3 days ago", "2022-01-23", "day"),
    ("de", "2022-01-24", "Am 14. Dezember schloss er nichts aus.", "Am 14. Dezember", "2021-12-14", "day"),
    ("de", "2022-01-26", "diskutierten am Montag über Gespräche", "am Montag", "2022-01-24", "day"),
    ("de", "2022-01-26", "Er sagte gestern, dass", "gestern", "2022-01-25", "day"),
    ("de", "2022-01-26", "Im vergangenen Jahr wuchs", "Im vergangenen Jahr", "2021", "year"),
    ("de", "2022-01-26", "Das war vor drei Tagen.", "vor drei Tagen", "2022-01-23", "day"),
    ("fr", "2025-04-10", "Les négociations se sont ouvertes mardi à Genève.", "mardi", "2025-04-08", "day"),
    ("fr", "2025-04-10", "L'accord signé le 8 avril prévoit", "le 8 avril", "2025-04-08", "day"),
    ("fr", "2025-04-10", "Il l'a dit hier.", "hier", "2025-04-09", "day"),
    ("fr", "2025-04-10", "Le rapport publié le mois dernier", "le mois dernier", "2025-03", "month"),
    ("fr", "2025-04-10", "Il est parti lundi dernier.", "lundi dernier", "2025-04-07", "day"),
    ("ru", "2022-01-26", "Рябков сказал в понедельник, что", "в понедельник", "2022-01-24", "day"),
    ("ru", "2022-01-26", "Это было 14 декабря.", "14 декабря", "2021-12-14", "day"),
    ("cs", "2022-01-26", "Rjabkov v pondělí řekl, že", "v pondělí", "2022-01-24", "day"),
    ("cs", "2022-01-26", "Stalo se to včera.", "včera", "2022-01-25", "day"),
]


@pytest.mark.parametrize(("lang", "published", "text", "expr", "value", "granularity"), CASES)
def test_timex_resolve(lang: str, published: str, text: str, expr: str, value: str, granularity: str) -> None:
    found = {t.text: t for t in find_timexes(text, lang, published)}
    assert expr in found, found
    assert found[expr].value == value
    assert found[expr].granularity == granularity
    assert text[found[expr].start : found[expr].end] == expr


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("de", "Die Truppen sind mit ihm so weit gekommen, die Lage bleibt."),
        ("de", "Mit Do und Mi hat das nichts zu tun."),
        ("en", "Russia may deploy troops if talks fail."),
        ("en", "They march on the capital and may win."),
        ("fr", "Le mardi gras est une fête."[:0] + "Il mange une pomme avec du pain."),
    ],
)
def test_timex_false_hits_are_not_found(lang: str, text: str) -> None:
    assert find_timexes(text, lang, "2022-01-26") == ()


def test_timex_without_publication_date_keeps_relative_unresolved() -> None:
    found = {t.text: t for t in find_timexes("On Monday, a week after 3 May 2021, he left.", "en", None)}
    assert found["On Monday"].value == ""
    assert found["On Monday"].relative
    assert found["3 May 2021"].value == "2021-05-03"
    assert not found["3 May 2021"].relative


def test_remembered_expressions_are_the_ones_found_and_a_callers_list_is_its_own() -> None:
    from synoptic.annotate.timex import _expressions, find_expressions

    text = "Am Montag, dem 14. Dezember 2021, und zwei Tage später sprachen sie erneut."
    _expressions.cache_clear()
    first = find_expressions(text, "de")
    assert [(e.kind, text[e.start : e.end]) for e in first] == [("weekday", "Am Montag"), ("date", "14. Dezember 2021")]
    first.clear()  # a caller's list: changing it changes nothing remembered
    again = find_expressions(text, "de")
    assert again and again == list(_expressions.__wrapped__(text, "de"))
    assert _expressions.cache_info().hits == 1
