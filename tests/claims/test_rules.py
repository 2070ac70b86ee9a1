"""The claims rule files load, and every entry has a unique id."""

from __future__ import annotations

import pytest

from corroborator.claims.attribution import cue_lexicon
from corroborator.resources import rules_with_ids


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("claims/rules/cues.yaml", "verbs"),
        ("claims/rules/cues.yaml", "nouns"),
        ("claims/rules/cues.yaml", "prepositions"),
        ("claims/rules/cues.yaml", "carriers"),
        ("claims/rules/assertions.yaml", "events"),
        ("claims/rules/assertions.yaml", "fact_entities"),
        ("claims/rules/assertions.yaml", "opinion"),
        ("claims/rules/stance.yaml", "rules"),
        ("claims/rules/hedges.yaml", "rules"),
        ("claims/rules/link.yaml", "rules"),
        ("claims/rules/sources.yaml", "countries"),
        ("claims/rules/sources.yaml", "institutions"),
        ("claims/rules/sources.yaml", "aliases"),
        ("claims/rules/sources.yaml", "types"),
        ("claims/rules/sources.yaml", "discourse"),
    ],
)
def test_rule_file_has_ids(path, key):
    assert rules_with_ids(path, key)


def test_cue_stance_defaults():
    verbs, _, _ = cue_lexicon()
    assert verbs["say"]["stance"] == "asserts"
    assert verbs["deny"]["stance"] == "denies"
    raw = rules_with_ids("claims/rules/cues.yaml", "verbs")
    assert len({v["lemma"] for v in raw}) == len(raw)
    assert verbs["hop"]["lemma"] == "hope"  # lemmatiser slip listed as alt_lemmas
