"""Peak memory and time of a whole-store rerun: `analyze_articles(store.articles(), db=store)` over a
store whose every article already has its cached annotation, as `synoptic fetch` (analyse pending)
and `synoptic analyze ALL --db STORE` do.

Stores are filled as in `bench_incremental`: clones of K distinct synthetic articles annotated once,
each clone with its own outlet, content id and cached annotation. The rerun runs in a fresh process
as `synoptic analyze ALL --db STORE` runs it, every corpus stage of `default_pipeline()` with its
time and the resident memory after it. Models load when a stage first needs one, so a rerun whose
every annotation and title + lead vector is cached loads none; `--preload-models` loads every model
first, as a run that also annotates new articles would, and its peak includes them.

A store built once is reused with `--store-dir DIR` (a store of N articles is `DIR/rerun-N.db`).
By default (`--hold-only`) the rerun stops after `stories`: every document is read, rewritten
(`resolve_entities`, `infer_dates`) and clustered, and the analysis is saved, without the per-story
comparison stages. On these clone stores those are far too slow to run at scale (quote groups alone
took 720 s at 1k: every quote has about eight identical clones), so they are left out there.

Run: `.venv/bin/python -m benchmarks.bench_rerun [--sizes 20000 100000] [--full] [--store-dir DIR]`
(writes docs/bench/rerun.md).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .common import isolated, rss_mb, table, write_section

HOLD_UNTIL = "stories"  # reading, rewriting (resolve_entities, infer_dates) and clustering every document


@dataclass(frozen=True)
class RerunResult:
    articles: int
    stage_seconds: dict[str, float]
    stage_rss_mb: dict[str, float]  # resident MB right after each stage
    start_mb: float  # resident MB before reading the store (after loading every model with `preload`)
    preload: bool


def _tracked(stage: Any, seconds: dict[str, float], rss: dict[str, float]) -> Any:
    def run(arg: Any, ctx: Any) -> Any:
        start = time.perf_counter()
        out = stage.fn(arg, ctx)
        seconds[stage.name] = time.perf_counter() - start
        rss[stage.name] = rss_mb()
        return out

    return replace(stage, fn=run)


def rerun(db: str, hold_only: bool, preload: bool = False) -> RerunResult:
    """A whole-store rerun of the store at `db` (runs in a child process)."""
    from synoptic.api import analyze_articles
    from synoptic.default_pipeline import default_pipeline
    from synoptic.pipeline import Pipeline
    from synoptic.store.sqlite import Store

    from .bench_incremental import synthetic_articles

    pipeline = default_pipeline()
    if hold_only:
        pipeline = pipeline.until(HOLD_UNTIL)
    if preload:
        analyze_articles(synthetic_articles(2, seed=999), pipeline=pipeline)  # load every model first
    start_mb = rss_mb()
    seconds: dict[str, float] = {}
    rss: dict[str, float] = {}
    pipeline = Pipeline(tuple(s if s.scope == "article" else _tracked(s, seconds, rss) for s in pipeline.stages))
    with Store(db) as store:
        start = time.perf_counter()
        analysis = analyze_articles(store.articles(), db=store, pipeline=pipeline)
        seconds = {"whole rerun": time.perf_counter() - start, **seconds}
    return RerunResult(len(analysis.articles), seconds, rss, start_mb, preload)


def build_store(path: Path, size: int, templates: int) -> None:
    """Fill the store at `path` with clones up to `size` articles (kept when it already holds them)."""
    from synoptic.default_pipeline import default_pipeline
    from synoptic.models import Document
    from synoptic.pipeline import Context, run_article_stages
    from synoptic.store.sqlite import Store
    from synoptic.stories.features import build_signals

    from .bench_incremental import populate, synthetic_articles

    with Store(path) as store:
        if store.count_articles() >= size:
            return
        pipeline = default_pipeline()
        ctx = Context()
        docs, _ = run_article_stages(pipeline.article_stages, [Document(a) for a in synthetic_articles(
            templates, seed=3)], ctx)  # fmt: skip
        populate(store, docs, build_signals(docs, ctx), size, pipeline.article_signature())


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="*", default=[20_000])
    parser.add_argument("--templates", type=int, default=120, help="distinct annotated articles cloned into stores")
    parser.add_argument(
        "--full", dest="hold_only", action="store_false", help=f"every stage, not only up to {HOLD_UNTIL!r}"
    )
    parser.add_argument("--hold-only", action="store_true", help=f"stop after the {HOLD_UNTIL!r} stage (the default)")
    parser.set_defaults(hold_only=True)
    parser.add_argument("--store-dir", type=Path, help="keep and reuse the built stores in this folder")
    parser.add_argument("--preload-models", action="store_true", help="load every model before the rerun")
    parser.add_argument("--no-report", action="store_true", help="print only; leave docs/bench/rerun.md alone")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.store_dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for size in sorted(args.sizes):
            db = folder / f"rerun-{size}.db"
            build_store(db, size, args.templates)
            run = isolated(rerun, str(db), args.hold_only, args.preload_models)
            rows.append((size, run))
            print(size, f"peak {run.peak_mb:,.0f} MB", run.value)
    if not args.no_report:
        write_report(rows, args)


def write_report(rows: list[tuple[int, Any]], args: argparse.Namespace) -> None:
    scope = f"corpus stages up to `{HOLD_UNTIL}`" if args.hold_only else "every corpus stage"
    stages = list(rows[-1][1].value.stage_seconds) if rows else []
    lines = [
        "## Whole-store rerun: peak memory",
        "",
        f"A whole-store rerun (`analyze_articles(store.articles(), db=store)`, {scope}) over stores of clones of",
        f"{args.templates} annotated synthetic articles, every one cached, in a fresh process. Peak is the process's",
        "peak resident memory. Models load when a stage first needs one: a rerun of a store whose every",
        "annotation and title + lead vector is cached loads none"
        + (", but here every model was loaded first (`--preload-models`)." if args.preload_models else "."),
        "",
        *table(
            ["stored articles", "MB before reading", "peak MB", "seconds", *[f"{s} s / MB after" for s in stages[1:]]],
            [
                (
                    f"{n:,}",
                    f"{m.value.start_mb:,.0f}",
                    f"{m.peak_mb:,.0f}",
                    f"{m.value.stage_seconds['whole rerun']:.0f}",
                    *[
                        f"{m.value.stage_seconds.get(s, 0):.0f} / {m.value.stage_rss_mb.get(s, 0):,.0f}"
                        for s in stages[1:]
                    ],
                )
                for n, m in rows
            ],
        ),
        "",
        f"Produced by `python -m benchmarks.bench_rerun --sizes {' '.join(str(n) for n, _ in rows)}"
        f"{'' if args.hold_only else ' --full'}{' --preload-models' if args.preload_models else ''}`.",
        "",
    ]
    write_section("rerun", lines)


if __name__ == "__main__":
    main()
