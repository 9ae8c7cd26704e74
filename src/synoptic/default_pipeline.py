"""The default pipeline: every built-in stage, in order. Later features add their stage here."""

from __future__ import annotations

from .annotate.entities import entities_stage
from .annotate.infer_dates import infer_dates_stage
from .annotate.lang import language_stage
from .annotate.quantities import quantities_stage
from .annotate.quotes import quotes_stage
from .annotate.resolve import resolve_entities_stage
from .annotate.sentences import sentences_stage
from .annotate.timex import timex_stage
from .compare.corpus_stages import claims_stage, conflicts_stage, coverage_stage, summary_stage
from .compare.quote_groups import quote_groups_stage
from .pipeline import Pipeline
from .stories.clustering_stage import stories_stage
from .stories.derive import derivations_stage
from .stories.events import events_stage
from .stories.features import lead_vector_stage


def default_pipeline() -> Pipeline:
    """The full analysis, from language identification to the cited summary."""
    return Pipeline(
        (
            language_stage,
            sentences_stage,
            entities_stage,
            timex_stage,
            quantities_stage,
            quotes_stage,
            lead_vector_stage,
            resolve_entities_stage,
            infer_dates_stage,
            stories_stage,
            derivations_stage,
            quote_groups_stage,
            events_stage,
            claims_stage,
            conflicts_stage,
            coverage_stage,
            summary_stage,
        )
    )
