"""Corroboration grades of incident clusters.

A grade says how well an incident is supported, from who reports it and how:

- ``corroborated``: asserted by at least two independent outlets (or primary sources) and denied by none;
- ``contested``: asserted by someone and denied or doubted by someone else;
- ``single source``: asserted by one outlet or primary source only;
- ``unverified``: known only from reader comments, or with every report hedged (certainty < 0.5).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# A report whose claims all have certainty below this is a hedged report, not support.
HEDGED_CERTAINTY = 0.5

GRADES = ("corroborated", "contested", "single source", "unverified")


def grade_cluster(incidents: Iterable, claims: Iterable, outlets: Mapping[str, str]) -> str:
    """The grade of one cluster from its incident rows, their claim rows and doc id -> outlet."""
    incidents = list(incidents)
    claims = list(claims)
    if incidents and all(i.in_comment for i in incidents):
        return "unverified"
    denied = any(c.stance in ("denies", "doubts") for c in claims)
    asserting_sources: set[str] = set()
    for inc in incidents:
        if not inc.in_comment:
            asserting_sources.add(f"outlet:{outlets.get(inc.doc_id, inc.doc_id)}")
    for c in claims:
        if c.stance == "asserts" and c.chain and not c.in_comment:
            first = c.chain[0]
            asserting_sources.add(f"source:{(first.get('name') or first.get('mention') or '').lower()}")
    confident = [c for c in claims if c.stance == "asserts"]
    if confident and all(c.certainty < HEDGED_CERTAINTY for c in confident) and len(asserting_sources) < 2:
        return "unverified"
    if denied:
        return "contested"
    outlets_count = len({s for s in asserting_sources if s.startswith("outlet:")})
    return "corroborated" if outlets_count >= 2 or len(asserting_sources) >= 3 else "single source"
