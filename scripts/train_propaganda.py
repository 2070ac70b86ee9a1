"""Train the propaganda-technique model on the PTC (SemEval-2020 Task 11) and write it as package data.

Usage::

    .venv/bin/python scripts/train_propaganda.py [--ptc ../shared/data/ptc] [--out src/corroborator/propaganda/model]

Steps (CPU only, fixed seed, deterministic):

1. Split the 307 PTC articles by id: ids sorted, shuffled with ``random.Random(SEED)``, the
   first ``VAL_SHARE`` of them are the validation split, the rest train.
2. Inside train, hold out ``TUNE_SHARE`` of the articles (same shuffle) to tune the CRF's
   inside-marginal threshold and the classifier's regularisation; the validation split is
   never used for any choice.
3. Retrain both models on the whole train split with the tuned settings, write them, and
   report SI / TC figures on the validation split.

Training needs scikit-learn (the technique classifier is fitted with it and exported to
numpy arrays); run time needs only numpy and python-crfsuite.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import random
import sys
import time
from pathlib import Path

import numpy as np
import pycrfsuite
from scipy import sparse
from sklearn.linear_model import LogisticRegression

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from corroborator.propaganda.features import DocFeatures, analyse, sentence_features, span_features  # noqa: E402
from corroborator.propaganda.tagger import (  # noqa: E402
    CRF_FILE,
    INSIDE,
    META_FILE,
    OUTSIDE,
    TC_FILE,
    TechniqueClassifier,
    crf_spans,
)

log = logging.getLogger("train_propaganda")

SEED = 2020
VAL_SHARE = 0.2
TUNE_SHARE = 0.15
MODEL_VERSION = "crf-si+lr-tc-1"
# CRF settings: L1 keeps the model small (most of the ~1M candidate features get zero weight).
CRF_PARAMS = {"c1": 0.15, "c2": 0.01, "max_iterations": 150, "feature.possible_transitions": True}
THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
MIN_WORDS = (1, 2)
EXTENDS = (0.5, 1.0)  # hysteresis: grow spans over tokens at extend * threshold
LR_C_GRID = (0.3, 1.0, 3.0)
MIN_FEATURE_COUNT = 2  # classifier features seen in fewer training spans are dropped


def load_bench():
    """The benchmark module (PTC loader and the SemEval scorers)."""
    spec = importlib.util.spec_from_file_location("propaganda_bench", REPO / "benchmarks" / "propaganda.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules["propaganda_bench"] = module
    spec.loader.exec_module(module)
    return module


def split_ids(ids: list[str], share: float, seed: int) -> tuple[list[str], list[str]]:
    """A reproducible (rest, held-out) split of article ids."""
    order = sorted(ids)
    random.Random(seed).shuffle(order)
    n_held = round(share * len(order))
    return sorted(order[n_held:]), sorted(order[:n_held])


def token_labels(doc: DocFeatures, spans: list[tuple[int, int]]) -> list[str]:
    """IO labels: a token is inside when its middle character lies in a (merged) gold span."""
    labels = [OUTSIDE] * len(doc.tokens)
    for i, tok in enumerate(doc.tokens):
        mid = (tok.start + tok.end - 1) // 2
        for s, e in spans:
            if s <= mid < e:
                labels[i] = INSIDE
                break
    return labels


def train_crf(docs: dict[str, DocFeatures], gold: dict[str, list[tuple[int, int]]], ids: list[str], path: Path) -> None:
    """Train the IO span CRF on the articles ``ids`` and write it to ``path``."""
    trainer = pycrfsuite.Trainer(verbose=False)
    for art_id in ids:
        doc = docs[art_id]
        labels = token_labels(doc, gold[art_id])
        for first, end in doc.sents:
            trainer.append(sentence_features(doc, first, end), labels[first:end])
    trainer.set_params(CRF_PARAMS)
    trainer.train(str(path))


def detect(path: Path, docs: dict[str, DocFeatures], ids: list[str], threshold: float, min_words: int, extend: float):
    """CRF spans per article."""
    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    return {a: [(d.start, d.end) for d in crf_spans(tagger, docs[a], threshold, min_words, extend)] for a in ids}


def tc_rows(docs, articles, ids):
    """Feature dicts and labels, one row per gold (span, technique) instance."""
    feats, labels = [], []
    for art_id in ids:
        for g in articles[art_id].spans:
            feats.append(span_features(docs[art_id], g.start, g.end))
            labels.append(g.technique)
    return feats, labels


def fit_tc(feats, labels, c: float) -> TechniqueClassifier:
    """Fit the multinomial logistic regression and export it as a numpy classifier."""
    counts: dict[str, int] = {}
    for f in feats:
        for k in f:
            counts[k] = counts.get(k, 0) + 1
    names = sorted(k for k, n in counts.items() if n >= MIN_FEATURE_COUNT)
    vocab = {k: i for i, k in enumerate(names)}
    rows, cols, vals = [], [], []
    for r, f in enumerate(feats):
        for k, v in f.items():
            if k in vocab:
                rows.append(r)
                cols.append(vocab[k])
                vals.append(v)
    x = sparse.csr_matrix((vals, (rows, cols)), shape=(len(feats), len(names)), dtype=np.float64)
    model = LogisticRegression(C=c, max_iter=3000, random_state=SEED)
    model.fit(x, labels)
    return TechniqueClassifier(vocab, model.coef_.T.copy(), model.intercept_.copy(), [str(c) for c in model.classes_])


def rank(classifier: TechniqueClassifier, doc: DocFeatures, spans: list[tuple[int, int]]) -> list[list[str]]:
    """Techniques best first for each span."""
    probs = classifier.probabilities(doc, spans)
    return [[classifier.labels[i] for i in np.argsort(-row, kind="stable")] for row in probs]


def tc_eval(bench, classifier, docs, articles, ids) -> tuple[float, dict]:
    """TC micro-F1 and per-technique scores given gold spans."""
    gold, ranked = [], {}
    for art_id in ids:
        spans = sorted({(g.start, g.end) for g in articles[art_id].spans})
        for span, ranking in zip(spans, rank(classifier, docs[art_id], spans)):
            ranked[(art_id, *span)] = ranking
        gold.extend((art_id, g.start, g.end, g.technique) for g in articles[art_id].spans)
    return bench.tc_scores(gold, ranked)


def save_tc(classifier: TechniqueClassifier, path: Path) -> None:
    """Write the classifier as compressed numpy arrays (names as one newline-joined UTF-8 string)."""
    names = [k for k, _ in sorted(classifier.vocab.items(), key=lambda kv: kv[1])]
    np.savez_compressed(
        path,
        features=np.frombuffer("\n".join(names).encode("utf-8"), dtype=np.uint8),
        labels=np.frombuffer("\n".join(classifier.labels).encode("utf-8"), dtype=np.uint8),
        coef=classifier.coef.astype(np.float32),
        intercept=classifier.intercept.astype(np.float32),
    )


def main() -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description="Train the propaganda-technique model on the PTC.")
    parser.add_argument("--ptc", type=Path, default=REPO / ".." / "shared" / "data" / "ptc")
    parser.add_argument("--out", type=Path, default=REPO / "src" / "corroborator" / "propaganda" / "model")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    t_start = time.perf_counter()
    bench = load_bench()
    articles = bench.load_ptc(args.ptc)
    train_ids, val_ids = split_ids(list(articles), VAL_SHARE, SEED)
    inner_ids, tune_ids = split_ids(train_ids, TUNE_SHARE, SEED + 1)
    log.info("articles: %d train (%d inner + %d tune), %d validation", len(train_ids), len(inner_ids), len(tune_ids), len(val_ids))
    docs = {a: analyse(art.text) for a, art in articles.items()}
    gold = {a: bench.merge_spans((g.start, g.end) for g in art.spans) for a, art in articles.items()}
    args.out.mkdir(parents=True, exist_ok=True)
    tmp = args.out / "_tune_crf.bin"

    # 1. tune the SI threshold on the held-out part of train
    t0 = time.perf_counter()
    train_crf(docs, gold, inner_ids, tmp)
    log.info("inner CRF trained in %.0f s", time.perf_counter() - t0)
    best = (-1.0, 0.5, 1, 1.0)
    for threshold in THRESHOLDS:
        for min_words in MIN_WORDS:
            for extend in EXTENDS:
                pred = detect(tmp, docs, tune_ids, threshold, min_words, extend)
                p, r, f = bench.si_scores(pred, {a: gold[a] for a in tune_ids})
                log.info("tune SI th=%.2f min_words=%d extend=%.1f P=%.3f R=%.3f F1=%.3f", threshold, min_words, extend, p, r, f)
                if f > best[0]:
                    best = (f, threshold, min_words, extend)
    tmp.unlink()
    _, threshold, min_words, extend = best

    # 2. tune the classifier's C on the same held-out articles
    feats, labels = tc_rows(docs, articles, inner_ids)
    best_c = (-1.0, 1.0)
    for c in LR_C_GRID:
        micro, _ = tc_eval(bench, fit_tc(feats, labels, c), docs, articles, tune_ids)
        log.info("tune TC C=%.2f micro-F1=%.3f", c, micro)
        if micro > best_c[0]:
            best_c = (micro, c)
    lr_c = best_c[1]

    # 3. final models on the whole train split
    t0 = time.perf_counter()
    train_crf(docs, gold, train_ids, args.out / CRF_FILE)
    crf_seconds = time.perf_counter() - t0
    feats, labels = tc_rows(docs, articles, train_ids)
    classifier = fit_tc(feats, labels, lr_c)
    save_tc(classifier, args.out / TC_FILE)

    # 4. validation figures (reported, never used for a choice)
    pred = detect(args.out / CRF_FILE, docs, val_ids, threshold, min_words, extend)
    p, r, f = bench.si_scores(pred, {a: gold[a] for a in val_ids})
    micro, per = tc_eval(bench, classifier, docs, articles, val_ids)
    log.info("validation SI P=%.3f R=%.3f F1=%.3f  TC micro-F1=%.3f", p, r, f, micro)
    meta = {
        "version": MODEL_VERSION,
        "seed": SEED,
        "si_threshold": threshold,
        "si_min_words": min_words,
        "si_extend": extend,
        "crf_params": CRF_PARAMS,
        "lr_c": lr_c,
        "train_ids": train_ids,
        "validation_ids": val_ids,
        "tune_ids": tune_ids,
        "training_seconds": round(time.perf_counter() - t_start, 1),
        "final_crf_seconds": round(crf_seconds, 1),
        "validation": {
            "si": {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)},
            "tc_micro_f1": round(micro, 4),
            "tc_per_technique_f1": {k: round(v[2], 4) for k, v in per.items()},
        },
    }
    (args.out / META_FILE).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    log.info("wrote %s in %.0f s", args.out, time.perf_counter() - t_start)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
