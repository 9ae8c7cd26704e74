"""de: a surname with the possessive -s joins the person known without it; a long surname respelled
by a translator joins across languages; neither joins anything it should not."""

from __future__ import annotations

import pytest

from synoptic.annotate.entities import recogniser
from synoptic.annotate.resolve import resolve
from synoptic.models import Article, Document, Published
from synoptic.pipeline import Context

_CTX = Context()


def _doc(i: int, lang: str, text: str) -> Document:
    art = Article(f"a{i}", f"a{i}", lang, None, None, (), Published(), text, language_how="given")
    return Document(article=art, mentions=tuple(recogniser(_CTX).find(text, lang)))


@pytest.mark.parametrize(
    ("renderings", "groups"),
    [
        (  # German possessive -s on the surname
            [
                ("en", "The patient Alison Pugh left the trial.", "Alison Pugh"),
                ("de", "Der Tumor in Frau Pughs Lunge wächst.", "Frau Pughs"),
            ],
            1,
        ),
        (  # a long surname one letter off in another language
            [
                ("de", "Der Ingenieur Prasad Panvalker sprach.", "Prasad Panvalker"),
                ("en", "The engineer Prasad Panvalkar spoke.", "Prasad Panvalkar"),
                ("en", "Later, Panvalkar said it would work.", "Panvalkar"),
            ],
            1,
        ),
        (  # the same respelling within one language and without shared context: two people
            [
                ("en", "The engineer Prasad Panvalkar spoke.", "Prasad Panvalkar"),
                ("en", "Later, Panvalker said it would work.", "Panvalker"),
            ],
            2,
        ),
        (  # short surnames one letter off in two languages: two people
            [
                ("en", "The painter Johan Smit spoke.", "Johan Smit"),
                ("de", "Später sagte Frau Smid, es gehe.", "Frau Smid"),
            ],
            2,
        ),
    ],
)
def test_possessive_and_respelled_surnames(renderings: list[tuple[str, str, str]], groups: int) -> None:
    docs = [_doc(i, lang, text) for i, (lang, text, _s) in enumerate(renderings)]
    _entities, resolved = resolve(docs, recogniser(_CTX).gazetteer)
    surfaces = [s for _l, _t, s in renderings]
    ids = {m.entity for d in resolved for m in d.mentions if m.text in surfaces}
    assert None not in ids and len(ids) == groups, ids
