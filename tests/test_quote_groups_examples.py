"""Quote groups on the example corpus: pairwise agreement with the groups of examples/expected.json."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from synoptic.models import Analysis, Quote

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
pytestmark = pytest.mark.slow


def file_key(path: str) -> str:
    base, _, record = path.partition("#")
    return Path(base).name + (f"#{record}" if record else "")


@pytest.fixture(scope="module")
def state(examples_analysis: Analysis) -> Analysis:
    """The full pipeline over examples/corpus (shared with other tests through conftest)."""
    return examples_analysis


def test_quote_groups_examples_pairwise_precision_recall(state: Analysis) -> None:
    gold: list[dict[str, Any]] = json.loads((EXAMPLES / "expected.json").read_text(encoding="utf-8"))["quotes"]
    keys = {d.id: file_key(d.article.path) for d in state.documents}
    texts = {file_key(d.article.path): d.article.text for d in state.documents}
    matched: list[tuple[dict[str, Any], Quote | None]] = []
    for item in gold:
        start = texts[item["file"]].find(item["text"])
        end = start + len(item["text"])
        found = [
            q
            for q in state.quotes
            if keys[q.span.article] == item["file"]
            and min(end, q.span.end) - max(start, q.span.start) > 0.5 * (end - start)
        ]
        matched.append((item, found[0] if found else None))
    tp = fp = fn = 0
    for (g1, q1), (g2, q2) in itertools.combinations(matched, 2):
        if g1["file"] == g2["file"]:
            continue
        same_gold = g1.get("group") is not None and g1.get("group") == g2.get("group")
        same_pred = q1 is not None and q2 is not None and q1.group == q2.group
        tp += same_gold and same_pred
        fp += same_pred and not same_gold
        fn += same_gold and not same_pred
    assert tp / (tp + fp) >= 0.85
    assert tp / (tp + fn) >= 0.85


def test_quote_groups_examples_every_quote_has_a_group_and_spans_verify(state: Analysis) -> None:
    texts = {d.id: d.article.text for d in state.documents}
    for q in state.quotes:
        assert q.group.startswith("qg-")
        assert texts[q.span.article][q.span.start : q.span.end] == q.span.text
        if q.speaker_span is not None:
            assert texts[q.speaker_span.article][q.speaker_span.start : q.speaker_span.end] == q.speaker_span.text


def test_quote_groups_examples_json_lists_versions_of_known_quotes(state: Analysis) -> None:
    data = state.to_dict()
    ids = {q["id"]: q for q in data["quotes"]}
    assert data["quote_groups"]
    for group in data["quote_groups"]:
        assert group["reference"] in group["quotes"]
        assert len(group["variants"]) == len(group["quotes"]) >= 2
        for variant in group["variants"]:
            assert ids[variant["quote"]]["group"] == group["id"]
            assert ids[variant["quote"]]["span"]["text"] == variant["text"]
