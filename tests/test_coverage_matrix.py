"""Coverage per source: the source x claim matrix, first reporters, and the side each quoted voice speaks for."""

from __future__ import annotations

import pytest

from synoptic.compare.conflicts import Finding
from synoptic.compare.corpus_stages import build_claims
from synoptic.compare.coverage import affiliation, coverage_matrix, first_reporter, sides_quoted
from synoptic.models import Article, Published, QuotedVoice, Story
from test_summary_citations import setup


def test_coverage_marks_reported_omitted_and_contradicted() -> None:
    aligned, articles = setup()
    story = Story("s", "t", tuple(a.id for a in articles))
    claims = build_claims(story, aligned, {})
    finding = Finding("place", "place of the talks", (("Geneva", (0, 1, 2)), ("Lausanne", (4,))))
    cov = coverage_matrix(aligned, claims, articles, [finding], {})
    row = cov.matrix[claims[0].id]
    assert row == {"a": "reported", "b": "reported", "c": "reported", "d": "contradicted"}
    assert cov.matrix[claims[1].id]["d"] == "omitted"
    assert cov.first_reporter[claims[0].id].article == "a"
    assert cov.first_reporter[claims[2].id].published == "2025-03-09"
    assert cov.to_dict()["first_reporter"][claims[0].id]["article"] == "a"


def test_coverage_marks_a_reporter_that_states_another_value_as_both() -> None:
    aligned, articles = setup()
    story = Story("s", "t", tuple(a.id for a in articles))
    claims = build_claims(story, aligned, {})
    members = aligned.groups[0]
    first, rest = members[0], tuple(members[1:])
    finding = Finding("place", "place of the talks", (("Geneva", (first,)), ("Lausanne", rest)))
    row = coverage_matrix(aligned, claims, articles, [finding], {}).matrix[claims[0].id]
    reporters = {aligned.units[u].article for u in members}
    assert {a for a, state in row.items() if state == "both"} == reporters
    assert all(state == "omitted" for a, state in row.items() if a not in reporters)


def test_first_reporter_without_dates_says_so() -> None:
    undated = Article("x", "x.txt", "en", None, None, (), Published(), "x")
    found = first_reporter([undated])
    assert found.article is None and found.to_dict() == {
        "article": None,
        "published": None,
        "how": "unknown: no publication dates",
    }


@pytest.mark.parametrize(
    ("words", "lang", "side"),
    [
        ("Russian Deputy Foreign Minister Sergei Ryabkov", "en", "Russia"),
        ("Kremlin spokesman Dmitry Peskov", "en", "Russia"),
        ("Polish Foreign Minister Zbigniew Rau", "en", "Poland"),
        ("Oberbürgermeisterin Henrike Albers", "de", "local authorities"),
        ("la maire Henrike Albers", "fr", "local authorities"),
        ("Jake Sullivan", "en", None),
    ],
)
def test_affiliation_from_role_and_name(words: str, lang: str, side: str | None) -> None:
    assert affiliation(words, lang) == side


def test_sides_count_quotes_per_side() -> None:
    quoted = {
        "a": [
            QuotedVoice(None, "x", None, None, "Russia", 3),
            QuotedVoice(None, "y", None, None, None, 1),
            QuotedVoice(None, "z", None, None, "Russia", 1),
        ]
    }
    assert sides_quoted(quoted) == {"a": {"Russia": 4, "unknown": 1}}
