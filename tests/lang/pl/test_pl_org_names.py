"""pl: institution names capitalise every word ("Rada Ministrów"); the institution noun types them ORG."""

from __future__ import annotations

import pytest

from ..cases import found_mentions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Komunikat wydało Ministerstwo Obrony Narodowej w piątek.", [("Ministerstwo Obrony Narodowej", "ORG")]),
        ("Ustawę przyjęła Rada Ministrów.", [("Rada Ministrów", "ORG")]),
        ("Decyzję podjął Trybunał Konstytucyjny wczoraj.", [("Trybunał Konstytucyjny", "ORG")]),
        # must find nothing
        ("Partia przegrała wybory.", []),
    ],
)
def test_pl_org_names(text: str, expected: list[tuple[str, str]]) -> None:
    assert found_mentions("pl", text) == expected
