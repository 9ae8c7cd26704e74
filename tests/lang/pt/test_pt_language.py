"""pt: every layer on a table of cases, including cases that must find nothing (see tests/lang/cases.py)."""

from __future__ import annotations

from ..cases import LanguageCases
from ..layer_tests import make

LANG = "pt"
CASES = LanguageCases(
    identify=(
        "O Ministério das Finanças informou na terça-feira que a inflação abrandou pelo terceiro mês consecutivo, aliviando a pressão sobre as famílias e dando ao banco central margem para manter as taxas de juro até ao verão.",
    ),
    sentences=(
        ("O Sr. Almeida chegou ao meio-dia. Saiu às cinco.", 2),
        ("As conversações foram retomadas em Genebra.", 1),
    ),
    timex=(("As conversações terminaram ontem.", "2025-03-11"), ("As conversações terminaram.", "")),
    quantities=(("Centenas de manifestantes concentraram-se.", 100, 999), ("O protesto foi pacífico.", None, None)),
    places=(("Os delegados reuniram-se em Viena.", "Vienna"), ("O tempo estava ameno.", "")),
    people=(
        ("A ministra Alana Brisco chegou atrasada.", "Alana Brisco"),
        ("A comissão reuniu-se na segunda-feira.", ""),
    ),
    quotes=(
        ("«Não vamos assinar isto», disse Alana Brisco.", "Alana Brisco"),
        ("O relatório foi publicado na segunda-feira.", ""),
    ),
    hedges=(("O cessar-fogo poderia fracassar.", True), ("O cessar-fogo manteve-se.", False)),
    boilerplate=("Assine a nossa newsletter",),
)
globals().update(make(LANG))
