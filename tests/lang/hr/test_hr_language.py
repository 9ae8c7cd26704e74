"""hr: every layer on a table of cases, including cases that must find nothing (see tests/lang/cases.py)."""

from __future__ import annotations

from ..cases import LanguageCases
from ..layer_tests import make

LANG = "hr"
CASES = LanguageCases(
    identify=(
        "Ministarstvo financija priopćilo je u utorak da je inflacija usporila treći mjesec zaredom, što olakšava kućanstvima i daje središnjoj banci prostor da zadrži kamatne stope nepromijenjenima do ljeta, prije nego što tisuće građana krenu na godišnje odmore.",
    ),
    sentences=(("Prof. Horvat stigao je u podne. Otišao je u pet.", 2), ("Razgovori su nastavljeni u Ženevi.", 1)),
    timex=(("Razgovori su završili jučer.", "2025-03-11"), ("Razgovori su završili.", "")),
    quantities=(("Stotine prosvjednika okupile su se.", 100, 999), ("Prosvjed je bio miran.", None, None)),
    places=(
        ("Izaslanici su se sastali u Beču.", "Vienna"),
        ("Iz Meksika su stigli izaslanici.", "Mexico"),  # a neuter -o name declines: Meksiko, Meksika
        ("Vrijeme je bilo blago.", ""),
    ),
    people=(("Ministrica Alana Brisco stigla je.", "Alana Brisco"), ("povjerenstvo je zasjedalo u ponedjeljak.", "")),
    quotes=(
        ("„Ovo nećemo potpisati“, rekla je Alana Brisco.", "Alana Brisco"),
        ("Izvješće je objavljeno u ponedjeljak.", ""),
    ),
    hedges=(("Primirje bi se moglo urušiti.", True), ("Primirje je održano.", False)),
    boilerplate=("Pretplatite se na newsletter",),
)
globals().update(make(LANG))
