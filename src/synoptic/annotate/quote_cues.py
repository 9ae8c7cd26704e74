"""Speech cues and the phrases around them: which verb reports speech, who its subject is.

A cue is a reporting verb ("said", "a déclaré", "fügte … hinzu"), a source phrase ("according
to", "selon", "nach Angaben"), an impersonal formula ("hieß es") or the German ", so X". The
subject of a cue is found by scanning left (skipping auxiliaries, time words and a comma-set
apposition unless that apposition is a person's name) or right for inverted order ("said
Anton Velikov", "a averti la maire, Henrike Albers").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import ClassVar, Literal

from ..params import Params, param
from .quote_speakers import Candidate, Lexicon, NameIndex, Token, inside_any, lexicon, role_key, tokens

CueKind = Literal["verb", "naming", "participle", "according", "impersonal", "so"]
_PUNCT_STOP = re.compile(r"[.;:!?()\[\]“”„\"«»]")


@dataclass(frozen=True)
class CueParams(Params):
    """How far the attribution patterns reach around a cue (part of the `quotes` settings)."""

    section: ClassVar[str] = "quotes"
    max_fronted_tokens: int = param(10, "a fronted adverbial longer than this before its comma is not skipped; by hand")
    max_clause_subject_tokens: int = param(
        4, "'than most Republican voters say': longer runs after a clause opener are no subject; set by hand"
    )


_CUES = CueParams()


@dataclass(frozen=True)
class Cue:
    start: int
    end: int
    text: str
    kind: CueKind


@cache
def _cue_regex(lang: str) -> re.Pattern[str]:
    lex = lexicon(lang)
    groups: list[str] = []
    for kind, entries in (
        ("according", lex.according_to),
        ("impersonal", lex.impersonal),
        ("participle", tuple(lex.participle_cues)),
        ("naming", tuple(lex.naming_cues)),
        ("verb", lex.cues),
        ("so", tuple(lex.so_cue)),
    ):
        if entries:
            alts = "|".join(_entry_regex(e) for e in sorted(entries, key=len, reverse=True))
            groups.append(f"(?P<{kind}>{alts})")
    return re.compile(r"(?<![\w-])(?:" + "|".join(groups) + r")(?![\w])", re.IGNORECASE)


def _entry_regex(entry: str) -> str:
    """A cue entry as a regex: words joined by white space, `*` allowing up to four words between."""
    words = entry.split()
    out = re.escape(words[0])
    gap = False
    for w in words[1:]:
        if w == "*":
            gap = True
            continue
        out += (r"(?:\s+[\w’'-]+){0,4}?\s+" if gap else r"\s+") + re.escape(w)
        gap = False
    return out


def find_cues(text: str, lang: str, quoted: Sequence[tuple[int, int]]) -> list[Cue]:
    """Cues outside quotations, in text order."""
    out: list[Cue] = []
    masked = inside_any(quoted)
    for m in _cue_regex(lang).finditer(text):
        if masked(m.start()):
            continue
        kind = m.lastgroup or "verb"
        if kind == "so" and not re.search(r",\s*$", text[max(0, m.start() - 3) : m.start()]):
            continue
        out.append(Cue(m.start(), m.end(), m.group(), kind))  # type: ignore[arg-type]
    return out


def _pronoun(tok: Token, lex: Lexicon) -> Candidate | None:
    """A personal pronoun as a speaker phrase; of French "a-t-il" only the pronoun "il" itself."""
    low = tok.low
    if low in lex.pronouns:
        return Candidate(tok.start, tok.end, tok.text, "pronoun", gender=lex.pronouns[low])
    tail = low.rsplit("-", 1)[-1]
    if "-" not in low or tail not in lex.pronouns:
        return None
    start = tok.start + len(tok.text) - len(tail)
    return Candidate(start, tok.end, tok.text[-len(tail) :], "pronoun", gender=lex.pronouns[tail])


def noun_kind(tok: Token, lex: Lexicon) -> Literal["role", "org", "report"] | None:
    """Whether a token heads a role ("minister"), organisation ("company") or report ("statement") phrase."""
    low = re.sub(r"^(?:l|d|qu)['’]", "", tok.low.strip("’'"))
    if low in lex.report_nouns or any(low.endswith(n) and len(n) > 5 for n in lex.report_nouns):
        return "report"
    if low in lex.org_nouns or (lex.capitalises_nouns and any(low.endswith(n) and len(n) > 3 for n in lex.org_nouns)):
        return "org"
    if role_key(low) is not None and (tok.text[:1].islower() or lex.capitalises_nouns or tok.text.isupper()):
        return "role"
    return None


def text_gap_is_space(a: Token, b: Token) -> bool:
    """Whether two tokens are separated by a single space (no punctuation between)."""
    return 0 < b.start - a.end <= 1


def _np_left(toks: Sequence[Token], i: int, lex: Lexicon) -> int:
    """Index of the first token of the noun phrase whose head is toks[i] (back to a determiner)."""
    j = i
    while j > 0 and i - j < 5 and text_gap_is_space(toks[j - 1], toks[j]):
        prev = toks[j - 1]
        if prev.low in lex.determiners or (prev.low.endswith(("'", "’")) and prev.low[:-1] in lex.determiners):
            return j - 1
        if prev.low in lex.pronouns or prev.low in lex.auxiliaries or _PUNCT_STOP.search(prev.text):
            break
        if prev.low in lex.clause_openers or prev.low in lex.prepositions:
            break
        j -= 1
    return j


def _np_candidate(text: str, toks: Sequence[Token], i: int, lex: Lexicon, kind: str) -> Candidate:
    j = _np_left(toks, i, lex)
    start, end = toks[j].start, toks[i].end
    return Candidate(start, end, text[start:end], kind)  # type: ignore[arg-type]


def _window(text: str, start: int, end: int) -> list[Token]:
    """Tokens between `start` and `end` up to the first sentence-level punctuation."""
    stop = _PUNCT_STOP.search(text, start, end)
    return tokens(text, start, stop.start() if stop else end)


def phrase_left(
    text: str, end: int, floor: int, lex: Lexicon, names: NameIndex, reach: CueParams = _CUES
) -> Candidate | None:
    """The speaker phrase closest before `end` (a cue), from `floor` on; None when there is none.

    A comma directly before the cue marks an apposition ("Quillon Systems, a Lyon-based
    provider, said"): a person's name inside it is taken, otherwise the search resumes before it.
    """
    toks = [t for t in tokens(text, floor, end)]
    k = len(toks)
    while k > 0 and (toks[k - 1].low in lex.auxiliaries or toks[k - 1].low in lex.time_words):
        k -= 1
    gap_start = toks[k - 1].end if k > 0 else floor
    if "," in text[gap_start:end] and k > 0:
        opening = text.rfind(",", floor, gap_start)
        before = _scan_left(text, tokens(text, floor, opening), lex, names, reach) if opening > floor else None
        if before is not None and before.kind == "name" and before.type == "PERSON":
            return before
        inner = names.persons_before(gap_start)
        person = next((c for c in reversed(inner) if c.start > opening >= 0), None)
        if person is not None:
            return person
        if before is not None:
            return before
    return _scan_left(text, toks[:k], lex, names, reach)


def verb_subject(
    text: str, cue: Cue, floor: int, ceiling: int, lex: Lexicon, names: NameIndex, reach: CueParams = _CUES
) -> Candidate | None:
    """The subject of a speech verb: the phrase before it, or the one after it when the clause
    opens with a fronted prepositional phrase in a language that then puts the subject after the
    verb ("In einem Interview mit dem Sender RTVI sagte Rjabkow", "В интервью RTVI заявил Рябков")."""
    left = phrase_left(text, cue.start, floor, lex, names, reach)
    if left is not None and not _fronted_phrase(text, floor, left.start, lex):
        return left
    right = phrase_right(text, cue.end, ceiling, lex, names)
    if right is not None or left is None:
        return right
    # "В интервью RTVI Рябков заявил, что …": the subject between the fronted phrase and the verb
    return phrase_left(text, cue.start, left.end, lex, names, reach) or left


def _fronted_phrase(text: str, floor: int, before: int, lex: Lexicon) -> bool:
    """Whether the clause from `floor` opens with a prepositional phrase reaching to `before`."""
    if not lex.subject_after_fronted_phrase or "," in text[floor:before]:
        return False
    toks = tokens(text, floor, before)
    return bool(toks) and toks[0].low in lex.prepositions


def clause_subject(
    text: str, start: int, end: int, lex: Lexicon, names: NameIndex, reach: CueParams = _CUES
) -> Candidate | None:
    """The subject opening a clause (after a fronted adverbial up to its comma): who a quotation
    embedded later in the clause is ascribed to ("Gov. Pat McCrory blamed the court's “…”")."""
    toks = tokens(text, start, end)
    if toks and toks[0].low in lex.conjunctions:
        toks = toks[1:]
    if toks and toks[0].low in lex.prepositions:
        comma = text.find(",", toks[0].start, end)
        if comma < 0 or len(tokens(text, toks[0].start, comma)) > reach.max_fronted_tokens:
            return None
        toks = tokens(text, comma + 1, end)
    for i, tok in enumerate(toks[:3]):
        name = names.at(tok.start, tok.end)
        if name is not None and name.type == "PLACE":
            continue  # "Florida Gov. Rick Scott"
        if name is not None:
            return name
        pron = _pronoun(tok, lex)
        if pron is not None:
            return pron
        kind = noun_kind(tok, lex)
        if kind is not None:
            return _np_candidate(text, toks, i, lex, kind)
    return None


def _scan_left(text: str, toks: Sequence[Token], lex: Lexicon, names: NameIndex, reach: CueParams) -> Candidate | None:
    """The closest speaker phrase going left; a name of unknown type yields to a typed name or a
    pronoun a few words further in the same clause ("Jan Novák ve středu v Praze uvedl")."""
    place: Candidate | None = None
    untyped: Candidate | None = None
    for i in range(len(toks) - 1, max(-1, len(toks) - 26), -1):
        tok = toks[i]
        if untyped is not None and ("," in text[tok.end : untyped.start] or untyped.start - tok.end > 60):
            return untyped
        if tok.low in lex.clause_openers and untyped is None:
            opened = _clause_opened(text, toks, i, lex, names, reach)
            if opened is not None or i < len(toks) - 1:
                return opened or place
            if tok.low in lex.conjunctions:  # "X blasted Congress and said": the subject of the first verb
                subject = clause_subject(text, toks[0].start, tok.start, lex, names, reach)
                if subject is not None:
                    return subject
        name = names.at(tok.start, tok.end)
        if name is not None:
            if name.type == "PLACE":
                place = place or name
                continue
            if name.type is None:
                untyped = untyped or name
                continue
            return name
        pron = _pronoun(tok, lex)
        if pron is not None:
            return untyped or pron
        if tok.low in lex.share_words or (tok.text.isdigit() and text.startswith("%", tok.end)):
            return untyped or _np_candidate(text, toks, i, lex, "np")  # "74 percent said", "62 % sagten"
        kind = noun_kind(tok, lex)
        if kind is not None:
            return untyped or _np_candidate(text, toks, i, lex, kind)
    return untyped or place


def _clause_opened(
    text: str, toks: Sequence[Token], i: int, lex: Lexicon, names: NameIndex, reach: CueParams
) -> Candidate | None:
    """The subject of a clause opened by toks[i] and ending at the cue: the words after the opener
    ("than aides say", "which critics said"), or what a relative pronoun stands for ("Obama, who said")."""
    rest = toks[i + 1 :]
    if rest:
        if len(rest) > reach.max_clause_subject_tokens or (not text_gap_is_space(rest[0], rest[-1]) and len(rest) > 1):
            return None
        return Candidate(rest[0].start, rest[-1].end, text[rest[0].start : rest[-1].end], "np")
    if toks[i].low not in lex.relative_pronouns:
        return None
    antecedent = _scan_left(text, toks[:i], lex, names, reach)
    if antecedent is None:
        return None
    tok = toks[i]
    return Candidate(tok.start, tok.end, tok.text, "relative", antecedent.type, gender=antecedent.gender,
                     antecedent=antecedent)  # fmt: skip


def phrase_right(text: str, start: int, ceiling: int, lex: Lexicon, names: NameIndex) -> Candidate | None:
    """The speaker phrase right after a cue (inverted order), up to `ceiling`."""
    toks = _window(text, start, ceiling)[:10]
    while toks and (toks[0].low in lex.auxiliaries or toks[0].low in lex.time_words):
        toks = toks[1:]
    if not toks:
        return None
    first_comma = text.find(",", toks[0].start, toks[-1].end)
    head_end = first_comma if first_comma >= 0 else toks[-1].end
    head: list[Token] = []
    for tok in toks:
        if tok.end > head_end or (head and tok.low in lex.prepositions):
            break
        head.append(tok)
    appositive = [t for t in toks if t.start > head_end][:4]
    first_name = next((names.at(t.start, t.end) for t in head[:4] if names.at(t.start, t.end)), None)
    if first_name is not None and first_name.type == "PERSON":
        return first_name
    pron = _pronoun(toks[0], lex)
    if pron is not None:
        return pron
    nouns = [(i, noun_kind(t, lex)) for i, t in enumerate(head[:6])]
    nouns = [(i, k) for i, k in nouns if k is not None]
    for i, kind in nouns[-1:]:
        person = next((names.at(t.start, t.end) for t in appositive if names.at(t.start, t.end)), None)
        if person is not None and person.type == "PERSON":
            return person
        return _np_candidate(text, head, i, lex, kind)  # type: ignore[arg-type]
    if (
        first_name is not None
        and first_name.type != "PLACE"
        and (first_name.type is not None or not lex.capitalises_nouns or first_name.start == head[0].start)
    ):
        return first_name
    cap = next((t for t in head[:3] if t.text[:1].isupper() and t.low not in lex.not_names), None)
    if cap is not None and not lex.capitalises_nouns:
        return Candidate(cap.start, cap.end, cap.text, "name")
    words = [t for t in head[:4] if t.low not in lex.complementizers]
    if words and words[0] is head[0] and head[0].low not in lex.prepositions and not head[0].text[0].isdigit():
        return Candidate(words[0].start, words[-1].end, text[words[0].start : words[-1].end], "np")
    return None


def source_phrase(text: str, start: int, end: int, lex: Lexicon, names: NameIndex) -> Candidate | None:
    """The speaker inside a source phrase ("a Kremlin statement", "des Kremls", "M. Gritsenko")."""
    toks = tokens(text, start, end)
    report = next((t for t in toks if noun_kind(t, lex) == "report"), None)
    if report is not None:
        inner = report_author(text, toks, report, lex, names)
        if inner is not None:
            return inner
    for i, tok in enumerate(toks):
        pron = _pronoun(tok, lex)
        if pron is not None:
            return pron
        kind = noun_kind(tok, lex)
        if kind == "report":
            continue
        name = names.at(tok.start, tok.end)
        if name is not None and name.type != "PLACE" and (name.type is not None or kind is None):
            return name
        if kind is not None:
            return _np_candidate(text, toks, i, lex, kind)
    caps = [t for t in toks if t.text[:1].isupper() and t.low not in lex.not_names and t.low not in lex.determiners]
    if caps and not lex.capitalises_nouns:
        return Candidate(caps[0].start, caps[-1].end, text[caps[0].start : caps[-1].end], "name")
    content = [t for t in toks if t.low not in lex.determiners]
    if content:
        first, last = content[max(0, len(content) - 3)], content[-1]
        return Candidate(first.start, last.end, text[first.start : last.end], "np")
    return None


def report_author(text: str, toks: Sequence[Token], report: Token, lex: Lexicon, names: NameIndex) -> Candidate | None:
    """Who speaks through a statement: "a Kremlin statement", "einer Erklärung des Kremls"."""
    for i, t in enumerate(toks):
        if t is report or t.low in lex.determiners or t.low in lex.not_names or not t.text[:1].isupper():
            continue
        kind = noun_kind(t, lex)
        if kind == "org" or kind == "role":
            return _np_candidate(text, toks, i, lex, kind)
        if kind is None:
            found = names.at(t.start, t.end)
            if found is not None and found.type in ("PERSON", "ORG"):
                return found
            if found is not None and found.type is None:
                return Candidate(found.start, found.end, found.text, "name", "ORG")
            return Candidate(t.start, t.end, t.text, "name", "ORG")
    return None


def subject_np(text: str, end: int, floor: int, lex: Lexicon) -> Candidate | None:
    """Fallback speaker: the few words right before a cue ("traders", "Shipping executives")."""
    toks = tokens(text, floor, end)
    while toks and (toks[-1].low in lex.auxiliaries or toks[-1].low in lex.time_words):
        toks = toks[:-1]
    if not toks or _PUNCT_STOP.search(text, toks[-1].end, end) or "," in text[toks[-1].end : end]:
        return None
    picked: list[Token] = []
    for tok in reversed(toks):
        if picked and (tok.end + 2 < picked[-1].start or tok.low in lex.complementizers or tok.low in lex.not_names):
            break
        if "," in text[tok.end : picked[-1].start] if picked else False:
            break
        picked.append(tok)
        if len(picked) == 3:
            break
    if not picked or picked[0].low in lex.not_names:
        return None
    first, last = picked[-1], picked[0]
    return Candidate(first.start, last.end, text[first.start : last.end], "np")
