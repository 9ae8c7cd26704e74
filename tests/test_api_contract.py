"""The analysis JSON over the seeds and the example corpus: schema, metadata, spans (integration)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from synoptic import Analysis
from synoptic.report.json import read_json, span_errors, validate, write_json


@pytest.fixture(scope="module")
def seeds_json(seeds_analysis: Analysis, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The seeds' analysis JSON as written to disk and read back."""
    out = tmp_path_factory.mktemp("seeds") / "out.json"
    write_json(seeds_analysis.to_dict(), out)
    return read_json(out)


def by_name(doc: dict[str, Any], prefix: str) -> dict[str, Any]:
    [art] = [a for a in doc["articles"] if Path(a["path"]).name.startswith(prefix)]
    return art


@pytest.mark.seeds
def test_seeds_json_validates_against_contract(seeds_json: dict[str, Any]) -> None:
    validate(seeds_json)
    assert span_errors(seeds_json) == []
    assert seeds_json["rejected"] == []


@pytest.mark.seeds
def test_seeds_languages(seeds_json: dict[str, Any]) -> None:
    langs = [a["language"] for a in sorted(seeds_json["articles"], key=lambda a: a["path"])]
    assert langs == ["en", "en", "de", "en", "en"]


@pytest.mark.seeds
def test_seed_001_metadata_head(seeds_json: dict[str, Any]) -> None:
    art = by_name(seeds_json, "001")
    assert art["title"].startswith("Kremlin Says Moscow, Havana Have 'Synchronised Positions'")
    assert art["authors"] == ["Sputnik News"]
    assert art["published"] == {"date": "2022-01-26", "how": "given"}
    assert not art["text"].startswith(("Published Time", "Title:", "Category"))


@pytest.mark.seeds
def test_seed_003_trailing_byline_and_boilerplate(seeds_json: dict[str, Any]) -> None:
    art = by_name(seeds_json, "003")
    assert art["published"] == {"date": "2022-01-13", "how": "given"}
    assert art["authors"] == ["Tyler Durden"]
    text = art["text"]
    for line in text.split("\n"):
        lowered = line.lower()
        assert "share this post" not in lowered
        assert "comment" not in lowered or len(line.split()) > 30
        assert "spam" not in lowered
    assert "Tyler Durden" not in text
    assert "01/13/2022" not in text
    assert text.rstrip().endswith("wides hit in march of 2020.")


def test_examples_json_matches_ground_truth(
    examples_analysis: Analysis, examples_dir: Path, expected: dict[str, Any]
) -> None:
    doc = examples_analysis.to_dict()
    validate(doc)
    assert span_errors(doc) == []
    assert doc["rejected"] == []
    found = {str(Path(a["path"]).relative_to(examples_dir)): a for a in doc["articles"]}
    assert set(found) == set(expected["languages"])
    for name, lang in expected["languages"].items():
        assert found[name]["language"] == lang, name
    for name, date in expected["published"].items():
        if date is not None:
            assert found[name]["published"] == {"date": date, "how": "given"}, name


def test_span_errors_detects_a_wrong_span() -> None:
    doc = {
        "articles": [{"id": "a", "text": "Hello world"}],
        "quotes": [{"span": {"article": "a", "start": 0, "end": 5, "text": "Hullo"}}],
    }
    assert len(span_errors(doc)) == 1
    doc["quotes"][0]["span"]["text"] = "Hello"
    assert span_errors(doc) == []
