"""Exports of a database: the evaluation export (``corroborator-eval/1``), full JSON, CSV, SemEval lines."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from typing import Any

from sqlalchemy.orm import Session

from corroborator.store import repo
from corroborator.store.orm import ClaimRow, CommentRow, DocumentRow, IncidentRow, RejectRow, TechniqueRow

EVAL_FORMAT = "corroborator-eval/1"
CSV_TABLES = ("incidents", "documents", "claims", "rejects", "techniques")


def _actor_names(actors: list[dict]) -> list[str]:
    return [a.get("name") or a.get("mention") for a in actors if a.get("name") or a.get("mention")]


def _place(place: dict | None) -> dict | None:
    if not place:
        return None
    return {k: place.get(k) for k in ("name", "lat", "lon", "country", "admin1", "admin2", "geo_precision")}


def _fatalities(casualties: list[dict]) -> list[dict]:
    out = []
    for c in casualties:
        count = c.get("count") or {}
        out.append({"group": c.get("group") or "", "kind": c.get("kind") or "killed",
                    "min": count.get("low"), "max": count.get("high"),
                    "history": [{"min": h.get("low"), "max": h.get("high")} for h in c.get("history") or []]})
    return out


def incident_clusters(incidents: list[IncidentRow]) -> list[list[IncidentRow]]:
    """Incidents grouped by cluster, each group ordered by salience; groups in first-seen order."""
    groups: dict[str, list[IncidentRow]] = defaultdict(list)
    for row in incidents:
        groups[row.cluster_id or row.id].append(row)
    return [sorted(g, key=lambda r: (-r.salience, r.doc_id, r.ordinal)) for g in groups.values()]


#: Weight of a report typed from a generic word by its target alone, against 1 for a report
#: typed by a specific word (below one half, so two vague reports do not outvote a precise one).
GENERIC_VOTE = 0.45


def consensus(group: list[IncidentRow], key) -> IncidentRow:
    """The row whose ``key`` most of the group's reports share (article reports before reader
    comments; a record typed only by its target from a generic word such as "attacked" counts
    less; ties go to the most salient): what the reports agree on codes the cluster."""
    from corroborator.incidents.events import typed_by_target

    rows = [r for r in group if key(r) is not None and not r.in_comment] or [r for r in group if key(r) is not None]
    if not rows:
        return group[0]
    votes: Counter = Counter()
    for r in rows:
        votes[key(r)] += GENERIC_VOTE if typed_by_target(r.rule_id, r.event_type, with_casualty_words=True) else 1.0
    best = max(votes.values())
    return next(r for r in rows if votes[key(r)] == best)


def eval_export(session: Session) -> dict[str, Any]:
    """The evaluation export as specified in the eval kit's README."""
    docs = repo.all_rows(session, DocumentRow, (DocumentRow.name,))
    names = {d.id: d.name for d in docs}
    comments: dict[str, list[CommentRow]] = defaultdict(list)
    for c in repo.all_rows(session, CommentRow, (CommentRow.doc_id, CommentRow.idx)):
        comments[c.doc_id].append(c)
    documents = [{
        "doc": d.name, "title": d.title, "published": d.published, "outlet": d.outlet, "body": d.body,
        "comments": [{"author": c.author, "posted": c.posted, "text": c.text, "depth": c.depth}
                     for c in comments[d.id]],
        **({"credibility": d.credibility} if d.credibility is not None else {}),
    } for d in docs]

    incidents_out = []
    export_id: dict[str, str] = {}
    rows = repo.all_rows(session, IncidentRow, (IncidentRow.doc_id, IncidentRow.ordinal))
    for n, group in enumerate(incident_clusters(rows), start=1):
        head = group[0]
        iid = f"i{n}"
        for row in group:
            export_id[row.id] = iid
        place = next((r.place for r in group if r.place), None)
        kind = consensus(group, lambda r: (r.event_type, r.sub_event_type))
        dated = consensus(group, lambda r: r.date if r.date and len(r.date) == 10 else None)
        incidents_out.append({
            "id": iid,
            "docs": sorted({names.get(r.doc_id, r.doc_id) for r in group}),
            "event_type": kind.event_type, "sub_event_type": kind.sub_event_type,
            "date": dated.date if dated.date and len(dated.date) == 10 else head.date, "date_end": head.date_end,
            "place": _place(place),
            "actors": {"actor1": _unique(n for r in group for n in _actor_names(r.actor1)),
                       "actor2": _unique(n for r in group for n in _actor_names(r.actor2))},
            "fatalities": _fatalities(head.casualties),
            "status": head.status,
            "in_comment": head.in_comment,
        })
    claims_out = [{
        "id": c.id, "doc": names.get(c.doc_id, c.doc_id), "text": c.text,
        "source": [s.get("name") or s.get("mention") for s in c.chain],
        "stance": c.stance, "in_comment": c.in_comment,
        "incident": export_id.get(c.incident_id) if c.incident_id else None,
        "span": [c.start, c.end], "cue": c.cue, "certainty": c.certainty,
    } for c in repo.all_rows(session, ClaimRow, (ClaimRow.doc_id, ClaimRow.start))]
    techniques = [{"doc": names.get(t.doc_id, t.doc_id), "technique": t.technique, "start": t.start, "end": t.end}
                  for t in repo.all_rows(session, TechniqueRow, (TechniqueRow.doc_id, TechniqueRow.start))]
    return {"format": EVAL_FORMAT, "documents": documents, "incidents": incidents_out, "claims": claims_out,
            "techniques": techniques}


def _unique(values) -> list[str]:
    seen: list[str] = []
    for v in values:
        if v and v not in seen:
            seen.append(v)
    return seen


def json_export(session: Session) -> dict[str, Any]:
    """Everything stored, table by table (raw texts included)."""
    out: dict[str, Any] = {"format": "corroborator-json/1"}
    for name, model in (("documents", DocumentRow), ("comments", CommentRow), ("incidents", IncidentRow),
                        ("claims", ClaimRow), ("techniques", TechniqueRow), ("rejects", RejectRow)):
        out[name] = [{col.key: getattr(row, col.key) for col in model.__table__.columns}
                     for row in repo.all_rows(session, model)]
    return out


def csv_export(session: Session, table: str = "incidents") -> str:
    """One table as CSV; incidents come out in ACLED-like columns."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if table == "incidents":
        names = {d.id: d.name for d in repo.all_rows(session, DocumentRow)}
        writer.writerow(["incident_id", "cluster_id", "doc", "event_date", "time_precision", "event_type",
                         "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "inter2", "location",
                         "admin1", "country", "latitude", "longitude", "geo_precision", "fatalities",
                         "in_comment", "status", "rule_id", "evidence"])
        for r in repo.all_rows(session, IncidentRow, (IncidentRow.doc_id, IncidentRow.ordinal)):
            p = r.place or {}
            writer.writerow([r.id, r.cluster_id, names.get(r.doc_id, r.doc_id), r.date or "", r.time_precision or "",
                             r.event_type, r.sub_event_type, "; ".join(_actor_names(r.actor1)),
                             "; ".join(_actor_names(r.assoc_actors)), _inter(r.actor1),
                             "; ".join(_actor_names(r.actor2)), _inter(r.actor2), p.get("name") or "",
                             p.get("admin1") or "", p.get("country") or "", p.get("lat") or "", p.get("lon") or "",
                             p.get("geo_precision") or "", "" if r.fatalities is None else r.fatalities,
                             int(r.in_comment), r.status or "", r.rule_id, r.sentence])
        return buffer.getvalue()
    model = {"documents": DocumentRow, "claims": ClaimRow, "rejects": RejectRow, "techniques": TechniqueRow}[table]
    skip = {"raw_text", "body_map", "text_map"}
    columns = [c.key for c in model.__table__.columns if c.key not in skip]
    writer.writerow(columns)
    for row in repo.all_rows(session, model):
        writer.writerow([_cell(getattr(row, c)) for c in columns])
    return buffer.getvalue()


def _inter(actors: list[dict]) -> str:
    return str(actors[0].get("inter") or "") if actors else ""


def _cell(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value


def semeval_export(session: Session) -> str:
    """Technique spans as SemEval-2020 Task 11 lines: ``id<TAB>technique<TAB>start<TAB>end``."""
    names = {d.id: d.name for d in repo.all_rows(session, DocumentRow)}
    lines = []
    for t in repo.all_rows(session, TechniqueRow, (TechniqueRow.doc_id, TechniqueRow.start)):
        name = names.get(t.doc_id, t.doc_id)
        article_id = name.removeprefix("article").split(".")[0] if name.startswith("article") else name
        lines.append(f"{article_id}\t{t.technique}\t{t.start}\t{t.end}")
    return "\n".join(lines) + ("\n" if lines else "")
