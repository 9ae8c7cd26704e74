"""Quote marks in every style: pairing, apostrophes, unbalanced marks, paragraph breaks."""

from __future__ import annotations

import pytest

from synoptic.annotate.quote_marks import find_quoted


def contents(text: str) -> list[str]:
    return [text[q.start : q.end] for q in find_quoted(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“This corridor feeds millions,” Lindqvist said.", ["This corridor feeds millions"]),
        ('"Ships need insurance," the minister said.', ["Ships need insurance"]),
        ("„Jede Stunde zählt“, hieß es.", ["Jede Stunde zählt"]),
        ("»Ich übernehme die volle Verantwortung«, sagte er.", ["Ich übernehme die volle Verantwortung"]),
        ("« Nous avançons », a-t-il prévenu.", ["Nous avançons"]),
        ("«\u00a0Tout est à refaire\u00a0», confie-t-il.", ["Tout est à refaire"]),
        ("He had a ‘cordial and fruitful’ talk.", ["cordial and fruitful"]),
        ("They 'synchronised their positions' on Monday.", ["synchronised their positions"]),
        ("„Nechceme válku“, řekl ministr.", ["Nechceme válku"]),
        ("«Мы не хотим войны», — сказал он.", ["Мы не хотим войны"]),
        ("Er sagte: “Freundlich und fruchtbar.”", ["Freundlich und fruchtbar."]),
        ("“The outer ‘inner’ words,” she said.", ["The outer ‘inner’ words"]),
    ],
)
def test_quote_marks_pair_in_every_style(text: str, expected: list[str]) -> None:
    assert contents(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Russia’s troops don’t move, the officials’ notes said.",
        "The 1990s were different; it's the ‘90s again.",
        "Nobody quoted anybody here.",
        "aujourd'hui l'entreprise n'a rien dit",
    ],
)
def test_quote_marks_ignore_apostrophes(text: str) -> None:
    assert contents(text) == []


def test_quote_marks_unclosed_quote_spoils_only_its_paragraph() -> None:
    text = "He said “this never closes.\nLater, “a clean quote,” she said."
    assert contents(text) == ["this never closes.", "a clean quote"]


def test_quote_marks_join_a_quote_broken_by_a_line_break() -> None:
    text = '"You know that the dikes matter.\nThis is what they said," Albers said.'
    assert contents(text) == ["You know that the dikes matter.\nThis is what they said"]


def test_quote_marks_stray_mark_after_break_closes_previous_quote() -> None:
    text = 'Albers replied curtly "No.\n"The two mayors spoke about "dikes and pumps."'
    assert contents(text) == ["No.", "dikes and pumps."]


def test_quote_marks_multi_paragraph_quote_continues() -> None:
    text = "“First paragraph of the speech\n“Second paragraph,” he said."
    found = find_quoted(text)
    assert [text[q.start : q.end] for q in found] == ["First paragraph of the speech", "Second paragraph"]
    assert found[0].continued and found[0].close_at is None


def test_quote_marks_offsets_verify() -> None:
    text = "A «\u00a0quote\u00a0» and „noch eins“ and “one more,”"
    for q in find_quoted(text):
        assert text[q.start : q.end].strip() == text[q.start : q.end]
        assert text[q.open_at] in "«„“"
