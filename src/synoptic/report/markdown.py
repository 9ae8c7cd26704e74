"""The Markdown report: each story's cited summary, timeline, agreement table, conflicts, quotes and copies.

Charts become tables. Every piece of article text is escaped so that it renders as text in any
Markdown viewer (no links, images, HTML or emphasis can come from an article).
"""

from __future__ import annotations

from typing import Any

from ..present.charts import cell_state
from ..present.corpus import Corpus, Json, items, spans, story_events, text_of
from ..present.views import publication, quote_groups

SYMBOL = {"reported": "✓", "contradicted": "✗", "both": "±", "omitted": "·"}


class _NoLinks:
    """Links for the Markdown report: none (quote groups need a Links object)."""

    def story(self, story_id: str) -> str:
        return ""

    def article(self, article_id: str, span: Json | None = None) -> str:
        return ""

    def entity(self, entity_id: str) -> str:
        return ""


def _md(text: Any) -> str:
    """Escape Markdown control characters so article text renders as text."""
    out = str(text if text is not None else "").replace("\\", "\\\\")
    for ch in "`*_[]<>#|!&~":
        out = out.replace(ch, "\\" + ch)
    return " ".join(out.split())


def _quote(text: str, limit: int = 160) -> str:
    short = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"“{_md(short)}”"


class _Notes:
    """Numbered evidence footnotes of one report."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.lines: list[str] = []

    def cite(self, span: Json) -> str:
        n = len(self.lines) + 1
        source = self.corpus.label(span["article"])
        self.lines.append(
            f"[^{n}]: {_md(source)}, characters {span['start']}–{span['end']}: {_quote(self.corpus.span_text(span))}"
        )
        return f"[^{n}]"


def render_markdown(doc: dict[str, Any]) -> str:
    corpus = Corpus(doc)
    notes = _Notes(corpus)
    lines = ["# Synoptic analysis", ""]
    lines.append(
        f"{len(corpus.articles)} articles, {len(corpus.stories)} stories, {len(corpus.entities)} entities, "
        f"{len(corpus.quotes)} quotes, {len(corpus.rejected)} rejected."
    )
    lines.append("")
    for story in corpus.stories:
        lines += _story(corpus, story, notes)
    loose = list(corpus.unclustered())
    if loose:
        lines += ["## Articles in no story", ""]
        lines += [
            f"- {_md(text_of(a, 'title') or a['id'])} ({_md(text_of(a, 'language'))}, {publication(a)})" for a in loose
        ]
        lines.append("")
    if corpus.rejected:
        lines += ["## Rejected inputs", ""]
        lines += [f"- {_md(text_of(r, 'path'))}: {_md(text_of(r, 'reason'))}" for r in corpus.rejected]
        lines.append("")
    if notes.lines:
        lines += ["## Evidence", "", *notes.lines, ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _story(corpus: Corpus, story: Json, notes: _Notes) -> list[str]:
    arts = corpus.story_articles(story)
    voices = story.get("voices")
    lines = [f"## {_md(text_of(story, 'title', story['id']))}", ""]
    lines.append(f"{len(arts)} articles, {voices if isinstance(voices, int) else len(arts)} independent voices.")
    lines.append("")
    summary = items(story, "summary")
    if summary:
        lines += ["### Summary", ""]
        lines += [
            f"- {_md(text_of(s, 'text'))} {''.join(notes.cite(c) for c in spans(s, 'citations'))}" for s in summary
        ]
        lines.append("")
    events = sorted(story_events(story), key=lambda e: text_of(e, "date") or "9999")
    if events:
        lines += ["### Timeline", "", "| date | event | sources | evidence |", "|---|---|---|---|"]
        for e in events:
            cites = "".join(notes.cite(s) for s in spans(e, "evidence"))
            count = len(e["articles"]) if isinstance(e.get("articles"), list) else 0
            lines.append(
                f"| {_md(text_of(e, 'date') or 'undated')} | {_md(text_of(e, 'description'))} | {count} | {cites} |"
            )
        lines.append("")
    lines += _agreement(corpus, story, arts)
    lines += _conflicts(story, notes)
    lines += _quotes(corpus, arts)
    lines += _derivations(corpus, arts)
    lines += ["### Sources", "", "| outlet | title | language | published |", "|---|---|---|---|"]
    for a in arts:
        title = _md(text_of(a, "title") or text_of(a, "path"))
        lines.append(f"| {_md(text_of(a, 'outlet'))} | {title} | {_md(text_of(a, 'language'))} | {publication(a)} |")
    lines.append("")
    return lines


def _agreement(corpus: Corpus, story: Json, arts: list[Json]) -> list[str]:
    claims = items(story, "claims")
    if not claims or not arts:
        return []
    head = "| claim | " + " | ".join(_md(corpus.label(a["id"])) for a in arts) + " |"
    lines = ["### Who reports what", "", "✓ reported, ✗ contradicted, ± both, · omitted", "", head]
    lines.append("|---" * (len(arts) + 1) + "|")
    for c in claims:
        cells = " | ".join(SYMBOL.get(cell_state(story, c, a["id"])[0], "?") for a in arts)
        lines.append(f"| {_md(text_of(c, 'statement'))} | {cells} |")
    return [*lines, ""]


def _conflicts(story: Json, notes: _Notes) -> list[str]:
    conflicts = items(story, "conflicts")
    if not conflicts:
        return []
    lines = ["### Conflicts", ""]
    for c in conflicts:
        values = "; ".join(
            f"**{_md(text_of(v, 'value'))}** {''.join(notes.cite(s) for s in spans(v, 'spans'))}"
            for v in items(c, "values")
        )
        lines.append(f"- {_md(text_of(c, 'about'))}: {values}")
    return [*lines, ""]


def _quotes(corpus: Corpus, arts: list[Json]) -> list[str]:
    groups = quote_groups(corpus, [a["id"] for a in arts], _NoLinks())
    if not groups:
        return []
    lines = ["### Who said what", ""]
    for g in groups:
        lines.append(f"- **{_md(g.speaker)}**, {len(g.wordings)} report(s):")
        for w in g.wordings:
            said = " ".join("".join(_piece(p.text, p.change) for p in w.pieces).split())
            dropped = "".join(f" ~~{_md(r)}~~" for r in w.removed)
            lines.append(f"  - {_md(w.source)} ({_md(w.language)}): “{said}”{' without' + dropped if dropped else ''}")
    return [
        *lines,
        "",
        "Wording differences: **added or changed** and ~~dropped~~ words against the group's reference.",
        "",
    ]


def _piece(text: str, change: str) -> str:
    if change == "same":
        return _md(text)
    body = _md(text.strip())
    if not body:
        return _md(text)
    return f" **{body}** "


def _derivations(corpus: Corpus, arts: list[Json]) -> list[str]:
    found = corpus.derivations_among(a["id"] for a in arts)
    if not found:
        return []
    lines = ["### Copies, spins and translations", ""]
    for d in found:
        score = d.get("score")
        shown = f", score {score:.2f}" if isinstance(score, int | float) else ""
        lines.append(f"- {_md(corpus.derivation_note(d))}{shown}")
    return [*lines, ""]
