"""Re-running adds nothing; a run killed at any point and resumed ends with the same content."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from storehelp import dump

from corroborator.pipeline import RunOptions, run
from corroborator.store.session import make_engine, make_session_factory
from corroborator.store import repo

# The installed console script; without it, the Typer app through the interpreter.
_SCRIPT = Path(sys.executable).with_name("corroborator")
CLI = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-c", "from corroborator.cli import app; app()"]


def _counts(db: Path) -> dict[str, int]:
    engine = make_engine(db)
    with make_session_factory(engine)() as session:
        counts = repo.counts(session)
    engine.dispose()
    return counts


def test_rerun_adds_nothing(small_corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    first = run([small_corpus], db, RunOptions(analyse=False))
    assert first.added > 150 and first.skipped == 0
    assert len(first.rejects) == 3  # the empty file, the CSV without text column, the broken JSONL line
    before = dump(db)
    counts = _counts(db)
    second = run([small_corpus], db, RunOptions(analyse=False))
    assert second.added == 0 and second.skipped == first.added
    assert dump(db) == before
    after = _counts(db)
    assert {k: v for k, v in after.items() if k != "runs"} == {k: v for k, v in counts.items() if k != "runs"}
    assert after["runs"] == counts["runs"] + 1


def test_run_records_finish(small_corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    summary = run([small_corpus], db, RunOptions(analyse=False))
    con = sqlite3.connect(db)
    status, added, rejects = con.execute("select status, documents_added, rejects_added from runs").fetchone()
    con.close()
    assert (status, added, rejects) == ("finished", summary.added, len(summary.rejects))


def _cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _start(corpus: Path, db: Path, analyse: bool) -> subprocess.Popen:
    args = [*CLI, "run", str(corpus), "--db", str(db), "--quiet"] + ([] if analyse else ["--no-analysis"])
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_cli_env())


def _documents(db: Path) -> int:
    try:
        con = sqlite3.connect(db, timeout=1)
        try:
            return con.execute("select count(*) from documents").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def _kill_when(proc: subprocess.Popen, db: Path, *, after_s: float | None = None, docs: int | None = None,
               timeout: float = 120) -> None:
    started = time.monotonic()
    while proc.poll() is None and time.monotonic() - started < timeout:
        if after_s is not None and time.monotonic() - started >= after_s:
            break
        if docs is not None and _documents(db) >= docs:
            break
        time.sleep(0.02)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait()


def _finish(corpus: Path, db: Path, analyse: bool) -> None:
    proc = _start(corpus, db, analyse)
    _out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode(errors="replace")


def _kill_and_resume(corpus: Path, tmp_path: Path, analyse: bool, thorough: bool) -> None:
    reference = tmp_path / "reference.db"
    _finish(corpus, reference, analyse)
    expected = dump(reference)
    assert len(expected["documents"]) > 150
    total = len(expected["documents"])
    # kill points: early (during start-up or the first batches), and at several fill levels of the DB
    plans = [{"after_s": 0.5}, {"docs": 20}, {"docs": total // 2}, {"docs": total - 10}]
    if not thorough:
        plans = plans[1:3]
    for n, plan in enumerate(plans):
        db = tmp_path / f"resumed_{n}.db"
        proc = _start(corpus, db, analyse)
        _kill_when(proc, db, **plan)
        if thorough or n == 0:  # a second kill during the resumed run
            proc = _start(corpus, db, analyse)
            _kill_when(proc, db, docs=min(total, _documents(db) + 15))
        _finish(corpus, db, analyse)
        got = dump(db)
        for table in expected:
            assert got[table] == expected[table], f"plan {plan}: table {table} differs after kill and resume"


def test_kill_and_resume_gives_the_same_database(small_corpus: Path, tmp_path: Path) -> None:
    _kill_and_resume(small_corpus, tmp_path, analyse=False, thorough=False)


@pytest.mark.slow
def test_kill_and_resume_at_every_point(small_corpus: Path, tmp_path: Path) -> None:
    _kill_and_resume(small_corpus, tmp_path, analyse=False, thorough=True)


@pytest.mark.slow
def test_kill_and_resume_with_analysis(small_corpus: Path, tmp_path: Path) -> None:
    try:
        from corroborator.analysis import analyse_articles  # noqa: F401
        from corroborator.incidents import extract_incidents  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"analysis stages not importable yet: {exc}")
    _kill_and_resume(small_corpus, tmp_path, analyse=True, thorough=True)
