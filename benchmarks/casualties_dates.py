"""Benchmark casualty and date parsing against ACLED notes.

Reads ``../shared/data/acled/events_dev.csv`` (relative to the repository root) and
scores, for each row's ``notes``:

* killed-total exact: ``headline_fatalities(merge_casualties(mentions))`` (None counted
  as 0) equals the ``fatalities`` column, where ``mentions`` are ``find_casualties(notes)``
  less those dated to another day than the event (``same_event``);
* date exact: the note's event date (``event_date_of_note`` below) equals ``event_date``
  (``28-Apr-20``); precision exact: its ``time_precision`` equals ACLED's.

Rows split deterministically: held out when ``int(event_id_no_cnty) % 5 == 0``, tuning
otherwise. Run::

    .venv/bin/python benchmarks/casualties_dates.py [--errors N] [--split tune|heldout|all]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from corroborator.incidents.casualties import (
    CasualtyMention,
    find_casualties,
    headline_fatalities,
    merge_casualties,
)
from corroborator.incidents.dates import DateMention, date_for_event, find_dates
from corroborator.records import DateValue

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "acled" / "events_dev.csv"
HELD_OUT_MODULUS = 5


def event_date_of_note(mentions: Sequence[DateMention]) -> DateValue | None:
    """ACLED's choice of date in a note: the first full date it gives ("On 28 April 2020, ...").

    ACLED notes open with the event date; "As reported on X" and "Around X (between A-B)"
    also give X first, so the first day-precise mention stands for the event.
    """
    for m in mentions:
        if m.date.value and len(m.date.value) == 10 and not m.date.value.startswith("X"):
            return m.date
    return next((m.date for m in mentions if m.date.value), None)


def same_event(mentions: Sequence[CasualtyMention], dates: Sequence[DateMention],
               event: DateValue | None) -> list[CasualtyMention]:
    """Drop casualties dated to another day than the event ("On 3 May, they killed ...").

    ACLED counts only the fatalities of the event coded; a note may mention deaths of an
    earlier or later event, which carry their own date in their sentence. A date without
    a year ("XXXX-05-03") is compared on month and day.
    """
    if event is None or not event.value or len(event.value) != 10:
        return list(mentions)
    kept = []
    for m in mentions:
        own = date_for_event(dates, m.start, m.end, None)
        if own is not None and own.value and len(own.value) == 10 and own.value[5:] != event.value[5:]:
            continue
        kept.append(m)
    return kept


def _acled_date(text: str) -> str:
    """ACLED's ``28-Apr-20`` as ISO."""
    return dt.datetime.strptime(text, "%d-%b-%y").date().isoformat()


def main(argv: Sequence[str] | None = None) -> int:
    """Score both parsers on the tuning and held-out splits."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", type=int, default=0, help="print this many errors per split and task")
    parser.add_argument("--split", choices=("tune", "heldout", "all"), default="all", help="which errors to print")
    args = parser.parse_args(argv)
    if not DATA.exists():
        print(f"no data at {DATA}", file=sys.stderr)
        return 1
    with DATA.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    started = time.perf_counter()
    scores: dict[str, dict[str, list[int]]] = {"tune": {}, "heldout": {}}
    errors: dict[str, dict[str, list[str]]] = {split: {"killed": [], "date": []} for split in ("tune", "heldout")}
    for row in rows:
        split = "heldout" if int(row["event_id_no_cnty"]) % HELD_OUT_MODULUS == 0 else "tune"
        notes = row["notes"]
        dates = find_dates(notes, None)
        date = event_date_of_note(dates)
        mentions = same_event(find_casualties(notes), dates, date)
        headline = headline_fatalities(merge_casualties(mentions))
        got = headline or 0
        want = int(row["fatalities"])
        want_date = _acled_date(row["event_date"])
        s = scores[split]
        s.setdefault("killed", []).append(int(got == want))
        s.setdefault("date", []).append(int(date is not None and date.value == want_date))
        same_precision = date is not None and str(date.time_precision) == row["time_precision"]
        s.setdefault("precision", []).append(int(same_precision))
        if got != want:
            errors[split]["killed"].append(f"got {got} want {want} | {notes}")
        if date is None or date.value != want_date:
            errors[split]["date"].append(f"got {date.value if date else None} want {want_date} | {notes[:160]}")
    elapsed = time.perf_counter() - started
    for split, s in scores.items():
        n = len(s["killed"])
        print(f"{split:8s} n={n:4d}  killed-total exact {sum(s['killed']) / n:.3f}  "
              f"date exact {sum(s['date']) / n:.3f}  time_precision exact {sum(s['precision']) / n:.3f}")
    print(f"{len(rows)} notes in {elapsed:.1f}s ({1000 * elapsed / len(rows):.1f} ms/note)")
    if args.errors:
        for split in ("tune", "heldout"):
            if args.split not in (split, "all"):
                continue
            for task in ("killed", "date"):
                for line in errors[split][task][: args.errors]:
                    print(f"[{split} {task}] {line}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
