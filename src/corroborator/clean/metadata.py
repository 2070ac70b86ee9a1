"""Document metadata found in text and URLs: publication dates, outlets, datelines."""

from __future__ import annotations

import functools
import re
from collections import Counter
from datetime import date, datetime
from urllib.parse import urlparse

from corroborator.resources import compile_pattern, rules_with_ids

OUTLET_RULES = "clean/rules/outlets.yaml"

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_MDY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([A-Za-z]{3,9})\.?,?[\s\-]+(\d{2,4})\b")
_SLASH = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")

# A line that is only a date ("November 03, 2017", "3 Nov 2017", "2017-11-03 09:57"),
# optionally with a time and weekday: a dateline.
DATE_LINE = re.compile(
    r"^\s*(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    r"(?:[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}\s+[A-Za-z]{3,9}\.?,?\s+\d{4}|\d{4}-\d{2}-\d{2})"
    r"(?:[,\s]+(?:at\s+)?\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?\s*(?:utc|gmt|[a-z]{2,4})?)?\s*$",
    re.IGNORECASE)


def _month(name: str) -> int | None:
    return _MONTHS.get(name[:3].lower())


def _safe(y: int, m: int | None, d: int) -> str | None:
    if m is None:
        return None
    if y < 100:
        y += 2000 if y < 70 else 1900
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def find_date(text: str | None) -> str | None:
    """The first full calendar date written in ``text`` as ISO ``YYYY-MM-DD``, else None."""
    if not text:
        return None
    candidates: list[tuple[int, str]] = []
    for match in _ISO.finditer(text):
        value = _safe(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if value:
            candidates.append((match.start(), value))
    for match in _MDY.finditer(text):
        value = _safe(int(match.group(3)), _month(match.group(1)), int(match.group(2)))
        if value:
            candidates.append((match.start(), value))
    for match in _DMY.finditer(text):
        value = _safe(int(match.group(3)), _month(match.group(2)), int(match.group(1)))
        if value:
            candidates.append((match.start(), value))
    return min(candidates)[1] if candidates else None


def normalise_date(value: str | None) -> str | None:
    """A metadata date (ISO, RFC 822, "3 Nov 2017", epoch seconds, …) as ``YYYY-MM-DD``, else None."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d{9,11}(?:\.\d+)?", value):
        try:
            return datetime.utcfromtimestamp(float(value)).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    found = find_date(value)
    if found:
        return found
    slash = _SLASH.search(value)
    if slash:  # day/month/year unless the first number cannot be a day... of a month it is (US order)
        first, second, year = int(slash.group(1)), int(slash.group(2)), int(slash.group(3))
        if second > 12:
            return _safe(year, first, second)
        return _safe(year, second, first)
    return None


def outlet_from_url(url: str | None) -> str | None:
    """The site's domain without ``www.`` ("https://www.example.com/a" -> "example.com")."""
    if not url:
        return None
    try:
        host = urlparse(url if "//" in url else f"//{url}").hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


@functools.cache
def _outlet_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((r["id"], compile_pattern(OUTLET_RULES, r)) for r in rules_with_ids(OUTLET_RULES))


def outlet_from_lines(lines: list[str]) -> tuple[str | None, str | None]:
    """The outlet named by appeals, footers or datelines in ``lines`` (most often named wins), with the rule id."""
    votes: Counter[str] = Counter()
    first_rule: dict[str, str] = {}
    for line in lines:
        for rule_id, pattern in _outlet_patterns():
            for match in pattern.finditer(line):
                name = re.split(r"\.\s", match.group("outlet"))[0].strip(" .,:;-–—/|")
                if 2 <= len(name) <= 60:
                    key = name
                    votes[key] += 1
                    first_rule.setdefault(key, rule_id)
    if not votes:
        return None, None
    best, _ = votes.most_common(1)[0]
    return best, first_rule[best]
