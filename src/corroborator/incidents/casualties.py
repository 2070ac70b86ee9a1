"""Casualty counts: parse counts, find killed/wounded mentions, merge them, ACLED's headline.

Data files (package data under ``incidents/rules/``):

* ``quantities.yaml``: number words, zero words, vague quantifiers (with the figure ACLED
  codes for each), comparators ("at least", "more than", "up to") and range connectors.
* ``casualty_patterns.yaml``: lexicons, regex macros and the casualty rules, each with an
  ``id``, a ``role`` and a ``pattern``; subset, revision and exclusion cues.

Traceability. ``CasualtyMention.rule_id`` is the casualty rule's id, followed by
``+<cue id>`` when a revision cue ("later", "initially", "rose to") sits next to it.
The mention's ``count.rule_id`` is ``"<role>:<casualty rule id>/<quantity id>"``, e.g.
``"count:cas.object-active/q.digits"`` or ``"combined:cas.combined-active/q.dozens"``: a
merged ``Casualty`` carries only its ``CountRange``, and ``headline_fatalities`` needs the
role (is this a toll, a subset, killed-and-injured together?) and the quantity (what ACLED
codes for "dozens"). ``parse_count`` alone returns the bare quantity id (``"q.digits"``).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from corroborator import resources
from corroborator.errors import RuleError
from corroborator.records import Casualty, CountRange

LOGGER = logging.getLogger(__name__)

QUANTITIES = "incidents/rules/quantities.yaml"
CASUALTY_RULES = "incidents/rules/casualty_patterns.yaml"

KINDS = ("killed", "wounded")
ROLES = ("count", "total", "coded", "combined", "either", "zero", "subset")

# Longest digit run read as a count: longer runs are identifiers, not people.
MAX_DIGITS = 9
# How far before a count a subset cue ("including", "among them") may sit, in characters.
SUBSET_WINDOW = 40
# How far before a mention a modal ("would", "attempted to") cancels it, in characters.
IRREALIS_WINDOW = 40
# Nouns a counted group may have: "Two Kurdish civilians from the town (...)" is 7 words.
GROUP_MAX_WORDS = 12


# ---------------------------------------------------------------------- rule files


def read_rule_file(relative: str) -> tuple[str, Any, dict[str, int]]:
    """Read a YAML rule file: its path, its data and the line of every ``id:`` in it.

    Raises:
        RuleError: the file cannot be read or is not valid YAML.
    """
    path = str(resources.package_path(relative))
    try:
        text = resources.package_path(relative).read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleError(path, None, f"cannot read rule file: {exc.strerror or exc}") from exc
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RuleError(path, mark.line + 1 if mark else None, f"invalid YAML: {exc}") from exc
    lines: dict[str, int] = {}
    _collect_id_lines(root, lines, path)
    return path, data, lines


def _collect_id_lines(node: Any, lines: dict[str, int], path: str) -> None:
    """Walk a composed YAML tree and record the line of each mapping's ``id``; ids must be unique."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "id" and isinstance(value, yaml.ScalarNode):
                if value.value in lines:
                    raise RuleError(path, key.start_mark.line + 1, f"duplicate rule id {value.value!r}")
                lines[value.value] = key.start_mark.line + 1
            else:
                _collect_id_lines(value, lines, path)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _collect_id_lines(item, lines, path)


def _entries(path: str, data: Any, key: str, lines: dict[str, int], required: tuple[str, ...]) -> list[dict[str, Any]]:
    """The list under ``key``, each entry a mapping with an ``id`` and the ``required`` fields."""
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise RuleError(path, None, f"expected a list under {key!r}")
    out = []
    for entry in data[key]:
        if not isinstance(entry, dict) or not entry.get("id"):
            raise RuleError(path, None, f"an entry under {key!r} has no 'id': {entry!r}")
        for field in required:
            if field not in entry:
                raise RuleError(path, lines.get(entry["id"]), f"rule {entry['id']!r} lacks {field!r}")
        out.append(entry)
    return out


def _alternation(words: Sequence[str]) -> str:
    """A regex alternation of phrases, longest first, spaces matching any whitespace."""
    ordered = sorted({w.strip() for w in words if w and w.strip()}, key=len, reverse=True)
    return "(?:" + "|".join(r"\s+".join(re.escape(p) for p in w.split()) for w in ordered) + ")"


def _wb(alternation: str) -> str:
    """Wrap an alternation in word boundaries that also work next to punctuation."""
    return r"(?<![\w'’\-])" + alternation + r"(?![\w'’]|-[A-Za-z])"


# ---------------------------------------------------------------------- quantities


@dataclass(frozen=True, slots=True)
class _Vague:
    id: str
    low: int
    high: int | None
    acled: int
    acled_combined: int


@dataclass(frozen=True, slots=True)
class _Quantities:
    units: dict[str, int]
    tens: dict[str, int]
    scales: dict[str, int]
    zero: dict[str, str]  # phrase -> id
    vague: dict[str, _Vague]  # phrase -> entry
    vague_by_id: dict[str, _Vague]
    comparators: dict[str, tuple[str, str]]  # phrase -> (id, mode)
    ranges: tuple[tuple[str, re.Pattern[str]], ...]
    number: str  # regex: one number, digits or words
    count: str  # regex: a full count expression
    count_start: str  # regex: the first word of any count (cheap look-ahead)


_MODES = ("at_least", "more_than", "up_to", "fewer", "approx")


@functools.cache
def _quantities() -> _Quantities:
    """Load and validate quantities.yaml (once per process)."""
    path, data, lines = read_rule_file(QUANTITIES)
    words: dict[str, dict[str, int]] = {}
    for entry in _entries(path, data, "number_words", lines, ("values",)):
        values = entry["values"]
        if not isinstance(values, dict) or not all(isinstance(v, int) and v >= 0 for v in values.values()):
            raise RuleError(path, lines.get(entry["id"]), f"rule {entry['id']!r}: values must map words to integers")
        words[entry["id"]] = {str(k).lower(): v for k, v in values.items()}
    for needed in ("nw.units", "nw.tens", "nw.scales"):
        if needed not in words:
            raise RuleError(path, None, f"number_words needs an entry {needed!r}")
    zero = {}
    for entry in _entries(path, data, "zero", lines, ("phrases",)):
        for phrase in entry["phrases"]:
            zero[_norm(str(phrase))] = entry["id"]
    vague: dict[str, _Vague] = {}
    by_id: dict[str, _Vague] = {}
    for entry in _entries(path, data, "vague", lines, ("phrases", "low", "high", "acled", "acled_combined")):
        low, high = entry["low"], entry["high"]
        if not isinstance(low, int) or (high is not None and (not isinstance(high, int) or high < low)):
            raise RuleError(path, lines.get(entry["id"]), f"rule {entry['id']!r}: need integer low <= high")
        item = _Vague(entry["id"], low, high, int(entry["acled"]), int(entry["acled_combined"]))
        by_id[item.id] = item
        for phrase in entry["phrases"]:
            vague[_norm(str(phrase))] = item
    comparators = {}
    for entry in _entries(path, data, "comparators", lines, ("phrases", "mode")):
        if entry["mode"] not in _MODES:
            raise RuleError(path, lines.get(entry["id"]), f"rule {entry['id']!r}: mode must be one of {_MODES}")
        for phrase in entry["phrases"]:
            comparators[_norm(str(phrase))] = (entry["id"], entry["mode"])

    units, tens, scales = words["nw.units"], words["nw.tens"], words["nw.scales"]
    scale = _alternation(list(scales))
    # a loose shape (any run of number words); _number_value checks the grammar
    any_word = _alternation(list(units) + list(tens) + list(scales))
    after_scale = "(?:" + "|".join(f"(?<={re.escape(w)})" for w in scales) + ")"
    word_number = (rf"(?:(?:half\s+)?a\s+(?={scale}))?{any_word}(?:(?:{after_scale}\s+and\s+|[\-\s]+)"
                   rf"(?={any_word}\b){any_word})*")
    # digits not glued to letters, money signs, decimals or hyphenated words ("Su-24", "30-day")
    digits = (r"(?<![\w$€£#.,/])(?<![A-Za-z]-)(?:\d{1,3}(?:,\d{3})+|\d{1,%d})"
              r"(?![\w/%%]|-[A-Za-z]|[.,]\d)" % MAX_DIGITS)
    number = rf"(?:{digits}|{_wb(word_number)})"
    exact_vague = [p for p, v in vague.items() if v.low == v.high]
    number_or_dozen = rf"(?:{number}|{_wb(_alternation(exact_vague))})"

    ranges = []
    for entry in _entries(path, data, "ranges", lines, ("pattern",)):
        src = str(entry["pattern"]).replace("{N}", number)
        try:
            ranges.append((entry["id"], re.compile(src, re.IGNORECASE)))
        except re.error as exc:
            raise RuleError(path, lines.get(entry["id"]), f"rule {entry['id']!r}: bad pattern: {exc}") from exc
    # The scanner's count delimits a count; parse_count (with the range rules above) reads
    # it. One generic shape keeps the compiled casualty patterns small: a comparator and a
    # number, or a number with an optional range/"or more" tail, or a vague or zero word.
    comparator = _wb(_alternation(list(comparators))) + rf"\s+{number_or_dozen}"
    tail = rf"(?:\s*[-–—]\s*{number}|\s+(?:to|or)\s+{number}|\s+or\s+more|\s*\+|\s+plus)?"
    between = rf"\bbetween\s+{number}\s+(?:and|to|-|–)\s+{number}"
    count = ("(?:" + "|".join([between, comparator, number_or_dozen + tail,
                               _wb(_alternation(list(vague))), _wb(_alternation(list(zero)))]) + ")")
    starts = {p.split()[0] for p in list(vague) + list(zero) + list(comparators)} | set(units) | set(tens)
    count_start = r"(?:\d[\d,]*(?![\w\-])|" + _wb(_alternation(sorted(starts))) + ")"
    return _Quantities(units, tens, scales, zero, vague, by_id, comparators, tuple(ranges), number, count,
                       count_start)


def _norm(text: str) -> str:
    """Lower-case, straighten quotes and dashes, collapse whitespace."""
    text = text.replace("’", "'").replace("–", "-").replace("—", "-").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip().lower()


def _number_value(text: str) -> int | None:
    """The integer written as digits or English number words, or None."""
    q = _quantities()
    s = _norm(text)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d{1,%d}" % MAX_DIGITS, s):
        return int(s.replace(",", ""))
    tokens = [t for t in re.split(r"[\s\-]+", s) if t]
    if not tokens:
        return None
    if len(tokens) == 3 and tokens[:2] == ["half", "a"] and tokens[2] in q.scales:
        return q.scales[tokens[2]] // 2  # "half a million"
    total, current, last = 0, 0, None
    for i, token in enumerate(tokens):
        if token == "a" and i == 0 and len(tokens) > 1 and tokens[1] in q.scales:
            current, last = 1, "unit"
        elif token == "and":
            if last != "scale" or i == len(tokens) - 1:
                return None
            last = "and"
        elif token in q.units:
            if last == "unit" or (last == "tens" and not 0 < q.units[token] < 10):
                return None
            if q.units[token] == 0 and len(tokens) > 1:
                return None
            current += q.units[token]
            last = "unit"
        elif token in q.tens:
            if last in ("unit", "tens") or current % 100:
                return None
            current += q.tens[token]
            last = "tens"
        elif token in q.scales:
            value = q.scales[token]
            if last not in ("unit", "tens"):
                return None
            if value == 100:
                if current >= 100 or current == 0:
                    return None
                current *= 100
            else:
                if current == 0:
                    return None
                total += current * value
                current = 0
            last = "scale"
        else:
            return None
    return total + current


def parse_count(text: str) -> CountRange | None:
    """Parse a count such as "33", "thirty-three", "at least 100", "between 9 and 33", "dozens".

    Conventions (see quantities.yaml): "more than 50" -> 50..None (ACLED codes the stated
    figure; the range stays a true lower bound); "up to 12" -> 1..12 (a source saying "up
    to" reports some casualties); "about 30" -> 30..30; vague words take their table range;
    "no"/"zero"/"none" -> 0..0.

    Args:
        text: the count phrase alone.

    Returns:
        The range with ``mention`` set to ``text`` and ``rule_id`` to the quantity rule, or
        None when the text is not a count. Never raises.
    """
    if not isinstance(text, str) or len(text) > 200:
        return None
    try:
        return _parse_count(text)
    except (ValueError, OverflowError, re.error) as exc:  # defensive: a count must never raise
        LOGGER.debug("parse_count(%r) failed: %s", text, exc)
        return None


def _parse_count(text: str) -> CountRange | None:
    """parse_count without the guard."""
    q = _quantities()
    s = _norm(text).strip(" \"'.,;:!?()[]")
    if not s:
        return None
    n = _number_value(s)
    if n is not None:
        return CountRange(n, n, mention=text, rule_id="q.digits" if s[0].isdigit() else "q.words")
    for rule_id, pattern in q.ranges:
        m = pattern.fullmatch(s)
        if m:
            a, b = _exact(m.group("a")), _exact(m.group("b"))
            if a is not None and b is not None and a < b:
                return CountRange(a, b, mention=text, rule_id=rule_id)
    m = re.fullmatch(r"(.+?)(?:\s+or\s+more|\s*\+|\s+plus)", s)
    if m and _exact(m.group(1)) is not None:
        return CountRange(_exact(m.group(1)) or 0, None, mention=text, rule_id="q.at-least")
    for phrase in sorted(q.comparators, key=len, reverse=True):
        if s.startswith(phrase + " "):
            n = _exact(s[len(phrase) + 1:].strip())
            if n is None:
                continue
            rule_id, mode = q.comparators[phrase]
            low, high = _apply_mode(mode, n)
            return CountRange(low, high, mention=text, rule_id=rule_id)
    if s in q.vague:
        v = q.vague[s]
        return CountRange(v.low, v.high, mention=text, rule_id=v.id)
    if s in q.zero:
        return CountRange(0, 0, mention=text, rule_id=q.zero[s])
    return None


def _exact(s: str) -> int | None:
    """An exact number: digits, words or an exact vague phrase ("a dozen")."""
    n = _number_value(s)
    if n is not None:
        return n
    v = _quantities().vague.get(_norm(s))
    return v.low if v is not None and v.low == v.high else None


def _apply_mode(mode: str, n: int) -> tuple[int, int | None]:
    """The range a comparator makes of ``n``."""
    if mode in ("at_least", "more_than"):
        return n, None
    if mode == "up_to":
        return min(1, n), n
    if mode == "fewer":
        return (min(1, n - 1), n - 1) if n > 0 else (0, 0)
    return n, n


# ---------------------------------------------------------------------- casualty rules


@dataclass(frozen=True, slots=True)
class _Rule:
    id: str
    role: str
    kind: str | None
    count: str | None
    revision: bool
    pattern: re.Pattern[str]
    object_list: bool  # the counted list follows the verb (<<OBJ_LIST>>)
    # strings a match must contain (each set: at least one of it, in lower case); see _required
    needs: tuple[frozenset[str], ...] = ()


@dataclass(frozen=True, slots=True)
class _Casualty:
    rules: tuple[_Rule, ...]
    subset: tuple[tuple[str, re.Pattern[str]], ...]
    revision: tuple[tuple[str, re.Pattern[str]], ...]
    exclusions: tuple[tuple[str, str, re.Pattern[str]], ...]
    conj: re.Pattern[str]
    obj_conj: re.Pattern[str]
    separator: re.Pattern[str]
    non_person: frozenset[str]
    plurals: dict[str, str]


_KIND_VALUES = ("killed", "wounded", "both", "from_nouns", "from_verb_or_both", "inherit")


@functools.cache
def _casualty_rules() -> _Casualty:
    """Load, expand and compile casualty_patterns.yaml (once per process)."""
    q = _quantities()
    path, data, lines = read_rule_file(CASUALTY_RULES)
    if not isinstance(data, dict):
        raise RuleError(path, None, "expected a mapping")
    names: dict[str, str] = {}
    for name, words in (data.get("lexicons") or {}).items():
        if not isinstance(words, list) or not words:
            raise RuleError(path, None, f"lexicon {name!r} must be a non-empty list")
        names[name] = _wb(_alternation([str(w) for w in words]))
    for name, src in (data.get("macros") or {}).items():
        names[name] = str(src)
    nonviolent = [str(w) for e in _entries(path, data, "nonviolent_causes", lines, ("words",)) for w in e["words"]]
    names["NONVIOLENT"] = _wb(_alternation(nonviolent))
    names["COUNT"] = q.count
    article = _wb(r"(?:an?|another|one\s+other|the\s+other|the|his|her|its|their|he|she|him|himself|herself)")
    names["COUNTX"] = rf"(?:(?:(?:all\s+(?:of\s+)?)?(?:the|these|those)\s+|all\s+)?{q.count}|{article})"
    # stop words are matched case-sensitively: "IS militants" is a group, "is" a verb
    stop = "(?-i:" + names.get("GROUP_STOP", "(?!)") + ")"
    obj_stop = "(?-i:" + names.get("OBJECT_STOP", "(?!)") + ")"
    # a group word; a verb with an object ("the other detonated his belt", "a protest carrying
    # the coffins") ends the group
    word = (r"(?:(?:[A-Za-z]\.){2,}"  # "U.S."
            r"|(?![A-Za-z]+(?:ed|ing)\s+(?:his|her|their|its|the|an?)\b)[A-Za-z][\w'’\-]*"
            r"|\d+(?:st|nd|rd|th)\b|\d+-[A-Za-z][\w\-]*|\([^()]{0,80}\))")
    # "one of the two pilots": a partitive may hold a number
    partitive = rf"of\s+(?:the|them|those|these)\b(?:\s+{q.number})?"

    def group_of(stops: str) -> str:
        words = (rf"(?!{stops}|{q.count_start}(?!\s*\())(?:{word})"
                 # possessive: a group never gives words back, so matching stays linear
                 rf"(?:\s+(?!{stops}|{q.count_start})(?:{word})){{0,{GROUP_MAX_WORDS - 1}}}+")
        return rf"(?:{partitive}(?:\s+{words})?|{words})"

    group = group_of(stop)
    obj_group = group_of(f"{stop}|{obj_stop}")
    names["CONJ"] = rf"(?:<<COUNTX>>(?:\s+{group})?)"
    names["OBJ_CONJ"] = rf"(?:<<COUNTX>>(?:\s+{obj_group})?)"

    def expand(src: str, depth: int = 0, table: dict[str, str] | None = None) -> str:
        table = names if table is None else table
        if depth > 8:
            raise RuleError(path, None, "macros nest too deeply")
        out = re.sub(r"<<(\w+)>>", lambda m: table[m.group(1)] if m.group(1) in table else m.group(0), src)
        unknown = re.findall(r"<<(\w+)>>", out)
        if unknown and all(u not in table for u in unknown):
            raise RuleError(path, None, f"unknown name(s) {sorted(set(unknown))}")
        return out if out == src else expand(out, depth + 1, table)

    # The pre-filter reads required words off a lighter regex: counts and groups of words made
    # optional. Dropping parts only drops requirements, so the filter stays conservative, and
    # parsing stays fast (the full count and group expressions are tens of kB per rule).
    light = dict(names, COUNT="(?:)?", COUNTX="(?:)?", CONJ="(?:)?", OBJ_CONJ="(?:)?")

    def required(entry: dict[str, Any]) -> tuple[frozenset[str], ...]:
        try:
            return _required(re.compile(expand(str(entry["pattern"]), table=light), re.IGNORECASE))
        except (re.error, RuleError) as exc:  # the full pattern compiled: only the filter is lost
            LOGGER.debug("rule %s: no pre-filter (%s)", entry["id"], exc)
            return ()

    def compile_(entry: dict[str, Any], key: str = "pattern") -> re.Pattern[str]:
        try:
            return re.compile(expand(str(entry[key])), re.IGNORECASE)
        except (re.error, KeyError) as exc:
            raise RuleError(path, lines.get(entry["id"]), f"rule {entry['id']!r}: bad {key!r}: {exc}") from exc
        except RuleError as exc:
            raise RuleError(path, lines.get(entry["id"]), f"rule {entry['id']!r}: {exc.reason}") from exc

    rules = []
    for entry in _entries(path, data, "rules", lines, ("pattern", "role")):
        line = lines.get(entry["id"])
        if entry["role"] not in ROLES:
            raise RuleError(path, line, f"rule {entry['id']!r}: role must be one of {ROLES}")
        kind = entry.get("kind")
        if kind is not None and kind not in _KIND_VALUES:
            raise RuleError(path, line, f"rule {entry['id']!r}: kind must be one of {_KIND_VALUES}")
        count = entry.get("count")
        if count is not None and count not in q.vague_by_id:
            raise RuleError(path, line, f"rule {entry['id']!r}: unknown quantity id {count!r}")
        pattern = compile_(entry)
        if entry["role"] != "zero" and "list" not in pattern.groupindex and count is None:
            raise RuleError(path, line, f"rule {entry['id']!r}: needs a (?P<list>...) group or a fixed count")
        if kind is None and "kill" not in pattern.groupindex and entry["role"] != "zero":
            raise RuleError(path, line, f"rule {entry['id']!r}: needs a kind or (?P<kill>...)/(?P<wound>...) groups")
        rules.append(_Rule(entry["id"], entry["role"], kind, count, bool(entry.get("revision")), pattern,
                           "<<OBJ_LIST>>" in str(entry["pattern"]), required(entry)))
    subset = tuple((e["id"], compile_(e)) for e in _entries(path, data, "subset_cues", lines, ("pattern",)))
    revision = tuple((e["id"], compile_(e)) for e in _entries(path, data, "revision_cues", lines, ("pattern",)))
    exclusions = []
    for e in _entries(path, data, "exclusions", lines, ("pattern", "scope")):
        if e["scope"] not in ("before", "sentence_before"):
            raise RuleError(path, lines.get(e["id"]), f"rule {e['id']!r}: scope must be before or sentence_before")
        exclusions.append((e["id"], e["scope"], compile_(e)))
    non_person = frozenset(str(w).lower() for e in _entries(path, data, "non_person_nouns", lines, ("words",))
                           for w in e["words"])
    plurals: dict[str, str] = {}
    for e in _entries(path, data, "irregular_plurals", lines, ("words",)):
        plurals.update({str(k).lower(): str(v).lower() for k, v in e["words"].items()})
    conj = re.compile(rf"(?P<count>{expand('<<COUNTX>>')})(?:\s+(?P<group>{group}))?", re.IGNORECASE)
    obj_conj = re.compile(rf"(?P<count>{expand('<<COUNTX>>')})(?:\s+(?P<group>{obj_group}))?", re.IGNORECASE)
    separator = re.compile(r"\s*,\s*and\s+|\s+and\s+|\s*,\s*", re.IGNORECASE)
    return _Casualty(tuple(rules), subset, revision, tuple(exclusions), conj, obj_conj, separator, non_person, plurals)


# ---------------------------------------------------------------------- finding


@dataclass(frozen=True, slots=True)
class CasualtyMention:
    """One statement of killed or wounded people in a text.

    ``start``/``end`` are offsets in the text passed to ``find_casualties``; ``group`` is the
    counted noun phrase as written ("" when the text names none); ``rule_id`` names the
    casualty rule (and any revision cue, after a ``+``).
    """

    start: int
    end: int
    kind: str  # "killed" | "wounded"
    group: str
    count: CountRange
    rule_id: str


_SINGULAR_ARTICLES = ("a", "an", "another", "one other", "the other", "he", "she", "him", "himself", "herself")
_POSSESSIVE_ARTICLES = ("the", "his", "her", "its", "their")
_PRONOUNS = ("he", "she", "him", "her", "himself", "herself")
# Words before a number that make it an age, an identifier or a unit, not a head count.
_NOT_A_HEADCOUNT_BEFORE = re.compile(
    r"(?:\b(?:aged?|ages|route|highway|road|no|number|resolution|article|flight|bus|page|room|block|street|"
    r"km|kilometres?|kilometers?|brigade|battalion|division|unit|regiment|squadron|sector|zone|paragraph|"
    r"chapter|section|item)\.?|[$€£#])\s*$", re.IGNORECASE)


def find_casualties(text: str) -> list[CasualtyMention]:
    """Find statements of killed and wounded people in a sentence or paragraph.

    Args:
        text: the text; offsets in the result index into it.

    Returns:
        Mentions in text order. Counts of things that are not people, hypothetical verbs
        ("attempted to kill"), deaths from disease and deaths being commemorated are left
        out; "no one was killed" gives killed 0. Never raises on a string.
    """
    if not isinstance(text, str) or not text.strip():
        return []
    global _CACHED_FOR
    tables = (_casualty_rules(), _quantities())
    if _CACHED_FOR is None or any(a is not b for a, b in zip(tables, _CACHED_FOR)):
        _find_cached.cache_clear()  # rule tables reloaded: remembered results are stale
        _CACHED_FOR = tables
    return list(_find_cached(text))


#: Texts whose casualty mentions are remembered: the incident extractor asks again for a
#: sentence shared by several events of a document (about a quarter of its calls on the
#: seeds and ACLED notes). Mentions are frozen, the cached tuple is copied into a new list.
FIND_CACHE_SIZE = 4096
_CACHED_FOR: tuple[Any, Any] | None = None  # the rule tables the remembered results were found with


@functools.lru_cache(maxsize=FIND_CACHE_SIZE)
def _find_cached(text: str) -> tuple[CasualtyMention, ...]:
    """find_casualties on a non-blank string, guarded and remembered."""
    try:
        return tuple(_find(text))
    except (re.error, ValueError, RecursionError) as exc:  # defensive: never raise on input text
        LOGGER.warning("find_casualties failed on %d chars: %s", len(text), exc)
        return ()


def _find(text: str) -> list[CasualtyMention]:
    """find_casualties without the guard."""
    rules = _casualty_rules()
    folded = _fold_case(text)
    accepted: list[tuple[int, int, CasualtyMention]] = []  # (count start, count end, mention)
    for rule in rules.rules:
        # a rule whose required words are absent cannot match: skip its (slow) scan
        if not all(any(s in folded for s in need) for need in rule.needs):
            continue
        for match in rule.pattern.finditer(text):
            if _excluded(text, match.start(), rules) or _excluded(text, _verb_start(match), rules):
                continue
            fresh = [(span[0], span[1], mention) for span, mention in _mentions(text, match, rule, rules, accepted)
                     if not any(span[0] < e and s < span[1] for s, e, _ in accepted)]
            accepted.extend(fresh)
    accepted.sort(key=lambda item: (item[2].start, item[2].kind))
    return [m for _, _, m in accepted]


# ---------------------------------------------------------------------- pre-filter
#
# Every rule regex starts with a count or a group of words, so ``re`` tries it at every
# position of the text. Most sentences hold no casualty word at all; the words a rule cannot
# match without are read off the compiled regex (its literal runs outside optional parts and
# lookarounds), and the scan is skipped when the text lacks them. The test is conservative:
# a literal run is required only when every way through the regex passes it, so the rule's
# matches are exactly what they were without the filter.


@functools.cache
def _ascii_case_partners() -> dict[int, str]:
    """Non-ASCII characters ``re.IGNORECASE`` equates with an ASCII letter ("K" Kelvin sign, "ſ")."""
    import sys  # noqa: PLC0415

    letters = re.compile("[a-z]", re.IGNORECASE)
    table: dict[int, str] = {}
    for cp in range(128, sys.maxunicode + 1):
        if letters.fullmatch(chr(cp)):
            table[cp] = next(a for a in "abcdefghijklmnopqrstuvwxyz" if re.fullmatch(a, chr(cp), re.IGNORECASE))
    return table


def _fold_case(text: str) -> str:
    """Lower-case form in which every case-insensitive match of an ASCII literal appears as itself."""
    return text.translate(_ascii_case_partners()).lower()


def _required(pattern: re.Pattern[str]) -> tuple[frozenset[str], ...]:
    """Lower-case strings every match of ``pattern`` contains (one of each set); () if unknown."""
    try:
        from re import _constants as c, _parser as parser  # noqa: PLC0415 - CPython 3.11+
    except ImportError:  # pragma: no cover - other Pythons: no pre-filter
        return ()
    try:
        return tuple(_required_in(parser.parse(pattern.pattern, pattern.flags), c))
    except Exception as exc:  # noqa: BLE001 - an unreadable parse only costs the pre-filter
        LOGGER.debug("no pre-filter for %r: %r", pattern.pattern[:60], exc)
        return ()


def _required_in(items: Any, c: Any) -> list[frozenset[str]]:
    """Required string sets of a parsed sequence (all must hold)."""
    needs: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            needs.append(frozenset(["".join(run).lower()]))
            run.clear()

    for op, av in items:
        if op is c.LITERAL and av < 128:
            run.append(chr(av))
            continue
        flush()
        if op is c.SUBPATTERN:
            needs += _required_in(av[3], c)
        elif op is c.ATOMIC_GROUP:
            needs += _required_in(av, c)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            if av[0] >= 1:
                needs += _required_in(av[2], c)
        elif op is c.BRANCH:
            union: set[str] = set()
            for alternative in av[1]:
                best = _most_selective(_required_in(alternative, c))
                if best is None:  # one way through needs nothing: neither does the branch
                    union = set()
                    break
                union |= best
            if union:
                needs.append(frozenset(union))
        # anything else (classes, anchors, lookarounds, back-references) requires no literal
    flush()
    return needs


def _most_selective(needs: list[frozenset[str]]) -> frozenset[str] | None:
    """The set whose shortest string is longest (None when there is none)."""
    return max(needs, key=lambda need: min(len(s) for s in need), default=None)


def _excluded(text: str, start: int, rules: _Casualty) -> bool:
    """True when the words before a match make it hypothetical or about a commemorated death."""
    before = text[max(0, start - IRREALIS_WINDOW):start]
    sentence = text[_sentence_start(text, start):start]
    for _rule_id, scope, pattern in rules.exclusions:
        if pattern.search(before if scope == "before" else sentence):
            return True
    return False


def _verb_start(match: re.Match[str]) -> int:
    """Where the casualty verb of a match starts (the match start when it names none)."""
    for name in ("kill", "wound"):
        if name in match.re.groupindex and match.group(name):
            return match.start(name)
    return match.start()


def _sentence_start(text: str, pos: int) -> int:
    """Offset where the sentence holding ``pos`` starts (approximate, punctuation based)."""
    ends = [text.rfind(mark, 0, pos) for mark in (". ", "! ", "? ", ".\n", "\n")]
    best = max(ends)
    return best + (1 if text[best] == "\n" else 2) if best >= 0 else 0


def _mentions(text: str, match: re.Match[str], rule: _Rule, rules: _Casualty,
              accepted: Sequence[tuple[int, int, CasualtyMention]],
              ) -> Iterator[tuple[tuple[int, int], CasualtyMention]]:
    """The mentions one rule match yields: one per counted conjunct (or per kind for negations)."""
    kinds = _kinds(match, rule, accepted)
    if not kinds:
        return
    cue = _revision_cue(text, match, rule, rules)
    rule_id = rule.id + (f"+{cue}" if cue else "")
    if rule.role == "zero":
        for kind in kinds:
            count = CountRange(0, 0, mention=match.group(0), rule_id=f"zero:{rule.id}/q.zero")
            yield (match.start(), match.end()), CasualtyMention(match.start(), match.end(), kind, "", count, rule_id)
        return
    if "list" not in rule.pattern.groupindex or match.group("list") is None:
        vague = _quantities().vague_by_id[rule.count or "q.unknown"]
        count = CountRange(vague.low, vague.high, mention=match.group(0), rule_id=f"{rule.role}:{rule.id}/{vague.id}")
        for kind in kinds:
            yield (match.start(), match.end()), CasualtyMention(match.start(), match.end(), kind, "", count, rule_id)
        return
    list_start = match.start("list")
    role = rule.role
    if role in ("count", "total") and _subset_before(text, list_start, rules):
        role = "subset"
    for c_start, c_end, count_text, group, g_end, aside in _conjuncts(text, match, rules, rule.object_list):
        count = _conjunct_count(count_text, group, rules)
        if count is None or not _is_people(count_text, group, text, c_start, rules):
            continue
        if rule.role == "coded" and "split" in rule.pattern.groupindex and match.group("split"):
            parts = parse_count(match.group("split"))
            if parts is not None and parts.low > 1:
                share = count.low // parts.low
                count = CountRange(share, -(-count.low // parts.low), mention=f"{count_text} / {match.group('split')}",
                                   rule_id=count.rule_id)
        if rule.role == "either":
            count = CountRange(0, count.high, mention=count.mention, rule_id=count.rule_id)
        qty = count.rule_id or "q.words"
        count = CountRange(count.low, count.high, mention=count.mention,
                           rule_id=f"{'subset' if aside and role in ('count', 'total') else role}:{rule.id}/{qty}")
        if "subgroup" in rule.pattern.groupindex and match.group("subgroup"):
            group, g_end = match.group("subgroup").strip(), match.end("subgroup")  # "5 of them children"
        end = g_end if group else c_end
        for kind in kinds:
            yield (c_start, c_end), CasualtyMention(c_start, end, kind, group, count, rule_id)


def _kinds(match: re.Match[str], rule: _Rule, accepted: Sequence[tuple[int, int, CasualtyMention]]) -> tuple[str, ...]:
    """Which kinds (killed, wounded) a match speaks of."""
    groups = rule.pattern.groupindex
    verb_kind = None
    if "kill" in groups and match.group("kill"):
        verb_kind = "killed"
    elif "wound" in groups and match.group("wound"):
        verb_kind = "wounded"
    kind = rule.kind
    if kind in ("killed", "wounded"):
        return (kind,)
    if kind == "both":
        return KINDS
    if kind == "from_nouns":
        found = match.group(0).lower()
        kinds = []
        if re.search(r"fatal|death|dead|kill|casualt|loss of li|victim", found):
            kinds.append("killed")
        if re.search(r"injur|wound|hurt|casualt|victim", found):
            kinds.append("wounded")
        return tuple(kinds) or KINDS
    if kind == "from_verb_or_both":
        if verb_kind == "wounded" and re.search(r"\bhurt\b", match.group("wound") or "", re.IGNORECASE):
            return KINDS
        return (verb_kind,) if verb_kind else KINDS
    if kind == "inherit":
        # "5 of them children" continues the figure just before it, in the same sentence
        text = match.string
        since = _sentence_start(text, match.start())
        before = [m for s, _, m in accepted if since <= s < match.start()]
        return (max(before, key=lambda m: m.start).kind,) if before else ()
    return (verb_kind,) if verb_kind else ()


def _revision_cue(text: str, match: re.Match[str], rule: _Rule, rules: _Casualty) -> str | None:
    """The id of a revision cue in the clause around a match, if any."""
    lead = text[max(0, match.start() - 80):match.start()]
    cut = max(lead.rfind(mark) for mark in ",;:.!?()\n")
    start = match.start() - len(lead) + cut + 1 if cut >= 0 else match.start() - len(lead)
    after = re.match(r"[^,;.!?\n]{0,40}", text[match.end():])
    window = text[start:match.end()] + (after.group(0) if after else "")
    for cue_id, pattern in rules.revision:
        if pattern.search(window):
            return cue_id
    return "rev.rule" if rule.revision else None


def _subset_before(text: str, start: int, rules: _Casualty) -> bool:
    """True when a subset cue ("including", "among them") leads up to a count."""
    window = text[max(0, start - SUBSET_WINDOW):start]
    return any(p.search(window) for _, p in rules.subset)


def _conjuncts(text: str, match: re.Match[str], rules: _Casualty,
               is_object: bool) -> Iterator[tuple[int, int, str, str, int, bool]]:
    """(count start, count end, count text, group, group end, aside) for each conjunct of the list.

    ``aside`` marks a partitive after a bare comma ("Eight people, four of them children,"):
    part of the figure before it, not another group.
    """
    pattern = rules.obj_conj if is_object else rules.conj
    pos, end = match.start("list"), match.end("list")
    items: list[tuple[int, int, str, str, int, bool]] = []  # ..., followed by a bare comma
    while pos < end:
        m = pattern.match(text, pos, end)
        if not m:
            break
        group = (m.group("group") or "").strip()
        g_end = m.end("group") if m.group("group") else m.end("count")
        pos = m.end()
        sep = rules.separator.match(text, pos, end)
        items.append((m.start("count"), m.end("count"), m.group("count"), group, g_end,
                      bool(sep) and "and" not in sep.group(0).lower()))
        if not sep:
            break
        pos = sep.end()
    after_bare_comma = False
    for c_start, c_end, count_text, group, g_end, bare_comma in items:
        aside = after_bare_comma and bool(re.match(r"of\s+(?:them|whom)\b", group, re.IGNORECASE))
        after_bare_comma = bare_comma
        # "In the north, 6 soldiers were killed": an article phrase cut off by a bare comma
        # is an adverbial, not one of the counted groups
        if bare_comma and _norm(count_text) in _SINGULAR_ARTICLES + _POSSESSIVE_ARTICLES:
            continue
        yield c_start, c_end, count_text, group, g_end, aside


def _conjunct_count(count_text: str, group: str, rules: _Casualty) -> CountRange | None:
    """The count of one conjunct: a number, a vague quantity, or 1 for "a soldier"/"him"."""
    raw = _norm(count_text)
    stripped = re.sub(r"^(?:all\s+(?:of\s+)?)?(?:the|these|those)\s+|^all\s+", "", raw)
    if stripped != raw:
        parsed = parse_count(stripped)
        if parsed is not None:
            return parsed
    parsed = parse_count(raw)
    if parsed is not None:
        return parsed
    if raw in _PRONOUNS and not group:
        return CountRange(1, 1, mention=count_text, rule_id="q.pronoun")
    if raw in _SINGULAR_ARTICLES:
        if not group and raw not in ("another", "one other", "the other"):
            return None
        return CountRange(1, 1, mention=count_text, rule_id="q.article")
    if raw in _POSSESSIVE_ARTICLES and group and _is_singular(_head(group), rules):
        return CountRange(1, 1, mention=count_text, rule_id="q.article")
    return None


def _head(group: str) -> str:
    """The head noun of a counted group: the last word before a preposition or bracket."""
    words = re.findall(r"\([^()]*\)|[\w'’\-]+", group.lower())
    if words and words[0] == "of":  # "one of the bombers": the head follows "of the"
        words = [w for w in words[1:] if w not in ("the", "them", "those", "these")]
    head = ""
    for w in words:
        if w.startswith("(") or w in ("of", "from", "in", "at", "on", "near", "with", "belonging", "inside"):
            break
        head = w
    return head


def _is_singular(head: str, rules: _Casualty) -> bool:
    """A rough English singular test for a head noun."""
    if not head or head in rules.plurals and rules.plurals[head] != head:
        return False
    return not (head.endswith("s") and not head.endswith(("ss", "us", "is")))


def _is_people(count_text: str, group: str, text: str, start: int, rules: _Casualty) -> bool:
    """False for counts of things, ages, years, money and identifiers."""
    if _NOT_A_HEADCOUNT_BEFORE.search(text[max(0, start - 20):start]):
        return False
    head = _head(group)
    if head and head in rules.non_person:
        return False
    plain = count_text.strip()
    if re.fullmatch(r"\d{4}", plain) and 1900 <= int(plain) <= 2100 and not group:
        return False
    return True


# ---------------------------------------------------------------------- merging


def _role(count: CountRange) -> str:
    """The role encoded in a casualty count's rule id ("count" when absent)."""
    rid = count.rule_id or ""
    role = rid.split(":", 1)[0] if ":" in rid else "count"
    return role if role in ROLES else "count"


def _quantity_id(count: CountRange) -> str:
    """The quantity id encoded in a casualty count's rule id."""
    return (count.rule_id or "").rsplit("/", 1)[-1]


def group_key(group: str) -> str:
    """Normalise a group for merging: lower case, no brackets, singular words."""
    rules = _casualty_rules()
    text = re.sub(r"\([^()]*\)", " ", _norm(group))
    words = []
    for w in re.findall(r"[\w'\-]+", text):
        if w in rules.plurals:
            w = rules.plurals[w]
        elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
            w = w[:-1]
        words.append(w)
    return " ".join(words)


def merge_casualties(mentions: Sequence[CasualtyMention]) -> tuple[Casualty, ...]:
    """Merge mentions into one figure per (group, kind).

    Rule: an ACLED coding statement ("coded as") is final. Otherwise, when a revision cue
    is present ("rose to", "later", "initially", "updated"), the latest figure not marked as
    initial is the count. Otherwise conflicting figures from one text are settled
    conservatively (ACLED): the lowest low (then lowest high) is the count. The other
    figures go to ``history`` in text order.

    Args:
        mentions: the mentions of one text (any order).

    Returns:
        Casualties ordered by first mention.
    """
    buckets: dict[tuple[str, str], list[CasualtyMention]] = {}
    for m in sorted(mentions, key=lambda m: m.start):
        buckets.setdefault((group_key(m.group), m.kind), []).append(m)
    _absorb_restatements(buckets)
    out = []
    for (_key, kind), items in buckets.items():
        winner = _winner(items)
        history = tuple(m.count for m in items if m is not winner)
        group = winner.group or next((m.group for m in items if m.group), "")
        out.append(Casualty(group=group, kind=kind, count=winner.count, history=history))
    return tuple(out)


def _absorb_restatements(buckets: dict[tuple[str, str], list[CasualtyMention]]) -> None:
    """Move group-less figures that repeat a named group's figure into that group.

    "33 KIA in airstrike ... 33 Turkish soldiers were killed" states one figure twice; only
    plain counts are moved (a toll or a coding note is a total, not a restatement).
    """
    for (key, kind), items in list(buckets.items()):
        if key:
            continue
        for m in list(items):
            if _role(m.count) != "count":
                continue
            same = [k for k, ms in buckets.items() if k[0] and k[1] == kind
                    and any((x.count.low, x.count.high) == (m.count.low, m.count.high) for x in ms)]
            if len(same) == 1:
                items.remove(m)
                buckets[same[0]].append(m)
                buckets[same[0]].sort(key=lambda x: x.start)
        if not items:
            del buckets[(key, kind)]


def _winner(items: Sequence[CasualtyMention]) -> CasualtyMention:
    """The mention whose figure stands for a (group, kind) bucket."""
    coded = [m for m in items if _role(m.count) == "coded"]
    if coded:
        return coded[-1]
    if len(items) > 1 and any("+rev." in m.rule_id for m in items):
        later = [m for m in items if "+rev.initial" not in m.rule_id]
        return (later or list(items))[-1]
    return min(items, key=lambda m: (m.count.low, m.count.high if m.count.high is not None else float("inf")))


def acled_figure(count: CountRange) -> int:
    """The fatality figure ACLED would code for one count (vague words by its table)."""
    vague = _quantities().vague_by_id.get(_quantity_id(count))
    combined = _role(count) == "combined"
    if vague is not None and count.low == vague.low:
        return vague.acled_combined if combined else vague.acled
    return count.low // 2 if combined else count.low


def headline_fatalities(casualties: Sequence[Casualty]) -> int | None:
    """ACLED's conservative headline fatality figure for one event.

    A coding statement ("fatalities coded as 10") wins outright. Otherwise the killed
    figures of the groups are summed (subsets such as "5 of them children" are not added;
    "killing and injuring N" counts as half of N, as ACLED codes it; "killing or injuring N"
    is not a fatality), and a toll ("death toll rose to 33", "3 fatalities") replaces the
    sum when it is larger. Vague quantities use ACLED's figures from quantities.yaml
    ("dozens" -> 12, "several"/"a number of"/unknown -> 10, "hundreds" -> 100).

    Returns:
        The figure, or None when nothing is known about the killed.
    """
    killed = [c for c in casualties if c.kind == "killed"]
    if not killed:
        return None
    by_role: dict[str, list[Casualty]] = {}
    for c in killed:
        by_role.setdefault(_role(c.count), []).append(c)
    if "coded" in by_role:
        return sum(acled_figure(c.count) for c in by_role["coded"])
    counted = by_role.get("count", []) + by_role.get("combined", [])
    total = max((acled_figure(c.count) for c in by_role.get("total", [])), default=None)
    summed = sum(acled_figure(c.count) for c in counted)
    if total is not None:
        return max(total, summed)
    if counted:
        return summed
    if "subset" in by_role:
        return sum(acled_figure(c.count) for c in by_role["subset"])
    return 0
