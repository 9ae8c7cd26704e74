"""The corpus stage `derivations`: copies, spins, translations and shared wire passages, whole or partial.

- copy: word 3-shingles of the smaller article nearly all found in the other (containment), or the
  two shingle sets nearly equal (Jaccard); an extract (a copied half) is a partial copy.
- paraphrase (spin, rewrite): same language, an order-preserving sentence alignment covering most
  of the derived article.
- translation: different languages, the same alignment across languages.
- shared-passage: otherwise independent articles of one language with a run of near-identical
  sentences (reused wire text).

Sentences are aligned in two steps, so that E5 (about 1 ms a word) sees few sentences:
1. a cheap similarity for every sentence pair: static vectors mixed with word overlap (one language)
   or with shared anchors, the names and numbers a translation keeps (across languages). Its
   order-preserving alignment must cover enough of one article (`gate_*`), or the pair is
   independent; sentence pairs well above its threshold (`trust_*`) align without E5.
2. E5 vectors only of the sentences no trusted pair holds, to align what the cheap step missed.
Thresholds depend on the pair's class (one language; two languages in one script; two scripts,
where the static vectors are weakest) and were fitted on the calibration half of WMT22 news
(docs/bench/derivations.md); each parameter of `DerivationParams` says what it separated there.

A derivation covering most of both articles is whole; one covering most of the derived article
but only part of its source is partial (an outlet translating the first half of a wire story). Both
report their coverage on each side. The direction comes from `stories.direction`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import ClassVar, Literal

import numpy as np

from ..corpus import sized_batches
from ..embed import EncoderParams, encode_by_encoder, sentence_vectors, static_embedder
from ..models import Coverage, Derivation, DerivationKind, Document, Story
from ..params import Params, param
from ..pipeline import Context, CorpusState, corpus_stage
from .direction import DirectionParams, Oriented, orient, pooled, siblings
from .language_odds import warm_language_odds
from .passage_alignment import (
    Matrix,
    Unit,
    anchor_matrix,
    char_coverage,
    lexical_matrix,
    monotone_alignment,
    passages,
    semantic_matrix,
    unit_vectors,
    units,
)

PairClass = Literal["same", "cross", "script"]

_CLASSES: tuple[PairClass, ...] = ("same", "cross", "script")
_CALIBRATED = "calibration half of WMT22 news (docs/bench/derivations.md)"


@dataclass(frozen=True)
class DerivationParams(Params):
    """Thresholds of the derivations stage. Per pair class: one language (`same`), two languages in one
    script (`cross`: de-fr, en-hr), two scripts (`script`: ru-en); fitted on the calibration half of
    WMT22 news, each reason giving what it separated there (docs/bench/derivations.md)."""

    section: ClassVar[str] = "derivations"
    shingle: int = param(3, "copies compare word 3-shingles, the usual unit of near-duplicate detection; not tuned")
    copy_jaccard: float = param(
        0.7, "a copy when the shingle sets are this near (Jaccard); not tuned: no WMT22 pair is a copy"
    )
    copy_containment: float = param(
        0.85, "a copy when this share of the smaller article's shingles is in the other; not tuned (no WMT22 copy)"
    )
    copy_sentence: float = param(
        0.6, "word Dice above which two aligned sentences keep the wording (copy alignment, E5 stand-ins); not tuned"
    )
    stand_in: float = param(
        0.6,
        "word Dice above which a sentence of a same-language copy or paraphrase takes its partner's E5 vector;"
        " WMT22: 0.5 cuts E5 texts 8% (calibration 4.04 -> 3.73 an article, quality equal) but loses a"
        " translation on evaluation (F1 0.952 -> 0.951), so 0.6 stays",
    )
    static_weight: float = param(
        0.5, "weight of the static-vector cosine in the cheap sentence similarity, the rest word/anchor overlap"
    )
    gate_sentence_same: float = param(0.55, f"cheap similarity of the gate alignment, one language; {_CALIBRATED}")
    gate_sentence_cross: float = param(0.35, f"cheap similarity of the gate alignment, one script; {_CALIBRATED}")
    gate_sentence_script: float = param(0.3, f"cheap similarity of the gate alignment, two scripts; {_CALIBRATED}")
    gate_same: float = param(
        0.7, "gate coverage, one language: passes 99.5% of translations/rewrites, 0% of unrelated (WMT22 calibration)"
    )
    gate_cross: float = param(
        0.7, "gate coverage, one script: passes 100% of translations, 5% of unrelated pairs (WMT22 calibration)"
    )
    gate_script: float = param(
        0.55, "gate coverage, two scripts: passes 95% of translations, 27% of unrelated pairs (WMT22 calibration)"
    )
    gate_anchored: float = param(
        0.25, f"across languages the gate also passes when anchor-sharing sentence pairs cover this; {_CALIBRATED}"
    )
    trust_same: float = param(
        0.6, "cheap similarity aligning without E5, one language: unrelated cover <= 0.05 (WMT22 calibration)"
    )
    trust_cross: float = param(
        0.5, "cheap similarity aligning without E5, one script: unrelated cover <= 0.20 (WMT22 calibration)"
    )
    trust_script: float = param(
        0.45, "cheap similarity aligning without E5, two scripts: unrelated cover <= 0.22 (WMT22 calibration)"
    )
    e5_floor: float = param(
        0.8, "E5 cosine mapped to 0 before the e5_sentence thresholds (unrelated sentences sit near 0.75); not tuned"
    )
    e5_sentence_same: float = param(
        0.6, "rescaled E5 aligning two sentences, one language: 99th pct of non-corresponding pairs (WMT22 calib.)"
    )
    e5_sentence_cross: float = param(
        0.45, "rescaled E5 aligning two sentences, one script: 0.39 fitted, 0.45 kept (no hard negatives in WMT22)"
    )
    e5_sentence_script: float = param(
        0.45, "rescaled E5 aligning two sentences, two scripts: 0.50 fitted, lowered to 0.45 (WMT22 calibration)"
    )
    whole_same_language: float = param(
        0.75, f"a whole copy/paraphrase covers at least this share of both articles; {_CALIBRATED}"
    )
    translation_threshold: float = param(
        0.7, f"a whole translation covers at least this share of both articles' sentences; {_CALIBRATED}"
    )
    partial_derived: float = param(
        0.75, "a partial derivation covers this share of the derived article (WMT22 partial cases, calibration)"
    )
    partial_units: int = param(3, "... in at least this many sentences, so one shared sentence is no derivation")
    shared_sentence: float = param(0.9, "word overlap of near-identical sentences in a shared wire passage; not tuned")
    shared_min_words: int = param(30, "a shared wire passage holds at least this many words (about two sentences)")

    def gate_sentence(self, cls: PairClass) -> float:
        return (self.gate_sentence_same, self.gate_sentence_cross, self.gate_sentence_script)[_CLASSES.index(cls)]

    def gate(self, cls: PairClass) -> float:
        return (self.gate_same, self.gate_cross, self.gate_script)[_CLASSES.index(cls)]

    def trust(self, cls: PairClass) -> float:
        return (self.trust_same, self.trust_cross, self.trust_script)[_CLASSES.index(cls)]

    def e5_sentence(self, cls: PairClass) -> float:
        return (self.e5_sentence_same, self.e5_sentence_cross, self.e5_sentence_script)[_CLASSES.index(cls)]

    def whole(self, cls: PairClass) -> float:
        return self.whole_same_language if cls == "same" else self.translation_threshold


_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@dataclass(frozen=True, eq=False)
class Prepared:
    """A document with its alignment units, their static vectors and its shingles, computed once per story."""

    doc: Document
    units: list[Unit]
    static: Matrix
    shingles: frozenset[str]
    script: str


def script_of(text: str) -> str:
    """'cyrl' when most letters are Cyrillic, else 'latn' (the scripts of the supported languages)."""
    letters = [ch for ch in text[:2000] if ch.isalpha()]
    cyr = len(_CYRILLIC.findall("".join(letters)))
    return "cyrl" if letters and cyr * 2 > len(letters) else "latn"


def prepare(docs: Sequence[Document], ctx: Context) -> list[Prepared]:
    """Units, static sentence vectors and shingles of each document (one static call for all of them)."""
    all_units = [units(d) for d in docs]
    size = ctx.params(DerivationParams).shingle
    flat = static_embedder(ctx).encode([u.text for us in all_units for u in us])
    out, at = [], 0
    for doc, us in zip(docs, all_units, strict=True):
        text = doc.article.text
        grams = frozenset(shingles(text, size))
        out.append(Prepared(doc, us, flat[at : at + len(us)], grams, script_of(text)))
        at += len(us)
    return out


@dataclass(frozen=True)
class Pair:
    """Two articles of one story and the alignment found between them (a before b in input order)."""

    a: Prepared
    b: Prepared
    kind: DerivationKind
    score: float
    alignment: tuple[tuple[int, int], ...]
    cover_a: float
    cover_b: float
    partial: bool = False


def shingles(text: str, size: int) -> set[str]:
    words = [w.lower() for w in _WORD.findall(text)]
    return {" ".join(words[i : i + size]) for i in range(max(1, len(words) - size + 1))}


def copy_score(a: frozenset[str], b: frozenset[str], p: DerivationParams) -> float:
    """The larger of shingle Jaccard and containment of the smaller set, when either makes a copy; else 0."""
    if not a or not b:
        return 0.0
    inter = len(a & b)
    jaccard = inter / len(a | b)
    containment = inter / min(len(a), len(b))
    return max(jaccard, containment) if jaccard >= p.copy_jaccard or containment >= p.copy_containment else 0.0


def pair_class(pa: Prepared, pb: Prepared) -> PairClass:
    if pa.doc.article.language == pb.doc.article.language:
        return "same"
    return "cross" if pa.script == pb.script else "script"


def cheap_matrix(pa: Prepared, pb: Prepared, cls: PairClass, p: DerivationParams, lex: Matrix | None = None) -> Matrix:
    """Static cosine mixed with word overlap (one language) or anchor overlap (across languages)."""
    static: Matrix = (pa.static @ pb.static.T).astype(np.float32)
    if cls == "same":
        other = lexical_matrix(pa.units, pb.units) if lex is None else lex
    else:
        other = anchor_matrix(pa.units, pb.units)
    out: Matrix = (p.static_weight * static + (1 - p.static_weight) * other).astype(np.float32)
    return out


def coverages(ua: Sequence[Unit], ub: Sequence[Unit], align: Sequence[tuple[int, int]]) -> tuple[float, float]:
    """Share of each article's sentence characters that an alignment covers."""
    return char_coverage(ua, {i for i, _ in align}), char_coverage(ub, {j for _, j in align})


def passes_gate(
    pa: Prepared, pb: Prepared, p: DerivationParams, lex: Matrix | None = None, cheap: Matrix | None = None
) -> bool:
    """Whether the cheap alignment leaves a paraphrase or translation possible (E5 decides the rest);
    `lex` and `cheap` are the pair's `lexical_matrix` and `cheap_matrix` when the caller has them."""
    cls = pair_class(pa, pb)
    cheap = cheap_matrix(pa, pb, cls, p, lex) if cheap is None else cheap
    align = monotone_alignment(cheap, p.gate_sentence(cls))
    if max(coverages(pa.units, pb.units, align)) >= p.gate(cls):
        return True
    if cls == "same":
        return False
    shared = anchor_matrix(pa.units, pb.units)
    anchored = [(i, j) for i, j in align if shared[i, j] > 0]
    return max(coverages(pa.units, pb.units, anchored)) >= p.gate_anchored


def _dice(a: Sequence[str], b: Sequence[str]) -> float:
    sa, sb = set(a), set(b)
    return 2 * len(sa & sb) / (len(sa) + len(sb)) if sa or sb else 0.0


class StandIns:
    """E5 vectors of a story's sentences, where a sentence that a same-language copy or paraphrase
    aligned with a sentence of another article takes that sentence's vector: two translations of one
    original in one language (siblings) then cost E5 once when each is compared with the original,
    as they count as one voice."""

    def __init__(self, prepared: Sequence[Prepared], ctx: Context) -> None:
        self.encoder = sentence_vectors(ctx, {p.doc.article.language for p in prepared})
        self._stand_in = ctx.params(DerivationParams).stand_in
        self._units = {p.doc.id: p.units for p in prepared}
        self._same: dict[tuple[str, int], tuple[str, int]] = {}

    def _root(self, key: tuple[str, int]) -> tuple[str, int]:
        seen = {key}
        while key in self._same and self._same[key] not in seen:
            key = self._same[key]
            seen.add(key)
        return key

    def learn(self, pair: Pair) -> None:
        """Let the aligned sentences of a same-language copy or paraphrase that keep the wording
        (`copy_sentence`) stand in for each other."""
        if pair.kind not in ("copy", "paraphrase"):
            return
        for i, j in pair.alignment:
            if _dice(pair.a.units[i].tokens, pair.b.units[j].tokens) < self._stand_in:
                continue
            source, derived = self._root((pair.a.doc.id, i)), (pair.b.doc.id, j)
            if derived not in self._same and source != derived:
                self._same[derived] = source

    def units_of(self, p: Prepared, rows: Sequence[int]) -> list[Unit]:
        """The sentences whose vectors rows `rows` of `p` take (their stand-ins where learnt)."""
        keys = [self._root((p.doc.id, i)) for i in rows]
        return [self._units[doc][i] for doc, i in keys]

    def __call__(self, p: Prepared, rows: Sequence[int]) -> Matrix:
        return unit_vectors(self.units_of(p, rows), self.encoder)


@dataclass(frozen=True)
class AlignmentPlan:
    """A pair's alignment before E5: the margins of the cheap similarity, the sentence pairs it
    trusts, and the sentences (`rows` of a, `cols` of b) E5 must compare (none when the trusted pairs
    already make a whole derivation)."""

    a: Prepared
    b: Prepared
    cls: PairClass
    margin: Matrix
    trusted: list[tuple[int, int]]
    rows: list[int]
    cols: list[int]


def plan_alignment(
    pa: Prepared, pb: Prepared, cls: PairClass, ctx: Context, lex: Matrix | None = None
) -> AlignmentPlan | None:
    """The pair's alignment plan, or None when the gate stops it.

    Margins above each step's own threshold are compared, so that a sentence pair counts when
    either the cheap similarity (above `trust_*`) or E5 vouches for it; E5 vectors are needed only
    for sentences that no trusted pair holds, so a faithful translation costs few or none."""
    p = ctx.params(DerivationParams)
    cheap = cheap_matrix(pa, pb, cls, p, lex)
    if not passes_gate(pa, pb, p, lex, cheap):
        return None
    margin: Matrix = (cheap - p.trust(cls)).astype(np.float32)
    trusted = monotone_alignment(margin, 0.0)
    if min(coverages(pa.units, pb.units, trusted)) >= p.whole(cls):
        return AlignmentPlan(pa, pb, cls, margin, trusted, [], [])  # E5 would only add coverage
    rows = sorted(set(range(len(pa.units))) - {i for i, _ in trusted})
    cols = sorted(set(range(len(pb.units))) - {j for _, j in trusted})
    if not rows or not cols:
        rows, cols = [], []
    return AlignmentPlan(pa, pb, cls, margin, trusted, rows, cols)


def finish_alignment(
    plan: AlignmentPlan | None, ctx: Context, vectors: StandIns | None = None
) -> list[tuple[int, int]]:
    """The order-preserving sentence alignment a plan leads to ([] when the gate stopped the pair)."""
    if plan is None:
        return []
    if not plan.rows:
        return plan.trusted
    p = ctx.params(DerivationParams)
    vectors = vectors or StandIns((plan.a, plan.b), ctx)
    va, vb = vectors(plan.a, plan.rows), vectors(plan.b, plan.cols)
    margin = plan.margin.copy()
    block = margin[np.ix_(plan.rows, plan.cols)]
    margin[np.ix_(plan.rows, plan.cols)] = np.maximum(
        block,
        semantic_matrix(vectors.encoder.cosines(va, vb, plan.cls == "same"), p.e5_floor) - p.e5_sentence(plan.cls),
    )
    return monotone_alignment(margin, 0.0)


def shared_run(ua: Sequence[Unit], ub: Sequence[Unit], lex: Matrix, p: DerivationParams) -> tuple[tuple[int, int], ...]:
    """The longest diagonal run of near-identical sentences (`lex`: their `lexical_matrix`), when it
    holds enough words."""
    best: list[tuple[int, int]] = []
    for i, j in zip(*np.nonzero(lex >= p.shared_sentence), strict=True):
        if i > 0 and j > 0 and lex[i - 1, j - 1] >= p.shared_sentence:
            continue
        run = []
        while i < len(ua) and j < len(ub) and lex[i, j] >= p.shared_sentence:
            run.append((int(i), int(j)))
            i, j = i + 1, j + 1
        if len(run) > len(best):
            best = run
    words = sum(len(ua[i].tokens) for i, _ in best)
    return tuple(best) if words >= p.shared_min_words else ()


def judged(
    pa: Prepared,
    pb: Prepared,
    kind: DerivationKind,
    cls: PairClass,
    align: Sequence[tuple[int, int]],
    p: DerivationParams,
) -> Pair | None:
    """A whole or partial derivation of `kind` when the alignment covers enough, else None."""
    cov_a, cov_b = coverages(pa.units, pb.units, align)
    if min(cov_a, cov_b) >= p.whole(cls):
        return Pair(pa, pb, kind, min(cov_a, cov_b), tuple(align), cov_a, cov_b)
    if max(cov_a, cov_b) >= p.partial_derived and len(align) >= p.partial_units:
        return Pair(pa, pb, kind, max(cov_a, cov_b), tuple(align), cov_a, cov_b, partial=True)
    return None


@dataclass(frozen=True)
class SamePlan:
    """A one-language pair before E5: its word overlap, the copy it is (if it is one), and the plan of
    its sentence alignment (None when the gate stops it)."""

    a: Prepared
    b: Prepared
    lex: Matrix
    copy: Pair | None
    plan: AlignmentPlan | None

    def needed_units(self, vectors: StandIns) -> list[Unit]:
        """The sentences (their stand-ins where learnt) whose E5 vectors finishing the pair compares."""
        if self.copy is not None or self.plan is None or not self.plan.rows:
            return []
        return [*vectors.units_of(self.a, self.plan.rows), *vectors.units_of(self.b, self.plan.cols)]


def plan_same(pa: Prepared, pb: Prepared, ctx: Context) -> SamePlan | None:
    """How two articles of one story in one language relate, up to E5: a copy, or the plan of their
    sentence alignment (None when an article has no sentence). `finish_same` decides the rest; pairs
    of two languages are planned and judged together, `story_pairs` and `oriented`."""
    ua, ub = pa.units, pb.units
    if not ua or not ub:
        return None
    p = ctx.params(DerivationParams)
    lex = lexical_matrix(ua, ub)
    copy = copy_score(pa.shingles, pb.shingles, p)
    if copy:  # a copy aligns on wording alone; its coverage is that of the shingles, which does not
        # depend on where the sentence splitter cut a shortened text
        inter = len(pa.shingles & pb.shingles)
        cov_a, cov_b = inter / len(pa.shingles), inter / len(pb.shingles)
        align = tuple(monotone_alignment(lex, p.copy_sentence))
        pair = Pair(pa, pb, "copy", copy, align, cov_a, cov_b, partial=min(cov_a, cov_b) < p.whole("same"))
        return SamePlan(pa, pb, lex, pair, None)
    return SamePlan(pa, pb, lex, None, plan_alignment(pa, pb, "same", ctx, lex))


def finish_same(plan: SamePlan | None, ctx: Context, vectors: StandIns | None = None) -> Pair | None:
    """The derivation relation of a one-language pair from E5 on (`plan_same`): a copy, paraphrase or
    shared passage, or None for independent reports."""
    if plan is None or plan.copy is not None:
        return None if plan is None else plan.copy
    p = ctx.params(DerivationParams)
    pa, pb = plan.a, plan.b
    found = judged(pa, pb, "paraphrase", "same", finish_alignment(plan.plan, ctx, vectors), p)
    if found is not None:
        return found
    run = shared_run(pa.units, pb.units, plan.lex, p)
    if run:
        cov_a, cov_b = coverages(pa.units, pb.units, run)
        return Pair(pa, pb, "shared-passage", max(cov_a, cov_b), run, cov_a, cov_b)
    return None


def derivation(pair: Pair, way: Oriented) -> Derivation:
    """The record of a pair, oriented source -> derived."""
    a_first = way.a_is_source
    src, dst = (pair.a, pair.b) if a_first else (pair.b, pair.a)
    align = pair.alignment if a_first else tuple((j, i) for i, j in pair.alignment)
    cov_src, cov_dst = (pair.cover_a, pair.cover_b) if a_first else (pair.cover_b, pair.cover_a)
    return Derivation(
        source=src.doc.id,
        derived=dst.doc.id,
        kind=pair.kind,
        score=pair.score,
        passages=passages(src.doc, dst.doc, src.units, dst.units, sorted(align)),
        coverage=Coverage(cov_src, cov_dst),
        partial=pair.partial,
        direction=way.how,
        evidence=way.evidence,
        common_source=way.common_source,
    )


def independent_voices(articles: Sequence[str], derivations: Sequence[Derivation]) -> int:
    """Articles left after collapsing the derivations that carry a source's voice (`Derivation.same_voice`:
    copies, spins, translations, and partial ones covering most of the derived article), by union-find."""
    parent = {a: a for a in articles}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for d in derivations:
        if d.same_voice() and d.source in parent and d.derived in parent:
            parent[root(d.source)] = root(d.derived)
    return len({root(a) for a in articles})


@dataclass
class StoryPairs:
    """One story's pairs on their way to derivations: the one-language pairs judged (they teach the
    stand-ins), the translation pairs planned and waiting for E5."""

    vectors: StandIns
    found: dict[int, Pair]
    plans: dict[int, AlignmentPlan | None]

    def needed_units(self) -> list[Unit]:
        """The sentences (their stand-ins where learnt) whose vectors the planned pairs compare."""
        return [
            u
            for plan in self.plans.values()
            if plan
            for p, rows in ((plan.a, plan.rows), (plan.b, plan.cols))
            for u in self.vectors.units_of(p, rows)
        ]


def story_pairs(story: Story, by_id: Mapping[str, Document], ctx: Context) -> StoryPairs:
    """A story's one-language pairs judged (in order, each teaching the stand-ins) and its
    translation pairs planned."""
    return stories_pairs([story], by_id, ctx)[story.id]


@dataclass
class _Judging:
    """One story's one-language pairs while they are judged, one after another."""

    vectors: StandIns
    combos: list[tuple[Prepared, Prepared]]
    classes: list[PairClass]
    waiting: list[int]  # the one-language pairs (by index) not judged yet, in order
    found: dict[int, Pair]


def stories_pairs(stories: Sequence[Story], by_id: Mapping[str, Document], ctx: Context) -> dict[str, StoryPairs]:
    """`story_pairs` of several stories, their one-language pairs judged in rounds: the k-th pair of
    every story in one round, whose sentences E5 encodes in one call. A story's pairs keep their
    order (each teaches the stand-ins the next one uses), so the result is that of one story at a time."""
    judging: dict[str, _Judging] = {}
    for story in stories:
        prepared = prepare([by_id[i] for i in story.articles if i in by_id], ctx)
        combos = list(itertools.combinations(prepared, 2))
        classes = [pair_class(a, b) for a, b in combos]
        waiting = [k for k, cls in enumerate(classes) if cls == "same"]
        judging[story.id] = _Judging(StandIns(prepared, ctx), combos, classes, waiting, {})
    while rounds := [(j, j.waiting.pop(0)) for j in judging.values() if j.waiting]:
        plans = [(j, k, plan_same(*j.combos[k], ctx)) for j, k in rounds]
        prefetch((j.vectors, plan.needed_units(j.vectors)) for j, _k, plan in plans if plan)
        for j, k, plan in plans:
            pair = finish_same(plan, ctx, j.vectors)
            if pair is not None:
                j.found[k] = pair
                j.vectors.learn(pair)
    return {sid: _planned(j, ctx) for sid, j in judging.items()}


def _planned(j: _Judging, ctx: Context) -> StoryPairs:
    """A story's pairs once its one-language pairs are judged: the translation pairs planned."""
    plans = {
        k: plan_alignment(a, b, cls, ctx)
        for k, ((a, b), cls) in enumerate(zip(j.combos, j.classes, strict=True))
        if cls != "same" and a.units and b.units
    }
    return StoryPairs(j.vectors, j.found, plans)


def oriented(work: StoryPairs, ctx: Context) -> list[Derivation]:
    """The story's derivations, oriented, once the translation pairs' sentences are encoded
    (each translation pair judged as `finish_same` judges a one-language pair)."""
    p = ctx.params(DerivationParams)
    found = dict(work.found)
    for k, plan in work.plans.items():
        if plan is not None:
            pair = judged(plan.a, plan.b, "translation", plan.cls, finish_alignment(plan, ctx, work.vectors), p)
            if pair is not None:
                found[k] = pair
    pairs = [found[k] for k in sorted(found)]
    way = ctx.params(DirectionParams)
    ways = [
        orient(p.a.doc, p.b.doc, p.kind, (p.cover_a, p.cover_b), p.partial, (p.a.script, p.b.script), way)
        for p in pairs
    ]
    linked = [(p.a.doc, p.b.doc, p.kind) for p in pairs]
    ways = siblings(linked, pooled(linked, ways, way))
    return [derivation(p, w) for p, w in zip(pairs, ways, strict=True)]


def story_derivations(story: Story, by_id: Mapping[str, Document], ctx: Context) -> list[Derivation]:
    """Every derivation between two articles of one story, oriented."""
    work = story_pairs(story, by_id, ctx)
    prefetch([(work.vectors, work.needed_units())])
    return oriented(work, ctx)


def prefetch(wanted: Iterable[tuple[StandIns, Sequence[Unit]]]) -> None:
    """Encode the sentences several pairs compare, in one call per encoder (`embed.encode_by_encoder`)."""
    encode_by_encoder((vectors.encoder, [u.text for u in needed]) for vectors, needed in wanted)


#: Articles whose stories' translation pairs are encoded in one E5 call: enough texts to keep every
#: core busy, few enough that the prepared documents of a whole-store rerun stay small.
PREFETCH_ARTICLES = 500


def story_batches(stories: Sequence[Story], limit: int = PREFETCH_ARTICLES) -> list[list[Story]]:
    """Consecutive multi-article stories in batches of about `limit` articles (a larger story alone)."""
    return sized_batches([s for s in stories if len(s.articles) >= 2], lambda s: len(s.articles), limit)


@corpus_stage(
    "derivations",
    requires=["stories", "sentences"],
    provides=["derivations"],
    params=[DerivationParams, DirectionParams, EncoderParams],
    warm=warm_language_odds,
)
def derivations_stage(state: CorpusState, ctx: Context) -> CorpusState:
    """Derivations of every story, batch by batch: a batch's translation pairs share one E5 call."""
    by_id = state.documents.by_id
    derived: dict[str, list[Derivation]] = {}
    for batch in story_batches(state.stories, PREFETCH_ARTICLES):
        work = stories_pairs(batch, by_id, ctx)
        prefetch((w.vectors, w.needed_units()) for w in work.values())
        derived.update({sid: oriented(w, ctx) for sid, w in work.items()})
    stories = [replace(s, voices=independent_voices(s.articles, derived.get(s.id, []))) for s in state.stories]
    found = sorted((d for ds in derived.values() for d in ds), key=lambda d: (d.source, d.derived))
    return replace(state, stories=tuple(stories), derivations=tuple(found))
