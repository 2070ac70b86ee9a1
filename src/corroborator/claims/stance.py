"""Stance of a claim: asserts, denies or doubts, from the cue and the content's wording."""

from __future__ import annotations

import functools
import re

from corroborator.errors import RuleError
from corroborator.records import Stance
from corroborator.resources import package_path, rules_with_ids

RULES = "claims/rules/stance.yaml"

# Doubt outranks denial: "could not confirm there were no casualties" is a doubt.
_RANK = {Stance.ASSERTS: 0, Stance.DENIES: 1, Stance.DOUBTS: 2}


@functools.cache
def _rules() -> tuple[tuple[str, Stance, re.Pattern[str]], ...]:
    """(id, stance, pattern) for every stance rule."""
    out = []
    for rule in rules_with_ids(RULES):
        try:
            stance = Stance(rule["stance"])
        except (KeyError, ValueError) as exc:
            raise RuleError(str(package_path(RULES)), None, f"{rule['id']}: bad stance") from exc
        out.append((rule["id"], stance, re.compile(rule["pattern"], re.IGNORECASE)))
    return tuple(out)


def content_stance(text: str) -> tuple[Stance, str | None]:
    """The strongest stance signalled inside ``text`` and the id of the rule, or (ASSERTS, None)."""
    best: tuple[Stance, str | None] = (Stance.ASSERTS, None)
    for rule_id, stance, pattern in _rules():
        if _RANK[stance] > _RANK[best[0]] and pattern.search(text):
            best = (stance, rule_id)
    return best


def decide_stance(cue_stance: Stance, content: str, cue_context: str = "") -> tuple[Stance, str | None]:
    """Combine the cue's default stance with the content's and the cue phrase's wording.

    Args:
        cue_stance: the stance the cue word carries ("denied" → denies).
        content: the claim text.
        cue_context: the words around the cue ("was unable to independently confirm").

    Returns:
        The stance and the id of the stance rule that decided it (None for the cue default).
    """
    around, around_rule = content_stance(cue_context) if cue_context else (Stance.ASSERTS, None)
    inside, inside_rule = content_stance(content)
    best, rule = cue_stance, None
    for stance, rule_id in ((around, around_rule), (inside, inside_rule)):
        if _RANK[stance] > _RANK[best]:
            best, rule = stance, rule_id
    return best, rule
