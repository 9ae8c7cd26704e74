"""The Markdown report: every story panel as text and tables, article text escaped."""

from __future__ import annotations

import re

import pytest

from synoptic.report.markdown import render_markdown
from test_web_support import hostile_document, load_fixture


@pytest.fixture(scope="module")
def report() -> str:
    return render_markdown(load_fixture())


@pytest.mark.parametrize(
    "line",
    [
        "## Harbour Bridge in Veloria closed after crack",
        "| The crack is three metres long | ✓ | ✓ | ✓ | ✗ |",
        "| An extra ferry service was added | ✓ | · | · | ✗ |",
        "| 2026-03-02 | Engineers find a crack in the Harbour Bridge | 4 | [^6][^7] |",
        "- length of the crack: **3 metres** [^12][^13][^14]; **5 metres** [^15]",
        "- Northern Wire is a copy of Veloria Courier, score 0.91",
        "  - Northern Wire (en): “The bridge will **remain** closed until **the** engineers are **sure** it is safe,” "
        "without ~~stay~~ ~~certain~~",
        "[^15]: Le Quotidien de Veloria, characters 15–26: “cinq mètres”",
        "- broken.json: malformed JSON: Expecting value at line 1 column 1",
    ],
)
def test_report_markdown_has_line(report: str, line: str) -> None:
    assert line in report.splitlines()


def test_report_markdown_every_footnote_is_defined(report: str) -> None:
    used = set(re.findall(r"\[\^(\d+)\](?!:)", report))
    defined = set(re.findall(r"^\[\^(\d+)\]:", report, re.M))
    assert used == defined and len(used) == 23


def test_report_markdown_escapes_hostile_text() -> None:
    text = render_markdown(hostile_document())
    assert not re.search(r"(?<!\\)<", text)  # every < of the article is escaped
    assert "\\<script\\>alert('value')\\</script\\>" in text
    assert "](" not in text  # no link or image can be formed from article text
