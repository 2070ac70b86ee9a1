"""The casualty pre-filter never skips a rule that could match: its required words are in every match."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from corroborator.incidents.casualties import _casualty_rules, _fold_case, find_casualties

WORDS = [
    "killed", "KILLED", "wounded", "injured", "dead", "died", "at least", "more than", "up to", "between",
    "and", "dozens", "hundreds", "of", "civilians", "soldiers", "fighters", "people", "three", "33", "12",
    "were", "was", "killing", "injuring", "the", "toll", "rose", "to", "no", "casualties", "reported",
    "bodies", "found", "fatalities", "coded", "as", "left", "KIA", "WIA", "\u212a", "ſ", "-", ",", ".",
]


def _needs_hold(text: str) -> bool:
    folded = _fold_case(text)
    for rule in _casualty_rules().rules:
        if rule.pattern.search(text) and not all(any(s in folded for s in need) for need in rule.needs):
            return False
    return True


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=14).map(" ".join))
def test_required_words_are_in_every_match(text: str) -> None:
    assert _needs_hold(text), text


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_any_string_is_safe(text: str) -> None:
    assert _needs_hold(text)
    assert isinstance(find_casualties(text), list)


def test_filter_reads_some_requirements() -> None:
    """The filter is active: most rules have required words (else it would skip nothing)."""
    rules = _casualty_rules().rules
    assert sum(1 for r in rules if r.needs) >= len(rules) // 2
