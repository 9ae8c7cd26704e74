"""uk: as in Russian, an organisation's name capitalises its first word only and is found whole."""

from __future__ import annotations

import pytest

from ..cases import found_mentions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Про атаку повідомило Міністерство оборони України.", [("Міністерство оборони України", "ORG")]),
        ("Закон ухвалила Верховна Рада у четвер.", [("Верховна Рада", "ORG")]),
        ("Заяву оприлюднила Служба безпеки.", [("Служба безпеки", "ORG")]),
        # must find nothing
        ("Рада зібралася вранці.", []),
    ],
)
def test_uk_org_names(text: str, expected: list[tuple[str, str]]) -> None:
    assert found_mentions("uk", text) == expected
