"""Per-language knowledge as data files under `synoptic/lang/<iso>/`: adding a language is adding a folder.

A language is supported when its folder exists. Every folder holds every resource named in
`lang/_schema.json` with every key listed there; `load` fails loudly (LanguageDataError) when a
language lacks one, so a half-finished language cannot silently fall back to English rules.
Asking for an unsupported language raises UnsupportedLanguageError with the supported codes.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import LanguageDataError, UnsupportedLanguageError

_PACKAGE = "synoptic.lang"
# The language summaries, labels and reports are written in: a claim's unit in this language is
# preferred as its representative, units in other languages are shown with their language code.
REPORT_LANGUAGE = "en"


def _root() -> Any:
    return resources.files(_PACKAGE)


def data_files() -> list[Path]:
    """Every language data file, for keys of data built from them (`disk_cache`)."""
    return sorted(Path(str(_root())).rglob("*.json"))


@cache
def schema() -> dict[str, list[str]]:
    """Resource name -> the keys every language must define in it (`lang/_schema.json`)."""
    data: dict[str, Any] = json.loads(_root().joinpath("_schema.json").read_text(encoding="utf-8"))
    return {k: list(v) for k, v in data.items() if not k.startswith("_")}


@cache
def supported_languages() -> tuple[str, ...]:
    """ISO 639-1 codes that have a data folder, sorted."""
    return tuple(sorted(p.name for p in _root().iterdir() if p.is_dir() and len(p.name) == 2))


def require_language(lang: str) -> str:
    """Return `lang` when supported, else raise UnsupportedLanguageError listing the supported ones."""
    if lang not in supported_languages():
        raise UnsupportedLanguageError(lang, supported_languages())
    return lang


@cache
def load(lang: str, name: str) -> Any:
    """The parsed JSON resource `name` of language `lang`.

    Raises LanguageDataError when the file or one of the keys `_schema.json` requires is missing.
    """
    require_language(lang)
    path = _root().joinpath(lang, f"{name}.json")
    if not path.is_file():
        raise LanguageDataError(f"language {lang!r} has no resource {name!r} (expected lang/{lang}/{name}.json)")
    data = json.loads(path.read_text(encoding="utf-8"))
    missing = [k for k in schema().get(name, []) if k not in data]
    if missing:
        raise LanguageDataError(f"lang/{lang}/{name}.json lacks required keys: {', '.join(missing)}")
    return data


def load_all(name: str) -> dict[str, Any]:
    """Resource `name` of every supported language, keyed by ISO code."""
    return {lang: load(lang, name) for lang in supported_languages()}


def info(lang: str) -> dict[str, Any]:
    """The language's own description (`language.json`): name, scripts, CLDR locales, family."""
    data: dict[str, Any] = load(lang, "language")
    return data


def cldr_locales(lang: str) -> tuple[str, ...]:
    """The CLDR locales whose names the language's texts use (Serbian: Cyrillic and Latin)."""
    return tuple(info(lang)["cldr_locales"])


# Which resources a pipeline layer reads: a language supports the layer when all of them load.
LAYERS: dict[str, tuple[str, ...]] = {
    "language ID": ("language",),
    "sentences": ("sentences",),
    "boilerplate": ("boilerplate",),
    "dates": ("timex",),
    "quantities": ("quantities",),
    "entities": ("gazetteer", "names"),
    "quotes": ("quotes", "names"),
    "comparison": ("compare", "quantities", "timex", "gazetteer"),
}


def layers(lang: str) -> tuple[str, ...]:
    """The pipeline layers whose data `lang` has complete (see LAYERS)."""
    out: list[str] = []
    for layer, resources_ in LAYERS.items():
        try:
            for name in resources_:
                load(lang, name)
        except LanguageDataError:
            continue
        out.append(layer)
    return tuple(out)


@cache
def measured() -> dict[str, dict[str, Any]]:
    """Figures measured per language on labelled data (`lang/_measured*.json`: entity figures written by
    benchmarks/bench_languages.py, quote figures by benchmarks/bench_quotes.py); a language without
    labelled data has no entry."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(_root().iterdir(), key=lambda p: p.name):
        if not (path.name.startswith("_measured") and path.name.endswith(".json")):
            continue
        data: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
        for lang, figures in data.items():
            if not lang.startswith("_"):
                out.setdefault(lang, {}).update(figures)
    return out
