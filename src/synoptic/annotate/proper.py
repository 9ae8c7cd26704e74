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

from .. import langdata
from ..models import EntityType, Mention
from .gazetteer import Gazetteer, org_suffixes

# Zipf frequency (log10 per billion words) at or above which a word is a common word of the
# language, not a name, at the start of a sentence. Set on the UNER calibration halves
# (benchmarks/bench_languages.py): 4.0 keeps "Prema", "Према", "Segundo" out and most surnames in.
COMMON_AT_START = 4.0
# The same, for any capitalised word in a language that capitalises nouns (German). Lower than at
# sentence start because every German noun is a candidate; set on the German calibration half.
COMMON_NOUN = 2.5
# The same, for a capitalised word right after an article in a language that capitalises only
# names ("la Commission", "les Négociations" are common words; "o Bolsonaro" is a name). Set on
# the Portuguese calibration halves (PUD and Bosque), where articles before names are frequent.
COMMON_AFTER_ARTICLE = 5.0
# Whether a lone capitalised word at a sentence start needs evidence (the same word inside a
# sentence elsewhere in the text, or the gazetteer) to be a name. Chosen on the calibration halves:
# F1 sk 0.700 -> 0.771, hr 0.689 -> 0.716, sr 0.698 -> 0.725, ru 0.660 -> 0.680, pt 0.705 -> 0.700.
LONE_INITIAL_NEEDS_EVIDENCE = True
# A German compound ("Sicherheitsexperten") is a common noun when its last part ("experten") is a
# common word at least this frequent and this long; rare compounds otherwise pass for names.
COMPOUND_TAIL_ZIPF = 3.0
COMPOUND_TAIL_MIN = 4
_SENTENCE_END = re.compile(r"(?:^|[.!?…:]\s+|\n)[\"'„“”«»‘’(\[–—-]*\s*$")


# A capitalised German word as frequent in other languages' news as in German (within this many
# Zipf points) is a name that travels ("Trump", "Twitter", "Peking" is not, "Regierung" is not):
# common nouns of one language are rare in the others. Set on the German calibration half.
INTERNATIONAL_MARGIN = 0.5
INTERNATIONAL_MIN = 1.5  # below this frequency abroad, a word says nothing by being "international"


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
    """wordfreq's Zipf frequency of the word in the language (0.0 for unknown words)."""
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, frequency_list))


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


def is_common(word: str, lang: str, at_start: bool, determined: bool = False) -> bool:
    """Whether a capitalised word is more likely a common word of `lang` than (part of) a name."""
    info = language(lang)
    low = word.lower()
    if not word[:1].isupper():
        return True  # a particle ("des", "von") never stands alone
    if determined and not info.capitalises_nouns:  # "la Commission", "les Négociations"
        return zipf(low, info.frequency_list) >= COMMON_AFTER_ARTICLE
    if info.capitalises_nouns:
        if determined:
            return True
        if _international(low, info):
            return False
        if any(low.endswith(s) and len(low) > len(s) + 2 for s in info.noun_suffixes) or _compound(low, info):
            return True
        return zipf(low, info.frequency_list) >= (COMMON_AT_START if at_start else COMMON_NOUN)
    return at_start and zipf(low, info.frequency_list) >= COMMON_AT_START


def _international(low: str, info: Language) -> bool:
    """Whether a word is about as frequent in other languages as in this one (names travel, nouns do not)."""
    abroad = max((zipf(low, ref) for ref in info.reference_lists), default=0.0)
    return abroad >= INTERNATIONAL_MIN and abroad >= zipf(low, info.frequency_list) - INTERNATIONAL_MARGIN


def _compound(low: str, info: Language) -> bool:
    """Whether a word ends in a common word after a head of three letters or more ("marktplätze")."""
    return any(
        zipf(low[i:], info.frequency_list) >= COMPOUND_TAIL_ZIPF for i in range(3, len(low) - COMPOUND_TAIL_MIN + 1)
    )


def trim_common(text: str, run: list[tuple[int, int, str]], lang: str) -> list[list[tuple[int, int, str]]]:
    """The parts of a run of capitalised words left when its common words are taken out."""
    info = language(lang)
    parts: list[list[tuple[int, int, str]]] = [[]]
    for i, tok in enumerate(run):
        if after_determiner(text, tok[0], info.plural_determiners):  # "les Négociations": names are rarely plural
            parts.append([])
            continue
        determined = after_determiner(text, tok[0], info.determiners)
        particle = not tok[2][:1].isupper() and 0 < i < len(run) - 1 and bool(parts[-1])
        if not particle and is_common(tok[2], lang, sentence_initial(text, tok[0]), determined):
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
    """PLACE / ORG from the gazetteer, all-capital words or a company suffix ("Systems");
    otherwise PERSON (most unknown capitalised words in news are people)."""
    entry = gazetteer.lookup(surface, lang)
    if entry is not None:
        return entry.type
    if any(len(w) >= 2 and w.isupper() for w in words) or words[-1] in org_suffixes():
        return "ORG"
    return "PERSON"


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


def proper_names(text: str, lang: str, runs: list[list[tuple[int, int, str]]], gazetteer: Gazetteer) -> list[Mention]:
    """Mentions for runs of capitalised words that are names by their frequency and position.

    A lone word opening a sentence is a name only when the text also writes it inside a sentence
    or the gazetteer knows it: rare inflected verbs and adverbs open sentences too ("Neposlúchol").
    """
    out: list[Mention] = []
    inside = _inside(text, runs)
    # German judges every capitalised word by frequency and form already (calibration: better without)
    evidence = LONE_INITIAL_NEEDS_EVIDENCE and not language(lang).capitalises_nouns
    for run in runs:
        for part in trim_common(text, run, lang):
            start, end = part[0][0], part[-1][1]
            surface = text[start:end]
            lone = evidence and len(part) == 1 and sentence_initial(text, start)
            if lone and part[0][2] not in inside and gazetteer.lookup(surface, lang) is None:
                continue
            etype = type_in_context(text, start, surface, [t[2] for t in part], lang, gazetteer)
            out.append(Mention(start, end, surface, etype, "proper"))
    return out
