"""One entity across scripts and romanisations: each group of renderings resolves to one id, and
names that only look alike in a loose key stay apart."""

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


def _ids(docs: list[Document], surfaces: list[str]) -> set[str | None]:
    _entities, resolved = resolve(docs, recogniser(_CTX).gazetteer)
    return {m.entity for d in resolved for m in d.mentions if m.text in surfaces}


@pytest.mark.parametrize(
    "renderings",
    [
        [
            ("ru", "Замминистра иностранных дел Сергей Рябков заявил, что переговоры продолжатся.", "Сергей Рябков"),
            ("en", "Deputy Foreign Minister Sergei Ryabkov said talks would continue.", "Sergei Ryabkov"),
            ("de", "Vizeaußenminister Sergej Rjabkow sagte, die Gespräche gingen weiter.", "Sergej Rjabkow"),
            ("fr", "Le vice-ministre Sergueï Riabkov a déclaré que les discussions continueraient.", "Sergueï Riabkov"),
        ],
        [
            ("ru", "Делегация прибыла в Москву во вторник.", "Москву"),
            ("en", "The delegation arrived in Moscow on Tuesday.", "Moscow"),
            ("de", "Die Delegation traf am Dienstag in Moskau ein.", "Moskau"),
        ],
        [
            ("uk", "Делегація прибула до Києва у вівторок.", "Києва"),
            ("en", "The delegation arrived in Kyiv on Tuesday.", "Kyiv"),
            ("de", "Die Delegation traf am Dienstag in Kiew ein.", "Kiew"),
            ("en", "The delegation arrived in Kiev on Tuesday.", "Kiev"),
        ],
        [
            ("ru", "Дональд Трамп выступил в среду. Сторонники Трампа собрались у здания.", "Трампа"),
            ("en", "Donald Trump spoke on Wednesday.", "Donald Trump"),
        ],
    ],
)
def test_cross_script_renderings_share_one_entity(renderings: list[tuple[str, str, str]]) -> None:
    docs = [_doc(i, lang, text) for i, (lang, text, _s) in enumerate(renderings)]
    ids = _ids(docs, [s for _l, _t, s in renderings])
    assert len(ids) == 1 and None not in ids, ids


@pytest.mark.parametrize(
    "renderings",
    [
        [  # one skeleton (mln), two cities: a place written in Latin joins nothing by its skeleton alone
            ("en", "The delegation arrived in Milan on Tuesday.", "Milan"),
            ("fr", "La délégation est arrivée à Melun mardi.", "Melun"),
        ],
        [  # one surname, two given names: two people
            ("en", "Minister Anna Kovacs spoke first.", "Anna Kovacs"),
            ("en", "Minister Peter Kovacs spoke later.", "Peter Kovacs"),
        ],
    ],
)
def test_cross_script_lookalikes_stay_apart(renderings: list[tuple[str, str, str]]) -> None:
    docs = [_doc(i, lang, text) for i, (lang, text, _s) in enumerate(renderings)]
    ids = _ids(docs, [s for _l, _t, s in renderings])
    assert len(ids) == 2, ids
