"""The NLP stage: the shared spaCy pipeline and batched parsing."""

from corroborator.nlp.pipeline import load_pipeline, parse_text, parse_texts

__all__ = ["load_pipeline", "parse_text", "parse_texts"]
