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
TITLE_SEARCH_LINES = 6
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
    return tuple(_LineRule(r["id"], r["kind"], compile_pattern(BOILERPLATE_RULES, r, flags=re.IGNORECASE),
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
        if label[ln.number] is None and not ln.blank and ln is not title and ln is not dateline:
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
    sigs: dict[str, list[tuple[int, str, re.Match[str]]]] = {"after": [], "before": []}
    for ln in lines:
        if ln.blank or label[ln.number] == "X" and boiler.get(ln.number, ("",))[0] not in ("comment_furniture",):
            continue
        for rule_id, placement, pattern in _comment_rules():
            match = pattern.match(ln.text)
            if match:
                sigs[placement].append((ln.number, rule_id, match))
                break
    if len(sigs["after"]) >= 2:
        return _comments_signed_after(lines, label, boiler, sigs["after"])
    before = sigs["before"]
    header_first = before and any(boiler.get(n, ("",))[0] == "comment_header" for n in range(before[0][0]))
    # One "NAME says:" line alone may be an article introducing a quote: it takes two, or a comment header.
    if len(before) >= 2 or header_first:
        return _comments_signed_before(lines, label, boiler, before)
    return _comments_bullet_thread(lines, label, boiler)


def _group(match: re.Match[str], name: str) -> str | None:
    try:
        value = match.group(name)
    except IndexError:
        return None
    return value.strip() if value else None


def _comments_signed_after(lines, label, boiler, sigs) -> list[_Comment]:
    first_sig = sigs[0][0]
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
    for number, rule_id, match in sigs:
        text_lines = [ln for ln in lines[prev:number] if not ln.blank and label[ln.number] != "X"]
        label[number] = "S"
        boiler[number] = ("comment_signature", rule_id)
        for ln in text_lines:
            label[ln.number] = "C"
        if text_lines:
            comments.append(_Comment(_group(match, "author"), _group(match, "date"), text_lines, 0,
                                     text_lines[0].number, number, rule_id))
        prev = number + 1
    # Lines after the last signature carry no signature: page furniture, not a comment.
    return _keep_zone(comments, zone_start)


def _keep_zone(comments: list[_Comment], zone_start: int) -> list[_Comment]:
    if comments:
        comments[0].first = min(comments[0].first, zone_start)
    return comments


def _comments_signed_before(lines, label, boiler, sigs) -> list[_Comment]:
    comments = []
    bounds = [s[0] for s in sigs] + [len(lines)]
    for (number, rule_id, match), stop in zip(sigs, bounds[1:]):
        label[number] = "S"
        boiler[number] = ("comment_signature", rule_id)
        posted = _group(match, "date")
        text_lines = []
        for ln in lines[number + 1:stop]:
            if ln.blank or label[ln.number] == "X":
                continue
            if posted is None and not text_lines and DATE_LINE.match(ln.text):
                posted = ln.stripped
                label[ln.number] = "S"
                boiler[ln.number] = ("comment_signature", rule_id)
                continue
            text_lines.append(ln)
            label[ln.number] = "C"
        base = lines[number].indent
        depth_indents = sorted({lines[s[0]].indent for s in sigs})
        depth = depth_indents.index(base) if base in depth_indents else 0
        if text_lines:
            comments.append(_Comment(_group(match, "author"), posted, text_lines, depth, number,
                                     text_lines[-1].number, rule_id))
    zone = sigs[0][0]
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
        words = content.split()
        author_like = (rest and len(words) <= AUTHOR_MAX_WORDS and len(content) <= AUTHOR_MAX_CHARS
                       and not content.endswith((".", "!", "?", ":", ";", ",")))
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
    """(index where the body may start, the title line, the dateline) from the page's header."""
    candidates = [ln for ln in lines[:stop] if not ln.blank and label[ln.number] is None]
    head = candidates[:TITLE_SEARCH_LINES]
    dateline = None
    # "Masthead / dateline / title": a short line, then a line that is only a date.
    for i, ln in enumerate(head[:3]):
        if DATE_LINE.match(ln.text):
            dateline = ln
            if all(len(b.stripped.split()) <= MASTHEAD_MAX_WORDS for b in head[:i]):
                head = head[i + 1:]  # what stands above the date is the site's name
            else:
                head = [h for h in head if h is not ln]  # a headline above the date is the title
            break
    title = None
    for ln in head:
        if _headline_like(ln.stripped):
            title = ln
            break
        if len(ln.stripped) > TITLE_MAX_CHARS or ln.stripped.endswith((".", "?", "!")) and len(ln.stripped) > 120:
            break  # reached running text: there is no separate title
    if title is None and head and len(head[0].stripped) <= TITLE_MAX_CHARS and not DATE_LINE.match(head[0].text):
        first = head[0]
        if not first.stripped.endswith(".") or len(first.stripped.split()) <= 12:
            title = first
    if title is None:
        start = dateline.number + 1 if dateline else 0
        return start, None, dateline
    return title.number, title, dateline


def _headline_like(text: str) -> bool:
    words = re.findall(r"[A-Za-z][\w'’\-]*", text)
    if not (3 <= len(words) <= 40) or len(text) > TITLE_MAX_CHARS:
        return False
    if text.endswith(".") and not text.endswith("..."):
        return False
    long_words = [w for w in words if len(w) > 3]
    if not long_words:
        return False
    capitalised = sum(1 for w in long_words if w[0].isupper())
    return capitalised / len(long_words) >= 0.6


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
    for n, (kind, _rule) in sorted(boiler.items()):
        if kind == "byline":
            found = find_date(lines[n].text)
            if found:
                return found, "meta.posted_on"
    for ln in lines[:40]:
        match = re.match(r"(?i)^\s*(?:published|posted|updated|date)\s*(?:on)?\s*[:\-–]?\s*(.{6,60})$", ln.text)
        if match:
            found = find_date(match.group(1))
            if found:
                return found, "meta.published_line"
    return None, None
