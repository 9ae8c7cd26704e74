"""The Markdown report: stories, their sources, events, conflicts and cited summary, as plain text."""

from __future__ import annotations

from typing import Any


def _md(text: str) -> str:
    """Escape Markdown control characters so article text renders as text."""
    out = text.replace("\\", "\\\\")
    for ch in "`*_[]<>#|":
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", " ")


def render_markdown(doc: dict[str, Any]) -> str:
    articles = {a["id"]: a for a in doc["articles"]}
    lines = ["# Synoptic analysis", ""]
    lines.append(f"{len(doc['articles'])} articles, {len(doc['stories'])} stories, {len(doc['rejected'])} rejected.")
    lines.append("")
    for story in doc["stories"]:
        lines += [f"## {_md(story['title'])}", ""]
        for sentence in story.get("summary", []):
            cites = ", ".join(
                sorted({_md(articles[c["article"]]["outlet"] or c["article"]) for c in sentence["citations"]})
            )
            lines.append(f"- {_md(sentence['text'])} ({cites})")
        lines.append("")
        lines.append("| article | language | outlet | published |")
        lines.append("|---|---|---|---|")
        for aid in story["articles"]:
            a = articles[aid]
            title, outlet, date = _md(a["title"] or a["path"]), _md(a["outlet"] or ""), a["published"]["date"] or ""
            lines.append(f"| {title} | {a['language']} | {outlet} | {date} |")
        lines.append("")
        for conflict in story.get("conflicts", []):
            values = "; ".join(f"{_md(v['value'])} ({len(v['spans'])} spans)" for v in conflict["values"])
            lines.append(f"- **Conflict** about {_md(conflict['about'])}: {values}")
        lines.append("")
    if not doc["stories"]:
        lines += ["## Articles", ""]
        for a in doc["articles"]:
            lines.append(f"- {_md(a['title'] or a['path'])} ({a['language']}, {a['published']['date'] or 'undated'})")
        lines.append("")
    if doc["rejected"]:
        lines += ["## Rejected inputs", ""]
        lines += [f"- `{r['path']}`: {_md(r['reason'])}" for r in doc["rejected"]]
    return "\n".join(lines) + "\n"
