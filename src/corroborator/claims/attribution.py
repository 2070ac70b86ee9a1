"""Attribution on the dependency parse: who said what, with which cue.

Each construction has a rule id (kept on the claim):

- ``verb.ccomp``       "X said (that) ..."            cue verb with a clausal complement, subject source
- ``verb.xcomp``       "X claimed to have ..."        cue verb with an open complement
- ``verb.dobj``        "X denied the reports"          cue verb whose object is the content
- ``verb.parenthetical`` "..., X said, ..." / "..., X reports." the cue's clause hangs off the content
- ``verb.passive``     "it was reported by X that ..." passive cue with an agent
- ``verb.tell``        "X told Y (that) ..."          Y relays when it is an outlet
- ``verb.colon``       "X said: ..."                   content after a colon (or the next quote)
- ``prep.according_to`` "according to X, ..."
- ``prep.citing``      "..., citing X"
- ``noun.clause``      "X's claim that ..."
- ``verb.ccomp_late``  "X confirmed for the first time that ..." (the clause parsed onto a phrase)
- ``verb.pos_slip``    "X and Y report (...) that ...", "records show he ..." (cue verb tagged as a noun)
- ``colon.headline``   "Name: statement"; reports inside its content nest under it
- ``colon.named_quote`` "... pollster Ann Berg: “...”" (a named speaker before a colon and a quotation)
- ``quote.before``     "“Why now?” he asked." (a bare cue clause after a quotation split off by "?"/"!")
- ``+split_subject``   "according to X Y has ..." without a comma: X is the source, Y the subject
- ``+carrier``         "according to the figures released by X": X is the source
- ``+interviewed``     "X spoke with Y, who said ...": X relays Y
- ``quote.continuation`` a quoted sentence continuing the previous quoted claim
- ``+in_statement``    suffix when the cue is modified by "in a statement"/"in a post"
- ``+nested``          suffix when an inner attribution took its relays from an outer one

Two reports by one speaker ("said A, confirming B", "said A and said B") stay two claims
with the same speaker; a clause coordinated onto the cue ("says A, but B") stays in the
content.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Span as SpacySpan, Token

from corroborator.nlp.pipeline import doc_text
from corroborator.records import Stance
from corroborator.resources import rules_with_ids

log = logging.getLogger(__name__)

CUES = "claims/rules/cues.yaml"

_SUBJ = frozenset({"nsubj", "nsubjpass", "csubj"})
_CONTENT_DEPS = frozenset({"ccomp", "xcomp"})
# right-hand dependents that still belong to a source noun phrase
_SOURCE_RIGHT = frozenset({"prep", "appos", "compound", "nummod", "pobj", "case", "cc", "conj", "amod", "punct"})
_REL_PRONOUNS = frozenset({"who", "which", "that", "whom"})
_QUOTES_OPEN = frozenset({'"', "“", "‘", "``"})
_QUOTES_CLOSE = frozenset({'"', "”", "’", "''"})
_STATEMENT_NOUNS = frozenset({"statement", "post", "tweet", "interview", "communique", "communiqué",
                              "message", "release", "briefing", "conference", "report", "video"})
_TIME_ENTS = frozenset({"DATE", "TIME"})
# Longest "Name:" prefix read as a source in "Name: statement" lines (hand-set).
MAX_HEADLINE_SOURCE_TOKENS = 6
# Most tokens between a cue and the colon introducing its content ("said in a statement:").
MAX_COLON_GAP = 8
# Tokens allowed between an outer content's start and a nested report's first token
# ("that, according to"), and between their ends. Hand-set.
MAX_NEST_OFFSET = 3
# Smallest content piece on each side of an inserted cue clause that keeps both pieces
# ("If true, CBS notes, this ..."); shorter pieces are dropped. Hand-set.
MIN_PIECE_TOKENS = 2
# Tokens allowed between a named entity and the cue it speaks ("Ryan (R-WI) said"). Hand-set.
MAX_ADJACENT_GAP = 5
# Most tokens between a first source and its cue for the source to join the claim text
# ("The ministry, in a statement on Monday, said"). Hand-set from the seeds' gold anchors.
MAX_SOURCE_GAP = 8


@dataclass
class Attribution:
    """One attribution found in a doc (token indices are doc-level, ``end`` exclusive)."""

    cue_i: int
    cue_text: str
    content: tuple[int, int]  # token range
    sources: list[tuple[int, int]] = field(default_factory=list)  # token ranges, first speaker first
    relays_extra: list[tuple[int, int]] = field(default_factory=list)  # relays after the sources
    rule_id: str = ""
    stance: Stance = Stance.ASSERTS
    cue_rule: str = ""
    kind: str = "speech"
    char_start: int | None = None  # content start override (a quotation opened earlier)
    char_end: int | None = None  # content end override (a quotation running past the sentence)
    cue_end: int | None = None  # exclusive end token of a multi-word cue ("according to")

    def char_range(self, doc: Doc) -> tuple[int, int]:
        """The content's clean character range."""
        start = self.char_start if self.char_start is not None else doc[self.content[0]].idx
        last = doc[self.content[1] - 1]
        end = self.char_end if self.char_end is not None else last.idx + len(last.text)
        return start, end

    def extent(self, doc: Doc) -> tuple[int, int]:
        """The clean character range of the whole report: content, cue and a nearby first source.

        "Moscow has insisted that it had no troops there" is one claim text: the content
        with its cue and its speaker, when the speaker stands next to the cue in the same
        sentence (at most MAX_SOURCE_GAP tokens away). Relays and speakers found elsewhere
        (pronoun antecedents, outer reports) stay out of the text.
        """
        start, end = self.char_range(doc)
        cue = doc[self.cue_i]
        cue_end = doc[self.cue_end - 1] if self.cue_end else cue
        lo_tok, hi_tok = min(self.content[0], cue.i), max(self.content[1], cue_end.i + 1)
        start = min(start, cue.idx)
        end = max(end, cue_end.idx + len(cue_end.text))
        sent = cue.sent
        for a, b in self.sources[:1]:
            if not (sent.start <= a and b <= sent.end):
                continue
            gap = lo_tok - b if b <= lo_tok else a - hi_tok
            between = doc[b: lo_tok] if b <= lo_tok else doc[hi_tok: a]
            # another verb in between ("X said A, confirming B") means X is not this cue's neighbour
            above = {t.i for t in cue.ancestors if not _is_cue_verb(t)}
            verbs_between = any(t.pos_ in ("VERB", "AUX") and t.dep_ not in ("aux", "auxpass", "neg")
                                and t.i not in above for t in between)
            if (0 <= gap <= MAX_SOURCE_GAP and not verbs_between) or lo_tok <= a < hi_tok:
                start = min(start, doc[a].idx)
                end = max(end, doc[b - 1].idx + len(doc[b - 1].text))
        return start, end


@functools.cache
def cue_lexicon() -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]], tuple[dict[str, Any], ...]]:
    """(verbs by lemma, nouns by lemma, prepositional cues) from ``cues.yaml``."""
    verbs = {v["lemma"]: v for v in rules_with_ids(CUES, "verbs")}
    for entry in list(verbs.values()):
        # lemmatiser slips ("hoping" -> "hop") are listed on the entry they belong to
        for alt in entry.get("alt_lemmas", ()):
            verbs.setdefault(alt, entry)
    nouns = {n["lemma"]: n for n in rules_with_ids(CUES, "nouns")}
    preps = tuple(rules_with_ids(CUES, "prepositions"))
    return verbs, nouns, preps


# --------------------------------------------------------------------- spans


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Shrink a token range past edge punctuation, conjunctions and "that" complementisers."""
    while start < end and (doc[start].is_punct and doc[start].text not in _QUOTES_OPEN
                           or doc[start].dep_ == "cc" or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].is_punct and doc[end - 1].text not in _QUOTES_CLOSE
                           or doc[end - 1].dep_ == "cc" or doc[end - 1].is_space):
        end -= 1
    return start, end


def _balance_quotes(doc: Doc, start: int, end: int, sent: SpacySpan) -> tuple[int, int]:
    """Extend a content range by one token to include a quote mark that closes/opens it."""
    inner = [t.text for t in doc[start:end]]
    opens = sum(1 for t in inner if t in ("“",)) + sum(1 for t in inner if t == '"') % 2
    closes = sum(1 for t in inner if t in ("”",))
    if start > sent.start and doc[start - 1].text in _QUOTES_OPEN and opens <= closes:
        start -= 1
    want_close = closes < opens + (1 if doc[start].text in _QUOTES_OPEN else 0)
    if want_close and end < sent.end and doc[end].text in _QUOTES_CLOSE:
        end += 1
    elif want_close and end + 1 < sent.end and doc[end].text == "," and doc[end + 1].text in _QUOTES_CLOSE:
        end += 2
    return start, end


def source_range(head: Token) -> tuple[int, int]:
    """The token range of the noun phrase headed by ``head``, without relative clauses."""
    doc = head.doc
    start = head.left_edge.i
    end = head.i + 1
    for child in head.rights:
        if child.dep_ in _SOURCE_RIGHT and not (child.dep_ == "prep" and any(
                t.ent_type_ in _TIME_ENTS for t in child.subtree)):
            if child.dep_ == "punct" and child.text != ",":
                break
            end = child.right_edge.i + 1
        else:
            break
    start, end = _trim(doc, start, end)
    if end <= start:
        return head.i, head.i + 1
    return start, end


def _subtree_range(tok: Token) -> tuple[int, int]:
    return tok.left_edge.i, tok.right_edge.i + 1


def _minus(outer: tuple[int, int], inner: tuple[int, int]) -> tuple[int, int]:
    """``outer`` without ``inner`` when ``inner`` sits at one edge; else all of ``outer``.

    A cue inserted mid-sentence ("The road, he said, was closed") leaves a content in two
    pieces; the claim keeps one span over both (the cue clause sits inside it).
    """
    (a, b), (c, d) = outer, inner
    if d <= a or c >= b:
        return outer
    left, right = (a, c), (d, b)
    if _words_in(left) and _words_in(right):
        return outer
    return left if (left[1] - left[0]) >= (right[1] - right[0]) else right


def _words_in(rng: tuple[int, int]) -> bool:
    """The range holds at least MIN_PIECE_TOKENS tokens."""
    return rng[1] - rng[0] >= MIN_PIECE_TOKENS


# --------------------------------------------------------------------- sources


def _subject(verb: Token, depth: int = 0) -> tuple[Token | None, str]:
    """The speaker of ``verb``: its subject, an agent, or the subject of the clause it hangs on."""
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    if agent is not None:
        pobj = next((c for c in agent.children if c.dep_ == "pobj"), None)
        if pobj is not None:
            return pobj, "passive"
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "csubj")]
    if len(subjects) > 1:
        # "Update: The ministry said ...": a label parsed as a second subject; the
        # subject nearest before the verb speaks
        before = [c for c in subjects if c.i < verb.i]
        subjects = [before[-1]] if before else subjects[:1]
    for child in subjects:
        if child.lower_ in _REL_PRONOUNS and verb.dep_ == "relcl":
            return verb.head, "relcl"
        doc = verb.doc
        if child.i + 1 < len(doc) and doc[child.i + 1].text == ":":
            # "Update: The ministry said": the label took the subject slot, the speaker its appos
            appos = next((c for c in child.rights if c.dep_ == "appos"), None)
            if appos is not None:
                return appos, "subj"
        return child, "subj"
    if any(c.dep_ == "nsubjpass" for c in verb.children):
        return None, "passive"
    if verb.dep_ == "relcl" and verb.head.pos_ in ("NOUN", "PROPN"):
        return verb.head, "relcl"
    if verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN") and verb.tag_ == "VBG":
        # "a statement saying ...": the statement's issuer is the subject of its verb
        if depth < 3 and verb.head.head is not verb.head:
            return _subject(verb.head.head, depth + 1)
        return None, "none"
    compound = next((c for c in verb.children if c.dep_ == "compound" and c.i < verb.i), None)
    if compound is not None and compound.pos_ == "PROPN":
        return compound, "subj"
    head = verb.head
    if depth < 3 and verb.dep_ in ("conj", "xcomp", "advcl", "acomp") and head.i != verb.i:
        if verb.dep_ in ("conj", "advcl") and head.dep_ == "ccomp" and _is_cue_verb(head.head):
            # "said the deal was no secret, confirming ...": a second report by the same
            # speaker hung off the first report's content; its speaker is the first's
            return _subject(head.head, depth + 1)
        return _subject(head, depth + 1)
    return None, "none"


def _is_cue_verb(tok: Token) -> bool:
    """The token is a reporting verb of the cue lexicon."""
    return tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in cue_lexicon()[0]


# --------------------------------------------------------------------- constructions


def _in_statement(verb: Token) -> bool:
    """The cue is modified by "in a statement"/"in a post"/"on Twitter"."""
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in ("in", "on", "via", "during"):
            for pobj in child.children:
                if pobj.dep_ == "pobj" and pobj.lemma_.lower() in _STATEMENT_NOUNS:
                    return True
    return False


def _verb_attribution(verb: Token, entry: dict[str, Any], sent: SpacySpan) -> Attribution | None:
    """The attribution a cue verb heads, if it has content and is not negated-away."""
    doc = verb.doc
    content: tuple[int, int] | None = None
    rule = ""
    comps = [c for c in verb.children if c.dep_ in _CONTENT_DEPS]
    # "told him to leave" style xcomps are content; a "that"-dobj parse quirk points to ccomp below
    if comps:
        comp = comps[0]
        content = _subtree_range(comp)
        if len(comps) > 1:
            content = (min(content[0], *(c.left_edge.i for c in comps)),
                       max(content[1], *(c.right_edge.i + 1 for c in comps)))
        rule = "verb.ccomp" if comp.dep_ == "ccomp" else "verb.xcomp"
        if comp.i < verb.i and verb.dep_ == "ROOT":
            rule = "verb.parenthetical"
        elif comp.i > verb.i:
            content = (content[0], _conj_end(verb, content[1]))
        if rule == "verb.xcomp" and entry.get("needs_clause"):
            return None  # "continued to wait", "added to the list": no reported content
    elif (late := _late_that_clause(verb)) is not None:
        content = late
        rule = "verb.ccomp_late"
    elif _is_parenthetical(verb, sent):
        head = verb.head
        outer = _subtree_range(head) if head.dep_ != "ROOT" else (sent.start, sent.end)
        content = _minus(outer, _subtree_range(verb))
        rule = "verb.parenthetical"
    elif verb.dep_ == "advcl" and any(c.lower_ == "as" and c.dep_ == "mark" for c in verb.children):
        content = _minus((sent.start, sent.end), _subtree_range(verb))
        rule = "verb.parenthetical"
    else:
        dobj = next((c for c in verb.children if c.dep_ in ("dobj", "attr")), None)
        prep = next((c for c in verb.children if c.dep_ == "prep" and c.i > verb.i
                     and c.lower_ in entry.get("preps", ())), None)
        if dobj is not None and entry.get("dobj_needs_oprd") and not any(
                c.dep_ in ("oprd", "xcomp") for c in verb.children):
            dobj = None  # "called the meeting" is not speech; "called him a liar" is
        if dobj is not None and entry.get("dobj_content") and (dobj.pos_ != "PRON" or entry.get("dobj_needs_oprd")):
            content = (dobj.left_edge.i, _right_side_end(verb, dobj))
            rule = "verb.dobj"
        elif prep is not None and any(c.dep_ in ("pobj", "pcomp") for c in prep.children):
            content = (prep.i + 1, _right_side_end(verb, prep))
            rule = "verb.prep"
        elif entry.get("kind") == "speech" and (quoted := _nearest_quote(verb, sent)) is not None:
            content = quoted
            rule = "quote.nearby"
        elif (colon := _colon_after(verb, sent)) is not None:
            content = (colon + 1, sent.end)
            rule = "verb.colon"
            if _trim(doc, *content)[1] <= _trim(doc, *content)[0] and sent.end < len(doc):
                nxt = doc[sent.end].sent
                content = (nxt.start, nxt.end)
    if content is None and entry.get("kind") == "speech":
        content = _quote_sentence_before(verb, sent)
        rule = "quote.before"
    if content is None:
        return None
    start, end = _trim(doc, *content)
    if end <= start:
        return None
    start, end = _balance_quotes(doc, start, end, sent)
    src, how = _subject(verb)
    att = Attribution(
        cue_i=verb.i, cue_text=verb.text, content=(start, end), rule_id=rule,
        stance=Stance(entry.get("stance", "asserts")), cue_rule=entry["id"], kind=entry.get("kind", "speech"),
    )
    if src is not None and src.dep_ != "expl" and not (src.lower_ == "it" and how == "subj" and _expletive_it(src)):
        att.sources.append(source_range(src))
    elif src is None and (adjacent := _adjacent_entity(verb, sent)) is not None:
        att.sources.append(adjacent)
        att.rule_id += "+adjacent_source"
    if how == "passive" and src is not None:
        att.rule_id = "verb.passive"
        recipient = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
        if recipient is not None and recipient.lower_ != "it" and entry.get("relay_object"):
            att.relays_extra.append(source_range(recipient))
    if entry.get("relay_object"):
        obj = next((c for c in verb.children if c.dep_ in ("dative", "dobj") and not start <= c.i < end), None)
        if obj is not None and obj.pos_ in ("PROPN", "NOUN"):
            att.relays_extra.append(source_range(obj))
            att.rule_id = "verb.tell"
    if how == "relcl" and src is not None and (interviewer := _interviewer(src)) is not None:
        att.relays_extra.append(source_range(interviewer))
        att.rule_id += "+interviewed"
    if _in_statement(verb):
        att.rule_id += "+in_statement"
    return att


def _interviewer(speaker: Token) -> Token | None:
    """Who spoke with ``speaker`` ("X has spoken with Y, who said ..."): a relay of Y's words."""
    head = speaker.head
    if speaker.dep_ == "pobj" and head.dep_ == "prep" and head.lower_ in ("with", "to"):
        head = head.head
    elif speaker.dep_ != "dobj":
        return None
    if not _is_cue_verb(head) or cue_lexicon()[0][head.lemma_.lower()].get("kind") != "speech":
        return None
    subj = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return subj if subj is not None and subj.pos_ in ("PROPN", "NOUN") else None


def _conj_end(verb: Token, end: int) -> int:
    """Extend a content ending at ``end`` over clauses coordinated onto the cue verb.

    The parser often hangs "..., but X is ..." on the reporting verb instead of on its
    complement; the coordinated clause is still what was reported, unless it is a new
    report of its own ("and said ...", "and told ...").
    """
    for child in verb.rights:
        if child.i < end or child.dep_ != "conj" or child.pos_ not in ("VERB", "AUX"):
            continue
        if _is_cue_verb(child) or not any(c.dep_ in _SUBJ or c.dep_ == "expl" for c in child.children):
            break
        if any(t.text in (";", ":") or t.text in _QUOTES_OPEN for t in verb.doc[end: child.left_edge.i]):
            break
        end = child.right_edge.i + 1
    return end


def _late_that_clause(verb: Token) -> tuple[int, int] | None:
    """A "that" clause parsed onto a phrase after the cue ("confirmed for the first time that ...")."""
    doc = verb.doc
    for child in verb.rights:
        if child.dep_ not in ("prep", "npadvmod"):
            continue
        for tok in child.subtree:
            if tok.dep_ in ("relcl", "acl", "ccomp") and tok.i > verb.i and not _verb_between(tok, child):
                first = tok.left_edge
                if first.lower_ == "that" and first.i > child.i and first.i - 1 >= 0 \
                        and doc[first.i - 1].dep_ in ("pobj", "npadvmod", "advmod", "amod"):
                    return first.i, tok.right_edge.i + 1
    return None


def _verb_between(tok: Token, top: Token) -> bool:
    """A verb lies on the head path from ``tok`` up to ``top`` (exclusive of both)."""
    node = tok.head
    while node.i != top.i and node.head.i != node.i:
        if node.pos_ in ("VERB", "AUX"):
            return True
        node = node.head
    return False


def _quote_sentence_before(verb: Token, sent: SpacySpan) -> tuple[int, int] | None:
    """The quotation just before a bare cue clause ("“Why now?” he asked."), split off by "?" or "!"."""
    doc = verb.doc
    if sent.start == 0 or verb.i - sent.start > MAX_HEADLINE_SOURCE_TOKENS:
        return None
    if any(t.pos_ in ("VERB", "AUX") and t.dep_ not in ("aux", "neg") for t in doc[sent.start: verb.i]):
        return None
    if any(c.dep_ in _CONTENT_DEPS or c.dep_ in ("dobj", "attr") for c in verb.children):
        return None
    prev = doc[sent.start - 1].sent
    between = doc_text(doc)[prev.end_char: sent.start_char]
    text = prev.text.strip()
    if "\n" in prev.text.strip() or "\n" in between or text[:1] not in ('"', "“") or text[-1:] not in ('"', "”"):
        return None
    return prev.start, prev.end


def _colon_after(verb: Token, sent: SpacySpan) -> int | None:
    """The index of a colon closing the cue's phrase ("said in a statement:"), if any."""
    for tok in verb.doc[verb.i + 1: min(sent.end, verb.i + MAX_COLON_GAP + 1)]:
        if tok.text == ":":
            return tok.i
        if tok.pos_ in ("VERB", "AUX") or tok.text in _QUOTES_OPEN:
            return None
    return None


def _right_side_end(verb: Token, first: Token) -> int:
    """End of a verb's complements from ``first`` on ("accused X of Y"), before a clause break."""
    end = first.right_edge.i + 1
    doc = verb.doc
    for child in verb.rights:
        if child.i <= first.i:
            continue
        if child.dep_ in ("cc", "conj", "parataxis") or (child.dep_ == "punct" and child.text != ","):
            break
        if child.dep_ == "punct":
            continue
        if child.dep_ == "advcl" and doc[child.left_edge.i - 1].text == ",":
            break
        end = child.right_edge.i + 1
    return end


def _adjacent_entity(verb: Token, sent: SpacySpan) -> tuple[int, int] | None:
    """A named entity right before ("Ryan (R-WI) said") or right after ("said Ryan") the cue."""
    doc = verb.doc
    for ent in doc.ents:
        if ent.label_ not in ("PERSON", "ORG", "NORP", "GPE") or not (sent.start <= ent.start < sent.end):
            continue
        gap_before = doc[ent.end: verb.i]
        if ent.end <= verb.i and len(gap_before) <= MAX_ADJACENT_GAP and all(
                t.is_punct or t.pos_ in ("PROPN", "ADV", "AUX") for t in gap_before):
            return ent.start, ent.end
        if ent.start == verb.i + 1:
            return ent.start, ent.end
    return None


def _nearest_quote(verb: Token, sent: SpacySpan) -> tuple[int, int] | None:
    """The quotation in ``sent`` nearest to ``verb`` (at least two words, not containing it)."""
    doc = verb.doc
    segments: list[tuple[int, int]] = []
    open_at: int | None = None
    for tok in sent:
        is_open = tok.text in ("“", "‘") or (tok.text == '"' and open_at is None)
        is_close = tok.text in ("”", "’") or (tok.text == '"' and open_at is not None)
        if is_close and open_at is not None and tok.text != "’":
            segments.append((open_at, tok.i + 1))
            open_at = None
        elif is_open and tok.text != "‘" and open_at is None:
            open_at = tok.i
    if open_at is not None and open_at > verb.i:
        # a quotation opened after the cue and running past the sentence ("said, “Sure. ...”")
        segments.append((open_at, sent.end))
    best: tuple[int, tuple[int, int]] | None = None
    for a, b in segments:
        words = sum(1 for t in doc[a:b] if t.is_alpha)
        if words < (1 if b == sent.end else 2) or a <= verb.i < b:
            continue
        between = doc[b: verb.i] if b <= verb.i else doc[verb.i + 1: a]
        if any(t.pos_ in ("VERB", "AUX") and t.dep_ in ("relcl", "ccomp", "conj", "advcl")
               and any(c.dep_ in _SUBJ for c in t.children) for t in between):
            continue  # the quotation belongs to another clause ("spoke with X, who called it a “...”")
        distance = a - verb.i if a > verb.i else verb.i - b
        if best is None or distance < best[0]:
            best = (distance, (a, b))
    return best[1] if best else None


def _is_parenthetical(verb: Token, sent: SpacySpan) -> bool:
    """The cue's clause is inserted into, or appended to, the content clause ("..., X said")."""
    if verb.dep_ == "parataxis":
        return True
    if verb.dep_ not in ("advcl", "ccomp", "conj") or verb.head.i > verb.i:
        return False
    if not any(c.dep_ in ("nsubj", "compound") for c in verb.children):
        return False
    left = verb.left_edge.i
    return left > sent.start and verb.doc[left - 1].text == ","


def _expletive_it(tok: Token) -> bool:
    """"It" that stands for the clause ("it was reported that")."""
    return tok.dep_ in ("nsubjpass", "expl")


def _prep_attribution(tok: Token, entry: dict[str, Any], sent: SpacySpan) -> Attribution | None:
    """"according to X" / "citing X": the object is the source, the rest of the clause the content."""
    words = entry["words"]
    doc = tok.doc
    if tok.lower_ != words[0]:
        return None
    anchor = tok
    if len(words) > 1:
        anchor = next((c for c in tok.children if c.lower_ == words[1]), None)
        if anchor is None and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == words[1]:
            anchor = doc[tok.i + 1]
        if anchor is None:
            return None
    obj = next((c for c in anchor.children if c.dep_ in ("pobj", "dobj")), None)
    if obj is None:
        return None
    if entry.get("requires_entity") and not obj.ent_type_:
        return None
    phrase = (tok.i, max(obj.right_edge.i + 1, anchor.i + 1))
    head = tok.head if tok.head is not tok else tok
    outer = _subtree_range(head) if head.dep_ != "ROOT" and head.i != tok.i else (sent.start, sent.end)
    rule = "prep." + "_".join(words)
    issuer = _carrier_agent(obj)
    if issuer is not None:
        obj = issuer
        rule += "+carrier"
    source = source_range(obj)
    split = _swallowed_subject(tok, obj, head)
    if split is not None:
        # "According to Reuters the army has ..." parsed as one noun phrase: the first
        # name is the source, the rest is the subject of the content
        source, phrase = (obj.left_edge.i, split), (tok.i, split)
        rule += "+split_subject"
    cut = phrase if split is not None else (min(phrase[0], tok.left_edge.i), max(phrase[1], tok.right_edge.i + 1))
    content = _minus(outer, cut)
    start, end = _trim(doc, *content)
    if end <= start:
        return None
    att = Attribution(cue_i=tok.i, cue_text=doc[tok.i: anchor.i + 1].text, content=(start, end), rule_id=rule,
                      stance=Stance(entry.get("stance", "asserts")), cue_rule=entry["id"], cue_end=anchor.i + 1)
    att.sources.append(source)
    return att


@functools.cache
def _carrier_lemmas() -> frozenset[str]:
    """Lemmas of the carrier nouns ("information", "figures") in ``cues.yaml``."""
    return frozenset(lemma for entry in rules_with_ids(CUES, "carriers") for lemma in entry["lemmas"])


def _carrier_agent(obj: Token) -> Token | None:
    """X in "the information provided by X" when ``obj`` is a carrier noun."""
    if obj.lemma_.lower() not in _carrier_lemmas():
        return None
    for acl in obj.children:
        if acl.dep_ != "acl":
            continue
        for agent in acl.children:
            if agent.dep_ == "agent" or (agent.dep_ == "prep" and agent.lower_ in ("by", "from")):
                pobj = next((c for c in agent.children if c.dep_ == "pobj"), None)
                if pobj is not None:
                    return pobj
    return None


def _swallowed_subject(tok: Token, obj: Token, head: Token) -> int | None:
    """Where the content's subject starts inside a cue's object phrase, or None.

    Without a comma, "according to Reuters the army has ..." can parse with the
    subject compounded onto the object and the clause's verb left without a subject.
    """
    doc = tok.doc
    if head.pos_ not in ("VERB", "AUX") or head.i < obj.i or tok.i > head.i:
        return None
    if any(c.dep_ in _SUBJ or c.dep_ == "expl" for c in head.children):
        return None
    if obj.right_edge.i + 1 < len(doc) and doc[obj.right_edge.i + 1].text == ",":
        return None
    left = obj.left_edge.i
    compounds = [t for t in doc[left: obj.i] if t.dep_ == "compound"]
    if not compounds or left + 1 > obj.i:
        return None
    ents = [e for e in doc.ents if e.start == left and e.end <= obj.i]
    return ents[0].end if ents else left + 1


def _noun_attribution(noun: Token, entry: dict[str, Any], sent: SpacySpan) -> Attribution | None:
    """"X's claim that ...": a cue noun with a clause; the owner is the source."""
    clause = next((c for c in noun.children if c.dep_ in ("acl", "ccomp")
                   and any(m.lower_ == "that" and m.dep_ == "mark" for m in c.children)), None)
    if clause is None:
        return None
    src: Token | None = next((c for c in noun.children if c.dep_ == "poss"), None)
    if src is None:
        prep = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ in ("by", "from", "of")), None)
        if prep is not None:
            src = next((c for c in prep.children if c.dep_ == "pobj"), None)
    if src is None and noun.dep_ in ("dobj", "nsubjpass") and noun.head.pos_ == "VERB":
        src, _ = _subject(noun.head)
    start, end = _trim(noun.doc, *_subtree_range(clause))
    if end <= start:
        return None
    att = Attribution(cue_i=noun.i, cue_text=noun.text, content=(start, end), rule_id="noun.clause",
                      stance=Stance(entry.get("stance", "asserts")), cue_rule=entry["id"])
    if src is not None and src.pos_ != "DET":
        att.sources.append(source_range(src))
    return att


def _slipped_verb(tok: Token, entry: dict[str, Any], sent: SpacySpan) -> Attribution | None:
    """A cue verb tagged as a noun ("X and Y report (translated) that ..."): the "that"
    clause right after it is the content, the noun phrase right before it the source."""
    doc = tok.doc
    if tok.i == sent.start or doc[tok.i - 1].pos_ not in ("PROPN", "NOUN"):
        return None
    j = tok.i + 1
    if j < sent.end and doc[j].text == "(":
        close = next((t.i for t in doc[j: min(sent.end, j + MAX_COLON_GAP)] if t.text == ")"), None)
        if close is None:
            return None
        j = close + 1
    top = doc[tok.i - 1]
    if top.head.i == tok.i:
        top = tok  # the name before the cue was parsed as its modifier: climb from the cue
    while top.head.i != top.i and top.head.i < tok.i and top.head.i >= sent.start:
        top = top.head
    if j < sent.end and doc[j].lower_ == "that" and doc[j].dep_ == "mark" and doc[j].head.pos_ in ("VERB", "AUX"):
        clause = doc[j].head
        first = j + 1
    else:
        # "records show he backed ...": no "that", but a plural subject agreeing with a
        # base-form cue and a clause with its own subject right after it
        clause = next((c for c in tok.children if c.dep_ in ("relcl", "acl", "ccomp")
                       and c.left_edge.i == tok.i + 1 and any(g.dep_ in _SUBJ for g in c.children)), None)
        if clause is None or tok.tag_ != "NN" or top.tag_ not in ("NNS", "NNPS"):
            return None
        first = tok.i + 1
    start, end = _trim(doc, first, max(clause.right_edge.i + 1, first + 1))
    if end <= start:
        return None
    source = _trim(doc, top.left_edge.i, tok.i)
    if source[1] <= source[0]:
        return None
    att = Attribution(cue_i=tok.i, cue_text=tok.text, content=(start, end), rule_id="verb.pos_slip",
                      stance=Stance(entry.get("stance", "asserts")), cue_rule=entry["id"], kind="speech")
    att.sources.append(source)
    return att


# --------------------------------------------------------------------- per sentence


def _negated_away(verb: Token) -> bool:
    """"did not say", "declined to say", questions about saying: not an attribution of content."""
    if any(c.dep_ == "neg" for c in verb.children) and verb.lemma_ in ("say", "comment", "tell"):
        return True
    head = verb.head
    return verb.dep_ == "xcomp" and head.lemma_ in ("decline", "refuse") and verb.lemma_ == "say"


def sentence_attributions(sent: SpacySpan) -> list[Attribution]:
    """Every attribution whose cue is in ``sent``, nested ones merged into chains."""
    verbs, nouns, preps = cue_lexicon()
    found: list[Attribution] = []
    prefix_for: dict[int, list[tuple[int, int]]] = {}
    for tok in sent:
        att: Attribution | None = None
        lemma = tok.lemma_.lower()
        if tok.pos_ in ("VERB", "AUX") and lemma in verbs and not _negated_away(tok):
            att = _verb_attribution(tok, verbs[lemma], sent)
        elif tok.pos_ in ("NOUN",) and lemma in nouns:
            att = _noun_attribution(tok, nouns[lemma], sent)
            if att is None and lemma in verbs and verbs[lemma].get("kind") == "speech":
                att = _slipped_verb(tok, verbs[lemma], sent)
        elif tok.pos_ in ("NOUN",) and lemma in verbs and verbs[lemma].get("kind") == "speech":
            att = _slipped_verb(tok, verbs[lemma], sent)
        else:
            for entry in preps:
                if tok.lower_ == entry["words"][0]:
                    att = _prep_attribution(tok, entry, sent)
                    if att is not None:
                        head = tok.head
                        # "according to X, CBS reports": X is the first speaker of the cue verb
                        if (head.lemma_.lower() in verbs and head.i != tok.i and head.pos_ in ("VERB", "AUX")
                                and verbs[head.lemma_.lower()].get("kind") == "speech"):
                            prefix_for.setdefault(head.i, []).extend(att.sources)
                            att = None
                    break
        if att is not None:
            found.append(att)
    for att in found:
        if att.cue_i in prefix_for:
            att.sources = prefix_for[att.cue_i] + att.sources
            att.rule_id += "+nested"
    return _merge_nested(found, sent.doc)


def _merge_nested(found: list[Attribution], doc: Doc) -> list[Attribution]:
    """Give inner attributions their outer speakers as relays; drop outers they exhaust."""
    dropped: set[int] = set()
    for outer in found:
        for inner in found:
            if inner is outer or id(inner) in dropped:
                continue
            a, b = outer.content
            if not a <= inner.cue_i < b:
                continue
            if inner.sources[:1] == outer.sources[:1] and inner.sources and inner.cue_i > a:
                # "said A, confirming B" / "said A and said B": two reports by one speaker
                cut = _trim(doc, a, doc[inner.cue_i].left_edge.i)
                if cut[1] > cut[0]:
                    outer.content = cut
                    outer.char_end = None
                continue
            inside = [s for s in inner.sources if a <= s[0] < b]
            lo = min([inner.cue_i, inner.content[0]] + [s[0] for s in inside])
            hi = max([inner.cue_i + 1, inner.content[1]] + [s[1] for s in inside])
            # only a report that spans the whole outer content is nested ("CBS reports that,
            # according to officials, ..."); a cue deeper inside is a parse accident
            if min(hi, b) - max(lo, a) < (b - a) - MAX_NEST_OFFSET:
                continue
            if inner.kind == "belief":
                # "said the country was planning to ...": the inner mental state is part of
                # what the outer speaker said, not a claim of its own
                dropped.add(id(inner))
                continue
            inner.sources = inner.sources + outer.sources
            inner.relays_extra = inner.relays_extra + outer.relays_extra
            if "+nested" not in inner.rule_id:
                inner.rule_id += "+nested"
            span_lo = min([inner.content[0], inner.cue_i] + [s[0] for s in inner.sources if a <= s[0] < b])
            span_hi = max([inner.content[1], inner.cue_i + 1])
            covered = max(0, min(b, span_hi) - max(a, span_lo))
            # the outer content is mostly the inner attribution: one claim, not two
            if covered >= 0.5 * (b - a):
                dropped.add(id(outer))
    return [att for att in found if id(att) not in dropped]


def _headline_colon(sent: SpacySpan) -> Attribution | None:
    """"Name: statement" (a headline or a quote introduced by a bare name)."""
    doc = sent.doc
    colon = next((t for t in sent if t.text == ":"), None)
    if colon is None:
        return None
    head = doc[sent.start: colon.i]
    if not 1 <= len(head) <= MAX_HEADLINE_SOURCE_TOKENS or any(t.pos_ in ("VERB", "AUX") for t in head):
        return None
    line_start = sent.start_char == 0 or doc_text(doc)[sent.start_char - 1] == "\n"
    named = all(t.pos_ == "PROPN" or t.is_punct for t in head)
    if not any(t.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") for t in head) and not (named and line_start):
        return None
    return _colon_attribution(sent, colon, "colon.headline", _trim(doc, head.start, head.end))


def _named_colon_quote(sent: SpacySpan) -> Attribution | None:
    """"... pollster Ann Berg: “quotation”": a named speaker right before a colon and a quotation."""
    doc = sent.doc
    colon = next((t for t in sent if t.text == ":" and t.i > sent.start), None)
    if colon is None or colon.i + 1 >= sent.end or doc[colon.i + 1].text not in _QUOTES_OPEN:
        return None
    ent = next((e for e in doc.ents if e.end == colon.i and e.label_ in ("PERSON", "ORG")), None)
    if ent is None:
        return None
    return _colon_attribution(sent, colon, "colon.named_quote", (ent.start, ent.end))


def _colon_attribution(sent: SpacySpan, colon: Token, rule: str, source: tuple[int, int]) -> Attribution | None:
    """"SOURCE: content" — what follows the colon to the sentence end, said by ``source``."""
    start, end = _trim(sent.doc, colon.i + 1, sent.end)
    if end - start < 2:
        return None
    att = Attribution(cue_i=colon.i, cue_text=":", content=(start, end), rule_id=rule, cue_rule=rule)
    att.sources.append(source)
    return att


def _paragraph_bounds(text: str, pos: int) -> tuple[int, int]:
    """The clean (start, end) of the paragraph holding ``pos``."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def _open_quote_before(text: str, pos: int) -> int | None:
    """Where the quotation enclosing ``pos`` opens, within ``pos``'s paragraph, or None."""
    start, _ = _paragraph_bounds(text, pos)
    open_at: int | None = None
    for i in range(start, pos):
        ch = text[i]
        if ch == "“":
            open_at = i
        elif ch == "”":
            open_at = None
        elif ch == '"':
            open_at = i if open_at is None else None
    return open_at


def _close_quote_after(text: str, pos: int) -> int | None:
    """Where the quotation open at ``pos`` closes (exclusive end), within the paragraph."""
    _, end = _paragraph_bounds(text, pos)
    for i in range(pos, end):
        if text[i] in ("”", '"'):
            return i + 1
    return None


def _extend_to_quotes(att: Attribution, doc: Doc) -> None:
    """Widen a content to the whole quotation it starts or ends inside of."""
    text = doc_text(doc)
    start, end = att.char_range(doc)
    opened = _open_quote_before(text, start)
    cue_char = doc[att.cue_i].idx
    if opened is not None and not opened < cue_char < start:
        att.char_start = opened
    if _open_quote_before(text, end) is not None:
        closed = _close_quote_after(text, end)
        if closed is not None and not end <= cue_char < closed:
            att.char_end = closed


def doc_attributions(doc: Doc) -> list[Attribution]:
    """All attributions in ``doc``, sentence by sentence.

    A quotation that runs over several sentences stays one content; sentences that
    continue the previous sentence's quotation join its content (``quote.continuation``).
    """
    result: list[Attribution] = []
    previous: Attribution | None = None
    for sent in doc.sents:
        atts = sentence_attributions(sent)
        headline = _headline_colon(sent)
        if headline is not None:
            # "Name: ... says ...": reports inside the headline's content nest under it
            atts = _merge_nested([headline, *atts], doc)
        elif (named := _named_colon_quote(sent)) is not None and not any(
                named.content[0] <= a.cue_i < named.content[1] or a.content[0] <= named.content[0] < a.content[1]
                for a in atts):
            atts = sorted([*atts, named], key=lambda a: a.content[0])
        for att in atts:
            _extend_to_quotes(att, doc)
        if atts and previous is not None and _continues_quote(sent, previous):
            # cues quoted inside the previous speaker's quotation ("I think ...") are part of it
            atts = [a for a in atts if _open_quote_before(doc_text(doc), doc[a.cue_i].idx) is None]
        if not atts and previous is not None and _continues_quote(sent, previous):
            start, end = _trim(doc, sent.start, sent.end)
            if end > start:
                last = doc[end - 1]
                previous.char_end = max(previous.char_range(doc)[1], last.idx + len(last.text))
                if "quote.continuation" not in previous.rule_id:
                    previous.rule_id += "+quote.continuation"
                _extend_to_quotes(previous, doc)
                continue
        result.extend(atts)
        previous = atts[-1] if atts else None
    return result


def _paragraph_count(gap: str) -> int:
    """How many paragraph breaks a stretch of text crosses (blank-line runs count once)."""
    return len([part for part in gap.split("\n") if part.strip()]) + 1 if "\n" in gap else 0


def _continues_quote(sent: SpacySpan, previous: Attribution) -> bool:
    """A sentence inside, or opening right after, the previous attribution's quotation."""
    doc = sent.doc
    prev_end = previous.char_range(doc)[1]
    text = sent.text.strip()
    # count breaks after the previous report's sentence ("“...,” she said.\n\n“...”")
    said_end = max(prev_end, len(doc_text(doc)[: doc[previous.cue_i].sent.end_char].rstrip()))
    gap = doc_text(doc)[min(said_end, sent.start_char): sent.start_char]
    if gap.count("\n") and (_paragraph_count(gap) > 1 or text[:1] not in ('"', "“")):
        return False  # a new paragraph that does not open with a quotation
    if sent.end_char <= prev_end:
        return True  # already inside the widened quotation
    opened = _open_quote_before(doc_text(doc), sent.start_char)
    if opened is not None and previous.char_range(doc)[0] <= opened < prev_end:
        return True  # the quotation the previous content ran into is still open
    if text[:1] in ('"', "“") and gap.count("\n") and previous.kind == "speech":
        return True  # "X said Y.\n\n“...”": a quotation paragraph right after a report goes on with it
    prev_text = doc_text(doc)[slice(*previous.char_range(doc))]
    return text[:1] in ('"', "“") and prev_text.rstrip()[-1:] in ('"', "”", ",", ".")
