"""Actor dictionary: find actor mentions in a parsed text and name them ACLED-style.

The dictionary lives in ``incidents/rules/actors.yaml``. Mentions are found with spaCy
``PhraseMatcher``s (case-insensitive aliases, case-sensitive acronyms, demonym + force
noun combinations, bare force nouns) and resolved to an ``Actor`` once the event's date
and country are known: period-bounded names are picked from the date, templated names
("Protesters ({country})") are filled from the country, and a state force acting outside
its own country gets inter 8 (ACLED's external forces).
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import Any

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from corroborator.errors import RuleError
from corroborator.records import Actor
from corroborator.resources import load_yaml, package_path

log = logging.getLogger(__name__)

RULES = "incidents/rules/actors.yaml"

#: inter code of ACLED's "external/other forces"
EXTERNAL_INTER = 8


@dataclass(frozen=True, slots=True)
class ActorEntry:
    """One dictionary entry (named, generic, or a country's state force)."""

    id: str
    name: str
    inter: int | None
    country: str | None = None
    periods: tuple[tuple[str, str | None, str], ...] = ()  # (from, until, name)
    per_country: tuple[tuple[str, str], ...] = ()
    templated: bool = False
    state_role: str | None = None  # "military" | "police" when resolved from the event country
    context_countries: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ActorMention:
    """An actor mention in a ``Doc``: token range, character range, dictionary entry."""

    start: int  # token index
    end: int  # token index, exclusive
    start_char: int
    end_char: int
    text: str
    entry: ActorEntry | None
    rule_id: str
    alternatives: tuple[ActorEntry, ...] = ()  # other entries sharing this alias


def _periods(raw: list[dict[str, Any]] | None) -> tuple[tuple[str, str | None, str], ...]:
    return tuple((str(p.get("from", "0000")), str(p["until"]) if p.get("until") else None, p["name"]) for p in raw or ())


@functools.cache
def _dictionary() -> dict[str, Any]:
    """Validated actor dictionary: entries by id and alias lists by kind."""
    data = load_yaml(RULES)
    path = str(package_path(RULES))
    if not isinstance(data, dict):
        raise RuleError(path, None, "expected a mapping")
    entries: dict[str, ActorEntry] = {}
    aliases: list[tuple[str, str, bool]] = []  # (entry id, alias, cased)
    seen: set[str] = set()
    for section, templated in (("actors", False), ("generic", True)):
        for raw in data.get(section) or []:
            if not isinstance(raw, dict) or not raw.get("id") or not raw.get("name"):
                raise RuleError(path, None, f"actor entry without id/name: {raw!r}")
            if raw["id"] in seen:
                raise RuleError(path, None, f"duplicate actor id {raw['id']!r}")
            seen.add(raw["id"])
            entry = ActorEntry(
                id=raw["id"],
                name=raw["name"],
                inter=raw.get("inter"),
                country=raw.get("country"),
                periods=_periods(raw.get("periods")),
                per_country=tuple((raw.get("per_country") or {}).items()),
                templated=templated,
                context_countries=tuple(raw.get("context_countries") or ()),
            )
            entries[entry.id] = entry
            aliases += [(entry.id, str(a), False) for a in raw.get("aliases") or ()]
            aliases += [(entry.id, str(a), True) for a in raw.get("cased") or ()]
    countries = data.get("countries") or {}
    nouns = data.get("state_nouns") or {}
    for iso, info in countries.items():
        for role in ("military", "police"):
            periods = _periods(info.get(role))
            if not periods:
                continue
            eid = f"state-{iso.lower()}-{role}"
            # a state's forces acting abroad may be coded under an operation's name there
            abroad = tuple((str(k), str(v)) for k, v in (info.get(f"{role}_abroad") or {}).items())
            entries[eid] = ActorEntry(eid, periods[-1][2], 1, iso, periods, per_country=abroad, state_role=role)
            for demonym in info.get("demonyms") or ():
                for noun in nouns.get(role) or ():
                    aliases.append((eid, f"{demonym} {noun}", False))
    for role in ("military", "police"):
        eid = f"state-bare-{role}"
        entries[eid] = ActorEntry(eid, "", 1, None, (), templated=True, state_role=role)
        aliases += [(eid, str(n), False) for n in nouns.get(f"bare_{role}") or ()]
    return {"entries": entries, "aliases": aliases, "countries": countries}


def country_name(iso2: str | None) -> str | None:
    """ACLED's country name for an ISO2 code, when the dictionary knows it."""
    if not iso2:
        return None
    info = _dictionary()["countries"].get(iso2.upper())
    return info["name"] if info else None


def country_for_demonym(word: str) -> str | None:
    """ISO2 of the country whose demonym is ``word`` ("Syrian" -> "SY")."""
    for iso, info in _dictionary()["countries"].items():
        if word in (info.get("demonyms") or ()):
            return iso
    return None


def actor_patterns() -> list[dict[str, Any]]:
    """EntityRuler patterns for named actors (label ORG), built from the dictionary."""
    d = _dictionary()
    patterns = []
    for eid, alias, cased in d["aliases"]:
        entry = d["entries"][eid]
        if entry.templated or entry.state_role:
            continue
        if cased:
            patterns.append({"label": "ORG", "pattern": alias, "id": eid})
        else:
            patterns.append({"label": "ORG", "pattern": [{"LOWER": t.lower()} for t in _words(alias)], "id": eid})
    return patterns


@functools.cache
def _tokenizer() -> Any:
    """English tokenizer (the model's rules) to split aliases as texts are split."""
    import spacy

    return spacy.blank("en").tokenizer


def _words(alias: str) -> list[str]:
    """Split an alias as spaCy's English tokenizer does."""
    return [t.text for t in _tokenizer()(alias)]


@functools.cache
def _matchers(vocab: Vocab) -> tuple[PhraseMatcher, PhraseMatcher]:
    """Case-insensitive and case-sensitive matchers for this vocab, built once."""
    d = _dictionary()
    lower = PhraseMatcher(vocab, attr="LOWER")
    orth = PhraseMatcher(vocab, attr="ORTH")
    by_id: dict[tuple[str, bool], list[Doc]] = {}
    for eid, alias, cased in d["aliases"]:
        words = _words(alias)
        by_id.setdefault((eid, cased), []).append(Doc(vocab, words=words if cased else [w.lower() for w in words]))
    for (eid, cased), docs in by_id.items():
        (orth if cased else lower).add(eid, docs)
    return lower, orth


def find_actors(doc: Doc) -> list[ActorMention]:
    """All actor mentions in ``doc``, longest match first, non-overlapping, in text order.

    Args:
        doc: a parsed text.

    Returns:
        Mentions sorted by position.
    """
    d = _dictionary()
    lower, orth = _matchers(doc.vocab)
    found = []
    for matcher in (lower, orth):
        for match_id, start, end in matcher(doc):
            eid = doc.vocab.strings[match_id]
            found.append((start, end, eid))
    # prefer longer, then named entries over generic ones
    found.sort(key=lambda m: (-(m[1] - m[0]), d["entries"][m[2]].templated, m[0]))
    same: dict[tuple[int, int], list[str]] = {}
    for start, end, eid in found:
        same.setdefault((start, end), []).append(eid)
    taken = [False] * len(doc)
    out: list[ActorMention] = _kin_groups(doc, taken)
    for start, end, eid in found:
        if any(taken[start:end]):
            continue
        for i in range(start, end):
            taken[i] = True
        span = doc[start:end]
        alts = tuple(d["entries"][e] for e in same[(start, end)] if e != eid)
        out.append(ActorMention(start, end, span.start_char, span.end_char, span.text, d["entries"][eid], eid, alts))
    out.sort(key=lambda m: m.start)
    return out


_KIN_WORDS = {"family": "Clan", "families": "Clan", "clan": "Clan", "clans": "Clan", "tribe": "Tribal",
              "tribesmen": "Tribal", "tribes": "Tribal", "tribal": "Tribal"}
_NAME_GLUE = {"al", "el", "bani", "ba", "bin", "abu", "ibn", "beit", "bayt", "aal", "-"}


def _name_before(doc: Doc, end: int) -> int:
    """Start of the capitalised name ending just before token ``end`` (== end when none)."""
    i = end
    while i > 0:
        t = doc[i - 1]
        if (t.text[:1].isupper() and t.is_alpha and t.pos_ in ("PROPN", "ADJ", "NOUN")) or (
            t.lower_ in _NAME_GLUE and i < end
        ):
            i -= 1
            continue
        break
    while i < end and doc[i].lower_ in _NAME_GLUE - {"al", "el", "bani", "ba", "aal", "beit", "bayt"}:
        i += 1
    return i


def _kin_groups(doc: Doc, taken: list[bool]) -> list[ActorMention]:
    """Named families and tribes ("the Al X and Al Y families", "X tribesmen") as identity militias."""
    out: list[ActorMention] = []
    for tok in doc:
        kind = _KIN_WORDS.get(tok.lower_)
        if kind is None or taken[tok.i]:
            continue
        start = _name_before(doc, tok.i)
        if start == tok.i or not any(doc[k].pos_ == "PROPN" for k in range(start, tok.i)):
            continue
        names = [(start, tok.i + 1, doc[start:tok.i].text)]
        # "the X and Y families": the first conjunct shares the kin word
        if start > 1 and doc[start - 1].lower_ == "and":
            s2 = _name_before(doc, start - 1)
            if s2 < start - 1:
                names.insert(0, (s2, start - 1, doc[s2:start - 1].text))
        for s, e, name in names:
            if any(taken[s:e]):
                continue
            for k in range(s, e):
                taken[k] = True
            eid = f"kin-{kind.lower()}"
            entry = ActorEntry(eid, f"{name} {kind} Militia ({{country}})", 4, templated=True)
            span = doc[s:e]
            out.append(ActorMention(s, e, span.start_char, span.end_char, span.text, entry, eid))
    return out


def _pick_period(periods: tuple[tuple[str, str | None, str], ...], date: str | None) -> str:
    """The name whose period contains ``date`` (latest period when the date is unknown)."""
    if not periods:
        return ""
    if date and date[:4].isdigit():
        for start, until, name in periods:
            if date >= start and (until is None or date < until):
                return name
        if date < periods[0][0]:
            return periods[0][2]
    return periods[-1][2]


def _state_entry(iso: str | None, role: str) -> ActorEntry | None:
    if not iso:
        return None
    return _dictionary()["entries"].get(f"state-{iso.lower()}-{role}")


def resolve(
    mention: ActorMention | None,
    *,
    text: str | None = None,
    date: str | None = None,
    country: str | None = None,
    span: Any = None,
    entry_id: str | None = None,
) -> Actor:
    """Name an actor mention for an event at ``date`` in ``country`` (ISO2).

    Args:
        mention: the mention found in the text, or None for an actor implied by the event
            type (protesters, rioters): then ``entry_id`` names the dictionary entry.
        text: the mention's text when ``mention`` is None.
        date: the event date (ISO, any precision) to pick period-bounded names.
        country: the event's country (ISO2) to fill templated names.
        span: the raw ``Span`` to store on the actor.
        entry_id: dictionary entry to use when ``mention`` is None.

    Returns:
        An ``Actor``: canonical name when known, else the mention as found with inter None.
    """
    d = _dictionary()
    entry = mention.entry if mention else d["entries"].get(entry_id or "")
    if mention and mention.alternatives and country:
        # an alias shared by several entries ("pro-government forces"): the event country decides
        for alt in (mention.entry, *mention.alternatives):
            if alt and (alt.country == country or country in alt.context_countries):
                entry = alt
                break
        else:
            # none is of this country: a generic reading ("government forces" = the country's
            # own forces) beats a foreign entry that shares the alias
            generic = next((alt for alt in (mention.entry, *mention.alternatives)
                            if alt and alt.state_role and alt.templated), None)
            if generic is not None:
                entry = generic
    found_text = mention.text if mention else (text or "")
    rule_id = mention.rule_id if mention else (entry_id or "")
    if entry is None:
        return Actor(name=found_text, mention=found_text, inter=None, span=span, rule_id=rule_id)
    name, inter, actor_country = entry.name, entry.inter, entry.country
    if entry.state_role and entry.templated:  # bare "security forces": the event country's state
        state = _state_entry(country, entry.state_role) or _state_entry(country, "military")
        if state is None:
            return Actor(name=found_text, mention=found_text, inter=None, span=span, rule_id=rule_id)
        entry = state
        name, actor_country = state.name, state.country
    if entry.periods:
        name = _pick_period(entry.periods, date)
    if entry.per_country and country:
        name = dict(entry.per_country).get(country, name)
        if entry.state_role is None:  # a group's national branch ("Islamic State (Iraq)"); a state
            actor_country = country if country in dict(entry.per_country) else actor_country  # stays its own
    if entry.templated and "{country}" in name:
        cname = country_name(country)
        name = name.replace("{country}", cname) if cname else found_text
        actor_country = country
        if not cname:
            inter = entry.inter
    if inter == 1 and actor_country and country and actor_country != country:
        inter = EXTERNAL_INTER
    return Actor(name=name, mention=found_text, inter=inter, span=span, rule_id=rule_id, country=actor_country)


def entry_for(entry_id: str) -> ActorEntry | None:
    """A dictionary entry by id."""
    return _dictionary()["entries"].get(entry_id)


def actor_matches(actor_name: str, expected: str) -> bool:
    """Whether a coded actor name equals ``expected`` after normalisation, or is an alias of it.

    Args:
        actor_name: the name the extractor produced.
        expected: the reference name (e.g. an ACLED ``actor1`` cell).
    """
    a, b = _norm(actor_name), _norm(expected)
    if not a or not b:
        return a == b
    if a == b:
        return True
    d = _dictionary()
    for eid, alias, _cased in d["aliases"]:
        entry = d["entries"][eid]
        names = {_norm(entry.name)} | {_norm(p[2]) for p in entry.periods} | {_norm(n) for _, n in entry.per_country}
        if b in names and _norm(alias) == a:
            return True
    return False


def _norm(s: str) -> str:
    return " ".join(s.lower().replace("-", " ").split())
