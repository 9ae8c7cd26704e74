"""Geometry of the story charts (timeline, agreement heat map, derivation graph).

These functions compute coordinates and labels only; `templates/charts.html` draws them as inline
SVG, escaping every label, so the UI and the static report share one drawing and need no script.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from .corpus import Corpus, Json, date_key, items, published, spans, story_events, text_of


def clip(text: str, limit: int) -> str:
    """Shorten a label to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(date_key(value))
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------
# Timeline


@dataclass(frozen=True)
class TimelinePoint:
    x: float
    y: float
    label: str
    full: str
    date: str
    event_id: str
    sources: int
    anchor: str = "start"  # SVG text-anchor of the label ("" label: no room, tooltip only)


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class PubMark:
    x: float
    label: str
    article: str


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    axis_y: float
    left: float
    right: float
    points: tuple[TimelinePoint, ...]
    ticks: tuple[Tick, ...]
    published: tuple[PubMark, ...]
    undated: tuple[Json, ...]
    earlier: tuple[Json, ...] = ()  # dated events long before the coverage, not drawn


LANES = 5
LABEL_CHARS = 30
CHAR_PX = 6.8  # average width of a bold 12px label character
WINDOW_DAYS = 366  # events more than a year before the first publication are listed, not drawn


def timeline(corpus: Corpus, story: Json, width: int = 1100) -> Timeline | None:
    """Dated events on a time axis, article publication dates below it.

    Labels go into the lowest free lane; an event with no room left keeps its dot and tooltip. Events
    long before the coverage (a flood of 1840 recalled in 2025) are counted, not drawn, so they do
    not squeeze the rest of the axis.
    """
    events = story_events(story)
    dated = [(e, d) for e in events if (d := _day(text_of(e, "date")))]
    pubs = [(a, d) for a in corpus.story_articles(story) if (d := _day(published(a)))]
    earlier: tuple[Json, ...] = ()
    if pubs:
        start = min(d for _, d in pubs) - timedelta(days=WINDOW_DAYS)
        earlier = tuple(e for e, d in dated if d < start)
        dated = [(e, d) for e, d in dated if d >= start]
    if not dated and not pubs:
        return None
    days = [d for _, d in dated] + [d for _, d in pubs]
    first, last = min(days), max(days)
    span = max((last - first).days, 1)
    left, right = 60.0, width - 60.0

    def x_of(d: date) -> float:
        return left + (right - left) * ((d - first).days / span if last != first else 0.5)

    lane_ends = [-math.inf] * LANES
    placed: list[tuple[Json, float, str, str, int | None]] = []
    for event, d in sorted(dated, key=lambda p: (p[1], text_of(p[0], "id"))):
        x = round(x_of(d), 1)
        label = clip(text_of(event, "description"), LABEL_CHARS)
        extent = (len(text_of(event, "date")) + 3 + len(label)) * CHAR_PX
        anchor = "end" if x + extent > width - 5 else "start"
        x0, x1 = (x - extent, x) if anchor == "end" else (x, x + extent)
        lane = next((i for i, end in enumerate(lane_ends) if end + 12 < x0), None)
        if lane is not None:
            lane_ends[lane] = x1
        placed.append((event, x, label, anchor, lane))
    used = sum(1 for end in lane_ends if end > -math.inf)
    axis_y = 40.0 + max(used, 1) * 30
    points = [
        TimelinePoint(
            x=x,
            y=axis_y - 24 - (lane or 0) * 30,
            label=label if lane is not None else "",
            full=text_of(event, "description"),
            date=text_of(event, "date"),
            event_id=text_of(event, "id"),
            sources=len(event["articles"]) if isinstance(event.get("articles"), list) else 0,
            anchor=anchor,
        )
        for event, x, label, anchor, lane in placed
    ]
    marks = tuple(PubMark(round(x_of(d), 1), corpus.label(a["id"]), a["id"]) for a, d in pubs)
    return Timeline(
        width=width,
        height=int(axis_y + 60),
        axis_y=axis_y,
        left=left,
        right=right,
        points=tuple(points),
        ticks=_ticks(first, last, x_of),
        published=marks,
        undated=tuple(e for e in events if _day(text_of(e, "date")) is None),
        earlier=earlier,
    )


def _ticks(first: date, last: date, x_of: Callable[[date], float]) -> tuple[Tick, ...]:
    total = (last - first).days
    if total == 0:
        return (Tick(round(x_of(first), 1), first.isoformat()),)
    step = max(1, math.ceil(total / 6))
    out = []
    day = first.toordinal()
    while day <= last.toordinal():
        d = date.fromordinal(day)
        out.append(Tick(round(x_of(d), 1), d.isoformat()))
        day += step
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# Agreement matrix (sources x claims)


@dataclass(frozen=True)
class Cell:
    x: float
    y: float
    state: str  # "reported" | "contradicted" | "both" | "omitted"
    article: str
    note: str
    span: Json | None


@dataclass(frozen=True)
class Column:
    x: float
    label: str
    article: str
    language: str


@dataclass(frozen=True)
class Row:
    y: float
    label: str
    full: str
    claim_id: str


@dataclass(frozen=True)
class Matrix:
    width: int
    height: int
    cell: int
    left: int
    top: int
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    cells: tuple[Cell, ...]
    hidden: int = 0  # claims not drawn (reported by fewer sources than the drawn ones)


def coverage_row(story: Json, claim_id: str) -> dict[str, str]:
    """The analysis's own coverage of one claim (article id -> "reported" | "contradicted" | "both" |
    "omitted"), read from the story's stored `coverage` matrix; {} when the document has none."""
    cover = story.get("coverage")
    matrix = cover.get("matrix") if isinstance(cover, dict) else None
    row = matrix.get(claim_id) if isinstance(matrix, dict) else None
    return {a: s for a, s in row.items() if isinstance(a, str) and isinstance(s, str)} if isinstance(row, dict) else {}


def claim_states(story: Json, claim: Json) -> dict[str, tuple[str, Json | None]]:
    """Per article that reports or contradicts the claim: its stored coverage state and its first
    span of the claim (a supporting span, else a contradicting one). Articles left out omit it."""
    first: dict[str, Json] = {}
    for s in spans(claim, "support") + spans(claim, "contradict"):
        first.setdefault(s["article"], s)
    return {
        aid: (state, first.get(aid))
        for aid, state in coverage_row(story, text_of(claim, "id")).items()
        if state != "omitted"
    }


def cell_state(story: Json, claim: Json, article_id: str) -> tuple[str, Json | None]:
    """Whether an article reports, contradicts (or both) or omits a claim, with its first span."""
    return claim_states(story, claim).get(article_id, ("omitted", None))


MAX_ROWS = 40


def matrix(corpus: Corpus, story: Json, max_rows: int = MAX_ROWS) -> Matrix | None:
    """The heat map: one row per claim, one column per source article.

    Claims that the most sources report or contradict come first; past `max_rows` the rest are
    counted, not drawn, so a story with hundreds of claims stays readable.
    """
    claims = [c for c in items(story, "claims") if isinstance(c.get("id"), str)]
    arts = corpus.story_articles(story)
    if not claims or not arts:
        return None
    ids = {a["id"] for a in arts}
    states = {c["id"]: claim_states(story, c) for c in claims}
    ranked = sorted(claims, key=lambda c: -len(ids & states[c["id"]].keys()))
    claims, hidden = ranked[:max_rows], len(ranked) - len(ranked[:max_rows])
    cell, left, top = 34, 330, 165
    columns = tuple(
        Column(left + i * cell + cell / 2, clip(corpus.label(a["id"]), 20), a["id"], text_of(a, "language"))
        for i, a in enumerate(arts)
    )
    rows, cells = [], []
    for j, claim in enumerate(claims):
        y = top + j * cell
        statement = text_of(claim, "statement")
        rows.append(Row(y + cell / 2, clip(statement, 48), statement, claim["id"]))
        for i, a in enumerate(arts):
            state, span = states[claim["id"]].get(a["id"], ("omitted", None))
            quoted = f': "{clip(corpus.span_text(span), 120)}"' if span else ""
            note = f"{corpus.label(a['id'])} ({text_of(a, 'language')}) {state}{quoted}"
            cells.append(Cell(left + i * cell, y, state, a["id"], note, span))
    return Matrix(
        width=left + len(arts) * cell + 150,
        height=top + len(claims) * cell + 10,
        cell=cell,
        left=left,
        top=top,
        columns=columns,
        rows=tuple(rows),
        cells=tuple(cells),
        hidden=hidden,
    )


# ---------------------------------------------------------------------------------------------
# Derivation graph


@dataclass(frozen=True)
class Node:
    x: float
    y: float
    label: str
    sub: str
    article: str


@dataclass(frozen=True)
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    kind: str
    score: str
    note: str


@dataclass(frozen=True)
class Graph:
    width: int
    height: int
    node_w: int
    node_h: int
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


def graph(corpus: Corpus, story: Json) -> Graph | None:
    """Articles placed left to right by publication date; arrows from source to derived article."""
    ids = [a["id"] for a in corpus.story_articles(story)]
    derivs = corpus.derivations_among(ids)
    if not derivs:
        return None
    for d in derivs:
        for key in ("source", "derived"):
            if isinstance(d.get(key), str) and d[key] not in ids:
                ids.append(d[key])
    columns: dict[str, list[str]] = {}
    for aid in sorted(ids, key=lambda i: (published(corpus.article(i) or {}) or "9999", i)):
        columns.setdefault(published(corpus.article(aid) or {}) or "undated", []).append(aid)
    node_w, node_h, gap_x, gap_y = 150, 44, 150, 40
    tallest = max(len(c) for c in columns.values())
    pos: dict[str, tuple[float, float]] = {}
    for ci, members in enumerate(columns.values()):
        offset = (tallest - len(members)) * (node_h + gap_y) / 2
        for ri, aid in enumerate(members):
            pos[aid] = (20 + ci * (node_w + gap_x), 30 + offset + ri * (node_h + gap_y))
    nodes = tuple(Node(x, y, clip(corpus.label(aid), 20), _node_sub(corpus, aid), aid) for aid, (x, y) in pos.items())
    edges = tuple(_edge(corpus, d, pos, node_w, node_h) for d in derivs if d.get("derived") in pos)
    return Graph(
        width=int(40 + len(columns) * (node_w + gap_x) - gap_x),
        height=int(60 + tallest * (node_h + gap_y)),
        node_w=node_w,
        node_h=node_h,
        nodes=nodes,
        edges=edges,
    )


def _node_sub(corpus: Corpus, aid: str) -> str:
    a = corpus.article(aid) or {}
    return " · ".join(p for p in (text_of(a, "language"), published(a)) if p)


def _edge(corpus: Corpus, d: Json, pos: dict[str, tuple[float, float]], w: int, h: int) -> Edge:
    (sx, sy), (dx, dy) = pos[d["source"]], pos[d["derived"]]
    sx, sy, dx, dy = sx + w / 2, sy + h / 2, dx + w / 2, dy + h / 2
    x1, y1 = _border(sx, sy, dx, dy, w, h)
    x2, y2 = _border(dx, dy, sx, sy, w, h)
    kind = text_of(d, "kind", "derived")
    score = d.get("score")
    shown = f"{score:.2f}" if isinstance(score, int | float) else ""
    note = corpus.derivation_note(d)
    return Edge(round(x1, 1), round(y1, 1), round(x2, 1), round(y2, 1), kind, shown, note)


def _border(cx: float, cy: float, tx: float, ty: float, w: int, h: int) -> tuple[float, float]:
    """Where the line from a box's centre towards (tx, ty) leaves the box (plus a small gap)."""
    dx, dy = tx - cx, ty - cy
    if dx == 0 and dy == 0:
        return cx, cy
    scale = min((w / 2 + 4) / abs(dx) if dx else math.inf, (h / 2 + 4) / abs(dy) if dy else math.inf)
    return cx + dx * scale, cy + dy * scale
