"""Sentence splitting: ordinal numbers before a month or a lower-case word do not end a sentence in
languages that write ordinals with a period (German, Croatian, Czech), and still do elsewhere."""

from __future__ import annotations

import pytest

from synoptic.annotate.sentences import split_sentences


def pieces(text: str, language: str) -> list[str]:
    out = [text[s.start : s.end] for s in split_sentences(text, language)]
    assert all(text.find(p) >= 0 for p in out)
    return out


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("de", "Die Wahl ist am 12. Dezember, sagte er. Danach folgt mehr.", 2),
        ("de", "Sie kam am Montag, 14. Dezember, nach Berlin. Danach folgt mehr.", 2),
        ("de", "Die Saison endet am 15. Mai in Köln. Danach folgt mehr.", 2),
        ("hr", "Rat je počeo 1. rujna 1939. godine. Nakon toga je došao mir.", 2),
        ("hr", "Gradnja je trajala do 18. stoljeća u gradu. Nakon toga je stala.", 2),
        # must stay cut: a sentence that ends in a number, followed by a capitalised new sentence
        ("de", "Der Mann starb 1956. Er hinterließ drei Kinder.", 2),
        ("de", "Das Spiel endete 2:1. Trainer Meier war zufrieden.", 2),
        ("en", "The vote was held in 2021. December brought a recount.", 2),
    ],
)
def test_ordinal_periods(language: str, text: str, expected: int) -> None:
    found = pieces(text, language)
    assert len(found) == expected, found
    assert found[-1].startswith(("Danach", "Nakon", "Er ", "Trainer", "December"))
