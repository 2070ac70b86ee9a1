"""Benchmark casualty and date parsing against ACLED notes.

Reads ``../shared/data/acled/events_dev.csv`` (relative to the repository root) and
scores, for each row's ``notes``:

* killed-total exact: ``headline_fatalities(merge_casualties(find_casualties(notes)))``
  (None counted as 0) equals the ``fatalities`` column;
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

from corroborator.incidents.casualties import find_casualties, headline_fatalities, merge_casualties
from corroborator.incidents.dates import DateMention, find_dates
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
    errors: dict[str, dict[str, list[str]]] = {"tune": {"killed": [], "date": []}, "heldout": {"killed": [], "date": []}}
    for row in rows:
        split = "heldout" if int(row["event_id_no_cnty"]) % HELD_OUT_MODULUS == 0 else "tune"
        notes = row["notes"]
        headline = headline_fatalities(merge_casualties(find_casualties(notes)))
        got = headline or 0
        want = int(row["fatalities"])
        date = event_date_of_note(find_dates(notes, None))
        want_date = _acled_date(row["event_date"])
        s = scores[split]
        s.setdefault("killed", []).append(int(got == want))
        s.setdefault("date", []).append(int(date is not None and date.value == want_date))
        s.setdefault("precision", []).append(int(date is not None and str(date.time_precision) == row["time_precision"]))
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
