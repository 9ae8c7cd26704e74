"""Limits everywhere there is work (issue 13, defect 2): titles, sentences and the quotes stage are
bounded, so no article costs out of proportion to a plain article of the same length."""

from __future__ import annotations

import json

import pytest

from reliability_support import ADVERSARIAL, plain_text, stage_seconds
from synoptic.annotate.sentences import split_sentences
from synoptic.ingest import read_bytes
from synoptic.pipeline import Context
from synoptic.settings import Settings

BODY = "The harbour of Hamburg reopened on Monday after repairs that took a year, officials said. " * 3


@pytest.mark.parametrize(("length", "kept"), [(60_000, False), (1_001, False), (1_000, True), (80, True)])
def test_reliability_title_length_is_bounded(length: int, kept: bool) -> None:
    record = json.dumps({"title": "T" * length, "maintext": BODY}).encode()
    articles, rejected = read_bytes("r.json", record, Settings())
    assert bool(articles) is kept
    if not kept:
        assert rejected[0].reason.startswith(f"title is {length} characters, over the limit of 1000")


@pytest.mark.parametrize(
    "text",
    [
        "word " * 5_000,  # no full stop at all
        "x" * 7_000,  # no space either
        "a, " * 3_000 + "end.",
        "Short one. " * 50,  # nothing to cut
    ],
)
def test_reliability_sentences_are_bounded_and_cover_the_text(text: str) -> None:
    sentences = split_sentences(text, "en")
    assert all(s.end - s.start <= 2_000 for s in sentences)
    assert all(text[s.start : s.end] == text[s.start : s.end].strip() for s in sentences)
    assert [s.start for s in sentences] == sorted(s.start for s in sentences)
    covered = "".join(text[s.start : s.end] for s in sentences)
    assert covered.replace(" ", "") == text.replace(" ", "")  # nothing lost but white space


#: Length of the compared articles: long enough for a quadratic stage to show (on the code before
#: the fix a sentence full of cues took 7x a plain article at this length), short enough for a test.
LENGTH = 16_000
#: The promise of issue 13 is 3x; timing on a shared machine is noisy, so the test allows that exactly
#: and takes the best of two runs of each text.
MAX_RATIO = 3.0


@pytest.fixture(scope="module")
def plain_seconds() -> tuple[Context, float]:
    ctx = Context()
    return ctx, stage_seconds(plain_text(LENGTH), ctx)


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_reliability_no_article_costs_more_than_3x_a_plain_one(name: str, plain_seconds: tuple[Context, float]) -> None:
    ctx, plain = plain_seconds
    text = ADVERSARIAL[name](LENGTH)
    assert len(text) == LENGTH
    seconds = stage_seconds(text, ctx)
    assert seconds <= MAX_RATIO * max(plain, 0.05), f"{name}: {seconds:.2f} s against {plain:.2f} s for plain text"
