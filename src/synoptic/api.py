"""The front door: `synoptic.analyze(paths)` reads, annotates, clusters and compares articles.

The CLI and the web app are thin layers over these functions.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path

from .codec import iter_json
from .corpus import Documents
from .default_pipeline import checked_settings, default_pipeline, run_settings
from .engines import get_engine
from .engines.beside import corpus_steps, run_step
from .engines.forking import can_fork
from .engines.local import wanted_processes
from .ingest import read_paths, with_duplicate
from .machine import long_lived_heap, release_free_memory
from .models import Analysis, Article, Document, Rejection
from .pipeline import Context, CorpusState, Pipeline, warm_corpus_stages
from .progress import NullProgress, Progress
from .settings import Settings
from .store.sqlite import Store
from .store.stories import SqliteStoryMemory
from .stories.memory import STORY_MEMORY

#: Cached documents read from the store at once in a rerun: large enough for few queries, small next
#: to `corpus.DECODED_MAX` so reading never holds more decoded documents than the run keeps anyway.
STORE_CHUNK = 500


def analyze(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    settings: Settings | None = None,
    db: str | Path | Store | None = None,
    pipeline: Pipeline | None = None,
    progress: Progress | None = None,
) -> Analysis:
    """Analyse articles in files and folders (recursive): text, HTML, JSON / JSONL.

    `db` is a store path (or open Store) that keeps articles and cached annotations between
    runs; without it the run happens in memory. Unreadable inputs are listed in
    `Analysis.rejected`, never raised.
    """
    settings = checked_settings(settings or Settings(), pipeline)  # a wrong setting fails before reading
    progress = progress or NullProgress()
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    progress.phase("reading", None)
    ingest = read_paths(paths, settings, progress=lambda _p: progress.advance())
    analysis = analyze_articles(
        ingest.articles,
        rejected=ingest.rejected,
        settings=settings,
        db=db,
        pipeline=pipeline,
        progress=progress,
    )
    return replace(analysis, warnings=ingest.warnings)


def analyze_articles(
    articles: Sequence[Article],
    *,
    rejected: Sequence[Rejection] = (),
    settings: Settings | None = None,
    db: str | Path | Store | None = None,
    pipeline: Pipeline | None = None,
    progress: Progress | None = None,
) -> Analysis:
    """Analyse articles already read (from the API, a feed, a test). Articles repeated with the same
    content id (the same text, title and outlet) are analysed once, the other paths listed on it.
    Articles a stage rejects (an unsupported language) leave the store: only their rejection stays."""
    articles = unique_articles(articles)
    pipeline = pipeline or default_pipeline()
    settings = checked_settings(settings or Settings(), pipeline)  # a wrong setting fails before any work
    progress = progress or NullProgress()
    own_store = db is not None and not isinstance(db, Store)
    store = db if isinstance(db, Store) else (Store(db) if db is not None else None)
    try:
        ctx = Context(settings, store=store)
        if store is not None:
            ctx.provide(STORY_MEMORY, partial(SqliteStoryMemory, store))
            store.add_articles(articles)
            store.add_rejections(rejected)
        docs, stage_rejected = _annotate(articles, pipeline, ctx, store, progress)
        state = CorpusState(documents=docs, rejected=tuple(rejected) + tuple(stage_rejected))
        del docs  # the first stage that rewrites documents frees these (a large run's are about 3 KB each)
        with long_lived_heap():
            warm_corpus_stages(pipeline.corpus_stages, state, ctx)
            for step in corpus_steps(pipeline.corpus_stages, beside_allowed(state, settings)):
                state = run_step(step, state, ctx, lambda name: progress.phase(name, None), progress.beside)
                release_free_memory()  # the documents a stage rewrote are freed only now
        analysis = Analysis(
            articles=state.documents.articles(),
            rejected=state.rejected,
            entities=state.entities,
            quotes=state.quotes,
            stories=state.stories,
            derivations=state.derivations,
            documents=state.documents,
            quote_groups=state.quote_groups,
            settings=run_settings(settings, pipeline),
        )
        if store is not None:
            progress.phase("saving", None)
            store.update_articles(analysis.articles)
            store.add_rejections(stage_rejected)
            store.remove_articles({a.id for a in articles} - {a.id for a in analysis.articles})
            store.save_analysis_text(iter_json(analysis))
        progress.done()
        return analysis
    finally:
        if own_store and store is not None:
            store.close()


def beside_allowed(state: CorpusState, settings: Settings) -> bool:
    """Whether corpus stages may run beside each other in forked processes (`engines.beside`): with the
    local engine (which forks its workers too; a Ray driver is not forked), where the run may use
    several processes (`workers`, and at least `parallel_min_articles` articles, as for the per-article
    stages) and keeps its documents decoded (a large run, which keeps them encoded to bound its memory,
    runs its stages one after another)."""
    several = wanted_processes(settings, len(state.documents)) > 1
    return can_fork() and settings.engine == "local" and several and not state.documents.encoded


def unique_articles(articles: Sequence[Article]) -> list[Article]:
    """The articles with repeated ids kept once, in first-seen order, the later paths listed on it."""
    first: dict[str, Article] = {}
    for article in articles:
        seen = first.get(article.id)
        if seen is None:
            first[article.id] = article
            continue
        for path in (article.path, *article.duplicate_paths):
            seen = with_duplicate(seen, path)
        first[article.id] = seen
    return list(first.values())


def _annotate(
    articles: Sequence[Article], pipeline: Pipeline, ctx: Context, store: Store | None, progress: Progress
) -> tuple[Documents, list[Rejection]]:
    """Per-article stages, reusing annotations cached in the store by the same stage versions.

    Cached documents are read from the store in chunks into `Documents`, so a whole-store rerun never
    holds every stored document decoded."""
    signature = pipeline.article_signature(ctx.settings.params)
    cached = store.cached_ids([a.id for a in articles], signature) if store is not None else set()
    todo = [Document(article=a) for a in articles if a.id not in cached]
    progress.phase("annotating", len(todo))
    engine = get_engine(ctx.settings.engine)
    step = ctx.settings.batch_size * engine.checkpoint_batches if store is not None else max(1, len(todo))
    done: list[Document] = []
    rejected: list[Rejection] = []
    try:
        for start in range(0, len(todo), step):
            part, bad = engine.map_articles(pipeline.article_stages, todo[start : start + step], ctx, progress)
            if store is not None and part:
                store.save_documents(part, signature)  # a checkpoint: a killed run resumes after it
            done.extend(part)
            rejected.extend(bad)
    finally:
        engine.close()
    fresh = {d.id: d for d in done}
    return Documents(_in_order(articles, fresh, cached, store, signature)), rejected


def _in_order(
    articles: Sequence[Article], fresh: dict[str, Document], cached: set[str], store: Store | None, signature: str
) -> Iterator[Document]:
    """The documents of `articles` in their order: annotated now (`fresh`) or read from the store's
    cache a chunk at a time (articles a stage rejected are left out)."""
    for start in range(0, len(articles), STORE_CHUNK):
        chunk = articles[start : start + STORE_CHUNK]
        wanted = [a.id for a in chunk if a.id in cached and a.id not in fresh]
        stored = store.cached_documents(wanted, signature) if store is not None and wanted else {}
        for article in chunk:
            doc = fresh.get(article.id) or stored.get(article.id)
            if doc is not None:
                yield _as_given(doc, article)


def _as_given(doc: Document, article: Article) -> Document:
    """A (cached) document carrying this run's path, duplicates and provenance of its article (it may
    have been found under more paths or URLs since it was annotated)."""
    if doc.article == article:
        return doc if doc.article is article else replace(doc, article=article)  # one copy of the text
    given = (article.path, article.duplicate_paths, article.provenance)
    if (doc.article.path, doc.article.duplicate_paths, doc.article.provenance) == given:
        return doc
    return replace(
        doc,
        article=replace(
            doc.article, path=article.path, duplicate_paths=article.duplicate_paths, provenance=article.provenance
        ),
    )
