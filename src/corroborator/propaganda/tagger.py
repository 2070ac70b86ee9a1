"""The trained propaganda model: a token CRF for spans and a linear technique classifier.

The span identifier is a linear-chain CRF (python-crfsuite) over IO labels ("P" inside a
propaganda fragment, "O" outside), run one sentence at a time; a token is kept when its
marginal P("P") reaches the tuned threshold, and each run of kept tokens is a span. The
technique classifier is a multinomial logistic regression over sparse span features,
stored as a vocabulary plus a weight matrix and scored with numpy, so run time needs no
scikit-learn.

When the model folder holds a fine-tuned MiniLM token tagger (``neural.TOP_FILE``, see
``propaganda.neural``) and torch is installed, span identification blends its per-token
P(inside) with the CRF's marginals (weight and thresholds in ``meta["neural"]``). Without
torch the CRF alone is used, with its own tuned thresholds, and a warning is logged.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pycrfsuite

from corroborator.propaganda.features import DocFeatures, sentence_features, span_features

if TYPE_CHECKING:
    from corroborator.propaganda.neural import NeuralTagger

log = logging.getLogger(__name__)

CRF_FILE = "si_crf.bin"
TC_FILE = "tc_lr.npz"
META_FILE = "meta.json"
# Set to "crf" to skip the neural tagger even when it is available (benchmarks, comparisons).
BACKEND_ENV = "CORROBORATOR_PROPAGANDA_SI"
INSIDE = "P"
OUTSIDE = "O"


@dataclass(frozen=True, slots=True)
class DetectedSpan:
    """A span found by the CRF: character offsets and the mean inside-marginal of its tokens."""

    start: int
    end: int
    score: float


def crf_marginals(tagger: pycrfsuite.Tagger, doc: DocFeatures) -> np.ndarray:
    """The CRF's marginal P(inside) of every token, one sentence at a time."""
    out = np.zeros(len(doc.tokens), dtype=np.float64)
    for first, end in doc.sents:
        tagger.set(sentence_features(doc, first, end))
        out[first:end] = [tagger.marginal(INSIDE, j) for j in range(end - first)]
    return out


def spans_from_probs(
    doc: DocFeatures, probs: np.ndarray, threshold: float, min_tokens: int, extend: float = 1.0
) -> list[DetectedSpan]:
    """Spans from per-token P(inside), never crossing a sentence boundary.

    Hysteresis: a span is seeded by tokens whose probability reaches ``threshold`` and grows
    over neighbours whose probability reaches ``extend * threshold``.
    """
    out: list[DetectedSpan] = []
    low = threshold * extend
    for first, end in doc.sents:
        j = first
        while j < end:
            if probs[j] < low:
                j += 1
                continue
            k = j
            while k < end and probs[k] >= low:
                k += 1
            if float(np.max(probs[j:k])) >= threshold:
                span = _trimmed(doc, j, k, min_tokens, float(np.mean(probs[j:k])))
                if span is not None:
                    out.append(span)
            j = k
    return out


def crf_spans(
    tagger: pycrfsuite.Tagger, doc: DocFeatures, threshold: float, min_tokens: int, extend: float = 1.0
) -> list[DetectedSpan]:
    """Spans from the CRF's marginals alone."""
    return spans_from_probs(doc, crf_marginals(tagger, doc), threshold, min_tokens, extend)


def _trimmed(doc: DocFeatures, a: int, b: int, min_tokens: int, score: float) -> DetectedSpan | None:
    """The token run ``[a, b)`` without edge punctuation, or None when it has too few words."""
    toks = doc.tokens[a:b]
    # drop leading/trailing punctuation so spans start and end on words
    while len(toks) > 1 and not toks[0].text[0].isalnum():
        toks = toks[1:]
    while len(toks) > 1 and not toks[-1].text[0].isalnum():
        toks = toks[:-1]
    if sum(1 for t in toks if t.text[0].isalnum()) < min_tokens:
        return None
    return DetectedSpan(toks[0].start, toks[-1].end, score)


class TechniqueClassifier:
    """Multinomial logistic regression over sparse span features (numpy only)."""

    def __init__(self, vocab: dict[str, int], coef: np.ndarray, intercept: np.ndarray, labels: list[str]):
        self.vocab = vocab
        self.coef = coef.astype(np.float32)  # (n_features, n_labels)
        self.intercept = intercept.astype(np.float32)
        self.labels = labels

    @classmethod
    def load(cls, path: Path) -> TechniqueClassifier:
        """Read the classifier from an ``.npz`` written by the training script."""
        with np.load(path, allow_pickle=False) as data:
            # feature names are stored as one UTF-8 byte string, newline separated, to stay small
            names = data["features"].tobytes().decode("utf-8").split("\n")
            labels = data["labels"].tobytes().decode("utf-8").split("\n")
            vocab = {name: i for i, name in enumerate(names)}
            return cls(vocab, data["coef"], data["intercept"], labels)

    def probabilities(self, doc: DocFeatures, spans: list[tuple[int, int]]) -> np.ndarray:
        """Class probabilities, one row per span, columns in ``self.labels`` order."""
        out = np.zeros((len(spans), len(self.labels)), dtype=np.float64)
        for row, (start, end) in enumerate(spans):
            feats = span_features(doc, start, end)
            idx = [self.vocab[k] for k in feats if k in self.vocab]
            vals = np.array([feats[k] for k in feats if k in self.vocab], dtype=np.float32)
            logits = self.intercept + (vals @ self.coef[idx] if idx else 0.0)
            logits = logits - logits.max()
            exp = np.exp(logits.astype(np.float64))
            out[row] = exp / exp.sum()
        return out


def load_neural(directory: Path, meta: dict) -> NeuralTagger | None:
    """The fine-tuned token tagger, or None (with a warning) when it cannot be used here."""
    settings = meta.get("neural")
    if not settings:
        return None
    if os.environ.get(BACKEND_ENV, "").lower() == "crf":
        log.info("%s=crf: propaganda spans from the CRF alone", BACKEND_ENV)
        return None
    try:
        from corroborator.propaganda.neural import NeuralTagger  # local import: torch is optional
    except ImportError as exc:
        log.warning("propaganda: neural span tagger unavailable (%s); falling back to the CRF alone", exc)
        return None
    try:
        return NeuralTagger.load(directory)
    except (ImportError, OSError, ValueError) as exc:
        log.warning("propaganda: neural span tagger failed to load (%s); falling back to the CRF alone", exc)
        return None


@dataclass(slots=True)
class PropagandaModel:
    """The shipped model: CRF tagger, optional neural tagger, technique classifier and settings."""

    tagger: pycrfsuite.Tagger
    classifier: TechniqueClassifier
    meta: dict
    neural: NeuralTagger | None = None

    @classmethod
    def load(cls, directory: Path) -> PropagandaModel:
        """Load the model files from ``directory``."""
        meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
        tagger = pycrfsuite.Tagger()
        tagger.open(str(directory / CRF_FILE))
        classifier = TechniqueClassifier.load(directory / TC_FILE)
        neural = load_neural(directory, meta)
        log.info(
            "loaded propaganda model %s from %s (span tagger: %s)",
            meta.get("version"),
            directory,
            "CRF + MiniLM" if neural is not None else "CRF",
        )
        return cls(tagger, classifier, meta, neural)

    @property
    def si_backend(self) -> str:
        """Which span identifier runs: ``"crf+minilm"`` or ``"crf"``."""
        return "crf+minilm" if self.neural is not None else "crf"

    def detect(self, doc: DocFeatures) -> list[DetectedSpan]:
        """Propaganda spans of the document (technique-agnostic)."""
        if self.neural is not None:
            from corroborator.propaganda.neural import blend

            settings = self.meta["neural"]
            probs = blend(crf_marginals(self.tagger, doc), self.neural.token_probs(doc), float(settings["weight"]))
            return spans_from_probs(
                doc, probs, float(settings["threshold"]), int(settings["min_words"]), float(settings["extend"])
            )
        return crf_spans(
            self.tagger,
            doc,
            float(self.meta["si_threshold"]),
            int(self.meta["si_min_words"]),
            float(self.meta.get("si_extend", 1.0)),
        )
