"""Clean HTML: trafilatura for body and metadata, the DOM for comment threads, a flat fallback.

Trafilatura returns text without offsets, so every paragraph it keeps is located again in the
page's visible text, which this module extracts itself with a raw offset for every character
(``visible_text``): that is what lets later stages report spans as raw offsets into the HTML.
"""

from __future__ import annotations

import html as html_lib
import logging
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from corroborator.clean.textmap import TextBuilder
from corroborator.records import Comment, TextMap

LOGGER = logging.getLogger(__name__)

_SKIP = {"script", "style", "noscript", "template", "svg", "head", "iframe", "object", "canvas", "select"}
_BLOCK = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "td", "th", "article", "section",
          "header", "footer", "blockquote", "ul", "ol", "table", "pre", "figure", "figcaption", "nav", "aside",
          "main", "dd", "dt", "dl", "hr", "form", "address", "time", "cite"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "param", "source", "track", "wbr"}
# Nesting deeper than this is reported (lxml, under trafilatura, stops at 255 levels).
MAX_SAFE_DEPTH = 200


@dataclass(frozen=True, slots=True)
class Visible:
    text: TextMap
    depth: int  # deepest element nesting seen
    title: str | None


class _VisibleParser(HTMLParser):
    """Visible text with a raw offset per character; iterative, so any nesting depth is safe."""

    def __init__(self, raw: str) -> None:
        super().__init__(convert_charrefs=False)
        self.raw = raw
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", raw)]
        self.builder = TextBuilder()
        self.skip = 0
        self.depth = 0
        self.max_depth = 0
        self.in_title = False
        self.title_parts: list[str] = []
        self.last_newline = True

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _newline(self) -> None:
        if not self.last_newline:
            self.builder.add("\n")
            self.last_newline = True

    def handle_starttag(self, tag, attrs):
        if tag not in _VOID:
            self.depth += 1
            self.max_depth = max(self.max_depth, self.depth)
        if tag == "title":
            self.in_title = True
        if tag in _SKIP:
            self.skip += 1
        elif tag in _BLOCK:
            self._newline()

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK:
            self._newline()

    def handle_endtag(self, tag):
        if tag not in _VOID:
            self.depth = max(0, self.depth - 1)
        if tag == "title":
            self.in_title = False
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK:
            self._newline()

    def handle_data(self, data):
        if self.in_title:
            self.title_parts.append(data)
        if self.skip or not data:
            return
        start = self._offset()
        # collapse layout whitespace but keep the characters mapped
        for match in re.finditer(r"\S+|\s+", data):
            piece = match.group(0)
            if piece.isspace():
                if not self.last_newline:
                    self.builder.add(" ")
            else:
                self.builder.add_raw(self.raw, start + match.start(), start + match.end())
                self.last_newline = False

    def _entity(self, text: str) -> None:
        if self.in_title:
            self.title_parts.append(text)
        if self.skip:
            return
        start = self._offset()
        if text.isspace():
            if not self.last_newline:
                self.builder.add(" ")
            return
        # one run per entity: the decoded character maps to the entity's first raw character
        self.builder.add_at(text, start)
        self.last_newline = False

    def handle_entityref(self, name):
        self._entity(html_lib.unescape(f"&{name};"))

    def handle_charref(self, name):
        self._entity(html_lib.unescape(f"&#{name};"))


def visible_text(raw: str) -> Visible:
    """The page's visible text with raw offsets, its deepest nesting, and its <title>."""
    parser = _VisibleParser(raw)
    parser.feed(raw)
    parser.close()
    title = " ".join("".join(parser.title_parts).split()) or None
    return Visible(parser.builder.build(), parser.max_depth, title)


# --------------------------------------------------------------------- alignment


class Aligner:
    """Finds extracted paragraphs again in the visible text, whitespace-insensitively."""

    def __init__(self, visible: TextMap) -> None:
        self.visible = visible
        chars: list[str] = []
        index: list[int] = []
        prev_space = True
        for i, ch in enumerate(visible.text):
            if ch.isspace():
                if not prev_space:
                    chars.append(" ")
                    index.append(i)
                prev_space = True
            else:
                chars.append(ch)
                index.append(i)
                prev_space = False
        self.norm = "".join(chars)
        self.index = index
        self.cursor = 0

    def find(self, paragraph: str) -> tuple[int, int] | None:
        """Visible-text offsets of ``paragraph``, searching forward from the last match first."""
        target = " ".join(paragraph.split())
        if not target:
            return None
        pos = self.norm.find(target, self.cursor)
        if pos == -1:
            pos = self.norm.find(target)
        if pos != -1:
            end = pos + len(target)
        else:
            head, tail = target[:40], target[-40:]
            pos = self.norm.find(head, self.cursor)
            if pos == -1:
                return None
            end_pos = self.norm.find(tail, pos)
            if end_pos == -1 or end_pos - pos > 3 * len(target):
                return None
            end = end_pos + len(tail)
        self.cursor = end
        return self.index[pos], self.index[end - 1] + 1


def map_paragraphs(visible: TextMap, paragraphs: list[str], aligner: Aligner | None = None) -> tuple[TextMap, int]:
    """A text made of the visible-text slices of ``paragraphs``; also how many could not be located."""
    aligner = aligner or Aligner(visible)
    builder = TextBuilder()
    missing = 0
    for para in paragraphs:
        found = aligner.find(para)
        if found is None:
            missing += 1
            continue
        if len(builder):
            builder.add("\n\n")
        builder.add_mapped(visible, *found)
    return builder.build(), missing


# --------------------------------------------------------------------- comments from the DOM

_COMMENT_CLASS = re.compile(r"(?:^|[\s_\-])comment(?:[\s_\-]|$)|(?:^|\s)(?:comment-body|reply)(?:\s|$)", re.I)
_AUTHOR_CLASS = re.compile(r"(?:^|[\s_\-])(?:fn|author|comment-author|username|user-name|commenter)(?:[\s_\-]|$)", re.I)
_CONTENT_CLASS = re.compile(r"comment-(?:content|text|body)|(?:^|\s)(?:content|text|message)(?:\s|$)", re.I)


def dom_comments(raw: str, visible: TextMap) -> tuple[Comment, ...]:
    """Comments marked up as elements whose class names a comment, with author, time and reply depth."""
    try:
        import lxml.html
        from lxml import etree

        root = lxml.html.fromstring(raw)
    except (ValueError, etree.ParserError, etree.XMLSyntaxError) as exc:
        LOGGER.debug("comment DOM parse failed: %s", exc)
        return ()
    nodes = [el for el in root.iter() if isinstance(el.tag, str) and el.tag in ("li", "div", "article")
             and _COMMENT_CLASS.search(" ".join([el.get("class") or "", el.get("id") or ""]))]
    # keep the outermost element of each comment (a comment's inner "comment-body" div is the same comment)
    node_set = set(nodes)
    comments_nodes = []
    for el in nodes:
        parent = el.getparent()
        inner_of_same = False
        while parent is not None:
            if parent in node_set:
                # nested inside another comment element: a reply if a list sits between them
                inner_of_same = not _has_list_between(el, parent)
                break
            parent = parent.getparent()
        if not inner_of_same:
            comments_nodes.append(el)
    aligner = Aligner(visible)
    out: list[Comment] = []
    for el in comments_nodes:
        author_el = next((d for d in el.iter() if isinstance(d.tag, str) and d is not el
                          and _AUTHOR_CLASS.search(d.get("class") or "")), None)
        if author_el is None:
            author_el = next((d for d in el.iter("cite")), None)
        time_el = next((d for d in el.iter("time")), None)
        content_els = [d for d in el.iter() if isinstance(d.tag, str) and d.tag == "p"
                       and _owner(d, comments_nodes) is el]
        paragraphs = [" ".join(d.text_content().split()) for d in content_els]
        paragraphs = [p for p in paragraphs if p]
        if not paragraphs:
            continue
        text, _missing = map_paragraphs(visible, paragraphs, aligner)
        if not text.text:
            continue
        depth = sum(1 for a in el.iterancestors() if a in set(comments_nodes))
        if author_el is not None:  # WordPress nests the name (class "fn") beside a "says:" label
            author_el = next((d for d in author_el.iter() if isinstance(d.tag, str)
                              and "fn" in (d.get("class") or "").split()), author_el)
        author = " ".join(author_el.text_content().split()) if author_el is not None else None
        if author:
            author = re.sub(r"\s+(?:says|said|wrote)\s*:?$", "", author, flags=re.IGNORECASE)
        posted = (time_el.get("datetime") or " ".join(time_el.text_content().split())) if time_el is not None else None
        out.append(Comment(index=len(out), author=author or None, posted=posted or None, text=text, depth=depth,
                           span=text.raw_span(0, len(text.text)), rule_id="html.dom.comment"))
    return tuple(out)


def _has_list_between(el, ancestor) -> bool:
    node = el.getparent()
    while node is not None and node is not ancestor:
        if node.tag in ("ul", "ol") or "children" in (node.get("class") or ""):
            return True
        node = node.getparent()
    return False


def _owner(el, comment_nodes):
    node = el.getparent()
    while node is not None:
        if node in comment_nodes:
            return node
        node = node.getparent()
    return None
