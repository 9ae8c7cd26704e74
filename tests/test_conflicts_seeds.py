"""Conflicts and summary on the five real seed articles (full default pipeline)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from compare_support import conflict_articles
from synoptic.models import Analysis

pytestmark = pytest.mark.seeds


@pytest.fixture(scope="module")
def document(seeds_analysis: Analysis) -> dict[str, Any]:
    """The analysis JSON of the shared once-per-session run."""
    return seeds_analysis.to_dict()


def _ids(document: dict[str, Any]) -> dict[str, str]:
    """Seed number ("000") -> article id."""
    return {Path(a["path"]).name[:3]: a["id"] for a in document["articles"]}


def _find(document: dict[str, Any], want: dict[str, set[str]]) -> dict[str, Any] | None:
    """The conflict with a value containing each wanted word, stated by the wanted seeds."""
    ids = _ids(document)
    for story in document["stories"]:
        for conflict in story["conflicts"]:
            found = conflict_articles(conflict)
            ok = all(
                any(word.lower() in v.lower() and {ids[s] for s in seeds} <= arts for v, arts in found.items())
                for word, seeds in want.items()
            )
            if ok:
                return conflict
    return None


def test_place_of_the_wednesday_meeting(document: dict[str, Any]) -> None:
    conflict = _find(document, {"Brussels": {"003"}, "Vienna": {"004"}})
    assert conflict is not None
    assert "Wednesday" in conflict["about"]


def test_outcome_of_the_1962_crisis(document: dict[str, Any]) -> None:
    assert _find(document, {"led to nuclear war": {"000"}, "nearly led to World War III": {"001"}}) is not None


def test_date_of_ryabkovs_remarks(document: dict[str, Any]) -> None:
    assert _find(document, {"Dezember": {"002"}, "Thursday": {"003", "004"}}) is not None


def test_few_false_alarms(document: dict[str, Any]) -> None:
    """Distinct conflicts (one found across sibling stories is listed in each of them)."""
    distinct = {
        (c["about"], tuple(v["value"] for v in c["values"])) for s in document["stories"] for c in s["conflicts"]
    }
    assert len(distinct) <= 4


def test_summary_has_three_cited_sentences_from_three_articles(document: dict[str, Any]) -> None:
    story = max(document["stories"], key=lambda s: len(s["articles"]))
    assert len(story["summary"]) >= 3
    assert all(x["citations"] for x in story["summary"])
    assert len({c["article"] for x in story["summary"] for c in x["citations"]}) >= 3
