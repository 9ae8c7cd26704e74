"""pt: an organisation's name is its institution noun with capitalised words or "de/da/do/dos/das"
and a capitalised word after it ("Partido Republicano", "Ministério da Defesa"), found whole."""

from __future__ import annotations

import pytest

from ..cases import found_mentions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ele militou no Partido Republicano durante décadas.", [("Partido Republicano", "ORG")]),
        ("A proposta foi aprovada pelo Conselho de Ministros ontem.", [("Conselho de Ministros", "ORG")]),
        ("O Ministério da Defesa negou as acusações.", [("Ministério da Defesa", "ORG")]),
        ("O Banco de Portugal reviu as previsões.", [("Banco de Portugal", "ORG")]),
        ("Ela estuda na Universidade de Coimbra.", [("Universidade de Coimbra", "ORG")]),
        ("O relatório do Instituto Nacional de Estatística saiu hoje.", [("Instituto Nacional de Estatística", "ORG")]),
        ("A lei passou no Senado na terça-feira.", [("Senado", "ORG")]),
        # capitalised words before the head belong to the name; a kind of state makes it a place
        ("Ele estudou o Sacro Império Romano na escola.", [("Sacro Império Romano", "PLACE")]),
        ("O governo da República Federal mudou-se.", [("República Federal", "PLACE")]),
        # must find nothing: the institution nouns as common nouns
        ("O partido venceu as eleições.", []),
        ("Partido ou não, ele votou contra.", []),
        ("O conselho reuniu-se de manhã.", []),
    ],
)
def test_pt_org_names(text: str, expected: list[tuple[str, str]]) -> None:
    assert found_mentions("pt", text) == expected
