"""sk: an organisation's name is found whole, its lower-case genitive words and the adjective agreeing
with a capitalised word included ("Organizácia Spojených národov")."""

from __future__ import annotations

import pytest

from ..cases import found_mentions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hovoril pred Organizáciou Spojených národov.", [("Organizáciou Spojených národov", "ORG")]),
        ("Hovorca Európskej komisie to potvrdil.", [("Európskej komisie", "ORG")]),
        ("Zástupca Ministerstva zahraničných vecí to potvrdil.", [("Ministerstva zahraničných vecí", "ORG")]),
        # must find nothing
        ("Strana prehrala voľby.", []),
    ],
)
def test_sk_org_names(text: str, expected: list[tuple[str, str]]) -> None:
    assert found_mentions("sk", text) == expected
