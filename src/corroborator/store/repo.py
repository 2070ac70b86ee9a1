"""Records to rows and back. Keyword-only functions taking a session; no business logic here."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from corroborator import __version__
from corroborator.records import Analysis, Article, Incident, Reject
from corroborator.store.orm import (BoilerplateRow, ClaimRow, CommentRow, DocumentRow, IncidentRow, RejectRow,
                                    RunRow, TechniqueRow)


def to_jsonable(value: Any) -> Any:
    """Dataclasses, enums and tuples as plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    return value


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def start_run(session: Session, *, inputs: list[str]) -> int:
    row = RunRow(started_at=_now(), inputs=inputs, status="running", version=__version__)
    session.add(row)
    session.commit()
    return row.id


def finish_run(session: Session, *, run_id: int, added: int, skipped: int, rejects: int, status: str) -> None:
    row = session.get(RunRow, run_id)
    if row is not None:
        row.finished_at = _now()
        row.documents_added = added
        row.documents_skipped = skipped
        row.rejects_added = rejects
        row.status = status
        session.commit()


def known_document_ids(session: Session) -> set[str]:
    return set(session.scalars(select(DocumentRow.id)))


def save_reject(session: Session, *, reject: Reject, severity: str, run_id: int | None) -> bool:
    """Record a reject once (same file, locator and reason are not repeated); True if it is new."""
    values = {"path": reject.provenance.path, "locator": reject.provenance.locator or "",
              "reason": reject.reason, "severity": severity, "run_id": run_id}
    if session.bind is not None and session.bind.dialect.name == "sqlite":
        result = session.execute(sqlite_insert(RejectRow).values(**values).on_conflict_do_nothing())
        session.commit()
        return bool(result.rowcount)
    exists = session.scalar(select(RejectRow.id).where(RejectRow.path == values["path"],
                                                       RejectRow.locator == values["locator"],
                                                       RejectRow.reason == values["reason"]))
    if exists:
        return False
    session.add(RejectRow(**values))
    session.commit()
    return True


def save_article(session: Session, *, article: Article, analysis: Analysis, run_id: int | None) -> None:
    """Store one article with everything found in it, in one transaction."""
    raw = article.doc
    session.add(DocumentRow(
        id=raw.doc_id, name=raw.name, path=raw.provenance.path, locator=raw.provenance.locator,
        format=raw.format.value, encoding=raw.encoding, url=raw.url, outlet=article.outlet,
        outlet_source=article.outlet_source, title=article.title,
        title_start=article.title_span.start if article.title_span else None,
        title_end=article.title_span.end if article.title_span else None,
        published=article.published, published_source=article.published_source, raw_text=raw.raw_text,
        body=article.body.text, body_map=[list(r) for r in article.body.runs],
        comment_count=len(article.comments),
        signals=to_jsonable(analysis.signals) if analysis.signals else None, run_id=run_id))
    session.flush()  # the document row first: the rows below reference it
    for c in article.comments:
        session.add(CommentRow(doc_id=raw.doc_id, idx=c.index, author=c.author, posted=c.posted, depth=c.depth,
                               text=c.text.text, text_map=[list(r) for r in c.text.runs],
                               start=c.span.start if c.span else None, end=c.span.end if c.span else None,
                               rule_id=c.rule_id))
    for b in article.boilerplate:
        session.add(BoilerplateRow(doc_id=raw.doc_id, kind=b.kind, rule_id=b.rule_id, start=b.span.start,
                                   end=b.span.end, text=b.text))
    for ordinal, inc in enumerate(analysis.incidents):
        session.add(_incident_row(inc, ordinal))
    for claim in analysis.claims:
        session.add(ClaimRow(id=claim.claim_id, doc_id=raw.doc_id, text=claim.text, start=claim.span.start,
                             end=claim.span.end, chain=to_jsonable(claim.chain), cue=claim.cue,
                             stance=claim.stance.value, hedges=to_jsonable(claim.hedges), certainty=claim.certainty,
                             incident_id=claim.incident_id, in_comment=claim.in_comment, rule_id=claim.rule_id))
    for t in analysis.techniques:
        session.add(TechniqueRow(doc_id=raw.doc_id, technique=t.technique, start=t.span.start, end=t.span.end,
                                 score=t.score, rule_id=t.rule_id))
    session.commit()


def _incident_row(inc: Incident, ordinal: int) -> IncidentRow:
    return IncidentRow(
        id=inc.incident_id, doc_id=inc.doc_id, ordinal=ordinal, event_type=inc.event_type.value,
        sub_event_type=inc.sub_event_type.value, actor1=to_jsonable(inc.actor1), actor2=to_jsonable(inc.actor2),
        assoc_actors=to_jsonable(inc.assoc_actors), place=to_jsonable(inc.place) if inc.place else None,
        date=inc.date.value if inc.date else None, date_end=inc.date.end if inc.date else None,
        time_precision=inc.date.time_precision if inc.date else None,
        date_info=to_jsonable(inc.date) if inc.date else None, casualties=to_jsonable(inc.casualties),
        fatalities=inc.fatalities, evidence=to_jsonable(inc.evidence), sentence=inc.sentence,
        rule_id=inc.rule_id, in_comment=inc.in_comment, salience=inc.salience)


def set_clusters(session: Session, *, clusters: dict[str, str], statuses: dict[str, str]) -> None:
    """Write incident cluster ids and corroboration statuses (one transaction)."""
    for row in session.scalars(select(IncidentRow)):
        row.cluster_id = clusters.get(row.id, row.id)
        row.status = statuses.get(row.cluster_id)
    session.commit()


def counts(session: Session) -> dict[str, int]:
    out = {}
    for name, model in (("documents", DocumentRow), ("comments", CommentRow), ("boilerplate", BoilerplateRow),
                        ("rejects", RejectRow), ("incidents", IncidentRow), ("claims", ClaimRow),
                        ("techniques", TechniqueRow), ("runs", RunRow)):
        out[name] = session.scalar(select(func.count()).select_from(model)) or 0
    return out


def all_rows(session: Session, model, order: Iterable | None = None) -> list:
    stmt = select(model)
    if order is not None:
        stmt = stmt.order_by(*order)
    return list(session.scalars(stmt))
