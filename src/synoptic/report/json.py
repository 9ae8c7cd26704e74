"""The analysis JSON: write it, read it, and validate it against the contract's JSON Schema."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema of the analysis contract, as bundled with the package."""
    text = resources.files("synoptic").joinpath("schemas/report.schema.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def validate(document: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError when `document` breaks the contract."""
    import jsonschema

    jsonschema.validate(document, schema())


def span_errors(document: dict[str, Any]) -> list[str]:
    """Every span in the document whose text is not `article.text[start:end]`, described."""
    texts = {a["id"]: a["text"] for a in document.get("articles", [])}
    errors: list[str] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if {"article", "start", "end", "text"} <= node.keys() and isinstance(node.get("start"), int):
                body = texts.get(node["article"])
                if body is None:
                    errors.append(f"{where}: unknown article {node['article']}")
                elif body[node["start"] : node["end"]] != node["text"]:
                    errors.append(
                        f"{where}: text differs from article {node['article']}[{node['start']}:{node['end']}]"
                    )
            for key, value in node.items():
                if key != "articles" or where:
                    walk(value, f"{where}.{key}" if where else key)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{where}[{i}]")

    walk({k: v for k, v in document.items() if k != "articles"}, "")
    return errors


def write_json(document: dict[str, Any], path: str | Path) -> Path:
    """Write the analysis JSON (UTF-8, indented) atomically: a crash never leaves half a file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    try:
        tmp.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk leaves no half-written file behind
        raise
    return target


def read_json(path: str | Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return data
