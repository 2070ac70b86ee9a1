"""Sources as entities: normalise a source mention, type it and give it a country.

The lexicons live in ``claims/rules/sources.yaml``: countries (with demonyms), generic
institutions ("Defence Ministry" takes its country from the mention or from the
paragraph), fixed aliases ("Reuters news agency" = "Reuters") and keyword typing rules.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass

from corroborator.errors import RuleError
from corroborator.records import Source, SourceType, Span
from corroborator.resources import load_yaml, package_path, rules_with_ids

log = logging.getLogger(__name__)

RULES = "claims/rules/sources.yaml"

_LEADING = re.compile(
    r"^(?:the|a|an|some|several|two|three|many|other|one|another|unnamed|anonymous|"
    r"unidentified)\s+",
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(r"[’']s\b")
_SPACES = re.compile(r"\s+")
_ANON_MARKERS = re.compile(
    r"^(?:a|an|some|several|two|three|many|other|one|another|unnamed|anonymous|"
    r"unidentified|senior|top|local)\b|\b(?:officials|sources)\b",
    re.IGNORECASE,
)
_PRONOUNS = frozenset(
    "he she they it we i you him her them us me who this that these those".split()
)


@dataclass(frozen=True, slots=True)
class _Country:
    rule_id: str
    iso2: str
    name: str
    adj: str
    pattern: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class _Lexicon:
    countries: tuple[_Country, ...]
    institutions: tuple[tuple[str, str, SourceType, re.Pattern[str]], ...]
    aliases: dict[str, tuple[str, str, SourceType, str | None]]
    types: tuple[tuple[str, SourceType, re.Pattern[str], bool], ...]


def _words_pattern(words: list[str]) -> re.Pattern[str]:
    """A whole-word alternation over ``words`` (longest first)."""
    alts = sorted((re.escape(w.lower()) for w in words), key=len, reverse=True)
    return re.compile(r"(?<![\w.])(?:" + "|".join(alts) + r")(?![\w])")


def _source_type(value: str, path: str) -> SourceType:
    """The SourceType spelled ``value``; a bad spelling is a RuleError."""
    try:
        return SourceType(value)
    except ValueError as exc:
        raise RuleError(path, None, f"unknown source type {value!r}") from exc


@functools.cache
def lexicon() -> _Lexicon:
    """The parsed ``sources.yaml`` (cached)."""
    path = str(package_path(RULES))
    data = load_yaml(RULES)
    countries = tuple(
        _Country(c["id"], c["iso2"], c["name"], c["adj"], _words_pattern(c["words"]))
        for c in rules_with_ids(RULES, "countries")
    )
    institutions = tuple(
        (r["id"], r["name"], _source_type(r["type"], path), re.compile(r["pattern"], re.I))
        for r in rules_with_ids(RULES, "institutions")
    )
    aliases: dict[str, tuple[str, str, SourceType, str | None]] = {}
    for r in rules_with_ids(RULES, "aliases"):
        for variant in r["variants"]:
            aliases[variant.lower()] = (r["id"], r["name"], _source_type(r["type"], path), r.get("country"))
    types = tuple(
        (r["id"], _source_type(r["type"], path), _words_pattern(r["words"]), bool(r.get("requires_anonymous")))
        for r in rules_with_ids(RULES, "types")
    )
    if not isinstance(data, dict):
        raise RuleError(path, None, "expected a mapping")
    return _Lexicon(countries, institutions, aliases, types)


def find_country(text: str) -> _Country | None:
    """The country named first in ``text`` (by name, demonym or capital), if any."""
    low = text.lower()
    best: tuple[int, _Country] | None = None
    for country in lexicon().countries:
        m = country.pattern.search(low)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), country)
    return best[1] if best else None


def last_country(text: str) -> _Country | None:
    """The country mentioned last in ``text`` (the nearest one before a mention)."""
    low = text.lower()
    best: tuple[int, _Country] | None = None
    for country in lexicon().countries:
        for m in country.pattern.finditer(low):
            if best is None or m.start() > best[0]:
                best = (m.start(), country)
    return best[1] if best else None


@functools.cache
def _discourse() -> tuple[re.Pattern[str], ...]:
    """Trailing discourse phrases to strip from mentions (``discourse`` in sources.yaml)."""
    return tuple(re.compile(r["pattern"], re.IGNORECASE) for r in rules_with_ids(RULES, "discourse"))


def clean_mention(mention: str) -> str:
    """The mention without determiners, quantifiers, discourse phrases, edge punctuation and extra spaces."""
    text = _SPACES.sub(" ", mention).strip(" ,;:\"“”'’")
    previous = None
    while previous != text:
        previous = text
        text = _LEADING.sub("", text)
        for pattern in _discourse():
            text = pattern.sub("", text).strip(" ,;:")
    return text


def _strip_country(low: str) -> tuple[str, _Country | None]:
    """``low`` without its country word ("russian defence ministry" → "defence ministry")."""
    for country in lexicon().countries:
        m = country.pattern.search(low)
        if m:
            rest = (low[: m.start()] + low[m.end():]).replace("’s", " ").replace("'s", " ")
            return _SPACES.sub(" ", rest).strip(" ,"), country
    return low, None


def is_pronoun(mention: str) -> bool:
    """True if the mention is a bare pronoun ("he", "they")."""
    return mention.strip().lower() in _PRONOUNS


def classify(name: str, *, anonymous: bool, is_person: bool) -> tuple[SourceType, str]:
    """The type of a cleaned source name and the id of the rule that typed it."""
    low = name.lower()
    for rule_id, stype, pattern, needs_anonymous in lexicon().types:
        if needs_anonymous and not anonymous:
            continue
        if pattern.search(low):
            return stype, rule_id
    if is_person:
        return SourceType.PERSON, "t.person_entity"
    return SourceType.UNKNOWN, "t.none"


def make_source(
    mention: str,
    *,
    span: Span | None = None,
    context: str = "",
    context_after: str = "",
    is_person: bool = False,
    rule_id: str | None = None,
) -> Source:
    """Normalise, type and place one source mention.

    Args:
        mention: the source as written ("a senior Pentagon official", "Russia's defence ministry").
        span: its raw span.
        context: the paragraph text before the mention; a ministry named without a country
            takes the country mentioned last here.
        context_after: the rest of the paragraph, used when ``context`` names no country.
        is_person: the parser tagged the mention's head as a PERSON entity.
        rule_id: the attribution rule that found it (kept on the Source).

    Returns:
        A Source with ``name`` normalised, ``type`` and ``country`` where known.
    """
    lex = lexicon()
    cleaned = clean_mention(mention)
    low = cleaned.lower()
    anonymous = bool(_ANON_MARKERS.search(mention.strip())) and not is_person
    alias = lex.aliases.get(low) or lex.aliases.get(_POSSESSIVE.sub("", low))
    if alias:
        _, name, stype, country = alias
        return Source(mention, name, stype, country, span, rule_id)
    rest, country = _strip_country(low)
    for _inst_id, inst_name, stype, pattern in lex.institutions:
        if pattern.match(rest):
            if country is None and inst_name != "Government":
                country = last_country(context) or find_country(context_after)
            if country is not None:
                return Source(mention, f"{country.adj} {inst_name}", stype, country.iso2, span, rule_id)
            break
    whole = next((c for c in lex.countries if c.pattern.fullmatch(low)), None)
    if whole is not None:
        # a country named as a speaker stands for its government ("Turkey said")
        return Source(mention, whole.name, SourceType.GOVERNMENT, whole.iso2, span, rule_id)
    stype, _type_rule = classify(cleaned, anonymous=anonymous, is_person=is_person)
    if country is None:
        country = find_country(cleaned)
    return Source(mention, cleaned or mention.strip(), stype, country.iso2 if country else None, span, rule_id)
