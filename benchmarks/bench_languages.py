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

import hashlib
import itertools
import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from synoptic import langdata
from synoptic.annotate.entities import entities_stage, recogniser
from synoptic.annotate.lang import identify
from synoptic.annotate.resolve import resolve
from synoptic.models import Article, Document, Mention, Published
from synoptic.pipeline import Context

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


def pud_linking(ctx: Context) -> tuple[int, int, int, dict[str, tuple[int, int]]]:
    """(gold pairs, pairs found in both renderings, of those sharing one entity id, per language pair;
    the keys "calibration" and "evaluation" hold the halves over all pairs)."""
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
    _entities, resolved = resolve(found, recogniser(ctx).gazetteer)
    mentions = {d.article.id: d.mentions for d in resolved}
    total = in_both = same = 0
    per_pair: dict[str, tuple[int, int]] = {}
    halves: dict[str, tuple[int, int]] = {}
    for a, b in itertools.combinations(sorted(by_lang), 2):
        pair_found = pair_same = 0
        for sid, sa in by_lang[a].items():
            sb = by_lang[b].get(sid)
            if sb is None:
                continue
            ca, cb = Counter(t for *_x, t in sa.gold), Counter(t for *_x, t in sb.gold)
            for etype in ca:
                if ca[etype] != 1 or cb[etype] != 1:
                    continue
                total += 1
                ga = next(g for g in sa.gold if g[2] == etype)
                gb = next(g for g in sb.gold if g[2] == etype)
                ea = _entity_at(mentions[f"{a}:{sid}"], ga)
                eb = _entity_at(mentions[f"{b}:{sid}"], gb)
                if ea and eb:
                    pair_found += 1
                    pair_same += ea == eb
                    got = halves.get(half_of(sid), (0, 0))
                    halves[half_of(sid)] = (got[0] + 1, got[1] + (ea == eb))
        in_both += pair_found
        same += pair_same
        per_pair[f"{a}-{b}"] = (pair_found, pair_same)
    return total, in_both, same, {**per_pair, **halves}


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


def main() -> None:
    ctx = Context()
    results = [r for key in FILES for half in HALVES if (r := run_language(key, half, ctx)) is not None]
    total, in_both, same, per_pair = pud_linking(ctx)
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
        "### Cross-lingual linking on PUD (de, en, ru, pt)",
        "",
        "A gold pair: one sentence, two languages, an entity type occurring exactly once in both renderings.",
        "Found in both: the system has a mention overlapping each side. Linked: the two mentions got one",
        "entity id after resolving all four languages' sentences as one corpus.",
        "",
        "| language pair | pairs found in both | sharing one entity id | share |",
        "|---|---|---|---|",
    ]
    for key, (found, linked) in per_pair.items():
        if key in HALVES:
            continue
        lines.append(f"| {key} | {found} | {linked} | {linked / found if found else 0:.3f} |")
    share = same / in_both if in_both else 0.0
    lines.append(f"| **all** ({total} gold pairs) | {in_both} | {same} | **{share:.3f}** |")
    lines += [
        "",
        "By half (sentence-id hash, as above); the cross-script rules of annotate/names.py and",
        "annotate/resolve.py were chosen reading failures of the calibration half only. Baseline: the tree",
        "before issue 16's cross-script work (commit ae2dbff), measured with this same scorer.",
        "",
        "| half | pairs found in both | sharing one entity id | share | baseline share |",
        "|---|---|---|---|---|",
    ]
    for half in HALVES:
        found, linked = per_pair.get(half, (0, 0))
        ratio = linked / found if found else 0.0
        lines.append(f"| {half} | {found} | {linked} | **{ratio:.3f}** | {PUD_BASELINE[half]} |")
    lines += [
        "",
        f"Target: at least {LINK_TARGET:.2f} of the pairs found in both renderings share one entity id: "
        + ("met." if share >= LINK_TARGET else f"**not met** ({share:.3f})."),
        "Rules added reading calibration failures (calibration 0.726 -> 0.751, evaluation 0.700 -> 0.700):",
        "ç is s in skeletons (França = Франция, not Frank); a capitalised adjective before a gazetteer",
        "place joins it (Новой Франции, Большого Торонто); words naming a kind of place (gazetteer.json",
        "place_kinds) type a name PLACE and are left out when names are compared (Potomac River = Rio",
        "Potomac = Потомак); beside agreeing given names, a surname without its Latin -us (Columbus,",
        "Колумб). They did not carry over to the evaluation half, whose failures are of the kinds below.",
        "What still fails (calibration half, read by hand): multi-word names whose later words are",
        "lower-case common nouns in Russian and Portuguese, found only in part (Средиземного моря,",
        "Республиканской партии, Partido Republicano, Banco de a Escócia), so the two renderings share no",
        "word; translated names no source lists (Holanda / Niederlande, Дунай / Danube, Платон / Plato,",
        "Средиземное море / Mediterranean); names the German recogniser finds in part (Capitol Hill ->",
        "Hill, Bank of Scotland -> Scotland); surnames too short to compare across scripts (Pugh / Пью,",
        "Ляо / Liao, Будды / Buddha); regnal numbers taken for surnames (Thutmose III); and gold pairs",
        "whose renderings name different things (Peking / Китая, GTA / Большого Торонто).",
    ]
    lines += ["", "Produced by `python -m benchmarks.bench_languages`."]
    ev_found, ev_linked = per_pair.get("evaluation", (0, 0))
    write_measured(results, ev_linked / ev_found if ev_found else 0.0)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
