"""Field-name detection for JSONL and CSV corpora (one document per line or row)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from corroborator.resources import load_yaml

FIELD_RULES = "ingest/rules/fields.yaml"
ROLES = ("text", "title", "url", "outlet", "published")


def field_candidates() -> dict[str, list[str]]:
    """Candidate column names per role, in order of preference (from the data file)."""
    data = load_yaml(FIELD_RULES)
    return {role: [str(name).lower() for name in data[role]] for role in ROLES}


def choose_fields(columns: Sequence[str], overrides: Mapping[str, str] | None = None) -> dict[str, str | None]:
    """Map each role (text, title, url, outlet, published) to a column name, or None.

    ``overrides`` (from ``--field text=COLUMN``) win; otherwise the first candidate that
    appears among ``columns`` (case-insensitive) is taken.
    """
    overrides = overrides or {}
    lowered = {c.lower().strip(): c for c in columns}
    chosen: dict[str, str | None] = {}
    for role, names in field_candidates().items():
        if role in overrides:
            chosen[role] = overrides[role] if overrides[role] in columns else lowered.get(overrides[role].lower())
            continue
        chosen[role] = next((lowered[n] for n in names if n in lowered), None)
    return chosen
