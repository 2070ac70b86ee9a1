"""Stance cue families (denial, doubt) on sentences written for these tests."""

from __future__ import annotations

import pytest

from corroborator.claims.stance import content_stance, decide_stance
from corroborator.records import Stance

from .helpers import claims_of, one


@pytest.mark.parametrize(
    ("text", "anchor", "stance"),
    [
        ("The army denied that its artillery had fired on the camp.", "artillery", Stance.DENIES),
        ("The ministry rejected the reports of a massacre in the valley.", "massacre", Stance.DENIES),
        ("The ministry said there were no foreign advisers at the airfield.", "advisers", Stance.DENIES),
        ("The militia said it did not carry out the raid on the convoy.", "raid", Stance.DENIES),
        ("The embassy said its staff were not involved in the incident.", "staff", Stance.DENIES),
        ("The governor insisted the province had no armed units stationed there.", "units", Stance.DENIES),
        ("A police spokesman said he was not aware of any arrests.", "arrests", Stance.DOUBTS),
        ("The monitor said it was unclear whether the dam had been hit.", "dam", Stance.DOUBTS),
        ("The general said there was no evidence of poison gas.", "poison", Stance.DOUBTS),
        ("Analysts questioned the official casualty figures.", "casualty", Stance.DOUBTS),
        ("The mayor said the water supply had been restored.", "water", Stance.ASSERTS),
    ],
)
def test_stance_of_claim(nlp, text, anchor, stance):
    claim = one(claims_of(nlp, text), anchor)
    assert claim.stance is stance, claim.rule_id


def test_outlet_unable_to_confirm_is_doubt(nlp):
    claims = claims_of(nlp, "The newspaper was unable to independently confirm the account.")
    assert claims and all(c.stance is Stance.DOUBTS for c in claims)


def test_sentence_that_cannot_be_verified(nlp):
    claims = claims_of(nlp, "The footage could not be verified by the editors.")
    assert claims[0].stance is Stance.DOUBTS


def test_content_rules_have_ids():
    stance, rule = content_stance("there were no soldiers in the village")
    assert stance is Stance.DENIES and rule == "deny.existential"
    assert content_stance("the soldiers entered the village") == (Stance.ASSERTS, None)


def test_doubt_outranks_denial():
    stance, _ = decide_stance(Stance.DENIES, "there were no casualties", "could not confirm")
    assert stance is Stance.DOUBTS
