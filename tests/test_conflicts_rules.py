"""Conflict rules on hand-built claims (no embeddings): contradiction vs precision vs different events."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from synoptic.compare.amounts import amounts_in
from synoptic.compare.claim_groups import Aligned
from synoptic.compare.claims import ClaimUnit, find_frames, find_outcomes
from synoptic.compare.conflicts import (
    date_conflicts,
    find_conflicts,
    number_conflicts,
    place_conflicts,
    role_conflicts,
    roles_differ,
)
from synoptic.compare.places import rule_places
from synoptic.compare.times import times_in


def unit(article: str, text: str, lang: str = "en", pub: date | None = date(2022, 1, 13)) -> ClaimUnit:
    places, times = rule_places(text, lang), times_in(text, lang, pub)
    return ClaimUnit(
        id=f"{article}:0",
        article=article,
        lang=lang,
        start=0,
        end=len(text),
        text=text,
        published=pub.isoformat() if pub else None,
        places=tuple(places),
        times=tuple(times),
        quantities=tuple(amounts_in(text, lang)),
        frames=tuple(find_frames(text, 0, lang, places, times)),
        outcomes=tuple(find_outcomes(text, 0, lang)),
    )


def aligned(units: list[ClaimUnit], sim: float = 0.9) -> Aligned:
    sims = np.full((len(units), len(units)), sim, dtype=np.float32)
    np.fill_diagonal(sims, 1.0)
    return Aligned(tuple(units), sims, tuple((i,) for i in range(len(units))))


def test_different_places_for_one_meeting_on_one_day() -> None:
    a = unit("a", "The talks followed a NATO-Russia gathering in Brussels Wednesday.")
    b = unit("b", "The NATO-Russia conference in Vienna on Wednesday failed.")
    (found,) = place_conflicts(aligned([a, b]), {})
    assert {v for v, _ in found.values} == {"Brussels", "Vienna"}
    assert "Wednesday (2022-01-12)" in found.about


def test_meetings_on_different_days_are_different_events() -> None:
    a = unit("a", "A NATO-Russia gathering took place in Brussels on Wednesday.")
    b = unit("b", "Thursday's meeting in Vienna gave Kyiv a seat.")
    assert place_conflicts(aligned([a, b]), {}) == []


def test_copies_of_one_source_never_conflict() -> None:
    a = unit("a", "At least 12 people have died in Cologne.")
    b = unit("b", "Officials said 15 people have died in Cologne.")
    assert number_conflicts(aligned([a, b]), {"a": "a", "b": "a"}) == []
    assert number_conflicts(aligned([a, b]), {}) != []


def test_precision_difference_is_not_a_number_conflict() -> None:
    a = unit("a", "Russia sent 100,000 soldiers to the border of Ukraine.")
    b = unit("b", "Russland hat Zehntausende Soldaten an der Grenze der Ukraine angehäuft.", "de")
    c = unit("c", "Moscow has sent more than 100,000 troops to the border of Ukraine.")
    assert number_conflicts(aligned([a, b, c]), {}) == []


def test_numbers_of_another_time_are_not_compared() -> None:
    a = unit("a", "Russia sent 100,000 soldiers to the border.")
    b = unit("b", "Russia pulled out the estimated 11,000 Soviet troops in 1990.")
    assert number_conflicts(aligned([a, b]), {}) == []


def test_same_statement_dated_differently() -> None:
    a = unit("a", "Am 14. Dezember schloss Rjabkow Truppen nach Venezuela oder Kuba aus Moskau nicht aus.", "de")
    b = unit("b", "On Thursday Ryabkov in Moscow did not rule out troops for Cuba and Venezuela.")
    (found,) = date_conflicts(aligned([a, b], 0.88), {})
    assert {v for v, _ in found.values} == {"14. Dezember (2021-12-14)", "Thursday (2022-01-13)"}


def test_weakly_aligned_statements_are_not_dated_against_each_other() -> None:
    a = unit("a", "Am 14. Dezember schloss Rjabkow Truppen nach Venezuela oder Kuba aus Moskau nicht aus.", "de")
    b = unit("b", "On Thursday Ryabkov in Moscow did not rule out troops for Cuba and Venezuela.")
    assert date_conflicts(aligned([a, b], 0.8), {}) == []


def test_asserted_outcome_against_a_near_miss() -> None:
    a = unit("a", "He spoke about the 1962 conflict which led to nuclear war.")
    b = unit("b", "In October 1962 a standoff which nearly led to World War III began.")
    kinds = [f.kind for f in find_conflicts(aligned([a, b], 0.8), {})]
    assert kinds == ["outcome"]


def test_both_hedged_outcomes_agree() -> None:
    a = unit("a", "The 1962 standoff almost led to nuclear war.")
    b = unit("b", "In 1962 a standoff nearly led to World War III.")
    assert find_conflicts(aligned([a, b], 0.8), {}) == []


@pytest.mark.parametrize(
    ("a", "b", "differ"),
    [
        ("trade minister", "agriculture minister", True),
        ("Kremlin spokesman", "Russian President", True),
        ("Russian Deputy Foreign Minister", "Foreign Minister", False),
        ("Cuban President", "President", False),
        ("U.S. national defense adviser", "national security adviser", False),
    ],
)
def test_roles_differ_in_post_not_in_rank_or_precision(a: str, b: str, differ: bool) -> None:
    assert roles_differ(a, b, "en") is differ


def test_one_person_with_two_posts_in_one_language() -> None:
    a = replace(unit("a", "Trade minister Anna Berg spoke in Geneva."), roles=(("Anna Berg", "trade minister"),))
    b = replace(unit("b", "Agriculture minister Anna Berg spoke."), roles=(("Anna Berg", "agriculture minister"),))
    c = replace(unit("c", "Handelsministerin Anna Berg sprach.", "de"), roles=(("Anna Berg", "Handelsministerin"),))
    (found,) = role_conflicts(aligned([a, b, c]), {})
    assert found.about == "title or role of Anna Berg"
    assert role_conflicts(aligned([a, c]), {}) == []
