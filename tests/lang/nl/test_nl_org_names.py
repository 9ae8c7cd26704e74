"""nl: an institution noun joined by "van", "van de", "voor" to a capitalised word is a name."""

from __future__ import annotations

import pytest

from ..cases import found_mentions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Het rapport van de Partij van de Arbeid verscheen.", [("Partij van de Arbeid", "ORG")]),
        ("De Tweede Kamer stemde in.", [("Tweede Kamer", "ORG")]),
        # must find nothing
        ("De partij verloor de verkiezingen.", []),
    ],
)
def test_nl_org_names(text: str, expected: list[tuple[str, str]]) -> None:
    assert found_mentions("nl", text) == expected
