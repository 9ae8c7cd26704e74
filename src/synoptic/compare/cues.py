"""Per-language cue words for comparing sources (`lang/<iso>/compare.json`), as matchers.

The data says which words negate, hedge, load a sentence, signal an outcome ("led to"), name a
kind of event ("talks", "Gespräche"), count things ("troops", "Soldaten") or approximate an amount
("dozens", "une quarantaine"). Code here only turns those lists into cached regular expressions,
so adding a language is adding one JSON file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from .. import langdata
from ..errors import UnsupportedLanguageError


@cache
def cues(lang: str) -> dict[str, Any]:
    """The compare cue data of `lang` (nothing for a language without a data folder: no cue is guessed).

    `compare.json` holds what only comparison needs (hedges, outcome words, event and unit classes,
    affiliations); the words the annotation layers already own are read from their one home under
    the keys comparison uses: month and weekday names from CLDR, relative days from `timex.json`,
    amounts (decimal mark, approximation and lower-bound words, vague amounts, scale words, number
    words) from `quantities.json`, place aliases from `gazetteer.json`, articles from `names.json`,
    and conjunctions, indefinite articles, agent prepositions and personal pronouns from `quotes.json`.
    """
    try:
        data: dict[str, Any] = dict(langdata.load(lang, "compare"))
    except UnsupportedLanguageError:
        return {}
    q = langdata.load(lang, "quantities")
    bounds = set(q["lower_bound"]) | set(q["upper_bound"])
    data["decimal_mark"] = q["decimal"]
    data["approx_words"] = [w for w in q["approx"] if w not in bounds]
    data["lower_bound_words"] = list(q["lower_bound"])
    data["vague_amounts"] = dict(q["vague"])
    data["multipliers"] = dict(q["scales"])
    data["number_words"] = dict(q["number_words"])
    days = {k: v for k, (unit, v) in langdata.load(lang, "timex")["relative"].items() if unit == "day"}
    data["relative_days"] = days
    data["place_aliases"] = dict(langdata.load(lang, "gazetteer")["PLACE"])
    quotes = langdata.load(lang, "quotes")
    for key in ("conjunctions", "indefinite_articles", "agent_prepositions"):
        data[key] = list(quotes[key])
    data["pronouns"] = list(quotes["pronouns"])
    data["articles"] = list(langdata.load(lang, "names")["articles"])
    data["months"], data["weekdays"] = _calendar(lang)
    return data


def _calendar(lang: str) -> tuple[dict[str, int], dict[str, int]]:
    """Lower-case month names -> 1..12 and weekday names -> 0 (Monday)..6, from CLDR, all locales of `lang`."""
    from babel import Locale

    months: dict[str, int] = {}
    weekdays: dict[str, int] = {}
    for code in langdata.cldr_locales(lang):
        loc = Locale.parse(code)
        for ctx in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for num, name in loc.months[ctx][width].items():
                    if len(name.strip(".")) >= 3:
                        months.setdefault(name.lower().strip("."), int(num))
            for num, name in loc.days[ctx]["wide"].items():
                weekdays.setdefault(name.lower(), int(num))
    return months, weekdays


def phrase_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern matching any of `words` as whole words, longest first."""
    items = sorted({w for w in words if w}, key=len, reverse=True)
    if not items:
        return None
    body = "|".join(re.escape(w) for w in items)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w])", re.IGNORECASE)


def words(lang: str, *keys: str) -> tuple[str, ...]:
    """The words of cue lists `keys` of `lang` (keys of a mapping), in order, without repeats."""
    out: dict[str, None] = {}
    for key in keys:
        value = cues(lang).get(key, [])
        out.update(dict.fromkeys(value.keys() if isinstance(value, dict) else value))
    return tuple(out)


def alternation(lang: str, *keys: str) -> str:
    """A regex alternation of the words of cue lists `keys` (longest first), for a pattern to embed;
    a group that never matches when the language lists none, so no other language's words stand in."""
    items = sorted({w for w in words(lang, *keys) if w}, key=len, reverse=True)
    return "|".join(re.escape(w) for w in items) if items else "(?!)"


@cache
def matcher(lang: str, key: str) -> re.Pattern[str] | None:
    """The pattern of cue list `key` (a list, or the keys of a mapping) of `lang`."""
    value = cues(lang).get(key, [])
    return phrase_pattern(value.keys() if isinstance(value, dict) else value)


@dataclass(frozen=True)
class Hit:
    """One cue found in a text: offsets relative to that text, and the matched words."""

    start: int
    end: int
    text: str


def find(lang: str, key: str, text: str) -> list[Hit]:
    """Every occurrence of a cue of list `key` in `text`."""
    pattern = matcher(lang, key)
    if pattern is None:
        return []
    return [Hit(m.start(), m.end(), m.group(0)) for m in pattern.finditer(text)]


def has(lang: str, key: str, text: str) -> bool:
    return bool(find(lang, key, text))


@cache
def class_patterns(lang: str, key: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """For a mapping cue list like `event_classes`: (class name, pattern) pairs."""
    table = cues(lang).get(key, {})
    out: list[tuple[str, re.Pattern[str]]] = []
    for name, words in table.items():
        pattern = phrase_pattern(words)
        if pattern is not None:
            out.append((name, pattern))
    return tuple(out)


def classes_in(lang: str, key: str, text: str) -> Iterator[tuple[str, Hit]]:
    """(class, hit) for every word of a class table found in `text`, in text order."""
    found = [
        (m.start(), name, Hit(m.start(), m.end(), m.group(0)))
        for name, pattern in class_patterns(lang, key)
        for m in pattern.finditer(text)
    ]
    for _pos, name, hit in sorted(found, key=lambda t: (t[0], t[1])):
        yield name, hit


def lookup(lang: str, key: str, word: str) -> Any:
    """The value of `word` in mapping cue `key` (case-insensitive), or None."""
    table = cues(lang).get(key, {})
    lowered = {k.lower(): v for k, v in table.items()}
    return lowered.get(word.lower())
