"""sk: every layer on a table of cases, including cases that must find nothing (see tests/lang/cases.py)."""

from __future__ import annotations

from ..cases import LanguageCases
from ..layer_tests import make

LANG = "sk"
CASES = LanguageCases(
    identify=(
        "Ministerstvo financií v utorok oznámilo, že inflácia sa spomalila už tretí mesiac po sebe, čo uľavuje domácnostiam a dáva centrálnej banke priestor ponechať úrokové sadzby bez zmeny až do leta.",
    ),
    sentences=(("Prof. Kováč prišiel na obed. Odišiel o piatej.", 2), ("Rokovania pokračovali v Ženeve.", 1)),
    timex=(("Rokovania sa skončili včera.", "2025-03-11"), ("Rokovania sa skončili.", "")),
    quantities=(("Stovky demonštrantov sa zhromaždili.", 100, 999), ("Protest bol pokojný.", None, None)),
    places=(("Delegáti sa stretli vo Viedni.", "Vienna"), ("Počasie bolo mierne.", "")),
    people=(("Ministerka Alana Brisco prišla.", "Alana Brisco"), ("komisia zasadala v pondelok.", "")),
    quotes=(("„Toto nepodpíšeme,“ povedala Alana Brisco.", "Alana Brisco"), ("Správa vyšla v pondelok.", "")),
    hedges=(("Prímerie sa môže zrútiť.", True), ("Prímerie vydržalo.", False)),
    boilerplate=("Prihláste sa na odber newslettera",),
)
globals().update(make(LANG))
