"""Proper names the other rules cannot license: capitalised words that are not common words.

In languages that capitalise only names (all supported ones but German), a run of capitalised words
inside a sentence is a name; at the start of a sentence it is one only when the word is rare as a
common word (wordfreq's frequency list of the language says "Prema"/"According" is common, "Tadić"
is not). German capitalises every noun, so there a capitalised word is a name only when it is rare,
and carries none of the language's common-noun endings ("-ung", "-erin"). What the run is comes
from the gazetteer (places, organisations, inflected forms), from all-capital words
(organisations) and otherwise from its shape: a multi-word run of names is a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import ClassVar

from .. import langdata
from ..models import EntityType, Mention
from ..params import Params, param
from .gazetteer import Gazetteer, org_suffixes, place_kinds
from .org_grammar import name_type
from .word_freq import zipf_frequency


@dataclass(frozen=True)
class ProperParams(Params):
    """When a capitalised word is a common word rather than a name, by its Zipf frequency (log10 per
    billion words); set on the UNER calibration halves (benchmarks/bench_languages.py)."""

    section: ClassVar[str] = "entities"
    common_at_start: float = param(
        4.0, "sentence-initial word this frequent is a common word (UNER calibration: keeps 'Prema', 'Segundo' out)"
    )
    common_noun: float = param(
        2.5, "the same for any capitalised word where nouns are capitalised (German calibration half of UNER)"
    )
    common_after_article: float = param(
        5.0, "the same right after an article ('la Commission'); Portuguese calibration halves (PUD, Bosque)"
    )
    compound_tail_zipf: float = param(
        3.0, "a German compound ending in a word this frequent is a common noun (German calibration half)"
    )
    noun_after_article: float = param(
        2.5,
        "where nouns are capitalised, a word after an article this frequent is a common noun ('der Polizei'), "
        "rarer ones are names ('dem Danewerk'); German calibration half F1 0.644 (all common) -> 0.664, "
        "0.657 at 1.0, 0.655 at 3.0",
    )
    compound_tail_min: int = param(4, "... when that last part has at least this many letters ('experten')")
    international_margin: float = param(
        0.5, "a German word within this many Zipf points abroad is a travelling name (German calibration half)"
    )
    international_min: float = param(1.5, "below this frequency abroad, a word says nothing by being international")


# Whether a lone capitalised word at a sentence start needs evidence (the same word inside a
# sentence elsewhere in the text, or the gazetteer) to be a name. Chosen on the calibration halves:
# F1 sk 0.700 -> 0.771, hr 0.689 -> 0.716, sr 0.698 -> 0.725, ru 0.660 -> 0.680, pt 0.705 -> 0.700.
LONE_INITIAL_NEEDS_EVIDENCE = True
_SENTENCE_END = re.compile(r"(?:^|[.!?…:]\s+|\n)[\"'„“”«»‘’(\[–—-]*\s*$")


@dataclass(frozen=True)
class Language:
    """What this module needs to know about a language, from its `language.json`."""

    frequency_list: str
    capitalises_nouns: bool
    noun_suffixes: tuple[str, ...]
    reference_lists: tuple[str, ...]
    determiners: frozenset[str]
    plural_determiners: frozenset[str]


@cache
def language(lang: str) -> Language:
    info = langdata.info(lang)
    return Language(
        info["frequency_list"],
        bool(info["capitalises_nouns"]),
        tuple(info["noun_suffixes"]),
        tuple(info.get("name_reference_lists", [])),
        frozenset(info["noun_determiners"]),
        frozenset(info["plural_determiners"]),
    )


@lru_cache(maxsize=1 << 16)
def zipf(word: str, frequency_list: str) -> float:
    """wordfreq's Zipf frequency of the word in the language (0.0 for unknown words), read from the
    compact copy of wordfreq's list (`word_freq`), which loads in milliseconds instead of 0.1-0.4 s."""
    return zipf_frequency(word, frequency_list)


def sentence_initial(text: str, start: int) -> bool:
    """Whether offset `start` opens a sentence (text start, after . ! ? : or a line break, maybe a quote)."""
    return bool(_SENTENCE_END.search(text[max(0, start - 6) : start])) or start == 0


def after_determiner(text: str, start: int, determiners: frozenset[str]) -> bool:
    """Whether an article stands right before offset `start`, or before one lower-case word there."""
    words = text[max(0, start - 40) : start].split()[-2:]
    if not words:
        return False
    last, first = words[-1].lower(), words[0].lower()
    return last in determiners or (len(words) == 2 and first in determiners and words[1][:1].islower())


def is_common(
    word: str, lang: str, at_start: bool, determined: bool = False, params: ProperParams | None = None
) -> bool:
    """Whether a capitalised word is more likely a common word of `lang` than (part of) a name. A word
    as frequent in other languages' news as in German is a name that travels ("Trump", "Twitter"; not
    "Regierung"); a German compound ending in a common word ("Sicherheitsexperten") is a common noun."""
    p = params or ProperParams()
    info = language(lang)
    low = word.lower()
    if not word[:1].isupper():
        return True  # a particle ("des", "von") never stands alone
    if determined and not info.capitalises_nouns:  # "la Commission", "les Négociations"
        return zipf(low, info.frequency_list) >= p.common_after_article
    if info.capitalises_nouns:
        if not determined and _international(low, info, p):  # after an article a travelling word is a noun too
            return False
        if any(low.endswith(s) and len(low) > len(s) + 2 for s in info.noun_suffixes) or _compound(low, info, p):
            return True
        if determined:
            return zipf(low, info.frequency_list) >= p.noun_after_article
        return zipf(low, info.frequency_list) >= (p.common_at_start if at_start else p.common_noun)
    return at_start and zipf(low, info.frequency_list) >= p.common_at_start


def _international(low: str, info: Language, p: ProperParams) -> bool:
    """Whether a word is about as frequent in other languages as in this one (names travel, nouns do not)."""
    abroad = max((zipf(low, ref) for ref in info.reference_lists), default=0.0)
    return abroad >= p.international_min and abroad >= zipf(low, info.frequency_list) - p.international_margin


def _compound(low: str, info: Language, p: ProperParams) -> bool:
    """Whether a word ends in a common word after a head of three letters or more ("marktplätze")."""
    return any(
        zipf(low[i:], info.frequency_list) >= p.compound_tail_zipf for i in range(3, len(low) - p.compound_tail_min + 1)
    )


def trim_common(
    text: str, run: list[tuple[int, int, str]], lang: str, params: ProperParams | None = None
) -> list[list[tuple[int, int, str]]]:
    """The parts of a run of capitalised words left when its common words are taken out."""
    info = language(lang)
    parts: list[list[tuple[int, int, str]]] = [[]]
    for i, tok in enumerate(run):
        if after_determiner(text, tok[0], info.plural_determiners):  # "les Négociations": names are rarely plural
            parts.append([])
            continue
        determined = after_determiner(text, tok[0], info.determiners)
        particle = not tok[2][:1].isupper() and 0 < i < len(run) - 1 and bool(parts[-1])
        if not particle and is_common(tok[2], lang, sentence_initial(text, tok[0]), determined, params):
            parts.append([])
        else:
            parts[-1].append(tok)
    out = []
    for part in parts:
        while part and not part[-1][2][:1].isupper():
            part = part[:-1]
        if part:
            out.append(part)
    return out


def type_of(surface: str, words: list[str], lang: str, gazetteer: Gazetteer) -> EntityType:
    """PLACE / ORG from the gazetteer, a word naming a kind of place ("Mekong River"), all-capital
    words or a company suffix ("Systems"); otherwise PERSON (most unknown capitalised words in news
    are people)."""
    entry = gazetteer.lookup(surface, lang)
    if entry is not None:
        return entry.type
    if len(words) > 1 and {words[0].lower(), words[-1].lower()} & place_kinds(lang):
        return "PLACE"
    if any(len(w) >= 2 and w.isupper() for w in words) or words[-1] in org_suffixes():
        return "ORG"
    return name_type(words, lang) or "PERSON"  # "Senado", "Совета", "Partido Republicano" are ORG


def type_in_context(
    text: str, start: int, surface: str, words: list[str], lang: str, gazetteer: Gazetteer
) -> EntityType:
    """`type_of`, except that an unknown name right after a preposition of place is a PLACE ("v Praze")."""
    found = type_of(surface, words, lang, gazetteer)
    if found == "PERSON" and gazetteer.lookup(surface, lang) is None:
        before = text[max(0, start - 12) : start].split()
        if before and before[-1].lower() in place_prepositions(lang):
            return "PLACE"
    return found


@cache
def place_prepositions(lang: str) -> frozenset[str]:
    return frozenset(langdata.load(lang, "gazetteer")["place_prepositions"])


def _inside(text: str, runs: list[list[tuple[int, int, str]]]) -> set[str]:
    """Capitalised words the text writes inside a sentence somewhere (evidence they are names)."""
    return {t[2] for run in runs for t in run if not sentence_initial(text, t[0])}


def proper_names(
    text: str,
    lang: str,
    runs: list[list[tuple[int, int, str]]],
    gazetteer: Gazetteer,
    params: ProperParams | None = None,
) -> list[Mention]:
    """Mentions for runs of capitalised words that are names by their frequency and position.

    A lone word opening a sentence is a name only when the text also writes it inside a sentence
    or the gazetteer knows it: rare inflected verbs and adverbs open sentences too ("Neposlúchol").
    """
    out: list[Mention] = []
    inside = _inside(text, runs)
    # German judges every capitalised word by frequency and form already (calibration: better without)
    evidence = LONE_INITIAL_NEEDS_EVIDENCE and not language(lang).capitalises_nouns
    for run in runs:
        for part in trim_common(text, run, lang, params):
            start, end = part[0][0], part[-1][1]
            surface = text[start:end]
            lone = evidence and len(part) == 1 and sentence_initial(text, start)
            if lone and part[0][2] not in inside and gazetteer.lookup(surface, lang) is None:
                continue
            etype = type_in_context(text, start, surface, [t[2] for t in part], lang, gazetteer)
            out.append(Mention(start, end, surface, etype, "proper"))
    return out
