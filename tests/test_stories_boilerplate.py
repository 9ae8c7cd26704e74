"""Scraped boilerplate is left out when stories are compared; copies keep what they share."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from synoptic.models import Article, Document, Published
from synoptic.pipeline import Context
from synoptic.stories import features
from synoptic.stories.features import (
    SignalParams,
    Signals,
    StoredLeads,
    _without_boilerplate,
    boilerplate,
    build_signals,
    without_lines,
)

BOX = "Sign up for the Morning Briefing newsletter from Danube Courier Media Group."
NOTICE = "Photos: Harald Obermayr / Danube Courier. All rights reserved, reuse only with permission."
FIRE = (
    "A fire destroyed a warehouse in the harbour of Linz on Monday night.\n"
    "Firefighters from Enns and Steyr fought the flames until the morning.\n"
    "Nobody was hurt, but the stored grain and two lorries were lost, the operator said.\n"
    "The harbour will stay closed to traffic until the site is safe, according to the city."
)
VOTE = (
    "Voters in Eisenstadt elected a new council on Sunday.\n"
    "The turnout was the highest since the reform of the electoral law.\n"
    "The mayor's list lost two seats and will need a partner to govern.\n"
    "Coalition talks are expected to begin next week and to last until the spring."
)
FIRE_COPY = FIRE + "\nThe police are investigating the cause."


def doc(article_id: str, text: str, outlet: str | None = "danube-courier.example") -> Document:
    return Document(Article(article_id, article_id, "en", None, outlet, (), Published(), text))


def test_boilerplate_lines_shared_by_unrelated_articles() -> None:
    docs = [doc("fire", f"{FIRE}\n{BOX}\n{NOTICE}"), doc("vote", f"{VOTE}\n{BOX}\n{NOTICE}")]
    found = boilerplate(docs)
    assert found[0] == found[1] == {" ".join(BOX.lower().split()), " ".join(NOTICE.lower().split())}
    cleaned = without_lines(docs[0], found[0])
    assert cleaned.article.text == FIRE


def test_boilerplate_spares_copies_and_finds_nothing_alone() -> None:
    cases = [
        [doc("fire", FIRE), doc("copy", FIRE_COPY)],  # a copy shares most of its lines
        [doc("fire", f"{FIRE}\n{BOX}")],  # one article: nothing to compare with
        [doc("fire", FIRE), doc("vote", VOTE)],  # nothing shared
        [doc("a", "Updated\n" + FIRE), doc("b", "Updated\n" + VOTE)],  # too short to count
        [
            doc("fire", f"{FIRE}\n{BOX}"),
            doc("vote", f"{VOTE}\n{BOX}", "other.example"),
        ],  # two outlets: a shared wire line
        [doc("fire", f"{FIRE}\n{BOX}", None), doc("vote", f"{VOTE}\n{BOX}", None)],  # outlets unknown
    ]
    for docs in cases:
        assert all(not lines for lines in boilerplate(docs)), [d.id for d in docs]


def test_boilerplate_does_not_reach_the_signals() -> None:
    docs = [doc("fire", f"{FIRE}\n{BOX}\n{NOTICE}"), doc("vote", f"{VOTE}\n{BOX}\n{NOTICE}")]
    fire, vote = build_signals(docs, Context(), fine=False)
    assert "newsletter" not in fire.terms and "obermayr" not in vote.terms
    assert not fire.keys & vote.keys
    assert "linz" in fire.terms and "eisenstadt" in vote.terms


LINES = [FIRE, VOTE, BOX, NOTICE, "  " + BOX.upper() + "  ", "Updated", ""]


@given(
    st.lists(
        st.tuples(st.lists(st.sampled_from(LINES), max_size=6), st.sampled_from(["a.example", "b.example", None])),
        max_size=6,
    )
)
def test_signals_drop_the_lines_boilerplate_names(texts: list[tuple[list[str], str | None]]) -> None:
    """The signals' digest path takes out exactly the lines `boilerplate` names, as `without_lines` does."""
    docs = [doc(f"d{i}", "\n".join(lines), outlet) for i, (lines, outlet) in enumerate(texts)]
    expected = [without_lines(d, lines).article.text for d, lines in zip(docs, boilerplate(docs), strict=True)]
    assert [d.article.text for d in _without_boilerplate(docs, SignalParams())] == expected


def _titled(article_id: str, text: str, title: str | None) -> Document:
    d = doc(article_id, text)
    return replace(d, article=replace(d.article, title=title))


def _fields(s: Signals) -> tuple[object, ...]:
    return (s.id, s.day, s.language, s.title, s.keys, dict(s.terms), s.coarse.tolist(), s.fine.tolist())


@pytest.mark.parametrize(
    ("settled", "title", "missing", "cut"),
    [
        (True, "Fire in Linz", False, False),  # a rerun's settled article: no signal reads its text
        (True, None, False, True),  # no title: its headline is its first line
        (True, "Fire in Linz", True, True),  # its title + lead vector is encoded now, from its text
        (False, "Fire in Linz", False, True),  # still to place: keys, terms and static vector
    ],
)
def test_boilerplate_is_cut_only_from_texts_a_signal_reads(
    monkeypatch: pytest.MonkeyPatch, settled: bool, title: str | None, missing: bool, cut: bool
) -> None:
    docs = [_titled("fire", f"{BOX}\n{FIRE}\n{NOTICE}", title), doc("vote", f"{BOX}\n{VOTE}\n{NOTICE}")]
    lead = StoredLeads(np.eye(2, 384, dtype=np.float32), (0,) if missing else ())
    ctx = Context()
    kwargs: dict[str, Any] = {"settled": {"fire"} if settled else set(), "lead": lead}
    cuts: list[str] = []
    with_lines = features._with_lines
    monkeypatch.setattr(features, "_with_lines", lambda d, kept: cuts.append(d.id) or with_lines(d, kept))
    fast = build_signals(docs, ctx, **kwargs)
    assert ("fire" in cuts) == cut and "vote" in cuts  # "vote" is never settled here
    monkeypatch.setattr(features, "_reads_text", lambda d, settled: True)  # the slow path: cut every text
    slow = build_signals(docs, ctx, **kwargs)
    assert [_fields(s) for s in fast] == [_fields(s) for s in slow]
    assert fast[0].title == (title or FIRE.split("\n")[0])  # never the boilerplate line
