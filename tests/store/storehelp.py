"""Store-test helpers: generated corpora and a comparable dump of a database's content."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

# Columns that differ between runs by design (run bookkeeping, autoincrement row ids).
VOLATILE = {"run_id"}
AUTO_ID_TABLES = {"comments", "boilerplate", "rejects", "techniques"}
CONTENT_TABLES = ("documents", "comments", "boilerplate", "rejects", "incidents", "claims", "techniques")

_PLACES = ["the north harbour", "the river town", "the hill villages", "the old port", "the valley road",
           "the island ferry pier", "the market square", "the eastern district"]
_EVENTS = ["reopened after repairs", "was closed by flooding", "was visited by inspectors",
           "held a public meeting", "received new equipment", "lost power for several hours"]
_NAMES = ["Ada Frey", "Bram Olsen", "Cato Lind", "Dara Quinn", "Esme Roth", "Fenn Ward"]


def generate_corpus(folder: Path, n: int = 200, seed: int = 7) -> Path:
    """``n`` small documents (plain text with and without comment threads, JSONL, CSV) and two bad files."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    records = []
    for i in range(n):
        place, event = rng.choice(_PLACES), rng.choice(_EVENTS)
        title = f"Report {i}: {place.title()} {event.split()[0]} {event.split()[-1]}"
        sentences = [f"Officials said on day {i} that {place} {event}.",
                     f"Residents of {place} told reporters that the work would take {rng.randint(2, 9)} weeks.",
                     f"The district office said {rng.randint(10, 500)} households were affected."]
        text = title + "\n\n" + "\n".join(sentences) + "\n"
        if i % 3 == 0:
            text += "\n2 comments\n\n" + "".join(
                f"{rng.choice(_NAMES)} says:\nComment {k} on report {i}: I live near {place}.\nReply\n\n"
                for k in range(2))
        if i % 10 == 0:
            text += "\nShare this article\nReport a typo\n"
        if i % 4 == 1:
            records.append({"title": title, "text": "\n".join(sentences), "url": f"https://example-{i % 5}.test/{i}"})
        else:
            (folder / f"doc_{i:03d}.txt").write_text(text, encoding="utf-8")
    (folder / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records[: len(records) // 2])
                                       + "\n{broken line\n"
                                       + "\n".join(json.dumps(r) for r in records[len(records) // 2:]) + "\n")
    (folder / "empty.txt").write_text("")
    (folder / "nocol.csv").write_text("a,b\n1,2\n")
    return folder


def dump(db: Path) -> dict[str, list[tuple]]:
    """Every content table as sorted rows, without run ids or autoincrement ids."""
    con = sqlite3.connect(db)
    try:
        out = {}
        for table in CONTENT_TABLES:
            cols = [r[1] for r in con.execute(f"pragma table_info({table})")]
            keep = [c for c in cols if c not in VOLATILE and not (table in AUTO_ID_TABLES and c == "id")]
            rows = con.execute(f"select {', '.join(keep)} from {table}").fetchall()
            out[table] = sorted(rows, key=repr)
        return out
    finally:
        con.close()
