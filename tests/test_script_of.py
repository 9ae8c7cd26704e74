"""`lang.script_of`: the dominant script of a text by its letters' Unicode names, a tie going to the
script met first, nothing without letters; and `names.split_person`, remembered, as computed afresh."""

from __future__ import annotations

import pytest

from synoptic.annotate.lang import script_of
from synoptic.annotate.names import split_person


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Рябков", "Cyrl"),
        ("Ryabkov", "Latn"),
        ("Rjabkow sagte", "Latn"),
        ("Ab Вг", "Latn"),  # a tie: the script met first
        ("Вг Ab", "Cyrl"),
        ("Рябков said", "Cyrl"),  # 6 Cyrillic letters against 4 Latin ones
        ("Ελλάδα", "Othr"),
        ("ｆｕｌｌ", "Othr"),  # fullwidth letters are named FULLWIDTH, not LATIN
        ("2024 — 17:30", ""),  # no letters
        ("", ""),
    ],
)
def test_script_of(text: str, script: str) -> None:
    assert script_of(text) == script


def test_script_of_reads_only_its_sample() -> None:
    assert script_of("abc" + "д" * 10, sample=3) == "Latn"


@pytest.mark.parametrize("surface", ["Sergei Ryabkov", "Dr. Angela Merkel", "Ursula von der Leyen", "Mr.", "Рябков"])
def test_a_remembered_split_is_the_fresh_one(surface: str) -> None:
    assert split_person(surface) == split_person.__wrapped__(surface)
    assert split_person(surface) is split_person(surface)  # the same immutable record, from memory
