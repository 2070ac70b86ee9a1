"""A 50 MB text file: refused under the default size limit, processed when the limit is raised, memory bounded.

Peak RSS growth is measured with ``resource.getrusage`` in a fresh interpreter, after the imports.
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from corroborator.ingest import DEFAULT_MAX_BYTES

SIZE = 50 * 1024 * 1024
# Refusing a file must not read it: a few MB of growth at most (measured: ~3 MB).
MAX_GROWTH_REFUSED_KB = 32 * 1024
# Processing a 50 MB plain text (no analysis) peaked at 12.4x the file size when measured on
# 2026-11-23 (650 MB); the bound catches regressions without flaking on allocator noise.
MAX_GROWTH_FACTOR_PROCESSED = 15

PROBE = r"""
import resource, sys
from corroborator.ingest import IngestOptions
from corroborator.pipeline import RunOptions, run
import corroborator.clean, corroborator.store.repo  # noqa: F401  (imports are not the run's growth)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
summary = run([sys.argv[1]], sys.argv[2], RunOptions(ingest=IngestOptions(max_bytes=int(sys.argv[3])), analyse=False))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(peak - base, summary.added, len(summary.rejects), summary.rejects[0].reason if summary.rejects else "")
"""


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("big") / "huge_report.txt"
    rng = random.Random(3)
    words = ("the harbour council said on monday that repairs to the pier would continue until the end of "
             "the month while residents").split()
    block = "".join(" ".join(rng.choice(words) for _ in range(18)).capitalize() + ".\n" for _ in range(2000))
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Big report on the harbour works\n\n")
        written = 0
        while written < SIZE:
            handle.write(block)
            written += len(block)
    return path


def _probe(path: Path, db: Path, max_bytes: int) -> tuple[int, int, int, str]:
    out = subprocess.run([sys.executable, "-c", PROBE, str(path), str(db), str(max_bytes)], capture_output=True,
                         text=True, timeout=600, check=True).stdout.split(maxsplit=3)
    return int(out[0]), int(out[1]), int(out[2]), out[3] if len(out) > 3 else ""


def test_big_file_refused_by_default_without_reading_it(big_file: Path, tmp_path: Path) -> None:
    assert big_file.stat().st_size > DEFAULT_MAX_BYTES
    growth_kb, added, rejects, reason = _probe(big_file, tmp_path / "c.db", DEFAULT_MAX_BYTES)
    assert (added, rejects) == (0, 1)
    assert f"{DEFAULT_MAX_BYTES:,} bytes" in reason and "--max-bytes" in reason
    assert growth_kb < MAX_GROWTH_REFUSED_KB, f"refusing grew RSS by {growth_kb} KB"


def test_cli_refuses_big_file_with_the_limit_named(big_file: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from corroborator.cli import app

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "small.txt").write_text("Small report\n\nThe pier reopened on Monday.\n")
    result = CliRunner().invoke(app, ["run", str(big_file), str(tmp_path / "in"), "--db", str(tmp_path / "c.db"),
                                      "--no-analysis", "--max-bytes", "10000000"])
    assert result.exit_code == 0, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if "huge_report.txt" in ln]
    assert len(lines) == 1 and "10,000,000 bytes" in lines[0], result.stderr


@pytest.mark.slow
def test_big_file_processed_within_bounded_memory(big_file: Path, tmp_path: Path) -> None:
    growth_kb, added, rejects, _reason = _probe(big_file, tmp_path / "c.db", 2 * SIZE)
    assert (added, rejects) == (1, 0)
    factor = growth_kb * 1024 / big_file.stat().st_size
    assert factor < MAX_GROWTH_FACTOR_PROCESSED, f"processing grew RSS by {factor:.1f}x the file size"
