"""spaCy pipelines, loaded once per run and shared by the stages that use them.

The entity stage runs a pipeline's NER and the claims stage its dependency parse. Both use one load
of the language's `spacy_model` package, each running only the components it reads, so a run loads
a model once rather than once per stage; a forked worker process takes its parent's copy (see
`engines/local.py`), so a run of many articles loads it once in all. Such a run loads the pipelines
before its workers start, before it knows its articles' languages: about 1 s spent for nothing when
none is in a language with a pipeline.
"""

from __future__ import annotations

import importlib
from typing import Any

from .. import langdata
from ..pipeline import Context


def unread_by(nlp: Any, component: str) -> tuple[str, ...]:
    """The components of a loaded pipeline that `component` does not read, for `pipe(disable=...)`:
    all but it and the shared token-vector layers (`tok2vec`, `transformer`) that listen for it.

    The claims parse reads the parser alone (no stage reads the tagger's tags: the same parses
    without them, 23% faster on 618 WMT22 sentences) on the shared `tok2vec`. The entity stage reads
    the NER alone; in the English pipeline it has its own token vectors, so the shared `tok2vec`,
    which only the tagger and the parser read, is not run for it (the same entities, the NER pass
    about 1.6x faster on the 57 English WMT22 articles)."""
    listened = {name for name, pipe in nlp.pipeline if component in getattr(pipe, "listening_components", ())}
    return tuple(name for name in nlp.pipe_names if name != component and name not in listened)


def spacy_pipeline(ctx: Context, model: str) -> Any:
    """The spaCy pipeline `model` (a language's `spacy_model` package) with the components the stages
    use (the lemmatizer is left out), loaded once per run and shared with forked workers."""

    def build() -> Any:
        return importlib.import_module(model).load(exclude=["lemmatizer"])

    return ctx.resource(f"spacy:{model}", build, forkable=True)


def spacy_models() -> tuple[str, ...]:
    """The spaCy pipelines the supported languages name (`language.json` `spacy_model`)."""
    models = (langdata.info(lang)["spacy_model"] for lang in langdata.supported_languages())
    return tuple(dict.fromkeys(m for m in models if m))


def preload_spacy(ctx: Context) -> None:
    """Load every supported language's pipeline, before worker processes are forked to share it."""
    for model in spacy_models():
        spacy_pipeline(ctx, model)
