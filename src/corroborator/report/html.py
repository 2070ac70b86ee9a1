"""The static HTML report: documents, rejects, incidents, claims per incident, highlighted techniques."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timezone
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from corroborator import __version__
from corroborator.report.export import _actor_names, incident_clusters
from corroborator.store import repo
from corroborator.store.orm import ClaimRow, CommentRow, DocumentRow, IncidentRow, RejectRow, TechniqueRow

# One colour per technique family for the highlight legend (colour-blind-safe-ish pastel set).
TECHNIQUE_COLOURS = {
    "Loaded_Language": "#ffd6a5", "Name_Calling,Labeling": "#ffadad", "Repetition": "#e4c1f9",
    "Exaggeration,Minimisation": "#fdffb6", "Doubt": "#caffbf", "Appeal_to_fear-prejudice": "#ffc6ff",
    "Flag-Waving": "#9bf6ff", "Causal_Oversimplification": "#a0c4ff", "Slogans": "#bdb2ff",
    "Appeal_to_Authority": "#d0f4de", "Black-and-White_Fallacy": "#fcf6bd",
    "Thought-terminating_Cliches": "#e9ecef", "Whataboutism,Straw_Men,Red_Herring": "#ffe5ec",
    "Bandwagon,Reductio_ad_hitlerum": "#cdeac0",
}


def _environment() -> Environment:
    return Environment(loader=PackageLoader("corroborator", "report/templates"),
                       autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)


def highlight(text: str, spans: list[tuple[int, int, str]]) -> Markup:
    """``text`` escaped, with technique spans (offsets into ``text``) wrapped in <mark> elements."""
    if not spans:
        return Markup(escape(text))
    bounds = sorted({0, len(text), *(max(0, min(len(text), s)) for s, e, _ in spans),
                     *(max(0, min(len(text), e)) for s, e, _ in spans)})
    out = []
    for a, b in zip(bounds, bounds[1:]):
        piece = escape(text[a:b])
        active = [t for s, e, t in spans if s <= a and b <= e]
        if active:
            colour = TECHNIQUE_COLOURS.get(active[0], "#eee")
            title = escape(", ".join(sorted(set(active))))
            out.append(Markup(f'<mark style="background:{colour}" title="{title}">{piece}</mark>'))
        else:
            out.append(piece)
    return Markup("").join(out)


def _fmt_casualties(casualties: list[dict]) -> str:
    parts = []
    for c in casualties:
        count = c.get("count") or {}
        low, high = count.get("low"), count.get("high")
        figure = f"{low}" if low == high else (f"≥{low}" if high is None else f"{low}–{high}")
        history = [h.get("low") for h in c.get("history") or []]
        revised = f" (earlier: {', '.join(str(h) for h in history)})" if history else ""
        parts.append(f"{figure} {c.get('kind', 'killed')} {c.get('group') or ''}{revised}".strip())
    return "; ".join(parts)


def _group_claims(items: list[dict]) -> list[dict]:
    """One entry per (source, relays, article or comment), with how many claims it made and the
    lowest certainty among them: an analyst wants who says it, not every sentence."""
    grouped: dict[tuple, dict] = {}
    for c in items:
        key = (c["who"], tuple(c["via"]), c["in_comment"])
        g = grouped.setdefault(key, {**c, "count": 0})
        g["count"] += c.get("count", 1)
        g["certainty"] = min(g["certainty"], c["certainty"])
    return sorted(grouped.values(), key=lambda g: (g["in_comment"], -g["count"]))


def report_context(session: Session) -> dict[str, Any]:
    docs = repo.all_rows(session, DocumentRow, (DocumentRow.name,))
    names = {d.id: d.name for d in docs}
    outlets = {d.id: d.outlet for d in docs}
    incidents = repo.all_rows(session, IncidentRow, (IncidentRow.doc_id, IncidentRow.ordinal))
    claims = repo.all_rows(session, ClaimRow, (ClaimRow.doc_id, ClaimRow.start))
    techniques = repo.all_rows(session, TechniqueRow, (TechniqueRow.doc_id, TechniqueRow.start))
    rejects = repo.all_rows(session, RejectRow, (RejectRow.path, RejectRow.locator))
    comments: dict[str, list[CommentRow]] = defaultdict(list)
    for c in repo.all_rows(session, CommentRow, (CommentRow.doc_id, CommentRow.idx)):
        comments[c.doc_id].append(c)
    claims_by_incident: dict[str, list[ClaimRow]] = defaultdict(list)
    for c in claims:
        if c.incident_id:
            claims_by_incident[c.incident_id].append(c)

    def incident_view(row: IncidentRow) -> dict[str, Any]:
        place = row.place or {}
        by_stance: dict[str, list[dict]] = {"asserts": [], "denies": [], "doubts": []}
        for c in claims_by_incident.get(row.id, []):
            chain = [s.get("name") or s.get("mention") for s in c.chain]
            by_stance.setdefault(c.stance, []).append({
                "who": chain[0] if chain else ("a reader (own voice)" if c.in_comment
                                               else f"{outlets.get(c.doc_id) or names.get(c.doc_id)} (own voice)"),
                "via": chain[1:], "text": c.text, "certainty": c.certainty, "in_comment": c.in_comment})
        return {"id": row.id, "doc": names.get(row.doc_id, row.doc_id), "type": row.event_type,
                "sub_type": row.sub_event_type, "date": row.date or "—",
                "place": ", ".join(x for x in (place.get("name"), place.get("admin1"), place.get("country")) if x)
                or "—",
                "actor1": ", ".join(_actor_names(row.actor1)) or "—",
                "actor2": ", ".join(_actor_names(row.actor2)) or "—",
                "casualties": _fmt_casualties(row.casualties) or "—", "sentence": row.sentence,
                "in_comment": row.in_comment, "status": row.status or "", "rule_id": row.rule_id,
                "claims": {k: _group_claims(v) for k, v in by_stance.items()}}

    per_doc_incidents: dict[str, list[dict]] = defaultdict(list)
    for row in incidents:
        per_doc_incidents[row.doc_id].append(incident_view(row))
    spans_by_doc: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for t in techniques:
        spans_by_doc[t.doc_id].append((t.start, t.end, t.technique))
    documents = []
    for d in docs:
        spans = spans_by_doc.get(d.id, [])
        documents.append({
            "id": d.id, "name": d.name, "outlet": d.outlet or "—", "published": d.published or "—",
            "title": d.title or "(no title)", "body_chars": len(d.body), "comment_count": d.comment_count,
            "format": d.format, "path": d.path + (f" ({d.locator})" if d.locator else ""),
            "incidents": per_doc_incidents.get(d.id, []),
            "technique_counts": Counter(t for _, _, t in spans).most_common(),
            "highlighted": highlight(d.raw_text, spans) if spans else None,
            "body": d.body,
            "comments": [{"author": c.author or "anonymous", "posted": c.posted or "", "depth": c.depth,
                          "text": c.text} for c in comments.get(d.id, [])],
            "signals": d.signals or {},
        })
    clusters = []
    for group in incident_clusters(incidents):
        view = incident_view(group[0])
        view["docs"] = sorted({names.get(r.doc_id, r.doc_id) for r in group})
        view["outlets"] = sorted({outlets.get(r.doc_id) or names.get(r.doc_id, r.doc_id) for r in group})
        for r in group[1:]:
            for stance, items in incident_view(r)["claims"].items():
                view["claims"][stance] = _group_claims(view["claims"].get(stance, []) + items)
        clusters.append(view)
    return {
        "version": __version__, "generated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "counts": repo.counts(session), "documents": documents, "clusters": clusters,
        "rejects": [{"where": r.path + (f":{r.locator}" if r.locator else ""), "reason": r.reason,
                     "severity": r.severity} for r in rejects],
        "legend": [(t, c) for t, c in TECHNIQUE_COLOURS.items()],
    }


def render_report(session: Session) -> str:
    """The whole report as one HTML page."""
    return _environment().get_template("report.html.j2").render(**report_context(session))
