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
    return decode_text(data)[0]


def decode_text(data: bytes) -> tuple[str, str | None]:
    """(NFC text, warning or None): the warning says what was repaired (invalid UTF-8 bytes)."""
    for name, bom in _BOMS:
        if data.startswith(bom):
            try:
                return _normalise(data.decode(name)), None
            except UnicodeDecodeError as exc:
                raise ReadError(f"undecodable text: byte-order mark says {name} but {exc.reason}") from exc
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return _normalise(utf16), None
    if looks_binary(data):
        raise ReadError("binary file (NUL or control bytes), not text")
    try:
        return _normalise(data.decode("utf-8")), None
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(data)
    if mostly is not None:
        return mostly
    return _normalise(_legacy(data)), None


#: Share of the odd (or even) bytes that must be NUL to read BOM-less text as UTF-16: Latin, Cyrillic
#: or Greek text in UTF-16 has a NUL in nearly every high byte, binary data rarely in so regular a way.
UTF16_NUL_SHARE = 0.4


def _utf16_without_bom(data: bytes) -> str | None:
    """The UTF-16 reading of BOM-less data whose NUL bytes sit in every other position, else None."""
    sample = data[:8192]
    if len(sample) < 8 or b"\x00" not in sample:
        return None
    pairs = len(sample) // 2
    even_nul = sum(1 for b in sample[0 : pairs * 2 : 2] if b == 0) / pairs
    odd_nul = sum(1 for b in sample[1 : pairs * 2 : 2] if b == 0) / pairs
    if odd_nul >= UTF16_NUL_SHARE and even_nul < 0.05:
        codec = "utf-16-le"
    elif even_nul >= UTF16_NUL_SHARE and odd_nul < 0.05:
        codec = "utf-16-be"
    else:
        return None
    try:
        text = data[: len(data) // 2 * 2].decode(codec)
    except UnicodeDecodeError:
        return None
    return None if looks_binary(text.encode("utf-8")) else text


def _mostly_utf8(data: bytes) -> tuple[str, str] | None:
    """UTF-8 text with a few invalid bytes: decoded with U+FFFD in their place, and a warning.

    Read as a legacy encoding instead, every correct accent would turn into two wrong characters
    ("KÃ¶ln"); text whose valid multi-byte characters outnumber its invalid bytes is UTF-8 damaged.
    """
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    good = sum(1 for c in text if ord(c) > 127) - text.count("\ufffd")
    if bad <= 0 or good < 2 * bad:
        return None
    warning = f"{bad} byte{'s' if bad > 1 else ''} not valid UTF-8, shown as \ufffd (the rest is UTF-8)"
    return _normalise(text), warning


def _legacy(data: bytes) -> str:
    """Text in a single-byte or legacy multi-byte encoding, as detected."""
    western = _plausible_cp1252(data)
    if western is not None:
        return western
    best = charset_normalizer.from_bytes(data[:200_000]).best()
    if best is None:
        raise ReadError("undecodable text: no character encoding fits these bytes")
    encoding = best.encoding
    if encoding.lower().replace("-", "_") in _LATIN_FAMILY:
        encoding = _latin_choice(data)
    try:
        return data.decode(encoding)
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
