"""The NLP stage: one cached pipeline, ruler before ner, batched parsing."""

from __future__ import annotations

from corroborator.nlp import load_pipeline, parse_texts


def test_pipeline_cached_and_ruler_before_ner() -> None:
    nlp = load_pipeline()
    assert load_pipeline() is nlp
    names = nlp.pipe_names
    assert "entity_ruler" in names and names.index("entity_ruler") < names.index("ner")
    assert "lemmatizer" in names  # trigger rules match lemmas


def test_actor_names_are_one_entity() -> None:
    doc = next(parse_texts(["Saudi-led coalition warplanes struck the port."]))
    assert any(e.text == "Saudi-led coalition warplanes" and e.label_ == "ORG" for e in doc.ents)


def test_parse_texts_keeps_order() -> None:
    texts = [f"Sentence number {i} is here." for i in range(7)]
    docs = list(parse_texts(texts, batch_size=3))
    assert [d.text for d in docs] == texts
    assert docs[0][0].lemma_ == "sentence"
