"""Segmentation of the seed documents, scored line by line against the gold the way the eval scorer does.

The seeds and gold are read in place from ../shared (skipped when absent). Golden summaries in
``tests/golden/clean/<seed-stem>.expected.json`` hold numbers and labels only, never seed text;
rewrite them with ``pytest --update-golden`` and review the diff.
"""

from __future__ import annotations

import importlib.util
import json
import os
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from corroborator.clean import clean
from corroborator.ingest import ingest
from corroborator.records import Article, RawDocument

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "clean"

# Floors per seed, from the task's acceptance figures.
MIN_BODY_KEPT = 0.97
MIN_COMMENT_FOUND = 0.95
MIN_BOILERPLATE_DROPPED = 0.95
MIN_BODY_PURITY = 0.97
MAX_COMMENT_COUNT_ERROR = 2


@pytest.fixture(scope="module")
def scorer(shared_dir: Path) -> ModuleType:
    path = shared_dir / "eval" / "score.py"
    if not path.is_file():
        pytest.skip(f"eval scorer not found at {path}")
    spec = importlib.util.spec_from_file_location("corroborator_eval_score", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def _gold_files(shared: Path) -> list[Path]:
    return sorted((shared / "eval" / "gold" / "dev").glob("*.json"))


def _seed_names() -> list[str]:
    # the same location as the root conftest's SHARED (parametrisation happens before fixtures exist)
    shared = Path(os.environ.get("CORROBORATOR_SHARED", Path(__file__).resolve().parents[2].parent / "shared"))
    return [p.stem for p in _gold_files(shared)] if shared.is_dir() else []


SEED_STEMS = _seed_names()


def _clean_seed(seeds: Path, doc_name: str) -> Article:
    items = list(ingest([seeds / doc_name]))
    assert len(items) == 1 and isinstance(items[0], RawDocument), items
    return clean(items[0]).article


def _prediction(article: Article) -> dict:
    """The document as the evaluation export writes it."""
    return {"doc": article.doc.name, "title": article.title, "published": article.published,
            "outlet": article.outlet, "body": article.body.text,
            "comments": [{"author": c.author, "posted": c.posted, "text": c.text.text} for c in article.comments]}


def summary(article: Article) -> dict:
    """Numbers and labels only (no seed text): what the golden file holds."""
    return {
        "comment_count": len(article.comments),
        "comment_depths": [c.depth for c in article.comments],
        "comments_with_author": sum(1 for c in article.comments if c.author),
        "boilerplate_spans_by_kind": dict(sorted(Counter(b.kind for b in article.boilerplate).items())),
        "body_chars": len(article.body.text),
        "title_found": bool(article.title),
        "published_found": bool(article.published),
        "outlet_found": bool(article.outlet),
    }


@pytest.mark.skipif(not SEED_STEMS, reason="no gold/seeds in ../shared")
@pytest.mark.parametrize("stem", SEED_STEMS)
def test_seed_line_agreement(stem: str, seeds_dir: Path, shared_dir: Path, scorer: ModuleType) -> None:
    gold = json.loads((shared_dir / "eval" / "gold" / "dev" / f"{stem}.json").read_text(encoding="utf-8"))
    article = _clean_seed(seeds_dir, gold["doc"])
    s = scorer.score_segmentation(gold, _prediction(article), seeds_dir)
    figures = {k: scorer.ratio(s[k]) for k in ("body_kept", "comment_found", "boilerplate_dropped", "body_purity")}
    floors = {"body_kept": MIN_BODY_KEPT, "comment_found": MIN_COMMENT_FOUND,
              "boilerplate_dropped": MIN_BOILERPLATE_DROPPED, "body_purity": MIN_BODY_PURITY}
    low = {k: round(v, 3) for k, v in figures.items() if v is not None and v < floors[k]}
    assert not low, f"{stem}: below the floor: {low}"
    want, got = s["comment_count"]
    if want is not None:
        assert abs(want - got) <= MAX_COMMENT_COUNT_ERROR, f"{stem}: {got} comments, gold {want}"


@pytest.mark.skipif(not SEED_STEMS, reason="no gold/seeds in ../shared")
@pytest.mark.parametrize("stem", SEED_STEMS)
def test_seed_golden_summary(stem: str, seeds_dir: Path, shared_dir: Path, update_golden: bool) -> None:
    gold = json.loads((shared_dir / "eval" / "gold" / "dev" / f"{stem}.json").read_text(encoding="utf-8"))
    got = summary(_clean_seed(seeds_dir, gold["doc"]))
    path = GOLDEN / f"{stem}.expected.json"
    if update_golden:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        return
    if not path.is_file():
        pytest.fail(f"no golden file {path.name}; create it with `pytest --update-golden` and review it")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert got == expected


def test_golden_files_hold_no_text() -> None:
    """Golden summaries are numbers, booleans and rule kinds: no sentence from a seed may leak in."""
    for path in GOLDEN.glob("*.expected.json"):
        data = json.loads(path.read_text(encoding="utf-8"))

        def walk(value, key: str = "") -> None:
            if isinstance(value, dict):
                for k, v in value.items():
                    assert " " not in k and len(k) <= 40, (path.name, k)
                    walk(v, k)
            elif isinstance(value, list):
                for v in value:
                    walk(v, key)
            else:
                assert isinstance(value, (int, float, bool)) or value is None, (path.name, key, value)

        walk(data)
