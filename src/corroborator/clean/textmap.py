"""Build cleaned texts out of slices of a source text while keeping the map back to raw offsets."""

from __future__ import annotations

import bisect

from corroborator.records import TextMap


class TextBuilder:
    """Accumulates pieces of text; mapped pieces remember where their characters came from."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._runs: list[tuple[int, int, int]] = []
        self._length = 0

    def __len__(self) -> int:
        return self._length

    def add(self, text: str) -> None:
        """Append text that has no source (a separator)."""
        self._parts.append(text)
        self._length += len(text)

    def add_mapped(self, source: TextMap, start: int, end: int) -> None:
        """Append ``source.text[start:end]`` with its raw offsets."""
        if end <= start:
            return
        self._parts.append(source.text[start:end])
        for c0, r0, n in _clip_runs(source, start, end):
            self._runs.append((self._length + (c0 - start), r0, n))
        self._length += end - start

    def add_raw(self, raw: str, start: int, end: int) -> None:
        """Append ``raw[start:end]``, a slice of the raw text itself."""
        if end <= start:
            return
        self._parts.append(raw[start:end])
        self._runs.append((self._length, start, end - start))
        self._length += end - start

    def add_at(self, text: str, raw_start: int) -> None:
        """Append ``text`` (e.g. a decoded HTML entity) whose characters all come from ``raw_start``."""
        if not text:
            return
        self._parts.append(text)
        self._runs.append((self._length, raw_start, 1))
        self._length += len(text)

    def build(self) -> TextMap:
        runs = _merge(self._runs)
        return TextMap("".join(self._parts), tuple(runs))


def identity(text: str) -> TextMap:
    """A text that is its own raw text."""
    return TextMap(text, ((0, 0, len(text)),) if text else ())


def _clip_runs(source: TextMap, start: int, end: int) -> list[tuple[int, int, int]]:
    runs = source.runs
    # runs are sorted by clean start: bisect to the last run starting at or before ``start``
    i = max(0, bisect.bisect_right(runs, (start, float("inf"), 0)) - 1)
    out = []
    while i < len(runs) and runs[i][0] < end:
        c0, r0, n = runs[i]
        lo, hi = max(c0, start), min(c0 + n, end)
        if lo < hi:
            out.append((lo, r0 + (lo - c0), hi - lo))
        i += 1
    return out


def _merge(runs: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    merged: list[tuple[int, int, int]] = []
    for c0, r0, n in runs:
        if merged:
            pc, pr, pn = merged[-1]
            if pc + pn == c0 and pr + pn == r0:
                merged[-1] = (pc, pr, pn + n)
                continue
        merged.append((c0, r0, n))
    return merged


def compose(outer: TextMap, inner: TextMap) -> TextMap:
    """Chain maps: ``outer`` maps into ``inner.text``, ``inner`` maps into the raw text."""
    runs: list[tuple[int, int, int]] = []
    for c0, m0, n in outer.runs:
        for i0, r0, k in _clip_runs(inner, m0, m0 + n):
            runs.append((c0 + (i0 - m0), r0, k))
    return TextMap(outer.text, tuple(_merge(runs)))
