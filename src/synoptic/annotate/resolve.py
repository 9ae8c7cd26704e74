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
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

from ..models import Document, Entity, EntityType, Mention, Span
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


def _known_people(docs: Sequence[Document], gaz: Gazetteer, full: bool = True) -> list[tuple[PersonName, str]]:
    """Full person names recognised anywhere in the corpus, with their language (a name typed PERSON
    by its shape alone, "Mar Mediterrâneo", is no evidence that its last word is a surname);
    `full=False` adds the surnames a recogniser typed PERSON on evidence ("Mrs Clinton", spaCy's "Seagal")."""
    out: list[tuple[PersonName, str]] = []
    for doc in docs:
        for m in doc.mentions:
            parts = split_person(m.text) if m.type == "PERSON" and m.source != WEAK_SOURCE else None
            if parts is None:
                continue
            if not parts.full:
                if not full and gaz.lookup(parts.surname_text, doc.article.language) is None:
                    out.append((parts, doc.article.language))
                continue
            # "Christopher Columbus" names a person; "Outer Mongolia", which spaCy may call one, does not
            if parts.given[0] in first_names() or gaz.lookup(parts.surname_text, doc.article.language) is None:
                out.append((parts, doc.article.language))
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


def known_orgs(docs: Sequence[Document]) -> dict[str, str]:
    """Organisation surfaces recognised anywhere -> their full form; "Quillon" stands for "Quillon Systems"."""
    out: dict[str, str] = {}
    for doc in docs:
        for m in doc.mentions:
            words = m.text.split()
            if m.type != "ORG" or m.source == "gazetteer" or len(words) < 2 or not m.text[:1].isupper():
                continue
            out.setdefault(m.text, m.text)
            if len(words[0]) >= 4 and all(w in org_suffixes() for w in words[1:]):
                out.setdefault(words[0], m.text)
    return out


def _short_orgs(doc: Document, orgs: dict[str, str]) -> Document:
    """A name typed by its shape alone that is the short form of an organisation named elsewhere
    ("Quillon" for "Quillon Systems") is that organisation."""
    mentions = tuple(
        replace(m, type="ORG") if m.source == WEAK_SOURCE and m.text in orgs and m.text != orgs[m.text] else m
        for m in doc.mentions
    )
    return replace(doc, mentions=mentions)


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


def _project_orgs(text: str, mentions: list[Mention], index: dict[str, list[tuple[str, ...]]]) -> list[Mention]:
    """`mentions` with the known organisation surfaces of `text` added, matched on word tokens (one pass).

    A surface that covers shorter mentions replaces them: "Georgetown BID", "Bank of Scotland", "CBC
    News" named in full elsewhere are one organisation here too, not "BID", "Scotland" and "News"
    found in part. A surface that cuts through a mention is not taken."""
    toks = tokens(text)
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
    mentions = _project_orgs(text, [_retyped(m, known) for m in doc.mentions], orgs or {})
    toks = free_tokens(text, [(m.start, m.end) for m in mentions])
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


def vote_types(docs: Sequence[Document], least: int = ResolveParams.min_skeleton) -> list[Document]:
    """Mentions typed by shape alone (source "proper") take the type the same name has elsewhere, and
    any mention takes the type that evidence gave the same spelling elsewhere.

    "Sony" found as an unknown capitalised word in a Portuguese article is the ORG that spaCy or the
    gazetteer typed in another article; names compare folded ("Ontário" = "Ontario", "Тарло" = "Tarlo").
    "Tarlo", which spaCy calls a place, is the person "Frau Tarlo" of a German article. A place
    named with its kind ("Potomac River") also votes for the bare name ("Потомак").
    """
    votes: dict[str, Counter[EntityType]] = defaultdict(Counter)
    evidence: dict[str, Counter[EntityType]] = defaultdict(Counter)
    for doc in docs:
        for m in doc.mentions:
            if m.source != WEAK_SOURCE:
                votes[fold(m.text)][m.type] += 1
                votes[skeleton_key(m.text, doc.article.language)][m.type] += 1
            bare = without_place_kind(m.text, doc.article.language)  # its kind says "Potomac River" is a place
            if m.type == "PLACE" and bare != m.text:
                votes[skeleton_key(bare, doc.article.language)][m.type] += 1
            if m.source in EVIDENCE_SOURCES:
                evidence[fold(m.text)][m.type] += 1
    out: list[Document] = []
    for doc in docs:
        mentions = tuple(_voted(m, doc.article.language, votes, evidence, least) for m in doc.mentions)
        out.append(replace(doc, mentions=mentions))
    return out


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


def _merge_across_scripts(
    others: dict[str, list[Ref]], docs: Sequence[Document], types: dict[str, Counter[str]], p: ResolveParams
) -> dict[str, list[Ref]]:
    """Join a place or organisation written only in one script, or only in one language, to the one
    key of another script or other languages with a skeleton and the type in common ("Потомак" and
    "Potomac", "Теско" and "Tesco", "Danúbio" and "Danube"), a word naming the kind of place left out
    or not ("Potomac River", "Rio Potomac")."""
    info: dict[str, tuple[frozenset[str], frozenset[str], frozenset[str]]] = {}
    for key, refs in others.items():
        ms = [(docs[d].mentions[m].text, docs[d].article.language) for d, m in refs]
        info[key] = (
            frozenset(script_of(text) for text, _lang in ms),
            frozenset(lang for _text, lang in ms),
            frozenset(skeleton_key(name, lang) for text, lang in ms for name in (text, without_place_kind(text, lang))),
        )
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
    docs: Sequence[Document],
    types: dict[str, Counter[str]],
    p: ResolveParams,
) -> dict[str, list[Ref]]:
    """A one-word organisation or place that no gazetteer knows, written only in languages where the
    person of that surname is not named, is that person ("Seagal" typed ORG in English beside the
    German "Seagal"; "Фрэнку" typed PLACE beside "Frank"), when exactly one person fits."""
    by_skeleton: dict[str, list[int]] = defaultdict(list)
    langs_of: list[set[str]] = []
    for gi, (_etype, _key, refs) in enumerate(groups):
        langs_of.append({docs[d].article.language for d, _m in refs})
        found: set[str] = set()
        for d, m in refs:
            found |= _surname_skeletons(docs[d].mentions[m].text, docs[d].article.language, p.min_skeleton)
        for k in found:
            by_skeleton[k].append(gi)
    for key in list(others):
        refs = others[key]
        if max(types[key].values()) >= p.gazetteer_vote or any(" " in docs[d].mentions[m].text for d, m in refs):
            continue
        langs = {docs[d].article.language for d, _m in refs}
        skels: set[str] = set()
        for d, m in refs:
            skels |= _surname_skeletons(docs[d].mentions[m].text, docs[d].article.language, p.min_skeleton)
        fits = {gi for k in skels for gi in by_skeleton.get(k, ()) if not langs_of[gi] & langs}
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


def resolve(
    docs: Sequence[Document], gaz: Gazetteer, params: ResolveParams | None = None
) -> tuple[list[Entity], list[Document]]:
    """Entities of the corpus, and the documents with each mention stamped with its entity id."""
    p = params or ResolveParams()
    docs = vote_types([retype_by_evidence(d, gaz) for d in docs], p.min_skeleton)
    named = _known_people(docs, gaz, full=False)
    known = frozenset(parts.surname for parts, _lang in named if parts.full)
    across = known_skeletons(named, p.min_skeleton)
    orgs = known_orgs(docs)
    docs = [_short_orgs(d, orgs) for d in docs]
    org_index = _org_index(orgs)
    docs = [project_names(d, known, org_index, across) for d in docs]
    contexts = [_doc_context(d, d.article.language, gaz) for d in docs]
    people: list[Person] = []
    for di, doc in enumerate(docs):
        people.extend(local_people(doc, di))
    groups: list[tuple[EntityType, str, list[Ref]]] = []
    for person in merge_people(people, contexts, p.min_skeleton, p.translated_typo_length):
        groups.append(("PERSON", " ".join((*person.given[:1], person.surname)), person.refs))
    others: dict[str, list[Ref]] = defaultdict(list)
    display: dict[str, str] = {}  # gazetteer key -> its neutral name ("United States" for "US", "USA")
    types: dict[str, Counter[str]] = defaultdict(Counter)
    for di, doc in enumerate(docs):
        for mi, m in enumerate(doc.mentions):
            if m.type == "PERSON":
                continue
            key, gtype = _nonperson_key(m, doc.article.language, gaz, orgs)
            if not key:
                continue
            if gtype is not None:
                place = gaz.lookup(m.text, doc.article.language)
                display[key] = place.key if place is not None else m.text
            others[key].append((di, mi))
            types[key][gtype or m.type] += p.gazetteer_vote if gtype else 1
    others = _merge_across_scripts(others, docs, types, p)
    others = _people_named_elsewhere(groups, others, docs, types, p)
    for key, refs in others.items():
        etype: EntityType = types[key].most_common(1)[0][0]  # type: ignore[assignment]
        groups.append((etype, key, refs))
    return _build_entities(groups, docs, display)


def _span(doc: Document, mention: Mention) -> Span:
    """The evidence span of a mention, sharing the mention's own text (one string per mention, not
    two, across every entity of a large run)."""
    span = Span.of(doc.id, doc.article.text, mention.start, mention.end)
    return replace(span, text=mention.text) if span.text == mention.text else span


def _build_entities(
    groups: list[tuple[EntityType, str, list[Ref]]], docs: list[Document], display: dict[str, str]
) -> tuple[list[Entity], list[Document]]:
    entities: list[Entity] = []
    stamp: dict[Ref, str] = {}
    used: set[str] = set()
    for etype, key, refs in sorted(groups, key=lambda g: (g[0], g[1], sorted(g[2]))):
        refs = sorted(set(refs))
        eid = entity_id(etype, key)
        n = 1
        while eid in used:
            n += 1
            eid = entity_id(etype, f"{key}#{n}")
        used.add(eid)
        surfaces = [docs[d].mentions[m].text for d, m in refs]
        spans = tuple(_span(docs[d], docs[d].mentions[m]) for d, m in refs)
        neutral = display.get(key)
        if neutral is not None and fold(neutral) in {fold(x) for x in surfaces}:
            name = neutral
        else:
            name = _display_name(surfaces, prefer_full=etype == "PERSON")
        entities.append(Entity(eid, name, etype, tuple(sorted(set(surfaces))), spans))
        for ref in refs:
            stamp[ref] = eid
    out = []
    for di, doc in enumerate(docs):
        mentions = tuple(replace(m, entity=stamp.get((di, mi))) for mi, m in enumerate(doc.mentions))
        out.append(replace(doc, mentions=mentions))
    entities.sort(key=lambda e: (-len(e.mentions), e.name))
    return entities, out


@corpus_stage("resolve_entities", requires=["mentions"], provides=["entities"], version="1", params=[ResolveParams])
def resolve_entities_stage(state: CorpusState, ctx: Context) -> CorpusState:
    """One Entity per referent across articles and languages; mentions get their entity id.

    Resolution reads only each document's article and mentions, so it runs over documents reduced to
    those (about half a document's memory); the mentions it stamps are put back one document at a time."""
    docs = state.documents
    light = [Document(article=d.article, mentions=d.mentions) for d in docs]
    entities, resolved = resolve(light, recogniser(ctx).gazetteer, ctx.params(ResolveParams))
    del light
    stamped = {d.id: d.mentions for d in resolved}
    del resolved
    documents = docs.map(lambda d: replace(d, mentions=stamped[d.id]))
    return replace(state, entities=tuple(entities), documents=documents)
