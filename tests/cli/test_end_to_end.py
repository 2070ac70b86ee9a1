"""The README's commands on ``examples/corpus``: run (with a report), export in every format, stats, report.

The fast tests run with ``--no-analysis``; the README's exact command (with analysis) is marked slow.
Skipped while the example corpus is empty.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from markupsafe import escape

from clihelp import query

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "corpus"

EVENT_TYPES = {"Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
               "Strategic developments"}
SUB_EVENT_TYPES = {
    "Armed clash", "Government regains territory", "Non-state actor overtakes territory", "Chemical weapon",
    "Air/drone strike", "Suicide bomb", "Shelling/artillery/missile attack", "Remote explosive/landmine/IED",
    "Grenade", "Sexual violence", "Attack", "Abduction/forced disappearance", "Peaceful protest",
    "Protest with intervention", "Excessive force against protesters", "Violent demonstration", "Mob violence",
    "Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use", "Headquarters or base established",
    "Looting/property destruction", "Non-violent transfer of territory", "Other"}
TECHNIQUES = {"Appeal_to_Authority", "Appeal_to_fear-prejudice", "Bandwagon,Reductio_ad_hitlerum",
              "Black-and-White_Fallacy", "Causal_Oversimplification", "Doubt", "Exaggeration,Minimisation",
              "Flag-Waving", "Loaded_Language", "Name_Calling,Labeling", "Repetition", "Slogans",
              "Thought-terminating_Cliches", "Whataboutism,Straw_Men,Red_Herring"}
DATE = re.compile(r"^(?:\d{4}|XXXX)(?:-\d{2}(?:-\d{2})?)?$")
HOSTILE_TITLE = "Harbour <script>alert(1)</script> & \"quotes\" reopen"


def _opt_str(value) -> bool:
    return value is None or isinstance(value, str)


def validate_eval_export(data: dict) -> None:
    """Assert that ``data`` follows the ``corroborator-eval/1`` schema of the eval kit's README."""
    assert data["format"] == "corroborator-eval/1"
    for key in ("documents", "incidents", "claims"):
        assert isinstance(data[key], list), key
    names = set()
    for d in data["documents"]:
        assert {"doc", "title", "published", "outlet", "body", "comments"} <= set(d), d.keys()
        assert isinstance(d["doc"], str) and d["doc"] and d["doc"] not in names
        names.add(d["doc"])
        assert _opt_str(d["title"]) and _opt_str(d["outlet"]) and isinstance(d["body"], str)
        assert d["published"] is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", d["published"]), d["published"]
        for c in d["comments"]:
            assert {"author", "posted", "text"} <= set(c)
            assert _opt_str(c["author"]) and _opt_str(c["posted"]) and isinstance(c["text"], str) and c["text"]
        if "credibility" in d:
            assert 0.0 <= d["credibility"] <= 1.0
    ids = set()
    for inc in data["incidents"]:
        assert isinstance(inc["id"], str) and inc["id"] not in ids
        ids.add(inc["id"])
        assert inc["docs"] and all(n in names for n in inc["docs"])
        assert inc["event_type"] in EVENT_TYPES and inc["sub_event_type"] in SUB_EVENT_TYPES, inc
        for key in ("date", "date_end"):
            assert inc[key] is None or DATE.fullmatch(inc[key]), inc[key]
        place = inc["place"]
        if place is not None:
            assert isinstance(place["name"], str)
            for k in ("lat", "lon"):
                assert place.get(k) is None or isinstance(place[k], (int, float))
            assert _opt_str(place.get("country"))
        assert set(inc["actors"]) >= {"actor1", "actor2"}
        assert all(isinstance(a, str) for group in inc["actors"].values() for a in group)
        for f in inc["fatalities"]:
            assert isinstance(f["group"], str) and f["kind"] in ("killed", "wounded")
            assert f["min"] is None or isinstance(f["min"], int)
            assert f["max"] is None or isinstance(f["max"], int)
            if f["min"] is not None and f["max"] is not None:
                assert f["min"] <= f["max"]
        assert _opt_str(inc["status"])
    for c in data["claims"]:
        assert isinstance(c["id"], str) and c["doc"] in names and isinstance(c["text"], str)
        assert isinstance(c["source"], list) and all(isinstance(s, str) for s in c["source"])
        assert c["stance"] in ("asserts", "denies", "doubts") and isinstance(c["in_comment"], bool)
        assert c["incident"] is None or c["incident"] in ids
        if "span" in c:
            start, end = c["span"]
            assert isinstance(start, int) and isinstance(end, int) and 0 <= start <= end
    for t in data.get("techniques", []):
        assert t["doc"] in names and t["technique"] in TECHNIQUES and 0 <= t["start"] <= t["end"]


def _copy_examples(dest: Path) -> Path:
    if not EXAMPLES.is_dir() or not any(EXAMPLES.iterdir()):
        pytest.skip("examples/corpus is empty")
    shutil.copytree(EXAMPLES, dest)
    return dest


@pytest.fixture(scope="module")
def fast_run(tmp_path_factory) -> tuple[Path, Path, Path, object]:
    """``run examples/corpus --db X --report R --no-analysis`` once, plus a page with a hostile title."""
    from typer.testing import CliRunner

    from corroborator.cli import app

    base = tmp_path_factory.mktemp("e2e")
    corpus = _copy_examples(base / "corpus")
    (corpus / "zz_hostile_title.txt").write_text(
        f"{HOSTILE_TITLE}\n\nThe harbour reopened on Monday after the storm, officials said.\n", encoding="utf-8")
    db, report = base / "x.db", base / "r" / "report.html"
    result = CliRunner().invoke(app, ["run", str(corpus), "--db", str(db), "--report", str(report), "--no-analysis"])
    return corpus, db, report, result


def test_run_writes_db_and_report(fast_run) -> None:
    corpus, db, report, result = fast_run
    assert result.exit_code == 0, (result.stderr, result.exception)
    assert db.is_file() and report.is_file()
    titles = [t for (t,) in query(db, "select title from documents") if t]
    assert len(titles) >= len([p for p in corpus.iterdir()])  # containers hold several documents
    page = report.read_text(encoding="utf-8")
    for title in titles:
        assert str(escape(title)) in page, title
    assert "<script>alert(1)</script>" not in page
    assert query(db, "select count(*) from rejects where severity = 'error'") == [(0,)]


def test_export_eval_validates(fast_run, cli, tmp_path: Path) -> None:
    _corpus, db, _report, _r = fast_run
    out = tmp_path / "eval.json"
    result = cli("export", "--db", db, "--format", "eval", "--output", out)
    assert result.exit_code == 0, result
    data = json.loads(out.read_text(encoding="utf-8"))
    validate_eval_export(data)
    docs = {d["doc"] for d in data["documents"]}
    assert "zz_hostile_title.txt" in docs
    assert any(n.endswith(".csv#1") for n in docs) and any("#" in n and ".warc" in n for n in docs)


def test_export_json_and_csv(fast_run, cli, tmp_path: Path) -> None:
    _corpus, db, _report, _r = fast_run
    n_docs = query(db, "select count(*) from documents")[0][0]
    result = cli("export", "--db", db, "--format", "json", "--output", tmp_path / "all.json")
    assert result.exit_code == 0, result
    data = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    assert len(data["documents"]) == n_docs and "raw_text" in data["documents"][0]
    for table in ("incidents", "documents", "claims", "rejects", "techniques"):
        result = cli("export", "--db", db, "--format", "csv", "--table", table)
        assert result.exit_code == 0, result
        rows = list(csv.reader(io.StringIO(result.stdout)))
        assert rows and rows[0], table
        if table == "documents":
            assert len(rows) == n_docs + 1 and "title" in rows[0] and "raw_text" not in rows[0]
    assert cli("export", "--db", db, "--format", "semeval").exit_code == 0
    bad = cli("export", "--db", db, "--format", "xml")
    assert bad.exit_code != 0 and "eval" in (bad.stderr + bad.stdout)


def test_stats_prints_counts(fast_run, cli) -> None:
    _corpus, db, _report, _r = fast_run
    result = cli("stats", "--db", db)
    assert result.exit_code == 0, result
    n_docs = query(db, "select count(*) from documents")[0][0]
    assert re.search(rf"documents\s*\S*\s*{n_docs}\b", result.stdout), result.stdout
    for name in ("comments", "boilerplate", "rejects", "incidents", "claims", "techniques"):
        assert name in result.stdout


@pytest.mark.parametrize("command", [["report", "--output", "r.html"], ["stats"], ["export", "--format", "eval"]])
def test_missing_db_fails_clearly(command: list[str], cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli(*command, "--db", tmp_path / "nothing.db")
    assert result.exit_code != 0
    assert "nothing.db" in result.stderr and "no such database" in result.stderr
    assert not (tmp_path / "nothing.db").exists()  # a read command does not create an empty database
    assert "Traceback" not in result.stderr


def test_run_on_missing_path_fails(cli, tmp_path: Path) -> None:
    result = cli("run", tmp_path / "absent", "--db", tmp_path / "x.db", "--no-analysis")
    assert result.exit_code != 0
    assert "absent" in result.stderr and "no such file" in result.stderr


def test_version(cli) -> None:
    result = cli("--version")
    assert result.exit_code == 0 and result.stdout.startswith("corroborator ")


def test_readme_command_with_analysis(tmp_path: Path, cli) -> None:
    """Exactly the README's quick-start command (analysis included), then the eval export."""
    corpus = _copy_examples(tmp_path / "corpus")
    db, report = tmp_path / "corroborator.db", tmp_path / "report.html"
    result = cli("run", corpus, "--db", db, "--report", report)
    assert result.exit_code == 0, result
    assert report.is_file()
    out = tmp_path / "eval.json"
    assert cli("export", "--db", db, "--format", "eval", "--output", out).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    validate_eval_export(data)
    assert data["incidents"] and data["claims"]
    page = report.read_text(encoding="utf-8")
    for title in (t for (t,) in query(db, "select title from documents") if t):
        assert str(escape(title)) in page
    # incidents with their grades and who asserts / denies them are on the page
    assert "Incidents across the corpus" in page and "asserts:" in page
    assert any(grade in page for grade in ("corroborated", "contested", "single source"))


def test_seed_export_scores_through_the_eval_scorer(seeds_dir: Path, shared_dir: Path, cli, tmp_path: Path) -> None:
    """The stored and exported documents (not just ``clean()``'s output) reach the segmentation floors."""
    import importlib.util

    scorer_path = shared_dir / "eval" / "score.py"
    if not scorer_path.is_file():
        pytest.skip("eval scorer not found")
    spec = importlib.util.spec_from_file_location("corroborator_eval_score_cli", scorer_path)
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    db, out = tmp_path / "seeds.db", tmp_path / "seeds.json"
    assert cli("run", seeds_dir, "--db", db, "--no-analysis").exit_code == 0
    assert cli("export", "--db", db, "--format", "eval", "--output", out).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    validate_eval_export(data)
    figures = scorer.score(data, shared_dir / "eval" / "gold" / "dev", seeds_dir)
    seg = figures["segmentation"]
    assert seg["body_kept"] >= 0.97 and seg["body_purity"] >= 0.97
    assert seg["comment_found"] >= 0.95 and seg["boilerplate_dropped"] >= 0.95
    assert figures["comment_count_abs_error"] <= 2


def test_fast_propaganda_uses_the_crf(tmp_path: Path, cli) -> None:
    """``--fast-propaganda`` selects the CRF span finder for the run."""
    import os

    from corroborator.propaganda.tagger import BACKEND_ENV

    before = os.environ.pop(BACKEND_ENV, None)
    doc = tmp_path / "in" / "op-ed.txt"
    doc.parent.mkdir()
    doc.write_text("The corrupt, cowardly regime butchered innocent families again, the traitors!\n\n"
                   "Everyone knows these criminals will never stop unless patriots stand up now.\n", encoding="utf-8")
    try:
        assert cli("run", doc.parent, "--db", tmp_path / "f.db", "--fast-propaganda", "--quiet").exit_code == 0
        assert os.environ.get(BACKEND_ENV) == "crf"
    finally:
        os.environ.pop(BACKEND_ENV, None)
        if before is not None:
            os.environ[BACKEND_ENV] = before
