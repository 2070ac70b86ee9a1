"""Hedges and certainty."""

from __future__ import annotations

import pytest

from corroborator.claims.hedges import certainty, find_hedges
from corroborator.records import Hedge

from .helpers import claims_of, one


def test_no_hedge_full_certainty(nlp):
    claim = one(claims_of(nlp, "The mayor said the market reopened on Tuesday."), "market")
    assert claim.hedges == ()
    assert claim.certainty == 1.0


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Rebels allegedly burned the granary.", "hedge.allegedly"),
        ("The bridge was reportedly destroyed.", "hedge.reportedly"),
        ("If true, this would be the largest raid so far.", "hedge.if_true"),
        ("The strike may have killed several guards.", "hedge.may_have"),
        ("It is believed that the hostages were moved.", "hedge.believed"),
        ("Unconfirmed accounts describe heavy fighting.", "hedge.unconfirmed"),
        ("The fire was likely started by a stray shell.", "hedge.likely"),
        ("The convoy was possibly diverted to the north.", "hedge.possibly"),
        ("The supposedly abandoned base was still manned.", "hedge.supposedly"),
    ],
)
def test_hedge_rule_fires(text, rule):
    assert rule in {h.rule_id for h in find_hedges(text)}


def test_certainty_multiplies():
    hedges = [Hedge("a", None, 0.5, "x"), Hedge("b", None, 0.4, "y")]
    assert certainty(hedges) == pytest.approx(0.3)
    assert certainty([]) == 1.0


def test_claim_certainty_below_one_with_hedge(nlp):
    claim = one(claims_of(nlp, "Witnesses said soldiers allegedly looted the shops."), "looted")
    assert any(h.rule_id == "hedge.allegedly" for h in claim.hedges)
    assert 0.0 < claim.certainty < 1.0
    hedge = claim.hedges[0]
    text = "Witnesses said soldiers allegedly looted the shops."
    assert text[hedge.span.start:hedge.span.end] == "allegedly"


def test_hedge_offsets_are_shifted():
    hedges = find_hedges("it reportedly fell", offset=100)
    assert hedges[0].span.start == 103
