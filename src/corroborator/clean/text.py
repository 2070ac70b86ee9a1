"""Segment scraped plain text into title, body, reader comments and boilerplate.

Scraped text has lost its markup, so the segmenter works on lines with general rules, in order:

1. boilerplate cue lines and appeal paragraphs (``rules/boilerplate.yaml``);
2. comment threads signed after the text ("Posted by: NAME | DATE"), signed before it
   ("NAME says:", "NAME • 2 days ago") (``rules/comments.yaml``), or laid out as an indented
   bullet thread after the article (author lines followed by deeper-indented text, reply depth
   from indentation);
3. a header zone (masthead, dateline, tagline) and the title;
4. everything else before the comments is body.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass

from corroborator.clean.metadata import DATE_LINE, find_date
from corroborator.clean.textmap import TextBuilder
from corroborator.records import Boilerplate, Comment, Span, TextMap
from corroborator.resources import compile_pattern, rules_with_ids

BOILERPLATE_RULES = "clean/rules/boilerplate.yaml"
COMMENT_RULES = "clean/rules/comments.yaml"

# Lines at the top of a page searched for the title (counting non-blank, non-boilerplate lines).
TITLE_SEARCH_LINES = 15
# Header lines (from the top) searched for a publication date.
HEADER_DATE_LINES = 40
# A line of at least this many words ending like a sentence is running text: the header ends there.
RUNNING_TEXT_WORDS = 20
# A shorter line ending like a sentence is prose when it has at least this many words: a title
# is never chosen below such lines (set by hand: headlines rarely end in a full stop after 10 words).
SENTENCE_WORDS = 10
# This many such lines above the best title candidate mean the article has already begun.
PROSE_LINES = 2
# A navigation row: several short items separated by bars, bullets, arrows or wide gaps.
NAV_LINE = re.compile(r"^(?:\S+(?: \S+){0,2}(?: {2,}| ?[|•›»/·] ?)){2,}\S+(?: \S+){0,2}$")
# A byline: "By NAME", "By NAME and NAME", "Posted by NAME on DATE".
BYLINE = re.compile(r"^(?:by|posted by|written by|words by)\s+[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){0,5}"
                    r"(?:\s+(?:and|&)\s+[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){0,3})?\b", re.IGNORECASE)
# Lines above a dateline with at most this many words are the site's masthead, not a title.
MASTHEAD_MAX_WORDS = 6
# A title is at most this long; longer first lines are body text (PTC-style titles run to ~150).
TITLE_MAX_CHARS = 250
# An author line in a bullet thread: short, not a sentence.
AUTHOR_MAX_WORDS = 5
AUTHOR_MAX_CHARS = 50
# A list item in the trailing indented zone counts as a comment when it has continuation
# text or is at least this long; short one-line items are an article's own list.
COMMENT_ITEM_MIN_CHARS = 60

# "3 hours ago", "yesterday at 10:14": a comment's posting time on its own line.
RELATIVE_TIME = re.compile(r"^\s*(?:(?:\d+|an?|one) (?:second|minute|hour|day|week|month|year)s? ago|"
                           r"(?:yesterday|today)(?: at \d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?)?)\s*$", re.IGNORECASE)
_MARKER = re.compile(r"^(?P<marker>[•·▪◦●○■□*\-–—]|\d{1,3}[.)])\s+")


@dataclass(slots=True)
class Line:
    number: int  # 0-based
    start: int  # raw offset of the line
    end: int  # raw offset after the line (without the newline)
    text: str
    indent: int
    marker: bool  # starts with a list bullet or number
    content_start: int  # raw offset of the first character after indentation and marker

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def content(self) -> str:
        return self.text[self.content_start - self.start:].strip()


@dataclass(slots=True)
class _Comment:
    author: str | None
    posted: str | None
    lines: list[Line]
    depth: int
    first: int  # line number where the comment (with its signature) starts
    last: int
    rule_id: str


@dataclass(slots=True)
class Segmentation:
    """The result of segmenting one plain text."""

    title: Line | None
    body: TextMap
    comments: tuple[Comment, ...]
    boilerplate: tuple[Boilerplate, ...]
    published: str | None
    published_rule: str | None
    header_lines: tuple[str, ...]
    all_lines: tuple[str, ...]


def split_lines(raw: str) -> list[Line]:
    """The lines of ``raw`` with their raw offsets, indentation and list markers."""
    lines: list[Line] = []
    pos = 0
    for number, piece in enumerate(raw.split("\n")):
        text = piece[:-1] if piece.endswith("\r") else piece
        expanded = text.replace("\t", "    ")
        indent = len(expanded) - len(expanded.lstrip(" \u00a0\u3000"))
        lead = len(text) - len(text.lstrip(" \t\u00a0\u3000\ufeff"))
        match = _MARKER.match(text[lead:])
        content_start = pos + lead + (match.end() if match else 0)
        lines.append(Line(number, pos, pos + len(text), text, indent, bool(match), content_start))
        pos += len(piece) + 1
    return lines


# --------------------------------------------------------------------- rules


@dataclass(frozen=True, slots=True)
class _LineRule:
    rule_id: str
    kind: str
    pattern: re.Pattern[str]
    max_len: int


@functools.cache
def _line_rules() -> tuple[_LineRule, ...]:
    return tuple(_LineRule(r["id"], r["kind"], compile_pattern(BOILERPLATE_RULES, r, flags=0 if r.get(
        "case_sensitive") else re.IGNORECASE),
                           int(r.get("max_len", 200)))
                 for r in rules_with_ids(BOILERPLATE_RULES, "line_rules"))


@functools.cache
def _paragraph_rules() -> tuple[tuple[str, str, int, tuple[re.Pattern[str], ...]], ...]:
    return tuple((r["id"], r["kind"], int(r.get("min_hits", 2)), tuple(re.compile(c, re.IGNORECASE) for c in r["cues"]))
                 for r in rules_with_ids(BOILERPLATE_RULES, "paragraph_rules"))


@functools.cache
def _comment_rules() -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    return tuple((r["id"], r["placement"], compile_pattern(COMMENT_RULES, r)) for r in rules_with_ids(COMMENT_RULES))


def match_line(text: str) -> tuple[str, str] | None:
    """The (kind, rule id) of the first boilerplate line rule matching ``text``, else None."""
    stripped = text.strip()
    for rule in _line_rules():
        if len(stripped) <= rule.max_len and rule.pattern.search(stripped):
            return rule.kind, rule.rule_id
    return None


def _paragraph_kind(text: str, needed: int | None = None) -> tuple[str, str] | None:
    """The paragraph rule whose cues ``text`` hits often enough (``needed`` overrides the rule's count)."""
    for rule_id, kind, min_hits, cues in _paragraph_rules():
        if sum(1 for cue in cues if cue.search(text)) >= (needed or min_hits):
            return kind, rule_id
    return None


# --------------------------------------------------------------------- segmentation


def segment_text(raw: str) -> Segmentation:
    """Segment a scraped plain text (see the module docstring)."""
    lines = split_lines(raw)
    label: list[str | None] = [None] * len(lines)  # X boilerplate, C comment, S signature, T title
    boiler: dict[int, tuple[str, str]] = {}

    _mark_boilerplate(lines, label, boiler)
    comments = _find_comments(lines, label, boiler)
    comment_zone = min((c.first for c in comments), default=len(lines))
    header_end, title, dateline = _find_title(lines, label, comment_zone)
    for ln in lines[:header_end]:
        if label[ln.number] in (None, "M") and not ln.blank and ln is not title and ln is not dateline:
            label[ln.number] = "X"
            boiler.setdefault(ln.number, ("masthead", "bp.header.masthead"))
    if dateline is not None:
        label[dateline.number] = "X"
        boiler.setdefault(dateline.number, ("dateline", "bp.header.dateline"))
    # After the comment zone begins, any unlabelled line is page furniture.
    for ln in lines[comment_zone:]:
        if label[ln.number] is None and not ln.blank:
            label[ln.number] = "X"
            boiler.setdefault(ln.number, ("other", "bp.after_comments"))

    body = _build_body(raw, lines, label, start=header_end if title is None else title.number + 1, stop=comment_zone)
    published, rule = _published(lines, dateline, boiler)
    header = tuple(ln.stripped for ln in lines[:header_end] if not ln.blank)
    return Segmentation(
        title=title,
        body=body,
        comments=tuple(_to_comment(raw, i, c) for i, c in enumerate(comments)),
        boilerplate=tuple(Boilerplate(kind, rule_id, Span(lines[n].start, lines[n].end), lines[n].stripped)
                          for n, (kind, rule_id) in sorted(boiler.items())),
        published=published,
        published_rule=rule,
        header_lines=header,
        all_lines=tuple(ln.stripped for ln in lines),
    )


def _mark_boilerplate(lines: list[Line], label: list[str | None], boiler: dict[int, tuple[str, str]]) -> None:
    in_appeal = False
    for ln in lines:
        if ln.blank:
            continue
        hit = match_line(ln.stripped)
        if hit and hit[0] == "donation_start":
            in_appeal = True
            hit = ("donation", hit[1])
        para = _paragraph_kind(ln.stripped) if hit is None else None
        if hit is None and para is not None:
            hit = para
        if hit is None and in_appeal and _paragraph_kind(ln.stripped, needed=1) is not None:
            # inside an appeal that began with a cue line, one cue is enough
            hit = ("donation", "bp.para.donation_continued")
        if hit is None:
            in_appeal = False
            continue
        label[ln.number] = "X"
        boiler[ln.number] = hit


def _find_comments(lines: list[Line], label: list[str | None],
                   boiler: dict[int, tuple[str, str]]) -> list[_Comment]:
    after: list[_Sig] = []
    before: list[_Sig] = []
    for ln in lines:
        if ln.blank or label[ln.number] == "X" and boiler.get(ln.number, ("",))[0] not in ("comment_furniture",):
            continue
        for rule_id, placement, pattern in _comment_rules():
            match = pattern.match(ln.text)
            if match:
                sig = _Sig(ln.number, rule_id, _group(match, "author"), _group(match, "date"))
                (after if placement == "after" else before).append(sig)
                break
    if len(after) >= 2:
        return _comments_signed_after(lines, label, boiler, after)
    taken = {s.number for s in before}
    authors = [s for s in _bullet_author_lines(lines, label) if s.number not in taken]
    if authors:  # in a bullet thread every further item starts a comment, signed or not
        taken |= {s.number for s in authors}
        authors += [_Sig(ln.number, "cm.thread.item", None, None, item=True) for ln in lines[authors[0].number:]
                    if ln.marker and ln.number not in taken and label[ln.number] is None]
    before = sorted(before + authors, key=lambda s: s.number)
    header_first = before and any(boiler.get(n, ("",))[0] == "comment_header" for n in range(before[0].number))
    # One "NAME says:" line alone may be an article introducing a quote: it takes two, or a comment header.
    if len(before) >= 2 or header_first:
        return _comments_signed_before(lines, label, boiler, before)
    return _comments_bullet_thread(lines, label, boiler)


@dataclass(frozen=True, slots=True)
class _Sig:
    number: int
    rule_id: str
    author: str | None
    date: str | None
    item: bool = False  # the signature line is itself the comment's first line of text


def _group(match: re.Match[str], name: str) -> str | None:
    try:
        value = match.group(name)
    except IndexError:
        return None
    return value.strip() if value else None


def _author_like(text: str) -> bool:
    return (0 < len(text.split()) <= AUTHOR_MAX_WORDS and len(text) <= AUTHOR_MAX_CHARS
            and not text.endswith((".", "!", "?", ":", ";", ",", "…")))


def _bullet_author_lines(lines: list[Line], label: list[str | None]) -> list[_Sig]:
    """List items holding only a name, followed by deeper-indented text: a thread's author lines."""
    out = []
    for i, ln in enumerate(lines):
        if not ln.marker or label[ln.number] is not None or not _author_like(ln.content):
            continue
        nxt = next((m for m in lines[i + 1:] if not m.blank), None)
        if nxt is not None and nxt.indent > ln.indent and not nxt.marker:
            out.append(_Sig(ln.number, "cm.thread.author_line", ln.content, None))
    return out


def _comments_signed_after(lines, label, boiler, sigs: list[_Sig]) -> list[_Comment]:
    first_sig = sigs[0].number
    # The zone starts after the article's own sign-off (byline, comment header) before the first
    # signature; without one, the first comment is the paragraph right above the first signature.
    zone_start = None
    for n in range(first_sig - 1, -1, -1):
        kind = boiler.get(n, ("",))[0]
        if kind in ("byline", "comment_header"):
            zone_start = n + 1
            break
    if zone_start is None:
        n = first_sig - 1
        while n >= 0 and lines[n].blank:
            n -= 1
        while n >= 0 and not lines[n].blank:
            n -= 1
        zone_start = n + 1
    comments = []
    prev = zone_start
    for sig in sigs:
        text_lines = [ln for ln in lines[prev:sig.number] if not ln.blank and label[ln.number] != "X"]
        label[sig.number] = "S"
        boiler[sig.number] = ("comment_signature", sig.rule_id)
        for ln in text_lines:
            label[ln.number] = "C"
        if text_lines:
            comments.append(_Comment(sig.author, sig.date, text_lines, 0, text_lines[0].number, sig.number,
                                     sig.rule_id))
        prev = sig.number + 1
    # Lines after the last signature carry no signature: page furniture, not a comment.
    return _keep_zone(comments, zone_start)


def _keep_zone(comments: list[_Comment], zone_start: int) -> list[_Comment]:
    if comments:
        comments[0].first = min(comments[0].first, zone_start)
    return comments


def _style(sig: _Sig) -> str:
    return "thread" if sig.rule_id.startswith("cm.thread") else sig.rule_id


def _comments_signed_before(lines, label, boiler, sigs: list[_Sig]) -> list[_Comment]:
    comments = []
    bounds = [s.number for s in sigs] + [len(lines)]
    # reply depth is the rank of a signature's indentation among signatures of the same style
    indents: dict[str, list[int]] = {}
    for sig in sigs:
        indents.setdefault(_style(sig), []).append(lines[sig.number].indent)
    ranks = {style: sorted(set(values)) for style, values in indents.items()}
    for sig, stop in zip(sigs, bounds[1:]):
        posted = sig.date
        text_lines = []
        if sig.item:
            text_lines.append(lines[sig.number])
            label[sig.number] = "C"
        else:
            label[sig.number] = "S"
            boiler[sig.number] = ("comment_signature", sig.rule_id)
        for ln in lines[sig.number + 1:stop]:
            if ln.blank or label[ln.number] == "X" and boiler.get(ln.number, ("",))[0] != "meta":
                continue
            dated = DATE_LINE.match(ln.text) or RELATIVE_TIME.match(ln.text) or boiler.get(ln.number, ("",))[0] == "meta"
            if posted is None and not text_lines and dated:
                posted = ln.stripped
                label[ln.number] = "S"
                boiler[ln.number] = ("comment_signature", sig.rule_id)
                continue
            text_lines.append(ln)
            label[ln.number] = "C"
        if text_lines:
            comments.append(_Comment(sig.author, posted, text_lines,
                                     ranks[_style(sig)].index(lines[sig.number].indent),
                                     sig.number, text_lines[-1].number, sig.rule_id))
    zone = sigs[0].number
    for n in range(zone - 1, -1, -1):
        if boiler.get(n, ("",))[0] == "comment_header":
            zone = n
            break
        if not lines[n].blank:
            break
    return _keep_zone(comments, zone)


def _base_indent(lines: list[Line], label: list[str | None]) -> int:
    weights: Counter[int] = Counter()
    for ln in lines:
        if not ln.blank and label[ln.number] is None:
            weights[ln.indent] += len(ln.stripped)
    return weights.most_common(1)[0][0] if weights else 0


def _comments_bullet_thread(lines, label, boiler) -> list[_Comment]:
    base = _base_indent(lines, label)
    # The trailing zone: after the last unlabelled line at the base indentation.
    last_base = -1
    for ln in lines:
        if not ln.blank and label[ln.number] is None and ln.indent <= base:
            last_base = ln.number
    zone = [ln for ln in lines[last_base + 1:] if not ln.blank and label[ln.number] != "X"]
    if not zone or not any(ln.marker for ln in zone):
        return []
    items: list[tuple[Line, list[Line]]] = []
    orphans: list[Line] = []
    for ln in zone:
        if ln.marker:
            items.append((ln, []))
        elif items:
            items[-1][1].append(ln)
        else:
            orphans.append(ln)
    item_indents = sorted({item.indent for item, _ in items})
    comments = []
    for item, rest in items:
        content = item.content
        author_like = bool(rest) and _author_like(content)
        if not author_like and not rest and len(content) < COMMENT_ITEM_MIN_CHARS:
            return []  # a short one-line list item: the article's own list, not a thread
        text_lines = rest if author_like else [item, *rest]
        comments.append(_Comment(content if author_like else None, None, text_lines,
                                 item_indents.index(item.indent), item.number,
                                 (rest[-1] if rest else item).number, "cm.thread.bullets"))
    for c in comments:
        for ln in c.lines:
            label[ln.number] = "C"
        if c.author is not None:
            label[c.first] = "S"
            boiler[c.first] = ("comment_signature", "cm.thread.author_line")
    if orphans and comments:  # indented text before the first item belongs to the thread's opening
        comments[0].lines[:0] = orphans
        for ln in orphans:
            label[ln.number] = "C"
        comments[0].first = orphans[0].number
    return comments


def _find_title(lines: list[Line], label: list[str | None], stop: int) -> tuple[int, Line | None, Line | None]:
    """(index where the body may start, the title line, the dateline) from the page's header.

    The header is what stands above the first line of running text. Its lines are scored as
    titles: headline case, a byline/date or running text right below, a headline's length count
    for; all-caps labels, navigation rows and sentences count against. The best wins (the
    earliest on a tie); what stands above it is masthead.
    """
    head: list[Line] = []
    for ln in lines[:stop]:
        if ln.blank or label[ln.number] is not None:
            continue
        if _running_text(ln.stripped) or len(head) >= TITLE_SEARCH_LINES:
            break
        head.append(ln)
    dateline = None
    for i, ln in enumerate(head[:3]):
        if DATE_LINE.match(ln.text):
            dateline = ln
            if all(len(b.stripped.split()) <= MASTHEAD_MAX_WORDS for b in head[:i]):
                for b in head[:i]:
                    label[b.number] = label[b.number] or "M"  # the site's name above the date
            break
    candidates = [ln for ln in head if ln is not dateline and label[ln.number] is None]
    if not candidates:
        first = next((ln for ln in lines[:stop] if not ln.blank and label[ln.number] is None), None)
        if first is not None and len(first.stripped) <= TITLE_MAX_CHARS and not _running_text(first.stripped):
            return first.number, first, dateline
        return (dateline.number + 1 if dateline else 0), None, dateline
    first_text_line = next((ln.number for ln in lines[:stop] if not ln.blank), -1)
    lead_words: set[str] = set()
    for ln in [m for m in lines[head[-1].number + 1 if head else 0:stop] if _running_text(m.stripped)][:2]:
        lead_words |= _content_words(ln.stripped)
    scored = []
    for ln in candidates:
        nxt = next((m for m in lines[ln.number + 1:stop] if not m.blank and label[m.number] != "X"), None)
        score = _title_score(ln.stripped, nxt.stripped if nxt else "")
        if len(_content_words(ln.stripped) & lead_words) >= 2:
            score += 1  # a headline announces what the lead paragraph tells
        if ln is candidates[0] and ln.number == first_text_line and not _sentence_like(ln.stripped):
            score += 1  # the file's very first line, when it is headline-like, is usually the title
        scored.append((score, -ln.number, ln))
    best = max(scored, key=lambda t: (t[0], t[1]))
    if best[0] <= 0:
        return (dateline.number + 1 if dateline else 0), None, dateline
    title = best[2]
    sentences_above = [ln for ln in candidates if ln.number < title.number and _sentence_like(ln.stripped)]
    headline_above = [ln for ln in candidates if ln.number < title.number and not _sentence_like(ln.stripped)
                      and not ln.stripped.startswith(("http://", "https://"))]
    if _sentence_like(title.stripped) and headline_above and not sentences_above:
        # a full sentence scored best, but a headline-like line stands above it: that is the
        # title, the sentence is the lead
        title = headline_above[0]
    elif len(sentences_above) >= PROSE_LINES:
        # prose above the best-scoring line: the article has started, and a header never holds
        # several full sentences (a tagline is one); the title is the first candidate
        title = candidates[0]
        if _sentence_like(title.stripped):
            return title.number, None, dateline
    for ln in head:
        if ln.number < title.number and label[ln.number] == "M":
            label[ln.number] = None
    return title.number, title, dateline


def _sentence_like(text: str) -> bool:
    """A full sentence of prose (not a headline or a label)."""
    return len(text.split()) >= SENTENCE_WORDS and text.rstrip("”\"'’)").endswith((".", "!", "?"))


def _running_text(text: str) -> bool:
    return len(text.split()) >= RUNNING_TEXT_WORDS and text.rstrip("”\"'’)").endswith((".", "!", "?", ":"))


def _title_score(text: str, next_text: str) -> int:
    words = re.findall(r"[A-Za-z0-9][\w'’\-]*", text)
    score = 0
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) / len(letters) > 0.8 and len(words) <= 8:
        score -= 3  # an all-caps label: masthead or section name
    if NAV_LINE.search(text):
        score -= 3
    if len(words) < 4:
        score -= 1
    elif len(words) <= 30:
        score += 1
    if len(text) > TITLE_MAX_CHARS or (text.endswith(".") and not text.endswith("...")):
        score -= 1
    long_words = [w for w in words if len(w) > 3]
    if long_words and sum(w[0].isupper() for w in long_words) / len(long_words) >= 0.6:
        score += 1
    if len(words) < 4:
        return score  # a short label above a date is a masthead, not a headline with its dateline
    if next_text and (BYLINE.match(next_text) or DATE_LINE.match(next_text) or find_date(next_text[:60])):
        score += 2
    elif _running_text(next_text):
        score += 1
    return score


_STOP = frozenset("that this with from have were said will their they which about after into over than been "
                  "what when where there these those also more most some such only other".split())


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 3 and w not in _STOP}


def _build_body(raw: str, lines: list[Line], label: list[str | None], start: int, stop: int) -> TextMap:
    builder = TextBuilder()
    pending_break = ""
    for ln in lines[start:stop]:
        if ln.blank:
            if len(builder):
                pending_break = "\n\n"
            continue
        if label[ln.number] is not None:
            if len(builder):
                pending_break = "\n\n"
            continue
        if len(builder):
            builder.add(pending_break or "\n")
        pending_break = ""
        end = ln.end
        while end > ln.content_start and raw[end - 1] in " \t\u00a0\r":
            end -= 1
        builder.add_raw(raw, ln.content_start, end)
    return builder.build()


def _to_comment(raw: str, index: int, c: _Comment) -> Comment:
    builder = TextBuilder()
    for i, ln in enumerate(c.lines):
        if i:
            gap = ln.number - c.lines[i - 1].number
            builder.add("\n\n" if gap > 1 else "\n")
        end = ln.end
        while end > ln.content_start and raw[end - 1] in " \t\u00a0\r":
            end -= 1
        start = ln.start + (len(ln.text) - len(ln.text.lstrip(" \t\u00a0\u3000")))
        builder.add_raw(raw, start, end)
    span_start = c.lines[0].start
    span_end = c.lines[-1].end
    return Comment(index=index, author=c.author, posted=c.posted, text=builder.build(), depth=c.depth,
                   span=Span(span_start, span_end), rule_id=c.rule_id)


def _published(lines: list[Line], dateline: Line | None,
               boiler: dict[int, tuple[str, str]]) -> tuple[str | None, str | None]:
    if dateline is not None:
        found = find_date(dateline.text)
        if found:
            return found, "bp.header.dateline"
    for n, (kind, rule_id) in sorted(boiler.items()):
        if kind in ("byline", "meta", "masthead", "dateline") and n < HEADER_DATE_LINES:
            found = find_date(lines[n].text)
            if found:
                return found, rule_id
    for ln in lines[:HEADER_DATE_LINES]:
        match = re.match(r"(?i)^\s*(?:published|posted|updated|date)\s*(?:on)?\s*[:\-–]?\s*(.{6,60})$", ln.text)
        if match:
            found = find_date(match.group(1))
            if found:
                return found, "meta.published_line"
    for n, (kind, _rule) in sorted(boiler.items()):
        if kind == "byline":  # a sign-off under the article ("Posted by X on DATE | Permalink")
            found = find_date(lines[n].text)
            if found:
                return found, "meta.posted_on"
    return None, None
