"""Incident extraction: events, actors, places, dates and casualties in ACLED terms."""

from corroborator.incidents.extract import extract_incidents

__all__ = ["extract_incidents"]
