"""Analysis of reader comments: first-person sources are the commenter."""

from __future__ import annotations

from corroborator.analysis import _as_reader
from corroborator.records import Claim, Comment, Source, Span, Stance, TextMap


def _claim(mention: str) -> Claim:
    return Claim("c1", "d", "I saw the tanks.", Span(0, 16), (Source(mention, mention),), "saw", Stance.ASSERTS,
                 in_comment=True)


def test_first_person_source_is_the_commenter() -> None:
    comment = Comment(3, "Nightowl", None, TextMap("I saw the tanks."))
    out = _as_reader(_claim("I"), comment)
    assert out.chain[0].name == "Nightowl (commenter)" and out.chain[0].mention == "I"
    anonymous = _as_reader(_claim("we"), Comment(4, None, None, TextMap("x")))
    assert anonymous.chain[0].name == "a reader (commenter)"


def test_other_sources_are_kept() -> None:
    comment = Comment(3, "Nightowl", None, TextMap("x"))
    claim = _claim("Reuters")
    assert _as_reader(claim, comment) is claim
