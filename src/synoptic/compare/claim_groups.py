"""Alignment: the same claim in different articles and languages becomes one group.

Sentences are embedded with multilingual E5 and grouped by average-linkage clustering across
articles. E5 cosine scores sit in a narrow band (~0.75-0.95), and within one language unrelated
sentences score a little higher than across languages, so same-language scores are lowered by
`claims.same_language_offset` before any threshold applies. The thresholds (`ClaimParams`) were
fitted on the WMT22 calibration half, where versions of one document are aligned segment by
segment (benchmarks/conflicts_wmt22.py; docs/bench/conflicts.md reports the held-out half).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from ..embed import IDENTITY, CosineScale, Embedder, model_text, scaled_cosines
from ..models import Derivation, Document
from ..stories.passage_alignment import unit_spans
from .anchors import name_keys, sharing
from .claims import ClaimParams, ClaimUnit

Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Aligned:
    """Claim units and their pairwise similarities, with the groups they form."""

    units: tuple[ClaimUnit, ...]
    sims: Matrix
    groups: tuple[tuple[int, ...], ...]  # unit indexes per claim, in order of first appearance

    def sim(self, i: int, j: int) -> float:
        return float(self.sims[i, j])

    def group_of(self) -> dict[int, int]:
        """Unit index -> group index."""
        return {u: g for g, members in enumerate(self.groups) for u in members}


def embed_units(
    units: Sequence[ClaimUnit],
    embedder: Embedder,
    same_as: Mapping[int, int] | None = None,
    wanted: Iterable[int] | None = None,
) -> Matrix:
    """Unit vectors of the claim texts (an (n, dim) matrix); each distinct text is embedded once (the
    embedder folds white space and cuts long sentences, `embed.model_text`). A unit in `same_as`
    (unit -> unit) is a sentence that a derivation aligned with a sentence of its source, a
    translation or copy of it: it takes that sentence's vector instead of its own, so rewrites of one
    story cost E5 once, as they count as one voice. With `wanted`, only those units' texts are
    embedded; a unit whose text (or its source's) is not among them gets a zero vector (similarity 0)."""
    root_texts = _root_texts(units, same_as)
    distinct = _distinct(root_texts, wanted)
    if not distinct:
        empty: Matrix = embedder.encode([])
        return np.zeros((len(units), empty.shape[1]), dtype=np.float32) if units else empty
    vectors = embedder.encode(distinct)
    row = {t: i for i, t in enumerate(distinct)}
    out: Matrix = np.zeros((len(units), vectors.shape[1]), dtype=np.float32)
    for i, text in enumerate(root_texts):
        if text in row:
            out[i] = vectors[row[text]]
    return out


def _root_texts(units: Sequence[ClaimUnit], same_as: Mapping[int, int] | None) -> list[str]:
    """Each unit's text as E5 reads it: its own, or that of the sentence it renders (`chain_root`)."""
    return [model_text(units[chain_root(i, same_as or {})].text) for i in range(len(units))]


def _distinct(root_texts: Sequence[str], wanted: Iterable[int] | None) -> list[str]:
    chosen = range(len(root_texts)) if wanted is None else sorted(wanted)
    return list(dict.fromkeys(root_texts[i] for i in chosen))


@dataclass(frozen=True)
class EmbedPlan:
    """What `align` embeds of a story of several articles: derived sentences take their source's
    vector (`same_as`, see `embed_units`), and only `wanted` units are embedded (None: all)."""

    same_as: Mapping[int, int]
    wanted: frozenset[int] | None

    def texts(self, units: Sequence[ClaimUnit]) -> list[str]:
        """The distinct texts `embed_units` encodes for this plan, in its order."""
        return _distinct(_root_texts(units, self.same_as), self.wanted)


def embed_plan(
    units: Sequence[ClaimUnit],
    derivations: Iterable[Derivation] = (),
    documents: Mapping[str, Document] | None = None,
    params: ClaimParams | None = None,
    voices: Mapping[str, str] | None = None,
    static: Embedder | None = None,
) -> EmbedPlan | None:
    """The E5 work `align` does for these arguments (None for a one-article story, which needs none),
    worked out first so that a caller can encode the texts of many stories in one call."""
    if len({u.article for u in units}) <= 1:
        return None
    same_as = derived_sentences(units, derivations, documents or {})
    if voices is None:
        return EmbedPlan(same_as, None)
    threshold = (params or ClaimParams()).static_pair
    return EmbedPlan(same_as, frozenset(units_to_embed(units, voices, same_as, static, threshold)))


def with_renderings(
    units: Sequence[ClaimUnit],
    same_as: Mapping[int, int],
    sims: Matrix,
    offset: float = ClaimParams.same_language_offset,
) -> Matrix:
    """`sims` where units rendering one sentence (the same text, or one derivation chain) score as
    E5 scores them whether embedded or not: one vector, cosine 1 (lowered by `offset` within a
    language), so renderings of one voice group without E5."""
    keys = np.unique(np.array(_root_texts(units, same_as), dtype=object), return_inverse=True)[1]
    langs = np.array([u.lang for u in units])
    same = keys[:, None] == keys[None, :]
    out: Matrix = np.where(same, np.where(langs[:, None] == langs[None, :], 1.0 - offset, 1.0), sims).astype(np.float32)
    np.fill_diagonal(out, 1.0)
    return out


def unit_anchors(u: ClaimUnit) -> frozenset[str]:
    """What a rendering of the sentence elsewhere keeps: its words (a copy), the entities, names and
    numbers it names, and its resolved days."""
    keys = {"text:" + model_text(u.text)} | {"key:" + k for k in u.keys}
    keys |= {"name:" + k for k in name_keys(u.text)}
    keys |= {"day:" + day for t in u.times if (day := t.day)}
    return frozenset(keys)


def units_to_embed(
    units: Sequence[ClaimUnit],
    voices: Mapping[str, str],
    same_as: Mapping[int, int],
    static: Embedder | None,
    threshold: float,
) -> set[int]:
    """Units whose E5 vector can matter: both ends of every pair of units of two voices, and within
    one voice, of pairs of two articles with a sentence that derivations did not align (outside
    every derivation chain, `same_as`) that share an anchor (`unit_anchors`) or a static cosine of
    `threshold` or more. Pairs that need no E5 are left out: renderings of one sentence (one chain)
    score 1 without it, and two sentences that derivations carried over within one voice render two
    different sentences of its source. So a story told by one voice (an original and its
    translations) costs E5 only for the sentences derivations did not align that another article may
    render; a story of several voices is compared in full across them (shared anchors and static
    cosines alone miss paraphrases by independent writers: benchmarks/claim_candidates.py)."""
    n = len(units)
    if len({u.article for u in units}) < 2:
        return set()
    roots = np.array([chain_root(i, same_as) for i in range(n)])
    articles = np.array([u.article for u in units])
    owner = np.array([voices.get(u.article, u.article) for u in units])
    aligned = np.zeros(n, dtype=bool)
    aligned[[*same_as, *same_as.values()]] = True  # in a derivation chain
    close = sharing([unit_anchors(u) for u in units])
    if static is not None:
        vectors = static.encode([u.text for u in units])
        close |= vectors @ vectors.T >= threshold
    one_voice = owner[:, None] == owner[None, :]
    orphan = ~aligned[:, None] | ~aligned[None, :]
    needed = (articles[:, None] != articles[None, :]) & (roots[:, None] != roots[None, :])
    needed &= ~one_voice | (orphan & close)
    return {int(k) for k in np.flatnonzero(needed.any(axis=1))}


def chain_root(i: int, same_as: Mapping[int, int]) -> int:
    """The first item of a chain of derivations (a translation of a copy of ...), cycles cut."""
    seen = {i}
    while i in same_as and same_as[i] not in seen:
        i = same_as[i]
        seen.add(i)
    return i


def carried_over(
    anchors: Sequence[tuple[str, int]], derivations: Iterable[Derivation], documents: Mapping[str, Document]
) -> dict[int, int]:
    """Item -> the source's item it renders, for items (sentences, quotes) given by (article, start
    offset). A derivation's passage is a diagonal run of aligned sentences, so its k-th sentence on
    one side renders its k-th on the other; an item of a derived sentence maps to the item of the
    aligned source sentence when both sentences hold as many items (paired in order). Shared passages
    are independent voices and carry nothing."""
    by_article: dict[str, list[int]] = {}
    for k, (article, _) in enumerate(anchors):
        by_article.setdefault(article, []).append(k)

    def items_in(article: str, start: int, end: int) -> list[int]:
        found = [k for k in by_article.get(article, ()) if start <= anchors[k][1] < end]
        return sorted(found, key=lambda k: anchors[k][1])

    spans: dict[str, list[tuple[int, int]]] = {}

    def sentences_of(article: str) -> list[tuple[int, int]]:
        if article not in spans:
            spans[article] = unit_spans(documents[article])
        return spans[article]

    out: dict[int, int] = {}
    for d in derivations:
        if d.kind == "shared-passage" or d.source not in by_article or d.derived not in by_article:
            continue
        if d.source not in documents or d.derived not in documents:
            continue
        for p in d.passages:
            src = [(a, b) for a, b in sentences_of(d.source) if p.source.start <= a and b <= p.source.end]
            dst = [(a, b) for a, b in sentences_of(d.derived) if p.derived.start <= a and b <= p.derived.end]
            if len(src) != len(dst):
                continue
            for (sa, sb), (da, db) in zip(src, dst, strict=True):
                a, b = items_in(d.source, sa, sb), items_in(d.derived, da, db)
                if len(a) == len(b):
                    out.update(zip(b, a, strict=True))
    return out


def derived_sentences(
    units: Sequence[ClaimUnit], derivations: Iterable[Derivation], documents: Mapping[str, Document]
) -> dict[int, int]:
    """Derived claim unit -> source unit, for sentences that derivations aligned one to one."""
    return carried_over([(u.article, u.start) for u in units], derivations, documents)


def similarities(
    vectors: Matrix,
    langs: Sequence[str] = (),
    offset: float = ClaimParams.same_language_offset,
    scale: CosineScale = IDENTITY,
) -> Matrix:
    """Calibrated cosine similarities on E5's scale (`scale`: the encoder's map onto it): pairs in one
    language are lowered by `offset`."""
    if len(vectors) == 0:
        return np.zeros((0, 0), dtype=np.float32)
    if not langs:
        return scaled_cosines(vectors, vectors, scale)
    codes = np.array(list(langs))
    same = codes[:, None] == codes[None, :]
    sims = scaled_cosines(vectors, vectors, scale, same)
    np.fill_diagonal(same, False)
    return np.where(same, sims - offset, sims).astype(np.float32)


def cluster(
    units: Sequence[ClaimUnit], sims: Matrix, threshold: float = ClaimParams.align
) -> tuple[tuple[int, ...], ...]:
    """Groups of units that state one claim: average linkage, never two sentences of one article
    joined by themselves (their similarity counts as zero)."""
    n = len(units)
    if n == 0:
        return ()
    if n == 1:
        return ((0,),)
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    dist = 1.0 - sims.astype(np.float64)
    articles = np.array([u.article for u in units])
    dist[articles[:, None] == articles[None, :]] = 1.0
    np.fill_diagonal(dist, 0.0)
    dist = np.clip((dist + dist.T) / 2, 0.0, 2.0)
    labels = fcluster(
        linkage(squareform(dist, checks=False), method="average"), t=1.0 - threshold, criterion="distance"
    )
    members: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        members.setdefault(int(label), []).append(i)
    return tuple(sorted((tuple(m) for m in members.values()), key=lambda g: g[0]))


def borrow_dates(units: Sequence[ClaimUnit], sims: Matrix, threshold: float = ClaimParams.borrow) -> list[ClaimUnit]:
    """Resolve weekdays of articles without a publication date from closely aligned sentences of
    dated articles that name the same weekday ("Thursday" in both -> 2022-01-13)."""
    out = list(units)
    for i, u in enumerate(units):
        if not any(t.weekday is not None and not t.day for t in u.times):
            continue
        times = list(u.times)
        for k, t in enumerate(times):
            if t.weekday is None or t.day:
                continue
            close = [int(j) for j in np.flatnonzero(sims[i] >= threshold)]
            donors = [
                d.day
                for j in close
                if j != i and units[j].article != u.article
                for d in units[j].times
                if d.weekday == t.weekday and d.day
            ]
            if donors:
                times[k] = replace(t, value=max(set(donors), key=donors.count))
        out[i] = replace(u, times=tuple(times))
    return out


def same_text_similarities(units: Sequence[ClaimUnit]) -> Matrix:
    """1 for units with the same text (and on the diagonal), 0 otherwise."""
    texts = np.array([" ".join(u.text.split()) for u in units], dtype=object)
    out: Matrix = (texts[:, None] == texts[None, :]).astype(np.float32)
    return out


def align(
    units: Sequence[ClaimUnit],
    embedder: Embedder,
    derivations: Iterable[Derivation] = (),
    documents: Mapping[str, Document] | None = None,
    params: ClaimParams | None = None,
    voices: Mapping[str, str] | None = None,
    static: Embedder | None = None,
    plan: EmbedPlan | None = None,
    scale: CosineScale = IDENTITY,
) -> Aligned:
    """Embed, compare and group the claim units of one story. The units of a one-article story are
    never embedded: sentences of one article are never joined into one claim nor compared for
    conflicts, so only repeated sentences (the same text) count as similar there. That keeps E5,
    the costliest step of a run, to stories that several articles report; there, sentences that
    `derivations` align with their source share its vector (`embed_units`). With `voices` (article
    -> voice), only units with a plausible partner in another voice are embedded
    (`units_to_embed`, with `static` for close pairs); the others get similarity 0.
    `params`: the run's `ClaimParams` (None: the declared defaults). `plan`: `embed_plan` of the same
    arguments, when the caller has worked it out already. `scale`: `embedder`'s map onto E5's cosines."""
    p = params or ClaimParams()
    plan = plan or embed_plan(units, derivations, documents, p, voices, static)
    if plan is None:
        sims = same_text_similarities(units)
        return Aligned(tuple(units), sims, cluster(units, sims, p.align))
    vectors = embed_units(units, embedder, plan.same_as, plan.wanted)
    sims = similarities(vectors, [u.lang for u in units], p.same_language_offset, scale)
    if plan.wanted is not None:
        sims = with_renderings(units, plan.same_as, sims)
    units = borrow_dates(units, sims, p.borrow)
    return Aligned(tuple(units), sims, cluster(units, sims, p.align))
