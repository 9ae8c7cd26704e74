"""sr: every layer on a table of cases, including cases that must find nothing (see tests/lang/cases.py)."""

from __future__ import annotations

from ..cases import LanguageCases
from ..layer_tests import make

LANG = "sr"
CASES = LanguageCases(
    identify=(
        "Министарство финансија саопштило је у уторак да је инфлација успорила трећи месец заредом, што олакшава домаћинствима и даје централној банци простор да задржи каматне стопе непромењеним до лета.",
        "Ministarstvo finansija saopštilo je u utorak da je inflacija usporila treći mesec zaredom, što olakšava domaćinstvima i daje centralnoj banci prostor da zadrži kamatne stope nepromenjenim do leta, pre nego što hiljade građana krenu na odmor.",
    ),
    sentences=(("Prof. Petrović je stigao u podne. Otišao je u pet.", 2), ("Разговори су настављени у Женеви.", 1)),
    timex=(
        ("Razgovori su završeni juče.", "2025-03-11"),
        ("Разговори су завршени јуче.", "2025-03-11"),
        ("Razgovori su završeni.", ""),
    ),
    quantities=(("Stotine demonstranata okupile su se.", 100, 999), ("Протест је био миран.", None, None)),
    places=(
        ("Delegati su se sastali u Beču.", "Vienna"),
        ("Делегати су се састали у Бечу.", "Vienna"),
        ("Из Мексика су стигли делегати.", "Mexico"),  # a neuter -o name declines: Мексико, Мексика
        ("Vreme je bilo blago.", ""),
    ),
    people=(("Ministarka Alana Brisco je stigla.", "Alana Brisco"), ("komisija je zasedala u ponedeljak.", "")),
    quotes=(
        ("„Ovo nećemo potpisati“, rekla je Alana Brisco.", "Alana Brisco"),
        ("Izveštaj je objavljen u ponedeljak.", ""),
    ),
    hedges=(
        ("Primirje bi moglo da se uruši.", True),
        ("Примирје би могло да се уруши.", True),
        ("Primirje je održano.", False),
    ),
    boilerplate=("Pretplatite se na newsletter",),
)
globals().update(make(LANG))
