"""Publication dates from metadata values and byline lines, as ISO dates."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from .. import langdata

_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?\s*$")
_DATE_TOKEN = re.compile(
    r"\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\.? \w+ \d{4}\b|\b\w+ \d{1,2},? \d{4}\b"
)
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|2\d\d\d)(?!\d)|\b\d{1,2}[/.]\d{1,2}[/.]\d{2}\b")
_DATEPARSER_SETTINGS: dict[str, Any] = {
    "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
    "PREFER_DAY_OF_MONTH": "first",
    "REQUIRE_PARTS": ["day", "month", "year"],
}


def _dateparser_parse(text: str) -> datetime | None:
    import dateparser  # heavy import, only when a non-ISO date needs it

    languages = list(langdata.supported_languages())
    result: datetime | None = dateparser.parse(text, languages=languages, settings=_DATEPARSER_SETTINGS)
    return result


def parse_metadata_date(value: object) -> str | None:
    """An ISO date (YYYY-MM-DD) from a metadata value such as `2022-01-26 10:00:00`, else None."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    m = _ISO.match(text)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            return None
    if len(text) > 60 or not _YEAR.search(text):
        return None
    parsed = _dateparser_parse(re.sub(r"[–—|]", " ", text))
    return parsed.date().isoformat() if parsed else None


def parse_date_line(line: str) -> str | None:
    """The date of a short line that is only a date (and time), like `Thu, 01/13/2022 – 11:45`."""
    stripped = line.strip()
    if not stripped or len(stripped.split()) > 8 or len(stripped) > 60:
        return None
    if not _DATE_TOKEN.search(stripped):
        return None
    letters = sum(c.isalpha() for c in stripped)
    if letters > 25:
        return None
    return parse_metadata_date(stripped)
