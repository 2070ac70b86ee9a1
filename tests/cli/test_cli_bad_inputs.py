"""Every bad input through ``corroborator run``: one stderr line, a ``rejects`` row, the run goes on, exit codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from badfiles import CASE_IDS, CASES, GOOD_NAME, Case, printable, write_case


def _run_args(case: Case, folder: Path, db: Path, *extra: str) -> list[str | Path]:
    args: list[str | Path] = ["run", folder, "--db", db, "--no-analysis", *extra]
    if case.max_bytes:
        args += ["--max-bytes", str(case.max_bytes)]
    return args


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_cli_reports_bad_input_and_goes_on(case: Case, tmp_path: Path, cli, db_query) -> None:
    folder = tmp_path / "in"
    write_case(case, folder)
    db = tmp_path / "c.db"
    result = cli(*_run_args(case, folder, db))
    assert result.exit_code == 0, result
    # ONE line on stderr names the bad file (and its line/row/record) and the problem
    lines = [ln for ln in result.stderr.splitlines() if case.name in ln]
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert printable(line), repr(line)
    assert re.search(case.reason, line, re.IGNORECASE), line
    if case.locator:
        assert re.search(case.locator.strip("^$"), line), line
    # a row in the rejects table with the reason
    rows = db_query(db, "select path, locator, reason, severity from rejects")
    mine = [r for r in rows if r[0].endswith(case.name)]
    assert len(mine) == 1, rows
    assert re.search(case.reason, mine[0][2], re.IGNORECASE)
    assert mine[0][3] == case.severity
    # the good document beside it and what could be kept of the bad file are stored
    names = [n for (n,) in db_query(db, "select name from documents")]
    assert GOOD_NAME in names
    from_bad = [n for n in names if n.split("#")[0] == case.name.removesuffix(".gz")]
    assert len(from_bad) >= case.min_stored
    if case.max_stored is not None:
        assert len(from_bad) <= case.max_stored


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_cli_strict_exit_code(case: Case, tmp_path: Path, cli) -> None:
    folder = tmp_path / "in"
    write_case(case, folder)
    result = cli(*_run_args(case, folder, tmp_path / "c.db", "--strict"))
    if case.severity == "error":
        assert result.exit_code != 0, result
    else:  # a document kept with a warning is not a reject
        assert result.exit_code == 0, result


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_cli_bad_input_alone(case: Case, tmp_path: Path, cli) -> None:
    folder = tmp_path / "in"
    write_case(case, folder, with_good=False)
    result = cli(*_run_args(case, folder, tmp_path / "c.db"))
    if case.max_stored == 0:
        assert result.exit_code != 0, result
        assert "no document could be stored" in result.stderr
    else:
        assert result.exit_code == 0, result


def test_cli_quiet_prints_no_reject_lines(tmp_path: Path, cli) -> None:
    case = next(c for c in CASES if c.id == "binary")
    folder = tmp_path / "in"
    write_case(case, folder)
    result = cli("run", folder, "--db", tmp_path / "c.db", "--no-analysis", "--quiet")
    assert result.exit_code == 0
    assert case.name not in result.stderr


def test_cli_max_bytes_env_variable(tmp_path: Path, cli, monkeypatch) -> None:
    case = next(c for c in CASES if c.id == "over_max_bytes")
    folder = tmp_path / "in"
    write_case(case, folder)
    monkeypatch.setenv("CORROBORATOR_MAX_BYTES", "5000")
    result = cli("run", folder, "--db", tmp_path / "c.db", "--no-analysis")
    assert result.exit_code == 0
    assert "5,000 bytes" in result.stderr


def test_cli_rerun_does_not_repeat_rejects(tmp_path: Path, cli, db_query) -> None:
    case = next(c for c in CASES if c.id == "malformed_jsonl_line")
    folder = tmp_path / "in"
    write_case(case, folder)
    db = tmp_path / "c.db"
    for _ in range(2):
        assert cli("run", folder, "--db", db, "--no-analysis").exit_code == 0
    assert db_query(db, "select count(*) from rejects") == [(1,)]
    assert db_query(db, "select count(*) from documents") == [(3,)]


def test_cli_bad_field_option(tmp_path: Path, cli) -> None:
    (tmp_path / GOOD_NAME).write_text("Some text about the harbour and its pier.\n")
    result = cli("run", tmp_path, "--db", tmp_path / "c.db", "--field", "body")
    assert result.exit_code != 0
    assert "ROLE=COLUMN" in result.stderr or "ROLE=COLUMN" in result.stdout
