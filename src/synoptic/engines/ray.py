"""The Ray engine: per-article stages as Ray Data batch transforms on a pool of actors.

Each actor holds one `Context`, so models (spaCy, E5...) load once per worker and serve every
batch it is given. Documents travel pickled (frozen dataclasses), tagged with their position so
the result comes back in input order whatever order the batches finish in; corpus stages stay on
the driver (see `api.analyze_articles`). `ray` is imported only when this engine runs, so it is
an optional dependency.

Where it runs: an existing Ray runtime when one is initialised in this process, else the cluster
named by `RAY_ADDRESS` (e.g. `ray://head:10001` or `auto`), else a local Ray instance started here.
`SYNOPTIC_RAY_WORKERS` sets the actor pool size (default: every CPU of the cluster).
"""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Sequence
from typing import Any

from ..errors import SettingsError
from ..models import Document, Rejection
from ..pipeline import Context, Stage, run_article_stages
from ..progress import NullProgress, Progress
from ..settings import Settings
from .refs import StageRef, resolve_stage, stage_ref

KIND_DOC, KIND_REJECTED = "doc", "rejected"


class AnnotateBatch:
    """Ray Data callable class: one per actor, keeping its Context (and loaded models) across batches."""

    def __init__(self, stages: Sequence[StageRef], settings: Settings) -> None:
        self.stages = [resolve_stage(r) for r in stages]
        self.ctx = Context(settings)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        indexes = [int(i) for i in batch["index"]]
        docs: list[Document] = [pickle.loads(bytes(b)) for b in batch["doc"]]
        kept, rejected = run_article_stages(self.stages, docs, self.ctx)
        position = {d.id: i for d, i in zip(docs, indexes, strict=True)}
        by_path: dict[str, int] = {}
        for d, i in zip(docs, indexes, strict=True):
            by_path.setdefault(d.article.path, i)
        out: dict[str, list[Any]] = {"index": [], "kind": [], "payload": []}
        for doc in kept:
            _emit(out, position[doc.id], KIND_DOC, doc)
        for rej in rejected:
            _emit(out, by_path.get(rej.path, min(indexes)), KIND_REJECTED, rej)
        return out


def _emit(out: dict[str, list[Any]], index: int, kind: str, value: Document | Rejection) -> None:
    out["index"].append(index)
    out["kind"].append(kind)
    out["payload"].append(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def _ray() -> Any:
    try:
        import ray
    except ImportError as exc:  # an optional extra
        raise SettingsError('the ray engine needs Ray: pip install "synoptic[ray]"') from exc
    return ray


def ensure_ray(ray: Any) -> None:
    """Join the running Ray runtime, the cluster at RAY_ADDRESS, or start a local one."""
    if ray.is_initialized():
        return
    address = os.environ.get("RAY_ADDRESS") or None
    options: dict[str, Any] = {"address": address, "ignore_reinit_error": True, "log_to_driver": False}
    if address is None:
        options.update(include_dashboard=False, logging_level=logging.WARNING)
    ray.init(**options)


def pool_size(ray: Any) -> int:
    """Actors in the pool: SYNOPTIC_RAY_WORKERS, else one per CPU of the cluster."""
    wanted = os.environ.get("SYNOPTIC_RAY_WORKERS")
    if wanted:
        try:
            size = int(wanted)
        except ValueError as exc:
            raise SettingsError(f"SYNOPTIC_RAY_WORKERS must be a whole number, got {wanted!r}") from exc
        if size <= 0:
            raise SettingsError(f"SYNOPTIC_RAY_WORKERS must be positive, got {size}")
        return size
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


class RayEngine:
    """Runs per-article stages with Ray Data `map_batches` over an actor pool."""

    name = "ray"
    checkpoint_batches = 256  # each call starts an actor pool that loads the models: steps of 4,096 articles

    def close(self) -> None:
        """Nothing to release: each `map_articles` call's actor pool ends with its dataset."""

    def map_articles(
        self,
        stages: Sequence[Stage],
        docs: Sequence[Document],
        ctx: Context,
        progress: Progress | None = None,
    ) -> tuple[list[Document], list[Rejection]]:
        progress = progress or NullProgress()
        if not docs or not stages:
            progress.advance(len(docs))
            return list(docs), []
        ray = _ray()
        ensure_ray(ray)
        data_ctx = ray.data.DataContext.get_current()
        data_ctx.enable_progress_bars = False
        rows = [{"index": i, "doc": pickle.dumps(d, protocol=pickle.HIGHEST_PROTOCOL)} for i, d in enumerate(docs)]
        dataset = ray.data.from_items(rows).map_batches(
            AnnotateBatch,
            batch_size=ctx.settings.batch_size,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=min(pool_size(ray), len(docs))),
            fn_constructor_kwargs={"stages": [stage_ref(s) for s in stages], "settings": ctx.settings},
            num_cpus=1,
        )
        found: list[tuple[int, str, Document | Rejection]] = []
        for batch in dataset.iter_batches(batch_size=None, batch_format="numpy"):
            for index, kind, payload in zip(batch["index"], batch["kind"], batch["payload"], strict=True):
                found.append((int(index), str(kind), pickle.loads(bytes(payload))))
            progress.advance(len(batch["index"]))
        return _ordered(found)


def _ordered(found: list[tuple[int, str, Document | Rejection]]) -> tuple[list[Document], list[Rejection]]:
    """Kept documents and rejections in input order."""
    found.sort(key=lambda item: (item[0], item[1]))
    kept = [v for _, kind, v in found if kind == KIND_DOC and isinstance(v, Document)]
    rejected = [v for _, kind, v in found if kind == KIND_REJECTED and isinstance(v, Rejection)]
    return kept, rejected
