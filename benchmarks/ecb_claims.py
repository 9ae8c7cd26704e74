"""ECB+ sentences as claim units: independent reports of one event, with its cross-document event
coreference as the gold standard of "one claim" (`bench_encoder_hybrid`), and their cosines for
`fit_encoder_scale`."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from synoptic.compare.claims import ClaimParams
from synoptic.embed import Embedder

from . import bench_stories as bs

ECB_VECTORS = Path(tempfile.gettempdir()) / "synoptic_bench_encoder_hybrid_ecb.pkl"


@dataclass(frozen=True)
class EcbSentence:
    """One ECB+ sentence as a claim unit: its document (`article`), text and the coreference chains of
    the events (`ACT`) and participants it mentions."""

    article: str
    text: str
    events: frozenset[str]
    others: frozenset[str]


def ecb_sentences(split: str) -> dict[str, list[EcbSentence]]:
    """The split's sentences of `claims.min_words` words or more, by sub-topic (one real-world event,
    reported by several independent documents): a story."""
    tokens: dict[tuple[str, int], list[tuple[str, str]]] = defaultdict(list)
    for line in (bs.ECB / f"ECB_{split}_corpus.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 5:
            tokens[parts[0], int(parts[1])].append((parts[3], parts[4]))
    out: dict[str, list[EcbSentence]] = defaultdict(list)
    for (doc, _sent), words in tokens.items():
        chains = {c for _w, c in words if c != "-" and not c.startswith("Singleton")}
        text = bs.detokenize([w for w, _c in words])
        if len(text.split()) < ClaimParams().min_words:
            continue
        story = f"{doc.split('_')[0]}_{'ecbplus' if doc.endswith('ecbplus') else 'ecb'}"
        events = frozenset(c for c in chains if c.startswith("ACT"))
        out[story].append(EcbSentence(doc, text, events, frozenset(chains - events)))
    return out


def ecb_gold(a: EcbSentence, b: EcbSentence, strict: bool) -> bool:
    """Two sentences report one claim: they mention one event (by cross-document coreference), and with
    `strict` one participant of it too."""
    return bool(a.events & b.events) and (not strict or bool(a.others & b.others))


def cross_document_cosines(stories: dict[str, list[EcbSentence]], encoder: Embedder) -> np.ndarray:
    """Cosines of every pair of sentences of two documents of one sub-topic."""
    out = []
    for units in stories.values():
        vectors = encoder.encode([u.text for u in units])
        sims = vectors @ vectors.T
        articles = np.array([u.article for u in units])
        i, j = np.triu_indices(len(units), 1)
        out.append(sims[i, j][articles[i] != articles[j]])
    return np.concatenate(out)
