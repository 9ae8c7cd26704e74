"""cs: an organisation's name capitalises its first word only ("Ministerstvo zahraničních věcí")."""

from __future__ import annotations

import pytest

from ..cases import found_mentions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Prohlášení vydalo v pondělí Ministerstvo zahraničních věcí.",
            [("Ministerstvo zahraničních věcí", "ORG")],
        ),
        ("Zástupce Evropské komise to potvrdil.", [("Evropské komise", "ORG")]),
        # must find nothing
        ("Strana prohrála volby.", []),
    ],
)
def test_cs_org_names(text: str, expected: list[tuple[str, str]]) -> None:
    assert found_mentions("cs", text) == expected
