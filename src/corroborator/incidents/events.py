"""Event detection and typing: trigger words, means cues and dependency roles.

Rules live in ``incidents/rules/event_triggers.yaml``. For every sentence the detector
finds trigger matches, drops those in negated, hypothetical, future or planned clauses,
groups the rest into sentence-level event mentions (a casualty verb joins the event it
reports; a protest and a riot trigger in one sentence are one demonstration), types
generic triggers by weapon cues and by the target, reads actor1/actor2 from the
dependency tree, and finally merges mentions of one event across the document.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Span, Token

from corroborator.errors import RuleError
from corroborator.incidents.actors import ActorMention, find_actors
from corroborator.records import SUB_EVENT_PARENT, EventType, SubEventType
from corroborator.resources import load_yaml, package_path

log = logging.getLogger(__name__)

RULES = "incidents/rules/event_triggers.yaml"

#: Sentences between two mentions that can still be one event without a coreferent phrase
#: (set on the ACLED tuning split: 2 keeps follow-up casualty sentences with their event).
MERGE_WINDOW = 2

#: Salience weights (set by hand on the ACLED tuning split and the dev seeds):
#: position dominates, repeated mentions and casualties break ties.
SALIENCE_POSITION = 1.0
SALIENCE_MENTIONS = 0.25
SALIENCE_TITLE = 0.5

_MODALS = {"would", "could", "might", "will", "shall", "should", "wo", "can", "'d", "'ll"}
_PLAN_LEMMAS = {
    "plan", "threaten", "vow", "intend", "warn", "want", "seek", "aim", "prepare", "plot", "promise",
    "pledge", "urge", "consider", "hope", "expect", "propose", "fear", "refuse", "avoid", "prevent",
    "accuse", "suspect", "charge", "allege", "deny",
}
_PLAN_NOUNS = {"threat", "plan", "fear", "risk", "possibility", "warning", "prospect", "danger", "preparation", "call"}
_CONDITIONAL_MARKS = {"if", "unless", "whether", "lest"}
_LIGHT_VERBS = {"conduct", "carry", "launch", "stage", "hold", "organize", "organise", "perform", "mount", "wage",
                "execute", "unleash", "begin", "start", "continue", "resume", "intensify", "step", "fire", "make",
                "lead", "initiate", "engage", "erupt", "break", "take", "report", "witness", "see", "kill", "hit"}
_TARGET_PREPS = {"on", "against", "at", "upon", "targeting", "toward", "towards", "into"}
_PLACE_NOUNS = {"village", "town", "city", "hill", "area", "position", "site", "base", "checkpoint", "district",
                "neighbourhood", "neighborhood", "airport", "road", "highway", "front", "frontline", "region",
                "mountain", "camp", "outpost", "post", "building", "bridge", "island", "port", "territory",
                "crossing", "valley", "locations", "location", "positions", "areas", "villages", "towns", "hills",
                "sites", "bases", "control", "parts", "neighbourhoods", "neighborhoods", "villages", "points"}
@functools.cache
def _lexicon(section: str, kind: str) -> frozenset[str]:
    """A word list of the rule file (``victim_words``, ``role_words``) by its kind."""
    data = load_yaml(RULES)
    for entry in (data or {}).get(section) or []:
        if isinstance(entry, dict) and entry.get("kind") == kind:
            return frozenset(str(w).lower() for w in entry.get("lemmas") or ())
    raise RuleError(str(package_path(RULES)), None, f"{section}: no entry of kind {kind!r}")


@functools.cache
def _victim_words(kind: str) -> frozenset[str]:
    """Lemmas that tell a generic attack's targets apart (``any``: civilian or armed)."""
    if kind == "any":
        return _lexicon("victim_words", "civilian") | _lexicon("victim_words", "armed")
    return _lexicon("victim_words", kind)


_PROTEST_TYPES = {
    SubEventType.PEACEFUL_PROTEST, SubEventType.PROTEST_WITH_INTERVENTION, SubEventType.EXCESSIVE_FORCE,
    SubEventType.VIOLENT_DEMONSTRATION, SubEventType.MOB_VIOLENCE,
}
_BATTLE_TYPES = {
    SubEventType.ARMED_CLASH, SubEventType.GOVERNMENT_REGAINS_TERRITORY, SubEventType.NON_STATE_OVERTAKES_TERRITORY,
}
# within a merge group, the more specific type wins (ACLED codes a retaken town, not the clash)
_RANK = {
    SubEventType.GOVERNMENT_REGAINS_TERRITORY: 3, SubEventType.NON_STATE_OVERTAKES_TERRITORY: 3,
    SubEventType.ARMED_CLASH: 1, SubEventType.EXCESSIVE_FORCE: 4, SubEventType.PROTEST_WITH_INTERVENTION: 3,
    SubEventType.VIOLENT_DEMONSTRATION: 2, SubEventType.MOB_VIOLENCE: 2, SubEventType.PEACEFUL_PROTEST: 1,
}


# --------------------------------------------------------------------- rule loading


@dataclass(frozen=True, slots=True)
class TriggerRule:
    """One trigger or cue rule from the YAML file."""

    id: str
    patterns: tuple[tuple[str, ...], ...]
    sub_event_type: SubEventType | None
    default: SubEventType | None = None
    priority: int = 50
    kind: str = "event"  # event | casualty | modifier | cue
    pos: tuple[str, ...] = ()
    applies_to: tuple[SubEventType, ...] = ()
    territory: bool = False
    exchange: bool = False  # an answer to the other side's fire: the event is a two-sided clash
    group: str | None = None  # cue group
    coref: tuple[str, ...] = ()
    example: str | None = None
    requires: tuple[str, ...] = ()  # cue groups of which one must be in the sentence


def _sub(value: Any, path: str) -> SubEventType | None:
    if value is None:
        return None
    try:
        return SubEventType(value)
    except ValueError as exc:
        raise RuleError(path, None, f"unknown sub-event type {value!r}") from exc


def _pattern_words(pattern: str) -> tuple[str, ...]:
    words: list[str] = []
    for part in str(pattern).lower().split():
        words += [p for p in part.split("-") if p]
    return tuple(words)


@functools.cache
def load_rules() -> tuple[tuple[TriggerRule, ...], tuple[TriggerRule, ...]]:
    """The trigger rules and the cue rules, validated (ids unique, types known)."""
    data = load_yaml(RULES)
    path = str(package_path(RULES))
    if not isinstance(data, dict):
        raise RuleError(path, None, "expected a mapping with 'rules' and 'cues'")
    seen: set[str] = set()
    out: dict[str, list[TriggerRule]] = {"rules": [], "cues": []}
    for section in ("rules", "cues"):
        for raw in data.get(section) or []:
            if not isinstance(raw, dict) or not raw.get("id") or not raw.get("patterns"):
                raise RuleError(path, None, f"{section} entry without id/patterns: {raw!r}")
            if raw["id"] in seen:
                raise RuleError(path, None, f"duplicate rule id {raw['id']!r}")
            seen.add(raw["id"])
            out[section].append(
                TriggerRule(
                    id=raw["id"],
                    patterns=tuple(_pattern_words(p) for p in raw["patterns"]),
                    sub_event_type=_sub(raw.get("sub_event_type"), path),
                    default=_sub(raw.get("default"), path),
                    priority=int(raw.get("priority", 50)),
                    kind="cue" if section == "cues" else str(raw.get("kind", "event")),
                    pos=tuple(raw.get("pos") or ()),
                    applies_to=tuple(_sub(t, path) for t in raw.get("applies_to") or ()),  # type: ignore[misc]
                    territory=bool(raw.get("territory")),
                    exchange=bool(raw.get("exchange")),
                    group=raw.get("group"),
                    coref=tuple(raw.get("coref") or ()),
                    example=raw.get("example"),
                    requires=tuple(raw.get("requires") or ()),
                )
            )
    return tuple(out["rules"]), tuple(out["cues"])


@functools.cache
def exchange_rule_ids() -> frozenset[str]:
    """Ids of the rules that tell an exchange of fire ("fired back", "exchanged fire")."""
    rules, _ = load_rules()
    return frozenset(r.id for r in rules if r.exchange)


@functools.cache
def generic_rule_ids(with_casualty_words: bool = False) -> frozenset[str]:
    """Ids of the generic violence triggers (typed by cues, target or victims, not by the
    word), and of the casualty words ("killed") when asked."""
    rules, _ = load_rules()
    kinds = ("event", "casualty") if with_casualty_words else ("event",)
    return frozenset(r.id for r in rules if r.sub_event_type is None and r.kind in kinds)


def typed_by_target(rule_id: str, event_type: str, *, with_casualty_words: bool = False) -> bool:
    """Whether a record's type came from a generic word typed by its target or victims alone
    ("attacked" + soldiers -> armed clash); a generic word typed by a means cue always gets a
    remote-violence type and counts as specific."""
    return rule_id in generic_rule_ids(with_casualty_words) and event_type != EventType.EXPLOSIONS.value


@functools.cache
def _index() -> dict[str, list[tuple[TriggerRule, tuple[str, ...]]]]:
    """First word -> (rule, pattern words), over triggers and cues."""
    rules, cues = load_rules()
    idx: dict[str, list[tuple[TriggerRule, tuple[str, ...]]]] = {}
    for rule in (*rules, *cues):
        for words in rule.patterns:
            if words:
                idx.setdefault(words[0], []).append((rule, words))
    return idx


# --------------------------------------------------------------------- matching


@dataclass(frozen=True, slots=True)
class Match:
    """A trigger or cue match: token range and the rule."""

    start: int
    end: int
    rule: TriggerRule


def _forms(tok: Token) -> tuple[str, str]:
    return tok.lower_, tok.lemma_.lower()


def _match_at(doc: Doc, i: int, words: tuple[str, ...], limit: int) -> int | None:
    """End token index when ``words`` match from token ``i`` (hyphens skipped), else None."""
    j = i
    for w in words:
        while j < limit and doc[j].text == "-" and w != "-":
            j += 1
        if j >= limit or w not in _forms(doc[j]):
            return None
        j += 1
    return j


def find_matches(sent: Span) -> list[Match]:
    """Trigger and cue matches in a sentence; matches inside a longer one are dropped."""
    doc = sent.doc
    idx = _index()
    found: list[Match] = []
    for i in range(sent.start, sent.end):
        lower, lemma = _forms(doc[i])
        cands = idx.get(lower, []) + (idx.get(lemma, []) if lemma != lower else [])
        for rule, words in cands:
            end = _match_at(doc, i, words, sent.end)
            if end is None:
                continue
            if rule.pos and doc[i].pos_ not in rule.pos:
                continue
            found.append(Match(i, end, rule))
    # drop a trigger contained in a longer trigger (cues and triggers are filtered separately)
    found = [m for m in found if doc[m.start].ent_type_ not in ("DATE", "TIME")]  # "March", "Sunday"
    out = []
    for m in found:
        klass = m.rule.kind if m.rule.kind in ("cue", "modifier") else "event"
        if any(
            o is not m and (o.rule.kind if o.rule.kind in ("cue", "modifier") else "event") == klass
            and o.start <= m.start and m.end <= o.end
            and (o.end - o.start) > (m.end - m.start)
            for o in found
        ):
            continue
        if any(o is not m and o.rule.id == m.rule.id and o.start == m.start and o.end > m.end for o in found):
            continue
        if any(o.rule.id == m.rule.id and o.start == m.start and o.end == m.end for o in out):
            continue
        out.append(m)
    return out


# --------------------------------------------------------------------- suppression


def _governor(tok: Token) -> Token:
    """The nearest verb governing ``tok`` (itself when a verb)."""
    t = tok
    for _ in range(8):
        if t.pos_ in ("VERB", "AUX") or t.head.i == t.i:
            return t
        t = t.head
    return t


def is_suppressed(tok: Token) -> bool:
    """Whether a trigger sits in a negated, hypothetical, future, planned or conditional clause."""
    # a noun trigger negated by "no" ("no clashes were reported") or governed by "threat of"
    if any(c.dep_ == "det" and c.lower_ in ("no", "neither") for c in tok.children):
        return True
    head = tok.head
    if tok.dep_ == "pobj" and head.dep_ == "prep":
        head = head.head
    if tok.pos_ in ("NOUN", "PROPN") and head.lemma_.lower() in _PLAN_NOUNS:
        return True
    verb = _governor(tok)
    chain = [verb]
    t = verb
    for _ in range(4):
        if t.dep_ in ("xcomp", "ccomp", "advcl", "conj", "relcl", "pcomp", "acl") and t.head.i != t.i:
            t = t.head
            chain.append(t)
        else:
            break
    for i, v in enumerate(chain):
        kids = list(v.children)
        if any(c.dep_ == "neg" for c in kids) and (i == 0 or chain[i - 1].dep_ in ("xcomp", "ccomp")):
            return True
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in _MODALS for c in kids) and (
            i == 0 or chain[i - 1].dep_ in ("xcomp", "ccomp", "conj")
        ):
            return True
        if i == 0 and any(c.dep_ == "mark" and c.lower_ in _CONDITIONAL_MARKS for c in kids):
            return True
        if i > 0 and v.lemma_.lower() in _PLAN_LEMMAS and chain[i - 1].dep_ in ("xcomp", "ccomp"):
            return True
    if verb.lemma_.lower() in _PLAN_LEMMAS and verb.i != tok.i:
        return True
    # "going to attack" / "about to strike"
    if verb.dep_ == "xcomp" and verb.head.lower_ in ("going", "about"):
        return True
    return False


def _violent_context(sent: Span, cues: list[Match], sent_actors: list[ActorMention], trig: list[Match]) -> bool:
    """Whether a sentence carries evidence of violence besides a generic word: a weapon or
    means cue, a casualty word, a victim or armed-party noun, or a known armed or state actor."""
    if any(c.rule.group != "fire" for c in cues) or any(m.rule.kind == "casualty" for m in trig):
        return True
    if any(a.entry is not None and a.entry.inter is not None for a in sent_actors):
        return True
    words = _victim_words("any")
    return any(t.lemma_.lower() in words for t in sent)


def _is_reported(tok: Token) -> bool:
    """Whether a trigger is inside what someone says ("the group said it had taken ...")."""
    t = tok
    for _ in range(6):
        if t.head.i == t.i:
            return False
        if t.dep_ in ("ccomp", "xcomp") and t.head.lemma_.lower() in _lexicon("role_words", "speech"):
            return True
        t = t.head
    return False


def _is_background(tok: Token) -> bool:
    """An event word told as the setting of another ("amid clashes", "in the context of the
    fighting", "as battles continue")."""
    head = tok.head
    if tok.dep_ == "pobj" and head.dep_ == "prep":
        if head.lower_ in _lexicon("role_words", "background_prep"):
            return True
        if head.lower_ == "of" and head.head.lemma_.lower() in _lexicon("role_words", "background_head"):
            return True
    if tok.dep_ in ("nsubj", "nsubjpass") and head.lemma_.lower() in _lexicon("role_words", "background_ongoing"):
        return head.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in ("as", "while") for c in head.children)
    return False


def _means_showing(tok: Token) -> bool:
    """"demonstrate" with an object or in the passive means "show" ("their resolve was
    demonstrated", "demonstrated its strength"), not a street demonstration."""
    if tok.pos_ != "VERB" or tok.lemma_.lower() != "demonstrate":
        return False
    return any(c.dep_ in ("dobj", "nsubjpass", "auxpass", "ccomp") for c in tok.children)


# --------------------------------------------------------------------- sentence mentions


@dataclass(slots=True)
class EventMention:
    """One event as told in one sentence (possibly several triggers)."""

    sent_index: int
    sent_start: int  # char offsets of the sentence in the doc text
    sent_end: int
    triggers: list[Match]
    sub_event_type: SubEventType
    rule_id: str
    priority: int
    generic: bool  # typed by cues/targets, not by a specific trigger
    casualty_only: bool
    coreferent: bool  # told with a definite "the strike"/"the attack"
    actor1: list[ActorMention] = field(default_factory=list)
    actor2: list[ActorMention] = field(default_factory=list)
    assoc: list[ActorMention] = field(default_factory=list)
    implied_actor1: str | None = None  # dictionary entry id (protesters, rioters)
    spans: list[tuple[int, int]] = field(default_factory=list)  # trigger char spans
    reported: bool = False  # told only as what a party says ("X said its fighters took the hills")

    @property
    def start(self) -> int:
        """Char offset of the first trigger."""
        return min(s for s, _ in self.spans) if self.spans else self.sent_start

    @property
    def end(self) -> int:
        """Char offset just past the last trigger."""
        return max(e for _, e in self.spans) if self.spans else self.sent_end


@dataclass(slots=True)
class DetectedEvent:
    """An event merged across a document's sentences."""

    sub_event_type: SubEventType
    mentions: list[EventMention]
    rule_id: str
    salience: float = 0.0

    @property
    def event_type(self) -> EventType:
        """ACLED event type of the sub-event type."""
        return SUB_EVENT_PARENT[self.sub_event_type]

    @property
    def first(self) -> EventMention:
        """The first mention (by position)."""
        return self.mentions[0]

    def actors(self, role: str) -> list[ActorMention]:
        """Actor mentions in a role across mentions, first mention first, deduplicated by entry."""
        out: list[ActorMention] = []
        seen: set[str] = set()
        for m in self.mentions:
            for a in getattr(m, role):
                key = a.rule_id if a.entry else a.text.lower()
                if key not in seen:
                    seen.add(key)
                    out.append(a)
        return out

    @property
    def implied_actor1(self) -> str | None:
        """Dictionary entry implied by the event type (protesters, rioters)."""
        for m in self.mentions:
            if m.implied_actor1:
                return m.implied_actor1
        return None


def _group(sub: SubEventType) -> str:
    if sub in _PROTEST_TYPES:
        return "demo"
    if sub in _BATTLE_TYPES:
        return "battle"
    return sub.value


def _mention_for(tok: Token, by_token: dict[int, ActorMention]) -> list[ActorMention]:
    """Actor mentions in the phrase headed by ``tok`` (its own, its conjuncts')."""
    out: list[ActorMention] = []
    if tok.i in by_token:
        out.append(by_token[tok.i])
    else:
        for t in tok.subtree:
            if t.i in by_token and by_token[t.i] not in out:
                # a prepositional "of"/"in" phrase inside the target is not the target itself
                path_ok = True
                a = t
                while a.i != tok.i and a.head.i != a.i:
                    if a.dep_ in ("relcl", "acl", "advcl") or (a.dep_ == "pobj" and a.head.lower_ in ("in", "near", "from", "of", "at", "to")):
                        path_ok = False
                        break
                    a = a.head
                if path_ok:
                    out.append(by_token[t.i])
                    break
    for c in tok.conjuncts:
        if c.i in by_token and by_token[c.i] not in out:
            out.append(by_token[c.i])
    return out


#: Prepositions that make a noun trigger the means or occasion of the clause's act ("X killed
#: four fighters during airstrikes", "X hit the town with drones"): the clause's subject is
#: the trigger's actor1.
_MEANS_PREPS = frozenset({"during", "in", "with", "through", "amid", "using", "via"})


def _roles(trigger: Token, by_token: dict[int, ActorMention]) -> tuple[list[ActorMention], list[ActorMention]]:
    """actor1 and actor2 candidates of a trigger from its dependency neighbourhood."""
    a1: list[ActorMention] = []
    a2: list[ActorMention] = []
    of_side: list[ActorMention] = []
    heads = [trigger]
    h = trigger
    # a noun trigger governed by a light verb ("conducted airstrikes", "clashes erupted"),
    # or a gerund/participle modifying a clause ("..., killing two")
    if trigger.pos_ in ("NOUN", "PROPN") and trigger.dep_ in ("dobj", "nsubj", "nsubjpass", "attr", "pobj", "conj"):
        h = trigger.head
        if trigger.dep_ == "pobj" and h.dep_ == "prep":
            h = h.head
        means = trigger.dep_ == "pobj" and trigger.head.lower_ in _MEANS_PREPS
        if h.pos_ in ("VERB", "AUX") and (h.lemma_.lower() in _LIGHT_VERBS or trigger.dep_ in ("nsubj", "dobj") or means):
            heads.append(h)
            # "X killed or injured ... during airstrikes": the coordinated verb's subject
            if h.dep_ == "conj" and h.head.pos_ == "VERB" and not any(c.dep_ in ("nsubj", "nsubjpass") for c in h.children):
                heads.append(h.head)
    # a past participle modifying a noun ("forces attacked by the coalition"): the noun is the target
    if trigger.dep_ == "acl" and trigger.tag_ == "VBN":
        a2 += _mention_for(trigger.head, by_token)
    # a coordinated verb ("launched an attack ... and took control") shares its subject
    if trigger.dep_ == "conj" and trigger.pos_ == "VERB" and not any(c.dep_ in ("nsubj", "nsubjpass") for c in trigger.children):
        for c in trigger.head.children:
            if c.dep_ == "nsubj":
                a1 += _mention_for(c, by_token)
    # "X claimed to have killed ...", "X tried to storm ...": the controlling verb's subject
    if trigger.dep_ == "xcomp" and not any(c.dep_ in ("nsubj", "nsubjpass") for c in trigger.children):
        a1 += [m for c in trigger.head.children if c.dep_ == "nsubj" for m in _mention_for(c, by_token)]
    # "was shot and killed by X": the agent of a coordinated passive verb is the trigger's too
    if trigger.pos_ == "VERB" and not any(c.dep_ == "agent" for c in trigger.children):
        for conj in (c for c in trigger.children if c.dep_ == "conj" and c.pos_ == "VERB"):
            for agent in (c for c in conj.children if c.dep_ == "agent"):
                a1 += [m for p in agent.children if p.dep_ == "pobj" for m in _mention_for(p, by_token)]
    for hd in heads:
        for c in hd.children:
            dep = c.dep_
            if dep == "nsubj" and not (hd.i != trigger.i and c.i == trigger.i):
                a1 += _mention_for(c, by_token)
            elif dep == "agent":
                for p in c.children:
                    if p.dep_ == "pobj":
                        a1 += _mention_for(p, by_token)
            elif dep in ("compound", "amod", "nmod", "poss", "npadvmod") and hd.i == trigger.i and hd.pos_ in ("NOUN", "PROPN"):
                a1 += _mention_for(c, by_token)
            elif dep in ("dobj", "nsubjpass") and c.i != trigger.i:
                a2 += _mention_for(c, by_token)
            elif dep == "prep":
                word = c.lower_
                pobjs = [p for p in c.children if p.dep_ == "pobj"]
                if word in _TARGET_PREPS:
                    for p in pobjs:
                        a2 += _mention_for(p, by_token)
                elif word == "between":
                    found: list[ActorMention] = []
                    for p in pobjs:
                        found += _mention_for(p, by_token)
                    found.sort(key=lambda a: a.start)
                    if found:
                        a1.append(found[0])
                        a2 += found[1:2]
                elif word == "with" and (trigger.lemma_.lower() in ("clash", "fight", "battle", "exchange", "fighting", "confrontation", "skirmish")):
                    for p in pobjs:
                        a2 += _mention_for(p, by_token)
                elif word == "by" and hd.i == trigger.i:
                    for p in pobjs:
                        a1 += _mention_for(p, by_token)
                elif word == "of" and hd.i == trigger.i and hd.pos_ == "NOUN":
                    # "an attack of X" (notes) / "attacks of pro-X forces" -> the attacker; when
                    # a clause's subject acts on that attack ("Y thwarted an attack of X"), X is
                    # the subject's opponent
                    for p in pobjs:
                        of_side += _mention_for(p, by_token)
            elif dep in ("acl", "relcl") and hd.i == trigger.i:
                for g in c.children:
                    if g.dep_ == "dobj":
                        a2 += _mention_for(g, by_token)
    if of_side:
        subject_side = [m for m in a1 if m not in of_side]
        if subject_side and len(heads) > 1:
            a2 = of_side + a2
        else:
            a1 = a1 + of_side
    return _dedup(a1), [m for m in _dedup(a2) if m not in a1]


def _dedup(ms: list[ActorMention]) -> list[ActorMention]:
    out: list[ActorMention] = []
    for m in ms:
        if m not in out:
            out.append(m)
    return out


def _is_coref(tok: Token, rule: TriggerRule) -> bool:
    """A definite NP ("the strike", "this attack") pointing back to an earlier event."""
    return tok.pos_ == "NOUN" and any(c.dep_ == "det" and c.lower_ in ("the", "this", "that", "these") for c in tok.children)


def _object_is_place(tok: Token) -> bool:
    """Whether a territory verb's object is a place ("took control of the town")."""
    end = min(tok.doc.__len__(), tok.i + 9)
    for t in tok.doc[tok.i + 1:end]:
        if t.ent_type_ in ("GPE", "LOC", "FAC") or t.lemma_.lower() in _PLACE_NOUNS:
            return True
        if t.is_sent_end:
            break
    return False


def _victims(sent: Span, after: int = 0) -> str | None:
    """'civilian' or 'armed' by the nouns after the trigger (the targets and casualties)."""
    civilian_words, armed_words = _victim_words("civilian"), _victim_words("armed")
    civ = arm = 0
    for t in sent:
        if t.i <= after:
            continue
        lemma = t.lemma_.lower()
        if lemma in civilian_words:
            civ += 1
        elif lemma in armed_words:
            arm += 1
    if civ > arm:
        return "civilian"
    if arm:
        return "armed"
    return None


#: A means cue types a generic trigger only within this many tokens of it, or inside its
#: phrase (set on the ACLED tuning split: 6 tokens keeps "attacked ... with mortars" and
#: drops an IED told in a later clause).
CUE_WINDOW = 6


def _near(trigger: Token, cue: Match) -> bool:
    """Whether a cue belongs to the trigger's own act (close by, or in its phrase/clause)."""
    if abs(cue.start - trigger.i) <= CUE_WINDOW:
        return True
    tok = trigger.doc[cue.start]
    verb = _governor(trigger)
    t = tok
    for _ in range(10):
        if t.i in (trigger.i, verb.i):
            return True
        # a cue in another clause is another act; a cue coordinated inside the object NP
        # ("fired shells, rockets and machine guns at ...") is this act's
        if t.dep_ in ("relcl", "advcl", "ccomp") or (t.dep_ == "conj" and t.pos_ in ("VERB", "AUX")) or t.head.i == t.i:
            return False
        t = t.head
    return False


def _type_generic(
    sent: Span, trigger: Token, cues: list[Match], a1: list[ActorMention], a2: list[ActorMention],
    default: SubEventType | None,
) -> SubEventType:
    """Type a generic violence trigger: cues first, then the target, then the victims."""
    _, cue_rules = load_rules()
    groups = {c.rule.group for c in cues if _near(trigger, c)}
    for rule in cue_rules:  # precedence order of the cue list
        if rule.group in groups and rule.sub_event_type:
            return rule.sub_event_type
    target = next((m for m in a2 if m.entry), None)
    if target is not None and target.entry is not None and target.entry.inter is not None:
        if target.entry.inter == 7:
            return SubEventType.ATTACK
        if target.entry.inter in (1, 2, 3, 4, 8):
            return SubEventType.ARMED_CLASH
    if default is not None:
        return default
    victims = _victims(sent, trigger.i)
    if victims == "civilian":
        return SubEventType.ATTACK
    if victims == "armed":
        return SubEventType.ARMED_CLASH
    return SubEventType.ATTACK


def _territory_type(a1: list[ActorMention]) -> SubEventType:
    """State forces retaking ground vs a non-state actor taking it."""
    actor = next((m for m in a1 if m.entry), None)
    if actor is None or actor.entry is None:
        return SubEventType.ARMED_CLASH
    if actor.entry.inter in (1, 8):
        return SubEventType.GOVERNMENT_REGAINS_TERRITORY
    return SubEventType.NON_STATE_OVERTAKES_TERRITORY


def sentence_mentions(doc: Doc, actors: Sequence[ActorMention] | None = None) -> list[EventMention]:
    """Event mentions sentence by sentence, in text order.

    Args:
        doc: a parsed text (needs the parser for sentences and roles).
        actors: actor mentions of ``doc`` (found when not given).

    Returns:
        One or more mentions per sentence that reports an event.
    """
    actors = list(actors) if actors is not None else find_actors(doc)
    by_token: dict[int, ActorMention] = {}
    for a in actors:
        for i in range(a.start, a.end):
            by_token[i] = a
    out: list[EventMention] = []
    for si, sent in enumerate(doc.sents):
        matches = find_matches(sent)
        if not matches:
            continue
        cues = [m for m in matches if m.rule.kind == "cue"]
        cue_groups = {c.rule.group for c in cues}
        trig = [m for m in matches if m.rule.kind != "cue" and not _in_actor(m, by_token)
                and (not m.rule.requires or cue_groups.intersection(m.rule.requires))]
        trig = [m for m in trig if not is_suppressed(doc[m.start]) and not _means_showing(doc[m.start])]
        trig = _drop_grievances(doc, trig)
        sent_actors = [a for a in actors if sent.start <= a.start < sent.end]
        if not _violent_context(sent, cues, sent_actors, trig):
            # generic words ("attacked", "shot", "blasted") used figuratively: no weapon, no
            # casualty, no armed party or victim in the sentence
            trig = [m for m in trig if m.rule.sub_event_type is not None or m.rule.kind == "modifier"]
        events = [m for m in trig if m.rule.kind == "event"]
        foreground = [m for m in events if not _is_background(doc[m.start])]
        if foreground and len(foreground) < len(events):
            trig = [m for m in trig if m.rule.kind != "event" or m in foreground]
            events = foreground
        modifiers = [m for m in trig if m.rule.kind == "modifier"]
        casualties = [m for m in trig if m.rule.kind == "casualty"]
        if not events and not casualties:
            continue
        clusters: list[EventMention] = []
        # a killing beside only strategic triggers ("killed 15 militants and burnt depots")
        # is a violent event of its own
        if casualties and all(_strategic(m) for m in events):
            events = events + casualties[:1]
        for m in sorted(events or casualties[:1], key=lambda m: (0 if m.rule.kind == "casualty" and _all_strategic(events) else 1, -m.rule.priority, m.start)):
            tok = doc[m.start]
            a1, a2 = _roles(tok, by_token)
            rule = m.rule
            generic = rule.sub_event_type is None
            if rule.territory:
                if not _object_is_place(tok):
                    continue
                sub = _territory_type(a1 or _fallback_a1(tok, sent_actors, a2))
            elif generic:
                sub = _type_generic(sent, tok, cues, a1, a2, rule.default)
            else:
                sub = rule.sub_event_type  # type: ignore[assignment]
            joined = _join(clusters, m, sub, generic, tok)
            if joined is not None:
                joined.triggers.append(m)
                joined.actor1 = _dedup(joined.actor1 + a1)
                joined.actor2 = _dedup(joined.actor2 + [x for x in a2 if x not in joined.actor1])
                if _RANK.get(sub, 0) > _RANK.get(joined.sub_event_type, 0) and _group(sub) == _group(joined.sub_event_type):
                    joined.sub_event_type, joined.rule_id = sub, rule.id
                if joined.generic and not generic:
                    joined.sub_event_type, joined.rule_id, joined.generic = sub, rule.id, False
                continue
            em = EventMention(
                sent_index=si, sent_start=sent.start_char, sent_end=sent.end_char, triggers=[m],
                sub_event_type=sub, rule_id=rule.id, priority=rule.priority, generic=generic,
                casualty_only=not events, coreferent=_is_coref(tok, rule), actor1=a1,
                actor2=[x for x in a2 if x not in a1],
            )
            clusters.append(em)
        for em in clusters:
            for mod in modifiers:
                if mod.rule.applies_to and em.sub_event_type in mod.rule.applies_to and mod.rule.sub_event_type:
                    if _RANK.get(mod.rule.sub_event_type, 0) > _RANK.get(em.sub_event_type, 0):
                        em.sub_event_type, em.rule_id = mod.rule.sub_event_type, mod.rule.id
                    em.triggers.append(mod)
            first_tok = doc[min(t.start for t in em.triggers)]
            if not em.actor1:
                em.actor1 = _fallback_a1(first_tok, sent_actors, em.actor2)
            if not em.actor2 and em.sub_event_type not in _PROTEST_TYPES:
                em.actor2 = _fallback_a2(first_tok, sent_actors, em.actor1)
            _set_implied(em)
            em.reported = _is_reported(doc[em.triggers[0].start])
            em.spans = sorted((doc[t.start].idx, doc[t.end - 1].idx + len(doc[t.end - 1])) for t in em.triggers)
            out.append(em)
    return out


def _strategic(m: Match) -> bool:
    sub = m.rule.sub_event_type
    return sub is not None and SUB_EVENT_PARENT[sub] == EventType.STRATEGIC and sub != SubEventType.ARRESTS


def _all_strategic(events: list[Match]) -> bool:
    return all(_strategic(m) or m.rule.kind == "casualty" for m in events)


def _drop_grievances(doc: Doc, trig: list[Match]) -> list[Match]:
    """Drop triggers inside what a protest is about ("protest against the detention of ...")."""
    protests = [m for m in trig if m.rule.sub_event_type == SubEventType.PEACEFUL_PROTEST]
    if not protests:
        return trig
    out = []
    for m in trig:
        tok = doc[m.start]
        inside = False
        for p in protests:
            if p is m:
                continue
            ptok = doc[p.start]
            if tok.i != ptok.i and tok in ptok.subtree:
                # only across a preposition/clausal complement: the grievance, not the protest's own act
                t = tok
                while t.head.i != ptok.i and t.head.i != t.i:
                    t = t.head
                if t.dep_ in ("prep", "acl", "advcl", "relcl", "xcomp") or any(
                    a.dep_ == "prep" for a in tok.ancestors if ptok in a.ancestors or a.i == ptok.i):
                    inside = True
                    break
        if not inside:
            out.append(m)
    return out


def _in_actor(m: Match, by_token: dict[int, ActorMention]) -> bool:
    """A trigger word inside an actor name ("Air Force", "Popular Resistance") is no trigger."""
    if not all(i in by_token for i in range(m.start, m.end)):
        return False
    entry = by_token[m.start].entry
    # generic nouns ("protesters", "angry mob") still tell the event; named actors do not
    return not (entry is not None and entry.templated and not entry.state_role)


def _fallback_a1(tok: Token, sent_actors: list[ActorMention], a2: list[ActorMention]) -> list[ActorMention]:
    """Nearest armed/state actor before the trigger when the parse gave no subject."""
    before = [a for a in sent_actors if a.end <= tok.i and a not in a2 and not (a.entry and a.entry.inter == 7)]
    return before[-1:] if before else []


def _fallback_a2(tok: Token, sent_actors: list[ActorMention], a1: list[ActorMention]) -> list[ActorMention]:
    """First actor after the trigger when the parse gave no object."""
    after = [a for a in sent_actors if a.start >= tok.i and a not in a1]
    return after[:1]


def _set_implied(em: EventMention) -> None:
    """Protests are coded with Protesters, riots with Rioters, whoever the text names."""
    if em.sub_event_type in (SubEventType.PEACEFUL_PROTEST, SubEventType.PROTEST_WITH_INTERVENTION,
                             SubEventType.EXCESSIVE_FORCE):
        em.implied_actor1 = "gen-protesters"
        # the intervening force is actor2
        state = [a for a in em.actor1 + em.actor2 if a.entry and a.entry.inter in (1, 8)]
        em.actor2 = state[:1] if em.sub_event_type != SubEventType.PEACEFUL_PROTEST else []
        em.actor1 = []
    elif em.sub_event_type in (SubEventType.VIOLENT_DEMONSTRATION, SubEventType.MOB_VIOLENCE):
        em.implied_actor1 = "gen-rioters"
        em.actor1 = []
        em.actor2 = [a for a in em.actor2 if a.entry and a.entry.inter in (1, 7, 8)][:1]


def _join(clusters: list[EventMention], m: Match, sub: SubEventType, generic: bool, tok: Token) -> EventMention | None:
    """The sentence cluster a further trigger belongs to, if any."""
    if not clusters:
        return None
    if m.rule.kind == "casualty":
        violent = [c for c in clusters if SUB_EVENT_PARENT[c.sub_event_type] != EventType.STRATEGIC
                   or c.sub_event_type == SubEventType.ARRESTS]
        return violent[0] if violent else None
    if generic:
        return clusters[0]
    for c in clusters:
        if _group(c.sub_event_type) == _group(sub) or c.generic:
            return c
        # a trigger inside the main trigger's clause describes the same act
        main = tok.doc[c.triggers[0].start]
        if tok in main.subtree and tok.dep_ not in ("conj", "advcl"):
            return c
    return None


# --------------------------------------------------------------------- merging


def merge_mentions(
    mentions: list[EventMention],
    compatible: Callable[[EventMention, EventMention], bool] | None = None,
) -> list[DetectedEvent]:
    """Merge sentence mentions of one event across a document.

    Two mentions merge when they belong to the same sub-event family (or the later one is a
    casualty-only or generic mention), their actors do not contradict, ``compatible`` (place
    and date check supplied by the caller) agrees, and the later one is near
    (``MERGE_WINDOW`` sentences) or told with a definite "the strike".

    Args:
        mentions: sentence mentions in text order.
        compatible: extra check, e.g. that places and dates do not differ.

    Returns:
        Events in text order of their first mention.
    """
    events: list[DetectedEvent] = []
    for m in mentions:
        target = None
        for ev in reversed(events):
            last = ev.mentions[-1]
            near = m.sent_index - last.sent_index <= MERGE_WINDOW
            same_family = _group(ev.sub_event_type) == _group(m.sub_event_type)
            coref_generic = m.generic and m.coreferent and ev.event_type != EventType.STRATEGIC
            if not (same_family or m.casualty_only or coref_generic
                    or (m.generic and SUB_EVENT_PARENT[m.sub_event_type] == ev.event_type)):
                continue
            if m.sent_index == last.sent_index and not m.casualty_only:
                continue
            if not (near or (m.coreferent and (same_family or coref_generic))):
                continue
            if not _actors_compatible(ev, m):
                continue
            if compatible is not None and not compatible(ev.mentions[-1], m):
                continue
            target = ev
            break
        if target is None:
            events.append(DetectedEvent(m.sub_event_type, [m], m.rule_id))
            continue
        target.mentions.append(m)
        # a party's claim of a gain ("X said it took the hills") does not retype a fight
        # the text itself reports; told by the text, the gain does
        if (_RANK.get(m.sub_event_type, 0) > _RANK.get(target.sub_event_type, 0)
                and _group(m.sub_event_type) == _group(target.sub_event_type)
                and not (m.reported and not all(x.reported for x in target.mentions[:-1]))):
            target.sub_event_type, target.rule_id = m.sub_event_type, m.rule_id
        elif (not m.reported and all(x.reported for x in target.mentions[:-1])
              and _group(m.sub_event_type) == _group(target.sub_event_type) and not m.casualty_only):
            # what the text reports itself ("fighting killed 11") codes the event a party's
            # claim ("X says it seized the hills") started
            target.sub_event_type, target.rule_id = m.sub_event_type, m.rule_id
        elif target.first.casualty_only and not m.casualty_only:
            target.sub_event_type, target.rule_id = m.sub_event_type, m.rule_id
    return events


def _actors_compatible(ev: DetectedEvent, m: EventMention) -> bool:
    """Known actor1s of both must share an entry (either role for clashes)."""
    a = {x.rule_id for x in ev.actors("actor1") if x.entry}
    b = {x.rule_id for x in m.actor1 if x.entry}
    if not a or not b or a & b:
        return True
    if ev.event_type == EventType.BATTLES:
        other = {x.rule_id for x in ev.actors("actor2") if x.entry}
        return bool(b & other)
    return False


def score_salience(events: list[DetectedEvent], n_sentences: int, title_sentences: int = 0) -> None:
    """Set each event's base salience: early position, title, repeated mentions.

    Args:
        events: merged events.
        n_sentences: sentences in the document (for the position share).
        title_sentences: how many leading sentences are the title.
    """
    for ev in events:
        first = ev.first.sent_index
        position = 1.0 - first / max(1, n_sentences)
        score = SALIENCE_POSITION * position + SALIENCE_MENTIONS * math.log1p(len(ev.mentions) - 1)
        if first < max(1, title_sentences):
            score += SALIENCE_TITLE
        if all(m.casualty_only for m in ev.mentions):
            score -= 0.2
        ev.salience = score


def detect_events(
    doc: Doc,
    compatible: Callable[[EventMention, EventMention], bool] | None = None,
    actors: Sequence[ActorMention] | None = None,
) -> list[DetectedEvent]:
    """Detect, type and merge the events of a parsed text (text order; salience set).

    Args:
        doc: a parsed text.
        compatible: optional place/date check used when merging.
        actors: actor mentions of ``doc`` (found when not given).
    """
    mentions = sentence_mentions(doc, actors)
    events = merge_mentions(mentions, compatible)
    score_salience(events, sum(1 for _ in doc.sents))
    return events
