"""Dates in conflict reporting, resolved against the publication date.

Patterns and vocabularies live in ``incidents/rules/date_patterns.yaml``. Values follow
``DateValue``: ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` or ``XXXX-MM-DD`` (day and month known,
year not); ``time_precision`` follows ACLED (1 the day, 2 within a week or a few days,
3 a month or vaguer). Relative dates ("yesterday", "on Wednesday") need the publication
date; without one they keep a mention with ``value`` None.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from corroborator.errors import RuleError
from corroborator.incidents.casualties import read_rule_file
from corroborator.records import DateValue, Span

LOGGER = logging.getLogger(__name__)

DATE_RULES = "incidents/rules/date_patterns.yaml"

# A date written without a year that would fall this many days after publication is taken
# to be from the previous year ("on December 30" in a paper of January 2). One day of slack
# covers time zones and papers dated the morning after.
FUTURE_SLACK_DAYS = 1
# Ranges up to this many days are ACLED time precision 2 ("within a week"); longer ones 3.
WEEK_PRECISION_MAX_DAYS = 7
# How far before a date a precision cue ("Around", "As reported on") may sit, in characters.
CUE_WINDOW = 30
# Number words for "over the past seventeen days" / "two weeks ago".
_SMALL_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                  "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15,
                  "twenty": 20, "thirty": 30, "a few": 3, "several": 3}
_KINDS = ("range", "day", "month", "past_n", "ago", "relative", "this_month", "last_month", "last_week",
          "this_week", "weekday", "year", "last_year", "this_year", "dateparser", "anchored")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date written in a text; ``start``/``end`` index the text passed to ``find_dates``.

    ``sentence`` and ``paragraph`` are the spans of the sentence and paragraph holding the
    mention (used by ``date_for_event``).
    """

    start: int
    end: int
    date: DateValue
    sentence: Span | None = None
    paragraph: Span | None = None


@dataclass(frozen=True, slots=True)
class _Rule:
    id: str
    kind: str
    pattern: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class _Dates:
    months: dict[str, int]
    weekdays: dict[str, int]
    relative: dict[str, int]
    anchored: dict[str, int]
    rules: tuple[_Rule, ...]
    cues: tuple[tuple[str, str, int, re.Pattern[str]], ...]


def _mapping(path: str, data: Any, key: str, lines: dict[str, int]) -> dict[str, int]:
    """Merge the ``values`` mappings of every entry under ``key``."""
    entries = data.get(key) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise RuleError(path, None, f"expected a list under {key!r}")
    out: dict[str, int] = {}
    for entry in entries:
        if not isinstance(entry, dict) or not entry.get("id") or not isinstance(entry.get("values"), dict):
            raise RuleError(path, lines.get(entry.get("id")) if isinstance(entry, dict) else None,
                            f"each entry under {key!r} needs an 'id' and 'values'")
        for word, value in entry["values"].items():
            if not isinstance(value, int):
                raise RuleError(path, lines.get(entry["id"]), f"{entry['id']!r}: {word!r} must map to an integer")
            out[str(word).lower()] = value
    return out


def _alternation(words: Sequence[str]) -> str:
    """Word-bounded alternation of phrases, longest first."""
    ordered = sorted({w.lower() for w in words}, key=len, reverse=True)
    return r"\b(?:" + "|".join(r"\s+".join(re.escape(p) for p in w.split()) for w in ordered) + r")\b"


@functools.cache
def _dates() -> _Dates:
    """Load and compile date_patterns.yaml (once per process)."""
    path, data, lines = read_rule_file(DATE_RULES)
    months = _mapping(path, data, "months", lines)
    weekdays = _mapping(path, data, "weekdays", lines)
    relative = _mapping(path, data, "relative_days", lines)
    anchored = _mapping(path, data, "anchored_days", lines)
    if not all(1 <= m <= 12 for m in months.values()) or not all(0 <= d <= 6 for d in weekdays.values()):
        raise RuleError(path, None, "months must be 1-12 and weekdays 0-6")
    full_months = [m for m, n in months.items() if len(m) > 3 and m != calendar.month_abbr[n].lower() and m != "sept"]
    names = {
        "MONTH": _alternation(list(months)),
        "MONTH_FULL": _alternation(full_months),
        "WEEKDAY": _alternation(list(weekdays)),
        "RELATIVE_DAY": _alternation(list(relative)),
        "ANCHORED_DAY": _alternation(list(anchored)),
        "DAY": r"(?:[12]\d|3[01]|0?[1-9])(?!\d|[/.:]\d)",
        "YEAR": r"(?:19|20)\d{2}(?!\d)",
    }

    def compile_(entry: dict[str, Any]) -> re.Pattern[str]:
        src = re.sub(r"<<(\w+)>>", lambda m: names.get(m.group(1), m.group(0)), str(entry.get("pattern", "")))
        if "<<" in src:
            raise RuleError(path, lines.get(entry["id"]), f"rule {entry['id']!r}: unknown name in pattern")
        try:
            return re.compile(src, re.IGNORECASE)
        except re.error as exc:
            raise RuleError(path, lines.get(entry["id"]), f"rule {entry['id']!r}: bad pattern: {exc}") from exc

    rules = []
    for entry in data.get("rules") or []:
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("pattern"):
            raise RuleError(path, None, f"a date rule lacks an 'id' or 'pattern': {entry!r}")
        if entry.get("kind") not in _KINDS:
            raise RuleError(path, lines.get(entry["id"]), f"rule {entry['id']!r}: kind must be one of {_KINDS}")
        rules.append(_Rule(entry["id"], entry["kind"], compile_(entry)))
    cues = []
    for entry in data.get("precision_cues") or []:
        if (not isinstance(entry, dict) or entry.get("scope") not in ("before", "after")
                or entry.get("precision") not in (1, 2, 3)):
            raise RuleError(path, lines.get(entry.get("id")) if isinstance(entry, dict) else None,
                            "a precision cue needs an id, scope before/after and precision 1-3")
        cues.append((entry["id"], entry["scope"], entry["precision"], compile_(entry)))
    return _Dates(months, weekdays, relative, anchored, tuple(rules), tuple(cues))


# ---------------------------------------------------------------------- segmentation

_ABBREVIATIONS = re.compile(
    r"(?:\b(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|mr|mrs|ms|dr|gen|lt|col|maj|capt|sgt|st|no|vs|"
    r"etc|approx|u\.s|u\.n|e\.g|i\.e)|\b[A-Z])\.$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n+")
_PARAGRAPH_END = re.compile(r"\n\s*\n|\n")


def _segments(text: str, boundary: re.Pattern[str], check_abbreviation: bool) -> list[Span]:
    """Split text into spans at boundaries (skipping abbreviations such as "Feb.")."""
    spans, start = [], 0
    for m in boundary.finditer(text):
        if (check_abbreviation and "\n" not in m.group(0)
                and _ABBREVIATIONS.search(text[max(0, m.start() - 6):m.start() + 1])):
            continue
        spans.append(Span(start, m.end()))
        start = m.end()
    spans.append(Span(start, len(text)))
    return spans


def _containing(spans: Sequence[Span], pos: int) -> Span | None:
    """The span holding ``pos``."""
    for span in spans:
        if span.start <= pos < span.end or (pos == span.end == spans[-1].end):
            return span
    return None


# ---------------------------------------------------------------------- finding


def find_dates(text: str, published: str | None) -> list[DateMention]:
    """Find and resolve the dates in a text.

    Args:
        text: a sentence, paragraph or article body.
        published: the publication date, ISO ``YYYY-MM-DD``, or None.

    Returns:
        Mentions in text order. Explicit years are kept; a day and month without a year
        take the publication year (the year before if that would be in the future) or
        ``XXXX-MM-DD`` without a publication date; relative dates resolve against the
        publication date (news uses the past) and have ``value`` None without one.
        Never raises on a string.
    """
    if not isinstance(text, str) or not text:
        return []
    base = _parse_iso(published) if isinstance(published, str) else None
    try:
        return _find(text, base)
    except (re.error, ValueError, OverflowError, RecursionError) as exc:  # defensive: never raise on input
        LOGGER.warning("find_dates failed on %d chars: %s", len(text), exc)
        return []


def _parse_iso(value: str) -> dt.date | None:
    """A date from ISO ``YYYY-MM-DD`` (a longer timestamp is cut), else None."""
    m = _ISO.match(value.strip())
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _find(text: str, base: dt.date | None) -> list[DateMention]:
    """find_dates without the guard."""
    table = _dates()
    sentences = _segments(text, _SENTENCE_END, True)
    paragraphs = _segments(text, _PARAGRAPH_END, False)
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for rule in table.rules:
        for match in rule.pattern.finditer(text):
            if any(match.start() < e and s < match.end() for s, e in taken):
                continue
            if not _names_capitalised(match, table):
                continue
            if rule.kind == "anchored":
                value = _resolve_anchored(rule, match, base, table, found)
            else:
                value = _resolve(rule, match, base, table)
            if value is None:
                continue
            value = _with_precision_cue(text, match, value, table)
            taken.append((match.start(), match.end()))
            found.append(DateMention(match.start(), match.end(), value,
                                     _containing(sentences, match.start()), _containing(paragraphs, match.start())))
    found.sort(key=lambda m: m.start)
    return found


def _resolve_anchored(rule: _Rule, m: re.Match[str], base: dt.date | None, table: _Dates,
                      found: Sequence[DateMention]) -> DateValue | None:
    """"The previous day": a day offset from the last full date before it, else from publication."""
    offset = table.anchored.get(re.sub(r"\s+", " ", m.group(0)).lower())
    if offset is None:
        return None
    earlier = [d for d in found if d.start < m.start() and d.date.value and _parse_iso(d.date.value)
               and len(d.date.value) == 10]
    anchor = _parse_iso(max(earlier, key=lambda d: d.start).date.value or "") if earlier else base
    value = (anchor + dt.timedelta(days=offset)).isoformat() if anchor else None
    return DateValue(value, None, 1, m.group(0), Span(m.start(), m.end()), rule.id)


def _names_capitalised(match: re.Match[str], table: _Dates) -> bool:
    """Month and weekday names must be capitalised: "may", "march" and "sat" are also words."""
    for group in ("month", "month2", "weekday"):
        if group in match.re.groupindex and match.group(group) and match.group(group)[0].islower():
            return False
    return True


def _with_precision_cue(text: str, match: re.Match[str], value: DateValue, table: _Dates) -> DateValue:
    """Lower the precision of a day when ACLED's cues for an approximate date surround it."""
    if value.time_precision != 1:
        return value
    before = text[max(0, match.start() - CUE_WINDOW):match.start()]
    after = text[match.end():match.end() + CUE_WINDOW]
    for cue_id, scope, precision, pattern in table.cues:
        if pattern.search(before if scope == "before" else after):
            return DateValue(value.value, value.end, precision, value.mention, value.span, f"{value.rule_id}+{cue_id}")
    return value


def _resolve(rule: _Rule, m: re.Match[str], base: dt.date | None, table: _Dates) -> DateValue | None:
    """Turn one match into a DateValue (None when the match is not a valid date)."""
    g = m.groupdict()
    mention, span = m.group(0), Span(m.start(), m.end())

    def value(v: str | None, precision: int, end: str | None = None) -> DateValue:
        return DateValue(v, end, precision, mention, span, rule.id)

    if rule.kind in ("day", "range"):
        month_word = g.get("month") or g.get("month2")
        if month_word is None:
            return None
        month = int(month_word) if month_word.isdigit() else table.months.get(month_word.lower().rstrip("."))
        year = g.get("year") or g.get("year2")
        start = _day_value(int(g["day"]), month, int(year) if year else None, base)
        if start is None:
            return None
        if rule.kind == "day":
            return value(start, 1)
        month2 = table.months.get((g.get("month2") or month_word).lower().rstrip("."))
        end_year = g.get("year2") or year
        end = _day_value(int(g["day2"]), month2, int(end_year) if end_year else None, base)
        return value(start, _range_precision(start, end), end)
    if rule.kind == "month":
        month = table.months.get(g["month"].lower().rstrip("."))
        year = int(g["year"]) if g.get("year") else _month_year(month, base)
        if month is None:
            return None
        precision = 2 if g.get("mod") else 3
        return value(f"{year:04d}-{month:02d}" if year else None, precision)
    if rule.kind == "year":
        return value(g["year"], 3)
    if rule.kind == "dateparser":
        return _dateparser(g.get("text") or "", base, value)
    if base is None:
        return value(None, _relative_precision(rule.kind))
    return _resolve_relative(rule, {**g, "_mention": mention}, base, table, value)


def _resolve_relative(rule: _Rule, g: dict[str, Any], base: dt.date, table: _Dates, value: Any) -> DateValue | None:
    """Resolve a date relative to the publication date."""
    kind = rule.kind
    if kind == "relative":
        offset = table.relative.get(re.sub(r"\s+", " ", g.get("_mention", "")).lower())
        return None if offset is None else value((base + dt.timedelta(days=offset)).isoformat(), 1)
    if kind == "weekday":
        wd = table.weekdays[g["weekday"].lower()]
        back = (base.weekday() - wd) % 7
        if g.get("last") and back == 0:
            back = 7
        return value((base - dt.timedelta(days=back)).isoformat(), 1)
    if kind == "this_month":
        return value(f"{base.year:04d}-{base.month:02d}", 3)
    if kind == "last_month":
        prev = base.replace(day=1) - dt.timedelta(days=1)
        return value(f"{prev.year:04d}-{prev.month:02d}", 3)
    if kind in ("last_week", "this_week"):
        monday = base - dt.timedelta(days=base.weekday())
        if kind == "last_week":
            monday -= dt.timedelta(days=7)
        sunday = min(monday + dt.timedelta(days=6), base)
        return value(monday.isoformat(), 2, sunday.isoformat())
    if kind == "last_year":
        return value(f"{base.year - 1:04d}", 3)
    if kind == "this_year":
        return value(f"{base.year:04d}", 3)
    if kind in ("past_n", "ago"):
        n = _small_number(g.get("n") or "")
        if n is None:
            return None
        unit = (g.get("unit") or "days").lower().rstrip("s")
        days = n * {"day": 1, "week": 7, "month": 30, "year": 365}.get(unit, 1)
        start = base - dt.timedelta(days=days)
        if kind == "past_n":
            return value(start.isoformat(), _range_precision(start.isoformat(), base.isoformat()), base.isoformat())
        return value(start.isoformat(), {"day": 1, "week": 2}.get(unit, 3))
    return None


def _relative_precision(kind: str) -> int:
    """The precision of a relative date whose value cannot be resolved."""
    return {"relative": 1, "weekday": 1, "last_week": 2, "this_week": 2, "past_n": 2, "ago": 1}.get(kind, 3)


def _small_number(text: str) -> int | None:
    """A small count in digits or words."""
    text = re.sub(r"\s+", " ", text.strip().lower())
    if text.isdigit():
        return int(text)
    return _SMALL_NUMBERS.get(text)


def _day_value(day: int, month: int | None, year: int | None, base: dt.date | None) -> str | None:
    """ISO day, taking the year from the publication date when the text gives none."""
    if month is None:
        return None
    if year is None:
        if base is None:
            return f"XXXX-{month:02d}-{day:02d}" if day <= calendar.monthrange(2000, month)[1] else None
        year = base.year
        try:
            if dt.date(year, month, day) > base + dt.timedelta(days=FUTURE_SLACK_DAYS):
                year -= 1
        except ValueError:
            return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _month_year(month: int | None, base: dt.date | None) -> int | None:
    """The year of a month named without one: this year, or last year if it is still to come."""
    if month is None or base is None:
        return None
    return base.year if month <= base.month else base.year - 1


def _range_precision(start: str | None, end: str | None) -> int:
    """ACLED precision of a range: 2 up to a week, else 3."""
    a, b = _parse_iso(start or ""), _parse_iso(end or "")
    if a is None or b is None:
        return 2
    return 2 if abs((b - a).days) <= WEEK_PRECISION_MAX_DAYS else 3


def _dateparser(text: str, base: dt.date | None, value: Any) -> DateValue | None:
    """Leftover numeric dates via dateparser (day first, past preferred, no network)."""
    try:
        import dateparser  # slow import: only for leftovers
    except ImportError:
        return None
    settings: dict[str, Any] = {"PREFER_DATES_FROM": "past", "DATE_ORDER": "DMY", "STRICT_PARSING": True}
    if base is not None:
        settings["RELATIVE_BASE"] = dt.datetime.combine(base, dt.time())
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    return value(parsed.date().isoformat(), 1) if parsed else None


# ---------------------------------------------------------------------- choosing


def date_for_event(mentions: Sequence[DateMention], start: int, end: int, published: str | None) -> DateValue | None:
    """The date of an event whose evidence is at ``[start, end)`` in the text of ``mentions``.

    The nearest resolved mention in the same sentence; else the nearest preceding one in the
    same paragraph; else None (the caller may fall back to the publication date, which is
    why ``published`` is accepted but not used here).
    """
    del published  # the fallback is the caller's
    usable = [m for m in mentions if m.date.value]
    if not usable:
        return None

    def distance(m: DateMention) -> int:
        if m.end <= start:
            return start - m.end
        if m.start >= end:
            return m.start - end
        return 0

    same_sentence = [m for m in usable if m.sentence is not None and m.sentence.start <= start < m.sentence.end]
    if same_sentence:
        return min(same_sentence, key=lambda m: (distance(m), m.start)).date
    before = [m for m in usable if m.end <= start
              and (m.paragraph is None or m.paragraph.start <= start < m.paragraph.end)]
    if before:
        return max(before, key=lambda m: m.end).date
    return None
