"""de: every layer on a table of cases, including cases that must find nothing (see tests/lang/cases.py)."""

from __future__ import annotations

from ..cases import LanguageCases
from ..layer_tests import make

LANG = "de"
CASES = LanguageCases(
    identify=(
        "Das Finanzministerium teilte am Dienstag mit, die Inflation habe sich den dritten Monat in Folge abgeschwächt, was die Haushalte entlaste und der Zentralbank Spielraum gebe, die Zinsen bis zum Sommer stabil zu halten.",
    ),
    sentences=(("Dr. Weber kam am Mittag. Er ging um fünf.", 2), ("Die Gespräche gingen in Genf weiter.", 1)),
    timex=(("Die Gespräche endeten gestern.", "2025-03-11"), ("Die Gespräche endeten.", "")),
    quantities=(("Hunderte Demonstranten versammelten sich.", 100, 999), ("Der Protest blieb friedlich.", None, None)),
    places=(("Die Delegierten trafen sich in Wien.", "Vienna"), ("Die Regierung tagte lange.", "")),
    people=(("Außenministerin Alana Brisco kam an.", "Alana Brisco"), ("Die Sitzung des Ausschusses dauerte an.", "")),
    quotes=(
        ("„Wir werden das nicht unterschreiben“, sagte Alana Brisco.", "Alana Brisco"),
        ("Der Bericht erschien am Montag.", ""),
    ),
    hedges=(("Die Waffenruhe könnte scheitern.", True), ("Die Waffenruhe hielt.", False)),
    boilerplate=("Newsletter abonnieren",),
)
globals().update(make(LANG))
