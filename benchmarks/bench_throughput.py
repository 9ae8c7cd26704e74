"""Throughput and peak memory of Synoptic against peer baselines, on synthetic 600-word en/de/fr articles.

Per-article work: `synoptic.analyze` over HTML pages (every stage of `default_pipeline()`, a fresh
SQLite store) against trafilatura extraction + spaCy NER (`en_core_web_sm`, tok2vec + ner) over the
same pages. Stories: the corpus stages' time and planted-story agreement (adjusted Rand index)
against TF-IDF + average-link agglomerative clustering (cosine) over the same texts. Each run is in a
fresh process, so each includes loading its models and its peak memory is its own. Memory at scale:
reading N articles (JSONL) and storing them, in one process, for N up to 100k.

Run: `.venv/bin/python -m benchmarks.bench_throughput [--articles 300] [--scale 100000]`
(writes docs/bench/throughput.md and docs/bench/throughput.svg).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synoptic.pipeline import Pipeline

from .common import (
    BENCH_DOCS,
    StageFigures,
    entities_found,
    instrumented,
    isolated,
    peer_ner,
    ratio,
    svg_bars,
    table,
    write_html_corpus,
    write_jsonl_corpus,
)

OUT = BENCH_DOCS / "throughput.md"
PLOT = BENCH_DOCS / "throughput.svg"


@dataclass(frozen=True)
class SynopticRun:
    articles: int
    rejected: int
    stage_seconds: dict[str, float]
    stories: dict[str, str]  # article path -> story id (empty when the pipeline has no story stage)


PER_ARTICLE = "per-article stages, reading, store"


def run_synoptic(folder: str, db: str, engine: str = "local") -> SynopticRun:
    """`synoptic.analyze` over a folder into a fresh store, timing every corpus stage (runs in a child process).

    Per-article stages run unwrapped, so the local engine can hand them to its worker processes as it
    does for users; their time is the run's total less the corpus stages'. With the Ray engine no stage
    is timed.
    """
    from synoptic.api import analyze
    from synoptic.default_pipeline import default_pipeline
    from synoptic.settings import Settings

    figures = StageFigures()
    pipeline = default_pipeline()
    if engine == "local":
        pipeline = Pipeline(tuple(s if s.scope == "article" else instrumented(s, figures) for s in pipeline.stages))
    start = time.perf_counter()
    analysis = analyze(folder, db=db, pipeline=pipeline, settings=Settings(engine=engine))
    total = time.perf_counter() - start
    sink = {PER_ARTICLE: total - figures.sequential_seconds(), **figures.seconds}
    by_id = {a.id: a.path for a in analysis.articles}
    stories = {by_id[a]: s.id for s in analysis.stories for a in s.articles if a in by_id}
    return SynopticRun(len(analysis.articles), len(analysis.rejected), sink, stories)


def run_peer_per_article(files: Sequence[str]) -> dict[str, float]:
    """trafilatura extraction + spaCy NER over the same HTML files (runs in a child process)."""
    import trafilatura

    start = time.perf_counter()
    nlp = peer_ner()
    loaded = time.perf_counter()
    texts = []
    for f in files:
        found = trafilatura.bare_extraction(Path(f).read_text(encoding="utf-8"), with_metadata=True, as_dict=True)
        texts.append((found or {}).get("text") or "")
    extracted = time.perf_counter()
    entities = entities_found(nlp, texts)
    done = time.perf_counter()
    return {
        "spaCy load": loaded - start,
        "trafilatura": extracted - loaded,
        "spaCy NER": done - extracted,
        "entities": float(entities),
    }


def run_peer_stories(files: Sequence[str], truth: Sequence[str]) -> tuple[float, float, list[int]]:
    """TF-IDF + agglomerative clustering (cosine, average link) of the article texts.

    The distance threshold is the best of a grid against the planted stories (an oracle choice that
    favours the peer); returns (seconds of one clustering, threshold, labels).
    """
    import trafilatura
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import adjusted_rand_score

    texts = [(trafilatura.extract(Path(f).read_text(encoding="utf-8")) or "") for f in files]
    best: tuple[float, float, float, list[int]] | None = None
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        start = time.perf_counter()
        matrix = TfidfVectorizer(sublinear_tf=True, min_df=2, max_df=0.5).fit_transform(texts).toarray()
        labels = AgglomerativeClustering(
            n_clusters=None, metric="cosine", linkage="average", distance_threshold=threshold
        ).fit_predict(matrix)
        seconds = time.perf_counter() - start
        score = adjusted_rand_score(list(truth), labels)
        if best is None or score > best[0]:
            best = (score, seconds, threshold, [int(x) for x in labels])
    assert best is not None
    return best[1], best[2], best[3]


def run_memory_at_scale(files: Sequence[str]) -> tuple[int, float]:
    """Read every JSONL article and add them to a fresh store: (articles, seconds)."""
    from synoptic.ingest import read_paths
    from synoptic.store.sqlite import Store

    start = time.perf_counter()
    result = read_paths(files)
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "scale.db") as store:
        store.add_articles(result.articles)
    return len(result.articles), time.perf_counter() - start


def _ari(truth: dict[str, str], found: dict[str, Any]) -> float | None:
    from sklearn.metrics import adjusted_rand_score

    paths = [p for p in truth if p in found]
    if not paths:
        return None
    return float(adjusted_rand_score([truth[p] for p in paths], [str(found[p]) for p in paths]))


def _ray_row(run: Any) -> tuple[str, int, str, str, str]:
    rate = run.value.articles / run.seconds
    return ("Synoptic --engine ray (local, 2 actors)", run.value.articles, f"{run.seconds:.1f}", f"{rate:.2f}",
            f"{run.peak_mb:.0f} (driver only)")  # fmt: skip


def _corpus_seconds(run: SynopticRun) -> float:
    from synoptic.default_pipeline import default_pipeline

    return sum(run.stage_seconds.get(s.name, 0.0) for s in default_pipeline().corpus_stages)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=300, help="articles in the end-to-end runs")
    parser.add_argument("--no-ray", dest="ray", action="store_false", help="skip the run with the Ray engine")
    parser.add_argument("--scale", type=int, nargs="*", default=[10_000, 100_000], help="memory-at-scale sizes")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "html"
        truth = write_html_corpus(folder, args.articles, seed=7)
        files = sorted(truth)
        ours = isolated(run_synoptic, str(folder), str(Path(tmp) / "bench.db"))
        ray_run = isolated(run_synoptic, str(folder), str(Path(tmp) / "ray.db"), "ray") if args.ray else None
        peer = isolated(run_peer_per_article, files)
        peer_stories = isolated(run_peer_stories, files, [truth[f] for f in files])
        scale = []
        for n in args.scale:
            shards = write_jsonl_corpus(Path(tmp) / f"scale{n}", n, seed=11)
            scale.append((n, isolated(run_memory_at_scale, [str(s) for s in shards])))
            for s in shards:
                s.unlink()
    write_report(args.articles, ours, ray_run, peer, peer_stories, truth, scale)


def write_report(
    n: int,
    ours: Any,
    ray_run: Any,
    peer: Any,
    peer_stories: Any,
    truth: dict[str, str],
    scale: list[tuple[int, Any]],
) -> None:
    run: SynopticRun = ours.value
    peer_times: dict[str, float] = peer.value
    peer_total = peer.seconds
    ours_rate, peer_rate = run.articles / ours.seconds, n / peer_total
    story_seconds, threshold, peer_labels = peer_stories.value
    peer_ari = _ari(truth, dict(zip(sorted(truth), peer_labels, strict=True)))
    sizes = " ".join(str(k) for k, _ in scale)
    our_ari = _ari(truth, run.stories)
    per_article = run.stage_seconds.get(PER_ARTICLE, ours.seconds)
    stage_rows = [
        (name, f"{secs:.1f}", f"{run.articles / secs:,.1f}" if secs > 0 else "n/a")
        for name, secs in run.stage_seconds.items()
    ]
    peer_rows = [(name, f"{secs:.1f}", f"{n / secs:,.1f}") for name, secs in peer_times.items() if name != "entities"]
    lines = [
        "## Throughput and memory (synthetic 600-word articles, en/de/fr)",
        "",
        f"{n} synthetic news pages (HTML, about 600 words each, en/de/fr, planted stories, copies, spins and",
        "translations; `benchmarks/synth.py`, seed 7) on this 2-core machine shared with other work. Each run is a",
        "fresh process (model loading included, peak resident memory its own). Synoptic runs `analyze` with every",
        "stage of `default_pipeline()` into a fresh SQLite store, with default settings (from 200 new articles on,",
        "the per-article stages run in one worker process per CPU, here 2); the peer runs trafilatura + spaCy",
        "`en_core_web_sm` NER (tok2vec + ner, one process) over the same pages.",
        "",
        *table(
            ["run", "articles", "seconds", "articles/s", "peak memory MB"],
            [
                ("Synoptic end to end", run.articles, f"{ours.seconds:.1f}", f"{ours_rate:.2f}", f"{ours.peak_mb:.0f}"),
                ("peer: trafilatura + spaCy NER", n, f"{peer_total:.1f}", f"{peer_rate:.2f}", f"{peer.peak_mb:.0f}"),
                ("ratio Synoptic / peer (speed)", "", "", ratio(ours_rate, peer_rate), ""),
                *([_ray_row(ray_run)] if ray_run else []),
            ],
        ),
        "",
        f"Targets: at least 5 articles/s end to end (measured {ours_rate:.2f}: "
        f"{'met' if ours_rate >= 5 else f'missed by {5 / ours_rate:.1f}x'}); at least half the peer's speed "
        f"(measured {ours_rate / peer_rate:.2f}x: {'met' if ours_rate >= peer_rate / 2 else 'missed'}).",
        f"The per-article part alone (reading, per-article stages, store: {per_article:.1f} s) runs at "
        f"{n / per_article:.2f} articles/s, {ratio(n / per_article, peer_rate)}x the peer's speed.",
        f"Synoptic rejected {run.rejected} of {n} inputs.",
        "",
        "### Per stage (Synoptic)",
        "",
        *table(["stage", "seconds", "articles/s"], stage_rows),
        "",
        "### Per step (peer)",
        "",
        *table(["step", "seconds", "articles/s"], peer_rows),
        "",
        "### Stories against TF-IDF + agglomerative clustering",
        "",
        *table(
            ["system", "seconds", "adjusted Rand index vs planted stories"],
            [
                (
                    "Synoptic corpus stages",
                    f"{_corpus_seconds(run):.1f}",
                    f"{our_ari:.3f}" if our_ari is not None else "n/a (no story stage in the pipeline yet)",
                ),
                (
                    f"TF-IDF + agglomerative (cosine, average link, best threshold {threshold})",
                    f"{story_seconds:.1f}",
                    f"{peer_ari:.3f}" if peer_ari is not None else "n/a",
                ),
            ],
        ),
        "",
        "### Memory at scale: reading N articles and storing them",
        "",
        "`read_paths` over JSONL shards of N synthetic articles, then `Store.add_articles` into a fresh store, in",
        "one fresh process (peak resident memory of that process).",
        "",
        *table(
            ["articles", "seconds", "articles/s", "peak memory MB"],
            [(k, f"{m.seconds:.0f}", f"{k / m.seconds:,.0f}", f"{m.peak_mb:.0f}") for k, m in scale],
        ),
        "",
        "![throughput](bench/throughput.svg)",
        "",
        f"Produced by `python -m benchmarks.bench_throughput --articles {n} --scale {sizes}`.",
        "",
    ]
    BENCH_DOCS.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines), encoding="utf-8")
    groups = [
        (f"end to end, {n} articles", [("Synoptic", ours.seconds), ("trafilatura + spaCy NER", peer_total)]),
        ("Synoptic by stage (>= 0.5 s)", [(name, s) for name, s in run.stage_seconds.items() if s >= 0.5]),
    ]
    PLOT.write_text(svg_bars("Seconds on 600-word articles (2 cores)", groups, "s"), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
