"""Benchmark of the propaganda-technique stage on the PTC validation split (SemEval-2020 Task 11).

Scores, written from the task definitions:

* SI (span identification), technique-agnostic, with partial-overlap credit. Gold spans of an
  article are merged where they overlap (and so are predicted ones). With S the predicted spans
  and T the gold spans over all articles::

      P = 1/|S| * sum_{s in S} sum_{t in T, same article} |s ∩ t| / |s|
      R = 1/|T| * sum_{t in T} sum_{s in S, same article} |s ∩ t| / |t|
      F1 = 2PR / (P + R)

* TC (technique classification) micro-F1 given the gold spans: every gold (span, technique)
  instance gets a predicted technique; spans annotated k times (with k techniques) get the
  classifier's top-k techniques. With one prediction per instance micro P = R = F1.
* Throughput: words per second of ``find_techniques`` on the validation articles, one process.

Run: ``.venv/bin/python benchmarks/propaganda.py`` (needs ``../shared/data/ptc`` beside the repo);
``--si crf`` scores the CRF span identifier alone even when the neural tagger is available.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

REPO = Path(__file__).resolve().parents[1]
PTC_DIR = REPO / ".." / "shared" / "data" / "ptc"

log = logging.getLogger(__name__)

_ID_RE = re.compile(r"article(\d+)\.txt$")
_WORD_RE = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class GoldSpan:
    technique: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class PtcArticle:
    article_id: str
    text: str
    spans: tuple[GoldSpan, ...]


def read_article(path: Path) -> str:
    """The article's text exactly as stored (no newline translation) so label offsets match."""
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def load_ptc(ptc_dir: Path = PTC_DIR) -> dict[str, PtcArticle]:
    """All PTC articles with their TC labels, keyed by article id (sorted)."""
    articles: dict[str, PtcArticle] = {}
    for path in sorted((ptc_dir / "articles").glob("article*.txt")):
        match = _ID_RE.search(path.name)
        if not match:
            continue
        art_id = match.group(1)
        text = read_article(path)
        label_path = ptc_dir / "labels" / f"article{art_id}.task2-TC.labels"
        spans: list[GoldSpan] = []
        if label_path.exists():
            with open(label_path, encoding="utf-8", newline="") as handle:
                for line in handle:
                    parts = line.rstrip("\r\n").split("\t")
                    if len(parts) != 4:
                        continue
                    spans.append(GoldSpan(parts[1], int(parts[2]), int(parts[3])))
        articles[art_id] = PtcArticle(art_id, text, tuple(spans))
    return articles


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge overlapping (or touching) character spans."""
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def si_scores(
    predicted: dict[str, Sequence[tuple[int, int]]], gold: dict[str, Sequence[tuple[int, int]]]
) -> tuple[float, float, float]:
    """SI precision, recall and F1 with partial-overlap credit (SemEval-2020 Task 11, subtask SI)."""
    p_sum = r_sum = 0.0
    n_pred = n_gold = 0
    for art_id in set(predicted) | set(gold):
        pred = merge_spans(predicted.get(art_id, ()))
        gs = merge_spans(gold.get(art_id, ()))
        n_pred += len(pred)
        n_gold += len(gs)
        for s in pred:
            p_sum += sum(_overlap(s, t) for t in gs) / (s[1] - s[0])
        for t in gs:
            r_sum += sum(_overlap(s, t) for s in pred) / (t[1] - t[0])
    precision = p_sum / n_pred if n_pred else 0.0
    recall = r_sum / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def tc_scores(
    gold: Sequence[tuple[str, int, int, str]], ranked: dict[tuple[str, int, int], Sequence[str]]
) -> tuple[float, dict[str, tuple[float, float, float, int]]]:
    """TC micro-F1 and per-technique (P, R, F1, support) given gold instances and ranked predictions.

    ``gold`` holds ``(article_id, start, end, technique)``; ``ranked`` maps each gold span to
    techniques best first. A span annotated k times is predicted with the top k techniques.
    """
    by_span: dict[tuple[str, int, int], list[str]] = defaultdict(list)
    for art_id, s, e, tech in gold:
        by_span[(art_id, s, e)].append(tech)
    tp: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    correct = total = 0
    for key, techs in by_span.items():
        preds = list(ranked.get(key, ()))[: len(techs)]
        gold_c = Counter(techs)
        pred_c = Counter(preds)
        hit = gold_c & pred_c
        tp.update(hit)
        n_pred.update(pred_c)
        n_gold.update(gold_c)
        correct += sum(hit.values())
        total += len(techs)
    micro = correct / total if total else 0.0
    per: dict[str, tuple[float, float, float, int]] = {}
    for tech in sorted(set(n_gold) | set(n_pred)):
        p = tp[tech] / n_pred[tech] if n_pred[tech] else 0.0
        r = tp[tech] / n_gold[tech] if n_gold[tech] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        per[tech] = (p, r, f, n_gold[tech])
    return micro, per


def word_count(text: str) -> int:
    """Whitespace-separated words, the unit of the words/s figure."""
    return len(_WORD_RE.findall(text))


def run(ptc_dir: Path) -> int:
    """Score the shipped model on its validation split and print a table."""
    sys.path.insert(0, str(REPO / "src"))
    from corroborator import propaganda

    articles = load_ptc(ptc_dir)
    val_ids = [a for a in propaganda.model_meta()["validation_ids"] if a in articles]
    if not val_ids:
        print("no validation articles found", file=sys.stderr)
        return 1
    # load the model outside the timed loop
    propaganda.find_techniques("Warm-up sentence.", doc_id="warmup")

    predicted: dict[str, list[tuple[int, int]]] = {}
    words = 0
    t0 = time.perf_counter()
    c0 = time.process_time()
    for art_id in val_ids:
        art = articles[art_id]
        spans = propaganda.find_techniques(art.text, doc_id=art_id)
        predicted[art_id] = [(t.span.start, t.span.end) for t in spans]
        words += word_count(art.text)
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    gold_si = {a: [(g.start, g.end) for g in articles[a].spans] for a in val_ids}
    p, r, f = si_scores(predicted, gold_si)

    gold_tc: list[tuple[str, int, int, str]] = []
    ranked: dict[tuple[str, int, int], Sequence[str]] = {}
    for art_id in val_ids:
        art = articles[art_id]
        spans = sorted({(g.start, g.end) for g in art.spans})
        rankings = propaganda.rank_techniques(art.text, spans)
        for (s, e), ranking in zip(spans, rankings):
            ranked[(art_id, s, e)] = ranking
        gold_tc.extend((art_id, g.start, g.end, g.technique) for g in art.spans)
    micro, per = tc_scores(gold_tc, ranked)

    backend = propaganda._model().si_backend
    print(f"PTC validation split: {len(val_ids)} articles, {words} words, {len(gold_tc)} gold spans")
    print(f"model {propaganda.model_meta().get('version')}, span identifier: {backend}")
    print(f"{'metric':<28}{'value':>10}")
    print(f"{'SI precision':<28}{p:>10.3f}")
    print(f"{'SI recall':<28}{r:>10.3f}")
    print(f"{'SI F1':<28}{f:>10.3f}")
    print(f"{'TC micro-F1 (gold spans)':<28}{micro:>10.3f}")
    print(f"{'words/s (find_techniques)':<28}{words / elapsed:>10.0f}")
    # CPU-time rate: the per-core figure when other processes share the machine
    print(f"{'words/s per CPU second':<28}{words / cpu:>10.0f}")
    print()
    print(f"{'technique':<36}{'P':>7}{'R':>7}{'F1':>7}{'n':>6}")
    for tech, (tp_, tr_, tf_, n) in per.items():
        print(f"{tech:<36}{tp_:>7.3f}{tr_:>7.3f}{tf_:>7.3f}{n:>6}")
    return 0


def main() -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ptc", type=Path, default=PTC_DIR, help="PTC folder (articles/, labels/)")
    parser.add_argument(
        "--si", choices=("auto", "crf"), default="auto", help="span identifier: shipped default or the CRF alone"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.si == "crf":
        os.environ["CORROBORATOR_PROPAGANDA_SI"] = "crf"
    if not (args.ptc / "articles").is_dir():
        print(f"PTC not found at {args.ptc}", file=sys.stderr)
        return 2
    return run(args.ptc)


if __name__ == "__main__":
    raise SystemExit(main())
