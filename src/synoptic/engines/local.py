"""The local engine: per-article stages over batches in this process."""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Document, Rejection
from ..pipeline import Context, Stage, run_article_stages
from ..progress import NullProgress, Progress


class LocalEngine:
    """Runs per-article stages batch by batch, reporting progress per batch."""

    name = "local"
    checkpoint_batches = 8

    def map_articles(
        self,
        stages: Sequence[Stage],
        docs: Sequence[Document],
        ctx: Context,
        progress: Progress | None = None,
    ) -> tuple[list[Document], list[Rejection]]:
        progress = progress or NullProgress()
        size = ctx.settings.batch_size
        out: list[Document] = []
        rejected: list[Rejection] = []
        for i in range(0, len(docs), size):
            batch = docs[i : i + size]
            done, bad = run_article_stages(stages, batch, ctx)
            out.extend(done)
            rejected.extend(bad)
            progress.advance(len(batch))
        return out, rejected
