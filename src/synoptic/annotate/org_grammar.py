"""The grammar of organisation names in one language, as its data files give it: which nouns name a
kind of organisation (`quotes.json` `org_nouns`) or of state (`gazetteer.json` `state_nouns`), in any
case form, and which words continue a name after such a noun. `annotate/org_names.py` finds names
with it; `annotate/proper.py` types a name holding such a noun ("Senado", "Совета": ORG).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .. import langdata
from ..models import EntityType
from .gazetteer import reinflect
from .names import case_endings

#: The `quotes.json` word classes that end a name's tail: prepositions, conjunctions, clause words,
#: pronouns and adverbs ("в", "и", "что", "также").
STOP_KEYS = (
    "prepositions",
    "conjunctions",
    "clause_openers",
    "clause_words",
    "relative_pronouns",
    "not_names",
    "time_words",
    "auxiliaries",
)
#: A stem must keep this many letters once an ending is stripped ("суда" -> "суд").
MIN_HEAD_STEM = 3


@dataclass(frozen=True)
class OrgGrammar:
    """One language's grammar of organisation names, from its data files."""

    heads: dict[str, EntityType]  # institution nouns are ORG, kinds of state ("империя") PLACE
    head_stems: dict[str, EntityType]
    endings: tuple[str, ...]  # case endings stripped to compare a word with a head, longest first
    rules: tuple[str, ...]  # the gazetteer's reinflection rules ("ы>а")
    compounds: bool  # nouns compound ("Verteidigungsministerium" ends in a head)
    connectors: tuple[tuple[str, ...], ...]  # "de", "de la", "of", longest first
    adjective_endings: tuple[str, ...]
    genitive_endings: tuple[str, ...]
    verb_endings: tuple[str, ...]
    stops: frozenset[str]


@cache
def grammar(lang: str) -> OrgGrammar:
    quotes = langdata.load(lang, "quotes")
    gaz = langdata.load(lang, "gazetteer")
    names = langdata.load(lang, "names")
    adjective = {e for rule in gaz["modifier_suffixes"] for e in rule.split(">") if e}
    adjective.update(langdata.load(lang, "quantities").get("adjective_endings", []))
    rules = (*gaz["inflection_suffixes"], *gaz["compound_suffixes"])
    forms = {e for rule in rules for e in rule.split(">") if e}  # oblique and nominative endings of nouns
    endings = tuple(sorted({*case_endings(lang), *adjective, *forms}, key=len, reverse=True))
    heads: dict[str, EntityType] = {w.lower(): "PLACE" for w in gaz["state_nouns"]}
    heads.update((w.lower(), "ORG") for w in quotes["org_nouns"])
    stops = {w.lower() for key in STOP_KEYS for w in quotes.get(key, [])}
    stops.update(w.lower() for w in langdata.load(lang, "quantities")["number_words"])
    stops.update(w.lower() for w in gaz["place_prepositions"])
    timex = langdata.load(lang, "timex")  # "prošlog tjedna", "ove godine": a time, not the name's genitive
    stops.update(w.lower() for key in ("past_words", "future_words") for w in timex[key])
    stops.update(w.lower() for phrase in timex["relative"] for w in phrase.split())
    connectors = sorted({tuple(c.split()) for c in names["role_linkers"]}, key=len, reverse=True)
    return OrgGrammar(
        heads=heads,
        head_stems={_stem(h, endings): t for h, t in heads.items()},
        endings=endings,
        rules=rules,
        compounds=bool(langdata.info(lang)["capitalises_nouns"]),
        connectors=tuple(connectors),
        adjective_endings=tuple(sorted(adjective, key=len, reverse=True)),
        genitive_endings=tuple(gaz["genitive_endings"]),
        verb_endings=tuple(gaz["verb_endings"]),
        stops=frozenset(stops - heads.keys()),
    )


def _stem(word: str, endings: tuple[str, ...]) -> str:
    for e in endings:
        if word.endswith(e) and len(word) - len(e) >= MIN_HEAD_STEM:
            return word[: -len(e)]
    return word


def head_type(word: str, lang: str) -> EntityType | None:
    """ORG when `word` (any case form) is a noun naming a kind of organisation in `lang`, PLACE when it
    names a kind of state ("империи", "Reino"), None otherwise."""
    g = grammar(lang)
    low = word.lower()
    found = g.heads.get(low) or (g.head_stems.get(_stem(low, g.endings)) if g.endings else None)
    if found is None:
        found = next((g.heads[b] for r in g.rules if (b := reinflect(low, r)) and b in g.heads), None)
    if found is None and g.compounds:  # "Verteidigungsministerium"
        found = next((t for h, t in g.heads.items() if low.endswith(h) and len(h) > 3), None)
    return found


def is_head(word: str, lang: str) -> bool:
    """Whether `word` (any case form) names a kind of organisation or state in `lang`."""
    return head_type(word, lang) is not None


def name_type(words: list[str], lang: str) -> EntityType | None:
    """The type a name's institution or state noun gives it ("Partido Republicano", "Совета": ORG;
    "Османской империи": PLACE); None when it has none. A lower-case first word is no head."""
    return next(
        (t for i, w in enumerate(words) if (w[:1].isupper() or i > 0) and (t := head_type(w, lang)) is not None),
        None,
    )


def has_ending(low: str, endings: tuple[str, ...], min_ending: int = 1) -> bool:
    """Whether a lower-case word ends in one of `endings` (at least `min_ending` letters long) after a
    stem of `MIN_HEAD_STEM` letters or more ("обороны"; not "много")."""
    return any(low.endswith(e) and len(e) >= min_ending and len(low) - len(e) >= MIN_HEAD_STEM for e in endings)


def is_adjective(word: str, g: OrgGrammar, min_ending: int = 1) -> bool:
    """Whether `word` ends like an adjective of the language (an ending at least `min_ending` letters long)."""
    return has_ending(word.lower(), g.adjective_endings, min_ending)


def declined_key(name: str, lang: str) -> str:
    """`name` with each word cut to its stem where names decline ("Министерства обороны" and
    "Министерство обороны" -> "министерств оборон"), so one organisation named in two cases is one
    entity; `name` unchanged when it is one word (resolve compares those by their skeletons, across
    scripts) or its language's names do not decline (no `genitive_endings`)."""
    words = name.split()
    if len(words) < 2 or lang not in langdata.supported_languages():
        return name
    g = grammar(lang)
    if not g.genitive_endings:
        return name
    return " ".join(_stem(w.lower(), g.endings) for w in words)
