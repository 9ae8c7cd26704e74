"""Bytes to text: detect the encoding, refuse binary and undecodable input with a clear reason."""

from __future__ import annotations

import unicodedata

import charset_normalizer

from ..errors import ReadError

_BOMS = (("utf-8-sig", b"\xef\xbb\xbf"), ("utf-16", b"\xff\xfe"), ("utf-16", b"\xfe\xff"))
# Single-byte encodings that charset detection confuses with each other; cp1252 is the superset
# Windows editors actually write (typographic quotes at 0x84, 0x93, 0x94).
_LATIN_FAMILY = {"latin_1", "iso8859_1", "iso8859_15", "cp1250", "cp1252", "windows_1252", "mac_roman"}


def looks_binary(data: bytes) -> bool:
    """True for data with NUL bytes or many control characters: images, archives, executables."""
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > max(8, len(sample) // 50)


def decode_bytes(data: bytes) -> str:
    """Decode file content to NFC text; ReadError says why when that is impossible."""
    for name, bom in _BOMS:
        if data.startswith(bom):
            try:
                return _normalise(data.decode(name))
            except UnicodeDecodeError as exc:
                raise ReadError(f"undecodable text: byte-order mark says {name} but {exc.reason}") from exc
    if looks_binary(data):
        raise ReadError("binary file (NUL or control bytes), not text")
    try:
        return _normalise(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    western = _plausible_cp1252(data)
    if western is not None:
        return _normalise(western)
    best = charset_normalizer.from_bytes(data[:200_000]).best()
    if best is None:
        raise ReadError("undecodable text: no character encoding fits these bytes")
    encoding = best.encoding
    if encoding.lower().replace("-", "_") in _LATIN_FAMILY:
        encoding = _latin_choice(data)
    try:
        return _normalise(data.decode(encoding))
    except (UnicodeDecodeError, LookupError) as exc:
        raise ReadError(f"undecodable text: detected {encoding} but the bytes do not decode") from exc


_WESTERN = frozenset("àâäáãåçéèêëíìîïñóòôöõúùûüÿýßæœøÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜŸÝÆŒØ„“”‘’‚–—…«»€°§£·\xa0")


def _plausible_cp1252(data: bytes) -> str | None:
    """The cp1252 reading of `data` when it looks like Western European text, else None.

    Statistical detectors misjudge short German or French files. Text in another script read as
    cp1252 shows characters no Western language uses (Cyrillic's commonest letters become ð, ñ, ò),
    so a reading whose every non-ASCII character is a Western letter or typographic mark is kept.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    non_ascii = [c for c in text if ord(c) > 127]
    if not non_ascii or any(c not in _WESTERN for c in non_ascii):
        return None
    return text


def _latin_choice(data: bytes) -> str:
    """cp1252 when it decodes (it is what 'latin-1' files almost always are), else latin-1."""
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return "latin-1"
    return "cp1252"


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
