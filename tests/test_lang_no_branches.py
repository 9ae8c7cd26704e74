"""Language knowledge lives in src/synoptic/lang/<iso>/: no Python module branches on a language code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "synoptic"
# `lang == "de"`, `lex.lang != "en"`, `language in ("en", "fr")`, `u.lang == "en"` ...
BRANCH = re.compile(
    r"""\b\w*lang(?:uage)?\w*\s*(?:==|!=)\s*["'][a-z]{2}["']"""
    r"""|["'][a-z]{2}["']\s*(?:==|!=)\s*\w*lang(?:uage)?\b"""
    r"""|\b\w*lang(?:uage)?\w*\s+(?:not\s+)?in\s+[\(\[\{]\s*["'][a-z]{2}["']"""
    r"""|for\s+\w+\s+in\s+[\(\[]\s*["'][a-z]{2}["']\s*,\s*["'][a-z]{2}["']"""
)


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def test_lang_no_language_branch_in_src() -> None:
    offenders = [
        f"{path.relative_to(SRC)}:{n}: {line.strip()}"
        for path in _modules()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BRANCH.search(line)
    ]
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize(
    "line",
    [
        'if lex.lang == "de":',
        "if lang != 'en' and lang != 'fr':",
        'english = [i for i, u in enumerate(units) if u.lang == "en"]',
        'if self.art.lex.lang in ("en", "fr"):',
        'for lang in ("en", "de", "fr"):',
        'if language == "ru":',
    ],
)
def test_lang_branch_pattern_catches(line: str) -> None:
    assert BRANCH.search(line)


@pytest.mark.parametrize(
    "line",
    [
        'data = langdata.load(lang, "quotes")',
        "if lang not in langdata.supported_languages():",
        'model = langdata.info(lang)["spacy_model"]',
        'title = "en dash"',
    ],
)
def test_lang_branch_pattern_spares(line: str) -> None:
    assert not BRANCH.search(line)


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("ingest/clean.py", "_PARTICLES"),
        ("ingest/clean.py", "_BY_LINE"),
        ("annotate/entities.py", "_FUNCTION_WORDS"),
        ("annotate/entities.py", "_LEADING"),
        ("annotate/lang.py", "_LINGUA_EXTRA"),
    ],
)
def test_lang_word_lists_moved_to_data(module: str, name: str) -> None:
    assert f"{name} = " not in (SRC / module).read_text(encoding="utf-8")
