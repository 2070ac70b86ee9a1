"""Tests for corroborator.incidents.casualties: counts, mentions, merging, ACLED headline."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborator.errors import RuleError
from corroborator.incidents import casualties as cas
from corroborator.incidents.casualties import (
    CasualtyMention,
    find_casualties,
    headline_fatalities,
    merge_casualties,
    parse_count,
)
from corroborator.records import Casualty, CountRange

# ---------------------------------------------------------------------- parse_count

_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
          "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def words(n: int, use_and: bool = True) -> str:
    """English words for 0..999 ("one hundred and twenty-three")."""
    if n < 20:
        return _UNITS[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else "-" + _UNITS[n % 10])
    rest = n % 100
    head = _UNITS[n // 100] + " hundred"
    return head if rest == 0 else head + (" and " if use_and else " ") + words(rest)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("33", 33, 33),
        ("thirty-three", 33, 33),
        ("Thirty three", 33, 33),
        ("1,000", 1000, 1000),
        ("at least 100", 100, None),
        ("more than 50", 50, None),  # ACLED codes the stated figure
        ("over 50", 50, None),
        ("up to 12", 1, 12),
        ("between 9 and 33", 9, 33),
        ("9 to 33", 9, 33),
        ("9-33", 9, 33),
        ("two or three", 2, 3),
        ("a dozen", 12, 12),
        ("dozens", 24, None),
        ("hundreds", 200, None),
        ("scores", 40, None),
        ("several", 3, 9),
        ("a few", 2, 5),
        ("no", 0, 0),
        ("zero", 0, 0),
        ("none", 0, 0),
        ("a hundred", 100, 100),
        ("half a million", 500000, 500000),
        ("about 30", 30, 30),
        ("50+", 50, None),
    ],
)
def test_parse_count_table(text: str, low: int, high: int | None) -> None:
    got = parse_count(text)
    assert got is not None
    assert (got.low, got.high) == (low, high)
    assert got.rule_id


@pytest.mark.parametrize("text", ["", "soldiers", "Su-24", "hello world", "one two", "twenty twenty", "and", "$5",
                                  "12 hours", "-", "hundred"])
def test_parse_count_rejects_non_counts(text: str) -> None:
    assert parse_count(text) is None


@given(st.integers(min_value=0, max_value=10**cas.MAX_DIGITS - 1))
def test_parse_count_digits_round_trip(n: int) -> None:
    assert parse_count(str(n)) == CountRange(n, n, mention=str(n), rule_id="q.digits")
    assert (parse_count(f"{n:,}").low, parse_count(f"{n:,}").high) == (n, n)


@given(st.integers(min_value=0, max_value=10**6))
def test_parse_count_at_least_round_trip(n: int) -> None:
    got = parse_count("at least %d" % n)
    assert got is not None and (got.low, got.high) == (n, None)


@given(st.integers(min_value=0, max_value=999), st.booleans())
def test_parse_count_words_round_trip(n: int, use_and: bool) -> None:
    got = parse_count(words(n, use_and))
    assert got is not None and (got.low, got.high) == (n, n)


@settings(max_examples=200)
@given(st.text(max_size=80))
def test_parse_count_never_raises(text: str) -> None:
    got = parse_count(text)
    assert got is None or (got.low >= 0 and (got.high is None or got.high >= got.low))


# ---------------------------------------------------------------------- find_casualties


def _facts(text: str) -> list[tuple[str, str, int, int | None]]:
    return [(m.kind, m.group, m.count.low, m.count.high) for m in find_casualties(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Four soldiers were killed when their patrol hit a mine.", [("killed", "soldiers", 4, 4)]),
        ("The blast killed 12 villagers and wounded 30 others.",
         [("killed", "villagers", 12, 12), ("wounded", "others", 30, 30)]),
        ("Gunmen opened fire, killing three farmers.", [("killed", "farmers", 3, 3)]),
        ("The strike killed 7.", [("killed", "", 7, 7)]),
        ("The raid left 5 dead.", [("killed", "", 5, 5)]),
        ("An explosion left two guards injured.", [("wounded", "guards", 2, 2)]),
        ("The death toll rose to 40.", [("killed", "", 40, 40)]),
        ("The fire claimed the lives of nine workers.", [("killed", "workers", 9, 9)]),
        ("Officials said 3 KIA and 8 WIA.", [("killed", "", 3, 3), ("wounded", "", 8, 8)]),
        ("A soldier was killed in the ambush.", [("killed", "soldier", 1, 1)]),
        ("The militia killed one of the villagers.", [("killed", "of the villagers", 1, 1)]),
        ("Two policemen died in hospital.", [("killed", "policemen", 2, 2)]),
        ("Dozens of protesters were injured.", [("wounded", "protesters", 24, None)]),
        ("At least 15 people were killed.", [("killed", "people", 15, None)]),
        ("Shelling killed a woman and her son.", [("killed", "woman", 1, 1), ("killed", "son", 1, 1)]),
        ("The bomb left 3 fighters and 1 medic dead.", [("killed", "fighters", 3, 3), ("killed", "medic", 1, 1)]),
        ("Troops shot dead a smuggler near the border.", [("killed", "smuggler", 1, 1)]),
        ("An attack killed zero U.S. personnel.", [("killed", "U.S. personnel", 0, 0)]),
        ("Gunmen kill 5 in raid on village.", [("killed", "", 5, 5)]),
        ("The bodies of three men were found near the river.", [("killed", "men", 3, 3)]),
        ("One of the dead was a teacher.", [("killed", "", 1, 1)]),
        ("Snipers shot him, killing him.", [("killed", "", 1, 1)]),
        ("The convoy was hit, killing one and injuring another.",
         [("killed", "", 1, 1), ("wounded", "", 1, 1)]),
    ],
)
def test_find_casualties_patterns(text: str, expected: list[tuple[str, str, int, int | None]]) -> None:
    assert _facts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("No one was killed in the attack.", [("killed", "", 0, 0)]),
        ("No one was hurt.", [("killed", "", 0, 0), ("wounded", "", 0, 0)]),
        ("There were no fatalities.", [("killed", "", 0, 0)]),
        ("No casualties were reported.", [("killed", "", 0, 0), ("wounded", "", 0, 0)]),
        ("Artillery hit the village with no report of fatalities nor injuries.",
         [("killed", "", 0, 0), ("wounded", "", 0, 0)]),
        ("The drone strike did not kill anyone.", [("killed", "", 0, 0)]),
        ("Nobody was injured.", [("wounded", "", 0, 0)]),
    ],
)
def test_find_casualties_negation(text: str, expected: list[tuple[str, str, int, int | None]]) -> None:
    assert _facts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Militants attempted to kill the mayor.",
        "Fifty trucks were destroyed and 12 hours later the road reopened.",
        "The 30-day ceasefire began in 2015.",
        "An Su-24 was shot down.",
        "He paid $1,073 for the repairs.",
        "A resident died from coronavirus last week.",
        "Mourners carried the coffins of three men killed last year.",
        "No information on casualties was given.",
        "The ambulance was carrying wounded fighters.",
        "Doctors treated the wounded at the clinic.",
        "There were about 1,000 injured fighters in the camp.",
        "Troops were ordered to kill 3 prisoners.",
    ],
)
def test_find_casualties_ignores_non_casualties(text: str) -> None:
    assert find_casualties(text) == []


def test_killing_or_injuring_is_not_killed() -> None:
    mentions = find_casualties("Airstrikes hit the camp, killing or injuring 4 fighters.")
    assert [(m.kind, m.count.low, m.count.high) for m in mentions] == [("wounded", 0, 4)]
    assert headline_fatalities(merge_casualties(mentions)) is None


def test_killing_and_injuring_is_half_for_acled() -> None:
    mentions = find_casualties("The assault ended after killing and injuring 20 fighters.")
    assert headline_fatalities(merge_casualties(mentions)) == 10


def test_mention_offsets_point_at_the_count() -> None:
    text = "In the north, 6 soldiers were killed."
    (m,) = find_casualties(text)
    assert text[m.start:m.end] == "6 soldiers"
    assert m.rule_id == "cas.subject-passive"
    assert m.count.rule_id == "count:cas.subject-passive/q.digits"


def test_subset_is_not_added() -> None:
    mentions = find_casualties("Twelve people were killed, 5 of them children.")
    assert [(m.kind, m.count.low) for m in mentions] == [("killed", 12), ("killed", 5)]
    assert headline_fatalities(merge_casualties(mentions)) == 12


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_find_casualties_never_raises(text: str) -> None:
    for m in find_casualties(text):
        assert 0 <= m.start < m.end <= len(text)
        assert m.kind in ("killed", "wounded")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["killed", "3", "soldiers", "were", "and", "no", "dozens", "of", "a", ",",
                                 "injuring", "left", "dead", "the", "toll", "rose", "to", "(", ")", "IS"]),
                max_size=40))
def test_find_casualties_never_raises_on_casualty_words(tokens: list[str]) -> None:
    find_casualties(" ".join(tokens))


# ---------------------------------------------------------------------- merge and headline


def test_merge_revision_keeps_latest() -> None:
    text = "Initially 9 people were killed. Later, 33 people were killed, officials said."
    merged = merge_casualties(find_casualties(text))
    assert len(merged) == 1
    assert merged[0].count.low == 33
    assert [c.low for c in merged[0].history] == [9]


def test_toll_rose_is_latest_figure() -> None:
    text = "Nine people were killed at first; the toll rose to 33 by morning."
    assert headline_fatalities(merge_casualties(find_casualties(text))) == 33


def test_merge_conflict_without_cue_is_conservative() -> None:
    text = "Police said 4 soldiers were killed. A local source said 6 soldiers were killed."
    merged = merge_casualties(find_casualties(text))
    assert len(merged) == 1
    assert merged[0].count.low == 4
    assert [c.low for c in merged[0].history] == [6]


def test_merge_groups_singular_and_plural() -> None:
    mentions = [
        CasualtyMention(0, 5, "killed", "soldier", CountRange(1, 1), "x"),
        CasualtyMention(10, 15, "killed", "soldiers", CountRange(2, 2), "x"),
        CasualtyMention(20, 25, "wounded", "soldiers", CountRange(3, 3), "x"),
    ]
    merged = merge_casualties(mentions)
    assert [(c.kind, c.count.low) for c in merged] == [("killed", 1), ("wounded", 3)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Clashes killed several fighters.", 10),
        ("Clashes killed dozens of fighters.", 12),
        ("Airstrikes killed hundreds of people.", 100),
        ("Six soldiers and two civilians were killed.", 8),
        ("The attack killed 3 police officers; 4 militants were also killed.", 7),
        ("Clashes broke out, incurring fatalities.", 10),
        ("Unknown fatalities coded as 10 and spread across two locations.", 5),
        ("No fatalities were reported.", 0),
        ("Protesters gathered in the square.", None),
        ("Five people were wounded.", None),
    ],
)
def test_headline_fatalities(text: str, expected: int | None) -> None:
    assert headline_fatalities(merge_casualties(find_casualties(text))) == expected


def test_headline_sums_groups_and_ignores_wounded() -> None:
    casualties = [
        Casualty("soldiers", "killed", CountRange(2, 2, rule_id="count:r/q.digits")),
        Casualty("civilians", "killed", CountRange(3, None, rule_id="count:r/q.at-least")),
        Casualty("civilians", "wounded", CountRange(9, 9, rule_id="count:r/q.digits")),
    ]
    assert headline_fatalities(casualties) == 5
    assert headline_fatalities([]) is None


# ---------------------------------------------------------------------- rule files


def test_rule_file_errors_name_file_and_line(tmp_path, monkeypatch) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  - id: a\n    pattern: x\n  - id: a\n    pattern: y\n", encoding="utf-8")
    import corroborator.resources as resources

    monkeypatch.setattr(resources, "package_path", lambda relative: bad)
    with pytest.raises(RuleError) as info:
        cas.read_rule_file("whatever.yaml")
    assert info.value.line == 4
    assert str(bad) in str(info.value)


def test_shipped_rule_files_load() -> None:
    rules = cas._casualty_rules()
    assert len(rules.rules) > 10
    assert all(r.id.startswith("cas.") for r in rules.rules)


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        ("  - id: cas.bad-role\n    role: sometimes\n    pattern: 'killed (?P<list>\\d+)'\n", "role"),
        ("  - id: cas.bad-regex\n    role: count\n    kind: killed\n    pattern: 'killed (?P<list>\\d+'\n", "pattern"),
        ("  - id: cas.no-list\n    role: count\n    kind: killed\n    pattern: 'killed'\n", "list"),
    ],
)
def test_bad_casualty_rule_names_its_line(tmp_path, monkeypatch, rule: str, reason: str) -> None:
    import corroborator.resources as resources

    shipped = resources.package_path(cas.CASUALTY_RULES).read_text(encoding="utf-8")
    head, _, tail = shipped.partition("\nrules:\n")
    bad = tmp_path / "casualty_patterns.yaml"
    bad.write_text(head + "\nrules:\n" + rule + tail, encoding="utf-8")
    line = (head + "\nrules:\n").count("\n") + 1
    real = resources.package_path
    monkeypatch.setattr(resources, "package_path",
                        lambda relative: bad if relative == cas.CASUALTY_RULES else real(relative))
    cas._casualty_rules.cache_clear()
    try:
        with pytest.raises(RuleError) as info:
            cas._casualty_rules()
        assert info.value.line == line
        assert reason in info.value.reason
    finally:
        cas._casualty_rules.cache_clear()


def test_groupless_restatement_merges_into_named_group() -> None:
    text = "33 KIA in airstrike. 33 Turkish soldiers were killed in the strike on Thursday."
    merged = merge_casualties(find_casualties(text))
    assert [(c.group, c.count.low, len(c.history)) for c in merged] == [("Turkish soldiers", 33, 1)]
    assert headline_fatalities(merged) == 33
