"""sr: organisation names in either script, found whole ("Уставни суд Србије", "Ustavni sud Srbije")."""

from __future__ import annotations

import pytest

from ..cases import found_mentions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Одлуку је донео Уставни суд Србије.", [("Уставни суд Србије", "ORG")]),
        ("Odluku je doneo Ustavni sud Srbije.", [("Ustavni sud Srbije", "ORG")]),
        ("Саопштење је издало Министарство спољних послова.", [("Министарство спољних послова", "ORG")]),
        # must find nothing
        ("Странка је изгубила изборе.", []),
    ],
)
def test_sr_org_names(text: str, expected: list[tuple[str, str]]) -> None:
    assert found_mentions("sr", text) == expected
