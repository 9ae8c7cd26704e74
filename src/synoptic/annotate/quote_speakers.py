"""Who can be a speaker: names, pronouns and role phrases in an article, and what they refer to.

Names come from `Document.mentions` when the entity stage has run; otherwise (and for names it
missed) from capitalised token runs, with leading titles ("Deputy Foreign Minister") split off
as the person's role. A pronoun ("he", "sie", "il") refers to the focus of the closest earlier
sentence of compatible gender; a definite role phrase ("the minister", "le ministre") to the
last person with that role; an organisation noun ("the company", "der Rat") to the last
organisation, preferring one whose name contains the noun; "a Kremlin statement" to Kremlin.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any, Literal

from .. import langdata
from ..models import Mention

CandidateKind = Literal["name", "pronoun", "role", "org", "report", "np", "relative"]
TOKEN = re.compile(r"(?:[A-Z]\.){2,}|\w+(?:[-’']\w+)*\.?", re.UNICODE)


@dataclass(frozen=True)
class Lexicon:
    """The `quotes.json` data of one language, as sets and lists ready for matching."""

    lang: str
    cues: tuple[str, ...]
    naming_cues: frozenset[str]
    participle_cues: frozenset[str]
    according_to: tuple[str, ...]
    impersonal: tuple[str, ...]
    so_cue: frozenset[str]
    complementizers: tuple[str, ...]
    bare_clause_cues: frozenset[str]
    split_markers: tuple[str, ...]
    cut_before: tuple[str, ...]
    pronouns: dict[str, str]
    roles: dict[str, tuple[str, ...]]
    org_nouns: frozenset[str]
    report_nouns: frozenset[str]
    determiners: frozenset[str]
    female_markers: frozenset[str]
    male_markers: frozenset[str]
    title_words: frozenset[str]
    not_names: frozenset[str]
    subjunctive: frozenset[str]
    time_words: frozenset[str]
    auxiliaries: frozenset[str]
    capitalises_nouns: bool = False  # German: nouns are capitalised and compound ("Außenministerium")
    clause_after_comma: bool = False  # "заявил, что ...": the clause may follow the cue after a comma
    bare_clause_after_comma: bool = False  # "sagte, er sei ...": even without a complementizer
    role_needs_determiner: bool = False  # "the minister" names a person, bare "minister" does not
    prepositions: frozenset[str] = frozenset()
    subject_after_fronted_phrase: bool = False  # verb-second / free word order: "Im Interview sagte X"
    clause_openers: frozenset[str] = frozenset()
    relative_pronouns: frozenset[str] = frozenset()
    share_words: frozenset[str] = frozenset()
    conjunctions: frozenset[str] = frozenset()  # "and", "but": a coordinated clause starts after one
    clause_words: frozenset[str] = frozenset()  # words that open a subordinate clause ("which", "weil")
    not_clause_start: frozenset[str] = frozenset()  # words after a cue that start no reported clause
    indefinite_articles: frozenset[str] = frozenset()
    agent_prepositions: frozenset[str] = frozenset()  # "by", "von": an agent, not a speaker, follows


@cache
def lexicon(lang: str) -> Lexicon:
    """The quote lexicon of `lang` (UnsupportedLanguageError for a language without a data folder)."""
    data: dict[str, Any] = langdata.load(lang, "quotes")
    return _build(lang, data)


def _build(lang: str, d: dict[str, Any]) -> Lexicon:
    def low(key: str) -> frozenset[str]:
        return frozenset(w.lower() for w in d.get(key, []))

    info = langdata.info(lang)

    return Lexicon(
        lang=lang,
        cues=tuple(dict.fromkeys(w.lower() for w in d.get("cues", []))),
        naming_cues=low("naming_cues"),
        participle_cues=low("participle_cues"),
        according_to=tuple(w.lower() for w in d.get("according_to", [])),
        impersonal=tuple(w.lower() for w in d.get("impersonal", [])),
        so_cue=low("so_cue"),
        complementizers=tuple(w.lower() for w in d.get("complementizers", [])),
        bare_clause_cues=low("bare_clause_cues"),
        split_markers=tuple(d.get("split_markers", [])),
        cut_before=tuple(d.get("cut_before", [])),
        pronouns={k.lower(): v for k, v in d.get("pronouns", {}).items()},
        roles={k: tuple(s.lower() for s in v) for k, v in d.get("roles", {}).items()},
        org_nouns=low("org_nouns"),
        report_nouns=low("report_nouns"),
        determiners=low("determiners"),
        female_markers=low("female_markers"),
        male_markers=low("male_markers"),
        title_words=low("title_words"),
        not_names=low("not_names"),
        subjunctive=low("subjunctive"),
        time_words=low("time_words"),
        auxiliaries=low("auxiliaries"),
        capitalises_nouns=bool(info["capitalises_nouns"]),
        clause_after_comma=bool(info["clause_after_comma"]),
        bare_clause_after_comma=bool(info["bare_clause_after_comma"]),
        role_needs_determiner=bool(info["role_needs_determiner"]),
        prepositions=low("prepositions"),
        subject_after_fronted_phrase=bool(d.get("subject_after_fronted_phrase", False)),
        clause_openers=low("clause_openers"),
        conjunctions=low("conjunctions"),
        clause_words=low("clause_words"),
        not_clause_start=low("not_clause_start"),
        indefinite_articles=low("indefinite_articles"),
        agent_prepositions=low("agent_prepositions"),
        relative_pronouns=low("relative_pronouns"),
        share_words=low("share_words"),
    )


@cache
def _all_roles() -> dict[str, tuple[str, ...]]:
    """Role nouns of every language by role key, so a German role matches an English title."""
    out: dict[str, list[str]] = {}
    for lang in langdata.supported_languages():
        for key, words in lexicon(lang).roles.items():
            out.setdefault(key, []).extend(words)
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


@cache
def _all_org_nouns() -> frozenset[str]:
    """Organisation nouns of every language: "Quillon Systems" is an organisation in a French text too."""
    return frozenset().union(*(lexicon(lang).org_nouns for lang in langdata.supported_languages()))


@cache
def _org_noun_endings() -> frozenset[str]:
    """The organisation nouns long enough to end a compound ("Handelsministerium")."""
    return frozenset(n for n in _all_org_nouns() if len(n) > COMPOUND_LAST_PART)


def _compound_ending(word: str, endings: frozenset[str]) -> bool:
    """Whether a word is a compound ending in an organisation noun after a word of its own
    ("Handelsministerium", "Postbank"; not "Konrada", "Estrada", whose 'rada' follows three letters).
    Each ending of the word is looked up, not each noun tried against the word."""
    return any(word[k:] in endings for k in range(COMPOUND_FIRST_PART, len(word) - COMPOUND_LAST_PART))


#: Fewest letters before an organisation noun ending a compound: the first part is a word of its own
#: ("Post-bank"); shorter ones are a name's letters ("Kon-rada", "Est-rada").
COMPOUND_FIRST_PART = 4
#: Organisation nouns of up to this many letters never end a compound: short ones end ordinary words.
COMPOUND_LAST_PART = 3


@cache
def place_names() -> frozenset[str]:
    """Country and territory names in every supported language (CLDR via babel), lower-cased."""
    from babel import Locale

    names: set[str] = set()
    for lang in langdata.supported_languages():
        try:
            names.update(n.lower() for n in Locale.parse(lang).territories.values())
        except (ValueError, LookupError):
            continue
    return frozenset(names)


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str

    @property
    def low(self) -> str:
        return self.text.lower().rstrip(".")


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Word tokens of `text[start:end]` with absolute offsets."""
    end = len(text) if end is None else end
    return [Token(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text, start, end)]


@dataclass
class Candidate:
    """A phrase that can name a speaker, and (once resolved) the name mention it refers to."""

    start: int
    end: int
    text: str
    kind: CandidateKind
    type: str | None = None  # PERSON / ORG / PLACE for names, None when unknown
    role: str = ""  # role words seen beside a name, or the role phrase itself
    gender: str | None = None  # m / f / p / n
    antecedent: Candidate | None = None  # what a relative pronoun ("who") stands for


@dataclass
class NameIndex:
    """Name candidates of one article in text order, with roles and genders where seen."""

    names: list[Candidate] = field(default_factory=list)

    def persons_before(self, pos: int) -> list[Candidate]:
        return [c for c in self.names if c.end <= pos and c.type == "PERSON"]

    def at(self, start: int, end: int) -> Candidate | None:
        return next((c for c in self.names if c.start < end and start < c.end), None)


def _is_cap(tok: Token, lex: Lexicon) -> bool:
    t = tok.text
    return t[:1].isupper() and tok.low not in lex.not_names and not tok.low.isdigit()


@lru_cache(maxsize=1 << 14)
def _role_key_of(words: str) -> str | None:
    low = words.lower()
    for key, surfaces in _all_roles().items():
        if any(s in low for s in surfaces):
            return key
    return None


@cache
def pooled_quotes(key: str) -> tuple[str, ...]:
    """Entries of one `quotes.json` key pooled over every language, lower-cased (names and roles
    travel: a German article writes "Baltic Sea", an English one "Oberbürgermeisterin")."""
    return tuple(sorted({w.lower() for data in langdata.load_all("quotes").values() for w in data[key]}))


def _gender_of(context: str, lex: Lexicon) -> str | None:
    """Gender shown by honorifics and feminine role nouns ("Oberbürgermeisterin", "la maire")."""
    words = [w.lower().strip(".,") for w in context.split()]
    for w in words:
        if w in lex.female_markers or w.endswith(pooled_quotes("female_noun_endings")):
            return "f"  # "businesswoman", "Bürgerfrau"
        if _role_key_of(w) is not None and w.endswith(pooled_quotes("feminine_role_endings")):
            return "f"  # "Ministerin", "directrice", "ministryně"
    if set(words) & lex.male_markers:
        return "m"
    return None


def _type_of(run: str, lex: Lexicon) -> str | None:
    low = run.lower()
    words = low.split()
    if low in place_names() or any(w in pooled_quotes("place_words") for w in words):
        return "PLACE"
    nouns, endings = _all_org_nouns(), _org_noun_endings()
    if any(w in nouns or _compound_ending(w, endings) for w in words):
        return "ORG"
    if len(words) == 1 and run.isupper() and len(run) > 1:
        return "ORG"
    if len(words) >= 2:
        return "PERSON"
    return None


def _split_title(run: list[Token], lex: Lexicon) -> int:
    """How many leading tokens of a capitalised run are a title or role, not the name."""
    k = 0
    while k < len(run) - 1:
        low = run[k].low
        is_title = low in lex.title_words or _role_key_of(low) is not None
        nationality = low.endswith(pooled_quotes("nationality_endings")) and len(run) - k > 2
        if not (is_title or nationality or (run[k].text.isupper() and len(run) - k > 2)):
            break
        k += 1
    if len(run) - k > 3:
        k = len(run) - 2
    return k


def inside_any(spans: Sequence[tuple[int, int]]) -> Callable[[int], bool]:
    """A test of `start <= pos < end` for any of `spans`, in log time (spans merged and bisected):
    a text with thousands of quotations must not cost tokens x quotations."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        elif start < end:
            merged.append([start, end])
    starts = [m[0] for m in merged]

    def inside(pos: int) -> bool:
        k = bisect.bisect_right(starts, pos) - 1
        return k >= 0 and pos < merged[k][1]

    return inside


def own_names(text: str, lex: Lexicon, spans: Sequence[tuple[int, int]] = ()) -> list[Candidate]:
    """Names found by pattern: capitalised runs, titles split off as roles (outside `spans`)."""
    masked = inside_any(spans)
    toks = [t for t in tokens(text) if not masked(t.start)]
    runs: list[list[Token]] = []
    for tok in toks:
        prev = runs[-1][-1] if runs else None
        joinable = (
            prev is not None
            and text[prev.end : tok.start] in (" ", "\u00a0")
            and not prev.text.endswith(".")
            and _script(prev.text) == _script(tok.text)  # "RTVI Рябков": two names, not one
        )
        if _is_cap(tok, lex) or (tok.low in ("m.", "m") and tok.text[:1] == "M"):
            if joinable and prev is not None and _is_cap(prev, lex):
                runs[-1].append(tok)
            else:
                runs.append([tok])
    out: list[Candidate] = []
    lowercase = {t.text for t in toks if t.text.islower()}
    for run in runs:
        whole = text[run[0].start : run[-1].end].rstrip(".")
        if len(run) == 1 and (_generic_noun(run[0].low, lex) or _capitalised_word(text, run[0], lowercase)):
            continue
        if _type_of(whole, lex) == "ORG":
            out.append(Candidate(run[0].start, run[-1].end, whole, "name"))
            continue
        k = _split_title(run, lex)
        name = run[k:]
        if len(name) == 1 and (name[0].low in lex.title_words or _role_key_of(name[0].low)):
            continue
        start, end = name[0].start, name[-1].end
        role_start = run[0].start if k else start
        role = text[role_start:start] + " " + _left_role(text, role_start, lex)
        out.append(Candidate(start, end, text[start:end].rstrip("."), "name", None, role.strip()))
    return _typed(out, text, lex)


def _capitalised_word(text: str, tok: Token, lowercase: set[str]) -> bool:
    """A sentence's first word that the same text also writes in lower case ("Instead", "About"): not a name."""
    before = text[max(0, tok.start - 3) : tok.start].strip(" \u00a0\"“”„«»'‘’")
    return (not before or before[-1] in ".!?\n:") and tok.text.lower() in lowercase


def _script(word: str) -> str:
    """The writing system of a word's first letter ("LATIN", "CYRILLIC", ...)."""
    letter = next((ch for ch in word if ch.isalpha()), "")
    return unicodedata.name(letter, "").split(" ", 1)[0] if letter else ""


def _generic_noun(low: str, lex: Lexicon) -> bool:
    """A capitalised common noun of organisation or report ("L'hébergeur", "Unternehmen"), not a name."""
    low = re.sub(r"^(?:l|d)['’]", "", low)
    return low in _all_org_nouns() or low in lex.report_nouns


def _left_role(text: str, pos: int, lex: Lexicon) -> str:
    """Up to three words right before a name ("trade commissioner"), with nothing but spaces between."""
    words: list[str] = []
    limit = pos
    for m in reversed(list(TOKEN.finditer(text, max(0, pos - 80), pos))):
        if text[m.end() : limit].strip(" \u00a0’'") or m.group().endswith(".") or m.group().lower() in lex.auxiliaries:
            break
        words.insert(0, m.group())
        limit = m.start()
        if len(words) == 6:
            break
    return " ".join(words)


def _apposition(text: str, end: int) -> str:
    """The phrase set off by commas right after a name ("…, the trade minister leading …,")."""
    appo = re.match(r",\s+([^,.;]{3,80}?)[,.;]", text[end : end + 90])
    return appo.group(1) if appo else ""


def _typed(names: list[Candidate], text: str, lex: Lexicon) -> list[Candidate]:
    """Type the pattern names; a single word seen as part of a typed name inherits its type."""
    for c in names:
        c.end = c.start + len(c.text)
        c.type = _type_of(c.text, lex)
        line_start = c.start == 0 or text[c.start - 1] == "\n"
        if line_start and c.text.isupper() and re.match(r"\s*[,(]", text[c.end : c.end + 3]):
            c.type = "PLACE"  # a dateline: "LYON, May 20" / "COLOGNE (Allemagne)"
        article = re.search(r"(\w+)\s+$", text[max(0, c.start - 20) : c.start])
        if c.type == "PERSON" and article and article.group(1).lower() in lex.determiners:
            c.type = None  # "Der Nationale Sicherheitsrat", "the Supreme Court": an article does not precede a person
        if c.type != "ORG":
            c.role = (c.role + " " + _apposition(text, c.end)).strip()
        c.gender = _gender_of(c.role, lex)
    known: dict[str, str] = {}
    for c in names:
        if c.type in ("PERSON", "ORG"):
            for part in c.text.split():
                known.setdefault(part.lower(), c.type)
    for c in names:
        if c.type is None:
            c.type = known.get(c.text.lower())
    return names


def name_index(text: str, mentions: Sequence[Mention], lex: Lexicon, quoted: Sequence[tuple[int, int]]) -> NameIndex:
    """Names outside quotations: the entity stage's mentions first, pattern names where it saw none."""
    from_mentions = [
        Candidate(m.start, m.end, m.text, "name", m.type, m.role or "", None)
        for m in mentions
        if not any(s <= m.start < e for s, e in quoted)
    ]
    for c in from_mentions:
        own_type = _type_of(c.text, lex)
        if c.type == "PERSON" and own_type in ("ORG", "PLACE"):
            c.type = own_type  # "Pontica Freight", "Baltic Sea": the recogniser's small model slips
        c.role = " ".join(filter(None, (c.role, _left_role(text, c.start, lex), _apposition(text, c.end))))
        c.gender = _gender_of(c.role, lex)
    own = own_names(text, lex, quoted)
    merged = from_mentions + [c for c in own if not any(m.start < c.end and c.start < m.end for m in from_mentions)]
    if from_mentions:
        # Pattern names the recogniser did not type stay as untyped fallbacks only.
        for c in merged:
            if c.type is None and c not in from_mentions:
                c.type = None
    merged.sort(key=lambda c: c.start)
    return NameIndex(merged)


def role_key(phrase: str) -> str | None:
    """The role key ("minister") of a role phrase in any language, or None."""
    return _role_key_of(phrase)


def has_role(person: Candidate, key: str) -> bool:
    return _role_key_of(person.role) == key or any(s in person.role.lower() for s in _all_roles().get(key, ()))
