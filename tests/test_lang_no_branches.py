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


# ---------------------------------------------------------------------------------------------
# Word lists: a collection or regex alternation of words that are function words of a supported
# language (articles, conjunctions, clause words, prepositions from the lang/<iso> data) is a word
# list that belongs in lang/<iso>/. Every module is checked; none is exempt.

MIN_LIST_WORDS = 3  # a collection of fewer strings is a pair of alternatives, not a list
MIN_FUNCTION_WORDS = 2  # this many function words in one collection make it a word list
_ALTERNATION = re.compile(r"(?<![\w\\])(?:[^\W\d_]+\|){2,}[^\W\d_]+(?![\w])")


def _function_words() -> frozenset[str]:
    from synoptic import langdata

    out: set[str] = set()
    for lang in langdata.supported_languages():
        names, quotes = langdata.load(lang, "names"), langdata.load(lang, "quotes")
        lists = ("conjunctions", "clause_words", "indefinite_articles", "agent_prepositions")
        for words in (names["articles"], names["role_linkers"], *(quotes[k] for k in lists)):
            out.update(w.lower() for w in words if len(w) > 1)
    return frozenset(out)


def word_lists(source: str, function_words: frozenset[str]) -> list[int]:
    """Line numbers of collections and regex alternations holding function words of our languages."""
    import ast

    hits: list[int] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            words = [e.value.lower() for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if len(words) >= MIN_LIST_WORDS and sum(w in function_words for w in words) >= MIN_FUNCTION_WORDS:
                hits.append(node.lineno)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            for m in _ALTERNATION.finditer(node.value):
                if sum(w.lower() in function_words for w in m.group().split("|")) >= MIN_FUNCTION_WORDS:
                    hits.append(node.lineno)
                    break
    return hits


def test_lang_no_word_list_in_src() -> None:
    function_words = _function_words()
    offenders = [
        f"{path.relative_to(SRC)}:{line}"
        for path in _modules()
        for line in word_lists(path.read_text(encoding="utf-8"), function_words)
    ]
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ('CONJ = r"(?:but|and|aber|und|mais|et)"', True),
        ('_INDEFINITE = frozenset(["a", "an", "ein", "eine", "un", "une"])', True),
        ('agent = tail[0].low in ("by", "von", "par", "durch", "to")', True),
        ('STAGES = ("text", "language", "sentences")', False),
        ('KINDS = ["verb", "naming", "participle"]', False),
        ('pattern = r"schtsch|shch|sch|sh|ch"', False),
        ('pair = ("and", "or")', False),
    ],
)
def test_lang_word_list_check_flags_lists_only(source: str, found: bool) -> None:
    assert bool(word_lists(source, _function_words())) is found
