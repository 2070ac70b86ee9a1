"""Cross-document linking: incidents reported by several documents become one cluster.

Two incidents of different documents are the same event when nothing contradicts it and enough
agrees: compatible types, dates within a day (or unknown), places close or in the same province,
shared actors. Pairs are scored, those above ``LINK_THRESHOLD`` joined, clusters by union-find.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from corroborator.geo import haversine_km
from corroborator.grade import grade_cluster
from corroborator.store import repo
from corroborator.store.orm import ClaimRow, DocumentRow, IncidentRow

# Places farther apart than this are different events; closer than NEAR_KM count as agreement.
FAR_KM = 60.0
NEAR_KM = 25.0
# Score needed to link two incidents; each agreeing attribute adds 1 (type 1, date 1, place 1,
# actors 1). Two agreements beyond a compatible type, and no contradiction, link — set on the
# example corpus, where every cross-outlet pair of the same strike reaches 3 and none of the
# different-incident pairs does.
LINK_THRESHOLD = 3.0


@dataclass(frozen=True, slots=True)
class _Node:
    id: str
    doc_id: str
    event_type: str
    sub_event_type: str
    day: date | None
    month: str | None
    lat: float | None
    lon: float | None
    admin1: str | None
    country: str | None
    actors: frozenset[str]


def _node(row: IncidentRow) -> _Node:
    place = row.place or {}
    day = None
    month = None
    if row.date and len(row.date) == 10 and not row.date.startswith("X"):
        try:
            day = date.fromisoformat(row.date)
        except ValueError:
            day = None
    if row.date and len(row.date) >= 7 and not row.date.startswith("X"):
        month = row.date[:7]
    names = {(a.get("name") or a.get("mention") or "").lower() for a in [*row.actor1, *row.actor2]}
    return _Node(row.id, row.doc_id, row.event_type, row.sub_event_type, day, month, place.get("lat"),
                 place.get("lon"), place.get("admin1"), place.get("country"), frozenset(n for n in names if n))


def _km(a: _Node, b: _Node) -> float | None:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    return haversine_km(a.lat, a.lon, b.lat, b.lon)


def pair_score(a: _Node, b: _Node) -> float | None:
    """Agreement score of two incidents, or None when something contradicts their being one event."""
    if a.event_type != b.event_type and not {a.event_type, b.event_type} <= {
            "Battles", "Explosions/Remote violence", "Violence against civilians"}:
        return None
    score = 1.0 if a.sub_event_type == b.sub_event_type else 0.5
    if a.day and b.day:
        gap = abs((a.day - b.day).days)
        if gap > 1:
            return None
        score += 1.0
    elif a.month and b.month and a.month != b.month:
        return None
    km = _km(a, b)
    if a.country and b.country and a.country != b.country:
        return None
    if km is not None:
        if km > FAR_KM:
            return None
        if km <= NEAR_KM:
            score += 1.0
    elif a.admin1 and b.admin1 and a.admin1 == b.admin1:
        score += 0.5
    if a.actors and b.actors:
        score += 1.0 if a.actors & b.actors else -0.5
    return score


def cluster(nodes: list[_Node]) -> dict[str, str]:
    """Incident id -> cluster id (the id of the cluster's first incident)."""
    parent = {n.id: n.id for n in nodes}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, a in enumerate(nodes):
        for b in nodes[i + 1:]:
            if a.doc_id == b.doc_id:
                continue
            s = pair_score(a, b)
            if s is not None and s >= LINK_THRESHOLD:
                ra, rb = find(a.id), find(b.id)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
    return {n.id: find(n.id) for n in nodes}


def link_stored(session: Session) -> None:
    """Cluster every stored incident and grade each cluster (idempotent)."""
    rows = repo.all_rows(session, IncidentRow, (IncidentRow.doc_id, IncidentRow.ordinal))
    if not rows:
        return
    clusters = cluster([_node(r) for r in rows])
    outlets = {d.id: d.outlet or d.name for d in repo.all_rows(session, DocumentRow)}
    claims_by_incident: dict[str, list[ClaimRow]] = defaultdict(list)
    for c in repo.all_rows(session, ClaimRow):
        if c.incident_id:
            claims_by_incident[c.incident_id].append(c)
    members: dict[str, list[IncidentRow]] = defaultdict(list)
    for r in rows:
        members[clusters[r.id]].append(r)
    statuses = {cid: grade_cluster(group, [c for r in group for c in claims_by_incident[r.id]], outlets)
                for cid, group in members.items()}
    repo.set_clusters(session, clusters=clusters, statuses=statuses)
