"""The comparison stages: claims, conflicts, coverage (with framing and timeline) and summary.

They run per story after the annotation, entity, quote and story layers. Intermediate results
travel between them as declared layers: `alignments` (each story's aligned claim units and their
similarities, from `claims`) and `findings` (each story's conflict findings, from `conflicts`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

from ..annotate.gazetteer import Gazetteer, GazetteerParams, run_gazetteer
from ..corpus import sized_batches
from ..embed import EncoderParams, encode_by_encoder, sentence_vectors, static_embedder
from ..models import Article, Claim, Conflict, ConflictValue, Document, Span, Story
from ..pipeline import Context, CorpusLayer, CorpusState, corpus_stage
from .claim_groups import Aligned, align, embed_plan
from .claim_parse import parse_slots, stored_parses
from .claims import ClaimParams, ClaimUnit, units_of
from .conflicts import ConflictParams, Finding, find_conflicts
from .coverage import coverage_matrix, voices_quoted
from .framing import FramingParams, story_framing
from .summary import SummaryParams, representative, summarise
from .timeline import timeline
from .voices import count_voices, stories_of, story_families, voice_of

#: Articles whose families' claim sentences are encoded in one E5 call (about 4,000 tokens a second
#: instead of 2,100 in calls of a story's few texts), few enough to bound a whole-store rerun's memory.
CLAIM_BATCH_ARTICLES = 500


@dataclass(frozen=True)
class Alignments(CorpusLayer):
    """Layer `alignments`: story id -> the story's view of its family's aligned claim units."""

    layer: ClassVar[str] = "alignments"
    by_story: Mapping[str, Aligned]


@dataclass(frozen=True)
class Findings(CorpusLayer):
    """Layer `findings`: story id -> the conflict findings touching the story's articles."""

    layer: ClassVar[str] = "findings"
    by_story: Mapping[str, tuple[Finding, ...]]


@dataclass(frozen=True)
class StoryWork:
    """What the comparison stages know about one story."""

    aligned: Aligned
    findings: tuple[Finding, ...] = ()


def _span(u: ClaimUnit) -> Span:
    return Span(u.article, u.start, u.end, u.text)


def _work(state: CorpusState) -> dict[str, StoryWork]:
    """Story id -> its alignment and conflict findings, for each story the claims stage worked on."""
    aligned = state.layer(Alignments).by_story
    findings = state.layer(Findings).by_story
    return {sid: StoryWork(a, findings.get(sid, ())) for sid, a in aligned.items()}


def build_claims(story: Story, aligned: Aligned, voices: dict[str, str]) -> tuple[Claim, ...]:
    """One Claim per aligned group, its statement the representative sentence, its support every sentence."""
    out: list[Claim] = []
    for n, members in enumerate(aligned.groups):
        rep = aligned.units[representative(aligned, members)]
        out.append(
            Claim(
                id=f"{story.id}-claim-{n}",
                statement=rep.text,
                support=tuple(_span(aligned.units[u]) for u in members),
                slots=rep.slots(),
                voices=count_voices([aligned.units[u].article for u in members], voices),
            )
        )
    return tuple(out)


def _documents(state: CorpusState, story: Story) -> list[Document]:
    return state.documents.pick(story.articles)


@corpus_stage(
    "claims",
    requires=[
        "sentences",
        "mentions",
        "timexes",
        "quantities",
        "entities",
        "published_inferred",
        "stories",
        "derivations",
        "events",
    ],
    provides=["claims", "alignments"],
    params=[ClaimParams, GazetteerParams, EncoderParams],
)
def claims_stage(state: CorpusState, ctx: Context) -> CorpusState:
    """Claims of every story: sentence claims with slots, aligned across articles and languages
    (over the story's family, see `voices.story_families`), each story keeping its own claims."""
    names = {e.id: e.name for e in state.entities}
    voices = voice_of(state)
    static = static_embedder(ctx)
    by_id = state.documents.by_id
    params, gazetteer = ctx.params(ClaimParams), run_gazetteer(ctx)
    work: dict[str, Aligned] = {}
    done: dict[str, Story] = {}
    stories = stories_of(state)
    families = story_families(state, stories, params.family_shared, params.family_jaccard)
    for batch in sized_batches(families, lambda f: sum(len(s.articles) for s in f), CLAIM_BATCH_ARTICLES):
        units = [family_units(state, family, names, params.min_words, gazetteer, ctx) for family in batch]
        plans = [embed_plan(us, state.derivations, by_id, params, voices, static) for us in units]
        encoders = [sentence_vectors(ctx, {u.lang for u in us}) for us in units]
        # one call per encoder for the batch; `align` then finds every vector memoised
        encode_by_encoder((e, plan.texts(us)) for e, us, plan in zip(encoders, units, plans, strict=True) if plan)
        for family, us, plan, encoder in zip(batch, units, plans, encoders, strict=True):
            aligned = align(us, encoder.embedder, state.derivations, by_id, params, voices, static, plan, encoder.scale)
            for story in family:
                view = story_view(aligned, set(story.articles))
                work[story.id] = view
                done[story.id] = replace(story, claims=build_claims(story, view, voices))
    out = tuple(done.get(s.id, s) for s in stories)
    return replace(state, stories=out).with_layer(Alignments(work))


def family_units(
    state: CorpusState,
    family: Sequence[Story],
    names: dict[str, str],
    min_words: int,
    gazetteer: Gazetteer,
    ctx: Context,
) -> list[ClaimUnit]:
    """The claim units of every article of a family of stories, article by article, with the slots
    of their parse (kept by `claim_parse`, else parsed now)."""
    articles = [a for story in family for a in story.articles]
    docs = _documents(state, replace(family[0], articles=tuple(articles)))
    units = [u for doc in docs for u in units_of(doc, names, min_words, gazetteer)]
    return parse_slots(units, ctx, stored_parses(docs))


def story_view(aligned: Aligned, articles: set[str]) -> Aligned:
    """The family's alignment seen from one story: its groups cut down to the story's own sentences."""
    groups = []
    for members in aligned.groups:
        own = tuple(u for u in members if aligned.units[u].article in articles)
        if own:
            groups.append(own)
    return Aligned(aligned.units, aligned.sims, tuple(groups))


def _conflict(story: Story, n: int, f: Finding, aligned: Aligned) -> Conflict:
    values = tuple(ConflictValue(v, tuple(_span(aligned.units[u]) for u in members)) for v, members in f.values)
    return Conflict(id=f"{story.id}-conflict-{n}", about=f.about, values=values)


def _with_contradictions(claims: tuple[Claim, ...], aligned: Aligned, findings: list[Finding]) -> tuple[Claim, ...]:
    group_of = aligned.group_of()
    against: dict[int, list[Span]] = {}
    for f in findings:
        for value, members in f.values:
            others = [_span(aligned.units[u]) for v, us in f.values if v != value for u in us]
            for u in members:
                if u in group_of:
                    against.setdefault(group_of[u], []).extend(others)
    return tuple(
        replace(c, contradict=tuple(dict.fromkeys(against[g]))) if g in against else c for g, c in enumerate(claims)
    )


@corpus_stage(
    "conflicts",
    requires=["claims", "alignments"],
    provides=["conflicts", "findings"],
    params=[ConflictParams, GazetteerParams],
)
def conflicts_stage(state: CorpusState, ctx: Context) -> CorpusState:
    """Conflicts of every story (place, date, number, outcome), and the spans contradicting each claim."""
    voices = voice_of(state)
    params, gazetteer = ctx.params(ConflictParams), run_gazetteer(ctx)
    alignments = state.layer(Alignments).by_story
    work: dict[str, tuple[Finding, ...]] = {}
    stories: list[Story] = []
    found: dict[int, list[Finding]] = {}  # per family alignment (shared by its stories' views)
    for story in state.stories:
        if story.id not in alignments:
            stories.append(story)
            continue
        aligned = alignments[story.id]
        if id(aligned.units) not in found:
            found[id(aligned.units)] = find_conflicts(aligned, voices, params, gazetteer)
        own = set(story.articles)
        findings = [f for f in found[id(aligned.units)] if any(aligned.units[u].article in own for u in f.units)]
        work[story.id] = tuple(findings)
        conflicts = tuple(_conflict(story, n, f, aligned) for n, f in enumerate(findings))
        claims = _with_contradictions(story.claims, aligned, findings)
        stories.append(replace(story, conflicts=conflicts, claims=claims))
    return replace(state, stories=tuple(stories)).with_layer(Findings(work))


def _articles(state: CorpusState, story: Story) -> list[Article]:
    return [d.article for d in _documents(state, story)]


def _roles(state: CorpusState) -> dict[str, str]:
    """Entity id -> a title or role seen beside one of its mentions."""
    out: dict[str, str] = {}
    for doc in state.documents:
        for m in doc.mentions:
            if m.entity and m.role and m.entity not in out:
                out[m.entity] = m.role
    return out


def _with_work(state: CorpusState, build: Callable[[Story, StoryWork], Story]) -> CorpusState:
    """`state` with every story that the claims stage worked on rebuilt by `build`; others kept."""
    work = _work(state)
    stories = tuple(build(story, work[story.id]) if story.id in work else story for story in state.stories)
    return replace(state, stories=stories)


@corpus_stage(
    "coverage",
    requires=["conflicts", "quote_groups", "alignments", "findings"],
    provides=["coverage", "framing", "timeline"],
    params=[FramingParams],
)
def coverage_stage(state: CorpusState, ctx: Context) -> CorpusState:
    """Per story: source x claim coverage, first reporters, voices quoted, framing and timeline."""
    voices = voice_of(state)
    roles = _roles(state)
    framing = ctx.params(FramingParams)

    def build(story: Story, w: StoryWork) -> Story:
        articles = _articles(state, story)
        quoted = voices_quoted(state.quotes, state.entities, articles, roles)
        return replace(
            story,
            voices=count_voices(story.articles, voices),
            coverage=coverage_matrix(w.aligned, story.claims, articles, w.findings, voices),
            framing=story_framing(_documents(state, story), quoted, framing),
            timeline=timeline(story.events, w.aligned, story.claims),
        )

    return _with_work(state, build)


@corpus_stage("summary", requires=["coverage", "alignments", "findings"], provides=["summary"], params=[SummaryParams])
def summary_stage(state: CorpusState, ctx: Context) -> CorpusState:
    """The cited neutral summary of every story."""
    voices = voice_of(state)
    everyone = [d.article for d in state.documents]
    params = ctx.params(SummaryParams)

    def build(story: Story, w: StoryWork) -> Story:
        summary = summarise(w.aligned, story.claims, w.findings, _articles(state, story), voices, everyone, params)
        return replace(story, summary=summary)

    return _with_work(state, build)
