"""Tests for corroborator.incidents.dates: finding, resolving and choosing dates."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborator.incidents.dates import DateMention, date_for_event, find_dates
from corroborator.records import DateValue

PUBLISHED = "2020-05-06"  # a Wednesday
ALLOWED = re.compile(r"\d{4}-\d{2}-\d{2}|\d{4}-\d{2}|\d{4}|XXXX-\d{2}-\d{2}")


def _first(text: str, published: str | None = PUBLISHED) -> DateValue:
    mentions = find_dates(text, published)
    assert mentions, text
    return mentions[0].date


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        ("The attack happened on Wednesday.", "2020-05-06", 1),
        ("Fighting resumed on Monday.", "2020-05-04", 1),
        ("Fighting resumed last Wednesday.", "2020-04-29", 1),
        ("Two shells fell yesterday.", "2020-05-05", 1),
        ("Gunfire was heard last night.", "2020-05-05", 1),
        ("Clashes broke out this morning.", "2020-05-06", 1),
        ("Rockets hit the base today.", "2020-05-06", 1),
        ("The convoy was ambushed on February 12.", "2020-02-12", 1),
        ("The convoy was ambushed on Feb. 7.", "2020-02-07", 1),
        ("The convoy was ambushed on 12 February.", "2020-02-12", 1),
        ("Police raided the camp on 28 April 2020.", "2020-04-28", 1),
        ("Police raided the camp on April 28, 2020.", "2020-04-28", 1),
        ("Police raided the camp on 2020-04-28.", "2020-04-28", 1),
        ("A curfew was imposed on December 30.", "2019-12-30", 1),  # later than publication: last year
        ("Talks stalled earlier this month.", "2020-05", 3),
        ("The town fell last month.", "2020-04", 3),
        ("Raids continued last week.", "2020-04-27", 2),
        ("The group formed in November 2015.", "2015-11", 3),
        ("The group formed in 2014.", "2014", 3),
        ("Heavy fighting took place in late November.", "2019-11", 2),
        ("Shots were fired on the night of 3 May.", "2020-05-03", 1),
        ("Around 4 May 2020, troops moved in.", "2020-05-04", 2),
        ("As reported on 28 April 2020, strikes hit the valley.", "2020-04-28", 2),
        ("Three days ago the bridge was blown up.", "2020-05-03", 1),
    ],
)
def test_find_dates_resolves(text: str, value: str, precision: int) -> None:
    got = _first(text)
    assert (got.value, got.time_precision) == (value, precision)
    assert got.rule_id


def test_past_days_is_a_range() -> None:
    got = _first("Over the past 17 days, 40 villages were shelled.")
    assert (got.value, got.end, got.time_precision) == ("2020-04-19", "2020-05-06", 3)


@pytest.mark.parametrize("published", [PUBLISHED, None])
def test_numeric_dates_go_to_dateparser(published: str | None) -> None:
    got = _first("The checkpoint was attacked on 28/04/2020.", published)
    assert (got.value, got.rule_id) == ("2020-04-28", "date.numeric")


def test_previous_day_counts_from_the_date_before_it() -> None:
    mentions = find_dates("On 3 May 2020 troops entered the town after an attack the previous day.", None)
    assert [m.date.value for m in mentions] == ["2020-05-03", "2020-05-02"]
    assert find_dates("The attack came the next day.", PUBLISHED)[0].date.value == "2020-05-07"
    assert find_dates("The attack came the next day.", None)[0].date.value is None


def test_between_days_is_a_range() -> None:
    got = find_dates("Sometime between 3 and 5 May 2020 the depot burned.", None)[0].date
    assert (got.value, got.end, got.time_precision) == ("2020-05-03", "2020-05-05", 2)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The convoy was ambushed on February 12.", "XXXX-02-12"),
        ("Police raided the camp on 28 April 2020.", "2020-04-28"),
        ("The attack happened on Wednesday.", None),
        ("Two shells fell yesterday.", None),
        ("The group formed in 2014.", "2014"),
    ],
)
def test_find_dates_without_publication(text: str, value: str | None) -> None:
    assert _first(text, None).value == value


@pytest.mark.parametrize(
    "text",
    ["Protesters may march again.", "They will march on the capital.", "The 12.7mm guns fired 30 rounds.",
     "He was sat on the steps.", "Room 2014 was empty."],
)
def test_find_dates_ignores_non_dates(text: str) -> None:
    assert find_dates(text, PUBLISHED) == []


def test_offsets_and_segments() -> None:
    text = "On 3 May 2020, shelling killed two. Feb. 7 was quiet.\n\nOn Monday, raids resumed."
    mentions = find_dates(text, PUBLISHED)
    assert [text[m.start:m.end] for m in mentions] == ["3 May 2020", "Feb. 7", "Monday"]
    assert mentions[0].sentence is not None and mentions[0].sentence.start == 0
    assert mentions[1].sentence is not None and text[mentions[1].sentence.start:].startswith("Feb. 7")
    assert mentions[2].paragraph is not None and mentions[2].paragraph.start > mentions[0].paragraph.end - 1


def test_date_for_event_prefers_same_sentence_then_preceding() -> None:
    text = "On 3 May 2020, shelling killed two. Troops withdrew. On 5 May 2020, a drone struck."
    mentions = find_dates(text, None)
    killed = text.index("killed")
    withdrew = text.index("withdrew")
    struck = text.index("struck")
    assert date_for_event(mentions, killed, killed + 6, None).value == "2020-05-03"
    assert date_for_event(mentions, withdrew, withdrew + 8, None).value == "2020-05-03"
    assert date_for_event(mentions, struck, struck + 6, None).value == "2020-05-05"
    assert date_for_event([], 0, 1, None) is None


def test_date_for_event_stops_at_paragraph() -> None:
    text = "On 3 May 2020, shelling killed two.\n\nTroops withdrew."
    mentions = find_dates(text, None)
    withdrew = text.index("withdrew")
    assert date_for_event(mentions, withdrew, withdrew + 8, PUBLISHED) is None


def test_date_for_event_without_segments_uses_preceding() -> None:
    mentions = [DateMention(0, 5, DateValue("2020-01-01")), DateMention(50, 55, DateValue("2020-01-09"))]
    assert date_for_event(mentions, 30, 35, None).value == "2020-01-01"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.one_of(st.none(), st.dates().map(dt.date.isoformat), st.text(max_size=12)))
def test_find_dates_never_raises_and_values_are_well_formed(text: str, published: str | None) -> None:
    for m in find_dates(text, published):
        assert 0 <= m.start < m.end <= len(text)
        assert m.date.value is None or ALLOWED.fullmatch(m.date.value)
        assert m.date.time_precision in (1, 2, 3)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["on", "May", "3", "2020", "-", "last", "week", "Monday", "between", "and",
                                 "the", "night", "of", "past", "days", "April", "28,", "(", ")", "yesterday"]),
                max_size=30))
def test_find_dates_never_raises_on_date_words(tokens: list[str]) -> None:
    for m in find_dates(" ".join(tokens), PUBLISHED):
        assert m.date.value is None or ALLOWED.fullmatch(m.date.value)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)), st.dates().map(dt.date.isoformat))
def test_iso_day_round_trips(day: dt.date, published: str) -> None:
    text = f"The strike was on {day.isoformat()} near the border."
    (m,) = find_dates(text, published)
    assert m.date.value == day.isoformat()
    assert text[m.start:m.end] == day.isoformat()


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_written_day_with_year_keeps_it(day: dt.date) -> None:
    text = f"On {day.day} {day.strftime('%B')} {day.year}, the bridge fell."
    assert find_dates(text, PUBLISHED)[0].date.value == day.isoformat()
