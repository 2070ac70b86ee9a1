"""Tests of the propaganda-technique stage (model loads offline, deterministic, PTC offsets)."""

from __future__ import annotations

from pathlib import Path

import pytest

from corroborator import propaganda
from corroborator.propaganda.features import analyse, lexicon, tokenize
from corroborator.records import Span, TechniqueSpan

PTC = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "ptc"

PARAGRAPH = (
    "The corrupt, treacherous puppets in the capital have betrayed every decent citizen. "
    "These vile thugs and their shameless propaganda will destroy our great nation unless patriots stand up now! "
    "The committee met on Tuesday to review the budget."
)


@pytest.fixture(scope="module")
def spans() -> tuple[TechniqueSpan, ...]:
    return propaganda.find_techniques(PARAGRAPH, doc_id="golden")


def test_model_loads_and_names_known_techniques(spans):
    meta = propaganda.model_meta()
    assert meta["validation_ids"] and meta["train_ids"]
    assert not set(meta["validation_ids"]) & set(meta["train_ids"])
    assert spans
    for s in spans:
        assert s.technique in propaganda.TECHNIQUES
        assert 0 <= s.span.start < s.span.end <= len(PARAGRAPH)
        assert s.rule_id.startswith("propaganda.model.")
        assert s.doc_id == "golden"


def test_deterministic(spans):
    again = propaganda.find_techniques(PARAGRAPH, doc_id="golden")
    assert again == spans


def test_golden_loaded_words_flagged(spans):
    covered = [PARAGRAPH[s.span.start : s.span.end].lower() for s in spans]
    joined = " | ".join(covered)
    assert any(w in joined for w in ("vile", "thugs", "treacherous", "shameless", "corrupt"))
    # the neutral last sentence stays clean
    neutral_start = PARAGRAPH.index("The committee")
    assert all(s.span.end <= neutral_start for s in spans)


def test_empty_text():
    assert propaganda.find_techniques("") == ()
    assert propaganda.find_techniques("   \n") == ()


def test_article_signals(spans):
    sig = propaganda.article_signals(PARAGRAPH, spans, unattributed_share=0.5)
    assert 0.0 <= sig.propaganda_score <= 1.0
    assert sig.loaded_share > 0
    assert sum(n for _, n in sig.technique_counts) == len(spans)
    assert sig.evidence
    neutral = "The committee met on Tuesday to review the budget and the schedule."
    calm = propaganda.article_signals(neutral, propaganda.find_techniques(neutral))
    assert calm.propaganda_score < sig.propaganda_score


def test_semeval_lines_format():
    items = [
        TechniqueSpan("d", "Loaded_Language", Span(10, 15)),
        TechniqueSpan("d", "Doubt", Span(2, 8)),
    ]
    lines = propaganda.semeval_lines(items, "123")
    assert lines == ["123\tDoubt\t2\t8", "123\tLoaded_Language\t10\t15"]
    for line in lines:
        art, tech, start, end = line.split("\t")
        assert int(start) < int(end) and tech in propaganda.TECHNIQUES


def test_tokenize_offsets_round_trip():
    text = "It's a so-called “plan”!\nNext line."
    for tok in tokenize(text):
        assert text[tok.start : tok.end] == tok.text


def test_lexicon_ids_unique_and_matches():
    entries = [e for group in lexicon().values() for e in group]
    ids = [rule_id for _, _, rule_id in entries]
    assert len(ids) == len(set(ids))
    doc = analyse("What a disgusting, outrageous sham.")
    assert any("loaded" in cats for cats in doc.token_cats)


@pytest.mark.skipif(not (PTC / "articles").is_dir(), reason="PTC not available")
def test_ptc_offsets_round_trip():
    labels = sorted((PTC / "labels").glob("*.task2-TC.labels"))[:20]
    assert labels
    for path in labels:
        art_id = path.name.split(".")[0]
        with open(PTC / "articles" / f"{art_id}.txt", encoding="utf-8", newline="") as handle:
            text = handle.read()
        for line in path.read_text(encoding="utf-8").splitlines():
            _, tech, start, end = line.split("\t")
            piece = text[int(start) : int(end)]
            assert tech in propaganda.TECHNIQUES
            assert piece.strip() and piece == piece.rstrip("\r")
            assert any(ch.isalnum() for ch in piece)
