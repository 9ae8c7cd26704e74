"""it: every layer on a table of cases, including cases that must find nothing (see tests/lang/cases.py)."""

from __future__ import annotations

from ..cases import LanguageCases
from ..layer_tests import make

LANG = "it"
CASES = LanguageCases(
    identify=(
        "Il ministero dell'Economia ha comunicato martedì che l'inflazione è rallentata per il terzo mese consecutivo, alleggerendo la pressione sulle famiglie e lasciando alla banca centrale margine per mantenere invariati i tassi fino all'estate.",
    ),
    sentences=(
        ("Il Dott. Rossi è arrivato a mezzogiorno. È ripartito alle cinque.", 2),
        ("I colloqui sono ripresi a Ginevra.", 1),
    ),
    timex=(("I colloqui si sono conclusi ieri.", "2025-03-11"), ("I colloqui si sono conclusi.", "")),
    quantities=(
        ("Centinaia di manifestanti si sono radunati.", 100, 999),
        ("La protesta è stata pacifica.", None, None),
    ),
    places=(("I delegati si sono riuniti a Vienna.", "Vienna"), ("Il tempo era mite.", "")),
    people=(("Il ministro Alana Brisco è arrivato.", "Alana Brisco"), ("La commissione si è riunita lunedì.", "")),
    quotes=(
        ("«Non firmeremo», ha detto Alana Brisco.", "Alana Brisco"),
        ("Il rapporto è stato pubblicato lunedì.", ""),
    ),
    hedges=(("La tregua potrebbe fallire.", True), ("La tregua ha retto.", False)),
    boilerplate=("Abbonati alla newsletter",),
)
globals().update(make(LANG))
