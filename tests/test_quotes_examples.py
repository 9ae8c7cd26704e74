"""The example corpus: the quotes of examples/expected.json are found with their speaker and kind."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from synoptic.annotate.lang import language_stage
from synoptic.annotate.quotes import quotes_stage
from synoptic.annotate.sentences import sentences_stage
from synoptic.ingest import read_paths
from synoptic.models import Document, QuoteMention
from synoptic.pipeline import Context

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def file_key(path: str) -> str:
    """The expected.json name of an article path: `file.txt` or `file.jsonl#N`."""
    base, _, record = path.partition("#")
    return Path(base).name + (f"#{record}" if record else "")


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    ctx = Context()
    found = [Document(article=a) for a in read_paths([EXAMPLES / "corpus"]).articles]
    for stage in (language_stage, sentences_stage, quotes_stage):
        found = stage.fn(found, ctx)
    return {file_key(d.article.path): d for d in found}


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / "expected.json").read_text(encoding="utf-8"))
    return data


def aliases(expected: dict[str, Any], name: str) -> list[str]:
    for ent in expected["entities"]:
        if ent["name"] == name:
            return [name, *ent["aliases"]]
    return [name]


def matching(doc: Document, text: str) -> QuoteMention | None:
    start = doc.article.text.find(text)
    end = start + len(text)
    for q in doc.quotes:
        overlap = min(end, q.end) - max(start, q.start)
        if overlap > 0.5 * len(text) and overlap > 0.5 * (q.end - q.start):
            return q
    return None


def test_quotes_examples_recall_speaker_and_kind(docs: dict[str, Document], expected: dict[str, Any]) -> None:
    gold = expected["quotes"]
    found = speaker_ok = kind_ok = exact = 0
    for item in gold:
        q = matching(docs[item["file"]], item["text"])
        if q is None:
            continue
        found += 1
        exact += q.text == item["text"]
        kind_ok += q.kind == item["kind"]
        names = [n.lower() for n in aliases(expected, item["speaker"])]
        spoken = (q.speaker_text or "").lower()
        speaker_ok += bool(spoken) and any(n in spoken or spoken in n for n in names)
    assert found >= 0.95 * len(gold)
    assert speaker_ok >= 0.9 * len(gold)
    assert kind_ok >= 0.95 * len(gold)
    assert exact >= 0.9 * len(gold)


def test_quotes_examples_scare_quotes_are_not_quotes(docs: dict[str, Document], expected: dict[str, Any]) -> None:
    for item in expected["scare_quotes"]:
        assert all(item["text"] not in q.text for q in docs[item["file"]].quotes)


def test_quotes_examples_spans_verify(docs: dict[str, Document]) -> None:
    for doc in docs.values():
        for q in doc.quotes:
            assert doc.article.text[q.start : q.end] == q.text
            if q.speaker_start is not None and q.speaker_end is not None:
                assert doc.article.text[q.speaker_start : q.speaker_end] == q.speaker_text
