"""The summary: cited sentences, conflicts stated as conflicts, agreement weighted by independent voices."""

from __future__ import annotations

import numpy as np

from synoptic.compare.claim_groups import Aligned
from synoptic.compare.claims import ClaimUnit
from synoptic.compare.conflicts import Finding
from synoptic.compare.corpus_stages import build_claims
from synoptic.models import Article, Published, Story


def art(aid: str, outlet: str, day: str | None = None) -> Article:
    return Article(aid, f"{aid}.txt", "en", None, outlet, (), Published(day, "given" if day else None), "x")


def unit(article: str, text: str, n: int) -> ClaimUnit:
    return ClaimUnit(id=f"{article}:{n}", article=article, lang="en", start=0, end=len(text), text=text, published=None)


def setup() -> tuple[Aligned, list[Article]]:
    units = [
        unit("a", "The talks opened in Geneva.", 0),
        unit("b", "Talks opened in Geneva.", 0),
        unit("c", "The talks began in Geneva.", 0),
        unit("a", "Ships will sail weekly.", 1),
        unit("d", "The talks opened in Lausanne.", 0),
    ]
    sims = np.eye(len(units), dtype=np.float32) + 0.5
    groups = ((0, 1, 2), (3,), (4,))
    return Aligned(tuple(units), sims, groups), [
        art("a", "Alpha", "2025-03-10"),
        art("b", "Beta"),
        art("c", "Gamma"),
        art("d", "Delta", "2025-03-09"),
    ]


def test_every_sentence_cites_and_conflicts_are_stated_as_conflicts() -> None:
    from synoptic.compare.summary import summarise

    aligned, articles = setup()
    story = Story("s", "t", tuple(a.id for a in articles))
    claims = build_claims(story, aligned, {})
    finding = Finding("place", "place of the talks", (("Geneva", (0, 1, 2)), ("Lausanne", (4,))))
    summary = summarise(aligned, claims, [finding], articles, {})
    assert all(s.citations for s in summary)
    conflict = summary[-1].text
    assert "Delta says Lausanne" in conflict and "Alpha, Beta and Gamma say Geneva" in conflict
    assert {c.article for c in summary[-1].citations} == {"a", "b", "c", "d"}


def test_agreement_counts_independent_voices_not_articles() -> None:
    from synoptic.compare.summary import summarise

    aligned, articles = setup()
    story = Story("s", "t", tuple(a.id for a in articles))
    voices = {"a": "a", "b": "a", "c": "a", "d": "d"}  # b and c are copies of a
    claims = build_claims(story, aligned, voices)
    assert claims[0].voices == 1
    summary = summarise(aligned, claims, [], articles, voices)
    assert not any("3 independent" in s.text for s in summary)
    assert any("3 independent" in s.text for s in summarise(aligned, claims, [], articles, {}))
