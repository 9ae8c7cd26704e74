"""People of a corpus: person mentions clustered within an article, then across articles and scripts.

Used by `resolve` (annotate/resolve.py), which documents the three steps: surname-only mentions join
the full name of their article; full names join across articles by surname key and agreeing given
names, by a typo with shared context, by script-independent skeletons, or as a name translated whole;
surname-only people join the one corpus person that fits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from ..models import Document
from .lang import script_of
from .names import (
    MIN_STEM,
    PersonName,
    articles,
    case_endings,
    close_spelling,
    genitive_suffixes,
    given_compatible,
    plain_skeleton,
    skeleton,
    split_person,
)

Ref = tuple[int, int]  # (document index, mention index)


@dataclass(slots=True)
class Person:
    """A person cluster while resolving: its mentions and what is known of its name and context
    (slotted: a large corpus holds one for every person of every article while they are merged)."""

    refs: list[Ref] = field(default_factory=list)
    surname: str = ""
    given: tuple[str, ...] = ()
    docs: set[int] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    skeleton: str = ""  # script-independent surname skeleton ("trmp" for Trump, Трампа)
    plain: str = ""  # the surname's skeleton with no case ending stripped ("blnghm" for Беллингхем)
    given_skeleton: str = ""
    loose: str = ""  # the surname's loose skeleton (names.skeleton(loose=True): "hr" for Harry, Гарри)
    given_loose: str = ""
    scripts: set[str] = field(default_factory=set)
    inflecting: bool = False  # written in a language whose surnames take case endings
    langs: set[str] = field(default_factory=set)


def _skeletons(parts: PersonName, lang: str, loose: bool = False) -> tuple[str, str]:
    """(surname skeleton, first given name skeleton) of a person mention in `lang`."""
    words = parts.surname_text.split()
    given = parts.given_text.split()
    return (
        skeleton(words[-1], lang, loose) if words else "",
        skeleton(given[0], lang, loose) if given else "",
    )


def _plain(parts: PersonName) -> str:
    words = parts.surname_text.split()
    return plain_skeleton(words[-1]) if words else ""


def _new_person(parts: PersonName, di: int, lang: str, full: bool) -> Person:
    sk, gsk = _skeletons(parts, lang)
    lsk, lgsk = _skeletons(parts, lang, loose=True)
    return Person(
        surname=parts.surname,
        given=parts.given if full else (),
        docs={di},
        skeleton=sk,
        plain=_plain(parts),
        given_skeleton=gsk if full else "",
        loose=lsk,
        given_loose=lgsk if full else "",
        scripts={script_of(parts.surname_text)},
        inflecting=bool(case_endings(lang)),
        langs={lang},
    )


def _across(a: Person, b: Person) -> bool:
    """Whether skeletons may join two people: different scripts, or an inflecting language involved."""
    return a.scripts != b.scripts or a.inflecting or b.inflecting


def local_people(doc: Document, di: int) -> list[Person]:
    """Step 1: people of one article, surname-only mentions joined to the full names they shorten."""
    lang = doc.article.language
    people: list[Person] = []
    bare: list[tuple[int, PersonName]] = []
    for mi, m in enumerate(doc.mentions):
        parts = split_person(m.text) if m.type == "PERSON" else None
        if parts is None:
            continue
        if not parts.full:
            bare.append((mi, parts))
            continue
        match = next((p for p in people if p.surname == parts.surname and given_compatible(p.given, parts.given)), None)
        if match is None and case_endings(lang):  # "Дональда Трампа" after "Дональд Трамп"
            sk, gsk = _skeletons(parts, lang)
            match = next((p for p in people if p.skeleton == sk and p.given_skeleton == gsk), None)
        if match is None:
            match = _new_person(parts, di, lang, full=True)
            people.append(match)
        match.refs.append((di, mi))
        if m.role:
            match.roles.update(w.lower() for w in m.role.split())
    for mi, parts in bare:
        same = [p for p in people if p.surname == parts.surname and p.given]
        close = [p for p in people if p.given and close_spelling(p.surname, parts.surname)]
        target = same[0] if len(same) == 1 else (close[0] if not same and len(close) == 1 else None)
        if target is None and not same and not close and case_endings(lang):  # "Трампа" after "Дональд Трамп"
            sk = _skeletons(parts, lang)[0]
            inflected = [p for p in people if p.given and p.skeleton == sk]
            target = inflected[0] if len(inflected) == 1 else None
        if target is None:
            target = next((p for p in people if p.surname == parts.surname), None)
        if target is None:
            target = _new_person(parts, di, lang, full=False)
            people.append(target)
        target.refs.append((di, mi))
        role = doc.mentions[mi].role
        if role:
            target.roles.update(w.lower() for w in role.split())
    return people


def _shares_context(a: Person, b: Person, contexts: Sequence[Collection[str]]) -> bool:
    """Whether two people appear in articles that share a role word or at least two other entities."""
    if a.roles & b.roles - articles():
        return True
    ca = set().union(*(contexts[d] for d in a.docs))
    cb = set().union(*(contexts[d] for d in b.docs))
    return len(ca & cb) >= 2


def _skeleton_keys(p: Person, least: int) -> set[str]:
    """Index keys of a person's surname skeletons: each long enough on its own, and with a given name
    also the pair (a short surname like "Нотт" is safe to match beside "Джефф")."""
    keys = {k for k in (p.skeleton, p.plain) if len(k) >= least}
    if p.given_skeleton:
        keys |= {f"{p.given_skeleton} {k}" for k in (p.skeleton, p.plain) if k}
        # Russian drops a Latin name's -us (Columbus, Колумб): safe beside the given name only
        keys |= {f"{p.given_skeleton} {k[:-1]}" for k in (p.skeleton, p.plain) if len(k) > least and k.endswith("s")}
    # the loose skeletons, kept apart from the strict ones by a "~", only beside a given name: alone,
    # a loose surname skeleton collides too often ("Сахеле" and "Seagal" are both "shl")
    if p.given_loose and p.loose:
        keys.add(f"~{p.given_loose} {p.loose}")
    return keys


def _translated_keys(p: Person) -> set[str]:
    """Keys of a full name by its first name's variant group and its surname skeleton, with and without
    a Latin -us: "Cristóvão Colombo", "Christopher Columbus" and "Христофор Колумб" share one."""
    if not p.given:
        return set()
    skels = {k for k in (p.skeleton, p.plain) if k}
    skels |= {k[:-1] for k in skels if len(k) > 2 and k.endswith("s")}
    return {f"{p.given[0]} {k}" for k in skels}


class _Index:
    """Merged people looked up by surname key, by first given name and by the surname's first letter."""

    def __init__(self, least: int) -> None:
        self.least = least  # `ResolveParams.min_skeleton`
        self.people: list[Person] = []
        self.by_surname: dict[str, list[Person]] = defaultdict(list)
        self.by_given: dict[str, list[Person]] = defaultdict(list)
        self.by_initial: dict[str, list[Person]] = defaultdict(list)
        self.by_skeleton: dict[str, list[Person]] = defaultdict(list)
        self.by_translation: dict[str, list[Person]] = defaultdict(list)
        self.order: dict[int, int] = {}  # id of a person -> its position in `people`

    def add(self, p: Person) -> None:
        self.order[id(p)] = len(self.people)
        self.people.append(p)
        self.alias(p, p)

    def alias(self, target: Person, p: Person) -> None:
        """Index `target` under the name keys of `p` (itself, or a name it absorbed: the second
        "Cristóvão Colombo" finds the cluster the first one joined, though "Columbus" started it)."""

        def put(table: dict[str, list[Person]], key: str) -> None:
            if not any(q is target for q in table[key]):
                table[key].append(target)

        put(self.by_surname, p.surname)
        for key in _skeleton_keys(p, self.least):
            put(self.by_skeleton, key)
        put(self.by_initial, p.surname[:1])
        for key in _translated_keys(p):
            put(self.by_translation, key)
        if p.given:
            put(self.by_given, p.given[0])

    def skeleton_matches(self, p: Person) -> list[Person]:
        """People sharing a surname skeleton with `p`, case ending stripped or not, in index order."""
        seen: dict[int, Person] = {}
        for key in _skeleton_keys(p, self.least):
            seen.update((id(q), q) for q in self.by_skeleton[key])
        return sorted(seen.values(), key=lambda q: self.order[id(q)])


def merge_people(
    people: list[Person], contexts: Sequence[Collection[str]], least: int, typo_length: int = 8
) -> list[Person]:
    """Steps 2 and 3: join full names across articles, then attach surname-only people."""
    index = _Index(least)
    for p in (p for p in people if p.given):
        target = next((q for q in index.by_surname[p.surname] if given_compatible(q.given, p.given)), None)
        if target is None:
            target = next(
                (
                    q
                    for q in index.by_given[p.given[0]]
                    if close_spelling(q.surname, p.surname) and _shares_context(q, p, contexts)
                ),
                None,
            )
        if target is None:  # "Дональд Трамп" and "Donald Trump": one skeleton, one given-name skeleton
            target = next(
                (q for q in index.skeleton_matches(p) if _given_agree(q, p) and _across(q, p)),
                None,
            )
        if target is None:  # a name translated whole: one first name (variants), one surname skeleton
            target = next(
                (q for key in sorted(_translated_keys(p)) for q in index.by_translation[key] if not q.langs & p.langs),
                None,
            )
        if target is None:
            index.add(p)
        else:
            _absorb(target, p)
            index.alias(target, p)
    for p in (p for p in people if not p.given):
        cands = list(index.by_surname[p.surname]) or _genitive_matches(p, index)
        if not cands:
            cands = [
                q
                for q in index.by_initial[p.surname[:1]]
                if q.given
                and close_spelling(q.surname, p.surname)
                and (_shares_context(q, p, contexts) or _translated_typo(q, p, typo_length))
            ]
        if not cands:  # "Трампа" and "Donald Trump"
            cands = [q for q in index.skeleton_matches(p) if _across(q, p)]
        if len(cands) > 1:
            mine = _context_of(p, contexts)
            cands = sorted(cands, key=lambda q: -len(_context_of(q, contexts) & mine))[:1]
        if cands:
            _absorb(cands[0], p)
        else:
            index.add(p)
    return index.people


def _genitive_matches(p: Person, index: _Index) -> list[Person]:
    """People known by `p`'s surname without the possessive ending its language writes on names
    ("Frau Pughs" is Ms Pugh's; `names.json` `genitive_suffixes`)."""
    out: list[Person] = []
    for lang in sorted(p.langs):
        for suffix in genitive_suffixes(lang):
            stem = p.surname[: -len(suffix)]
            if p.surname.endswith(suffix) and len(stem) >= MIN_STEM:
                out += index.by_surname.get(stem, [])
    return out


def _translated_typo(q: Person, p: Person, least: int) -> bool:
    """Whether a surname one typo off may join without shared context: long, and written in another
    language, where a translator respelled it ("Panvalker" for "Panvalkar")."""
    return not q.langs & p.langs and min(len(q.surname), len(p.surname)) >= least


def _given_agree(a: Person, b: Person) -> bool:
    """Whether two people's first given names have one skeleton, strict or loose (Michael, Майкл)."""
    return a.given_skeleton == b.given_skeleton or (bool(a.given_loose) and a.given_loose == b.given_loose)


def _context_of(p: Person, contexts: Sequence[Collection[str]]) -> set[str]:
    return set().union(*(contexts[d] for d in p.docs))


def _absorb(into: Person, other: Person) -> None:
    into.refs.extend(other.refs)
    into.docs |= other.docs
    into.roles |= other.roles
    into.scripts |= other.scripts
    into.inflecting = into.inflecting or other.inflecting
    into.langs |= other.langs
    if not into.given:
        into.given = other.given
        into.given_skeleton = other.given_skeleton
        into.given_loose = other.given_loose
