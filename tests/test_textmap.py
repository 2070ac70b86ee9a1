"""TextMap (records) and the TextBuilder / compose helpers (clean.textmap)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from corroborator.clean.html import visible_text
from corroborator.clean.textmap import TextBuilder, compose, identity
from corroborator.records import Span, TextMap

RAW = "Title line\n\nFirst paragraph here.\nSecond one.\n"


def test_identity_maps_every_offset_to_itself() -> None:
    tm = identity(RAW)
    assert all(tm.raw_offset(i) == i for i in range(len(RAW) + 1))
    assert tm.raw_span(3, 9) == Span(3, 9)
    assert identity("").runs == ()


def test_builder_separators_and_raw_slices() -> None:
    b = TextBuilder()
    b.add_raw(RAW, 12, 33)  # "First paragraph here."
    b.add("\n\n")
    b.add_raw(RAW, 34, 45)  # "Second one."
    tm = b.build()
    assert tm.text == "First paragraph here.\n\nSecond one."
    assert tm.runs == ((0, 12, 21), (23, 34, 11))
    assert tm.raw_span(0, 21) == Span(12, 33)
    assert tm.raw_span(23, 34) == Span(34, 45)
    # a range ending on a run's last character does not spill into the next run
    assert RAW[slice(*_pair(tm.raw_span(6, 21)))] == "paragraph here."
    # a separator maps to the start of the next run
    assert tm.raw_offset(21) == 33 and tm.raw_offset(22) == 34
    # an empty range maps to a point
    assert tm.raw_span(5, 5) == Span(17, 17)


def _pair(span: Span) -> tuple[int, int]:
    return span.start, span.end


def test_adjacent_runs_merge() -> None:
    b = TextBuilder()
    b.add_raw(RAW, 0, 5)
    b.add_raw(RAW, 5, 10)
    assert b.build().runs == ((0, 0, 10),)


def test_add_at_maps_a_decoded_entity_to_its_first_raw_char() -> None:
    raw = "fish &amp; chips"
    b = TextBuilder()
    b.add_raw(raw, 0, 5)
    b.add_at("&", 5)
    b.add_raw(raw, 10, 16)
    tm = b.build()
    assert tm.text == "fish & chips"
    assert tm.raw_offset(5) == 5 and tm.raw_offset(6) == 10
    assert tm.raw_span(0, len(tm.text)) == Span(0, 16)


def test_compose_chains_two_maps() -> None:
    raw = "<p>Alpha &amp; beta</p><p>Gamma</p>"
    visible = visible_text(raw).text
    assert visible.text.startswith("Alpha & beta")
    start, g = visible.text.index("beta"), visible.text.index("Gamma")
    # a map into the visible text (add_raw over it), chained with the visible text's map to the raw HTML
    outer = TextBuilder()
    outer.add_raw(visible.text, start, start + 4)
    outer.add(" / ")
    outer.add_raw(visible.text, g, g + 5)
    chained = compose(outer.build(), visible)
    assert chained.text == "beta / Gamma"
    s = chained.raw_span(0, 4)
    assert raw[s.start:s.end] == "beta"
    s = chained.raw_span(7, 12)
    assert raw[s.start:s.end] == "Gamma"
    # add_mapped composes directly
    direct = TextBuilder()
    direct.add_mapped(visible, start, start + 4)
    direct.add(" / ")
    direct.add_mapped(visible, g, g + 5)
    assert direct.build().runs == chained.runs
    amp = visible.text.index("&")
    s = visible.raw_span(amp, amp + 1)
    assert raw[s.start:s.start + 5] == "&amp;"


def test_raw_offset_before_first_run_and_past_the_end() -> None:
    tm = TextMap("\nabc", ((1, 10, 3),))
    assert tm.raw_offset(0) == 10
    assert tm.raw_offset(4) == 13
    assert tm.raw_span(1, 4) == Span(10, 13)


@settings(max_examples=60, deadline=None)
@given(pieces=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 15), st.sampled_from(["", "\n", "\n\n", " "])),
                       max_size=8))
def test_builder_round_trip(pieces) -> None:
    raw = "".join(chr(65 + i % 26) for i in range(60))
    b = TextBuilder()
    for start, length, sep in pieces:
        b.add_raw(raw, start, min(60, start + length))
        b.add(sep)
    tm = b.build()
    for c0, r0, n in tm.runs:
        assert tm.text[c0:c0 + n] == raw[r0:r0 + n]
    starts = [r[0] for r in tm.runs]
    assert starts == sorted(starts)
    for i in range(len(tm.text)):
        span = tm.raw_span(i, i + 1)
        assert 0 <= span.start <= span.end <= len(raw)
