"""Strings from outside made safe to keep and to show: valid UTF-8, file names readable, no control codes.

Everything Synoptic stores must encode as UTF-8 (SQLite, JSON). Two things from outside do not:
file names that are not UTF-8 (Python keeps their bytes as lone surrogates, `surrogateescape`) and
JSON text with escaped lone surrogates (`"\\ud800"`). Both are repaired here, at the input boundary,
so that one such name or record cannot abort a run.
"""

from __future__ import annotations

import os
import re

_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 and C1 control characters and DEL: they move the cursor, recolour or clear a terminal.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
REPLACEMENT = "\ufffd"


def valid_text(value: str) -> str:
    """`value` with lone surrogates replaced by U+FFFD, so that it encodes as UTF-8."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub(REPLACEMENT, value)
    return value


def valid_optional(value: str | None) -> str | None:
    return None if value is None else valid_text(value)


def escape_controls(value: str) -> str:
    """Control characters written as visible escapes (`\\n`, `\\x1b`): safe to print on a terminal."""
    return _CONTROL.sub(_escape_one, value)


def _escape_one(match: re.Match[str]) -> str:
    char = match.group()
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char, f"\\x{ord(char):02x}")


def display_path(path: str | os.PathLike[str]) -> str:
    """A file name as shown and stored: undecodable bytes as `\\xe9`, control characters escaped.

    `caf\\xe9.txt` (Latin-1 bytes on a UTF-8 system) becomes the text `caf\\xe9.txt`, which names the
    file unambiguously and encodes as UTF-8; a newline in a name cannot start a fake output line.
    """
    raw = os.fspath(path)
    try:
        text = os.fsencode(raw).decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate that is not an escaped byte
        text = valid_text(raw)
    return escape_controls(text)
