"""Cross-document, cross-lingual entity resolution: one Entity per real-world referent.

Places and organisations resolve through the gazetteer's language-neutral key ("Kuba", "Cuba" ->
"Cuba"; "Kreml", "Kremlin" -> "Kremlin"), else through their folded spelling. People resolve in
three steps:

1. within an article, surname-only mentions join the full name with the same surname key, or with a
   surname one typo away (the article is the context that licenses the typo: "Rybakov" after
   "Sergei Ryabkov");
2. across articles, full names join when their surname keys are equal and their given names agree
   (Sergei/Sergej/Sergey are one key), or when the surnames are one typo apart, the given names agree
   *and* the two articles share context (a role word or at least two other entities);
3. an article's surname-only person joins the one corpus person with that surname (the one sharing the
   most context when several share it).

A shared title or first name alone never merges anyone. Before resolving, names found in one article
are projected onto the others (a German article's "Ryabkov" is found because English articles know
"Sergei Ryabkov"), and mentions a recogniser typed ORG/PLACE but that match a person's surname in the
same article become PERSON. Entity ids hash the canonical key, so they are stable across runs.
"""

from __future__ import annotations

import hashlib
import itertools
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import ClassVar

from ..corpus import pack, unpack
from ..models import Article, Document, Entity, EntityType, Mention, Span
from ..params import Params, param
from ..pipeline import Context, CorpusState, corpus_stage
from .entities import free_tokens, name_rules, name_runs, recogniser, role_before
from .gazetteer import Gazetteer, org_suffixes, tokens, without_place_kind
from .lang import script_of
from .names import (
    PersonName,
    first_names,
    fold,
    honorifics,
    plain_skeleton,
    skeleton,
    spelt_alike,
    split_person,
    title_words,
)
from .org_grammar import declined_key
from .people import Person, Ref, local_people, merge_people
from .proper import is_common

WEAK_SOURCE = "proper"  # mentions typed by their shape only (annotate/proper.py)


@dataclass(frozen=True)
class ResolveParams(Params):
    """How entity resolution joins names across articles and scripts."""

    section: ClassVar[str] = "resolve_entities"
    min_skeleton: int = param(
        3, "skeletons shorter than this ('j' for Joe, 'dn' for Dean) say too little to join names on their own"
    )
    gazetteer_vote: int = param(10, "a gazetteer's type outweighs any number of recognisers' votes within one key")
    translated_typo_length: int = param(
        8,
        "a surname-only mention joins a full name one typo off in another language without shared context "
        "when both surname keys are this long ('Panvalkar', 'Panvalker'); shorter ones collide: PUD "
        "calibration half",
    )
    same_script_similarity: float = param(
        0.7,
        "two keys of one script and different languages join by skeleton only when their spellings are this "
        "similar (normalised Levenshtein): Milão ~ Milan 0.8, Danúbio ~ Danube 0.71, Milan ~ Melun 0.6; "
        "PUD calibration half: linking flat from 0.65 to 0.8",
    )


def _people_named(mentions: Sequence[Mention], lang: str, gaz: Gazetteer) -> list[tuple[PersonName, str]]:
    """Person names one article recognises, with its language: full names (a name typed PERSON by its
    shape alone, "Mar Mediterrâneo", is no evidence that its last word is a surname) and the surnames a
    recogniser typed PERSON on evidence ("Mrs Clinton", spaCy's "Seagal")."""
    out: list[tuple[PersonName, str]] = []
    for m in mentions:
        parts = split_person(m.text) if m.type == "PERSON" and m.source != WEAK_SOURCE else None
        if parts is None:
            continue
        if not parts.full:
            if gaz.lookup(parts.surname_text, lang) is None:
                out.append((parts, lang))
            continue
        # "Christopher Columbus" names a person; "Outer Mongolia", which spaCy may call one, does not
        if parts.given[0] in first_names() or gaz.lookup(parts.surname_text, lang) is None:
            out.append((parts, lang))
    return out


def known_skeletons(people: Iterable[tuple[PersonName, str]], least: int) -> dict[str, frozenset[str]]:
    """Surname skeleton -> the scripts it is written in, over full names known in the corpus; only
    skeletons of at least `least` letters ("klntn" for Clinton, Клинтон)."""
    out: dict[str, set[str]] = defaultdict(set)
    for parts, lang in people:
        words = parts.surname_text.split()
        sk = skeleton(words[-1], lang) if words else ""
        if len(sk) >= least:
            out[sk].add(script_of(parts.surname_text))
    return {k: frozenset(v) for k, v in out.items()}


def add_known_orgs(out: dict[str, str], mentions: Sequence[Mention]) -> None:
    """Add the organisation surfaces one article recognises to `out` (surface -> its full form, the
    first one seen kept): "Quillon" stands for "Quillon Systems"."""
    for m in mentions:
        words = m.text.split()
        if m.type != "ORG" or m.source == "gazetteer" or len(words) < 2 or not m.text[:1].isupper():
            continue
        out.setdefault(m.text, m.text)
        if len(words[0]) >= 4 and all(w in org_suffixes() for w in words[1:]):
            out.setdefault(words[0], m.text)


def _short_orgs(mentions: Sequence[Mention], orgs: dict[str, str]) -> tuple[Mention, ...]:
    """A name typed by its shape alone that is the short form of an organisation named elsewhere
    ("Quillon" for "Quillon Systems") is that organisation."""
    return tuple(
        replace(m, type="ORG") if m.source == WEAK_SOURCE and m.text in orgs and m.text != orgs[m.text] else m
        for m in mentions
    )


def _org_index(orgs: dict[str, str]) -> dict[str, list[tuple[str, ...]]]:
    """Known organisation surfaces as token tuples, grouped by first token, longest first."""
    index: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for surface in orgs:
        words = tuple(t for _s, _e, t in tokens(surface))
        if words:
            index[words[0]].append(words)
    for group in index.values():
        group.sort(key=len, reverse=True)
    return index


def _project_orgs(
    text: str, toks: Sequence[tuple[int, int, str]], mentions: list[Mention], index: dict[str, list[tuple[str, ...]]]
) -> list[Mention]:
    """`mentions` with the known organisation surfaces of `text` (word tokens `toks`) added, in one pass.

    A surface that covers shorter mentions replaces them: "Georgetown BID", "Bank of Scotland", "CBC
    News" named in full elsewhere are one organisation here too, not "BID", "Scotland" and "News"
    found in part. A surface that cuts through a mention is not taken."""
    added: list[Mention] = []
    covered: set[int] = set()  # positions in `mentions` replaced by a longer organisation
    i = 0
    while i < len(toks):
        step = 1
        for words in index.get(toks[i][2], ()):
            span = toks[i : i + len(words)]
            if tuple(t for _s, _e, t in span) != words or any(b[0] - a[1] != 1 for a, b in itertools.pairwise(span)):
                continue
            s, e = span[0][0], span[-1][1]
            inside = [k for k, m in enumerate(mentions) if m.start < e and s < m.end]
            if any(
                mentions[k].start < s or mentions[k].end > e or mentions[k].end - mentions[k].start == e - s
                for k in inside
            ):
                continue
            added.append(Mention(s, e, text[s:e], "ORG", "projection"))
            covered.update(inside)
            step = len(words)
            break
        i += step
    return [m for k, m in enumerate(mentions) if k not in covered] + added


def project_names(
    doc: Document,
    known: frozenset[str],
    orgs: dict[str, list[tuple[str, ...]]] | None = None,
    across: dict[str, frozenset[str]] | None = None,
) -> Document:
    """Add mentions of people and organisations known from other articles; retype misread surnames.

    `across` (surname skeleton -> scripts) also finds a surname known only in another script:
    "Клинтон" opening a Russian sentence, where its capital says nothing, is the "Clinton" of
    "Hillary Clinton" in an English article, unless it is a common word of the language."""
    text, lang = doc.article.text, doc.article.language
    words = tokens(text)
    mentions = _project_orgs(text, words, [_retyped(m, known) for m in doc.mentions], orgs or {})
    toks = free_tokens(text, [(m.start, m.end) for m in mentions], words)
    for run in name_runs(text, toks, name_rules(lang)):
        if len(run) > 2:
            continue
        parts = split_person(" ".join(t[2] for t in run))
        if parts is not None and (parts.surname in known or _known_across(run, lang, across or {})):
            start, end = run[0][0], run[-1][1]
            mentions.append(
                Mention(start, end, text[start:end], "PERSON", "projection", role_before(text, start, lang))
            )
    return replace(doc, mentions=tuple(sorted(mentions, key=lambda m: m.start)))


def _known_across(run: list[tuple[int, int, str]], lang: str, across: dict[str, frozenset[str]]) -> bool:
    """Whether a one-word run is a surname known in another script by its skeleton, and no common word."""
    if len(run) != 1:
        return False
    word = run[0][2]
    scripts = across.get(skeleton(word, lang), frozenset())
    return bool(scripts) and script_of(word) not in scripts and not is_common(word, lang, at_start=True)


def _retyped(m: Mention, known: frozenset[str]) -> Mention:
    if m.type in ("ORG", "PLACE") and m.source != "gazetteer" and len(m.text.split()) == 1:
        parts = split_person(m.text)
        if parts is not None and parts.surname in known:
            return replace(m, type="PERSON")
    return m


def _nonperson_key(
    m: Mention, lang: str, gaz: Gazetteer, orgs: dict[str, str] | None = None
) -> tuple[str, EntityType | None]:
    place = gaz.lookup(m.text, lang)
    if place is not None:
        return fold(place.key), place.type
    text = m.text[4:] if m.text.lower().startswith("the ") else m.text
    return fold(declined_key((orgs or {}).get(text, text), lang)), None


def _doc_context(doc: Document, lang: str, gaz: Gazetteer) -> set[str]:
    """Keys of the places and organisations an article mentions (the context for typo merges)."""
    return {_nonperson_key(m, lang, gaz)[0] for m in doc.mentions if m.type != "PERSON"}


def _display_name(surfaces: Iterable[str], prefer_full: bool) -> str:
    """The most frequent full form; ties go to the spelling with diacritics, then the longer one."""
    counts = Counter(surfaces)
    folded = Counter(fold(s) for s in surfaces)  # "Díaz-Canel" and "Diaz-Canel" count together
    pool = [s for s in counts if len(s.split()) > 1] if prefer_full else []
    pool = pool or list(counts)

    def rank(s: str) -> tuple[int, int, int, int, str]:
        return (folded[fold(s)], int(any(ord(c) > 127 for c in s)), counts[s], len(s), s)

    return max(pool, key=rank)


def entity_id(etype: str, key: str) -> str:
    """A stable id from the entity's type and canonical key."""
    return "ent_" + hashlib.sha1(f"{etype}:{key}".encode()).hexdigest()[:12]


#: Recognisers whose type rests on evidence in the text (a gazetteer entry; an honorific, role or
#: first name before the word): a statistical or shape-typed mention of the same name takes their type.
EVIDENCE_SOURCES = frozenset({"gazetteer", "pattern"})


class _Votes:
    """The types names were given across the corpus, so that mentions typed by shape alone (source
    "proper") take the type the same name has elsewhere, and any mention takes the type that evidence
    gave the same spelling elsewhere.

    "Sony" found as an unknown capitalised word in a Portuguese article is the ORG that spaCy or the
    gazetteer typed in another article; names compare folded ("Ontário" = "Ontario", "Тарло" = "Tarlo").
    "Tarlo", which spaCy calls a place, is the person "Frau Tarlo" of a German article. A place
    named with its kind ("Potomac River") also votes for the bare name ("Потомак"). Every article is
    counted (`count`) before any is retyped (`apply`).
    """

    def __init__(self, least: int) -> None:
        self.least = least  # `ResolveParams.min_skeleton`
        self.votes: dict[str, Counter[EntityType]] = defaultdict(Counter)
        self.evidence: dict[str, Counter[EntityType]] = defaultdict(Counter)

    def count(self, mentions: Sequence[Mention], lang: str) -> None:
        """Count the types of one article's mentions."""
        for m in mentions:
            if m.source != WEAK_SOURCE:
                self.votes[fold(m.text)][m.type] += 1
                self.votes[skeleton_key(m.text, lang)][m.type] += 1
            bare = without_place_kind(m.text, lang)  # its kind says "Potomac River" is a place
            if m.type == "PLACE" and bare != m.text:
                self.votes[skeleton_key(bare, lang)][m.type] += 1
            if m.source in EVIDENCE_SOURCES:
                self.evidence[fold(m.text)][m.type] += 1

    def apply(self, mentions: Sequence[Mention], lang: str) -> tuple[Mention, ...]:
        """One article's mentions with the types the whole corpus voted for."""
        return tuple(_voted(m, lang, self.votes, self.evidence, self.least) for m in mentions)


def _voted(
    m: Mention,
    lang: str,
    votes: dict[str, Counter[EntityType]],
    evidence: dict[str, Counter[EntityType]],
    least: int,
) -> Mention:
    """A mention with the type evidence gave its spelling elsewhere; a shape-typed one else with the
    type its spelling, else its skeleton ("Канзасе" ~ Kansas), has elsewhere."""
    if m.source in EVIDENCE_SOURCES:
        return m
    seen = evidence.get(fold(m.text))
    if seen:
        return replace(m, type=seen.most_common(1)[0][0])
    if m.source != WEAK_SOURCE:
        return m
    for key in (fold(m.text), skeleton_key(m.text, lang)):
        if len(key) >= least and votes.get(key):
            return replace(m, type=votes[key].most_common(1)[0][0])
    return m


def skeleton_key(text: str, lang: str) -> str:
    """The skeletons of a name's words ("Соединенного Королевства" -> one key per word, space-joined)."""
    return " ".join(skeleton(w, lang) for w in text.split())


@dataclass
class _KeyNames:
    """What the mentions filed under one place or organisation key say about its name, gathered as the
    mentions are filed: the scripts and languages it is written in, and the skeletons of its spellings
    with and without a word naming the kind of place (for `_merge_across_scripts`)."""

    scripts: set[str] = field(default_factory=set)
    langs: set[str] = field(default_factory=set)
    skeletons: set[str] = field(default_factory=set)

    def add(self, text: str, lang: str) -> None:
        self.scripts.add(script_of(text))
        self.langs.add(lang)
        self.skeletons.update(skeleton_key(name, lang) for name in (text, without_place_kind(text, lang)))


@dataclass
class _MaybePerson:
    """What `_people_named_elsewhere` asks of a place or organisation key: whether it has a gazetteer
    type or a spelling of several words (either rules it out), its languages, and the surname skeletons
    of its spellings. Keys joined by `_merge_across_scripts` join theirs."""

    ruled_out: bool = False
    langs: set[str] = field(default_factory=set)
    skeletons: set[str] = field(default_factory=set)

    def add(self, text: str, lang: str, from_gazetteer: bool, least: int) -> None:
        self.langs.add(lang)
        self.ruled_out = self.ruled_out or from_gazetteer or " " in text
        if not self.ruled_out:
            self.skeletons |= _surname_skeletons(text, lang, least)

    def absorb(self, other: _MaybePerson) -> None:
        self.ruled_out = self.ruled_out or other.ruled_out
        self.langs |= other.langs
        self.skeletons |= other.skeletons


def _merge_across_scripts(
    others: dict[str, list[Ref]],
    names: dict[str, _KeyNames],
    types: dict[str, Counter[str]],
    maybe: dict[str, _MaybePerson],
    p: ResolveParams,
) -> dict[str, list[Ref]]:
    """Join a place or organisation written only in one script, or only in one language, to the one
    key of another script or other languages with a skeleton and the type in common ("Потомак" and
    "Potomac", "Теско" and "Tesco", "Danúbio" and "Danube"), a word naming the kind of place left out
    or not ("Potomac River", "Rio Potomac")."""
    info = {key: (frozenset(n.scripts), frozenset(n.langs), frozenset(n.skeletons)) for key, n in names.items()}
    by_skeleton: dict[str, list[str]] = defaultdict(list)
    for key, (_scripts, _langs, skels) in info.items():
        for skel in skels:
            if len(skel) >= p.min_skeleton:
                by_skeleton[skel].append(key)
    for key, (scripts, langs, skels) in info.items():
        if key not in others or len(scripts) != 1:
            continue
        etype = types[key].most_common(1)[0][0]
        targets = {
            k
            for skel in skels
            for k in by_skeleton.get(skel, ())
            if k != key
            and k in others
            and (info[k][0] != scripts or (not info[k][1] & langs and spelt_alike(k, key, p.same_script_similarity)))
        }
        targets = {k for k in targets if types[k].most_common(1)[0][0] == etype}
        if len(targets) > 1:  # "Венецией" fits "Venice" and "Veneza": the gazetteer's key wins
            targets = {k for k in targets if max(types[k].values()) >= p.gazetteer_vote}
        if len(targets) == 1:
            target = targets.pop()
            others[target].extend(others.pop(key))
            types[target].update(types.pop(key))
            maybe[target].absorb(maybe.pop(key))
    return others


def _surname_skeletons(text: str, lang: str, least: int) -> set[str]:
    parts = split_person(text)
    words = parts.surname_text.split() if parts is not None else []
    if not words:
        return set()
    return {k for k in (skeleton(words[-1], lang), plain_skeleton(words[-1])) if len(k) >= least}


def _people_named_elsewhere(
    groups: list[tuple[EntityType, str, list[Ref]]],
    others: dict[str, list[Ref]],
    rows: _Rows,
    articles: Sequence[Article],
    types: dict[str, Counter[str]],
    maybe: dict[str, _MaybePerson],
    p: ResolveParams,
) -> dict[str, list[Ref]]:
    """A one-word organisation or place that no gazetteer knows, written only in languages where the
    person of that surname is not named, is that person ("Seagal" typed ORG in English beside the
    German "Seagal"; "Фрэнку" typed PLACE beside "Frank"), when exactly one person fits."""
    by_skeleton: dict[str, list[int]] = defaultdict(list)
    langs_of: list[set[str]] = []
    for gi, (_etype, _key, refs) in enumerate(groups):
        langs_of.append({articles[d].language for d, _m in refs})
        found: set[str] = set()
        for d, m in refs:
            found |= _surname_skeletons(rows[d][m].text, articles[d].language, p.min_skeleton)
        for k in found:
            by_skeleton[k].append(gi)
    for key in list(others):
        if max(types[key].values()) >= p.gazetteer_vote or maybe[key].ruled_out:
            continue
        fits = {
            gi for k in maybe[key].skeletons for gi in by_skeleton.get(k, ()) if not langs_of[gi] & maybe[key].langs
        }
        if len(fits) == 1:
            groups[fits.pop()][2].extend(others.pop(key))
    return others


def retype_by_evidence(doc: Document, gaz: Gazetteer) -> Document:
    """Correct a recogniser's type where the name itself says otherwise: a mention led by an
    honorific ("Ms Pugh") is a person; a person mention that is a gazetteer place ("Mongolia") is that
    place unless the article names a person with that surname."""
    surnames = {p.surname for m in doc.mentions if m.type == "PERSON" and (p := split_person(m.text)) and p.full}
    lang = doc.article.language
    out: list[Mention] = []
    for m in doc.mentions:
        first = m.text.split()[0] if m.text.split() else ""
        if m.type != "PERSON" and len(m.text.split()) > 1 and first in honorifics():
            m = replace(m, type="PERSON")
        elif m.type == "ORG" and len(m.text.split()) == 2 and first.lower() in title_words():
            m = replace(m, type="PERSON")  # "King Gongmin", "Emperor Meiji": a title before a name
        elif m.type == "PERSON" and (place := gaz.lookup(m.text, lang, include_typing_only=False)) is not None:
            parts = split_person(m.text)
            if parts is None or parts.surname not in surnames:
                m = replace(m, type=place.type, source="gazetteer")
        out.append(m)
    return replace(doc, mentions=tuple(out))


class _Rows:
    """Each document's mentions between the passes of `resolution`, as one compressed row per document
    (about 0.7 KB for 35 mentions, against 5 KB decoded), the row read last kept decoded: resolution
    never holds every document's mentions decoded, let alone several copies of them."""

    def __init__(self) -> None:
        self.rows: list[bytes] = []
        self._last: tuple[int, tuple[Mention, ...]] = (-1, ())

    def append(self, mentions: Sequence[Mention]) -> None:
        self.rows.append(_pack(mentions))

    def put(self, i: int, mentions: Sequence[Mention]) -> None:
        self.rows[i] = _pack(mentions)
        self._last = (-1, ())

    def __getitem__(self, i: int) -> tuple[Mention, ...]:
        if self._last[0] != i:
            self._last = (i, _unpack(self.rows[i]))
        return self._last[1]

    def __len__(self) -> int:
        return len(self.rows)


def _pack(mentions: Sequence[Mention]) -> bytes:
    """Mentions as plain field tuples (a smaller pickle than the records), compressed."""
    return pack(tuple((m.start, m.end, m.text, m.type, m.source, m.role, m.entity) for m in mentions))


def _unpack(row: bytes) -> tuple[Mention, ...]:
    return tuple(Mention(*f) for f in unpack(row))


class _Found:
    """Pass 3 of `resolution`: what each article's final mentions contribute, gathered one article at a
    time: its context keys, its people, and its places and organisations filed by key."""

    def __init__(self, gaz: Gazetteer, orgs: dict[str, str], p: ResolveParams) -> None:
        self.gaz, self.orgs, self.p = gaz, orgs, p
        self.contexts: list[tuple[str, ...]] = []
        self.people: list[Person] = []
        self.others: dict[str, list[Ref]] = defaultdict(list)
        self.display: dict[str, str] = {}  # gazetteer key -> its neutral name ("United States" for "US", "USA")
        self.types: dict[str, Counter[str]] = defaultdict(Counter)
        self.names: dict[str, _KeyNames] = defaultdict(_KeyNames)
        self.maybe: dict[str, _MaybePerson] = defaultdict(_MaybePerson)
        self._keys: dict[str, str] = {}  # one string per context key, however many articles name it

    def add(self, doc: Document, di: int) -> None:
        lang = doc.article.language
        self.contexts.append(tuple(self._keys.setdefault(k, k) for k in _doc_context(doc, lang, self.gaz)))
        self.people.extend(local_people(doc, di))
        for mi, m in enumerate(doc.mentions):
            if m.type == "PERSON":
                continue
            key, gtype = _nonperson_key(m, lang, self.gaz, self.orgs)
            if not key:
                continue
            if gtype is not None:
                place = self.gaz.lookup(m.text, lang)
                self.display[key] = place.key if place is not None else m.text
            self.others[key].append((di, mi))
            self.types[key][gtype or m.type] += self.p.gazetteer_vote if gtype else 1
            self.names[key].add(m.text, lang)
            self.maybe[key].add(m.text, lang, gtype is not None, self.p.min_skeleton)


def resolution(docs: Iterable[Document], gaz: Gazetteer, params: ResolveParams | None = None) -> Resolution:
    """Resolve the entities of `docs` (read once, in order, one at a time); `Resolution.stamp` then
    stamps each document's mentions, in the same order, and `Resolution.entities` gives the entities.

    Four passes over compact per-article rows: retype by evidence and count type votes; apply the votes
    and collect the names known anywhere; shorten organisations, project known names and file every
    mention; then, after joining across the corpus, stamp."""
    p = params or ResolveParams()
    rows, articles, votes = _Rows(), [], _Votes(p.min_skeleton)
    for doc in docs:
        mentions = retype_by_evidence(doc, gaz).mentions
        votes.count(mentions, doc.article.language)
        rows.append(mentions)
        articles.append(doc.article)
    surnames: set[str] = set()
    skeletons: dict[str, set[str]] = defaultdict(set)
    orgs: dict[str, str] = {}
    for i, article in enumerate(articles):
        mentions = votes.apply(rows[i], article.language)
        rows.put(i, mentions)
        named = _people_named(mentions, article.language, gaz)
        surnames.update(parts.surname for parts, _lang in named if parts.full)
        for skel, scripts in known_skeletons(named, p.min_skeleton).items():
            skeletons[skel] |= scripts
        add_known_orgs(orgs, mentions)
    del votes
    known, across = frozenset(surnames), {k: frozenset(v) for k, v in skeletons.items()}
    org_index = _org_index(orgs)
    found = _Found(gaz, orgs, p)
    for i, article in enumerate(articles):
        doc = project_names(Document(article, mentions=_short_orgs(rows[i], orgs)), known, org_index, across)
        rows.put(i, doc.mentions)
        found.add(doc, i)
    groups: list[tuple[EntityType, str, list[Ref]]] = []
    for person in merge_people(found.people, found.contexts, p.min_skeleton, p.translated_typo_length):
        groups.append(("PERSON", " ".join((*person.given[:1], person.surname)), person.refs))
    found.people, found.contexts = [], []  # the people absorbed by others, and the contexts, are done with
    others = _merge_across_scripts(found.others, found.names, found.types, found.maybe, p)
    others = _people_named_elsewhere(groups, others, rows, articles, found.types, found.maybe, p)
    for key, refs in others.items():
        etype: EntityType = found.types[key].most_common(1)[0][0]  # type: ignore[assignment]
        groups.append((etype, key, refs))
    return Resolution(groups, rows, articles, found.display)


def resolve(
    docs: Sequence[Document], gaz: Gazetteer, params: ResolveParams | None = None
) -> tuple[list[Entity], list[Document]]:
    """Entities of the corpus, and the documents with each mention stamped with its entity id."""
    found = resolution(docs, gaz, params)
    stamped = [found.stamp(d) for d in docs]
    return found.entities(), stamped


class Resolution:
    """Entities resolved over a corpus, stamped on its documents one at a time, in order (`stamp`),
    after which `entities` builds them. Which entity each mention belongs to is one integer per
    mention; the evidence spans are gathered as the documents are stamped."""

    def __init__(
        self,
        groups: list[tuple[EntityType, str, list[Ref]]],
        rows: _Rows,
        articles: Sequence[Article],
        display: dict[str, str],
    ) -> None:
        self._rows, self._articles, self._display = rows, articles, display
        self._offsets = array("q", [0])
        for i in range(len(rows)):
            self._offsets.append(self._offsets[-1] + len(rows[i]))
        self._slots = array("i", [-1]) * self._offsets[-1]  # mention -> index of its group in `_groups`
        self._groups: list[tuple[EntityType, str, str]] = []  # (type, key, entity id), in entity order
        used: set[str] = set()
        for etype, key, refs in sorted(groups, key=lambda g: (g[0], g[1], sorted(g[2]))):
            self._groups.append((etype, key, _unique_id(etype, key, used)))
            for d, m in refs:  # a mention filed twice keeps the later entity, as its stamp always did
                self._slots[self._offsets[d] + m] = len(self._groups) - 1
        self._spans: list[list[Span]] = [[] for _ in self._groups]
        self._surfaces: list[list[str]] = [[] for _ in self._groups]
        self._strings: dict[str, str] = {}  # one string per surface, however many mentions spell it
        self._ints: dict[int, int] = {}  # one int object per offset, however many spans start or end there
        self._next = 0

    def stamp(self, doc: Document) -> Document:
        """`doc` (the next document, in the order resolved) with its final mentions, each stamped."""
        i, article = self._next, self._articles[self._next]
        if doc.id != article.id:
            raise ValueError(f"document {doc.id!r} stamped in place of {article.id!r}")
        out: list[Mention] = []
        for mi, m in enumerate(self._rows[i]):
            gi = self._slots[self._offsets[i] + mi]
            if gi < 0:
                out.append(replace(m, entity=None))
                continue
            text = self._strings.setdefault(m.text, m.text)
            self._surfaces[gi].append(text)
            self._spans[gi].append(self._span(article, m.start, m.end, text))
            out.append(replace(m, text=text, entity=self._groups[gi][2]))
        self._rows.rows[i] = b""  # stamped: its row is done with
        self._next += 1
        return replace(doc, mentions=tuple(out))

    def _span(self, article: Article, start: int, end: int, text: str) -> Span:
        """The evidence span of a mention, sharing the mention's own text (one string per surface, not
        one per mention, across every entity of a large run)."""
        found = article.text[start:end]
        return Span(
            article.id, self._ints.setdefault(start, start), self._ints.setdefault(end, end),
            text if found == text else found,
        )  # fmt: skip

    def entities(self) -> list[Entity]:
        """The entities, largest first (every document must have been stamped)."""
        if self._next != len(self._articles):
            raise ValueError(f"{self._next} of {len(self._articles)} documents stamped")
        entities: list[Entity] = []
        for (etype, key, eid), surfaces, spans in zip(self._groups, self._surfaces, self._spans, strict=True):
            neutral = self._display.get(key)
            if neutral is not None and fold(neutral) in {fold(x) for x in surfaces}:
                name = neutral
            else:
                name = _display_name(surfaces, prefer_full=etype == "PERSON")
            entities.append(Entity(eid, name, etype, tuple(sorted(set(surfaces))), tuple(spans)))
        entities.sort(key=lambda e: (-len(e.mentions), e.name))
        return entities


def _unique_id(etype: str, key: str, used: set[str]) -> str:
    """The entity id of a type and key, numbered when an earlier entity took it."""
    eid = entity_id(etype, key)
    n = 1
    while eid in used:
        n += 1
        eid = entity_id(etype, f"{key}#{n}")
    used.add(eid)
    return eid


@corpus_stage("resolve_entities", requires=["mentions"], provides=["entities"], version="1", params=[ResolveParams])
def resolve_entities_stage(state: CorpusState, ctx: Context) -> CorpusState:
    """One Entity per referent across articles and languages; mentions get their entity id.

    Resolution reads each document once and keeps only its mentions, compressed, between its passes;
    the documents are then rewritten with their stamped mentions one at a time (`Documents.map`)."""
    docs = state.documents
    found = resolution(docs, recogniser(ctx).gazetteer, ctx.params(ResolveParams))
    documents = docs.map(found.stamp)
    return replace(state, entities=tuple(found.entities()), documents=documents)
