"""Cross-document linking: incidents reported by several documents become one cluster."""

from __future__ import annotations

from sqlalchemy.orm import Session


def link_stored(session: Session) -> None:
    """Cluster every stored incident (idempotent)."""
    return None
