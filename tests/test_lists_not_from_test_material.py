"""No word list in src/ takes its entries from the example corpus or the seeds (issue 14).

The examples and the seeds test behaviour; an entry chosen to make them pass measures fit, not
accuracy. The check gathers the test material's *distinctive* words, those that general usage
hardly knows (wordfreq Zipf frequency below RARE_ZIPF in every supported language: the fictional
corpus's names, its misspellings and coinages), adds the common words and phrases known to have
been fitted to that material (FITTED, removed in issue 14), and fails when any of them is an entry
of a language resource or a string constant in the code (docstrings and comments may cite the
examples). GENERAL lists the few rare words that are standard news vocabulary of a language.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import wordfreq

from conftest import EXAMPLES, REPO, SHARED
from synoptic.annotate.gazetteer import build_gazetteer
from synoptic.ingest import read_paths

SRC = REPO / "src" / "synoptic"
LANGS = ("en", "de", "fr", "ru", "cs")
RARE_ZIPF = 3.0  # under one occurrence per million words in every language: not general vocabulary
MIN_LETTERS = 4  # shorter tokens are abbreviations and function words, common by nature
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
#: Common words and phrases that lists had taken from the examples or the seeds (issue 14).
FITTED = frozenset(
    ["buster", "content farm", "freight", "shipping", "hofburg", "curator", "rower", "shopkeeper",
     "beefing up", "diluviennes", "getreiderat", "hilfsorganisation", "hébergeur", "videobotschaft",
     "handelsminister", "firmenchef"]
)  # fmt: skip
#: Rare in wordfreq's general corpora, yet what a linguist lists for any news: a French speech verb,
#: the French plural of "cargo" (freighter), German feminine role nouns, common Ukrainian and Polish
#: given names and a standard transliteration of one, a major intergovernmental organisation, the
#: WordPress comment-spam line that scraped pages carry everywhere.
GENERAL = frozenset(
    ["martelé", "cargos", "anwohnerin", "bewohnerin", "oberbürgermeisterin", "unterstaatssekretärin",
     "oleksandr", "olexander", "zbigniew", "osce", "akismet"]
)  # fmt: skip
#: Places of the seeds that the gazetteers once listed by hand: cities now come from GeoNames
#: (annotate/cities.py), and no gazetteer file may name them again.
SEED_PLACES = frozenset(["odesa", "odessa", "bosphorus", "bosporus"])


def _material_texts() -> Iterator[str]:
    """Article texts of the example corpus (as ingested, without markup) and of the seeds."""
    for article in read_paths([EXAMPLES]).articles:
        yield article.title or ""
        yield article.text
    seeds = SHARED / "seeds"
    if seeds.is_dir():
        for path in sorted(seeds.glob("*.txt")):
            yield path.read_text(encoding="utf-8", errors="replace")


@cache
def distinctive_words() -> frozenset[str]:
    """Words of the examples and seeds that general usage in our languages hardly knows."""
    words = {w.lower() for text in _material_texts() for w in WORD.findall(text) if len(w) >= MIN_LETTERS}
    rare = {w for w in words if max(wordfreq.zipf_frequency(w, lang) for lang in LANGS) < RARE_ZIPF}
    return frozenset(rare - GENERAL)


def _strings(value: Any) -> Iterator[str]:
    """Every key and string value of a parsed JSON document ("_doc" texts excepted)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "_doc":
                yield key
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _code_strings(path: Path) -> Iterator[str]:
    """String constants of a module, its docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docs.add(id(first.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            yield node.value


def _hits(entry: str) -> set[str]:
    low = entry.lower()
    found = {w for w in WORD.findall(low) if w in distinctive_words()}
    return found | {f for f in FITTED if re.search(rf"(?<!\w){re.escape(f)}(?!\w)", low)}


def offending_entries() -> dict[str, set[str]]:
    """Resource and code files of src/ with the test-material words found in their entries."""
    out: dict[str, set[str]] = {}
    for path in sorted(SRC.rglob("*.json")):
        hits = set().union(*(_hits(s) for s in _strings(json.loads(path.read_text(encoding="utf-8")))))
        if hits:
            out[str(path.relative_to(REPO))] = hits
    for path in sorted(SRC.rglob("*.py")):
        hits = set().union(*(_hits(s) for s in _code_strings(path)))
        if hits:
            out[str(path.relative_to(REPO))] = hits
    return out


def test_lists_hold_no_word_of_the_examples_or_seeds() -> None:
    assert offending_entries() == {}


def test_gazetteers_hold_no_place_of_the_seeds() -> None:
    gazetteers = [json.loads(p.read_text(encoding="utf-8")) for p in SRC.rglob("gazetteer.json")]
    entries = {s.lower() for g in gazetteers for s in _strings(g)}
    assert not entries & SEED_PLACES


#: Cities of the example corpus (fiction set in real places): the gazetteer files may not list them;
#: they are found through GeoNames like any other city.
EXAMPLE_CITIES = frozenset(["geneva", "genf", "genève", "cologne", "köln", "lyon", "lausanne", "hamburg", "vienna"])


def test_gazetteers_hold_no_city_of_the_examples() -> None:
    gazetteers = [json.loads(p.read_text(encoding="utf-8")) for p in SRC.rglob("gazetteer.json")]
    entries = {s.lower() for g in gazetteers for s in _strings(g)}
    assert not entries & EXAMPLE_CITIES


@pytest.mark.parametrize(
    ("surface", "lang", "key"),
    [("Odesa", "en", "Odesa"), ("Одессе", "ru", "Odesa"), ("Genf", "de", "Geneva"), ("Mailand", "de", "Milan")],
)
def test_gazetteer_finds_cities_through_a_general_source(surface: str, lang: str, key: str) -> None:
    place = build_gazetteer().lookup(surface, lang)
    assert place is not None and place.key == key


@pytest.mark.parametrize(
    ("entry", "flagged"),
    [
        ("content farm", True),  # fitted phrase, whole
        ("Pontica Freight", True),  # fitted word inside an entry
        ("Quillon", True),  # a name of the fictional corpus: rare in every language
        ("minister", False),  # general vocabulary
        ("freighter", False),  # a longer word is not the fitted one
        ("martelé", False),  # rare, but general French news usage
    ],
)
def test_lists_check_flags_material_words_only(entry: str, flagged: bool) -> None:
    assert bool(_hits(entry)) is flagged
