"""nl: every layer on a table of cases, including cases that must find nothing (see tests/lang/cases.py)."""

from __future__ import annotations

from ..cases import LanguageCases
from ..layer_tests import make

LANG = "nl"
CASES = LanguageCases(
    identify=(
        "Het ministerie van Financiën maakte dinsdag bekend dat de inflatie voor de derde maand op rij is afgenomen, wat de druk op huishoudens verlicht en de centrale bank ruimte geeft om de rente tot de zomer ongewijzigd te laten.",
    ),
    sentences=(
        ("Dr. Jansen kwam om twaalf uur. Hij vertrok om vijf uur.", 2),
        ("De gesprekken werden in Genève hervat.", 1),
    ),
    timex=(("De gesprekken eindigden gisteren.", "2025-03-11"), ("De gesprekken eindigden.", "")),
    quantities=(("Honderden demonstranten verzamelden zich.", 100, 999), ("Het protest verliep rustig.", None, None)),
    places=(("De afgevaardigden kwamen bijeen in Wenen.", "Vienna"), ("Het weer was zacht.", "")),
    people=(("Minister Alana Brisco kwam aan.", "Alana Brisco"), ("De commissie vergaderde maandag.", "")),
    quotes=(("‘We tekenen dit niet’, zei Alana Brisco.", "Alana Brisco"), ("Het rapport verscheen maandag.", "")),
    hedges=(("Het staakt-het-vuren zou kunnen mislukken.", True), ("Het staakt-het-vuren hield stand.", False)),
    boilerplate=("Abonneer je op onze nieuwsbrief",),
)
globals().update(make(LANG))
