"""Language identification: py3langid for article-length text, lingua for short text.

What an identifier returns is mapped to a supported language through each language's
`language.json`: `identifier_codes` (Bosnian texts are read as Croatian) and `family` with
`scripts` (Croatian, Serbian and Bosnian are one family that identifiers confuse: a Cyrillic text
of that family is Serbian; a Latin one is the member whose `family_markers` it uses most,
ijekavian "prije", "tisuća" against ekavian "pre", "hiljada", the identifier's choice on a tie). Articles
whose language has no data folder leave the run as rejections naming the supported languages.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any, ClassVar

from .. import langdata
from ..models import Document
from ..params import Params, param
from ..pipeline import Context, article_stage

_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class LanguageParams(Params):
    """How much text language identification reads, and which identifier reads it."""

    section: ClassVar[str] = "language"
    short_text: int = param(
        200, "below this many characters py3langid's n-gram model guesses; lingua is built for short text"
    )
    sample_chars: int = param(5000, "characters read by the identifier and for family marker words: a lead suffices")
    script_sample: int = param(2000, "characters read to tell the dominant script: enough letters for a majority")


def _neighbours() -> list[str]:
    text = resources.files("synoptic.lang").joinpath("_identify.json").read_text(encoding="utf-8")
    return list(json.loads(text)["neighbours"])


def _langid(ctx: Context) -> Any:
    def build() -> Any:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)

    return ctx.resource("py3langid", build)


def _lingua(ctx: Context) -> Any:
    def build() -> Any:
        from lingua import IsoCode639_1, LanguageDetectorBuilder

        codes = set(_neighbours())
        for lang in langdata.supported_languages():
            codes.update(langdata.info(lang)["identifier_codes"])
        isos = [getattr(IsoCode639_1, c.upper()) for c in sorted(codes) if hasattr(IsoCode639_1, c.upper())]
        return LanguageDetectorBuilder.from_iso_codes_639_1(*isos).build()

    return ctx.resource("lingua", build)


def script_of(text: str, sample: int = LanguageParams.script_sample) -> str:
    """The dominant script of `text` as an ISO 15924 code ("Latn", "Cyrl", ...; '' without letters;
    a tie goes to the script met first)."""
    counts = Counter(map(_letter_script, filter(str.isalpha, text[:sample])))
    return counts.most_common(1)[0][0] if counts else ""


@cache
def _letter_script(letter: str) -> str:
    """The script of one letter by its Unicode name: resolving a store's entities asks for the script
    of every surname and one-word name, hundreds of thousands of times."""
    name = unicodedata.name(letter, "")
    return "Cyrl" if name.startswith("CYRILLIC") else "Latn" if name.startswith("LATIN") else "Othr"


@cache
def _code_table() -> dict[str, str]:
    """Identifier code -> supported language (its own code, or the language listing it: bs -> hr)."""
    table: dict[str, str] = {}
    for lang in langdata.supported_languages():
        for code in langdata.info(lang)["identifier_codes"]:
            table.setdefault(code, lang)
    return table


def resolve_code(code: str, text: str, params: LanguageParams | None = None) -> str:
    """The supported language for identifier output `code` on `text` (`code` itself when unsupported)."""
    lang = _code_table().get(code)
    if lang is None:
        return code
    family = langdata.info(lang)["family"]
    p = params or LanguageParams()
    return _family_choice(lang, family, script_of(text, p.script_sample), text, p.sample_chars) if family else lang


def _marker_counts(text: str, members: list[str], sample: int) -> dict[str, int]:
    words = Counter(_WORD.findall(text[:sample].lower()))
    return {m: sum(words[w] for w in langdata.info(m)["family_markers"]) for m in members}


def _family_choice(lang: str, family: str, script: str, text: str, sample: int) -> str:
    """Among the family members written in `script`, the one whose marker words the text uses most."""
    members = [
        m
        for m in langdata.supported_languages()
        if langdata.info(m)["family"] == family and script in langdata.info(m)["scripts"]
    ]
    if len(members) < 2:
        return members[0] if members else lang
    counts = _marker_counts(text, members, sample)
    best = max(counts.values())
    winners = [m for m, c in counts.items() if c == best]
    return lang if lang in winners else winners[0]


def identify_raw(text: str, ctx: Context) -> str:
    """The identifier's own ISO 639-1 code for the text ('' when nothing can be said)."""
    p = ctx.params(LanguageParams)
    sample = text[: p.sample_chars]
    if len(sample.strip()) < p.short_text:
        found = _lingua(ctx).detect_language_of(sample)
        return str(found.iso_code_639_1.name).lower() if found is not None else ""
    lang, _score = _langid(ctx).classify(sample)
    return str(lang)


def identify(text: str, ctx: Context) -> str:
    """ISO 639-1 code of the text's language, mapped onto the supported ones ('' when nothing can be said)."""
    code = identify_raw(text, ctx)
    return resolve_code(code, text, ctx.params(LanguageParams)) if code else ""


@article_stage("language", requires=["text"], provides=["language"], params=[LanguageParams])
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
