"""What every language's tests check, given that language's table of cases (tests/lang/<iso>/).

A language's test module defines `LANG` and `CASES` (a `LanguageCases`) and calls `check(...)`
through the parametrised tests below; each layer has cases that must find something and cases
that must find nothing. The texts are written for these tests (no seed, example or eval text).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from synoptic.annotate.entities import recogniser
from synoptic.annotate.lang import identify
from synoptic.annotate.quantities import find_quantities
from synoptic.annotate.quotes import extract_quotes
from synoptic.annotate.sentences import split_sentences
from synoptic.annotate.timex import find_timexes
from synoptic.compare import cues
from synoptic.ingest.clean import clean_body
from synoptic.pipeline import Context

PUBLISHED = "2025-03-12"  # a Wednesday: relative dates in the tables resolve against it


@dataclass(frozen=True)
class LanguageCases:
    """One language's cases per layer. Tuples are (text, expected); empty expectations must find nothing."""

    identify: tuple[str, ...]  # texts identified as the language
    sentences: tuple[tuple[str, int], ...]  # text, number of sentences (abbreviations do not split)
    timex: tuple[tuple[str, str], ...]  # text, ISO value of its first time expression ('' = none)
    quantities: tuple[tuple[str, float | None, float | None], ...]  # text, low, high (None, None = none)
    places: tuple[tuple[str, str], ...]  # text, neutral key of a place found ('' = no place, no person)
    people: tuple[tuple[str, str], ...]  # text, a person's name as written ('' = no person)
    quotes: tuple[tuple[str, str], ...]  # text, the speaker as written ('' = no quote)
    hedges: tuple[tuple[str, bool], ...]  # text, whether a hedge cue is in it
    boilerplate: tuple[str, ...] = field(default=())  # page-furniture lines cleaning removes


_CTX = Context()


def check_identify(lang: str, text: str) -> None:
    assert identify(text, _CTX) == lang


def check_sentences(lang: str, text: str, count: int) -> None:
    found = split_sentences(text, lang)
    assert len(found) == count, [text[s.start : s.end] for s in found]


def check_timex(lang: str, text: str, value: str) -> None:
    found = find_timexes(text, lang, PUBLISHED)
    for t in found:
        assert text[t.start : t.end] == t.text
    assert (found[0].value if found else "") == value


def check_quantity(lang: str, text: str, low: float | None, high: float | None) -> None:
    found = find_quantities(text, lang)
    if low is None and high is None:
        assert not found
        return
    assert found and (found[0].low, found[0].high) == (low, high), found


def check_place(lang: str, text: str, key: str) -> None:
    rec = recogniser(_CTX)
    mentions = rec.find(text, lang)
    keys = {p.key for m in mentions if m.type == "PLACE" and (p := rec.gazetteer.lookup(m.text, lang)) is not None}
    if key:
        assert key in keys, mentions
    else:
        assert not [m for m in mentions if m.type in ("PLACE", "PERSON")], mentions


def check_person(lang: str, text: str, name: str) -> None:
    people = [m.text for m in recogniser(_CTX).find(text, lang) if m.type == "PERSON"]
    assert (name in people) if name else not people, people


def check_quote(lang: str, text: str, speaker: str) -> None:
    found = extract_quotes(text, lang, split_sentences(text, lang), ())
    if not speaker:
        assert not found
        return
    assert any(q.speaker_text and speaker in q.speaker_text for q in found), found


def check_hedge(lang: str, text: str, hedged: bool) -> None:
    assert cues.has(lang, "hedges", text) == hedged


def check_boilerplate(lang: str, line: str) -> None:
    body = f"{line}\n\n" + "\n\n".join([PARAGRAPH] * 3)
    assert line not in clean_body(body).text


PARAGRAPH = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore."


def found_mentions(lang: str, text: str) -> list[tuple[str, str]]:
    """The recogniser's mentions of `text` as (surface, type), each checked to be the text at its offsets."""
    found = recogniser(_CTX).find(text, lang)
    assert all(text[m.start : m.end] == m.text for m in found), found
    return [(m.text, m.type) for m in found]
