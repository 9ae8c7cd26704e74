"""Fit the maps of the Universal Sentence Encoder's cosines onto E5's scale (`embed.CosineScale`).

Every threshold and weight of `derivations`, `claims`, `conflicts` and `quote_groups` was fitted on
E5's cosines. With `encoders.sentences = "auto"` those stages compare texts in the languages the
Universal Sentence Encoder knows with its vectors instead, and carry its cosines onto E5's scale by
a monotone map: the one that matches their quantiles over the same pairs of sentences, one map for
pairs in one language and one for pairs in two (E5 raises the cosines of a shared language, the
other encoder hardly does).

Data, calibration splits only (the evaluation splits are left for `bench_encoder_hybrid`):
- WMT22's de-fr, fr-de and ru-en documents (`conflicts_wmt22`' 50 of the calibration half, the
  languages it knows): every pair of claim units of two versions of one document (an original, its
  professional and machine translations), in one language or two: renderings of one text;
- ECB+ train: every pair of sentences of two documents of one sub-topic (English): independent
  reports of one event, the other kind of pair the stages compare in one language. Without them the
  one-language map, fitted on renderings alone, let the claims stage join more unrelated sentences
  than E5 does (precision 0.781 against 0.842 on ECB+ train).

Run: `.venv/bin/python -m benchmarks.fit_encoder_scale` (writes src/synoptic/encoder_scales.json).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from synoptic.embed import E5Embedder, UseEmbedder
from synoptic.store.sqlite import Store

from . import conflicts_wmt22 as cw
from .common import DiskCache
from .ecb_claims import ECB_VECTORS, cross_document_cosines, ecb_sentences
from .wmt22 import halves, load

#: Knots of the map: its quantiles at this many evenly spaced levels (with the ends).
KNOTS = 201
OUT = Path(__file__).resolve().parents[1] / "src" / "synoptic" / "encoder_scales.json"
USE_VECTORS = Path(tempfile.gettempdir()) / "synoptic_use_m3.pkl"


def use_cache() -> DiskCache:
    """Synoptic's own Universal Sentence Encoder embedder (vectors in their stored form), kept on disk."""
    return DiskCache(lambda: UseEmbedder(calls=2), USE_VECTORS, name="use", dim=UseEmbedder.dim)


def fitted_knots(other: np.ndarray, e5: np.ndarray, knots: int = KNOTS) -> tuple[list[float], list[float]]:
    """The quantiles of `other` and of `e5` at `knots` levels, as an increasing map ending at (1, 1)
    (a text against itself scores 1 under both encoders)."""
    levels = np.linspace(0.0, 1.0, knots)
    xs, ys = np.quantile(other, levels), np.quantile(e5, levels)
    out_x, out_y = [], []
    for x, y in zip(xs.round(4), ys.round(4), strict=True):
        if out_x and x <= out_x[-1]:
            continue  # a tie of the other encoder's cosines: keep its first level
        out_x.append(float(x))
        out_y.append(float(max(y, out_y[-1] if out_y else y)))
    if out_x[-1] < 1.0:
        out_x.append(1.0)
        out_y.append(1.0)
    return out_x, out_y


def version_pair_cosines(docs: Sequence[cw.DocUnits]) -> dict[str, np.ndarray]:
    """Cosines of every pair of units of two versions of one document, by whether the two are in one
    language ("same") or two ("cross")."""
    out: dict[str, list[np.ndarray]] = {"same": [], "cross": []}
    for d in docs:
        sims = d.vectors @ d.vectors.T
        articles = np.array([u.article for u in d.units])
        langs = np.array([u.lang for u in d.units])
        i, j = np.triu_indices(len(d.units), 1)
        two_versions = articles[i] != articles[j]
        one_language = langs[i] == langs[j]
        out["same"].append(sims[i, j][two_versions & one_language])
        out["cross"].append(sims[i, j][two_versions & ~one_language])
    return {kind: np.concatenate(parts) for kind, parts in out.items()}


def main() -> None:
    docs = halves(load(cw.PAIRS))["calibration"]
    chosen = cw.subset(docs, cw.DOCS_PER_HALF)
    e5, use = DiskCache(E5Embedder, cw.VECTORS), use_cache()
    with Store(cw.CACHE) as store:
        cosines = {
            name: version_pair_cosines(cw.prepare(chosen, store, enc)) for name, enc in (("e5", e5), ("use", use))
        }
    reports = ecb_sentences("Train")
    ecb_e5 = DiskCache(E5Embedder, ECB_VECTORS)
    independent = {name: cross_document_cosines(reports, enc) for name, enc in (("e5", ecb_e5), ("use", use))}
    for name in ("e5", "use"):
        cosines[name]["same"] = np.concatenate([cosines[name]["same"], independent[name]])
    for cache in (e5, use, ecb_e5):
        cache.save()
    maps = {}
    for kind in ("same", "cross"):
        xs, ys = fitted_knots(cosines["use"][kind], cosines["e5"][kind])
        maps[kind] = {"x": xs, "y": ys}
        for level in (0.5, 0.9, 0.99, 0.999):
            use_q, e5_q = (np.quantile(cosines[name][kind], level) for name in ("use", "e5"))
            print(f"{kind}, quantile {level}: use {use_q:.3f}, e5 {e5_q:.3f}")
    counts = {kind: len(cosines["e5"][kind]) for kind in ("same", "cross")}
    data = {
        "_doc": (
            "Monotone maps of an encoder's cosines onto E5's scale (embed.CosineScale), for pairs of texts in"
            " one language (same) and in two (cross), written by benchmarks/fit_encoder_scale.py: the"
            " quantiles of both encoders' cosines over the same pairs: every pair of claim units of two"
            f" versions of one document of {len(chosen)} WMT22 documents (de-fr, fr-de, ru-en; calibration"
            " half) and every pair of sentences of two documents of one ECB+ train sub-topic (English);"
            f" {counts['same']} pairs in one language ({len(independent['e5'])} of them ECB+),"
            f" {counts['cross']} in two."
        ),
        "use": {"to_e5": maps},
    }
    OUT.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
