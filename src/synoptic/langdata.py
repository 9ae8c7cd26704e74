"""Per-language knowledge as data files under `annotate/resources/<iso>/`: adding a language is adding data.

A language is supported when its folder exists. Asking for an unsupported one raises
UnsupportedLanguageError with the sorted list of supported codes.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from .errors import UnsupportedLanguageError

_PACKAGE = "synoptic.annotate"


def _root() -> Any:
    return resources.files(_PACKAGE).joinpath("resources")


@cache
def supported_languages() -> tuple[str, ...]:
    """ISO 639-1 codes that have a resource folder, sorted."""
    return tuple(sorted(p.name for p in _root().iterdir() if p.is_dir() and len(p.name) == 2))


def require_language(lang: str) -> str:
    """Return `lang` when supported, else raise UnsupportedLanguageError listing the supported ones."""
    if lang not in supported_languages():
        raise UnsupportedLanguageError(lang, supported_languages())
    return lang


@cache
def load(lang: str, name: str) -> Any:
    """The parsed JSON resource `name` of language `lang` (`{}` when that language lacks the file)."""
    require_language(lang)
    path = _root().joinpath(lang, f"{name}.json")
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def load_all(name: str) -> dict[str, Any]:
    """Resource `name` of every supported language, keyed by ISO code."""
    return {lang: load(lang, name) for lang in supported_languages()}
