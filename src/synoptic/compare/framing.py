"""Framing per source: loaded and hedged wording, with the spans that show it.

Cue lists are per-language data (`compare.json`: `loaded`, `hedges`). The rates let a reader
compare outlets of different lengths: cues per 100 sentences.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

from ..models import ArticleFraming, CueCount, Document, QuotedVoice, Span
from ..params import Params, param
from . import cues
from .coverage import sides_quoted


@dataclass(frozen=True)
class FramingParams(Params):
    """How much framing evidence the coverage stage keeps per article."""

    section: ClassVar[str] = "coverage"
    max_framing_spans: int = param(20, "spans kept per article and cue kind (the counts keep every cue); a page size")


def _cue_spans(doc: Document, key: str) -> list[Span]:
    text = doc.article.text
    lang = doc.article.language or "en"
    return [Span.of(doc.id, text, h.start, h.end) for h in cues.find(lang, key, text)]


def _counted(spans: list[Span], sentences: int, max_spans: int) -> CueCount:
    return CueCount(len(spans), round(100 * len(spans) / sentences, 1), tuple(spans[:max_spans]))


def framing_of(doc: Document, max_spans: int = FramingParams.max_framing_spans) -> ArticleFraming:
    """Loaded and hedged wording of one article: counts, rates per 100 sentences and spans."""
    sentences = max(1, len(doc.sentences))
    loaded = _counted(_cue_spans(doc, "loaded"), sentences, max_spans)
    return ArticleFraming(loaded=loaded, hedged=_counted(_cue_spans(doc, "hedges"), sentences, max_spans))


def story_framing(
    docs: Sequence[Document], quoted: dict[str, list[QuotedVoice]], params: FramingParams | None = None
) -> dict[str, ArticleFraming]:
    """Framing of every article of a story, with the voices each quotes."""
    sides = sides_quoted(quoted)
    spans = (params or FramingParams()).max_framing_spans
    return {
        d.id: replace(framing_of(d, spans), voices=tuple(quoted.get(d.id, [])), sides=sides.get(d.id, {})) for d in docs
    }
