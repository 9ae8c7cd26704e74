"""pl: every layer on a table of cases, including cases that must find nothing (see tests/lang/cases.py)."""

from __future__ import annotations

from ..cases import LanguageCases
from ..layer_tests import make

LANG = "pl"
CASES = LanguageCases(
    identify=(
        "Ministerstwo Finansów poinformowało we wtorek, że inflacja spadła trzeci miesiąc z rzędu, co zmniejsza presję na gospodarstwa domowe i daje bankowi centralnemu przestrzeń do utrzymania stóp procentowych do lata.",
    ),
    sentences=(("Prof. Nowak przyjechał w południe. Wyjechał o piątej.", 2), ("Rozmowy wznowiono w Genewie.", 1)),
    timex=(("Rozmowy zakończyły się wczoraj.", "2025-03-11"), ("Rozmowy się zakończyły.", "")),
    quantities=(("Setki demonstrantów zebrały się przed urzędem.", 100, 999), ("Protest był spokojny.", None, None)),
    places=(("Delegaci spotkali się w Wiedniu.", "Vienna"), ("Pogoda była łagodna.", "")),
    people=(("Minister Alana Brisco przyjechała.", "Alana Brisco"), ("komisja obradowała w poniedziałek.", "")),
    quotes=(
        ("„Nie podpiszemy tego” – powiedziała Alana Brisco.", "Alana Brisco"),
        ("Raport opublikowano w poniedziałek.", ""),
    ),
    hedges=(("Rozejm może się załamać.", True), ("Rozejm się utrzymał.", False)),
    boilerplate=("Zapisz się na newsletter i subskrybuj",),
)
globals().update(make(LANG))
