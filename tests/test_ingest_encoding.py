"""Encodings: legacy Windows and Latin files come out with correct umlauts and typographic quotes."""

from __future__ import annotations

import pytest

from synoptic.ingest import read_bytes
from synoptic.ingest.decode import decode_bytes
from synoptic.settings import Settings

GERMAN = "Die Bürgermeisterin sagte: „Wir müssen die Straßen räumen.“ Über 12 Häuser sind überflutet – „äußerst“ ernst."
FRENCH = "La maire a déclaré : « Nous évacuons les quartiers riverains » ; l’eau a atteint 9 mètres à côté du pont."


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (GERMAN, "utf-8"),
        (GERMAN, "utf-8-sig"),
        (GERMAN, "utf-16"),
        (GERMAN, "cp1252"),
        (FRENCH, "cp1252"),
        (FRENCH, "utf-8"),
        ("Die Bürger von Köln räumen die Straßen auf, über die Brücke.", "latin-1"),
        ("Les élèves de l'école ont été évacués vers la mairie à côté.", "latin-1"),
        ("Министр иностранных дел заявил, что Москва готова продолжить переговоры с Вашингтоном.", "cp1251"),
    ],
)
def test_ingest_decodes_each_encoding(text: str, encoding: str) -> None:
    assert decode_bytes(text.encode(encoding)) == text


def test_ingest_cp1252_file_keeps_typographic_quotes_in_article() -> None:
    body = "Hochwasser in Köln\n\n" + GERMAN + " " + GERMAN
    articles, rejected = read_bytes("koeln.txt", body.encode("cp1252"), Settings())
    assert not rejected
    assert "„Wir müssen die Straßen räumen.“" in articles[0].text
    assert articles[0].title == "Hochwasser in Köln"


def test_ingest_windows_line_endings_become_newlines() -> None:
    assert decode_bytes(b"one\r\ntwo\rthree") == "one\ntwo\nthree"


def test_ingest_decoding_normalises_to_nfc() -> None:
    decomposed = "Ko\u0308ln"
    assert decode_bytes(decomposed.encode("utf-8")) == "Köln"
