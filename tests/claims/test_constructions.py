"""Constructions added for whole-report claim texts, on sentences written for these tests."""

from __future__ import annotations

from corroborator.claims.assertions import list_items
from corroborator.records import Stance

from .helpers import attributed, claims_of, names, one


def test_claim_text_holds_speaker_cue_and_content(nlp):
    claim = one(attributed(nlp, "The port authority has insisted that no tanker was damaged in the storm."), "tanker")
    assert claim.text.startswith("The port authority has insisted that no tanker")


def test_source_far_from_cue_stays_out_of_text(nlp):
    text = "The commander of the northern garrison, who arrived by helicopter on Tuesday morning, said the dam held."
    claim = one(attributed(nlp, text), "dam held")
    assert claim.text.startswith("said the dam held")
    assert "commander" in names(claim)[0]


def test_according_to_without_comma_splits_source(nlp):
    claim = one(attributed(nlp, "According to Halvorsen Brekke Station has been abandoned."), "abandoned")
    assert names(claim) == ["Halvorsen"]
    assert "split_subject" in claim.rule_id
    assert claim.text.startswith("According to Halvorsen")


def test_carrier_noun_agent_is_source(nlp):
    claim = one(attributed(nlp, "According to figures released by the port authority, nine boats sank."), "boats")
    assert names(claim) == ["port authority"]
    assert "+carrier" in claim.rule_id


def test_coordinated_reports_by_one_speaker(nlp):
    text = "The mayor said the school had reopened, confirming that the teachers had returned."
    claims = attributed(nlp, text)
    first, second = one(claims, "school"), one(claims, "teachers")
    assert first is not second
    assert "teachers" not in first.text
    assert names(first) == names(second) == ["mayor"]


def test_coordinated_said_and_said(nlp):
    text = "The pilot said the engine had failed and said that the crew had jumped."
    claims = attributed(nlp, text)
    assert names(one(claims, "engine")) == ["pilot"]
    assert names(one(claims, "crew")) == ["pilot"]


def test_conjoined_clause_stays_in_content(nlp):
    text = "The minister says that the harvest was poor, but the granaries are still full."
    claim = one(attributed(nlp, text), "harvest")
    assert "granaries are still full" in claim.text


def test_late_that_clause(nlp):
    text = "The fishermen confirmed for the first time that the coast guard had seized their nets."
    claim = one(attributed(nlp, text), "seized")
    assert names(claim) == ["fishermen"]
    assert claim.rule_id.startswith("verb.ccomp_late")


def test_interviewer_is_relay(nlp):
    text = "The Daily Lantern has spoken with local farmers, who confirmed that the river had flooded their fields."
    claim = one(attributed(nlp, text), "flooded")
    assert names(claim)[0] == "local farmers"
    assert "Daily Lantern" in names(claim)[1]


def test_needs_clause_cue_with_infinitive_is_no_report(nlp):
    claims = attributed(nlp, "The trucks continued to wait at the border crossing for days.")
    assert not any(c.cue == "continued" for c in claims)


def test_label_before_subject_is_not_source(nlp):
    claim = one(attributed(nlp, "Correction: The water board said the pipes were never contaminated."), "pipes")
    assert names(claim) == ["water board"]


def test_told_outlet_after_quote_relays(nlp):
    text = "\"Two of our drivers were hurt in the crash,\" the company told Reuters."
    claim = one(attributed(nlp, text), "drivers")
    assert names(claim) == ["company", "Reuters"]


def test_distant_quote_is_not_content(nlp):
    text = "The radio station has spoken with villagers, who called the flood a \"catastrophe for everyone.\""
    assert not any(c.cue == "spoken" and "catastrophe" in c.text for c in attributed(nlp, text))


def test_verb_tagged_as_noun(nlp):
    text = ("Two veteran reporters, Ana Lind of the Courier and Per Moe of the Gazette report (translated) "
            "that a senior envoy secretly visited the capital.")
    claim = one(attributed(nlp, text), "envoy")
    assert claim.rule_id.startswith("verb.pos_slip")
    assert "reporters" in claim.chain[0].mention


def test_quote_continues_over_paragraph(nlp):
    text = ("\"The water rose in an hour,\" said the ferry captain.\n\n"
            "\"Nobody expected it. I think we were lucky.\"\n\n"
            "The ferry service resumed on Friday.")
    claim = one(claims_of(nlp, text), "water rose")
    assert "we were lucky" in claim.text
    assert not any(c.cue == "think" for c in claims_of(nlp, text))


def test_list_items_are_assertions(nlp):
    text = ("The riot ended with\n\n"
            "police officers firing tear gas at the crowd,\n"
            "two shops being burnt near the station,\n"
            "and the army closing the main bridge.\n\n"
            "The town was quiet on Monday.")
    claims = claims_of(nlp, text)
    item = one(claims, "two shops being burnt")
    assert item.chain == () and item.rule_id == "unattributed.list_item"
    assert item.text == "two shops being burnt near the station"
    assert one(claims, "the army closing the main bridge").text.startswith("the army")
    assert not any("The riot ended with" in c.text for c in claims)


def test_list_items_need_list_layout():
    prose = "The first line of prose\nwraps onto a second line\nand ends on a third."
    assert list_items(prose) == []
    bullets = "Losses:\n- three tanks\n- two trucks\n- one helicopter"
    assert len(list_items(bullets)) == 3


def test_assertion_without_subject_parse(nlp):
    claims = claims_of(nlp, "Coming from the north the rebel columns retook the airport yesterday.")
    assert len(claims) == 1 and claims[0].chain == ()


def test_short_pronoun_dialogue_is_not_claim(nlp):
    assert claims_of(nlp, "He is shooting at something.") == []
    assert claims_of(nlp, "They have provoked it themselves.") == []


def test_quotation_and_opinion_are_not_assertions(nlp):
    assert claims_of(nlp, "\"The shelling killed our neighbours,\"") == []
    assert claims_of(nlp, "We must stop the shelling of the town now.") == []


def test_reportedly_hedges_unattributed_assertion(nlp):
    claim = one(claims_of(nlp, "Rebels reportedly shot down a helicopter near the dam."), "helicopter")
    assert claim.chain == ()
    assert claim.stance is Stance.ASSERTS
    assert claim.certainty < 1.0


def test_doubted_unattributed_sentence_is_claim(nlp):
    claim = one(claims_of(nlp, "The footage could not be verified by the editors."), "footage")
    assert claim.stance is Stance.DOUBTS


def test_plural_subject_with_base_form_cue_tagged_noun(nlp):
    text = "Tax records from the last decade show he sold both farms before the war."
    claim = one(attributed(nlp, text), "sold both farms")
    assert "records" in claim.chain[0].mention


def test_noun_with_relative_clause_is_not_report(nlp):
    assert not any(c.cue == "report" for c in attributed(nlp, "The report he wrote was long and dull."))


def test_headline_of_bare_names(nlp):
    claim = one(attributed(nlp, "Senator Okonkwo: No Soldiers Crossed The River"), "Soldiers")
    assert names(claim) == ["Senator Okonkwo"]


def test_label_with_colon_gives_speaker_from_apposition(nlp):
    text = ("The bridge was closed.\n\n"
            "Update: The Harbour Board, in a statement, said there were no ships in the port.")
    claim = one(attributed(nlp, text), "no ships")
    assert "Harbour Board" in names(claim)[0]


def test_quote_paragraph_after_paraphrase_continues(nlp):
    text = ("The mayor said that the dam would hold.\n\n"
            "\"The engineers checked it twice. Nobody has to leave.\"\n\n"
            "The river fell on Monday.")
    claim = one(attributed(nlp, text), "dam would hold")
    assert "Nobody has to leave" in claim.text


def test_bare_cue_after_question_quote(nlp):
    claim = one(attributed(nlp, "The boats stayed in port. “Why would we sail now?” the harbour master asked."), "sail")
    assert names(claim) == ["harbour master"]
    assert claim.rule_id.startswith("quote.before")


def test_named_speaker_before_colon_quote(nlp):
    text = "The delay does not surprise the engineer Ruth Anand: “Every bridge here takes two winters to finish.”"
    claim = one(attributed(nlp, text), "two winters")
    assert names(claim) == ["Ruth Anand"]
    assert claim.rule_id.startswith("colon.named_quote")
