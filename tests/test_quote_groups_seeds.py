"""Quote groups on the real seeds with E5: one utterance in three wordings and two languages shares a group."""

from __future__ import annotations

from pathlib import Path

import pytest

from synoptic.models import Analysis, Quote

pytestmark = [pytest.mark.seeds, pytest.mark.slow]


@pytest.fixture(scope="module")
def state(seeds_analysis: Analysis) -> Analysis:
    """The full pipeline over the seeds (shared with other tests through conftest)."""
    return seeds_analysis


def quote(state: Analysis, seed: str, words: str) -> Quote:
    ids = {d.id for d in state.documents if Path(d.article.path).name.startswith(seed)}
    found = [q for q in state.quotes if q.span.article in ids and words in q.span.text]
    return min(found, key=lambda q: (q.kind != "direct", len(q.span.text)))


@pytest.mark.xfail(
    strict=True,
    reason="known miss: seed 000 repeats Ryabkov's words 12 days after 003/004; with the weights fitted on WMT22 "
    "calibration quotes (undated, so the hand-set 'late' penalty never fired there) the pair scores -0.87 "
    "log-odds, below the threshold 0, and stays apart. Not tuned to pass (seeds test behaviour, not accuracy).",
)
def test_quote_groups_seeds_ryabkov_three_wordings(state: Analysis) -> None:
    groups = {
        quote(state, "000", "it all depends upon the action").group,
        quote(state, "004", "it all relies on the conduct").group,
        quote(state, "003", "Depends on the actions of our American colleagues").group,
    }
    assert len(groups) == 1


def test_quote_groups_seeds_cordial_and_fruitful_across_languages(state: Analysis) -> None:
    assert quote(state, "000", "cordial and fruitful").group == quote(state, "002", "Freundlich und fruchtbar").group


def test_quote_groups_seeds_different_statements_stay_apart(state: Analysis) -> None:
    assert (
        quote(state, "004", "It’s impossible for NATO").group != quote(state, "004", "There will be no shortage").group
    )
    assert quote(state, "000", "cordial and fruitful").group != quote(state, "000", "it all depends upon").group


@pytest.mark.xfail(
    strict=True,
    reason="known miss: seed 000 repeats Ryabkov's words 12 days after 003/004; with the weights fitted on WMT22 "
    "calibration quotes (undated, so the hand-set 'late' penalty never fired there) the pair scores -0.87 "
    "log-odds, below the threshold 0, and stays apart. Not tuned to pass (seeds test behaviour, not accuracy).",
)
def test_quote_groups_seeds_record_lists_the_versions(state: Analysis) -> None:
    group_id = quote(state, "004", "it all relies on the conduct").group
    (record,) = [g for g in state.quote_groups if g.id == group_id]
    assert len(record.variants) >= 3
    assert all(v.similarity > 0.8 for v in record.variants)
