"""Boilerplate removal by position, length, repetition and per-language cue words; real text is kept."""

from __future__ import annotations

import pytest

from synoptic.ingest.clean import clean_body, is_name_line

P1 = (
    "The regional government approved the flood relief package on Monday after two days of negotiations in the capital."
)
P2 = "Officials said the money would reach the worst affected towns along the river before the end of the month."


@pytest.mark.parametrize(
    "furniture",
    [
        "Share this article!",
        "Fight Misinformation, Share This Post!",
        "Leave a Comment",
        "This site uses Akismet to reduce spam. Learn how your comment data is processed.",
        "Subscribe to our newsletter",
        "Advertisement",
        "Artikel teilen",
        "Kommentare (12)",
        "Anzeige",
        "Lesen Sie auch: Neue Brücke eröffnet",
        "Partager cet article",
        "Abonnez-vous à notre newsletter",
        "Lire aussi : La crue du Rhône",
        "Publicité",
    ],
)
def test_clean_removes_page_furniture_at_head_and_tail(furniture: str) -> None:
    cleaned = clean_body(f"{furniture}\n\n{P1}\n\n{P2}\n\n{furniture}")
    assert cleaned.text == f"{P1}\n\n{P2}"


@pytest.mark.parametrize(
    "sentence",
    [
        "The minister said the comments made by the opposition were unfair and would be answered in parliament soon.",
        "Der Minister sagte, die Kommentare der Opposition seien unfair, und er werde im Parlament darauf antworten.",
        "Le ministre a jugé injustes les commentaires de l'opposition et promis d'y répondre devant le Parlement.",
        "Investors sold shares of the insurer after the company said flood claims would exceed its reserves this year.",
    ],
)
def test_clean_keeps_body_sentences_with_cue_words(sentence: str) -> None:
    cleaned = clean_body(f"{P1}\n\n{sentence}\n\n{P2}")
    assert sentence in cleaned.text


def test_clean_removes_repeated_short_lines_and_repeated_headline() -> None:
    raw = f"Flood aid approved\n\nFlood aid approved\n\nClick to share\n\n{P1}\n\n{P2}\n\nClick to share"
    cleaned = clean_body(raw)
    assert cleaned.title == "Flood aid approved"
    assert cleaned.text == f"{P1}\n\n{P2}"


def test_clean_keeps_line_structure_inside_paragraphs() -> None:
    cleaned = clean_body(f"{P1}\n{P2}")
    assert cleaned.text == f"{P1}\n{P2}"


def test_clean_reads_leading_by_line() -> None:
    cleaned = clean_body(f"By Jane Doe and Max Roe\n\n{P1}\n\n{P2}")
    assert cleaned.authors == ("Jane Doe", "Max Roe")
    assert cleaned.text == f"{P1}\n\n{P2}"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Tyler Durden", True),
        ("Anna von Berg", True),
        ("Jean-Luc Picard", True),
        ("Picard", False),
        ("Leave a Comment", False),
        ("The End.", False),
        ("Russia", False),
        ("Thursday 13 January", False),
    ],
)
def test_clean_name_lines(line: str, expected: bool) -> None:
    assert is_name_line(line) is expected
