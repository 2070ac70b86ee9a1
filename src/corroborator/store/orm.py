"""Database tables (SQLAlchemy 2 declarative). Nested records are stored as JSON columns."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class RunRow(Base):
    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    inputs: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="running")
    documents_added: Mapped[int] = mapped_column(Integer, default=0)
    documents_skipped: Mapped[int] = mapped_column(Integer, default=0)
    rejects_added: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[str] = mapped_column(String(20), default="")


class DocumentRow(Base):
    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    path: Mapped[str] = mapped_column(Text)
    locator: Mapped[str | None] = mapped_column(String(300), nullable=True)
    format: Mapped[str] = mapped_column(String(10))
    encoding: Mapped[str] = mapped_column(String(40))
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    outlet: Mapped[str | None] = mapped_column(String(300), nullable=True)
    outlet_source: Mapped[str | None] = mapped_column(String(80), nullable=True)
    title: Mapped[str | None] = mapped_column(Text, nullable=True)
    title_start: Mapped[int | None] = mapped_column(Integer, nullable=True)
    title_end: Mapped[int | None] = mapped_column(Integer, nullable=True)
    published: Mapped[str | None] = mapped_column(String(20), nullable=True)
    published_source: Mapped[str | None] = mapped_column(String(80), nullable=True)
    raw_text: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    body_map: Mapped[list] = mapped_column(JSON, default=list)
    comment_count: Mapped[int] = mapped_column(Integer, default=0)
    signals: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    credibility: Mapped[float | None] = mapped_column(Float, nullable=True)
    run_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class CommentRow(Base):
    __tablename__ = "comments"
    __table_args__ = (UniqueConstraint("doc_id", "idx"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    idx: Mapped[int] = mapped_column(Integer)
    author: Mapped[str | None] = mapped_column(String(300), nullable=True)
    posted: Mapped[str | None] = mapped_column(String(100), nullable=True)
    depth: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    text_map: Mapped[list] = mapped_column(JSON, default=list)
    start: Mapped[int | None] = mapped_column(Integer, nullable=True)
    end: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rule_id: Mapped[str | None] = mapped_column(String(80), nullable=True)


class BoilerplateRow(Base):
    __tablename__ = "boilerplate"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    rule_id: Mapped[str] = mapped_column(String(80))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)


class RejectRow(Base):
    __tablename__ = "rejects"
    __table_args__ = (UniqueConstraint("path", "locator", "reason"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    path: Mapped[str] = mapped_column(Text)
    locator: Mapped[str] = mapped_column(String(300), default="")
    reason: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(10), default="error")  # error: not stored; warning: stored
    run_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class IncidentRow(Base):
    __tablename__ = "incidents"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    event_type: Mapped[str] = mapped_column(String(60))
    sub_event_type: Mapped[str] = mapped_column(String(60))
    actor1: Mapped[list] = mapped_column(JSON, default=list)
    actor2: Mapped[list] = mapped_column(JSON, default=list)
    assoc_actors: Mapped[list] = mapped_column(JSON, default=list)
    place: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    date: Mapped[str | None] = mapped_column(String(20), nullable=True)
    date_end: Mapped[str | None] = mapped_column(String(20), nullable=True)
    time_precision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    date_info: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    casualties: Mapped[list] = mapped_column(JSON, default=list)
    fatalities: Mapped[int | None] = mapped_column(Integer, nullable=True)
    evidence: Mapped[list] = mapped_column(JSON, default=list)
    sentence: Mapped[str] = mapped_column(Text, default="")
    rule_id: Mapped[str] = mapped_column(String(120), default="")
    in_comment: Mapped[bool] = mapped_column(Boolean, default=False)
    salience: Mapped[float] = mapped_column(Float, default=0.0)
    cluster_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    status: Mapped[str | None] = mapped_column(String(30), nullable=True)


class ClaimRow(Base):
    __tablename__ = "claims"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    chain: Mapped[list] = mapped_column(JSON, default=list)
    cue: Mapped[str | None] = mapped_column(String(80), nullable=True)
    stance: Mapped[str] = mapped_column(String(10))
    hedges: Mapped[list] = mapped_column(JSON, default=list)
    certainty: Mapped[float] = mapped_column(Float, default=1.0)
    incident_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    in_comment: Mapped[bool] = mapped_column(Boolean, default=False)
    rule_id: Mapped[str] = mapped_column(String(120), default="")


class TechniqueRow(Base):
    __tablename__ = "techniques"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    technique: Mapped[str] = mapped_column(String(60))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float, default=1.0)
    rule_id: Mapped[str] = mapped_column(String(120), default="")


Index("ix_rejects_run", RejectRow.run_id)
