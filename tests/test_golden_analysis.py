"""Golden incident and claim files for the example corpus and the seeds, and the example corpus's facts.

The whole pipeline runs once per corpus (in-process, into a temporary SQLite file) and its
evaluation export is summarised: per document, the incidents (type, date, place, actor names,
killed) and the claims (raw span, source chain, stance, cue, linked incident). The summaries in
``tests/golden/analysis/*.json`` hold codes, numbers, offsets and, for the seeds, fingerprints of
the strings taken from the documents (source names, groups), never their text. Any change of behaviour shows as a diff; rewrite with ``pytest --update-golden`` and review
it. ``examples/expected.json`` (written with the example corpus) states what a careful coder
codes; the test checks that every stated incident is found in its reports.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from corroborator.pipeline import RunOptions, run
from corroborator.report.export import eval_export
from corroborator.store.session import make_engine, make_session_factory

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "corpus"
GOLDEN = REPO / "tests" / "golden" / "analysis"

#: How far (km, days) an exported incident may be from a fact of expected.json.
MAX_KM = 25.0
MAX_DAYS = 1


def _export(corpus: Path, db: Path) -> dict[str, Any]:
    summary = run([corpus], db, RunOptions())
    assert summary.stored_any, "nothing stored"
    engine = make_engine(db)
    with make_session_factory(engine)() as session:
        return eval_export(session)


def _digest(text: str | None) -> str | None:
    """A short fingerprint of a string taken from a shared document (the repo keeps none of its text)."""
    return None if text is None else hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def _summary(export: dict[str, Any], opaque: bool = False) -> dict[str, Any]:
    """Codes, names, numbers and offsets per document; with ``opaque``, strings that come from the
    documents (sources, groups, actor and place names) are kept as fingerprints only."""
    h = _digest if opaque else (lambda x: x)
    out: dict[str, Any] = {}
    for doc in sorted(d["doc"] for d in export["documents"]):
        incidents = [
            {"id": i["id"], "sub_event_type": i["sub_event_type"], "date": i["date"],
             "place": h((i["place"] or {}).get("name")),
             "actors": {role: [h(a) for a in names] for role, names in i["actors"].items()},
             "killed": [[h(f["group"]), f["min"], f["max"]] for f in i["fatalities"] if f["kind"] == "killed"]}
            for i in export["incidents"] if doc in i["docs"]
        ]
        claims = [
            {"span": c.get("span"), "source": [h(x) for x in c["source"]], "stance": c["stance"],
             "cue": c.get("cue"),
             "in_comment": c["in_comment"], "incident": c["incident"]}
            for c in export["claims"] if c["doc"] == doc
        ]
        out[doc] = {"incidents": incidents, "claims": claims}
    return out


def _check_golden(name: str, summary: dict[str, Any], update: bool) -> None:
    path = GOLDEN / f"{name}.json"
    text = json.dumps(summary, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    if update or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not update:
            pytest.fail(f"golden file {path} was missing and has been written; review and commit it")
        return
    expected = json.loads(path.read_text(encoding="utf-8"))
    for doc in sorted(set(expected) | set(summary)):
        assert summary.get(doc) == expected.get(doc), f"{name}: {doc} differs from {path} (pytest --update-golden)"


@pytest.fixture(scope="module")
def examples_export(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _export(EXAMPLES, tmp_path_factory.mktemp("ex") / "ex.db")


def test_examples_golden(examples_export: dict[str, Any], update_golden: bool) -> None:
    _check_golden("examples", _summary(examples_export), update_golden)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, l1, p2, l2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin((l2 - l1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, h)))


def _matches(fact: dict[str, Any], inc: dict[str, Any]) -> bool:
    place = inc["place"] or {}
    if inc["sub_event_type"] != fact["sub_event_type"] or place.get("lat") is None:
        return False
    if _km(place["lat"], place["lon"], fact["place"]["lat"], fact["place"]["lon"]) > MAX_KM:
        return False
    if not inc["date"] or len(inc["date"]) != 10:
        return False
    return abs((date.fromisoformat(inc["date"]) - date.fromisoformat(fact["date"])).days) <= MAX_DAYS


def _file_of(doc: str) -> str:
    """The input file's base name of an exported document name ("feed.jsonl#2", "page.warc#3")."""
    return doc.split("#")[0].removesuffix(".gz")


def test_examples_expected_incidents_found(examples_export: dict[str, Any]) -> None:
    """Each incident the example corpus was written about is coded from at least one of its reports."""
    expected = json.loads((REPO / "examples" / "expected.json").read_text(encoding="utf-8"))
    missing = []
    for fact in expected["incidents"]:
        files = {_file_of(r["file"]) for r in fact["reports"]}
        found = [i for i in examples_export["incidents"]
                 if any(_file_of(d) in files for d in i["docs"]) and _matches(fact, i)]
        if not found:
            missing.append(fact["key"])
    assert not missing, f"expected incidents not found: {missing}"


def test_examples_contested_incident_graded(examples_export: dict[str, Any]) -> None:
    """The corpus has reports that disagree on tolls: some incident is graded contested."""
    assert any(i["status"] == "contested" for i in examples_export["incidents"])


def test_seeds_golden(seeds_dir: Path, tmp_path: Path, update_golden: bool) -> None:
    _check_golden("seeds", _summary(_export(seeds_dir, tmp_path / "seeds.db"), opaque=True), update_golden)
