"""Helpers for the claims tests: run the stage on a sentence written for the test."""

from __future__ import annotations

from corroborator.claims import extract_claims
from corroborator.records import Claim, Incident, TextMap


def claims_of(nlp, text: str, incidents: tuple[Incident, ...] = (), in_comment: bool = False) -> list[Claim]:
    """Claims of ``text`` (raw == clean)."""
    return extract_claims(nlp(text), TextMap(text), doc_id="t", incidents=incidents, in_comment=in_comment)


def attributed(nlp, text: str) -> list[Claim]:
    """Only the claims with a source chain."""
    return [c for c in claims_of(nlp, text) if c.chain]


def names(claim: Claim) -> list[str]:
    """The chain's normalised names."""
    return [s.name for s in claim.chain]


def one(claims: list[Claim], containing: str) -> Claim:
    """The single claim whose text contains ``containing``."""
    found = [c for c in claims if containing in c.text]
    assert len(found) == 1, [(c.text, c.rule_id) for c in claims]
    return found[0]
