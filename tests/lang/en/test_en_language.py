"""en: every layer on a table of cases, including cases that must find nothing (see tests/lang/cases.py)."""

from __future__ import annotations

from ..cases import LanguageCases
from ..layer_tests import make

LANG = "en"
CASES = LanguageCases(
    identify=(
        "The finance ministry said on Tuesday that inflation had slowed for a third month, easing pressure on households and giving the central bank room to hold interest rates steady until the summer.",
    ),
    sentences=(("Mr. Okafor arrived at noon. He left at five.", 2), ("Talks resumed in Geneva.", 1)),
    timex=(("The talks ended yesterday.", "2025-03-11"), ("The talks ended.", "")),
    quantities=(("Hundreds of protesters gathered.", 100, 999), ("The protest was peaceful.", None, None)),
    places=(("Delegates met in Vienna.", "Vienna"), ("The weather was mild.", "")),
    people=(("Foreign Minister Alana Brisco arrived.", "Alana Brisco"), ("The committee met on Monday.", "")),
    quotes=(
        ("“We will not sign this,” said Alana Brisco.", "Alana Brisco"),
        ("The report was published on Monday.", ""),
    ),
    hedges=(("The ceasefire could collapse.", True), ("The ceasefire held.", False)),
    boilerplate=("Subscribe to our newsletter",),
)
globals().update(make(LANG))
