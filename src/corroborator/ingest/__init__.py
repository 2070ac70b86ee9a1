"""Ingest: files, folders and corpora into ``RawDocument`` records (or ``Reject`` records)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from corroborator.ingest.readers import DEFAULT_MAX_BYTES, IngestOptions, Item, discover, doc_id_for, read_path
from corroborator.records import Reject

__all__ = ["DEFAULT_MAX_BYTES", "IngestOptions", "Item", "doc_id_for", "ingest"]


def ingest(paths: Iterable[Path | str], opts: IngestOptions | None = None) -> Iterator[Item]:
    """Every document (or reject) under ``paths``: files, or folders read recursively."""
    opts = opts or IngestOptions()
    for found in discover([Path(p) for p in paths]):
        if isinstance(found, Reject):
            yield found
        else:
            yield from read_path(found, opts)
