"""Pieces behind the pages: highlighted segments, word diffs, context, safe links, chart geometry, filters."""

from __future__ import annotations

import pytest

from synoptic.present import charts
from synoptic.present.corpus import Corpus, Filters
from synoptic.present.textmarks import Mark, in_context, mark_added, segments
from synoptic.present.views import AppLinks, ReportLinks, article_marks, article_view, quote_groups, safe_url
from test_web_support import load_fixture


def test_web_segments_split_overlapping_marks() -> None:
    text = "Mayor Ilse Corwin closed the bridge."
    marks = [Mark(6, 17, "entity", "Ilse Corwin"), Mark(0, 35, "claim", "closed"), Mark(18, 24, "quote")]
    found = [(s.text, s.kinds) for s in segments(text, marks)]
    assert found == [
        ("Mayor ", ("claim",)),
        ("Ilse Corwin", ("claim", "entity")),
        (" ", ("claim",)),
        ("closed", ("claim", "quote")),
        (" the bridge", ("claim",)),
        (".", ()),
    ]
    assert "".join(s.text for s in segments(text, marks)) == text


@pytest.mark.parametrize(
    "marks",
    [[], [Mark(5, 3, "entity")], [Mark(-1, 4, "entity")], [Mark(0, 999, "entity")], [Mark(2, 2, "quote")]],
    ids=["none", "reversed", "negative", "past the end", "empty"],
)
def test_web_segments_ignore_marks_that_do_not_fit(marks: list[Mark]) -> None:
    assert [(s.text, s.kinds) for s in segments("some text", marks)] == [("some text", ())]


def test_web_segments_anchor_every_mark_start() -> None:
    found = segments("abcdef", [Mark(1, 3, "entity"), Mark(1, 5, "claim")])
    assert found[1].anchors == ("s-1-5", "s-1-3")


@pytest.mark.parametrize(
    ("wording", "added", "expected"),
    [
        ("we will stay", [], [("we will stay", "same")]),
        ("We will remain", ["remain"], [("We will ", "same"), ("remain", "changed")]),
        ("Wir bleiben heute hier", ["heute"], [("Wir bleiben ", "same"), ("heute", "changed"), (" hier", "same")]),
        (
            "the sure way, the  new way",
            ["the new"],
            [("the sure way, ", "same"), ("the  new", "changed"), (" way", "same")],
        ),
        ("« Nous restons »", ["restons"], [("« Nous ", "same"), ("restons", "changed"), (" »", "same")]),
        ("no deal", ["today"], [("no deal", "same")]),  # a run not in the wording is not guessed at
        ("the theory", ["the", "the"], [("the", "changed"), (" theory", "same")]),  # whole words only
    ],
)
def test_present_marks_the_stored_added_runs(wording: str, added: list[str], expected: list[tuple[str, str]]) -> None:
    pieces = mark_added(wording, added)
    assert [(p.text, p.change) for p in pieces] == expected
    assert "".join(p.text for p in pieces) == wording


def test_web_in_context_cuts_at_words_and_one_line() -> None:
    body = "First line here.\n\nThe mayor said the bridge will close soon, officials added later that day."
    ctx = in_context(body, body.index("bridge"), body.index("bridge") + 6, width=20)
    assert ctx.text == "bridge"
    assert ctx.before.startswith("…") and "\n" not in ctx.before
    assert ctx.after.endswith("…")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.test/a", "https://example.test/a"),
        ("http://example.test/a", "http://example.test/a"),
        (" https://example.test/ ", "https://example.test/"),
        ("javascript:alert(1)", None),
        ("JavaScript:alert(1)", None),
        (" javascript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("vbscript:msgbox", None),
        ("//evil.test/x", None),
        ("/relative", None),
        ("http://[::1", None),
        (None, None),
        (42, None),
    ],
)
def test_web_safe_url_links_http_only(url: object, expected: str | None) -> None:
    assert safe_url(url) == expected


@pytest.mark.parametrize(
    ("links", "expected"),
    [
        (AppLinks(), ("/stories/a%2Fb%3Cc%3E", "/articles/x%20y?hl=3-9#s-3-9", "/entities/%22e%22")),
        (ReportLinks(), ("#story-a%2Fb%3Cc%3E", "#a-x%20y-s-3-9", "#entity-%22e%22")),
    ],
)
def test_web_links_encode_ids(links: AppLinks | ReportLinks, expected: tuple[str, str, str]) -> None:
    span = {"article": "x y", "start": 3, "end": 9}
    assert (links.story("a/b<c>"), links.article("x y", span), links.entity('"e"')) == expected


def test_web_matrix_states_follow_the_stored_coverage() -> None:
    corpus = Corpus(load_fixture())
    grid = charts.matrix(corpus, corpus.stories[0])
    assert grid is not None
    states = {
        (c.article, row.claim_id): c.state for row in grid.rows for c in grid.cells if c.y + grid.cell / 2 == row.y
    }
    assert states[("a4", "s1-c2")] == "contradicted"
    assert states[("a3", "s1-c2")] == "reported"
    assert states[("a2", "s1-c3")] == "omitted"
    doc = load_fixture()
    doc["stories"][0]["coverage"]["matrix"]["s1-c2"]["a3"] = "both"
    doc["stories"][0]["coverage"]["matrix"]["s1-c2"]["a4"] = "omitted"
    changed = charts.matrix(Corpus(doc), Corpus(doc).stories[0])
    assert changed is not None
    row = next(r for r in changed.rows if r.claim_id == "s1-c2")
    cells = {(c.article, c.state) for c in changed.cells if c.y + changed.cell / 2 == row.y}
    assert ("a3", "both") in cells and ("a4", "omitted") in cells


def test_web_matrix_without_stored_coverage_shows_every_claim_omitted() -> None:
    doc = load_fixture()
    del doc["stories"][0]["coverage"]
    grid = charts.matrix(Corpus(doc), Corpus(doc).stories[0])
    assert grid is not None and {c.state for c in grid.cells} == {"omitted"}


def test_web_timeline_orders_events_by_date() -> None:
    corpus = Corpus(load_fixture())
    line = charts.timeline(corpus, corpus.stories[0])
    assert line is not None
    assert [p.date for p in line.points] == ["2026-03-02", "2026-03-03", "2026-03-10"]
    assert [p.x for p in line.points] == sorted(p.x for p in line.points)
    assert [e["id"] for e in line.undated] == ["s1-e4"]
    assert line.left <= min(p.x for p in line.points) and max(p.x for p in line.points) <= line.right


def test_web_graph_puts_sources_before_derived() -> None:
    corpus = Corpus(load_fixture())
    graph = charts.graph(corpus, corpus.stories[0])
    assert graph is not None
    x = {n.article: n.x for n in graph.nodes}
    assert x["a1"] < x["a3"] and x["a1"] < x["a4"] and x["a1"] == x["a2"]  # a1 and a2 share a publication date
    assert sorted(e.kind for e in graph.edges) == ["copy", "paraphrase", "translation"]
    assert charts.graph(corpus, corpus.stories[1]) is None  # no derivations in the factory story


def test_web_charts_absent_without_data() -> None:
    corpus = Corpus({"articles": [{"id": "a", "text": "t"}], "stories": [{"id": "s", "articles": ["a"]}]})
    story = corpus.stories[0]
    assert (charts.timeline(corpus, story), charts.matrix(corpus, story), charts.graph(corpus, story)) == (None,) * 3


def test_web_quote_groups_show_the_stored_differences() -> None:
    corpus = Corpus(load_fixture())
    groups = quote_groups(corpus, ["a1", "a2", "a3", "a4"], AppLinks())
    bridge = groups[0]
    assert (bridge.id, bridge.speaker, bridge.languages) == ("g1", "Ilse Corwin", ("en", "de"))
    assert [w.reference for w in bridge.wordings] == [True, False, False]
    assert [w.similarity for w in bridge.wordings] == [None, 0.71, 0.83]  # one number per wording, the analysis's
    assert [p.text for p in bridge.wordings[1].pieces if p.change == "changed"] == ["remain", "the", "sure"]
    assert bridge.wordings[1].removed == ("stay", "certain")
    assert bridge.wordings[2].removed == () and len(bridge.wordings[2].pieces) == 1  # another language: no word diff


def test_web_article_marks_cover_entities_quotes_and_claims() -> None:
    corpus = Corpus(load_fixture())
    kinds = {m.kind for m in article_marks(corpus, "a4", highlight=(0, 5))}
    assert kinds == {"entity", "contra", "claim", "cited", "target"}
    text = corpus.article_by_id["a4"]["text"]
    assert all(0 <= m.start < m.end <= len(text) for m in article_marks(corpus, "a4"))


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(), ["s1", "s2"]),
        (Filters(language="de"), ["s1"]),
        (Filters(language="it"), []),
        (Filters(outlet="L'Écho de Brask"), ["s2"]),
        (Filters(q="ÉCHO"), []),  # search reads titles and summaries, not outlets
        (Filters(q="fissure"), ["s1"]),  # a French article title
        (Filters(date_from="2026-03"), ["s1"]),
        (Filters(date_to="2026-02-19"), ["s2"]),
        (Filters(date_from="2026-02-21", date_to="2026-02-21"), ["s2"]),
        (Filters(date_from="2027-01-01"), []),
    ],
)
def test_web_story_filters(filters: Filters, expected: list[str]) -> None:
    corpus = Corpus(load_fixture())
    assert [s["id"] for s in corpus.filter_stories(filters)] == expected


def test_web_corpus_tolerates_broken_documents() -> None:
    corpus = Corpus({"articles": [{"id": "a"}, "junk", {"no": "id"}], "quotes": [{"span": {"article": "a"}}]})
    assert [a["id"] for a in corpus.articles] == ["a"]
    assert corpus.quotes == []
    assert corpus.stories == [] and [a["id"] for a in corpus.unclustered()] == ["a"]
    assert Corpus(None).articles == []


def test_web_quote_groups_follow_the_analysis_reference() -> None:
    doc = load_fixture()
    doc["quote_groups"][0]["reference"] = "q2"
    doc["quote_groups"][0]["variants"] = [{"quote": "q1", "similarity": 0.7}, {"quote": "q3", "similarity": 0.83}]
    bridge = quote_groups(Corpus(doc), ["a1", "a2", "a3"], AppLinks())[0]
    assert [w.quote_id for w in bridge.wordings] == ["q2", "q1", "q3"]
    assert [w.reference for w in bridge.wordings] == [True, False, False]
    assert [w.similarity for w in bridge.wordings] == [None, 0.7, 0.83]


@pytest.mark.parametrize(
    "groups",
    [None, "junk", [None, 1], [{"id": 3}], [{"id": "g1", "variants": "x", "reference": 5, "notes": [1, "kept"]}]],
    ids=["absent", "not a list", "not objects", "bad id", "bad fields"],
)
def test_web_quote_groups_tolerate_malformed_group_list(groups: object) -> None:
    doc = load_fixture()
    doc["quote_groups"] = groups
    bridge = quote_groups(Corpus(doc), ["a1", "a2", "a3"], AppLinks())[0]
    assert [w.quote_id for w in bridge.wordings] == ["q1", "q2", "q3"]


def test_web_matrix_draws_widest_claims_first_and_counts_the_rest() -> None:
    corpus = Corpus(load_fixture())
    grid = charts.matrix(corpus, corpus.stories[0], max_rows=2)
    assert grid is not None
    assert [r.claim_id for r in grid.rows] == ["s1-c1", "s1-c2"]  # four sources each
    assert grid.hidden == 2
    assert len(grid.cells) == 2 * 4


def test_web_timeline_falls_back_to_story_timeline_entries() -> None:
    doc = load_fixture()
    story = doc["stories"][1]
    story["events"] = []
    story["timeline"] = [
        {"id": "t1", "date": "2026-02-18", "what": "Hiring starts", "sources": ["a5"], "evidence": []},
        {"id": "t2", "date": None, "what": "Undated entry"},
        "junk",
    ]
    corpus = Corpus(doc)
    line = charts.timeline(corpus, corpus.stories[1])
    assert line is not None
    assert [(p.date, p.full, p.sources) for p in line.points] == [("2026-02-18", "Hiring starts", 1)]
    assert [e["description"] for e in line.undated] == ["Undated entry"]


def test_web_article_view_links_the_same_utterance_elsewhere() -> None:
    corpus = Corpus(load_fixture())
    view = article_view(corpus, corpus.article_by_id["a3"])
    assert [(q["id"], [o["id"] for o in others]) for q, others in view.quotes] == [("q3", ["q1", "q2"])]
    lone = article_view(corpus, corpus.article_by_id["a1"])
    assert [(q["id"], [o["id"] for o in others]) for q, others in lone.quotes] == [("q1", ["q2", "q3"]), ("q6", [])]
