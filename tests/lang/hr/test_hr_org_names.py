"""hr: an organisation's name capitalises its first word only ("Ministarstvo kulture", "Hrvatska
narodna banka"): found whole through the institution noun, its adjectives and the genitive after it."""

from __future__ import annotations

import pytest

from ..cases import found_mentions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Odluku je donijelo Ministarstvo kulture prošlog tjedna.", [("Ministarstvo kulture", "ORG")]),
        ("Izvješće je objavila Svjetska zdravstvena organizacija.", [("Svjetska zdravstvena organizacija", "ORG")]),
        ("Sjednica Vijeća sigurnosti bila je kratka.", [("Vijeća sigurnosti", "ORG")]),
        ("Zastupnici Europskog parlamenta glasali su protiv.", [("Europskog parlamenta", "ORG")]),
        # a verb form ends the name
        ("Predstavnik Agencije ističući rizike nije odgovorio.", [("Agencije", "ORG")]),
        # a relative pronoun ends the name
        ("Trgovala je s Mletačkom republikom koja je tada vladala morem.", [("Mletačkom republikom", "PLACE")]),
        # must find nothing: a sentence-initial noun or adjective with nothing more
        ("Vijeće se sastalo u ponedjeljak.", []),
        ("Stranka je izgubila izbore.", []),
    ],
)
def test_hr_org_names(text: str, expected: list[tuple[str, str]]) -> None:
    assert found_mentions("hr", text) == expected
