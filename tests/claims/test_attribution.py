"""One test per attribution construction, on sentences written for these tests."""

from __future__ import annotations

from corroborator.records import Stance

from .helpers import attributed, claims_of, names, one


def test_ccomp_subject_source(nlp):
    claims = attributed(nlp, "The regional governor said that the bridge over the canal had collapsed.")
    claim = one(claims, "bridge")
    assert names(claim) == ["regional governor"]
    assert claim.cue == "said"
    assert claim.rule_id.startswith("verb.ccomp")
    # the claim text is the whole report: speaker, cue and content
    assert claim.text == "The regional governor said that the bridge over the canal had collapsed"


def test_according_to_object_is_source(nlp):
    claims = attributed(nlp, "According to the harbour master, two ferries sank in the storm.")
    claim = one(claims, "ferries")
    assert names(claim) == ["harbour master"]
    assert claim.rule_id.startswith("prep.according_to")
    assert claim.text.startswith("According to the harbour master, two ferries")


def test_parenthetical_outlet_reports(nlp):
    claims = attributed(nlp, "The depot was destroyed overnight, according to a navy officer, NBC reports.")
    claim = one(claims, "depot")
    assert names(claim) == ["navy officer", "NBC"]
    assert claim.cue in ("according to", "reports")


def test_parenthetical_inserted_cue(nlp):
    claims = attributed(nlp, "The checkpoint, the mayor said, was abandoned before dawn.")
    claim = one(claims, "checkpoint")
    assert names(claim) == ["mayor"]
    assert claim.rule_id.startswith("verb.parenthetical")
    assert "abandoned" in claim.text


def test_passive_agent_is_source(nlp):
    claims = attributed(nlp, "It was reported by the local radio station that the market had been closed.")
    claim = one(claims, "market")
    assert names(claim) == ["local radio station"]
    assert claim.rule_id.startswith("verb.passive")


def test_told_outlet_relays(nlp):
    claims = attributed(nlp, "The district commander told Reuters that his unit had pulled back.")
    claim = one(claims, "pulled back")
    assert names(claim) == ["district commander", "Reuters"]
    assert claim.rule_id.startswith("verb.tell")


def test_quote_with_cue(nlp):
    claims = attributed(nlp, "\"We have no fuel left for the generators,\" the hospital director said.")
    claim = one(claims, "fuel")
    assert names(claim) == ["hospital director"]
    assert claim.text.startswith('"We have')


def test_in_a_statement(nlp):
    claims = attributed(nlp, "The interior ministry, in a statement, said the curfew would be lifted on Friday.")
    claim = one(claims, "curfew")
    assert "+in_statement" in claim.rule_id
    assert claim.chain[0].type.value == "government"


def test_nested_according_inside_report(nlp):
    claims = attributed(
        nlp, "The agency reported that, according to a local official, twelve people were killed in the blast.")
    claim = one(claims, "twelve people")
    assert names(claim) == ["local official", "agency"]
    assert "+nested" in claim.rule_id


def test_nested_according_before_report(nlp):
    claims = attributed(nlp, "According to a local official, the agency reported that twelve people were killed.")
    claim = one(claims, "twelve")
    assert names(claim) == ["local official", "agency"]


def test_xcomp_claimed_to_have(nlp):
    claims = attributed(nlp, "The militia claimed to have shot down a surveillance drone.")
    claim = one(claims, "drone")
    assert names(claim) == ["militia"]
    assert claim.chain[0].type.value == "armed group"


def test_pronoun_resolved_to_named_source(nlp):
    text = ("Colonel Maria Duarte said the convoy left at noon. "
            "She added that the trucks carried flour and medicine.")
    claim = one(attributed(nlp, text), "flour")
    assert claim.chain[0].mention == "She"
    assert claim.chain[0].name == "Colonel Maria Duarte"
    assert claim.chain[0].rule_id.startswith("pronoun")


def test_quote_continuation_joins_claim(nlp):
    text = ("\"The shelling started at six,\" the farmer said. \"By eight the whole street was burning.\"\n\n"
            "The road was reopened on Monday by the engineers.")
    claims = claims_of(nlp, text)
    claim = one(claims, "shelling")
    assert "By eight" in claim.text
    assert "quote.continuation" in claim.rule_id


def test_headline_colon(nlp):
    claim = one(attributed(nlp, "Amnesty International: Detainees Were Held Without Charge"), "Detainees")
    assert names(claim) == ["Amnesty International"]
    assert claim.rule_id.startswith("colon.headline")


def test_unattributed_assertion_has_empty_chain(nlp):
    claims = claims_of(nlp, "Heavy rain flooded the lower town on Sunday.")
    assert len(claims) == 1
    assert claims[0].chain == ()
    assert claims[0].rule_id.startswith("unattributed")
    assert claims[0].stance is Stance.ASSERTS


def test_questions_and_opinions_are_not_claims(nlp):
    text = "Why would anyone believe this? You should read the whole report. I love this town!"
    assert all(c.chain for c in claims_of(nlp, text))


def test_claim_ids_and_comment_flag(nlp):
    from corroborator.claims import extract_claims
    from corroborator.records import TextMap

    text = "The port was shelled on Monday. The mayor said the port was closed."
    claims = extract_claims(nlp(text), TextMap(text), doc_id="d9", in_comment=True, id_prefix="k2")
    assert [c.claim_id for c in claims] == [f"k2c{n}" for n in range(1, len(claims) + 1)]
    assert all(c.in_comment and c.doc_id == "d9" for c in claims)


def test_negated_say_is_not_attribution(nlp):
    claims = attributed(nlp, "The spokesman did not say whether the base had been evacuated.")
    assert not claims
