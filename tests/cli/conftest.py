"""Fixtures for CLI tests: an in-process runner with stdout and stderr apart, and DB queries."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from clihelp import query  # noqa: E402

# The bad-input cases live beside the ingest tests; both test folders use them.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ingest"))


class CliResult:
    def __init__(self, exit_code: int, stdout: str, stderr: str, exception: BaseException | None) -> None:
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr
        self.exception = exception

    def __repr__(self) -> str:
        return f"CliResult(exit_code={self.exit_code}, stderr={self.stderr!r}, exception={self.exception!r})"


@pytest.fixture()
def cli() -> Callable[..., CliResult]:
    """Run ``corroborator ARGS...`` in-process; an unexpected exception is re-raised."""
    from typer.testing import CliRunner

    from corroborator.cli import app

    runner = CliRunner()

    def invoke(*args: str | Path) -> CliResult:
        result = runner.invoke(app, [str(a) for a in args], catch_exceptions=True)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return CliResult(result.exit_code, result.stdout, result.stderr, result.exception)

    return invoke


@pytest.fixture()
def db_query() -> Callable[..., list[tuple]]:
    return query
