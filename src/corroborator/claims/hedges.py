"""Hedges ("allegedly", "if true", "may have") and the certainty they leave a claim."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from corroborator.errors import RuleError
from corroborator.records import Hedge, Span
from corroborator.resources import package_path, rules_with_ids

RULES = "claims/rules/hedges.yaml"


@functools.cache
def _rules() -> tuple[tuple[str, re.Pattern[str], float], ...]:
    """(id, pattern, weight) for every hedge in the lexicon."""
    out = []
    for rule in rules_with_ids(RULES):
        weight = float(rule.get("weight", -1))
        if not 0.0 <= weight <= 1.0:
            raise RuleError(str(package_path(RULES)), None, f"{rule['id']}: weight must be in [0, 1]")
        out.append((rule["id"], re.compile(rule["pattern"], re.IGNORECASE), weight))
    return tuple(out)


def find_hedges(text: str, offset: int = 0, to_raw: Callable[[int, int], Span] | None = None) -> list[Hedge]:
    """Every hedge cue in ``text``.

    Args:
        text: the text to scan (a claim's sentence or content).
        offset: clean offset of ``text[0]``, added to match offsets.
        to_raw: maps a clean ``(start, end)`` to a raw Span; identity when None.

    Returns:
        Hedges in text order; overlapping matches of different rules are all kept,
        except that a match inside a longer one is dropped.
    """
    found: list[tuple[int, int, str, float]] = []
    for rule_id, pattern, weight in _rules():
        for m in pattern.finditer(text):
            found.append((m.start(), m.end(), rule_id, weight))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    kept: list[tuple[int, int, str, float]] = []
    for start, end, rule_id, weight in found:
        if any(s <= start and end <= e for s, e, _, _ in kept):
            continue
        kept.append((start, end, rule_id, weight))
    hedges = []
    for start, end, rule_id, weight in kept:
        a, b = start + offset, end + offset
        span = to_raw(a, b) if to_raw else Span(a, b)
        hedges.append(Hedge(cue=text[start:end], span=span, weight=weight, rule_id=rule_id))
    return hedges


def certainty(hedges: list[Hedge] | tuple[Hedge, ...]) -> float:
    """1.0 without hedges; each hedge multiplies the certainty by ``1 - weight``."""
    value = 1.0
    for hedge in hedges:
        value *= 1.0 - hedge.weight
    return round(max(0.0, min(1.0, value)), 4)
