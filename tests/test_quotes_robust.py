"""Any text, however broken its quote marks, gives quotes whose spans verify (and never an exception)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from synoptic.annotate.quotes import extract_quotes

ALPHABET = st.sampled_from([*"ab Cd,.:\n“”„\"«»‘’'-", "said ", "Peter Smith ", "he ", "that ", "sagte ", "a déclaré "])


@settings(max_examples=150, deadline=None)
@given(st.lists(ALPHABET, max_size=60).map("".join), st.sampled_from(["en", "de", "fr", "cs", "ru"]))
def test_quotes_robust_spans_verify_on_any_text(text: str, lang: str) -> None:
    for q in extract_quotes(text, lang):
        assert 0 <= q.start < q.end <= len(text)
        assert text[q.start : q.end] == q.text
        if q.speaker_start is not None and q.speaker_end is not None:
            assert text[q.speaker_start : q.speaker_end] == q.speaker_text
        if q.reference_start is not None and q.reference_end is not None:
            assert text[q.reference_start : q.reference_end] == q.reference_text


def test_quotes_robust_empty_and_mark_only_texts() -> None:
    for text in ("", "“", "”“", '"""', "« »", "\n\n“\n”"):
        assert extract_quotes(text, "en") == ()
