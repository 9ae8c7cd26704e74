"""Languages on labelled data: language ID, named-entity mentions (UNER) and cross-lingual linking (PUD).

Data (read from ../shared/eval/uner at run time, never copied): Universal NER v1 dev files. Each
file is split into a calibration and an evaluation half by a hash of the sentence id (the same
split on every run); the sentences of one UD document that fall into one half form one article,
so within-article name projection works as it does on real news. Everything tuned on these files
(the recogniser's word-frequency thresholds) was chosen on the calibration halves only.

Measured per language, each beside a baseline run in the same process (the gazetteer alone):
- mention precision / recall / F1, exact token spans, untyped and typed (PER, ORG, LOC; UNER's OTH
  counts as O, as UNER scores it, so EVENT predictions are dropped);
- language identification of each article (the run's `language` stage, identifier codes mapped
  onto supported languages);
- PUD cross-lingual linking: PUD sentences are parallel across de, en, ru, pt. For every pair of
  languages and every sentence, a gold entity type occurring exactly once in both renderings gives
  one gold pair ("Vereinigten Staaten" / "Соединенных Штатов"); of the pairs whose two mentions the
  system found (overlap), the share that got one entity id after corpus-wide resolution.

Run: `.venv/bin/python -m benchmarks.bench_languages` (writes docs/bench/languages.md).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from synoptic import langdata
from synoptic.annotate.entities import entities_stage, recogniser
from synoptic.annotate.lang import identify
from synoptic.annotate.names import fold
from synoptic.annotate.resolve import resolve
from synoptic.embed import e5_embedder
from synoptic.models import Article, Document, Mention, Published
from synoptic.pipeline import Context
from synoptic.stories.link_entities import LinkParams, link_entities, restamp

ROOT = Path(__file__).resolve().parents[1]
SHARED = next((p / "shared" for p in ROOT.parents if (p / "shared").is_dir()), ROOT.parent / "shared")
UNER = SHARED / "eval" / "uner"
OUT = ROOT / "docs" / "bench" / "languages.md"
MEASURED = ROOT / "src" / "synoptic" / "lang" / "_measured.json"  # what `synoptic languages` prints
FILES = {
    "de": "de_pud-ud-test.dev-half.iob2",
    "en": "en_pud-ud-test.dev-half.iob2",
    "en-ewt": "en_ewt-ud-dev.iob2",
    "ru": "ru_pud-ud-test.dev-half.iob2",
    "pt": "pt_pud-ud-test.dev-half.iob2",
    "pt-bosque": "pt_bosque-ud-dev.iob2",
    "hr": "hr_set-ud-dev.iob2",
    "sr": "sr_set-ud-dev.iob2",
    "sk": "sk_snk-ud-dev.iob2",
    "sv": "sv_pud-ud-test.dev-half.iob2",
    "da": "da_ddt-ud-dev.iob2",
}
PUD = ("de", "en", "ru", "pt")
TYPES = {"PERSON": "PER", "ORG": "ORG", "PLACE": "LOC"}
HALVES = ("calibration", "evaluation")
Span = tuple[int, int, str]  # start, end, UNER type


@dataclass(frozen=True)
class Sentence:
    sent_id: str
    doc_id: str
    text: str
    gold: tuple[Span, ...]


def half_of(sent_id: str) -> str:
    """'calibration' or 'evaluation', by the parity of a hash of the sentence id."""
    return HALVES[hashlib.sha1(sent_id.encode()).digest()[0] % 2]


def read_uner(path: Path) -> list[Sentence]:
    """Sentences of an IOB2 file with gold spans as character offsets into `# text`."""
    out: list[Sentence] = []
    doc_id = path.stem
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        meta: dict[str, str] = {}
        rows: list[list[str]] = []
        for line in block.splitlines():
            if line.startswith("# ") and "=" in line:
                key, _sep, value = line[2:].partition("=")
                meta[key.strip()] = value.strip()
            elif line and not line.startswith("#"):
                rows.append(line.split("\t"))
        if not rows or "text" not in meta:
            continue
        doc_id = meta.get("newdoc id", doc_id)
        out.append(Sentence(meta["sent_id"], doc_id, meta["text"], _gold_spans(meta["text"], rows)))
    return out


def _gold_spans(text: str, rows: list[list[str]]) -> tuple[Span, ...]:
    spans: list[Span] = []
    pos = 0
    current: list[int] | None = None
    ctype = ""
    for row in rows:
        token, tag = row[1], row[2]
        start = text.find(token, pos)
        start = pos if start < 0 else start
        end = start + len(token)
        pos = end
        if tag.startswith("I-") and current is not None and tag[2:] == ctype:
            current[1] = end
            continue
        if current is not None:
            spans.append((current[0], current[1], ctype))
            current = None
        if tag.startswith("B-") and tag[2:] != "OTH":
            current, ctype = [start, end], tag[2:]
    if current is not None:
        spans.append((current[0], current[1], ctype))
    return tuple(spans)


@dataclass(frozen=True)
class Unit:
    """One article of the benchmark: the sentences of one UD document within one half."""

    doc: Document
    gold: tuple[Span, ...]
    sent_offsets: tuple[tuple[str, int], ...]


def units(sentences: list[Sentence], lang: str, half: str) -> list[Unit]:
    groups: dict[str, list[Sentence]] = defaultdict(list)
    for s in sentences:
        if half_of(s.sent_id) == half:
            groups[s.doc_id].append(s)
    out: list[Unit] = []
    for doc_id, sents in groups.items():
        parts: list[str] = []
        gold: list[Span] = []
        offsets: list[tuple[str, int]] = []
        pos = 0
        for s in sents:
            offsets.append((s.sent_id, pos))
            gold.extend((a + pos, b + pos, t) for a, b, t in s.gold)
            parts.append(s.text)
            pos += len(s.text) + 1
        text = "\n".join(parts)
        art = Article(f"{lang}:{doc_id}:{half}", doc_id, lang, None, None, (), Published(), text, language_how="given")
        out.append(Unit(Document(article=art), tuple(gold), tuple(offsets)))
    return out


def synoptic_mentions(docs: list[Document], ctx: Context) -> list[Document]:
    """The entities stage as the pipeline runs it (spaCy + gazetteer for English, rules otherwise)."""
    return entities_stage.fn(docs, ctx)


def gazetteer_mentions(docs: list[Document], ctx: Context) -> list[Document]:
    """Baseline: the CLDR gazetteer and the per-language place/organisation lists alone."""
    gaz = recogniser(ctx).gazetteer
    out: list[Document] = []
    for d in docs:
        hits = gaz.find(d.article.text, d.article.language)
        ms = tuple(Mention(h.start, h.end, d.article.text[h.start : h.end], h.entry.type, "gazetteer") for h in hits)
        out.append(replace(d, mentions=ms))
    return out


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    typed_tp: int = 0

    def add(self, gold: tuple[Span, ...], predicted: list[Span]) -> None:
        g_untyped = Counter((a, b) for a, b, _t in gold)
        p_untyped = Counter((a, b) for a, b, _t in predicted)
        tp = sum((g_untyped & p_untyped).values())
        self.tp += tp
        self.fp += sum(p_untyped.values()) - tp
        self.fn += sum(g_untyped.values()) - tp
        self.typed_tp += sum((Counter(gold) & Counter(predicted)).values())

    def prf(self, typed: bool = False) -> tuple[float, float, float]:
        tp = self.typed_tp if typed else self.tp
        npred, ngold = self.tp + self.fp, self.tp + self.fn
        p = tp / npred if npred else 0.0
        r = tp / ngold if ngold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def predicted_spans(doc: Document) -> list[Span]:
    return [(m.start, m.end, TYPES[m.type]) for m in doc.mentions if m.type in TYPES]


def score(us: list[Unit], docs: list[Document]) -> Counts:
    counts = Counts()
    for u, d in zip(us, docs, strict=True):
        counts.add(u.gold, predicted_spans(d))
    return counts


@dataclass
class LangResult:
    lang: str
    half: str
    sentences: int
    gold: int
    system: Counts
    baseline: Counts
    langid_ok: int
    langid_n: int
    seconds: float


def run_language(key: str, half: str, ctx: Context) -> LangResult | None:
    lang = key.split("-")[0]
    path = UNER / FILES[key]
    if not path.is_file():
        return None
    sentences = read_uner(path)
    us = units(sentences, lang, half)
    docs = [u.doc for u in us]
    ids = [identify(d.article.text, ctx) for d in docs]
    ok = sum(i == lang for i in ids)
    if lang not in langdata.supported_languages():
        return LangResult(
            key, half, sum(half_of(s.sent_id) == half for s in sentences), 0, Counts(), Counts(), ok, len(docs), 0.0
        )
    start = time.perf_counter()
    found = synoptic_mentions(docs, ctx)
    seconds = time.perf_counter() - start
    base = gazetteer_mentions(docs, ctx)
    ngold = sum(len(u.gold) for u in us)
    nsent = sum(half_of(s.sent_id) == half for s in sentences)
    return LangResult(key, half, nsent, ngold, score(us, found), score(us, base), ok, len(docs), seconds)


# ---------------------------------------------------------------------------------------------
# PUD: cross-lingual linking


@dataclass
class PudLinking:
    """PUD cross-lingual linking counts: per language pair and per half, (found in both, linked);
    and, as a precision check, pairs of gold mentions known to name DIFFERENT entities."""

    gold_pairs: int = 0
    per_pair: dict[str, tuple[int, int]] = field(default_factory=dict)
    halves: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: per half, (different-entity pairs found in both renderings, of those wrongly given one id)
    false_merges: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: entity id -> the English gold names (folded) of the mentions it covers in any language, through
    #: the English rendering of the same sentence: an id covering English names sharing no word is a
    #: likely false merge across sentences (or a name with two forms, "UK" / "United Kingdom")
    english_names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    #: the same, from the sentences of one half only (half -> entity id -> names)
    english_by_half: dict[str, dict[str, set[str]]] = field(default_factory=dict)

    def mixed_ids(self, half: str | None = None) -> list[list[str]]:
        """English name sets of the ids covering two names that share no word (within one half)."""
        out = []
        table = self.english_names if half is None else self.english_by_half.get(half, {})
        for names in table.values():
            words = [set(n.split()) for n in names]
            if any(not a & b for a, b in itertools.combinations(words, 2)):
                out.append(sorted(names))
        return sorted(out)

    @property
    def found(self) -> int:
        return sum(f for f, _l in self.per_pair.values())

    @property
    def linked(self) -> int:
        return sum(n for _f, n in self.per_pair.values())


def _bump(table: dict[str, tuple[int, int]], key: str, hit: bool) -> None:
    got = table.get(key, (0, 0))
    table[key] = (got[0] + 1, got[1] + hit)


def _unique_types(s: Sentence) -> dict[str, Span]:
    """The gold spans of `s` whose type occurs once in it, by type."""
    counts = Counter(t for *_x, t in s.gold)
    return {g[2]: g for g in s.gold if counts[g[2]] == 1}


def pud_linking(ctx: Context, link: bool = True) -> PudLinking:
    """Resolve the four languages' PUD sentences as one corpus and score the cross-lingual ids.

    Gold pair: one sentence, two languages, a type occurring exactly once in both renderings; linked
    when both mentions were found and got one id. Different-entity pair (precision): in one sentence
    and two languages, the unique mention of one type in the first and the unique mention of another
    type in the second (each type unique in both renderings, so each is aligned to a different gold
    mention); a false merge when both were found and got one id."""
    by_lang: dict[str, dict[str, Sentence]] = {}
    docs: list[Document] = []
    for lang in PUD:
        path = UNER / FILES[lang]
        if not path.is_file():
            continue
        sents = {s.sent_id: s for s in read_uner(path)}
        by_lang[lang] = sents
        for s in sents.values():
            art = Article(
                f"{lang}:{s.sent_id}", s.sent_id, lang, None, None, (), Published(), s.text, language_how="given"
            )
            docs.append(Document(article=art))
    found = synoptic_mentions(docs, ctx)
    entities, resolved = resolve(found, recogniser(ctx).gazetteer)
    if link:
        language_of = {d.article.id: d.article.language for d in resolved}
        stories = document_stories(language_of)
        _linked, renamed = link_entities(
            entities, language_of, stories, e5_embedder(ctx), ctx.params(LinkParams), recogniser(ctx).gazetteer
        )
        resolved = [restamp(d, renamed) for d in resolved]
    mentions = {d.article.id: d.mentions for d in resolved}
    out = PudLinking()
    for a, b in itertools.combinations(sorted(by_lang), 2):
        pair_found = pair_same = 0
        for sid, sa in by_lang[a].items():
            sb = by_lang[b].get(sid)
            if sb is None:
                continue
            ua, ub = _unique_types(sa), _unique_types(sb)
            shared = sorted(ua.keys() & ub.keys())
            ids_a = {t: _entity_at(mentions[f"{a}:{sid}"], ua[t]) for t in shared}
            ids_b = {t: _entity_at(mentions[f"{b}:{sid}"], ub[t]) for t in shared}
            for etype in shared:
                if a == "en" or b == "en":  # the English gold name of the entity each side names
                    en_sent, en_span = (sa, ua[etype]) if a == "en" else (sb, ub[etype])
                    english = fold(en_sent.text[en_span[0] : en_span[1]])
                    for eid in (ids_a[etype], ids_b[etype]):
                        if eid:
                            out.english_names[eid].add(english)
                            out.english_by_half.setdefault(half_of(sid), {}).setdefault(eid, set()).add(english)
                out.gold_pairs += 1
                ea, eb = ids_a[etype], ids_b[etype]
                if ea and eb:
                    pair_found += 1
                    pair_same += ea == eb
                    _bump(out.halves, half_of(sid), ea == eb)
            for ta, tb in itertools.permutations(shared, 2):
                if ids_a[ta] and ids_b[tb]:
                    _bump(out.false_merges, half_of(sid), ids_a[ta] == ids_b[tb])
        out.per_pair[f"{a}-{b}"] = (pair_found, pair_same)
    return out


def document_stories(article_ids: Iterable[str]) -> list[frozenset[str]]:
    """One story per PUD document: the sentences of one source document ("n01002" of "n01002-0001")
    in every language, as the pipeline's stories would hold an article and its translations."""
    by_doc: dict[str, set[str]] = defaultdict(set)
    for article in article_ids:
        by_doc[article.split(":", 1)[1].rsplit("-", 1)[0]].add(article)
    return [frozenset(ids) for _doc, ids in sorted(by_doc.items())]


def _entity_at(mentions: tuple[Mention, ...], gold: Span) -> str:
    for m in mentions:
        if m.start < gold[1] and gold[0] < m.end and m.entity:
            return m.entity
    return ""


# ---------------------------------------------------------------------------------------------


def _f(x: float) -> str:
    return f"{x:.3f}"


F1_TARGET = 0.65  # issue 16: mention F1 in every supported language with data
#: PUD linking share per half before issue 16's cross-script work (commit ae2dbff, same scorer).
PUD_BASELINE = {"calibration": "0.632", "evaluation": "0.631"}
#: PUD linking share per half before the second pass on issue 16 (commit 807f895, same scorer).
PUD_BEFORE_PASS2 = {"calibration": "0.751", "evaluation": "0.700"}
PUD_NOTES = [
    "Rules of the first pass (calibration 0.726 -> 0.751, evaluation 0.700 -> 0.700): ç is s in",
    "skeletons (França = Франция, not Frank); a capitalised adjective before a gazetteer place joins it",
    "(Новой Франции, Большого Торонто); words naming a kind of place (gazetteer.json place_kinds) type a",
    "name PLACE and are left out when names are compared (Potomac River = Rio Potomac = Потомак); beside",
    "agreeing given names, a surname without its Latin -us (Columbus, Колумб).",
    "",
    "Second pass (calibration 0.751 -> 0.838, evaluation 0.700 -> 0.728; by pair, calibration /",
    "evaluation: de-en 0.949 / 0.838, de-pt 0.950 / 0.868, de-ru 0.791 / 0.644, en-pt 0.886 / 0.810,",
    "en-ru 0.736 / 0.562, pt-ru 0.713 / 0.653; before it 0.859 / 0.809, 0.823 / 0.853, 0.726 / 0.596,",
    "0.795 / 0.762, 0.675 / 0.544, 0.620 / 0.635). Each rule's calibration gain, in order: gazetteer",
    "hyphen / spaced-dash / indeclinable-word matching, exonyms and seas in de/en/pt/ru (0.751 -> 0.784);",
    "an organisation named in full replaces the shorter mentions it covers (-> 0.801); a gazetteer word",
    "after a first name is a surname, first names decline, a name translated whole joins by first-name",
    "variant group and surname skeleton in another language (-> 0.811); Portuguese -ão, initial y, a",
    "title and a name is a person (-> 0.818); a person cluster found under every name it absorbed",
    "(-> 0.828); German possessive -s, a long surname one typo off in another language (-> 0.837); a",
    "surname known in another script found where its capital says nothing (-> 0.838, 9 more pairs",
    "found; 5 new mentions in the calibration half, all on gold entities). Flat on both halves, kept",
    "for a written table of 83 English names of the news and their Russian renderings (27 -> 14",
    "misses; tests/lang/ru/test_ru_transliteration.py): a loose skeleton beside the strict one, used",
    "only with the given name (initial w and ow/aw/ew are vowels, Greek ch is к, h is г: Уильям,",
    "Браун, Майкл, Гарри; alone it merged Сахеле with Seagal, so never alone), soft c before y, and",
    "plain Indic aspirates (Нэнси, Ганди). Tried and not adopted (calibration flat, and new false",
    "merges in the English-name check): h = g, f = v and a leading j/y + vowel in the strict",
    "skeleton; given names one skeleton letter apart (flat). The false-merge measures were 0",
    "(calibration 83 pairs, evaluation 155) and 6 ids of 304 before the second pass.",
    "What still fails (calibration half, read by hand): translated organisation names found in part",
    "in Russian and Portuguese, whose later words are lower-case common nouns (Республиканской партии,",
    "Центр правительственной связи, Agência de os Censos); surnames too short to compare across",
    "scripts (Pugh / Пью, Leive / Лейв, Buddha / Будды); names one language translates and another",
    "transliterates (Platon / Plato, Fontvieille / Фонвьей, Sahara / Saara); and gold pairs whose",
    "renderings name different things (Peking / Китая, GTA / Большого Торонто, James / Джоном Ваттом).",
    "",
    "Third pass, in two parts. (1) Organisation names found whole (annotate/org_names.py,",
    "org_grammar.py): an institution or state noun (quotes.json org_nouns, gazetteer.json state_nouns)",
    "in any case form, with agreeing adjectives before it and genitive words, capitalised words or",
    "connectors after it (Республиканской партии, Partido Republicano), all from language data; a",
    "multi-word name in a declining language keys by its words' stems (Министерство / Министерства",
    "обороны). Alone it moves PUD linking 0.838 -> 0.832 (calibration) and 0.728 -> 0.722 (evaluation):",
    "'Câmara de Brisbane' is now one organisation where UNER marks the place Brisbane; its gain is in",
    "UNER F1 (ru, pt, hr, sr, sk above) and in what (2) can compare. (2) Names joined by meaning (stage",
    "link_entities). Spelling cannot join a name one language translates (Republican Party /",
    "Республиканской партии / Partido Republicano). The stage compares the E5 vectors of the names of",
    "entities a story's other languages lack: two of one type, never named in a common language, each",
    "the other's best match in the story and at least `link_entities.min_cosine` (0.86) apart, become",
    "one entity; the gazetteer's different keys, and a place or organisation named inside the other's",
    "name (Abu Dhabi / Abu Dhabi Grand Prix), keep two apart; a one-word common word needs 0.905, and two",
    "one-word names must be spelt alike once romanised. Chosen on calibration halves only: 0.86 on",
    "PUD's, where the joins added below it were mostly wrong (Was / Техас, Danube Delta / Odessa,",
    "Министерства / College) and those above it mostly right; the one-word rules on WMT22's",
    "(docs/bench/entity_links.md), where E5 put topics together (Ungeimpfte / Covid 0.888, Was / Wir",
    "0.879). Both parts: calibration 0.838 -> 0.902, evaluation 0.728 -> 0.821 (the 'without",
    "link_entities' column above is this run without the stage). The one false merge of the",
    "calibration half is a boundary artefact: the Portuguese mention 'Margaret de Parma' covers the",
    "gold place Parma, and is rightly joined with 'Margaret'. Still failing (calibration, by hand):",
    "acronyms against names spelt out (GCHQ / Центр правительственной связи, RSPB), zero-ending",
    "genitive plurals cutting a Russian name short (Совета правительств found as Совета), UD's split",
    "contractions in Portuguese (Banco de a Escócia), and renderings naming different things.",
]
LINK_TARGET = 0.80  # issue 16: share of PUD pairs found in both renderings that share one entity id


def verdict(results: list[LangResult]) -> list[str]:
    """Which files reach the mention F1 target on each half, which do not."""
    out = [f"Target: mention F1 at least {F1_TARGET:.2f} in every supported language with data."]
    for half in HALVES:
        rows = [r for r in results if r.half == half and r.gold]
        met = [f"{r.lang} {r.system.prf()[2]:.3f}" for r in rows if r.system.prf()[2] >= F1_TARGET]
        missed = [f"{r.lang} {r.system.prf()[2]:.3f}" for r in rows if r.system.prf()[2] < F1_TARGET]
        out.append(f"- {half} half: met by {', '.join(met) or 'none'}; missed by {', '.join(missed) or 'none'}.")
    out += [
        "- Typed F1 is well below untyped F1 outside English: words the recogniser finds by their shape",
        "  only (a capitalised word that is not a common word) get their type from the gazetteer, a company",
        "  suffix or capitals, else PERSON; in the pipeline they also take the type the same name has in",
        "  other articles (resolve), which this per-file benchmark does not exercise.",
        "- Thresholds set on the calibration halves (`entities.*` settings, annotate/proper.py): common_at_start,",
        "  common_noun, compound_tail_zipf, international_margin / international_min (German),",
        "  common_after_article (Portuguese), noun_after_article (German: a word after an article rarer than",
        "  Zipf 2.5 is a name, 'dem Danewerk'; calibration F1 0.644 -> 0.664, evaluation 0.654 -> 0.654);",
        "  LONE_INITIAL_NEEDS_EVIDENCE (all but German); the GeoNames city",
        "  floors (`gazetteer.min_city_population` 100,000: all cities at 100,000 and found in text lowered",
        "  calibration F1 de 0.634 -> 0.605, at 15,000 to 0.579; `gazetteer.find_city_population`",
        "  1,000,000: de 0.634 -> 0.644, at 500,000 0.626).",
        "- Organisation names found whole (annotate/org_names.py; the PUD section below), mention F1",
        "  calibration / evaluation before -> after: ru 0.734 -> 0.760 / 0.749 -> 0.766, pt 0.717 -> 0.724 /",
        "  0.736 -> 0.739, hr 0.716 -> 0.742 / 0.699 -> 0.734, sr 0.734 -> 0.757 / 0.743 -> 0.775, sk",
        "  0.768 -> 0.771 / 0.730 -> 0.740; de and en unchanged (in German a capitalised word after the",
        "  head counts only after a connector: 'Geheimdienst GCHQ' is no name of one organisation).",
        "- Croatian and Serbian neuter names in -o decline (Meksiko, Meksika, Meksiku; gazetteer.json",
        "  inflection_suffixes a>o, u>o, om>o): mention F1 calibration / evaluation hr 0.742 -> 0.748 /",
        "  0.734 -> 0.734 (typed 0.575 -> 0.610 / 0.566 -> 0.592), sr 0.757 -> 0.758 / 0.776 -> 0.785",
        "  (typed 0.631 -> 0.656 / 0.629 -> 0.682).",
    ]
    return out


def table(results: list[LangResult]) -> list[str]:
    rows = [
        "| data | half | sentences | gold mentions | language ID | P | R | F1 | typed F1 "
        "| baseline P | baseline R | baseline F1 | baseline typed F1 | seconds |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lid = f"{r.langid_ok}/{r.langid_n}"
        if r.gold == 0:
            rows.append(f"| {r.lang} | {r.half} | {r.sentences} | (not supported) | {lid} | | | | | | | | | |")
            continue
        p, rr, f = r.system.prf()
        _tp, _tr, tf = r.system.prf(typed=True)
        bp, br, bf = r.baseline.prf()
        _x, _y, btf = r.baseline.prf(typed=True)
        rows.append(
            f"| {r.lang} | {r.half} | {r.sentences} | {r.gold} | {lid} | {_f(p)} | {_f(rr)} | **{_f(f)}** | {_f(tf)} "
            f"| {_f(bp)} | {_f(br)} | {_f(bf)} | {_f(btf)} | {r.seconds:.1f} |"
        )
    return rows


def write_measured(results: list[LangResult], linking: float) -> None:
    """Per language, the evaluation-half figures `synoptic languages` prints."""
    out: dict[str, dict[str, str]] = {
        "_doc": {"about": "Written by benchmarks/bench_languages.py (UNER dev, evaluation halves); do not edit."}
    }
    for r in results:
        if r.half != "evaluation" or r.gold == 0:
            continue
        lang = r.lang.split("-")[0]
        entry = out.setdefault(lang, {})
        _p, _r, f = r.system.prf()
        entry[f"NER F1 ({r.lang})"] = f"{f:.2f}"
        entry[f"typed F1 ({r.lang})"] = f"{r.system.prf(typed=True)[2]:.2f}"
        entry[f"language ID ({r.lang})"] = f"{r.langid_ok}/{r.langid_n}"
    for lang in PUD:
        if lang in out:
            out[lang]["PUD cross-lingual linking (evaluation half)"] = f"{linking:.2f}"
    MEASURED.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def pud_section(link: PudLinking, unlinked: PudLinking) -> list[str]:
    """The PUD linking section of docs/bench/languages.md (`unlinked`: the same run without the
    link_entities stage)."""
    lines = [
        "### Cross-lingual linking on PUD (de, en, ru, pt)",
        "",
        "A gold pair: one sentence, two languages, an entity type occurring exactly once in both renderings.",
        "Found in both: the system has a mention overlapping each side. Linked: the two mentions got one",
        "entity id after resolving all four languages' sentences as one corpus, then joining names by",
        "meaning (stage link_entities, stories/link_entities.py) with one story per PUD source document",
        "(its sentences in every language, as an article and its translations would be one story).",
        "",
        "| language pair | pairs found in both | sharing one entity id | share |",
        "|---|---|---|---|",
    ]
    for key, (found, linked) in link.per_pair.items():
        lines.append(f"| {key} | {found} | {linked} | {linked / found if found else 0:.3f} |")
    share = link.linked / link.found if link.found else 0.0
    lines.append(f"| **all** ({link.gold_pairs} gold pairs) | {link.found} | {link.linked} | **{share:.3f}** |")
    lines += [
        "",
        "By half (sentence-id hash, as above); the cross-script rules of annotate/names.py, annotate/resolve.py",
        "and the gazetteer data were chosen reading failures of the calibration half only. Baselines: the",
        "tree before issue 16's cross-script work (commit ae2dbff), and the tree before the second pass",
        "(commit 807f895), both measured with this same scorer. False merges (precision): pairs of gold",
        "mentions of one sentence in two languages known to name different entities (the unique mention of",
        "one type in the first rendering, of another type in the second), both found, given one id.",
        "",
        "| half | pairs found in both | sharing one entity id | share | without link_entities (same run) "
        "| baseline share (ae2dbff) | before second pass (807f895) | different-entity pairs found | false merges "
        "| ids covering English names sharing no word |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for half in HALVES:
        found, linked = link.halves.get(half, (0, 0))
        ratio = linked / found if found else 0.0
        pairs, merged = link.false_merges.get(half, (0, 0))
        # (halves are not separated for the English-name check: one id spans both)
        u_found, u_linked = unlinked.halves.get(half, (0, 0))
        lines.append(
            f"| {half} | {found} | {linked} | **{ratio:.3f}** | {u_linked / u_found if u_found else 0:.3f} "
            f"| {PUD_BASELINE[half]} | {PUD_BEFORE_PASS2[half]} | {pairs} | {merged} "
            f"| {len(link.mixed_ids(half))} (without the stage {len(unlinked.mixed_ids(half))}) |"
        )
    mixed = link.mixed_ids()
    lines += [
        "",
        f"Entity ids covering English gold names that share no word (both halves; a false merge across sentences "
        f"or two forms of one name): **{len(mixed)}** of {len(link.english_names)} ids"
        + (": " + "; ".join(" / ".join(m) for m in mixed[:12]) if mixed else "")
        + ("..." if len(mixed) > 12 else "")
        + ".",
    ]
    verdicts = []
    for half in HALVES:
        found, linked = link.halves.get(half, (0, 0))
        ratio = linked / found if found else 0.0
        verdicts.append(f"{half} {ratio:.3f} " + ("met" if ratio >= LINK_TARGET else "**not met**"))
    lines += [
        "",
        f"Target: at least {LINK_TARGET:.2f} of the pairs found in both renderings share one entity id: "
        + "; ".join(verdicts)
        + f" (all pairs {share:.3f}).",
        *PUD_NOTES,
    ]
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pud-only", action="store_true", help="print the PUD linking section only; write nothing (fast: ~10 s)"
    )
    args = parser.parse_args(argv)
    ctx = Context()
    link, unlinked = pud_linking(ctx), pud_linking(ctx, link=False)
    if args.pud_only:
        print("\n".join(pud_section(link, unlinked)))
        return
    results = [r for key in FILES for half in HALVES if (r := run_language(key, half, ctx)) is not None]
    lines = [
        "## Languages: language ID, entity mentions (UNER) and cross-lingual linking (PUD)",
        "",
        "Universal NER v1 dev files (../shared/eval/uner), each split into a calibration and an evaluation",
        "half by a hash of the sentence id; the sentences of one UD document within one half form one",
        "article. Mentions are scored on exact token spans; *typed* also requires PER / ORG / LOC to agree",
        "(UNER's OTH counts as O). Baseline, run in the same process: the gazetteer alone (CLDR country and",
        "city names of every supported language plus each language's gazetteer.json). Language ID: articles",
        "whose identified language (after mapping identifier codes and the hr/sr/bs family) is the file's.",
        "sv and da have no data folder: their articles are identified and rejected, not analysed.",
        "",
        *table(results),
        "",
        *verdict(results),
        "",
        *pud_section(link, unlinked),
        "",
        "Produced by `python -m benchmarks.bench_languages`.",
    ]
    ev_found, ev_linked = link.halves.get("evaluation", (0, 0))
    write_measured(results, ev_linked / ev_found if ev_found else 0.0)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
