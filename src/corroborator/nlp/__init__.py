"""The NLP stage: the shared spaCy pipeline and batched parsing."""

from corroborator.nlp.pipeline import doc_text, load_pipeline, parse_text, parse_texts

__all__ = ["doc_text", "load_pipeline", "parse_text", "parse_texts"]
