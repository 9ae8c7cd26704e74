"""it: the institution noun with lower-case adjectives or "di/del/della" and a capitalised word after
it is an organisation's name ("Partito democratico", "Consiglio dei Ministri")."""

from __future__ import annotations

import pytest

from ..cases import found_mentions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ha votato con il Partito democratico.", [("Partito democratico", "ORG")]),
        ("Secondo la Banca centrale europea, i prezzi salgono.", [("Banca centrale europea", "ORG")]),
        ("Il decreto del Consiglio dei Ministri è stato firmato.", [("Consiglio dei Ministri", "ORG")]),
        # must find nothing
        ("Il partito ha perso le elezioni.", []),
    ],
)
def test_it_org_names(text: str, expected: list[tuple[str, str]]) -> None:
    assert found_mentions("it", text) == expected
