"""Quantities per language: the number, its range and approximation, and what it counts."""

from __future__ import annotations

import pytest

from synoptic.annotate.quantities import find_quantities

CASES = [
    ("en", "Russia’s 100,000-strong force", "100,000-strong force", 100000, 100000, "force", False),
    ("en", "involving 140 ships and 10,000 troops", "140 ships", 140, 140, "ships", False),
    ("en", "involving 140 ships and 10,000 troops", "10,000 troops", 10000, 10000, "troops", False),
    ("en", "It reached 2 million customers.", "2 million customers", 2e6, 2e6, "customers", False),
    ("en", "safe passage for about 40 cargo ships", "about 40 cargo ships", 40, 40, "ships", True),
    ("en", "dozens of ships were seen", "dozens of ships", 24, 99, "ships", True),
    ("en", "more than 14,000 people died", "more than 14,000 people", 14000, None, "people", True),
    ("en", "a flight time of just 4-5 minutes", "4-5 minutes", 4, 5, "minutes", False),
    ("en", "between 1,000 and 5,000 US troops", "between 1,000 and 5,000 US troops", 1000, 5000, "troops", False),
    ("de", "zwischen 1.000 und 5.000 Soldaten", "zwischen 1.000 und 5.000 Soldaten", 1000, 5000, "Soldaten", False),
    ("de", "Russland hat Zehntausende Soldaten angehäuft", "Zehntausende Soldaten", 10000, 99999, "Soldaten", True),
    ("de", "Dutzende Schiffe liefen aus", "Dutzende Schiffe", 24, 99, "Schiffe", True),
    ("de", "etwa 40 Frachtschiffen pro Woche", "etwa 40 Frachtschiffen", 40, 40, "Frachtschiffen", True),
    ("de", "2,5 Millionen Kunden betroffen", "2,5 Millionen Kunden", 2.5e6, 2.5e6, "Kunden", False),
    ("de", "100.000 Soldaten an der Grenze", "100.000 Soldaten", 100000, 100000, "Soldaten", False),
    ("fr", "une quarantaine de navires par semaine", "une quarantaine de navires", 40, 40, "navires", True),
    ("fr", "2,5 millions de clients touchés", "2,5 millions de clients", 2.5e6, 2.5e6, "clients", False),
    ("fr", "140 navires russes", "140 navires", 140, 140, "navires", False),
    ("fr", "des milliers de manifestants", "des milliers de manifestants", 1000, 9999, "manifestants", True),
    ("ru", "около 100 000 российских солдат", "около 100 000 российских солдат", 100000, 100000, "солдат", True),
    ("ru", "Десятки тысяч человек вышли", "Десятки тысяч человек", 10000, 99999, "человек", True),
    ("cs", "asi 100 000 ruských vojáků", "asi 100 000 ruských vojáků", 100000, 100000, "vojáků", True),
]


@pytest.mark.parametrize(("lang", "text", "expr", "low", "high", "unit", "approx"), CASES)
def test_quantities_find(
    lang: str, text: str, expr: str, low: float | None, high: float | None, unit: str, approx: bool
) -> None:
    found = {q.text: q for q in find_quantities(text, lang)}
    assert expr in found, found
    q = found[expr]
    assert (q.low, q.high, q.unit, q.approximate) == (low, high, unit, approx)
    assert text[q.start : q.end] == expr


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "In 1962 the crisis began; on November 2, 2018 they met."),
        ("en", "The 2015 peace pact was signed."),
        ("en", "It is one of the biggest, and they help one another."),
        ("en", "Denmark sends F-16 warplanes."),
        ("de", "Am 14. Dezember 2021 schloss er nichts aus."),
        ("fr", "Le 8 avril 2025, rien."),
    ],
)
def test_quantities_dates_and_years_are_not_quantities(lang: str, text: str) -> None:
    assert find_quantities(text, lang) == ()
