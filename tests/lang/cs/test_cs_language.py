"""cs: every layer on a table of cases, including cases that must find nothing (see tests/lang/cases.py)."""

from __future__ import annotations

from ..cases import LanguageCases
from ..layer_tests import make

LANG = "cs"
CASES = LanguageCases(
    identify=(
        "Ministerstvo financí v úterý oznámilo, že inflace zpomalila třetí měsíc po sobě, což ulevuje domácnostem a dává centrální bance prostor ponechat úrokové sazby beze změny až do léta.",
    ),
    sentences=(("Prof. Novák přijel v poledne. Odjel v pět.", 2), ("Jednání pokračovala v Ženevě.", 1)),
    timex=(("Jednání skončila včera.", "2025-03-11"), ("Jednání skončila.", "")),
    quantities=(("Stovky demonstrantů se shromáždily.", 100, 999), ("Protest byl klidný.", None, None)),
    places=(("Delegáti se sešli ve Vídni.", "Vienna"), ("Počasí bylo mírné.", "")),
    people=(("Ministryně Alana Brisco přijela.", "Alana Brisco"), ("komise zasedala v pondělí.", "")),
    quotes=(("„Tohle nepodepíšeme,“ řekla Alana Brisco.", "Alana Brisco"), ("Zpráva vyšla v pondělí.", "")),
    hedges=(("Příměří se může zhroutit.", True), ("Příměří vydrželo.", False)),
    boilerplate=("Přihlaste se k odběru newsletteru",),
)
globals().update(make(LANG))
