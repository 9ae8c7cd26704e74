"""Sentence alignment between two articles: the evidence behind copies, spins and translations.

Similarities are computed per sentence pair (E5 across languages, E5 plus lexical overlap within
one language); `monotone_alignment` then finds the best order-preserving one-to-one alignment
(a Smith-Waterman / DTW-style dynamic programme over the similarity matrix, as Gale-Church does
over lengths), so that a derived text that follows its source sentence by sentence scores high
coverage, while an independent report that happens to share some facts does not.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..embed import SentenceVectors
from ..models import Document, Passage, Span
from .features import light_keys

Matrix = npt.NDArray[np.float32]
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d{3})*")


@dataclass(frozen=True)
class Unit:
    """One sentence of an article: its offsets, text, lower-cased tokens and anchors (language-free
    keys of its names and numbers, which a translation keeps)."""

    start: int
    end: int
    text: str
    tokens: tuple[str, ...]
    anchors: frozenset[str] = frozenset()


def anchors(text: str, language: str) -> frozenset[str]:
    """Name keys (capitalised words inside the sentence, transliterated and folded) and numbers
    (digits only, group separators dropped): what survives translation into any language."""
    numbers = {"#" + re.sub(r"\D", "", m.group(0)) for m in _NUMBER.finditer(text)}
    return light_keys(text, language) | frozenset(numbers)


def _kept_sentences(doc: Document) -> Iterator[tuple[int, int, str, tuple[str, ...]]]:
    """(start, end, text, lower-cased word tokens) of the sentences with at least three word tokens."""
    text = doc.article.text
    for s in doc.sentences:
        piece = text[s.start : s.end]
        tokens = tuple(t.lower() for t in _TOKEN.findall(piece))
        if len(tokens) >= 3:
            yield s.start, s.end, piece, tokens


def units(doc: Document) -> list[Unit]:
    """Sentences of a document with at least three word tokens (headers and bylines drop out)."""
    language = doc.article.language
    return [
        Unit(start, end, piece, tokens, anchors(piece, language)) for start, end, piece, tokens in _kept_sentences(doc)
    ]


def unit_spans(doc: Document) -> list[tuple[int, int]]:
    """(start, end) of the sentences `units` keeps, without their anchors (which cost most of `units`)."""
    return [(start, end) for start, end, _, _ in _kept_sentences(doc)]


def unit_vectors(us: Sequence[Unit], encoder: SentenceVectors) -> Matrix:
    """Vectors of some units by their story's encoder (`embed.sentence_vectors`; the run's embedders
    memoise them for derivations and claims)."""
    return encoder.encode([u.text for u in us])


def lexical_matrix(a: Sequence[Unit], b: Sequence[Unit]) -> Matrix:
    """Dice overlap of the token sets of every sentence pair."""
    return dice_matrix([u.tokens for u in a], [u.tokens for u in b])


def anchor_matrix(a: Sequence[Unit], b: Sequence[Unit]) -> Matrix:
    """Dice overlap of the anchor sets (names, numbers) of every sentence pair, in any two languages."""
    return dice_matrix([u.anchors for u in a], [u.anchors for u in b])


def dice_matrix(a: Sequence[Collection[str]], b: Sequence[Collection[str]]) -> Matrix:
    """Dice overlap of every pair of sets (shared items counted by one sparse product; 0 when both are empty)."""
    if not a or not b:
        return np.zeros((len(a), len(b)), dtype=np.float32)
    from scipy.sparse import csr_matrix

    vocab: dict[str, int] = {}
    sides = []
    for items in (a, b):
        sets = [{vocab.setdefault(t, len(vocab)) for t in x} for x in items]
        indptr = np.cumsum([0] + [len(x) for x in sets])
        indices = np.fromiter((i for x in sets for i in x), dtype=np.int64, count=int(indptr[-1]))
        sides.append((sets, indptr, indices))
    mats = [csr_matrix((np.ones(len(ix)), ix, ip), shape=(len(sets), len(vocab))) for sets, ip, ix in sides]
    inter = (mats[0] @ mats[1].T).toarray()
    sizes_a = np.array([len(x) for x in sides[0][0]], dtype=np.float64)
    sizes_b = np.array([len(x) for x in sides[1][0]], dtype=np.float64)
    total = np.maximum(sizes_a[:, None] + sizes_b[None, :], 1.0)
    out: Matrix = (2 * inter / total).astype(np.float32)
    return out


def semantic_matrix(cosines: Matrix, floor: float) -> Matrix:
    """Every sentence pair's cosine on E5's scale (`SentenceVectors.cosines`), rescaled so unrelated
    pairs sit near 0 and equal ones at 1: [floor, 1] maps onto [0, 1] (`derivations.e5_floor`)."""
    if cosines.size == 0:
        return np.zeros(cosines.shape, dtype=np.float32)
    sim = (cosines - floor) / (1.0 - floor)
    out: Matrix = np.clip(sim, 0.0, 1.0).astype(np.float32)
    return out


def monotone_alignment(sim: Matrix, threshold: float) -> list[tuple[int, int]]:
    """The order-preserving one-to-one sentence pairs maximising the summed margin above `threshold`."""
    n, m = sim.shape
    if n == 0 or m == 0:
        return []
    gain = (sim - threshold).astype(np.float64)
    score = np.zeros((n + 1, m + 1), dtype=np.float64)
    move = np.zeros((n + 1, m + 1), dtype=np.int8)  # 0 match, 1 skip source, 2 skip derived
    for i in range(1, n + 1):
        # a row at a time: the best of match and skip-source, then skip-derived as a running maximum
        diag = score[i - 1, :-1] + gain[i - 1]
        up = score[i - 1, 1:]
        best = np.maximum(diag, up)
        row = np.maximum.accumulate(np.concatenate(([0.0], best)))[1:]
        score[i, 1:] = row
        move[i, 1:] = np.where(best >= np.concatenate(([-np.inf], row[:-1])), np.where(diag >= up, 0, 1), 2)
    pairs: list[tuple[int, int]] = []
    i, j = n, m
    while i > 0 and j > 0:
        if move[i, j] == 0:
            if gain[i - 1, j - 1] > 0:
                pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif move[i, j] == 1:
            i -= 1
        else:
            j -= 1
    return pairs[::-1]


def char_coverage(units_: Sequence[Unit], covered: set[int]) -> float:
    """Share of an article's sentence characters that are aligned."""
    total = sum(len(u.text) for u in units_)
    return sum(len(units_[i].text) for i in covered) / total if total else 0.0


def free_matches(sim: Matrix, threshold: float) -> int:
    """How many derived sentences have some source sentence above threshold, ignoring order."""
    if sim.size == 0:
        return 0
    return int((sim.max(axis=0) > threshold).sum())


def passages(
    src: Document, dst: Document, a: Sequence[Unit], b: Sequence[Unit], pairs: Sequence[tuple[int, int]]
) -> tuple[Passage, ...]:
    """Aligned sentence pairs merged into contiguous runs, as source/derived span pairs."""
    runs: list[list[tuple[int, int]]] = []
    for i, j in pairs:
        if runs and runs[-1][-1][0] == i - 1 and runs[-1][-1][1] == j - 1:
            runs[-1].append((i, j))
        else:
            runs.append([(i, j)])
    out = []
    for run in runs:
        (i0, j0), (i1, j1) = run[0], run[-1]
        out.append(
            Passage(
                source=Span.of(src.id, src.article.text, a[i0].start, a[i1].end),
                derived=Span.of(dst.id, dst.article.text, b[j0].start, b[j1].end),
            )
        )
    return tuple(out)
