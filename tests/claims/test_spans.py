"""Every claim's raw span, applied to the raw text, holds the claim text (property test)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corroborator.claims import extract_claims
from corroborator.records import TextMap

SENTENCES = [
    "The governor said the bridge had collapsed.",
    "According to witnesses, three houses burned.",
    "\"We saw the planes,\" a farmer told the radio station.",
    "The army denied that it shelled the market.",
    "Heavy fighting was reported near the airport on Sunday.",
    "If true, the attack would be the deadliest this year.",
    "The rebels claimed to have captured two villages, state media reports.",
    "She added that the roads were closed.",
    "Officials could not confirm the death toll.",
    "The clash ended with\nsoldiers firing at the crowd,\na truck being burnt near the mill,\n"
    "and the police closing the road.",
    "According to Halvorsen Brekke Station has been abandoned.",
    "Update: The Harbour Board, in a statement, said there were no ships in the port.",
    "\"The water rose fast,\" said the captain.\n\n\"Nobody expected it.\"",
    "The mayor said the school had reopened, confirming that the teachers had returned.",
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    prefix=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30),
    picks=st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=5),
    breaks=st.sampled_from([" ", "\n", "\n\n"]),
)
def test_raw_span_holds_claim_text(nlp, prefix, picks, breaks):
    text = breaks.join(picks)
    raw = prefix + text
    text_map = TextMap(text, runs=((0, len(prefix), len(text)),))
    claims = extract_claims(nlp(text), text_map, doc_id="p")
    assert claims
    for claim in claims:
        assert claim.text in raw[claim.span.start:claim.span.end]
        assert raw[claim.span.start:claim.span.end] == claim.text
        for source in claim.chain:
            if source.span is not None:
                assert raw[source.span.start:source.span.end] == source.mention
        for hedge in claim.hedges:
            assert raw[hedge.span.start:hedge.span.end] == hedge.cue
