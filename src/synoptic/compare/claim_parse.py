"""Actor, action and object of claim sentences from spaCy's dependency parse, in the languages with a
spaCy pipeline (`language.json` `spacy_model`; English today).

The parse runs where per-article work runs (`claim_parse` stage: worker processes, Ray), once per
article, and is kept with the article's annotations, so the claims stage, which runs in one
process, only reads it, and a rerun parses nothing. Each sentence is parsed alone, exactly as the
claims stage would parse it, so the slots are the same whichever side parses (`parse_slots` still
parses units no stage parsed: a pipeline without `claim_parse`, a benchmark's own units).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from .. import langdata
from ..annotate.spacy_models import preload_spacy, spacy_pipeline, unread_by
from ..models import Document, SentenceParse
from ..pipeline import Context, article_stage
from .claims import ClaimParams, ClaimUnit, is_claim_sentence

#: Sentences handed to spaCy at a time.
PARSE_BATCH = 64


def parser_of(lang: str) -> str:
    """The spaCy pipeline that parses `lang`, or "" when none does."""
    return langdata.info(lang)["spacy_model"] if lang in langdata.supported_languages() else ""


def by_parser(languages: Iterable[str]) -> dict[str, list[int]]:
    """The positions of these languages grouped by the spaCy pipeline that parses them (languages
    without one left out)."""
    out: dict[str, list[int]] = {}
    for i, lang in enumerate(languages):
        model = parser_of(lang)
        if model:
            out.setdefault(model, []).append(i)
    return out


def _short(tokens: Any, limit: int = 6) -> str:
    words = [t.text for t in tokens]
    return " ".join(words[:limit])


def _slots_of(doc: Any) -> dict[str, str]:
    """Action (the root verb), actor (its subject) and object of one parsed sentence."""
    slots: dict[str, str] = {}
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is not None:
        slots["action"] = root.text.lower()
        for child in root.children:
            if child.dep_ in ("nsubj", "nsubjpass") and "actor" not in slots:
                slots["actor"] = _short(child.subtree)
            elif child.dep_ in ("dobj", "attr", "ccomp", "xcomp") and "object" not in slots:
                slots["object"] = _short(child.subtree)
    return slots


def parse_texts(ctx: Context, model: str, texts: Iterable[str]) -> dict[str, dict[str, str]]:
    """The slots of each distinct text, each parsed alone by the spaCy pipeline `model`."""
    distinct = list(dict.fromkeys(texts))
    nlp = spacy_pipeline(ctx, model)
    docs = nlp.pipe(distinct, batch_size=PARSE_BATCH, disable=unread_by(nlp, "parser"))
    return {text: _slots_of(doc) for text, doc in zip(distinct, docs, strict=True)}


def claim_sentences(doc: Document, min_words: int) -> list[tuple[int, int]]:
    """The sentences that become claim units (`claims.units_of`), as (start, end)."""
    text = doc.article.text
    return [(s.start, s.end) for s in doc.sentences if is_claim_sentence(text[s.start : s.end], min_words)]


# version 1: each claim sentence parsed alone, as the claims stage parsed it
@article_stage(
    "claim_parse",
    requires=["text", "language", "sentences"],
    provides=["sentence_parses"],
    version="1",
    params=[ClaimParams],
    preload=preload_spacy,
)
def claim_parse_stage(docs: Sequence[Document], ctx: Context) -> list[Document]:
    """Fill `Document.parses` for the claim sentences of articles in a language spaCy parses."""
    min_words = ctx.params(ClaimParams).min_words
    out = list(docs)
    for model, idx in by_parser(d.article.language or "" for d in docs).items():
        spans = {i: claim_sentences(docs[i], min_words) for i in idx}
        parsed = parse_texts(ctx, model, (docs[i].article.text[s:e] for i in idx for s, e in spans[i]))
        for i in idx:
            text = docs[i].article.text
            found = tuple(SentenceParse(s, e, tuple(parsed[text[s:e]].items())) for s, e in spans[i])
            out[i] = replace(docs[i], parses=found)
    return out


def stored_parses(docs: Iterable[Document]) -> dict[tuple[str, str], dict[str, str]]:
    """The parses `claim_parse` kept with these documents, by (spaCy pipeline, sentence text)."""
    out: dict[tuple[str, str], dict[str, str]] = {}
    for doc in docs:
        model = parser_of(doc.article.language or "") if doc.parses else ""
        for p in doc.parses:
            out[(model, doc.article.text[p.start : p.end])] = dict(p.slots)
    return out


def parse_slots(
    units: Sequence[ClaimUnit], ctx: Context, known: Mapping[tuple[str, str], dict[str, str]] | None = None
) -> list[ClaimUnit]:
    """Units with actor, action and object filled where their language has a spaCy pipeline (others
    unchanged): from `known` parses (`stored_parses`), else parsed now. Each distinct sentence is
    parsed once (copies repeat sentences across articles)."""
    known = known or {}
    out = list(units)
    for model, idx in by_parser(u.lang for u in units).items():
        missing = [units[i].text for i in idx if (model, units[i].text) not in known]
        parsed = parse_texts(ctx, model, missing) if missing else {}
        for i in idx:
            slots = known.get((model, units[i].text))
            slots = parsed[units[i].text] if slots is None else slots
            out[i] = ClaimUnit(**{**units[i].__dict__, "parse": dict(slots)})
    return out
