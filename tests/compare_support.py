"""Helpers of the comparison tests: article ids of labelled files, articles stating each conflict value."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def article_ids_by_file(document: dict[str, Any]) -> dict[str, str]:
    """`file.txt` or `file.jsonl#N` (as in examples/expected.json) -> article id."""
    out: dict[str, str] = {}
    counts: dict[str, int] = {}
    for a in document["articles"]:
        name = Path(a["path"].split("#")[0]).name
        if name.endswith(".jsonl"):
            index = a["path"].split("#")[1] if "#" in a["path"] else str(counts.get(name, 0))
            counts[name] = counts.get(name, 0) + 1
            name = f"{name}#{index}"
        out[name] = a["id"]
    return out


def conflict_articles(conflict: dict[str, Any]) -> dict[str, set[str]]:
    """Value -> the articles whose spans state it."""
    return {v["value"]: {s["article"] for s in v["spans"]} for v in conflict["values"]}


def checked_derivations(ctx: Any, *docs: Any) -> list[Any]:
    """The derivations among `docs` as one story, each passage span checked against its article's text."""
    from synoptic.models import Story
    from synoptic.stories.derive import story_derivations

    by_id = {d.id: d for d in docs}
    found = story_derivations(Story("s", "s", tuple(by_id)), by_id, ctx)
    for d in found:
        for p in d.passages:
            for span in (p.source, p.derived):
                assert by_id[span.article].article.text[span.start : span.end] == span.text
    return found
