#!/usr/bin/env python
"""Incident-extraction benchmark on ACLED development notes.

Each ``notes`` text of ``<repo>/../shared/data/acled/events_dev.csv`` is parsed with
``load_pipeline()`` and run through ``extract_incidents`` (``published=None``: the row's
date is not known from the note; the note's own "On ..."/"As reported on ..." date is what
the dates module finds). The first (most salient) incident is compared with the row:
sub-event type, event type, date exact, place within 25 km, killed exact (ACLED's
``fatalities``; an unknown figure counts as 0 as ACLED codes it), actor1 (normalised
equality or alias), actor2 and inter1.

Split: held out = rows with ``int(event_id_no_cnty) % 5 == 0``; tune on the rest.

Usage::

    python benchmarks/acled.py [--errors N] [--field sub_event] [--split tune|heldout]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / ".." / "shared" / "data" / "acled" / "events_dev.csv"
THRESHOLD_KM = 25.0
FIELDS = ("found", "sub_event", "event_type", "date", "place25", "killed", "actor1", "actor2", "inter1")
GOALS = {"sub_event": 0.8, "event_type": 0.9, "date": 0.95, "place25": 0.8, "killed": 0.85, "actor1": 0.8}


def split_of(row: dict[str, str]) -> str:
    """Held out: event_id_no_cnty divisible by 5."""
    return "heldout" if int(row["event_id_no_cnty"]) % 5 == 0 else "tune"


def acled_date(value: str) -> str:
    """``28-Apr-20`` -> ``2020-04-28``."""
    return dt.datetime.strptime(value, "%d-%b-%y").date().isoformat()


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    from corroborator.geo import haversine_km

    return haversine_km(lat1, lon1, lat2, lon2)


def score_row(row: dict[str, str], inc) -> dict[str, bool]:  # noqa: ANN001 - Incident or None
    """Per-field hits of the first incident against one ACLED row."""
    from corroborator.incidents.actors import actor_matches

    if inc is None:
        return {f: False for f in FIELDS} | {"killed": int(row["fatalities"] or 0) == 0, "actor2": not row["actor2"]}
    a1 = inc.actor1[0] if inc.actor1 else None
    a2 = inc.actor2[0] if inc.actor2 else None
    place_ok = False
    if inc.place is not None and inc.place.lat is not None:
        place_ok = km(inc.place.lat, inc.place.lon, float(row["latitude"]), float(row["longitude"])) <= THRESHOLD_KM
    return {
        "found": True,
        "sub_event": inc.sub_event_type.value == row["sub_event_type"],
        "event_type": inc.event_type.value == row["event_type"],
        "date": bool(inc.date and inc.date.value == acled_date(row["event_date"])),
        "place25": place_ok,
        "killed": (inc.fatalities or 0) == int(row["fatalities"] or 0),
        "actor1": bool(a1 and actor_matches(a1.name, row["actor1"])),
        "actor2": (a2 is None and not row["actor2"]) or bool(a2 and row["actor2"] and actor_matches(a2.name, row["actor2"])),
        "inter1": bool(a1 and str(a1.inter) == row["inter1"]),
    }


def main() -> int:
    """Run the benchmark and print per-split figures (and misses with --errors)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--errors", type=int, default=0, help="print up to N misses of --field")
    parser.add_argument("--field", default="sub_event")
    parser.add_argument("--split", default="tune")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"no data at {DATA}", file=sys.stderr)
        return 1
    from corroborator.incidents import extract_incidents
    from corroborator.nlp import load_pipeline, parse_texts
    from corroborator.records import TextMap

    t0 = time.perf_counter()
    load_pipeline()
    rows = list(csv.DictReader(DATA.open(encoding="utf-8")))
    stats: dict[str, Counter] = {"tune": Counter(), "heldout": Counter()}
    misses = []
    for row, doc in zip(rows, parse_texts(r["notes"] for r in rows)):
        incidents = extract_incidents(doc, TextMap(doc.text), doc_id=row["event_id_cnty"], published=None)
        inc = incidents[0] if incidents else None
        hits = score_row(row, inc)
        split = split_of(row)
        stats[split]["n"] += 1
        for f, ok in hits.items():
            stats[split][f] += ok
        if not hits.get(args.field, True) and split == args.split:
            misses.append((row, inc))
    for split, s in stats.items():
        n = s["n"] or 1
        cells = "  ".join(f"{f}={s[f] / n:.3f}" for f in FIELDS)
        print(f"{split:8s} n={s['n']:4d}  {cells}")
    held = stats["heldout"]
    n = held["n"] or 1
    print("goals (held out): " + "  ".join(f"{f} {held[f] / n:.3f}{'>=' if held[f] / n >= g else '<'}{g}"
                                          for f, g in GOALS.items()))
    print(f"time {time.perf_counter() - t0:.1f}s")
    for row, inc in misses[: args.errors]:
        got = "None"
        if inc is not None:
            got = (f"{inc.sub_event_type.value} | {[a.name for a in inc.actor1]} | {[a.name for a in inc.actor2]} | "
                   f"{inc.date.value if inc.date else None} | {inc.place.name if inc.place else None} | {inc.fatalities}")
        print(f"- want {row['sub_event_type']} | {row['actor1']} | {row['actor2']} | {acled_date(row['event_date'])} | "
              f"{row['location']} | {row['fatalities']}")
        print(f"  got  {got}")
        print(f"  {row['notes'][:300]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
