"""Named-entity mentions (PERSON, ORG, PLACE, EVENT) in every supported language.

English uses spaCy's `en_core_web_sm` plus the gazetteer. Other languages use a recogniser built from
data, because no trained model ships for them: the CLDR gazetteer for places and organisations, and
for people the structure of names: a known first name followed by capitalised words, a role or
honorific right before capitalised words ("Außenminister Sergej Rjabkow", "Mme Lindqvist"), a speech
verb right before one ("sagte Hryzenko"), and names already found elsewhere in the article. German
capitalises every noun, so a capital letter alone never makes a name.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from .. import langdata
from ..models import Document, EntityType, Mention
from ..pipeline import Context, article_stage
from . import word_freq
from .gazetteer import Gazetteer, GazetteerParams, run_gazetteer, tokens
from .names import (
    MIN_STEM,
    articles,
    case_endings,
    close_spelling,
    first_names,
    function_words,
    honorifics,
    is_capitalised,
    particles,
    split_person,
    word_key,
)
from .org_names import org_names
from .proper import ProperParams, proper_names
from .spacy_models import preload_spacy, spacy_pipeline, unread_by

log = logging.getLogger(__name__)

_SPACY_TYPES: dict[str, EntityType] = {
    "PERSON": "PERSON",
    "ORG": "ORG",
    "GPE": "PLACE",
    "LOC": "PLACE",
    "FAC": "PLACE",
    "EVENT": "EVENT",
}
_TRAILING = ("'s", "’s", "'", "’")
_NAME_PUNCT = ".,;:!?»«„“”\"'()[]"
SPACY_DEFAULT = "en"  # the language whose spaCy pipeline serves callers that name no model (benchmarks)


@dataclass(frozen=True)
class NameRules:
    """One language's person-name knowledge, from `resources/<iso>/names.json`."""

    roles: frozenset[str]
    role_suffixes: tuple[str, ...]
    role_modifiers: frozenset[str]
    not_names: frozenset[str]
    cues: frozenset[str]


@cache
def name_rules(lang: str) -> NameRules:
    data = langdata.load(lang, "names")
    roles = frozenset(w for r in data.get("roles", []) for w in r.split())
    return NameRules(
        roles=frozenset(r.lower() for r in roles),
        role_suffixes=tuple(s.lower() for s in data.get("role_suffixes", [])),
        role_modifiers=frozenset(m.lower() for m in data.get("role_modifiers", [])),
        not_names=frozenset(data.get("not_names", [])),
        cues=frozenset(data.get("person_verbs", [])) | frozenset(data.get("person_cues", [])),
    )


def is_role_word(word: str, rules: NameRules) -> bool:
    """Whether `word` names a role or title ("Präsident", "Kremlsprecher", "US-Unterstaatssekretärin")."""
    low = word.lower()
    if low in rules.roles:
        return True
    last = low.rsplit("-", 1)[-1]
    return last.endswith(rules.role_suffixes)


def role_before(text: str, start: int, lang: str) -> str | None:
    """The role or title written right before offset `start` ("Deputy Foreign Minister"), if any."""
    rules = name_rules(lang)
    window = tokens(text[max(0, start - 120) : start])
    base = max(0, start - 120)
    picked: list[tuple[int, int, str]] = []
    for tok in reversed(window):
        gap = text[base + tok[1] : start if not picked else base + picked[-1][0]]
        if gap.strip(" \u00a0-"):
            break
        # Modifiers may stand on either side of the role word ("Deputy Foreign Minister",
        # "ministre ukrainien", "Замминистра иностранных дел России"), at most four in a row.
        if is_role_word(tok[2], rules) or (tok[2].lower() in rules.role_modifiers and len(picked) < 8):
            picked.append(tok)
            continue
        break
    if not any(is_role_word(t[2], rules) for t in picked) or (picked and picked[0][2].lower() in function_words()):
        return None  # "ministre du Commerce": a role followed by "du" names a department, not a person
    while picked and not is_role_word(picked[-1][2], rules) and picked[-1][2].lower() not in rules.role_modifiers:
        picked.pop()
    while picked and picked[-1][2].lower() in articles():
        picked.pop()
    if not picked:
        return None
    return text[base + picked[-1][0] : base + picked[0][1]]


def free_tokens(
    text: str, taken: Sequence[tuple[int, int]], toks: Sequence[tuple[int, int, str]] | None = None
) -> list[tuple[int, int, str]]:
    """Word tokens of `text` that start outside every (start, end) span in `taken` (linear time);
    `toks` are the text's `tokens` when the caller has them already (tokenising is most of the cost)."""
    mask = bytearray(len(text) + 1)
    for a, b in taken:
        mask[a:b] = b"\x01" * (b - a)
    return [t for t in (tokens(text) if toks is None else toks) if not mask[t[0]]]


class Recogniser:
    """The data-driven recogniser for languages without a trained model (and a helper for English)."""

    def __init__(self, gazetteer: Gazetteer, params: ProperParams | None = None) -> None:
        self.gazetteer = gazetteer
        self.params = params or ProperParams()

    def find(self, text: str, lang: str, known: frozenset[str] = frozenset()) -> list[Mention]:
        """Gazetteer places/organisations plus people, in text order, without overlaps.

        `known` holds surname keys of people recognised elsewhere (other articles of the corpus).
        """
        found = [
            Mention(h.start, h.end, text[h.start : h.end], h.entry.type, "gazetteer")
            for h in self.gazetteer.find(text, lang)
        ]
        found = [m for m in found if not _surname_after_first_name(text, m, lang)]
        found = with_org_names(found, org_names(text, lang, tokens(text), self.gazetteer))
        taken = [(m.start, m.end) for m in found]
        people = self.people(text, lang, taken, known)
        taken += [(m.start, m.end) for m in people]
        caps = acronyms(text, lang, taken)
        taken += [(m.start, m.end) for m in caps]
        runs = name_runs(text, free_tokens(text, taken), name_rules(lang))
        rest = proper_names(text, lang, runs, self.gazetteer, self.params)
        return join_modifiers(text, sorted(found + people + caps + rest, key=lambda m: m.start), lang)

    def people(
        self, text: str, lang: str, taken: list[tuple[int, int]], known: frozenset[str] = frozenset()
    ) -> list[Mention]:
        scan = _Scan(text, lang, name_rules(lang), free_tokens(text, taken), set(known))
        runs = name_runs(text, scan.toks, scan.rules)
        out: list[Mention] = []
        for run in runs:
            mention = scan.person(run)
            if mention is not None:
                out.append(mention)
                parts = split_person(mention.text)
                if parts is not None and parts.full:
                    scan.surnames.add(parts.surname)
        # Second pass: surnames seen once now mark the other mentions of the same person in this article.
        seen = {(m.start, m.end) for m in out}
        for run in runs:
            start, end = run[0][0], run[-1][1]
            if (start, end) in seen or any(m.start <= start < m.end for m in out):
                continue
            if len(run) <= 2 and _matches_known(run, scan.surnames):
                out.append(Mention(start, end, text[start:end], "PERSON", "projection", role_before(text, start, lang)))
        return sorted(out, key=lambda m: m.start)


def with_org_names(found: list[Mention], orgs: list[Mention]) -> list[Mention]:
    """Gazetteer mentions with the organisation names added: a name holding gazetteer names replaces
    them ("Министерства обороны Великобритании"), one cutting across a gazetteer name is dropped, and
    a state's name holding a country the gazetteer knows leaves the country ("Республика Корея")."""
    out = list(found)
    for org in orgs:
        inner = [m for m in out if org.start <= m.start and m.end <= org.end]
        if any(m.start < org.end and org.start < m.end for m in out if m not in inner):
            continue
        if org.type == "PLACE" and any(m.type == "PLACE" for m in inner):
            continue
        if len(inner) == 1 and (inner[0].start, inner[0].end) == (org.start, org.end):
            continue  # the gazetteer knows the name itself
        out = [m for m in out if m not in inner] + [org]
    return sorted(out, key=lambda m: m.start)


@dataclass
class _Scan:
    """One article being scanned for people: its text, language rules, free tokens and known surnames."""

    text: str
    lang: str
    rules: NameRules
    toks: list[tuple[int, int, str]]
    surnames: set[str]

    def person(self, run: list[tuple[int, int, str]]) -> Mention | None:
        """A PERSON mention for a run of capitalised words, or None.

        A run may start with a capitalised noun before the name ("Delegationen von Olexander Hryzenko"),
        or run on through a particle into a noun ("Ryabkov zu Gesprächen"): the part before it is tried too.
        """
        k = next((i for i, t in enumerate(run[:-1]) if _is_first_name(t[2], self.lang)), 0)
        run = run[k:]
        found = self.licensed(run)
        cut = next((i for i, t in enumerate(run) if t[2] in particles()), 0)
        if found is None and cut:
            found = self.licensed(run[:cut])
        return found

    def licensed(self, run: list[tuple[int, int, str]]) -> Mention | None:
        """The run as a PERSON mention when something licenses it: first name, honorific, role, cue, known name."""
        text = self.text
        start, end = run[0][0], run[-1][1]
        honorific = _honorific_before(text, start)
        role = role_before(text, start, self.lang)
        cue = _previous_word(text, self.toks, start) in self.rules.cues
        if _is_first_name(run[0][2], self.lang) and len(run) >= 2:
            pass
        elif honorific is not None and len(run) <= 3:
            start = honorific
        elif (role is not None and len(run) <= 3) or (cue and len(run) <= 2):
            pass
        elif len(run) <= 2 and _matches_known(run, self.surnames):
            return Mention(start, end, text[start:end], "PERSON", "projection", role)
        else:
            return None
        return Mention(start, end, text[start:end], "PERSON", "pattern", role)


_ROMAN = re.compile(r"[IVXLCDM]+")


@cache
def modifier_endings(lang: str) -> tuple[str, ...]:
    """Endings of an inflected adjective in `lang`, oblique and nominative (`gazetteer.json`
    `modifier_suffixes`, "ого>ое"): the words that stand before a place's noun ("Новой Франции")."""
    rules = langdata.load(lang, "gazetteer")["modifier_suffixes"]
    return tuple({part for rule in rules for part in rule.split(">") if part})


def join_modifiers(text: str, mentions: list[Mention], lang: str) -> list[Mention]:
    """A capitalised adjective the shape rules found right before a gazetteer name is part of that
    name ("Новой" + "Франции" is New France, "Большого" + "Торонто" Greater Toronto), not a name of
    its own: one mention of the gazetteer's type. Languages whose adjectives take no case endings
    list none, and keep their mentions."""
    endings = modifier_endings(lang)
    out: list[Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if (
            prev is not None
            and endings
            and m.source == "gazetteer"
            and prev.source == "proper"
            and " " not in prev.text
            and text[prev.end : m.start] == " "
            and prev.text.lower().endswith(endings)
        ):
            out[-1] = replace(m, start=prev.start, text=text[prev.start : m.end])
            continue
        out.append(m)
    return out


def acronyms(text: str, lang: str, taken: Sequence[tuple[int, int]]) -> list[Mention]:
    """All-capital words of 3-6 letters ("RTVI", "OSZE") outside other mentions: organisations."""
    stop = name_rules(lang).not_names
    out: list[Mention] = []
    for s, e, word in free_tokens(text, taken):
        if (
            3 <= len(word) <= 6
            and word.isalpha()
            and word.isupper()
            and word not in stop
            and not _ROMAN.fullmatch(word)
        ):
            out.append(Mention(s, e, word, "ORG", "pattern"))
    return out


def _is_first_name(word: str, lang: str = "") -> bool:
    """A capitalised word that is a known first name (never a particle such as "von"), in a language
    whose names decline also with its case ending ("Христофором" is "Христофор")."""
    if not is_capitalised(word) or word in particles():
        return False
    names = first_names()
    if word_key(word) in names:
        return True
    low = word.lower()
    return any(
        word_key(word[: -len(e)]) in names
        for e in case_endings(lang)
        if low.endswith(e) and len(low) - len(e) >= MIN_STEM
    )


def _surname_after_first_name(text: str, m: Mention, lang: str) -> bool:
    """Whether a one-word gazetteer name follows a first name and so is a surname: "Cristóvão Colombo",
    "George Washington", "Paris Hilton" name people, not the cities."""
    if m.type != "PLACE" or " " in m.text or "-" in m.text:
        return False
    head = text[max(0, m.start - 40) : m.start]
    if not head.endswith(" ") or head.endswith("  "):
        return False
    words = head.split()
    return bool(words) and _is_first_name(words[-1], lang)


def _matches_known(run: list[tuple[int, int, str]], surnames: set[str] | frozenset[str]) -> bool:
    key = word_key("".join(t[2] for t in run))
    return key in surnames or (len(key) >= 6 and any(close_spelling(key, s) for s in surnames if len(s) >= 6))


def name_runs(text: str, toks: list[tuple[int, int, str]], rules: NameRules) -> list[list[tuple[int, int, str]]]:
    """Maximal runs of capitalised words (with name particles inside) that could be a name."""
    runs: list[list[tuple[int, int, str]]] = []
    current: list[tuple[int, int, str]] = []
    for tok in toks:
        word = tok[2]
        joined = bool(current) and text[current[-1][1] : tok[0]] in (" ", "\u00a0")
        ok = (
            is_capitalised(word)
            and word not in rules.not_names
            and not is_role_word(word, rules)
            and word not in honorifics()
        )
        if ok and (joined or not current):
            current.append(tok)
            continue
        if word in particles() and joined and current:
            current.append(tok)
            continue
        if current:
            runs.append(current)
        current = [tok] if ok else []
    if current:
        runs.append(current)
    out: list[list[tuple[int, int, str]]] = []
    for run in runs:
        while run and run[-1][2] in particles():
            run = run[:-1]
        if run and len(run) <= 4:
            out.append(run)
    return out


def _honorific_before(text: str, start: int) -> int | None:
    """Offset of an honorific ("Mme", "M.", "Herr") written right before `start`, if any."""
    head = text[max(0, start - 6) : start]
    for h in sorted(honorifics(), key=len, reverse=True):
        if head.endswith(h + " "):
            pos = start - len(h) - 1
            if pos == 0 or not text[pos - 1].isalnum():
                return pos
    return None


def _previous_word(text: str, toks: list[tuple[int, int, str]], start: int) -> str:
    """The word right before offset `start` in the same clause ('' after punctuation)."""
    head = text[max(0, start - 40) : start]
    if not head.endswith(" "):
        return ""
    words = head.split()
    return words[-1] if words and words[-1][-1:].isalpha() else ""


# ---------------------------------------------------------------------------------------------
# English: spaCy plus the gazetteer


def _spacy(ctx: Context, model: str = "") -> Any:
    """The spaCy pipeline `model` (default: English's `spacy_model`), loaded once per run."""
    return spacy_pipeline(ctx, model or langdata.info(SPACY_DEFAULT)["spacy_model"])


def _clean_span(text: str, start: int, end: int, lang: str = SPACY_DEFAULT) -> tuple[int, int]:
    """Trim a leading article ("the"), a trailing possessive and punctuation from a spaCy span."""
    piece = text[start:end]
    first = piece.split(" ", 1)[0]
    if " " in piece and first.lower() in langdata.load(lang, "names")["articles"]:
        start += len(first) + 1
        piece = piece[len(first) + 1 :]
    for tail in _TRAILING:
        if piece.endswith(tail):
            end -= len(tail)
            piece = piece[: -len(tail)]
    while end > start and (text[end - 1].isspace() or (text[end - 1] in _NAME_PUNCT and text[end - 1] != ".")):
        end -= 1
    return start, end


def _common_word(text: str, surface: str) -> bool:
    """A one-word mention also written in lower case in the article is a common word ("Forecasters")."""
    if " " in surface or not surface[:1].isupper() or surface.isupper():
        return False
    return re.search(rf"\b{re.escape(surface.lower())}\b", text) is not None


def english_mentions(
    text: str, ents: Sequence[tuple[int, int, str]], gazetteer: Gazetteer, lang: str = SPACY_DEFAULT
) -> list[Mention]:
    """spaCy entities (offsets and labels) cleaned and corrected by the gazetteer, plus what it missed."""
    out: list[Mention] = []
    for s, e, label in ents:
        etype = _SPACY_TYPES.get(label)
        if etype is None:
            continue
        s, e = _clean_span(text, s, e, lang)
        if e <= s:
            continue
        surface = text[s:e]
        place = gazetteer.lookup(surface, lang) or gazetteer.lookup(surface.title() if surface.isupper() else "", lang)
        if place is not None:
            etype = place.type
        elif _common_word(text, surface):
            continue
        out.append(Mention(s, e, text[s:e], etype, "spacy", role_before(text, s, lang) if etype == "PERSON" else None))
    for hit in gazetteer.find(text, lang):
        if not any(m.start < hit.end and hit.start < m.end for m in out):
            out.append(Mention(hit.start, hit.end, text[hit.start : hit.end], hit.entry.type, "gazetteer"))
    return sorted(out, key=lambda m: m.start)


def recogniser(ctx: Context) -> Recogniser:
    return ctx.resource(
        "entities:recogniser",
        lambda: Recogniser(run_gazetteer(ctx), ctx.params(ProperParams)),
    )


def preload_entities(ctx: Context) -> None:
    """What every worker of the entity stage reads: the gazetteer, the spaCy pipelines and wordfreq."""
    run_gazetteer(ctx)
    preload_spacy(ctx)
    word_freq.preload()


@article_stage(
    "entities",
    requires=["text", "language", "sentences"],
    provides=["mentions"],
    version="2",
    params=[ProperParams, GazetteerParams],
    preload=preload_entities,
)
def entities_stage(docs: Sequence[Document], ctx: Context) -> list[Document]:
    """Fill `Document.mentions`: spaCy + gazetteer for languages with a `spacy_model`, the
    data-driven recogniser otherwise."""
    rec = recogniser(ctx)
    by_model: dict[str, list[int]] = {}
    for i, d in enumerate(docs):
        model = langdata.info(d.article.language)["spacy_model"]
        if model:
            by_model.setdefault(model, []).append(i)
    found: dict[int, list[Mention]] = {}
    for model, idx in by_model.items():
        nlp = _spacy(ctx, model)
        texts = [docs[i].article.text for i in idx]
        for i, sdoc in zip(idx, nlp.pipe(texts, batch_size=16, disable=unread_by(nlp, "ner")), strict=True):
            ents = [(e.start_char, e.end_char, e.label_) for e in sdoc.ents]
            found[i] = english_mentions(docs[i].article.text, ents, rec.gazetteer, docs[i].article.language)
    out: list[Document] = []
    for i, doc in enumerate(docs):
        mentions = found[i] if i in found else rec.find(doc.article.text, doc.article.language)
        out.append(replace(doc, mentions=tuple(mentions)))
    return out
