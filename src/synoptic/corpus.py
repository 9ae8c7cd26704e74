"""The documents of a run as a read-only sequence that bounds its memory: `Documents`.

A whole-store rerun hands every stored document to the corpus stages. Held decoded, a 600-word
document takes about 20 KB (text, sentences, mentions, quotes, dates, quantities), so 100k of them
need about 2.4 GB next to the models. `Documents` keeps a run of up to `DECODED_MAX` documents as
they are (no cost for the common, smaller runs); beyond that it keeps each document as a
compressed pickle of its annotation layers (about 3 KB) next to its `Article`, and decodes on
access, with the most recently used `DECODED_MAX` decoded documents kept. The mentions are a
pickle of their own (`APART`), so a stage that rewrites every document's mentions shares the rest.
Articles stay as they are: the analysis returns every one of them anyway, and they are the caller's
own objects when a rerun's cached documents carry the articles it was given, so their text is held
once. Stages read it like a tuple, look documents up by id with `get` or `by_id`, and produce
changed documents with `map` or `replaced`, which never hold every document decoded.
Encoding is exact (a pickle), so every stage sees equal documents whichever way they are kept.
"""

from __future__ import annotations

import pickle
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import fields
from typing import Any, TypeVar, overload

from .models import Article, Document

#: Documents kept decoded. A run of up to this many keeps them all as they are; a larger one keeps this
#: many most recently used (about 20 KB each, so 40 MB). Larger than any story a stage reads at once.
DECODED_MAX = 2_000
#: zlib level of the encoded rows: 1 is 3x faster than the default 6 and 10% larger (3.2 KB a document).
COMPRESS_LEVEL = 1


#: The fields of a Document kept encoded: every one but its article.
LAYERS = tuple(f.name for f in fields(Document) if f.name != "article")
#: Layers encoded apart from the others: a corpus stage rewrites this one in every document
#: (`resolve_entities`), and `map` then encodes it alone and shares the other layers' bytes
#: (about 2.2 KB of 2.7 KB a document: 216 MB less held after `resolve_entities` in a 100k rerun).
APART = ("mentions",)
#: The layers of each encoded part, in order: the rest first, then each layer kept apart.
PARTS: tuple[tuple[str, ...], ...] = (tuple(n for n in LAYERS if n not in APART), *((n,) for n in APART))


T = TypeVar("T")


def sized_batches(items: Iterable[T], size: Callable[[T], int], limit: int) -> list[list[T]]:
    """Consecutive items in batches of at most `limit` in total `size` (a larger item alone): how corpus
    stages bound what they hold at once while still encoding many texts in one E5 call."""
    batches: list[list[T]] = []
    total = limit
    for item in items:
        n = size(item)
        if total + n > limit:
            batches.append([])
            total = 0
        batches[-1].append(item)
        total += n
    return batches


def pack(value: object) -> bytes:
    """`value` as a compressed pickle: how a large run keeps records it holds for a while."""
    return zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), COMPRESS_LEVEL)


def unpack(row: bytes) -> Any:
    """The value `pack` packed (rows are made in this process only, never read from outside)."""
    return pickle.loads(zlib.decompress(row))


def _encode_part(doc: Document, names: tuple[str, ...]) -> bytes:
    return pack(tuple(getattr(doc, name) for name in names))


def _decode(article: Article, rows: Sequence[bytes]) -> Document:
    layers: dict[str, Any] = {}
    for names, row in zip(PARTS, rows, strict=True):
        layers.update(zip(names, unpack(row), strict=True))
    return Document(article, **layers)


def _same_layers(new: Document, old: Document, names: tuple[str, ...]) -> bool:
    """True when `new` holds `old`'s own objects in these layers (a `dataclasses.replace` of others)."""
    return all(getattr(new, name) is getattr(old, name) for name in names)


class Documents(Sequence[Document]):
    """Read-only documents in order, at most `decoded_max` of them decoded at once (see the module)."""

    __slots__ = ("_articles", "_decoded", "_ids", "_index", "_parts", "_plain", "decoded_max")

    def __init__(self, docs: Iterable[Document] = (), *, decoded_max: int | None = None) -> None:
        """Take `docs` (any iterable, consumed one at a time: a generator never has all decoded);
        `decoded_max` defaults to `DECODED_MAX`."""
        self.decoded_max = DECODED_MAX if decoded_max is None else decoded_max
        self._ids: list[str] = []
        self._plain: list[Document] | None = []  # every document, while there are at most decoded_max
        self._parts: tuple[list[bytes], ...] = tuple([] for _ in PARTS)  # each document's parts, once encoded
        self._articles: list[Article] = []  # beside `_parts`, once encoded
        self._decoded: OrderedDict[int, Document] = OrderedDict()
        for doc in docs:
            self._append(doc)
        self._index = {doc_id: i for i, doc_id in enumerate(self._ids)}

    @classmethod
    def of(cls, docs: Sequence[Document] | Documents) -> Documents:
        """`docs` as `Documents` (itself when it already is)."""
        return docs if isinstance(docs, Documents) else cls(docs)

    def _append(self, doc: Document) -> None:
        self._ids.append(doc.id)
        if self._plain is not None:
            if len(self._plain) < self.decoded_max:
                self._plain.append(doc)
                return
            plain, self._plain = self._plain, None
            for earlier in plain:
                self._keep(earlier)
        self._keep(doc)

    def _keep(self, doc: Document) -> None:
        for rows, names in zip(self._parts, PARTS, strict=True):
            rows.append(_encode_part(doc, names))
        self._articles.append(doc.article)

    def _row(self, i: int) -> list[bytes]:
        return [rows[i] for rows in self._parts]

    @property
    def encoded(self) -> bool:
        """True when documents are kept encoded (more than `decoded_max` of them)."""
        return self._plain is None

    def articles(self) -> tuple[Article, ...]:
        """The documents' articles, in order (none decoded)."""
        return tuple(d.article for d in self._plain) if self._plain is not None else tuple(self._articles)

    @property
    def ids(self) -> Sequence[str]:
        """The document ids, in order."""
        return self._ids

    def __len__(self) -> int:
        return len(self._ids)

    @overload
    def __getitem__(self, index: int) -> Document: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Document, ...]: ...

    def __getitem__(self, index: int | slice) -> Document | tuple[Document, ...]:
        if isinstance(index, slice):
            return tuple(self._at(i) for i in range(*index.indices(len(self))))
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"document index {index} out of range ({len(self)} documents)")
        return self._at(index)

    def _at(self, i: int) -> Document:
        if self._plain is not None:
            return self._plain[i]
        doc = self._decoded.get(i)
        if doc is not None:
            self._decoded.move_to_end(i)
            return doc
        doc = _decode(self._articles[i], self._row(i))
        self._decoded[i] = doc
        if len(self._decoded) > self.decoded_max:
            self._decoded.popitem(last=False)
        return doc

    def __iter__(self) -> Iterator[Document]:
        """The documents in order. A scan of an encoded run decodes each in turn without keeping it
        among the recently used (a scan of more than `decoded_max` would only cycle them out), so it
        holds one decoded document, not `decoded_max`."""
        if self._plain is not None:
            yield from self._plain
            return
        for i in range(len(self)):
            doc = self._decoded.get(i)
            yield doc if doc is not None else _decode(self._articles[i], self._row(i))

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, Document):
            return False
        i = self._index.get(value.id)
        return i is not None and self._at(i) == value

    def __eq__(self, other: object) -> bool:
        """Equal to another `Documents` or tuple/list of the same documents in the same order."""
        if not isinstance(other, Documents | tuple | list):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # mutable cache inside: never a dict key

    def __add__(self, other: Sequence[Document]) -> tuple[Document, ...]:
        """These documents followed by `other`, as a tuple (as `analysis.documents + more` always gave)."""
        return (*self, *other)

    def __repr__(self) -> str:
        return f"Documents({len(self)} documents{', encoded' if self.encoded else ''})"

    def get(self, doc_id: str) -> Document | None:
        """The document with this id, or None."""
        i = self._index.get(doc_id)
        return None if i is None else self._at(i)

    @property
    def by_id(self) -> Mapping[str, Document]:
        """A read-only mapping id -> document over these documents (decoding only what is read)."""
        return _ById(self)

    def pick(self, ids: Iterable[str]) -> list[Document]:
        """The documents with these ids, in that order (unknown ids left out)."""
        found = (self.get(i) for i in ids)
        return [d for d in found if d is not None]

    def map(self, fn: Callable[[Document], Document]) -> Documents:
        """A new `Documents` of `fn(doc)` for every document, in order (decoded one at a time). Encoded,
        a part whose layers `fn` left as they were (the same objects) shares this one's bytes."""
        if not self.encoded:
            return Documents((fn(d) for d in self), decoded_max=self.decoded_max)
        out = Documents(decoded_max=self.decoded_max)
        out._plain = None
        for i, old in enumerate(self):
            new = fn(old)
            out._ids.append(new.id)
            out._articles.append(new.article)
            for rows, names, mine in zip(out._parts, PARTS, self._parts, strict=True):
                rows.append(mine[i] if _same_layers(new, old, names) else _encode_part(new, names))
        out._index = {doc_id: i for i, doc_id in enumerate(out._ids)}
        return out

    def replaced(self, changed: Mapping[str, Document]) -> Documents:
        """A new `Documents` with the documents whose ids are in `changed` replaced by theirs."""
        if not changed:
            return self
        if not self.encoded:
            return self.map(lambda d: changed.get(d.id, d))
        out = Documents(decoded_max=self.decoded_max)
        out._ids, out._index, out._plain = self._ids, self._index, None
        out._parts, out._articles = tuple(list(rows) for rows in self._parts), list(self._articles)  # never decoded
        for doc_id, doc in changed.items():
            i = self._index.get(doc_id)
            if i is not None:
                if doc.id != doc_id:
                    raise ValueError(f"document {doc.id!r} given in place of {doc_id!r}")
                for rows, names in zip(out._parts, PARTS, strict=True):
                    rows[i] = _encode_part(doc, names)
                out._articles[i] = doc.article
        return out


class _ById(Mapping[str, Document]):
    """`Documents.by_id`: what `{d.id: d for d in docs}` gives, without decoding every document."""

    __slots__ = ("_docs",)

    def __init__(self, docs: Documents) -> None:
        self._docs = docs

    def __getitem__(self, doc_id: str) -> Document:
        doc = self._docs.get(doc_id)
        if doc is None:
            raise KeyError(doc_id)
        return doc

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and doc_id in self._docs._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._docs.ids)

    def __len__(self) -> int:
        return len(self._docs)
