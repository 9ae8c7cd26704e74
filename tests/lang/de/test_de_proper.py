"""de: a capitalised word after an article is a common noun unless it is rare (a name: "den Okavango")."""

from __future__ import annotations

import pytest

from synoptic.annotate.proper import ProperParams, is_common, trim_common

CASES = [
    ("Okavango", True, False),  # rare: a name even after "den"
    ("Jangtse", True, False),
    ("Polizei", True, True),  # frequent nouns stay common words after an article
    ("Regierung", True, True),
    ("Schlüsselbund", True, True),  # a compound ending in a common word
    ("Okavango", False, False),
    ("Regierung", False, True),
]


@pytest.mark.parametrize(("word", "determined", "common"), CASES)
def test_article_then_rare_word_is_a_name(word: str, determined: bool, common: bool) -> None:
    assert is_common(word, "de", at_start=False, determined=determined) is common


def test_a_floor_of_zero_makes_every_word_after_an_article_common() -> None:
    assert is_common("Okavango", "de", at_start=False, determined=True, params=ProperParams(noun_after_article=0.0))
    text = "Sie fuhren auf dem Okavango zur Polizei."
    runs = [(19, 27, "Okavango"), (32, 39, "Polizei")]
    parts = trim_common(text, runs[:1], "de") + trim_common(text, runs[1:], "de")
    assert [p[0][2] for p in parts] == ["Okavango"]  # with the default floor
