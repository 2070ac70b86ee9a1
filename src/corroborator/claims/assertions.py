"""The outlet's own factual assertions: sentences and list items that state an event or a fact.

A segment (a sentence, or one item of a list broken over lines) is an assertion when it
is declarative, in the writer's voice (not a question, a call, a first/second-person view
or a quotation), has a verb, and carries a fact signal: an event word from
``rules/assertions.yaml``, a fact entity (place, actor, date, count), a number, or a
denial/doubt wording from ``rules/stance.yaml``. Rule ids:

- ``unattributed``            a whole sentence
- ``unattributed.list_item``  one line of a list ("The clash ended with / troops arriving, /
  a car being burnt, / ...")
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span as SpacySpan, Token

from corroborator.nlp.pipeline import doc_text
from corroborator.claims.stance import content_stance
from corroborator.resources import rules_with_ids

RULES = "claims/rules/assertions.yaml"

# An unattributed assertion needs at least this many word tokens (shorter lines are
# captions, datelines, interjections). Set by hand.
MIN_ASSERTION_TOKENS = 5
# A list item may be shorter than a sentence ("a car being burnt"). Set by hand.
MIN_ITEM_TOKENS = 3
# A sentence whose subject is a bare pronoun and which names nothing (no entity, no
# number) is dialogue or commentary when it is this short ("He is shooting at it.").
# Set by hand on transcripts in the development seeds.
MAX_BARE_PRONOUN_TOKENS = 8
# Share of a multi-line sentence's lines that must end like list items ("," ";" or a
# bullet) for the lines to be read as a list rather than as hard-wrapped prose. Hand-set.
MIN_LIST_LINE_SHARE = 0.6
_BULLET = re.compile(r"^\s*(?:[-*•·–]|\d+[.)])\s+")
_BARE_PRONOUNS = frozenset({"he", "she", "it", "they", "this", "that", "these", "those", "who", "what"})
_QUOTE_CHARS = frozenset('"“”')


@dataclass(frozen=True, slots=True)
class _Lexicon:
    events: dict[str, str]  # lemma -> rule id
    fact_labels: dict[str, str]  # entity label -> rule id
    opinion_subjects: frozenset[str]
    opinion_modals: frozenset[str]


@functools.cache
def lexicon() -> _Lexicon:
    """The parsed ``assertions.yaml`` (cached)."""
    events: dict[str, str] = {}
    for rule in rules_with_ids(RULES, "events"):
        for lemma in rule["lemmas"]:
            events.setdefault(str(lemma).lower(), rule["id"])
    labels = {label: rule["id"] for rule in rules_with_ids(RULES, "fact_entities") for label in rule["labels"]}
    opinion = {rule["id"]: frozenset(w.lower() for w in rule["words"]) for rule in rules_with_ids(RULES, "opinion")}
    return _Lexicon(events, labels, opinion.get("op.subjects", frozenset()), opinion.get("op.modals", frozenset()))


@dataclass(frozen=True, slots=True)
class Segment:
    """A candidate assertion: clean character range and the rule that found it."""

    start: int
    end: int
    rule_id: str


def _words(tokens: SpacySpan) -> list[Token]:
    return [t for t in tokens if not t.is_punct and not t.is_space]


def fact_signal(tokens: SpacySpan) -> str | None:
    """The id of the rule that makes ``tokens`` state a fact (event word, entity, number), or None."""
    lex = lexicon()
    for tok in tokens:
        rule = lex.events.get(tok.lemma_.lower()) or lex.events.get(tok.lower_)
        if rule:
            return rule
    for ent in tokens.ents:
        if ent.label_ in lex.fact_labels:
            return lex.fact_labels[ent.label_]
    if any(t.like_num and t.is_digit for t in tokens):
        return "fe.count"
    return None


def _is_quoted(text: str) -> bool:
    """The segment is one quotation (a line of dialogue or a quote without a cue)."""
    text = text.strip()
    return text[:1] in _QUOTE_CHARS and text[-1:] in _QUOTE_CHARS


def _inside_quote(doc: Doc, pos: int) -> bool:
    """``pos`` lies inside a quotation opened earlier in its paragraph."""
    start = doc_text(doc).rfind("\n", 0, pos) + 1
    depth = 0
    for ch in doc_text(doc)[start:pos]:
        if ch == "“":
            depth += 1
        elif ch == "”":
            depth = max(0, depth - 1)
        elif ch == '"':
            depth = 0 if depth else 1
    return depth > 0


def _opinion(tokens: SpacySpan, verb: Token) -> bool:
    """First/second-person views and calls ("we must", "you should")."""
    lex = lexicon()
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if any(s.lower_ in lex.opinion_subjects for s in subjects):
        return True
    return any(t.lower_ in lex.opinion_modals and t.head.i == verb.i for t in tokens)


def _main_verb(tokens: SpacySpan) -> Token | None:
    """The root verb of a sentence, or the first verb of a fragment."""
    root = tokens.root
    if root.pos_ in ("VERB", "AUX"):
        return root
    return next((t for t in tokens if t.pos_ in ("VERB", "AUX")), None)


def is_assertion(sent: SpacySpan) -> bool:
    """A declarative sentence in the writer's own voice that states an event or a fact."""
    text = sent.text.strip()
    if not text or text.rstrip('"”’').endswith(("?", "!")) or text.endswith(":"):
        return False
    words = _words(sent)
    if len(words) < MIN_ASSERTION_TOKENS:
        return False
    verb = sent.root
    if verb.pos_ not in ("VERB", "AUX"):
        return False
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj")]
    # a finite verb without a parsed subject still asserts ("Coming from the east troops retook ...")
    if not subjects and verb.tag_ not in ("VBD", "VBZ", "VBP"):
        return False
    if _opinion(sent, verb) or _is_quoted(text) or _inside_quote(sent.doc, sent.start_char):
        return False
    if fact_signal(sent) is None and content_stance(text)[1] is None:
        return False  # neither names a fact nor denies or doubts one
    bare = subjects and all(s.lower_ in _BARE_PRONOUNS for s in subjects)
    named = any(e.label_ in lexicon().fact_labels for e in sent.ents) or any(t.is_digit for t in sent)
    return not (bare and not named and len(words) <= MAX_BARE_PRONOUN_TOKENS)


_LINE = re.compile(r"[^\n]+")


def list_items(text: str) -> list[tuple[int, int]]:
    """Clean (start, end) of every item line of the lists in ``text``.

    A list is a run of three or more consecutive lines (single line breaks) of which at
    least MIN_LIST_LINE_SHARE end with "," or ";" or start with a bullet; its items are
    those lines plus the run's last line (a lead-in line such as "It ended with" is not
    an item).
    """
    lines = [(m.start(), m.end()) for m in _LINE.finditer(text) if m.group().strip()]
    runs: list[list[tuple[int, int]]] = []
    for a, b in lines:
        gap = text[runs[-1][-1][1]: a] if runs else ""
        if runs and gap.count("\n") == 1:
            runs[-1].append((a, b))
        else:
            runs.append([(a, b)])
    items: list[tuple[int, int]] = []
    for run in runs:
        stripped = [(a + len(text[a:b]) - len(text[a:b].lstrip()), a + len(text[a:b].rstrip())) for a, b in run]
        marked = [text[b - 1] in ",;" or bool(_BULLET.match(text[a:b])) for a, b in stripped]
        if len(run) < 3 or sum(marked) < MIN_LIST_LINE_SHARE * len(run):
            continue
        items += [rng for n, rng in enumerate(stripped) if marked[n] or n == len(run) - 1]
    return items


def _item_is_assertion(span: SpacySpan) -> bool:
    """A list item that reports something happening ("the army shelling the town,")."""
    words = _words(span)
    if len(words) < MIN_ITEM_TOKENS or span.text.rstrip().endswith(("?", ":")):
        return False
    if not any(t.pos_ in ("VERB", "AUX") for t in span) or not any(t.pos_ in ("NOUN", "PROPN") for t in span):
        return False
    if _is_quoted(span.text) or any(t.lower_ in lexicon().opinion_subjects for t in span if t.dep_ == "nsubj"):
        return False
    return fact_signal(span) is not None


def _trim_item(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """An item line without its bullet, a leading "and"/"or" and trailing separators."""
    text = doc_text(doc)
    m = _BULLET.match(text[start:end])
    if m:
        start += m.end()
    for word in ("and ", "or ", "as well as "):
        if text[start:end].lower().startswith(word):
            start += len(word)
    while end > start and text[end - 1] in ",;. ":
        end -= 1
    return start, end


def assertion_segments(doc: Doc, covered: set[int], claimed: list[tuple[int, int]]) -> list[Segment]:
    """Every unattributed assertion of ``doc``.

    Args:
        doc: the parsed text.
        covered: start token indices of sentences already holding an attribution.
        claimed: clean character ranges already taken by attributed claims.

    Returns:
        Segments in text order (clean character ranges, trailing spaces trimmed).
    """
    out: list[Segment] = []
    items = list_items(doc_text(doc))
    for a, b in items:
        if any(a < e and s < b for s, e in claimed):
            continue
        span = doc.char_span(a, b, alignment_mode="expand")
        if span is None or not _item_is_assertion(span):
            continue
        s, e = _trim_item(doc, a, b)
        if e > s:
            out.append(Segment(s, e, "unattributed.list_item"))
    for sent in doc.sents:
        if sent.start in covered:
            continue
        lines = [(a, b) for a, b in items if sent.start_char <= a < sent.end_char]
        if lines:
            # the sentence is (part of) a list: its items stand alone; a lead-in is no claim
            continue
        if is_assertion(sent):
            s, e = sent.start_char, sent.end_char
            while e > s and doc_text(doc)[e - 1].isspace():
                e -= 1
            out.append(Segment(s, e, "unattributed"))
    out.sort(key=lambda seg: seg.start)
    return out
