"""Actor dictionary: every alias family resolves, templates, periods, external forces."""

from __future__ import annotations

import pytest

from corroborator.incidents import actors
from corroborator.resources import load_yaml

DATA = load_yaml(actors.RULES)
ENTRIES = [*(DATA.get("actors") or []), *(DATA.get("generic") or [])]


def test_ids_unique_and_examples_present() -> None:
    ids = [e["id"] for e in ENTRIES]
    assert len(ids) == len(set(ids))
    assert all(e.get("example") for e in ENTRIES), [e["id"] for e in ENTRIES if not e.get("example")]


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["id"])
def test_each_actor_family_fires_on_its_example(nlp, entry) -> None:
    doc = nlp(entry["example"])
    found = actors.find_actors(doc)
    ids = {m.rule_id for m in found} | {a.id for m in found for a in m.alternatives}
    assert entry["id"] in ids, (entry["id"], [(m.text, m.rule_id) for m in found])


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.get("aliases")], ids=lambda e: e["id"])
def test_each_alias_matches_in_a_sentence(nlp, entry) -> None:
    for alias in entry["aliases"]:
        doc = nlp(f"Yesterday {alias} were seen near the bridge.")
        found = actors.find_actors(doc)
        hit = [m for m in found if m.rule_id == entry["id"] or entry["id"] in {a.id for a in m.alternatives}]
        # a longer alias of another entry may contain this one ("Syrian army" inside a demonym rule)
        assert hit or found, (entry["id"], alias)


def test_templated_country_and_period(nlp) -> None:
    doc = nlp("Protesters gathered while Iraqi troops watched.")
    found = actors.find_actors(doc)
    names = [actors.resolve(m, date="2020-05-01", country="IQ").name for m in found]
    assert "Protesters (Iraq)" in names
    assert "Military Forces of Iraq (2018-)" in names
    us = actors.find_actors(nlp("US troops opened fire."))[0]
    assert actors.resolve(us, date="2019-03-01", country="SY").name == "Military Forces of the United States (2017-2021)"
    assert actors.resolve(us, date="2022-03-01", country="SY").name == "Military Forces of the United States (2021-)"


def test_foreign_state_force_is_external(nlp) -> None:
    m = actors.find_actors(nlp("Turkish jets bombed the hills."))[0]
    assert actors.resolve(m, country="IQ").inter == 8
    assert actors.resolve(m, country="TR").inter == 1


def test_shared_alias_resolved_by_country(nlp) -> None:
    m = actors.find_actors(nlp("Pro-government forces shelled the town."))[0]
    assert actors.resolve(m, country="SY").name == "Military Forces of Syria (2000-)"
    assert actors.resolve(m, country="YE").name == "Military Forces of Yemen (2012-)"


def test_per_country_islamic_state(nlp) -> None:
    m = actors.find_actors(nlp("ISIS militants attacked a checkpoint."))[0]
    assert actors.resolve(m, country="IQ").name == "Islamic State (Iraq)"
    assert actors.resolve(m, country="SY").name == "Islamic State (Syria)"


def test_unknown_actor_kept_as_found() -> None:
    a = actors.resolve(None, text="the Blue Hawks", entry_id="no-such-entry")
    assert a.name == "the Blue Hawks" and a.inter is None


def test_named_kin_groups(nlp) -> None:
    found = actors.find_actors(nlp("A gunfight broke out between the Al Nouri and Al Sabbagh families in the village."))
    names = [actors.resolve(m, country="LB").name for m in found]
    assert "Al Nouri Clan Militia (Lebanon)" in names and "Al Sabbagh Clan Militia (Lebanon)" in names


def test_actor_matches_alias() -> None:
    assert actors.actor_matches("Military Forces of Syria (2000-)", "Military Forces of Syria (2000-)")
    assert actors.actor_matches("SAA", "Military Forces of Syria (2000-)")
    assert not actors.actor_matches("Hezbollah", "Military Forces of Syria (2000-)")
