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
