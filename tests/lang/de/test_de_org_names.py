"""de: an institution noun joined by "für" or an article to a capitalised word is an organisation's
name ("Bundesamt für Statistik"); a common noun before a name is not part of it ("Geheimdienst GCHQ")."""

from __future__ import annotations

import pytest

from ..cases import found_mentions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Das Bundesamt für Statistik meldete einen Rückgang.", [("Bundesamt für Statistik", "ORG")]),
        ("Der Geheimdienst GCHQ warnte vor Angriffen.", [("GCHQ", "ORG")]),
        # must find nothing
        ("Die Regierung beriet am Montag.", []),
    ],
)
def test_de_org_names(text: str, expected: list[tuple[str, str]]) -> None:
    assert found_mentions("de", text) == expected
