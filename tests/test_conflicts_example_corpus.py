"""Conflicts on the example corpus: the labelled ones are found, precision differences are not reported."""

from __future__ import annotations

from typing import Any

import pytest

from compare_support import article_ids_by_file, conflict_articles
from synoptic.models import Analysis


@pytest.fixture(scope="module")
def document(examples_analysis: Analysis) -> dict[str, Any]:
    """The analysis JSON of the shared once-per-session run."""
    return examples_analysis.to_dict()


def _conflicts(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for s in document["stories"] for c in s["conflicts"]]


def _matches(conflict: dict[str, Any], values: dict[str, set[str]]) -> bool:
    """Every expected value is stated by at least one of its expected articles, each in a different value."""
    found = conflict_articles(conflict)
    hits = []
    for articles in values.values():
        hit = [v for v, arts in found.items() if arts & articles]
        if not hit:
            return False
        hits.append(hit[0])
    return len(set(hits)) == len(values)


def test_expected_conflicts_are_found(document: dict[str, Any], expected: dict[str, Any]) -> None:
    ids = article_ids_by_file(document)
    conflicts = _conflicts(document)
    for item in expected["conflicts"]:
        values = {v: {ids[f] for f in files} for v, files in item["values"].items()}
        assert any(_matches(c, values) for c in conflicts), item["about"]


def test_each_value_names_the_labelled_value(document: dict[str, Any]) -> None:
    labels = {v["value"] for c in _conflicts(document) for v in c["values"]}
    assert {"Geneva", "Lausanne", "12", "15", "2 million", "2.5 million"} <= labels


def test_precision_differences_are_not_conflicts(document: dict[str, Any], expected: dict[str, Any]) -> None:
    ids = article_ids_by_file(document)
    for item in expected["not_conflicts"]:
        groups = [{ids[f] for f in files} for files in item["files"].values()]
        for conflict in _conflicts(document):
            found = conflict_articles(conflict)
            sides = [v for v, arts in found.items() if any(arts & g for g in groups)]
            vague = all(any(w in v.lower() for w in ("dozen", "dutzend", "dizaine", "quarantaine")) for v in sides)
            assert not (len(sides) >= 2 and ("ship" in conflict["about"] or "boat" in conflict["about"])), conflict
            assert not (len(sides) >= 2 and vague), conflict


def test_no_false_alarms_beyond_the_labelled_conflicts(document: dict[str, Any], expected: dict[str, Any]) -> None:
    assert len(_conflicts(document)) <= len(expected["conflicts"]) + 1
