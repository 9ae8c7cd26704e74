"""The full default pipeline over examples/corpus: every span verifies and the JSON fits the contract."""

from __future__ import annotations

from typing import Any

import pytest

from synoptic.models import Analysis
from synoptic.report.json import span_errors, validate


@pytest.fixture(scope="module")
def document(examples_analysis: Analysis) -> dict[str, Any]:
    """The analysis JSON of the shared once-per-session run."""
    return examples_analysis.to_dict()


def test_every_span_verifies_against_its_article(document: dict[str, Any]) -> None:
    assert span_errors(document) == []


def test_the_json_validates_against_the_schema(document: dict[str, Any]) -> None:
    validate(document)


def test_spans_exist_in_every_comparison_part(document: dict[str, Any]) -> None:
    stories = [s for s in document["stories"] if s["claims"]]
    assert stories
    assert any(c["support"] for s in stories for c in s["claims"])
    assert any(v["spans"] for s in stories for c in s["conflicts"] for v in c["values"])
    assert all(x["citations"] for s in stories for x in s["summary"])


def test_claims_are_supported_by_their_own_storys_articles(document: dict[str, Any]) -> None:
    for story in document["stories"]:
        for claim in story["claims"]:
            assert {s["article"] for s in claim["support"]} <= set(story["articles"])


def test_coverage_matrix_covers_every_claim_and_source(document: dict[str, Any]) -> None:
    for story in document["stories"]:
        if not story["claims"]:
            continue
        matrix = story["coverage"]["matrix"]
        assert set(matrix) == {c["id"] for c in story["claims"]}
        for row in matrix.values():
            assert set(row) == set(story["articles"])
            assert set(row.values()) <= {"reported", "omitted", "contradicted", "both"}
