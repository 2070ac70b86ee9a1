"""LowerPhraseEntityRuler gives exactly what spaCy's EntityRuler gives, faster."""

from __future__ import annotations

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.pipeline import EntityRuler
from spacy.tokens import Doc

from corroborator.nlp.pipeline import LowerPhraseEntityRuler, _lower_words

WORDS = ["Red", "red", "Hill", "hill", "RED", "north", "North", "Gate", "gate", "of", ",", "."]


def _pair(patterns: list[dict], overwrite: bool = True) -> tuple[EntityRuler, LowerPhraseEntityRuler]:
    nlp = spacy.blank("en")
    old = EntityRuler(nlp, overwrite_ents=overwrite)
    new = LowerPhraseEntityRuler(nlp, overwrite_ents=overwrite)
    old.add_patterns(patterns)
    new.add_patterns(patterns)
    return old, new


def _ents(ruler: EntityRuler, doc: Doc) -> list[tuple[int, int, str, str]]:
    copy = Doc(doc.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])
    ruler.set_annotations(copy, ruler.match(copy))
    return [(e.start, e.end, e.label_, e.ent_id_) for e in copy.ents]


def _lower(words: list[str], first_not_lower: bool) -> list[dict]:
    pattern: list[dict] = [{"LOWER": w.lower()} for w in words]
    if first_not_lower:
        pattern[0]["IS_LOWER"] = False
    return pattern


def test_lower_words_accepts_only_plain_lower_patterns() -> None:
    assert _lower_words([{"LOWER": "red"}, {"LOWER": "hill"}]) == (("red", "hill"), False)
    assert _lower_words([{"LOWER": "red", "IS_LOWER": False}]) == (("red",), True)
    assert _lower_words([{"LOWER": "Red"}]) is None  # never matches in the Matcher either
    assert _lower_words([{"LOWER": "red"}, {"LOWER": "hill", "IS_LOWER": False}]) is None
    assert _lower_words([{"LOWER": "red", "OP": "?"}]) is None
    assert _lower_words("Red Hill") is None


def test_is_lower_condition_and_ids() -> None:
    patterns = [
        {"label": "GPE", "pattern": _lower(["Red", "Hill"], True), "id": "g1"},
        {"label": "ORG", "pattern": _lower(["north", "gate"], False), "id": "a1"},
        {"label": "ORG", "pattern": "Gate", "id": "a2"},
    ]
    old, new = _pair(patterns)
    doc = Doc(old.nlp.vocab, words=["red", "hill", "of", "Red", "HILL", "North", "Gate", ",", "Gate"])
    assert list(old.matcher(doc)) == new.token_matches(doc)
    assert old.match(doc) == new.match(doc)
    assert _ents(new, doc) == [(3, 5, "GPE", "g1"), (5, 7, "ORG", "a1"), (8, 9, "ORG", "a2")]
    assert len(new) == len(old) == 3


def test_remove_by_id() -> None:
    patterns = [{"label": "GPE", "pattern": _lower(["Red"], True), "id": "g1"},
                {"label": "GPE", "pattern": _lower(["Hill"], True), "id": "g2"}]
    _, new = _pair(patterns)
    new.remove("g1")
    doc = Doc(new.nlp.vocab, words=["Red", "Hill"])
    assert _ents(new, doc) == [(1, 2, "GPE", "g2")]


pattern_strategy = st.lists(
    st.tuples(st.lists(st.sampled_from(WORDS[:9]), min_size=1, max_size=3), st.booleans(),
              st.sampled_from(["GPE", "LOC", "ORG"]), st.sampled_from(["p1", "p2", "p3", None])),
    min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(pattern_strategy, st.lists(st.sampled_from(WORDS), min_size=1, max_size=25))
def test_same_matches_as_entity_ruler(specs: list, words: list[str]) -> None:
    patterns = []
    for pwords, first_not_lower, label, eid in specs:
        entry: dict = {"label": label, "pattern": _lower(pwords, first_not_lower)}
        if eid:
            entry["id"] = eid
        patterns.append(entry)
    old, new = _pair(patterns)
    doc = Doc(old.nlp.vocab, words=words)
    assert new.token_matches(doc) == list(old.matcher(doc))  # same list, same order
    assert new.match(doc) == old.match(doc)
    assert _ents(new, doc) == _ents(old, doc)


def test_doc_text_is_remembered_per_doc() -> None:
    from corroborator.nlp import doc_text

    nlp = spacy.blank("en")
    a, b = nlp("One text here."), nlp("Another one.")
    assert doc_text(a) == a.text and doc_text(a) is doc_text(a)
    assert doc_text(b) == "Another one." and doc_text(a) == "One text here."
