"""Language identification: py3langid for article-length text, lingua for short text.

Articles whose language has no data files leave the run as rejections that name the supported
languages, rather than being analysed with the wrong rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from .. import langdata
from ..models import Document
from ..pipeline import Context, article_stage

SHORT_TEXT = 200
# Languages the identifiers choose among: everything py3langid knows, narrowed for lingua (which
# costs memory per language) to the supported ones plus close neighbours that are often confused.
_LINGUA_EXTRA = ("nl", "es", "it", "pt", "pl", "ru", "cs", "uk", "sv", "da")


def _langid(ctx: Context) -> Any:
    def build() -> Any:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)

    return ctx.resource("py3langid", build)


def _lingua(ctx: Context) -> Any:
    def build() -> Any:
        from lingua import IsoCode639_1, LanguageDetectorBuilder

        codes = sorted(set(langdata.supported_languages()) | set(_LINGUA_EXTRA))
        isos = [getattr(IsoCode639_1, c.upper()) for c in codes if hasattr(IsoCode639_1, c.upper())]
        return LanguageDetectorBuilder.from_iso_codes_639_1(*isos).build()

    return ctx.resource("lingua", build)


def identify(text: str, ctx: Context) -> str:
    """ISO 639-1 code of the text's language ('' when nothing can be said)."""
    sample = text[:5000]
    if len(sample.strip()) < SHORT_TEXT:
        found = _lingua(ctx).detect_language_of(sample)
        return str(found.iso_code_639_1.name).lower() if found is not None else ""
    lang, _score = _langid(ctx).classify(sample)
    return str(lang)


@article_stage("language", requires=["text"], provides=["language"])
def language_stage(docs: Sequence[Document], ctx: Context) -> list[Document]:
    """Set `article.language`; reject articles in languages without data files."""
    supported = langdata.supported_languages()
    out: list[Document] = []
    for doc in docs:
        art = doc.article
        lang = art.language if art.language_how == "given" and art.language in supported else ""
        lang = lang or identify(art.text, ctx)
        doc = replace(doc, article=replace(art, language=lang))
        if lang not in supported:
            reason = f"language {lang or 'unknown'!r} is not supported; supported: {', '.join(supported)}"
            doc = replace(doc, rejected_reason=reason)
        out.append(doc)
    return out
