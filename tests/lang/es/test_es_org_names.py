"""es: an institution noun joined by "de", "del", "de la" to a capitalised word is an organisation's name."""

from __future__ import annotations

import pytest

from ..cases import found_mentions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("El Consejo de Ministros aprobó el decreto.", [("Consejo de Ministros", "ORG")]),
        ("El informe del Banco de España llegó tarde.", [("Banco de España", "ORG")]),
        ("Habló ante el Tribunal de la Haya.", [("Tribunal de la Haya", "ORG")]),
        ("Votó con el Partido Popular.", [("Partido Popular", "ORG")]),
        # must find nothing
        ("El partido ganó las elecciones.", []),
        ("El consejo se reunió el lunes.", []),
    ],
)
def test_es_org_names(text: str, expected: list[tuple[str, str]]) -> None:
    assert found_mentions("es", text) == expected
