"""Who said what in one article: direct and reported speech with their speakers (stage `quotes`).

Direct quotes come from quote marks (`quote_marks`); a quote is attributed through a cue in the
same sentence after it ("…,” he added) or before it (the minister stated that “…”), else it
continues the speaker of an earlier quote in its sentence or of the quote just before it. A
short quote nobody is said to have spoken is a scare quote and is left out.

Reported speech is a cue with a clause: "X said (that) …", "according to X, …", "…, X said.",
German "X sagte, …" with Konjunktiv continuation ("Die Stadt habe …") and ", so X", French
"X a déclaré que …" and "selon X, …". Speakers (names, pronouns, role nouns, organisations) are
resolved to a name in the article (`quote_speakers`); every offset is into `article.text`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from itertools import islice
from typing import ClassVar, Literal

from ..models import Document, Mention, QuoteKind, QuoteMention, Sentence
from ..params import Params, param
from ..pipeline import Context, article_stage
from .quote_cues import (
    Cue,
    CueParams,
    clause_subject,
    find_cues,
    noun_kind,
    phrase_left,
    phrase_right,
    source_phrase,
    subject_np,
    verb_subject,
)
from .quote_marks import QuotedSpan, find_quoted
from .quote_speakers import (
    TOKEN,
    Candidate,
    Lexicon,
    NameIndex,
    Token,
    has_role,
    inside_any,
    lexicon,
    name_index,
    role_key,
    tokens,
)
from .sentences import split_sentences

Inherit = Literal["sentence", "previous", "implicit"]


@cache
def _coordinated_cue(lang: str) -> re.Pattern[str]:
    """A conjunction and up to four words right before a cue ("… and then said"): a new clause."""
    alts = "|".join(re.escape(c) for c in sorted(lexicon(lang).conjunctions, key=len, reverse=True)) or "(?!)"
    return re.compile(r"(?:,\s*|\s+)(?:" + alts + r")\s+(?:[\w’'-]+\s+){0,4}$")


@dataclass
class _Found:
    """A quote being built: content bounds, the cue and attributing phrase, the resolved speaker."""

    start: int
    end: int
    kind: QuoteKind
    anchor: int  # where its attribution sits, to order statements by sentence
    cue: Cue | None = None
    ref: Candidate | None = None
    inherit: Inherit | None = None
    speaker: Candidate | None = None
    attribution: str | None = None


@dataclass(frozen=True)
class QuoteParams(Params):
    """Sizes by which the quotes stage tells quotes from scare quotes and bounds its searches; set by
    hand with the patterns and checked on quotes_cs_ru / PolNeAr (docs/bench/quotes.md), not fitted."""

    section: ClassVar[str] = "quotes"
    min_unattributed_words: int = param(6, "a shorter quotation without a speaker is a scare quote, not a quote")
    min_reported_words: int = param(3, "a reported statement holds at least this many words ('he said no' is none)")
    max_apposition_tokens: int = param(25, "“…,” Name, <apposition up to this many tokens>, said")
    cue_window_chars: int = param(
        400, "characters after a cue searched for its clause: the patterns look 10 words ahead, which 400 hold"
    )
    speaker_window_chars: int = param(
        500, "characters before a cue searched for its speaker: 26 words back with room for an apposition"
    )


class _Article:
    """One article's text, sentences, names and cues, shared by the extraction steps."""

    def __init__(
        self,
        text: str,
        lang: str,
        sentences: Sequence[Sentence],
        mentions: Sequence[Mention],
        params: QuoteParams | None = None,
        reach: CueParams | None = None,
    ) -> None:
        self.text = text
        self.params = params or QuoteParams()
        self.reach = reach or CueParams()
        self.lex: Lexicon = lexicon(lang)
        self.sentences = list(sentences) or list(split_sentences(text, lang))
        self._starts = [s.start for s in self.sentences]
        self.quoted: list[QuotedSpan] = find_quoted(text)
        self.masks = [(q.open_at, (q.close_at + 1) if q.close_at is not None else q.end) for q in self.quoted]
        self.names: NameIndex = name_index(text, mentions, self.lex, self.masks)
        self.cues = find_cues(text, lang, self.masks)
        self.used: set[int] = set()
        self._in_mask = inside_any(self.masks)
        self._cue_starts = [c.start for c in self.cues]
        self._mask_ends = sorted(e for _, e in self.masks)
        self._name_starts = [c.start for c in self.names.names]

    def sentence_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self._starts, pos) - 1)

    def bounds(self, idx: int) -> tuple[int, int]:
        if not self.sentences:
            return 0, len(self.text)
        s = self.sentences[idx]
        return s.start, s.end

    def cues_in(self, start: int, end: int) -> list[Cue]:
        first = bisect.bisect_left(self._cue_starts, start)
        last = bisect.bisect_left(self._cue_starts, end)
        return [c for c in self.cues[first:last] if c.end <= end]

    def in_quote(self, pos: int) -> bool:
        return self._in_mask(pos)

    def last_mask_end(self, floor: int, pos: int) -> int:
        """The latest end of a quotation in [floor, pos], or `floor` when none ends there."""
        k = bisect.bisect_right(self._mask_ends, pos) - 1
        return self._mask_ends[k] if k >= 0 and self._mask_ends[k] >= floor else floor

    def names_between(self, start: int, end: int) -> list[Candidate]:
        """Name candidates starting in [start, end)."""
        names = self.names.names
        return names[bisect.bisect_left(self._name_starts, start) : bisect.bisect_left(self._name_starts, end)]


# ---------------------------------------------------------------------------------------------
# Direct quotes


def _direct(art: _Article) -> list[_Found]:
    out: list[_Found] = []
    sentences_with_quotes: set[int] = set()
    for q in art.quoted:
        found = _Found(q.start, q.end, "direct", q.open_at)
        if not _attribute_after(art, q, found):
            _attribute_before(art, q, found)
        if found.ref is None and found.inherit is None:
            same = art.sentence_of(q.open_at) in sentences_with_quotes
            found.ref = None if same else _embedding_subject(art, q)
            found.inherit = "sentence" if same else None if found.ref is not None else "previous"
        out.append(found)
        sentences_with_quotes.add(art.sentence_of(found.anchor))
    return out


def _embedding_subject(art: _Article, q: QuotedSpan) -> Candidate | None:
    """Who a cue-less quotation is ascribed to: the subject of the sentence it sits in (a person for a short one)."""
    start, _ = art.bounds(art.sentence_of(q.open_at))
    if not art.text[start : q.open_at].strip() and art.text[: q.open_at].rstrip().endswith(":"):
        start, _ = art.bounds(art.sentence_of(len(art.text[: q.open_at].rstrip()) - 1))  # He listed them:\n“…”
    introduced = art.text[start : q.open_at].rstrip().endswith(":")  # "Trump: “We will win.”"
    if any(start <= s < q.open_at for s, _ in art.masks) or len(tokens(art.text, start, q.open_at)) < 2 - introduced:
        return None
    subject = clause_subject(art.text, start, q.open_at, art.lex, art.names, art.reach)
    if subject is None or len(tokens(art.text, q.start, q.end)) >= art.params.min_unattributed_words:
        return subject
    # A short phrase is a partial quote when a person uses it ("Trump called it “a disaster”"),
    # a title or a scare quote when a thing or an organisation is the subject.
    person = subject.kind in ("pronoun", "role") or (subject.kind == "name" and subject.type == "PERSON")
    return subject if person and subject.gender != "n" else None


def _attribute_after(art: _Article, q: QuotedSpan, found: _Found) -> bool:
    """Attribution after the close mark: “…,” he said / said Anton Velikov / according to X."""
    if q.close_at is None:
        return False
    zone_start = q.close_at + 1
    sidx = art.sentence_of(q.close_at)
    _, zone_end = art.bounds(sidx)
    if not art.text[zone_start:zone_end].strip(" .,!?\u00a0") and sidx + 1 < len(art.sentences):
        nxt_start, nxt_end = art.bounds(sidx + 1)
        if "\n" not in art.text[zone_start:nxt_start] and (
            len(tokens(art.text, nxt_start, nxt_end)) <= 8 or art.text[q.close_at - 1] in "!?"
        ):
            zone_end = nxt_end  # “….” Trump said.
    zone_end = max(zone_end, zone_start)
    nxt = next((m for m in art.masks if m[0] >= zone_start), None)
    if nxt is not None:
        zone_end = min(zone_end, nxt[0])
    for cue in art.cues_in(zone_start, zone_end):
        between = tokens(art.text, zone_start, cue.start)
        named = _named_apposition(art, between, cue)
        if (len(between) > 5 and named is None) or any(t.low in art.lex.conjunctions for t in between):
            break
        if cue.kind == "participle":
            continue
        ref = named or _ref_for_cue(art, cue, zone_start, zone_end)
        if ref is None and cue.kind in ("verb", "naming"):
            ref = subject_np(art.text, cue.start, zone_start, art.lex)
        if ref is not None or cue.kind == "impersonal":
            found.cue, found.ref = cue, ref
            found.inherit = None if ref is not None else "implicit"
            found.anchor = cue.start
            art.used.add(cue.start)
            return True
    return False


def _named_apposition(art: _Article, between: Sequence[Token], cue: Cue) -> Candidate | None:
    """The name in “…,” Sam Nunberg, a former Trump aide, said: a name, then a comma-set apposition."""
    if not between or len(between) > art.params.max_apposition_tokens:
        return None
    name = art.names.at(between[0].start, between[0].end)
    if name is None or name.type == "PLACE" or name.start != between[0].start:
        return None
    gap = art.text[name.end : cue.start].strip()
    if not (gap.startswith(",") and gap.endswith(",")) or art.in_quote(name.end):
        return None
    return name


def _ref_for_cue(art: _Article, cue: Cue, floor: int, ceiling: int) -> Candidate | None:
    text, lex, names = art.text, art.lex, art.names
    if cue.kind in ("according", "impersonal"):
        stop = re.search(r"[,.;:!?]", text[cue.end : ceiling])
        end = cue.end + stop.start() if stop else ceiling
        return source_phrase(text, cue.end, end, lex, names)
    if cue.kind == "so":
        return phrase_right(text, cue.end, ceiling, lex, names)
    found = verb_subject(text, cue, floor, ceiling, lex, names, art.reach)
    return found or phrase_right(text, cue.end, ceiling, lex, names)


def _attribute_before(art: _Article, q: QuotedSpan, found: _Found) -> bool:
    """Attribution before the open mark: X said: “…” / the minister stated that “…”."""
    sidx = art.sentence_of(q.open_at)
    floor, _ = art.bounds(sidx)
    before = art.text[: q.open_at].rstrip()
    if not art.text[floor : q.open_at].strip() and before.endswith(":") and sidx > 0:
        floor, _ = art.bounds(art.sentence_of(len(before) - 1))  # Breitbart News responded:\n“…”
    floor = art.last_mask_end(floor, q.open_at)
    cues = [c for c in art.cues_in(floor, q.open_at) if c.kind != "so"]
    if not cues:
        return False
    cue = cues[-1]
    if cue.kind == "participle":
        found.cue, found.inherit, found.anchor = cue, "sentence", cue.start
        return True
    ref = _ref_for_cue(art, cue, floor, q.open_at) or subject_np(art.text, cue.start, floor, art.lex)
    if ref is None:
        return False
    found.cue, found.ref, found.anchor = cue, ref, cue.start
    return True


# ---------------------------------------------------------------------------------------------
# Reported speech


def _reported(art: _Article) -> list[_Found]:
    out: list[_Found] = []
    for cue in art.cues:
        if cue.start in art.used or cue.kind == "naming":
            continue
        sidx = art.sentence_of(cue.start)
        s_start, s_end = art.bounds(sidx)
        floor = max([s_start, *[e for s, e in art.masks if s_start <= e <= cue.start]])
        made = _forward(art, cue, floor, s_end) if cue.kind in ("verb", "participle") else []
        if not made and cue.kind in ("verb", "impersonal", "so"):
            made = _backward(art, cue, s_start, s_end)
        if not made and cue.kind == "according":
            made = _according(art, cue, s_start, s_end)
        out.extend(made)
    return out


def first_tokens(text: str, start: int, end: int, n: int) -> list[Token]:
    """The first `n` word tokens of `text[start:end]`, without tokenising the rest."""
    return [Token(m.start(), m.end(), m.group()) for m in islice(TOKEN.finditer(text, start, end), n)]


def _content_start(art: _Article, cue: Cue, s_end: int) -> int | None:
    """Where the reported clause after a cue begins, or None when none follows."""
    text, lex = art.text, art.lex
    after = text[cue.end : min(s_end, cue.end + art.params.cue_window_chars)]
    colon = re.match(r"(?:\s+[\w’'-]+){0,3}?\s*:\s*", after)
    if colon:
        return cue.end + colon.end()
    window = first_tokens(text, cue.end, s_end, 10)
    pronoun_next = bool(window) and window[0].low in lex.pronouns and not text[cue.end : window[0].start].strip()
    if pronoun_next and cue.text.lower() in lex.bare_clause_cues:
        return window[0].start  # "said he wants an economy that works": the clause starts at "he"
    for tok in window:
        if art.in_quote(tok.start) or re.search(r"[.;!?]", text[cue.end : tok.start]):
            break
        low = tok.text.lower()
        if low in lex.complementizers:
            return _skip_space(text, tok.end)
        if any(low.startswith(c) and c[-1] in "'’" for c in lex.complementizers):
            return tok.start + 4 if low[3:4] in "'’" else tok.start + 3
    # Whole words only ((?!...)): letting a word split into pieces made the match backtrack for milliseconds.
    comma = re.match(r"((?:\s*[\w’'-]+(?![\w’'-])){0,8}?)\s*,\s*", after)
    if comma and lex.clause_after_comma and not art.in_quote(cue.end + comma.end()):
        start = cue.end + comma.end()
        nxt = first_tokens(text, start, s_end, 1)
        if nxt and nxt[0].text.lower() in lex.complementizers:
            return _skip_space(text, nxt[0].end)
        if lex.bare_clause_after_comma or (nxt and nxt[0].text.lower() in lex.complementizers):
            return start
    if cue.text.lower() in lex.bare_clause_cues and window and not text[cue.end : window[0].start].strip():
        return _bare_clause(art, window)
    return None


def _bare_clause(art: _Article, window: Sequence[object]) -> int | None:
    """English "said the river had peaked": a clause starting right after the cue."""
    lex = art.lex
    toks = [t for t in tokens(art.text, getattr(window[0], "start", 0), getattr(window[-1], "end", 0))]
    while toks and toks[0].low in lex.time_words:
        toks = toks[1:]
    if len(toks) < 3:
        return None
    first = toks[0]
    if first.low in lex.not_clause_start or first.low.endswith("ly") or first.low in lex.time_words:
        return None
    return first.start


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _content_end(art: _Article, start: int, s_end: int) -> int:
    """End of a reported clause: the sentence end, or before a cut marker or a coordinated cue."""
    text, lex = art.text, art.lex
    end = s_end
    for marker in lex.cut_before:
        idx = text.find(marker, start, end)
        if idx > start:
            end = idx
    for cue in art.cues_in(start, end):
        before = text[start : cue.start]
        m = _coordinated_cue(lex.lang).search(before)
        if cue.kind == "participle":
            m = m or re.search(r",\s*$", before)
        if m is not None and cue.kind in ("verb", "participle"):
            cut = start + m.start()
            if cut - start > 10:
                end = min(end, cut)
                break
    while end > start and text[end - 1] in " \t.,;:!?\u00a0":
        end -= 1
    return end


def _split(art: _Article, start: int, end: int) -> list[tuple[int, int]]:
    for marker in art.lex.split_markers:
        idx = art.text.find(marker, start, end)
        if idx > start:
            return [(start, idx), (idx + len(marker), end)]
    return [(start, end)]


_DATELINE = re.compile(r"[A-ZÀ-Þ][\w .,'-]{0,40}\((?:AFP|AP|Reuters|dpa|UPI|TASS|CTK|ČTK)\)\s*[–—-]\s*")


def _statements(
    art: _Article, start: int, end: int, cue: Cue, ref: Candidate | None, inherit: Inherit | None
) -> list[_Found]:
    dateline = _DATELINE.match(art.text, start, end)
    start = dateline.end() if dateline else start
    out = []
    for a, b in _split(art, start, end):
        if len(tokens(art.text, a, b)) >= art.params.min_reported_words:
            out.append(_Found(a, b, "indirect", cue.start, cue, ref, inherit if ref is None else None))
    return out


def _forward(art: _Article, cue: Cue, floor: int, s_end: int) -> list[_Found]:
    start = _content_start(art, cue, s_end)
    if start is None or start >= s_end:
        return []
    end = _content_end(art, start, s_end)
    if cue.kind == "participle":
        return _statements(art, start, end, cue, None, "sentence")
    floor = max(floor, cue.start - art.params.speaker_window_chars)
    ref = verb_subject(art.text, cue, floor, start, art.lex, art.names, art.reach)
    ref = ref or subject_np(art.text, cue.start, floor, art.lex)
    if ref is None:
        ref = phrase_right(art.text, cue.end, start, art.lex, art.names)
    return _statements(art, start, end, cue, ref, "implicit")


def _backward(art: _Article, cue: Cue, s_start: int, s_end: int) -> list[_Found]:
    """ "…, X said." / "…, said X." / "…, hieß es." / "…, so X.": the content precedes the cue."""
    text = art.text
    comma = text.rfind(",", s_start, cue.start)
    if comma <= s_start:
        return []
    between = tokens(text, comma, cue.start)
    tail = first_tokens(text, cue.end, s_end, 15)
    if len(between) > 6 or len(tail) > 14 or art.in_quote(comma - 1):
        return []
    if between and (between[0].low in art.lex.conjunctions or any(t.low in art.lex.clause_words for t in between)):
        return []
    if tail and tail[0].low in art.lex.agent_prepositions:  # "…, said by", "…, sagte von": no speaker follows
        return []
    if any(art.in_quote(t.start) for t in between):
        return []
    start = s_start
    prev_close = [e for s, e in art.masks if s_start <= e <= comma]
    if prev_close:
        return []
    end = comma
    while end > start and text[end - 1] in " \t.,;:!?\u00a0":
        end -= 1
    if cue.kind == "impersonal":
        ref = source_phrase(text, cue.end, s_end, art.lex, art.names) if tail else None
        return _statements(art, start, end, cue, ref, "implicit")
    if cue.kind == "so":
        ref = phrase_right(text, cue.end, s_end, art.lex, art.names)
    else:
        ref = phrase_left(text, cue.start, comma + 1, art.lex, art.names, art.reach) or phrase_right(
            text, cue.end, s_end, art.lex, art.names
        )
        ref = ref or subject_np(text, cue.start, comma + 1, art.lex)
    if ref is None:
        return []
    return _statements(art, start, end, cue, ref, None)


def _according(art: _Article, cue: Cue, s_start: int, s_end: int) -> list[_Found]:
    """ "According to X, …" / "…, according to X." / "Nach Angaben des Rats sollen …"."""
    text, lex = art.text, art.lex
    lead = tokens(text, s_start, cue.start)
    if cue.text.lower() == "zufolge":
        ref = source_phrase(text, s_start, cue.start, lex, art.names)
        return _statements(art, _skip_space(text, cue.end), _content_end(art, cue.end, s_end), cue, ref, None)
    if len(lead) <= 2:
        comma = text.find(",", cue.end, s_end)
        if comma < 0 or len(tokens(text, cue.end, comma)) > 8:
            src_end = _german_np_end(art, cue.end, s_end)
            if src_end is None:
                return []
            comma, start = src_end, src_end
        else:
            start = _skip_apposition(art, comma + 1, s_end)
        ref = source_phrase(text, cue.end, comma, lex, art.names)
        return _statements(art, _skip_space(text, start), _content_end(art, start, s_end), cue, ref, None)
    comma = text.rfind(",", s_start, cue.start)
    if comma > s_start and not text[comma : cue.start].strip(", "):
        stop = re.search(r"[,.;]", text[cue.end : s_end])
        src_end = cue.end + stop.start() if stop else s_end
        ref = source_phrase(text, cue.end, src_end, lex, art.names)
        start, end = s_start, comma
        rest = _skip_space(text, src_end + 1)
        if len(tokens(text, rest, s_end)) > len(tokens(text, s_start, comma)):
            start, end = rest, _content_end(art, rest, s_end)  # "The AP reported that, according to X, …"
        return _statements(art, start, end, cue, ref, None)
    return []


def _german_np_end(art: _Article, start: int, s_end: int) -> int | None:
    """End of a German source phrase without comma ("Nach Angaben des Getreiderats sollen …")."""
    toks = tokens(art.text, start, s_end)
    for i, tok in enumerate(toks[:6]):
        if i > 0 and tok.text[:1].islower() and tok.low not in art.lex.determiners:
            return tok.start
    return None


def _skip_apposition(art: _Article, pos: int, s_end: int) -> int:
    """After "Selon un communiqué de X, l'organisation de secours locale, …", skip the apposition."""
    nxt = art.text.find(",", pos, s_end)
    if nxt < 0:
        return pos
    toks = tokens(art.text, pos, nxt)
    determined = bool(toks) and (toks[0].low in art.lex.determiners or toks[0].low[:2] in ("l'", "l’"))
    if determined and len(toks) <= 6 and any(noun_kind(t, art.lex) in ("org", "role") for t in toks):
        return nxt + 1
    return pos


def _subjunctive(art: _Article, found: list[_Found]) -> list[_Found]:
    """German Konjunktiv sentences right after reported speech continue it without a cue."""
    lex = art.lex
    if not lex.subjunctive:
        return []
    by_sentence = {art.sentence_of(f.anchor) for f in found} | {art.sentence_of(f.start) for f in found}
    out: list[_Found] = []
    for idx in range(1, len(art.sentences)):
        if idx in by_sentence or idx - 1 not in by_sentence | {art.sentence_of(f.start) for f in out}:
            continue
        start, end = art.bounds(idx)
        if art.cues_in(start, end) or art.in_quote(start):
            continue
        first = art.text[start:end].split(",")[0]
        if not {t.low for t in tokens(first)} & lex.subjunctive:
            continue
        while end > start and art.text[end - 1] in " .!?":
            end -= 1
        out.append(_Found(start, end, "indirect", start, None, None, "implicit"))
    return out


# ---------------------------------------------------------------------------------------------
# Speaker resolution


class _Resolver:
    """Resolves attributing phrases in text order, tracking the focus person of each sentence."""

    def __init__(self, art: _Article) -> None:
        self.art = art
        self.focus: dict[int, Candidate] = {}
        self.org_focus: dict[int, Candidate] = {}
        self.done: list[_Found] = []
        self._by_sentence: dict[int, list[_Found]] = {}  # done statements by sentence: no rescans

    def _done(self, f: _Found) -> None:
        self.done.append(f)
        self._by_sentence.setdefault(self.art.sentence_of(f.anchor), []).append(f)

    def run(self, found: list[_Found]) -> list[_Found]:
        art = self.art
        order = sorted(found, key=lambda f: (art.sentence_of(f.anchor), f.anchor, f.start))
        k = 0
        for idx in range(max(1, len(art.sentences))):
            while k < len(order) and art.sentence_of(order[k].anchor) <= idx:
                self._resolve(order[k], art.sentence_of(order[k].anchor))
                self._done(order[k])
                k += 1
            self._set_focus(idx)
        for f in order[k:]:
            self._resolve(f, art.sentence_of(f.anchor))
            self._done(f)
        return self.done

    def _set_focus(self, idx: int) -> None:
        start, end = self.art.bounds(idx)
        done = self._by_sentence.get(idx, [])
        spoken = [f.speaker for f in done if self.art.sentence_of(f.anchor) == idx and f.speaker is not None]
        near = self.art.names_between(start, end)
        persons = [c for c in spoken if c.type in ("PERSON", None) and c.kind == "name"] + [
            c for c in near if c.type == "PERSON"
        ]
        orgs = [c for c in spoken if c.type == "ORG"] + [c for c in near if c.type == "ORG"]
        if persons:
            self.focus[idx] = persons[0]
        if orgs:
            self.org_focus[idx] = orgs[0]

    def _resolve(self, f: _Found, idx: int) -> None:
        if f.ref is None:
            self._inherit(f, idx)
            return
        f.speaker, f.attribution = self._speaker(f.ref, idx)

    def _speaker(self, ref: Candidate, idx: int) -> tuple[Candidate | None, str]:
        """Who an attributing phrase names, and how it names them."""
        if ref.kind == "relative" and ref.antecedent is not None:
            return self._speaker(ref.antecedent, idx)  # "Obama, who said": as if "Obama said"
        if ref.kind == "name":
            return ref, "organisation" if ref.type == "ORG" else "name"
        if ref.kind == "pronoun":
            return self._pronoun(ref, idx), "pronoun"
        if ref.kind == "role":
            return self._role(ref, idx), "role"
        if ref.kind in ("org", "report"):
            return self._org(ref, idx), "organisation"
        return ref, "role"

    def _inherit(self, f: _Found, idx: int) -> None:
        prev = [d for d in self.done if d.speaker is not None and d.start < f.start]
        if f.inherit == "sentence":
            prev = [d for d in prev if self.art.sentence_of(d.anchor) == idx or self.art.sentence_of(d.start) == idx]
        else:
            prev = [d for d in prev if idx - self.art.sentence_of(d.end) <= 2]
        if prev:
            last = max(prev, key=lambda d: d.start)
            f.speaker, f.attribution = last.speaker, "implicit"
            f.ref = last.ref
        elif f.inherit == "sentence" and f.cue is not None:
            subject = self._sentence_subject(f.cue.start, idx)
            if subject is not None:
                f.ref = subject
                self._resolve(f, idx)
        elif f.inherit == "implicit":
            org = self._latest(self.org_focus, idx)
            if org is not None:
                f.speaker, f.attribution = org, "implicit"

    def _sentence_subject(self, before: int, idx: int) -> Candidate | None:
        """Who "saying" or "adding" continues: the subject opening the sentence, else its first name."""
        start, _ = self.art.bounds(idx)
        art = self.art
        subject = clause_subject(art.text, start, before, art.lex, art.names, art.reach)
        if subject is not None:
            return subject
        return next((c for c in art.names.names if start <= c.start < before and c.type in ("PERSON", "ORG")), None)

    @staticmethod
    def _latest(focus: dict[int, Candidate], idx: int, window: int = 4) -> Candidate | None:
        for k in range(idx, max(-1, idx - window - 1), -1):
            if k in focus:
                return focus[k]
        return None

    def _pronoun(self, ref: Candidate, idx: int) -> Candidate | None:
        gender = ref.gender
        start, _ = self.art.bounds(idx)
        same = [c for c in self.art.names.persons_before(ref.start) if c.start >= start]
        pool = list(reversed(same))
        for k in range(idx - 1, max(-1, idx - 5), -1):
            if gender == "n":
                if k in self.org_focus:
                    pool.append(self.org_focus[k])
            elif k in self.focus:
                pool.append(self.focus[k])
            elif gender == "p" and k in self.org_focus:
                pool.append(self.org_focus[k])
        for c in pool:
            if gender in ("m", "f") and c.gender is not None and c.gender != gender:
                continue
            return c
        return None

    def _role(self, ref: Candidate, idx: int) -> Candidate:
        words = ref.text.split()
        first = words[0].lower() if words else ""
        lex = self.art.lex
        if first in lex.indefinite_articles or (first not in lex.determiners and lex.role_needs_determiner):
            return ref
        key = role_key(ref.text)
        persons = self.art.names.persons_before(ref.start)
        if key is not None:
            match = [c for c in persons if has_role(c, key)]
            if match:
                return match[-1]
        return ref

    def _org(self, ref: Candidate, idx: int) -> Candidate:
        if ref.kind == "report":
            toks = tokens(self.art.text, ref.start, ref.end)
            inner = [t for t in toks if t.text[:1].isupper() and t.low not in self.art.lex.determiners]
            if inner:
                return Candidate(
                    inner[0].start, inner[-1].end, self.art.text[inner[0].start : inner[-1].end], "name", "ORG"
                )
        noun = re.sub(r"^(?:l|d)['’]", "", ref.text.split()[-1].lower()) if ref.text.split() else ""
        orgs = [c for c in self.art.names.names if c.end <= ref.start and c.type == "ORG"]
        orgs += [
            d.speaker
            for d in self.done
            if d.speaker is not None and d.speaker.type == "ORG" and d.speaker.end <= ref.start
        ]
        orgs.sort(key=lambda c: c.start)
        named = [c for c in orgs if noun and (noun in c.text.lower() or c.text.lower() in noun)]
        if named:
            return named[-1]
        if not orgs:
            focus = self._latest(self.org_focus, idx)
            return focus if focus is not None else ref
        counts: dict[str, int] = {}
        for c in orgs:
            counts[c.text] = counts.get(c.text, 0) + 1
        return max(reversed(orgs), key=lambda c: counts[c.text])


# ---------------------------------------------------------------------------------------------
# Assembly


def _keep(f: _Found, direct: Sequence[_Found], text: str, min_words: int) -> bool:
    if f.kind == "direct":
        if f.speaker is not None or f.ref is not None:
            return True  # attributed by a cue, even to a pronoun nobody in the text resolves
        return len(tokens(text, f.start, f.end)) >= min_words
    for d in direct:
        overlap = min(d.end, f.end) - max(d.start, f.start)
        if overlap > 0.5 * (f.end - f.start):
            return False
    return f.end > f.start


def _mention(f: _Found, text: str) -> QuoteMention:
    sp, ref = f.speaker, f.ref
    return QuoteMention(
        start=f.start,
        end=f.end,
        text=text[f.start : f.end],
        kind=f.kind,
        speaker_start=sp.start if sp else None,
        speaker_end=sp.end if sp else None,
        speaker_text=text[sp.start : sp.end] if sp else None,
        cue=f.cue.text if f.cue else None,
        attribution=f.attribution,
        reference_start=ref.start if ref else None,
        reference_end=ref.end if ref else None,
        reference_text=text[ref.start : ref.end] if ref else None,
    )


def extract_quotes(
    text: str,
    lang: str,
    sentences: Sequence[Sentence] = (),
    mentions: Sequence[Mention] = (),
    params: QuoteParams | None = None,
    reach: CueParams | None = None,
) -> tuple[QuoteMention, ...]:
    """Direct and reported quotes of one article with their speakers, in text order."""
    art = _Article(text, lang, sentences, mentions, params, reach)
    least = art.params.min_unattributed_words
    direct = _direct(art)
    reported = _reported(art)
    found = direct + reported
    found += _subjunctive(art, found)
    resolved = _Resolver(art).run(found)
    kept_direct = [f for f in resolved if f.kind == "direct" and _keep(f, (), text, least)]
    kept = kept_direct + [f for f in resolved if f.kind == "indirect" and _keep(f, kept_direct, text, least)]
    seen: set[tuple[int, int]] = set()
    out = []
    for f in sorted(kept, key=lambda f: (f.start, f.end)):
        if (f.start, f.end) not in seen:
            seen.add((f.start, f.end))
            out.append(_mention(f, text))
    return tuple(out)


@article_stage(
    "quotes",
    requires=["text", "language", "sentences", "mentions"],
    provides=["quotes"],
    version="3",
    params=[QuoteParams, CueParams],
)
def quotes_stage(docs: Sequence[Document], ctx: Context) -> list[Document]:
    """Add `Document.quotes`, using entity mentions when an earlier stage found them."""
    p, reach = ctx.params(QuoteParams), ctx.params(CueParams)
    return [
        replace(
            doc, quotes=extract_quotes(doc.article.text, doc.article.language, doc.sentences, doc.mentions, p, reach)
        )
        for doc in docs
    ]
