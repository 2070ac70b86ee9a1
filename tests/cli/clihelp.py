"""CLI-test helpers."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def query(db: Path, sql: str, *params) -> list[tuple]:
    """Rows of ``sql`` on the SQLite database ``db``."""
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()
