"""fr: every layer on a table of cases, including cases that must find nothing (see tests/lang/cases.py)."""

from __future__ import annotations

from ..cases import LanguageCases
from ..layer_tests import make

LANG = "fr"
CASES = LanguageCases(
    identify=(
        "Le ministère des Finances a indiqué mardi que l'inflation avait ralenti pour le troisième mois consécutif, ce qui soulage les ménages et laisse à la banque centrale une marge pour maintenir ses taux jusqu'à l'été.",
    ),
    sentences=(
        ("M. Dubois est arrivé à midi. Il est reparti à cinq heures.", 2),
        ("Les discussions ont repris à Genève.", 1),
    ),
    timex=(("Les discussions se sont achevées hier.", "2025-03-11"), ("Les discussions se sont achevées.", "")),
    quantities=(
        ("Des centaines de manifestants se sont rassemblés.", 100, 999),
        ("La manifestation était calme.", None, None),
    ),
    places=(("Les délégués se sont réunis à Vienne.", "Vienna"), ("Le temps était doux.", "")),
    people=(("La ministre Alana Brisco est arrivée.", "Alana Brisco"), ("La Commission a siégé lundi.", "")),
    quotes=(
        ("« Nous ne signerons pas », a déclaré Alana Brisco.", "Alana Brisco"),
        ("Le rapport a été publié lundi.", ""),
    ),
    hedges=(("Le cessez-le-feu pourrait échouer.", True), ("Le cessez-le-feu a tenu.", False)),
    boilerplate=("Abonnez-vous à notre newsletter",),
)
globals().update(make(LANG))
