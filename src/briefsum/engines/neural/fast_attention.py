"""Transformers fast paths: cross-attention computed once per input and shared by its beams, decoder prompts of
different lengths in one batch, and an output head that projects only the last position.

Each of these reaches into transformers internals; capabilities.py decides, once per model, whether they hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from .capabilities import parameter_names

# -- cross-attention computed once per input ---------------------------------------------------------------
#
# In transformers' generate, an encoder-decoder model projects the encoder output to cross-attention keys and
# values at the first step of every call, once per beam (the encoder output is repeated beam times), and beam
# search then reorders those identical rows at every step. For the models below, briefsum computes them once per
# input, keeps them with the input's encoding across its grades, and lets every beam of an input read the same
# rows: an attention function folds the beams into the query length (cross-attention has no causal mask, so
# each query row still sees exactly its own keys), and the cache leaves cross-attention alone when beams are
# reordered. Self-attention is untouched.

_SHARED_CROSS_TYPES = ("bart", "mbart", "marian", "pegasus", "m2m_100")
_ATTENTION = "briefsum_sdpa"


@dataclass
class KeptEncoding:
    """One input's encoder output [1, length, width], and its cross-attention keys/values once computed."""

    hidden: Any
    cross: list | None = None
    cross_bytes: int = 0


_RAGGED_ROWS = 16  # the most inputs for which cross-attention runs input by input (CPU, see _folded_sdpa)


def _folded_sdpa(module: Any, query: Any, key: Any, value: Any, attention_mask: Any, **kwargs: Any) -> tuple:
    """PyTorch's scaled-dot-product attention as transformers calls it, where keys/values may hold one row per
    input while queries hold one per beam: the beams then become extra query positions of their input."""
    from transformers.integrations.sdpa_attention import sdpa_attention_forward

    rows = key.shape[0]
    if query.shape[0] == rows:
        return sdpa_attention_forward(module, query, key, value, attention_mask, **kwargs)
    import torch

    beams = query.shape[0] // rows
    n, heads, length, dim = query.shape
    q = query.view(rows, beams, heads, length, dim).transpose(1, 2).reshape(rows, heads, beams * length, dim)
    mask = attention_mask
    if mask is not None:
        if mask.shape[0] == n:
            mask = mask[::beams]
        if mask.shape[2] == length and length > 1:
            mask = mask.repeat(1, 1, beams, 1)
    if mask is not None and mask.dtype == torch.bool and mask.shape[0] == rows > 1 and query.device.type == "cpu":
        # Inputs padded at the end: each row attends to its own keys only, without reading the padding (on CPU,
        # where reading memory is the cost, for batches of a few long inputs (articles) with padding over a
        # quarter of the keys; for many short ones (sentences) the calls cost more; on a GPU one masked kernel
        # beats a kernel per row).
        valid = mask[:, 0, 0, :]
        ends = valid.sum(-1)
        # worth a kernel call per row only for a few rows, where padding is a good part of what they would read
        few = rows <= _RAGGED_ROWS and 4 * int(ends.sum()) < 3 * valid.numel()
        if few and torch.equal(valid, torch.arange(valid.shape[-1], device=valid.device) < ends[:, None]) and \
                torch.equal(mask, mask[:, :, :1].expand_as(mask)):
            outs = [sdpa_attention_forward(module, q[r:r + 1], key[r:r + 1, :, :e], value[r:r + 1, :, :e], None,
                                           **kwargs)[0] for r, e in enumerate(ends.tolist())]
            out = torch.cat(outs)
            return out.reshape(rows, beams, length, heads, dim).reshape(n, length, heads, dim), None
    out, _ = sdpa_attention_forward(module, q, key, value, mask, **kwargs)  # [rows, beams * length, heads, dim]
    return out.reshape(rows, beams, length, heads, dim).reshape(n, length, heads, dim), None


def cross_attention_modules(model: Any) -> list:
    """The decoder layers' cross-attention modules, when this model's cross-attention is shared across beams
    (see share_cross_attention); else []."""
    cfg = getattr(model, "config", None)
    if getattr(cfg, "model_type", None) not in _SHARED_CROSS_TYPES or \
            getattr(cfg, "_attn_implementation", None) != _ATTENTION:
        return []
    try:
        layers = list(model.get_decoder().layers)
        mods = [layer.encoder_attn for layer in layers]
    except AttributeError:
        return []
    ok = all(hasattr(m, "k_proj") and hasattr(m, "v_proj") and getattr(m, "layer_idx", None) == i
             and getattr(m, "head_dim", None) for i, m in enumerate(mods))
    return mods if ok and mods else []


def share_cross_attention(model: Any) -> None:
    """Switch a loaded model of a family above from sdpa to the beam-folding attention (same kernel), where
    transformers has the attention registries this needs (else the model keeps its own attention)."""
    cfg = getattr(model, "config", None)
    if getattr(cfg, "model_type", None) not in _SHARED_CROSS_TYPES or \
            getattr(cfg, "_attn_implementation", None) != "sdpa":
        return
    try:
        from transformers import AttentionInterface, AttentionMaskInterface
        from transformers.masking_utils import sdpa_mask
    except ImportError:
        return

    AttentionInterface.register(_ATTENTION, _folded_sdpa)
    # The model builds its masks by attention implementation name: without this, a new name gets none at all.
    AttentionMaskInterface.register(_ATTENTION, sdpa_mask)
    try:
        model.set_attn_implementation(_ATTENTION)
    except (AttributeError, ValueError, TypeError):  # an older transformers: plain generate, as before
        return


_SHIFTABLE_TYPES = ("bart", "mbart", "marian", "pegasus")


def shiftable_positions(model: Any) -> Any:
    """Let the decoder's position embedding start each row's positions later by a per-row shift (its attribute
    briefsum_shift, a tensor with one entry per input, None by default), so that decoder prompts of different
    lengths can share a batch, left-padded and masked, each at the positions it has alone. Returns the module,
    or None for a model this is not known to be right for (its prompts then batch only at equal lengths)."""
    import torch

    cfg = getattr(model, "config", None)
    if getattr(cfg, "model_type", None) not in _SHIFTABLE_TYPES:
        return None
    try:
        emb = model.get_decoder().embed_positions
    except AttributeError:
        return None
    if not isinstance(emb, torch.nn.Embedding) or not {"cache_length", "position_ids"} <= \
            parameter_names(type(emb).forward):
        return None
    if getattr(emb, "briefsum_shift", "missing") != "missing":
        return emb
    plain = emb.forward
    offset = int(getattr(emb, "offset", 0) or 0)

    def forward(x: Any, cache_length: int = 0, position_ids: Any = None) -> Any:
        shift = emb.briefsum_shift
        out = plain(x, cache_length, position_ids=position_ids)
        if shift is None:
            return out
        rows = x.shape[0] if hasattr(x, "shape") else int(x[0])
        if rows != shift.shape[0]:
            shift = shift.repeat_interleave(rows // shift.shape[0])  # the beams of each input
        length = out.shape[-2]
        if position_ids is None:
            position_ids = torch.arange(cache_length, cache_length + length, device=emb.weight.device)
        pos = (position_ids.view(1, -1) - shift.view(-1, 1)).clamp(min=0) + offset
        return torch.nn.functional.embedding(pos, emb.weight)

    emb.briefsum_shift = None
    emb.forward = forward
    return emb


def last_position_head(model: Any) -> Any:
    """Let the output projection, while its attribute briefsum_last is set, project only the last position of
    a multi-token decoder input: generate reads only those logits, and a decoder prompt (a shorter grade) would
    otherwise be projected onto the whole vocabulary at every one of its positions. Returns the module or None."""
    import torch

    try:
        head = model.get_output_embeddings()
    except (AttributeError, NotImplementedError):
        return None
    if not isinstance(head, torch.nn.Linear):
        return None
    if getattr(head, "briefsum_last", None) is not None:
        return head
    plain = head.forward

    def forward(x: Any) -> Any:
        if head.briefsum_last and x.dim() == 3 and x.shape[1] > 1:
            x = x[:, -1:]
        return plain(x)

    head.briefsum_last = False
    head.forward = forward
    return head


def padded_rows(parts: Sequence[Any], keeps: Sequence[Any], axis: int) -> Any:
    """Stack one-row tensors [1, ...] into a batch, each row's values at the positions (along axis, counted
    after the row dimension) where its mask in keeps is True, and zeros at the padding (masked out, but never
    garbage)."""
    first = parts[0]
    shape = list(first.shape)
    shape[0], shape[axis + 1] = len(parts), keeps[0].shape[0]
    out = first.new_empty(shape)
    lead = (slice(None),) * axis
    for r, (part, keep) in enumerate(zip(parts, keeps)):
        out[r][lead + (~keep,)] = 0
        out[r][lead + (keep,)] = part[0]
    return out



_CACHE_CLASS: list = []


def shared_cross_cache(layers: Sequence[tuple[Any, Any]]) -> Any:
    """An encoder-decoder cache whose cross-attention part is filled with (keys, values) per layer, one row per
    input, and is left as it is when beam search reorders the beams; its self-attention part defers each
    reordering to the next append and does both in one copy into a preallocated buffer (transformers' layer
    allocates and copies the whole cache twice per step: once to reorder it, once to append to it)."""
    import torch
    from transformers.cache_utils import DynamicCache, DynamicLayer, EncoderDecoderCache

    if not _CACHE_CLASS:
        class ReorderOnAppend(DynamicLayer):
            """Keys/values live in the first of two preallocated buffers (capacity doubling when full) and are
            exposed as views of their filled part; appending writes in place, and a pending reordering is
            gathered into the other buffer, which then becomes the first. No step allocates or copies the
            cache otherwise."""

            pending: Any = None
            buffers: Any = None

            def reorder_cache(self, beam_idx: Any) -> None:
                if self.get_seq_length() > 0:
                    idx = beam_idx.to(self.keys.device)
                    self.pending = idx if self.pending is None else self.pending.index_select(0, idx)

            def update(self, key_states: Any, value_states: Any, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
                if not self.is_initialized:
                    self.lazy_initialization(key_states, value_states)
                idx, self.pending = self.pending, None
                if self.buffers is None:
                    self.buffers = {}
                self.keys = self._append("k", self.keys, key_states, idx)
                self.values = self._append("v", self.values, value_states, idx)
                return self.keys, self.values

            def _append(self, name: str, cur: Any, new: Any, idx: Any) -> Any:
                n = cur.shape[-2] if cur.dim() == new.dim() else 0
                end = n + new.shape[-2]
                pair = self.buffers.get(name)
                if pair is None or pair[0].shape[-2] < end:
                    cap = max(2 * end, 64)
                    pair = [new.new_empty(*new.shape[:-2], cap, new.shape[-1]) for _ in range(2)]
                    if n:
                        if idx is None:
                            pair[0][..., :n, :] = cur
                        else:
                            torch.index_select(cur, 0, idx, out=pair[0][..., :n, :])
                elif idx is not None and n:
                    torch.index_select(cur, 0, idx, out=pair[1][..., :n, :])
                    pair = [pair[1], pair[0]]
                pair[0][..., n:end, :] = new
                self.buffers[name] = pair
                return pair[0][..., :end, :]

        class SharedCrossCache(EncoderDecoderCache):
            def reorder_cache(self, beam_idx: Any) -> None:
                self.self_attention_cache.reorder_cache(beam_idx)

        _CACHE_CLASS.extend([SharedCrossCache, ReorderOnAppend])
    cross = DynamicCache()
    for i, (k, v) in enumerate(layers):
        cross.update(k, v, i)
    own = DynamicCache()
    own.layer_class_to_replicate = _CACHE_CLASS[1]
    return _CACHE_CLASS[0](own, cross)

