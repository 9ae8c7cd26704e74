"""Reader round trips (hypothesis): what we write in each format is what we read back."""

from __future__ import annotations

import json
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from synoptic.ingest import read_bytes
from synoptic.settings import Settings

words = st.text(alphabet=string.ascii_lowercase + "äöüéèß", min_size=2, max_size=9)
sentence = st.lists(words, min_size=16, max_size=24).map(lambda ws: " ".join(ws).capitalize() + ".")
paragraphs = st.lists(sentence, min_size=1, max_size=4)
names = st.lists(
    st.tuples(st.sampled_from(["Anna", "Jan", "Marie", "Omar"]), st.sampled_from(["Berg", "Koch", "Dubois", "Okafor"])),
    min_size=1,
    max_size=2,
    unique=True,
).map(lambda ps: [f"{a} {b}" for a, b in ps])
# A headline that starts like a by-line ("By Jane") is read as one, by design: such titles are not generated.
titles = (
    st.lists(words, min_size=2, max_size=8)
    .filter(lambda ws: ws[0] not in {"by", "von", "par", "por", "di"})
    .map(lambda ws: " ".join(ws).capitalize())
)


@settings(max_examples=40, deadline=None)
@given(paragraphs, titles, names, st.dates().map(lambda d: d.isoformat()).filter(lambda d: d >= "1900"))
def test_ingest_news_please_round_trip(paras: list[str], title: str, authors: list[str], date: str) -> None:
    body = "\n\n".join(paras)
    record = {"title": title, "maintext": body, "authors": authors, "date_publish": f"{date} 08:00:00"}
    [art], rejected = read_bytes("r.json", json.dumps(record).encode(), Settings())
    assert not rejected
    assert (art.text, art.title, list(art.authors), art.published.date) == (body, title, authors, date)


@settings(max_examples=40, deadline=None)
@given(paragraphs, titles, names, st.dates().map(lambda d: d.isoformat()).filter(lambda d: d >= "1900"))
def test_ingest_metadata_text_round_trip(paras: list[str], title: str, authors: list[str], date: str) -> None:
    body = "\n\n".join(paras)
    raw = f"Published Time: {date}\nTitle: {title}\nAuthor: {'; '.join(authors)}\nText:\n{body}\n"
    [art], rejected = read_bytes("r.txt", raw.encode("utf-8"), Settings())
    assert not rejected
    assert (art.text, art.title, list(art.authors), art.published.date) == (body, title, authors, date)


@settings(max_examples=40, deadline=None)
@given(paragraphs, titles)
def test_ingest_plain_text_round_trip_in_cp1252(paras: list[str], title: str) -> None:
    body = "\n\n".join(paras)
    [art], rejected = read_bytes("r.txt", f"{title}\n\n{body}\n".encode("cp1252"), Settings())
    assert not rejected
    assert (art.text, art.title) == (body, title)
