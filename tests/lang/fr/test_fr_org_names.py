"""fr: an organisation's name writes its adjectives in lower case after the capitalised institution
noun ("Conseil constitutionnel", "Banque centrale européenne"); found whole."""

from __future__ import annotations

import pytest

from ..cases import found_mentions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("La loi a été censurée par le Conseil constitutionnel hier.", [("Conseil constitutionnel", "ORG")]),
        ("Selon la Banque centrale européenne, l'inflation ralentit.", [("Banque centrale européenne", "ORG")]),
        ("La décision de la Commission européenne est attendue.", [("Commission européenne", "ORG")]),
        ("Le rapport de la Banque de France paraît mardi.", [("Banque de France", "ORG")]),
        # must find nothing: the nouns in lower case are common nouns
        ("Le conseil municipal se réunit lundi.", []),
        ("La commission a rendu son avis.", []),
    ],
)
def test_fr_org_names(text: str, expected: list[tuple[str, str]]) -> None:
    assert found_mentions("fr", text) == expected
