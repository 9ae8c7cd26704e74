"""Events inside a story from date expressions: weekdays, day-month dates, datelines, undated articles.

Documents are built in the test (no models): sentences from the sentence splitter, no timexes, so
the light date reading of the events stage is what is exercised.
"""

from __future__ import annotations

import datetime as dt

import pytest

from synoptic.annotate.sentences import split_sentences
from synoptic.models import Article, Document, Published, Story, Timex
from synoptic.stories.events import articles_by_event, resolve_weekday, story_events


def doc(article_id: str, text: str, lang: str = "en", date: str | None = None) -> Document:
    article = Article(
        article_id, f"{article_id}.txt", lang, None, None, (), Published(date, "given" if date else None), text
    )
    return Document(article, sentences=split_sentences(text, lang))


def events_of(*docs: Document) -> dict[str | None, tuple[str, ...]]:
    story = Story("s", "s", tuple(d.id for d in docs))
    found = story_events(story, {d.id: d for d in docs})
    for event in found:
        for span in event.evidence:
            text = next(d for d in docs if d.id == span.article).article.text
            assert text[span.start : span.end] == span.text
    return articles_by_event(found)


@pytest.mark.parametrize(
    ("weekday", "reference", "expected"),
    [(0, "2022-01-26", "2022-01-24"), (3, "2022-01-13", "2022-01-13"), (4, "2025-03-15", "2025-03-14")],
)
def test_weekday_resolves_to_latest_on_or_before(weekday: int, reference: str, expected: str) -> None:
    assert resolve_weekday(weekday, dt.date.fromisoformat(reference)).isoformat() == expected


@pytest.mark.parametrize(
    ("lang", "undated_text"),
    [
        ("en", "The two presidents spoke by phone on Monday about trade."),
        ("de", "Die beiden Präsidenten telefonierten am Montag über den Handel."),
        ("fr", "Les deux présidents se sont parlé lundi au téléphone."),
    ],
)
def test_undated_article_joins_the_dated_event_with_the_same_weekday(lang: str, undated_text: str) -> None:
    dated = doc("a", "The presidents held a phone call on Monday, officials said.", date="2022-01-26")
    interview = doc(
        "b", "A deputy minister said in an interview on Thursday that troops may deploy.", date="2022-01-13"
    )
    undated = doc("c", undated_text, lang=lang)
    assert events_of(dated, interview, undated) == {"2022-01-13": ("b",), "2022-01-24": ("a", "c")}


def test_explicit_date_and_dateline() -> None:
    dateline = doc("a", "LYON, May 20, 2025 — The company disclosed a breach on Tuesday affecting customers.")
    explicit = doc("b", "Le 20 mai 2025, l'entreprise a révélé une fuite de données.", lang="fr")
    assert events_of(dateline, explicit) == {"2025-05-20": ("a", "b")}


def test_dates_in_parentheses_are_background() -> None:
    text = "The president spoke to his counterpart (pictured together on November 2, 2018) on Monday."
    assert events_of(doc("a", text, date="2022-01-26")) == {"2022-01-24": ("a",)}


def test_article_reporting_two_events_belongs_to_both() -> None:
    talks = doc("a", "Talks opened in Geneva on Monday between the ministers.", date="2025-03-10")
    accord = doc("b", "An accord was signed in Vienna on Friday by the ministers.", date="2025-03-14")
    both = doc("c", "The accord signed on Friday followed talks that opened on Monday in Geneva.", date="2025-03-15")
    assert events_of(talks, accord, both) == {"2025-03-10": ("a", "c"), "2025-03-14": ("b", "c")}


def test_article_without_date_expression_falls_back_to_publication_date() -> None:
    plain = doc("a", "Floods hit the old town and many streets are under water.", date="2025-04-07")
    assert events_of(plain) == {"2025-04-07": ("a",)}


def test_resolved_timexes_are_used_when_present() -> None:
    text = "Officials met yesterday to discuss the corridor."
    d = doc("a", text, date="2025-03-11")
    start = text.index("yesterday")
    timex = Timex(start, start + len("yesterday"), "yesterday", "2025-03-10", "day", True)
    d = Document(d.article, sentences=d.sentences, timexes=(timex,))
    assert events_of(d) == {"2025-03-10": ("a",)}


def test_no_articles_no_events() -> None:
    assert story_events(Story("s", "s", ()), {}) == ()
