"""The neural engine: sentence-aligned translation and abstractive graded summaries with seq2seq models.

Models load through transformers (AutoTokenizer + AutoModelForSeq2SeqLM), once per process. torch and
transformers are imported in this module only, and only once the registry has found the models on disk.

What "contained" means here: grades are written shortest first, and with `neural.nesting: prefix` (the default)
the decoder of each longer grade is primed with the final text of the shorter one, so every shorter grade is
the literal start of the longer ones (a grade cut at a clause keeps its words, without the '…' mark). With
`nesting: independent` every grade is generated on its own from the same input.
"""

from __future__ import annotations

import contextlib
import copy
import threading
import warnings
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from ..brief import AlignedSentence, GradeResult, Translation
from ..config import Config
from ..errors import BackendError, BriefsumError, ConfigError, ModelUnavailable
from ..grades import GradeSpec, effective_budgets
from ..text.segment import Document, Sentence, count_words, split_sentences
from .abstractive import fit_budget, looping, remove_loops, split_to_fit, support_indices, unsupported_terms
from .base import EngineResult, Translator
from .registry import Located, ModelEntry, find_entry, locate

STRATEGIES = ("translate-summarise", "summarise-translate", "direct")
_LOCK = threading.Lock()
_MODELS: dict[tuple, "Seq2Seq"] = {}
_KEY_LOCKS: dict[tuple, threading.Lock] = {}


# -- loading ------------------------------------------------------------------------------------------

def pick_device(name: str | None = "auto") -> str:
    """The torch device to use: cuda, then mps, then cpu for 'auto'."""
    import torch

    name = (name or "auto").lower()
    if name != "auto":
        if name.startswith("cuda") and not torch.cuda.is_available():
            raise ModelUnavailable(f"neural.device is {name} but CUDA is not available here (use auto or cpu)")
        return name
    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


def cpu_has_bf16_matrix_units() -> bool:
    """True when this CPU multiplies bfloat16 matrices in hardware (AMX tiles with AVX512-BF16): there a
    bfloat16 model runs several times faster than float32; elsewhere bfloat16 is emulated and slower."""
    import torch

    cpu = getattr(torch, "cpu", None)
    try:
        return bool(cpu._is_amx_tile_supported() and cpu._is_avx512_bf16_supported())  # type: ignore[union-attr]
    except (AttributeError, RuntimeError):
        return False


def pick_dtype(name: str | None, device: str, task: str = "translation") -> Any:
    """The torch dtype: bfloat16 (else float16) on a GPU; on CPU float32, or bfloat16 for summarisation models
    where the CPU has bfloat16 matrix units; unless set."""
    import torch

    name = (name or "auto").lower()
    table = {"float32": torch.float32, "fp32": torch.float32, "bfloat16": torch.bfloat16, "bf16": torch.bfloat16,
             "float16": torch.float16, "fp16": torch.float16}
    if name != "auto":
        if name not in table:
            raise ConfigError(f"config: neural.dtype must be auto, float32, bfloat16 or float16, got {name!r}")
        return table[name]
    if device.startswith("cuda"):
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if device == "mps":
        return torch.float16
    if task == "summarisation" and device == "cpu" and cpu_has_bf16_matrix_units():
        return torch.bfloat16
    return torch.float32


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
class _Kept:
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


def _cross_attention_modules(model: Any) -> list:
    """The decoder layers' cross-attention modules, when this model's cross-attention is shared across beams
    (see _share_cross_attention); else []."""
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


def _share_cross_attention(model: Any) -> None:
    """Switch a loaded model of a family above from sdpa to the beam-folding attention (same kernel)."""
    cfg = getattr(model, "config", None)
    if getattr(cfg, "model_type", None) not in _SHARED_CROSS_TYPES or \
            getattr(cfg, "_attn_implementation", None) != "sdpa":
        return
    from transformers import AttentionInterface, AttentionMaskInterface
    from transformers.masking_utils import sdpa_mask

    AttentionInterface.register(_ATTENTION, _folded_sdpa)
    # The model builds its masks by attention implementation name: without this, a new name gets none at all.
    AttentionMaskInterface.register(_ATTENTION, sdpa_mask)
    try:
        model.set_attn_implementation(_ATTENTION)
    except (AttributeError, ValueError, TypeError):  # an older transformers: plain generate, as before
        return


_SHIFTABLE_TYPES = ("bart", "mbart", "marian", "pegasus")


def _shiftable_positions(model: Any) -> Any:
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
            _parameters(type(emb).forward):
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


def _last_position_head(model: Any) -> Any:
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


def _padded(parts: Sequence[Any], keeps: Sequence[Any], axis: int) -> Any:
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


def _parameters(fn: Any) -> frozenset:
    import inspect

    try:
        return frozenset(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return frozenset()


_CACHE_CLASS: list = []


def _shared_cross_cache(layers: Sequence[tuple[Any, Any]]) -> Any:
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


# -- beam search without whole-vocabulary copies ------------------------------------------------------------
#
# transformers' beam search, at every step, copies the logits to float32, takes their log-softmax, lets each
# logits processor copy the whole [rows, vocabulary] tensor again (min_new_tokens, n-gram blocking and bad
# words clone it even when they change nothing), adds each beam's running score to every entry and takes the
# top 2*beams over beams*vocabulary entries per input. lean_beam_search makes the same choices with less
# memory traffic: the same float32 log-softmax, the processors that only mask a few tokens doing it in place,
# and the top-k taken per beam first (the best 2*beams continuations of an input are among the best 2*beams of
# each of its beams; _top_k), so that running scores are added to 2*beams entries per beam.
# Everything else (finished hypotheses, length penalty, early stopping, the cache) is transformers' own code.


def _ids_for(cache: dict, ids: Sequence[int], scores: Any) -> Any:
    """The token ids within the scores' vocabulary width, as a tensor on their device: made once per (width,
    device) and kept in cache, so that no step copies them to the device again."""
    key = (scores.shape[-1], scores.device)
    if key not in cache:
        import torch

        cache[key] = torch.tensor([i for i in ids if 0 <= i < key[0]], dtype=torch.long, device=scores.device)
    return cache[key]


class _InPlaceEos:
    """min_length / min_new_tokens, masking the end-of-sequence tokens in place while the output is short."""

    def __init__(self, eos: Any, shortest: int, skip: int = 0):
        self.eos = [int(i) for i in eos.reshape(-1).tolist()]
        self.shortest, self.skip = shortest, skip
        self._on: dict = {}

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        if input_ids.shape[-1] - self.skip < self.shortest:
            scores.index_fill_(1, _ids_for(self._on, self.eos, scores), float("-inf"))
        return scores


class _InPlaceNgrams:
    """no_repeat_ngram_size, masking in place only the tokens that would repeat an n-gram."""

    masked: bool | None = None  # through a whole-vocabulary mask (True), by index (False), or by device (None)

    def __init__(self, n: int):
        self.n = n

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        import torch

        length, n = input_ids.shape[-1], self.n
        if length < n:
            return scores
        prefix = input_ids[:, length + 1 - n:]
        windows = input_ids.unfold(1, n, 1)
        matches = (windows[..., :-1] == prefix.unsqueeze(1)).all(-1)
        if self.masked if self.masked is not None else scores.device.type != "cpu":
            # on an accelerator, no host sync: a mask of the banned tokens, applied in place
            width = scores.shape[-1]
            banned = scores.new_zeros((scores.shape[0], width + 1), dtype=torch.bool)
            banned.scatter_(1, torch.where(matches, windows[..., -1].clamp(max=width), width), True)
            return scores.masked_fill_(banned[:, :width], float("-inf"))
        rows, at = torch.nonzero(matches, as_tuple=True)
        if rows.numel():
            banned = windows[rows, at, -1]
            keep = banned < scores.shape[-1]
            scores[rows[keep], banned[keep]] = float("-inf")
        return scores


class _InPlaceBadWords:
    """bad_words_ids, masking in place each banned token (a banned sequence's last token where the output ends
    with the rest of it)."""

    def __init__(self, banned: Sequence[tuple[int, ...]]):
        self.single = sorted({b[0] for b in banned if len(b) == 1})
        self.longer = [(list(b[:-1]), b[-1]) for b in banned if len(b) > 1]
        self._on: dict = {}
        self._prefixes: dict = {}  # the longer sequences' prefixes as tensors, per device

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        single = _ids_for(self._on, self.single, scores)
        if single.numel():
            scores.index_fill_(1, single, float("-inf"))
        if self.longer:
            if input_ids.device not in self._prefixes:
                import torch

                self._prefixes[input_ids.device] = [torch.tensor(p, dtype=torch.long, device=input_ids.device)
                                                    for p, _ in self.longer]
            for prefix, (_, last) in zip(self._prefixes[input_ids.device], self.longer):
                n = prefix.shape[0]
                if n <= input_ids.shape[1] and last < scores.shape[-1]:
                    rows = (input_ids[:, -n:] == prefix).all(dim=-1)
                    scores[:, last].masked_fill_(rows, float("-inf"))
        return scores


def _lean_processors(processors: Sequence[Any]) -> list | None:
    """The logits processors with the whole-tensor maskers swapped for in-place ones (same result), or None
    when one of them is not known to work on log-probabilities in place of transformers' copies."""
    from transformers.generation import logits_process as lp

    out: list = []
    for proc in processors:
        kind = type(proc)
        if kind is lp.MinLengthLogitsProcessor:
            out.append(_InPlaceEos(proc.eos_token_id, proc.min_length))
        elif kind is lp.MinNewTokensLengthLogitsProcessor:
            out.append(_InPlaceEos(proc.eos_token_id, proc.min_new_tokens, proc.prompt_length_to_skip))
        elif kind is lp.NoRepeatNGramLogitsProcessor:
            out.append(_InPlaceNgrams(proc.ngram_size))
        elif kind is lp.NoBadWordsLogitsProcessor and isinstance(proc.sequence_bias, dict) and \
                all(v == float("-inf") for v in proc.sequence_bias.values()):
            out.append(_InPlaceBadWords(list(proc.sequence_bias)))
        elif len(_parameters(proc.__call__)) <= 2:  # (input_ids, scores): applied as transformers applies it
            out.append(proc)
        else:
            return None
    return out


_COUNTED_TOKENS = 1 << 19  # token ids Seq2Seq.count_tokens keeps for generate, at most

_TOPK_BLOCK = 128  # tokens per block in _top_k's first pass
_TOPK_TWO_PASS = {"cpu", "cuda"}  # device types where _top_k's two passes beat one torch.topk (BENCH.md)


def _top_k(x: Any, k: int, block: int | None = None) -> tuple[Any, Any]:
    """torch.topk(x, k, dim=-1) for a wide x [rows, vocabulary], in two passes over blocks: the k best values
    of a row lie in the k blocks with the best maxima (any block holding one of them has a maximum at least as
    high), so only those blocks are searched. Same values as torch.topk; among exact ties the index may differ."""
    import torch

    block = block or _TOPK_BLOCK
    rows, width = x.shape
    blocks = width // block
    if blocks <= k or x.device.type not in _TOPK_TWO_PASS:
        return x.topk(k, dim=-1)
    head = x[:, : blocks * block].unflatten(1, (blocks, block))
    best = head.amax(dim=-1).topk(k, dim=-1).indices  # [rows, k]
    cand = head.gather(1, best[:, :, None].expand(rows, k, block)).reshape(rows, k * block)
    where = (best[:, :, None] * block + torch.arange(block, device=x.device)).reshape(rows, k * block)
    if blocks * block < width:
        cand = torch.cat([cand, x[:, blocks * block:]], dim=1)
        where = torch.cat([where, torch.arange(blocks * block, width, device=x.device).expand(rows, -1)], dim=1)
    vals, j = cand.topk(k, dim=-1)
    return vals, where.gather(1, j)


_BEAM_HELPERS = ("_prefill", "prepare_inputs_for_generation", "_update_model_kwargs_for_generation",
                 "_get_running_beams_for_next_iteration", "_update_finished_beams", "_check_early_stop_heuristic",
                 "_beam_search_has_unfinished_sequences", "_gather_beams")


def lean_beam_applies(model: Any, gen: Any) -> bool:
    """Whether lean_beam_search can stand in for transformers' beam search for these settings."""
    return (int(gen.num_beams or 1) > 1 and not gen.do_sample and int(gen.num_return_sequences or 1) == 1
            and not gen.return_dict_in_generate and not getattr(gen, "low_memory", False)
            and getattr(gen, "prompt_lookup_num_tokens", None) is None
            and int(getattr(gen, "num_beam_groups", None) or 1) == 1 and not getattr(gen, "diversity_penalty", None)
            and not getattr(gen, "force_words_ids", None) and not getattr(gen, "constraints", None)
            and all(hasattr(model, h) for h in _BEAM_HELPERS))


def lean_beam_search(model: Any, input_ids: Any, logits_processor: Any, stopping_criteria: Any,
                     generation_config: Any, synced_gpus: bool = False, **model_kwargs: Any) -> Any:
    """Beam search as transformers' generate runs it (a `custom_generate` for it), minus the copies above."""
    import torch

    gen = generation_config
    processors = _lean_processors(logits_processor)
    if processors is None or synced_gpus:
        return type(model)._beam_search(model, input_ids, logits_processor, stopping_criteria, gen,
                                        synced_gpus=synced_gpus, **model_kwargs)
    beams, penalty, early, max_length = int(gen.num_beams), gen.length_penalty, gen.early_stopping, gen.max_length
    eos = gen._eos_token_tensor
    keep = max(2, 1 + (eos.shape[0] if eos is not None else 0)) * beams
    device = input_ids.device
    rows, cur = input_ids.shape[:2]
    batch, prompt = rows // beams, cur
    pad = gen._pad_token_tensor
    # what transformers fills unused positions with (a pad id of 0 counts as none there)
    fill = (int(pad) if pad is not None and int(pad) else int(eos[0])) if eos is not None else -1
    running = torch.full((batch, beams, max_length), fill, dtype=torch.int64, device=device)
    running[:, :, :cur] = input_ids.view(batch, beams, cur)
    sequences = running.clone()
    running_scores = torch.zeros((batch, beams), dtype=torch.float, device=device)
    running_scores[:, 1:] = -1e9
    scores = torch.full((batch, beams), -1e9, dtype=torch.float, device=device)
    finished = torch.zeros((batch, beams), dtype=torch.bool, device=device)
    open_ = torch.ones((batch, 1), dtype=torch.bool, device=device)
    running_idx = torch.full((batch, beams, max_length - cur), -1, dtype=torch.int32, device=device)
    indices = running_idx.clone()
    top_mask = torch.arange(keep, device=device) < beams
    offsets = torch.arange(batch, device=device).view(-1, 1) * beams
    cache_key = next((k for k in ("cache", "past_key_values") if k in model_kwargs), None)
    flat = input_ids
    outputs = model._prefill(input_ids, gen, model_kwargs, is_first_iteration=True)
    first = True
    while True:
        if not first:
            flat = running[:, :, :cur].reshape(rows, cur)
            inputs = model.prepare_inputs_for_generation(flat, next_sequence_length=1 if model_kwargs["use_cache"]
                                                         else None, **model_kwargs)
            outputs = model(**inputs, return_dict=True)
        first = False
        model_kwargs = model._update_model_kwargs_for_generation(outputs, model_kwargs,
                                                                 is_encoder_decoder=model.config.is_encoder_decoder)
        # float32 first: log_softmax converts bfloat16 itself, but more slowly
        logp = torch.log_softmax(outputs.logits[:, -1, :].float(), dim=-1)
        del outputs
        for proc in processors:
            logp = proc(flat, logp)
        vals, toks = _top_k(logp, keep)
        # the best `keep` continuations of each beam, then of each input among those
        vals = (vals.view(batch, beams, keep) + running_scores[:, :, None]).view(batch, beams * keep)
        top_scores, pick = vals.topk(keep, dim=-1)
        from_beam = torch.div(pick, keep, rounding_mode="floor")
        new_ids = toks.view(batch, beams * keep).gather(1, pick)
        cand_idx = model._gather_beams(running_idx, from_beam)
        cand = model._gather_beams(running, from_beam)
        cand[:, :, cur] = new_ids
        cand_idx[:, :, cur - prompt] = (from_beam + offsets).to(cand_idx.dtype)
        hits = stopping_criteria(cand[:, :, : cur + 1].reshape(batch * keep, cur + 1), None).view(batch, keep)
        running, running_scores, running_idx = model._get_running_beams_for_next_iteration(
            topk_log_probs=top_scores, topk_running_sequences=cand, topk_running_beam_indices=cand_idx,
            next_token_hits_stopping_criteria=hits, num_beams=beams)
        sequences, scores, indices, finished = model._update_finished_beams(
            sequences=sequences, topk_running_sequences=cand, beam_scores=scores, topk_log_probs=top_scores,
            beam_indices=indices, topk_running_beam_indices=cand_idx, is_early_stop_heuristic_unsatisfied=open_,
            is_sent_finished=finished, next_token_hits_stopping_criteria=hits, top_num_beam_mask=top_mask,
            num_beams=beams, cur_len=cur, decoder_prompt_len=prompt, length_penalty=penalty, early_stopping=early)
        if cache_key is not None:
            model_kwargs[cache_key].reorder_cache(running_idx[..., cur - prompt].reshape(rows))
        cur += 1
        open_ = model._check_early_stop_heuristic(
            is_early_stop_heuristic_unsatisfied=open_, running_beam_scores=running_scores, beam_scores=scores,
            is_sent_finished=finished, cur_len=cur, max_length=max_length, decoder_prompt_len=prompt,
            early_stopping=early, length_penalty=penalty)
        if not model._beam_search_has_unfinished_sequences(open_, finished, hits, early):
            break
    best, best_idx = sequences[:, 0, :], indices[:, 0, :]
    generated = int((best_idx + 1).bool().sum(dim=1).max())
    return best[:, : prompt + generated]


@dataclass
class Generated:
    """One generated output: its text, how many tokens were generated, and whether it ended on its own."""

    text: str
    new_tokens: int
    finished: bool


class Seq2Seq:
    """A loaded tokenizer + seq2seq model pair on one device, safe to share between threads."""

    mixed_prefixes = False  # whether decoder prompts of different lengths may share a batch
    lean_beams = True  # beam search through lean_beam_search (same choices, less copying)

    def __init__(self, ref: str, tokenizer: Any, model: Any, device: str, dtype: Any):
        self.ref = ref
        self.tokenizer = tokenizer
        self.model = model
        self.device = device
        self.dtype = dtype
        self.lock = threading.RLock()
        self.model_type = getattr(model.config, "model_type", "")
        # Encoder outputs of single inputs, most recent last: one by default (a document's grades reuse it);
        # keep_encodings() holds more while a batch of documents goes through its grades together.
        self._encodings: OrderedDict[tuple, _Kept] = OrderedDict()
        self._keep = 1
        self._holds: list[int] = []  # the n of each keep_encodings block in progress
        # Cross-attention keys/values kept with the encodings, within this many bytes (beyond it they are
        # computed for each generate call, still once per input rather than once per beam).
        self.cross_budget = 1 << 30
        self._cross_bytes = 0
        self._cross_attn = _cross_attention_modules(model)
        # decoder prompts of different lengths batch together where positions can be shifted per row
        self._positions = _shiftable_positions(model) if self._cross_attn else None
        self.mixed_prefixes = self._positions is not None
        self._head = _last_position_head(model) if self._cross_attn else None
        # transformers 5 renamed generate's past_key_values to cache (the old name warns until 6)
        self._cache_kwarg = "cache" if "cache" in _parameters(getattr(model, "forward", None)) else "past_key_values"
        # Token ids that count_tokens found, by (language code, text), until generate takes them: a
        # translation counts its sentences to batch them, and each is then tokenized only once.
        self._counted: OrderedDict[tuple, list[int]] = OrderedDict()
        self._counted_tokens = 0

    @property
    def family(self) -> str | None:
        """The tokenizer's language-code family: nllb, mbart, m2m100, or None."""
        n = type(self.tokenizer).__name__.lower()
        for fam in ("nllb", "mbart", "m2m100"):
            if n.startswith(fam):
                return fam
        return None

    def input_limit(self, override: int | None = None) -> int:
        """The longest input, in tokens (special tokens included), this model reads."""
        lims = []
        tml = getattr(self.tokenizer, "model_max_length", None)
        if isinstance(tml, int) and 0 < tml < 1_000_000:
            lims.append(tml)
        mpe = getattr(self.model.config, "max_position_embeddings", None)
        if isinstance(mpe, int) and mpe > 0 and "t5" not in self.model_type:
            lims.append(mpe)
        if override:
            lims.append(int(override))
        return min(lims) if lims else 512

    @property
    def output_limit(self) -> int | None:
        """The longest decoder sequence the model can position (None: no fixed limit)."""
        mpe = getattr(self.model.config, "max_position_embeddings", None)
        return mpe if isinstance(mpe, int) and mpe > 0 and "t5" not in self.model_type else None

    def count_tokens(self, texts: Sequence[str], src_code: str | None = None, keep: bool = False) -> list[int]:
        """Input length in tokens of each text, special tokens included; keep: hold their ids for the generate
        call that will take them (token_ids), so that they are not tokenized twice."""
        if not texts:
            return []
        with self.lock:
            if src_code is not None:
                self.tokenizer.src_lang = src_code
            found = self.tokenizer(list(texts), add_special_tokens=True)["input_ids"]
            for text, ids in zip(texts if keep else (), found):
                self._take(text)
                self._counted[(getattr(self.tokenizer, "src_lang", None), text)] = ids
                self._counted_tokens += len(ids)
            while self._counted_tokens > _COUNTED_TOKENS:  # the oldest go first
                self._counted_tokens -= len(self._counted.popitem(last=False)[1])
            return [len(ids) for ids in found]

    def _take(self, text: str) -> list[int] | None:
        """The ids count_tokens kept for a text in the tokenizer's source language, removed; None if none."""
        ids = self._counted.pop((getattr(self.tokenizer, "src_lang", None), text), None)
        if ids is not None:
            self._counted_tokens -= len(ids)
        return ids

    def forget(self, texts: Sequence[str], src_code: str | None = None) -> None:
        """Drop the ids count_tokens kept for these texts (those no generate call took: split, failed)."""
        with self.lock:
            if src_code is not None:
                self.tokenizer.src_lang = src_code
            for text in texts:
                self._take(text)

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Each text's input token ids (special tokens included), as the tokenizer gives them: those that
        count_tokens has just found are taken from it (once), the others tokenized now. Call with the lock held
        and the tokenizer's source language set."""
        out: list = [self._take(t) for t in texts]
        missing = [k for k, ids in enumerate(out) if ids is None]
        if missing:
            found = self.tokenizer([texts[k] for k in missing], add_special_tokens=True)["input_ids"]
            for k, ids in zip(missing, found):
                out[k] = ids
        return out

    def token_id(self, token: str) -> int | None:
        """The id of a token, or None when the vocabulary lacks it."""
        tid = self.tokenizer.convert_tokens_to_ids(token)
        if tid is None or (tid == self.tokenizer.unk_token_id and token != self.tokenizer.unk_token):
            return None
        return int(tid)

    @property
    def backend(self) -> str:
        """What runs the model and at which precision, e.g. 'transformers float32'."""
        return f"transformers {str(self.dtype).replace('torch.', '')}"

    def generation_config(self, settings: Mapping[str, Any], forced_bos: int | None = None) -> Any:
        """The model's generation config with briefsum's settings laid over it."""
        gen = copy.deepcopy(self.model.generation_config)
        opts = dict(settings)
        if "min_new_tokens" in opts:
            gen.min_length = 0
        if opts.get("max_new_tokens") is not None:
            gen.max_length = None
        if forced_bos is not None:
            gen.forced_bos_token_id = forced_bos
        gen.num_return_sequences = 1
        for k, v in opts.items():
            setattr(gen, k, v)
        if gen.min_new_tokens and gen.max_new_tokens:
            gen.min_new_tokens = min(gen.min_new_tokens, gen.max_new_tokens)
        return gen

    def generate_batches(self, batches: Sequence[tuple], src_code: str | None = None,
                         forced_bos: int | None = None) -> list[list[Generated]]:
        """Generate several batches, one result list per batch, in order. Each batch is (texts, settings, limits)
        or (texts, settings, limits, decoder prefixes)."""
        return [self.generate(b[0], b[1], src_code, forced_bos, b[3] if len(b) > 3 else None, limits=b[2])
                for b in batches]

    def prompts(self, decoder_prefix: "str | Sequence[str | None] | None", n: int, gen: Any) -> list[list[int]]:
        """The decoder prompt of each of n inputs (decoder start, forced BOS, the prefix's tokens), or [] when
        there is no prefix. Prompts in one batch must have the same length (positions would shift otherwise),
        unless the model's positions can be shifted per row (mixed_prefixes)."""
        if decoder_prefix is None:
            return []
        prefixes = [decoder_prefix] * n if isinstance(decoder_prefix, str) else list(decoder_prefix)
        if len(prefixes) != n or any(p is None for p in prefixes):
            raise ValueError("give one decoder prefix (a str) per input, or None for the whole batch")
        start = gen.decoder_start_token_id
        if start is None:
            start = self.model.config.decoder_start_token_id
        head = [int(start)]
        if gen.forced_bos_token_id is not None:
            head.append(int(gen.forced_bos_token_id))
        bodies = self.tokenizer(list(prefixes), add_special_tokens=False)["input_ids"]
        out = [head + list(b) for b in bodies]
        if len({len(p) for p in out}) > 1 and not self.mixed_prefixes:
            raise ValueError("decoder prefixes in one batch must have the same length in tokens")
        return out

    def prefix_lengths(self, prefixes: Sequence[str | None]) -> list[int]:
        """Each decoder prefix's length in tokens (-1 for None): inputs batch together only at equal lengths."""
        some = [p for p in prefixes if p is not None]
        with self.lock:
            counts = iter([len(x) for x in self.tokenizer(some, add_special_tokens=False)["input_ids"]] if some else [])
        return [-1 if p is None else next(counts) for p in prefixes]

    def generate(self, texts: Sequence[str], settings: Mapping[str, Any], src_code: str | None = None,
                 forced_bos: int | None = None, decoder_prefix: "str | Sequence[str | None] | None" = None,
                 limits: Sequence[int] | None = None) -> list[Generated]:
        """Generate one output per text (batched); limits caps each output's new tokens individually.

        decoder_prefix: None, one prefix for every input, or one per input (all the same length in tokens):
        the decoder continues it, and each output's text is what follows it."""
        import torch

        texts = list(texts)
        if not texts:
            return []
        tok, model = self.tokenizer, self.model
        gen = self.generation_config(settings, forced_bos)
        with self.lock, torch.inference_mode():
            if src_code is not None:
                tok.src_lang = src_code
            # the same tensors as tok(texts, padding=True), without tokenizing counted texts again
            enc = tok.pad({"input_ids": self.token_ids(texts)}, padding=True, return_tensors="pt")
            enc = {k: v.to(self.device) for k, v in enc.items()}
            prompts = self.prompts(decoder_prefix, len(texts), gen)
            width = max((len(p) for p in prompts), default=0)
            pads = [width - len(p) for p in prompts]
            if prompts:
                pad = gen.pad_token_id if gen.pad_token_id is not None else tok.pad_token_id
                enc["decoder_input_ids"] = torch.tensor([[pad] * n + p for n, p in zip(pads, prompts)],
                                                        device=self.device)
                if any(pads):  # left-padded, masked, each row's positions shifted back to where they are alone
                    enc["decoder_attention_mask"] = torch.tensor([[0] * n + [1] * len(p)
                                                                  for n, p in zip(pads, prompts)],
                                                                 device=self.device)
            room = self.output_limit
            if room is not None:
                room -= width if prompts else 1
                if room < 1:
                    return [Generated("", 0, False) for _ in texts]
                gen.max_new_tokens = min(gen.max_new_tokens or room, room)
                if gen.min_new_tokens:
                    gen.min_new_tokens = min(gen.min_new_tokens, gen.max_new_tokens)
            try:
                # One document through its grades, or documents going through them together: each encoded
                # once, alone, and its encoding reused.
                # Assisted (prompt-lookup) decoding reads logits at several positions and crops the cache: it
                # gets the plain path.
                assisted = getattr(gen, "prompt_lookup_num_tokens", None) is not None
                if (len(texts) == 1 or self._keep > 1) and not assisted:
                    enc.update(self._encoder_inputs(texts, src_code, enc, prompts, max(1, int(gen.num_beams or 1))))
                    if prompts and width > 1 and self._cache_kwarg in enc and "decoder_attention_mask" not in enc:
                        # generate starts after a filled cache only when the mask spans the whole prompt
                        enc["decoder_attention_mask"] = torch.ones_like(enc["decoder_input_ids"])
                elif self._cross_attn and not assisted and width <= 1 and int(gen.num_beams or 1) > 1:
                    # a batch that goes through once (sentences to translate): encoded together, and its
                    # cross-attention computed once per input rather than once per beam
                    enc.update(self._batch_encoder_inputs(enc))
                if any(pads):
                    assert self._positions is not None
                    self._positions.briefsum_shift = torch.tensor(pads, device=self.device)
                if self._head is not None and not assisted:
                    self._head.briefsum_last = True
                try:
                    if self.lean_beams and lean_beam_applies(model, gen):
                        enc["custom_generate"] = lean_beam_search
                    seqs = model.generate(**enc, generation_config=gen)
                finally:
                    if self._positions is not None:
                        self._positions.briefsum_shift = None
                    if self._head is not None:
                        self._head.briefsum_last = False
            except (RuntimeError, IndexError) as exc:
                raise BackendError(f"model {self.ref} failed while generating: {str(exc).splitlines()[0]}") from None
        return self.finish([row[n:] for row, n in zip(seqs.tolist(), pads)] if any(pads) else seqs.tolist(),
                           prompts, gen, limits)

    @contextlib.contextmanager
    def keep_encodings(self, n: int):
        """Within the block, keep the encoder outputs of the last n single inputs (documents batched together
        through their grades), so that each is encoded once, alone, exactly as when it goes through on its own."""
        with self.lock:  # blocks of several threads may overlap and end in any order
            self._holds.append(max(1, int(n)))
            self._keep = max(self._holds)
        try:
            yield self
        finally:
            with self.lock:
                self._holds.remove(max(1, int(n)))
                self._keep = max(self._holds, default=1)
                self._trim()

    def _trim(self) -> None:
        while len(self._encodings) > self._keep:
            _, gone = self._encodings.popitem(last=False)
            self._cross_bytes -= gone.cross_bytes

    def _encoded(self, text: str, src_code: str | None, ids: Any, mask: Any) -> "_Kept":
        key = (text, src_code)
        hit = self._encodings.get(key)
        if hit is None:
            hit = _Kept(self.model.get_encoder()(input_ids=ids, attention_mask=mask, return_dict=True)
                        .last_hidden_state)
            self._encodings[key] = hit
            self._trim()
        else:
            self._encodings.move_to_end(key)
        return hit

    def _cross(self, kept: "_Kept") -> list[tuple[Any, Any]]:
        """Each decoder layer's cross-attention (keys, values) for one encoded input, [1, heads, length, dim]:
        what the layer computes from the encoder output at the first step of every generate call, and for
        every beam, computed here once."""
        if kept.cross is not None:
            return kept.cross
        out = self._cross_kv(kept.hidden)
        size = sum(2 * k.numel() * k.element_size() for k, _ in out)
        if any(v is kept for v in self._encodings.values()) and self._cross_bytes + size <= self.cross_budget:
            kept.cross, kept.cross_bytes = out, size
            self._cross_bytes += size
        return out

    def _cross_kv(self, h: Any) -> list[tuple[Any, Any]]:
        """Each decoder layer's cross-attention (keys, values) for encoder outputs h [rows, length, width]."""
        out = []
        for attn in self._cross_attn:
            shape = (*h.shape[:-1], -1, attn.head_dim)
            out.append((attn.k_proj(h).view(shape).transpose(1, 2), attn.v_proj(h).view(shape).transpose(1, 2)))
        return out

    def _batch_encoder_inputs(self, enc: Mapping[str, Any]) -> dict:
        """generate's encoder_outputs for a batch encoded together, and the cache holding each row's
        cross-attention keys/values once, for all its beams (nothing is kept: inputs that go through once)."""
        from transformers.modeling_outputs import BaseModelOutput

        hidden = self.model.get_encoder()(input_ids=enc["input_ids"], attention_mask=enc.get("attention_mask"),
                                          return_dict=True).last_hidden_state
        return {"encoder_outputs": BaseModelOutput(last_hidden_state=hidden),
                self._cache_kwarg: _shared_cross_cache(self._cross_kv(hidden))}

    def _encoder_inputs(self, texts: Sequence[str], src_code: str | None, enc: Mapping[str, Any],
                        prompts: Sequence[Sequence[int]] = (), beams: int = 1) -> dict:
        """generate's encoder_outputs for a batch, each row encoded alone (and kept) and placed where its mask
        is 1; with a model whose cross-attention can be shared (see _share_cross_attention), also the cache
        that holds each row's cross-attention keys/values once, for all its beams, and, given the rows' decoder
        prompts (which the caller left-pads to one width), their self-attention keys/values but for the last
        token (_prefill)."""
        import torch
        from transformers.modeling_outputs import BaseModelOutput

        if len(texts) == 1:
            rows = [(None, self._encoded(texts[0], src_code, enc["input_ids"], enc.get("attention_mask")))]
        else:
            mask = enc["attention_mask"]
            rows = []
            for r, text in enumerate(texts):
                keep = mask[r].bool()
                ids = enc["input_ids"][r][keep].unsqueeze(0)
                rows.append((keep, self._encoded(text, src_code, ids, torch.ones_like(ids))))
        if len(rows) == 1:
            states = rows[0][1].hidden
        else:
            states = _padded([kept.hidden for _, kept in rows], [keep for keep, _ in rows], 0)
        out: dict[str, Any] = {"encoder_outputs": BaseModelOutput(last_hidden_state=states)}
        if self._cross_attn:
            per_row = [self._cross(kept) for _, kept in rows]
            keeps = [keep for keep, _ in rows]
            layers = [per_row[0][li] if len(rows) == 1 else
                      tuple(_padded([kv[li][j] for kv in per_row], keeps, 1) for j in (0, 1))
                      for li in range(len(self._cross_attn))]
            cache = _shared_cross_cache(layers)
            if prompts and max(len(p) for p in prompts) > 1:
                self._prefill(cache, [kept for _, kept in rows], per_row, prompts, beams)
            out[self._cache_kwarg] = cache
        return out

    def _prefill(self, cache: Any, kept: Sequence["_Kept"], cross: Sequence[list], prompts: Sequence[Sequence[int]],
                 beams: int) -> None:
        """Run each input's decoder prompt but its last token through the decoder alone, once (generate would
        run it for every beam, padded to the longest prompt), and put the self-attention keys/values into the
        batch cache, left-padded and repeated for the beams: generate then starts at the last prompt token."""
        import torch

        width = max(len(p) for p in prompts) - 1
        decoder = self.model.get_decoder()
        batch: list[list[Any]] = []
        for r, prompt in enumerate(prompts):
            n = len(prompt) - 1
            if n < 1:
                continue
            alone = _shared_cross_cache(cross[r])
            ids = torch.tensor([list(prompt[:-1])], device=self.device)
            decoder(input_ids=ids, encoder_hidden_states=kept[r].hidden, use_cache=True,
                    **{self._cache_kwarg: alone})
            for li, layer in enumerate(alone.self_attention_cache.layers):
                if len(batch) <= li:
                    k = layer.keys
                    batch.append([k.new_zeros(len(prompts), k.shape[1], width, k.shape[3]) for _ in range(2)])
                batch[li][0][r, :, width - n:] = layer.keys[0]
                batch[li][1][r, :, width - n:] = layer.values[0]
        for li, (keys, values) in enumerate(batch):
            cache.self_attention_cache.update(keys.repeat_interleave(beams, 0), values.repeat_interleave(beams, 0), li)

    def generate_many(self, texts: Sequence[str], settings: Mapping[str, Any], prefixes: Sequence[str | None],
                      src_code: str | None = None, forced_bos: int | None = None, batch_size: int = 8,
                      batch_tokens: int = 16384) -> list["Generated | BackendError"]:
        """Generate one output per text, each continuing its own decoder prefix (None: none), in batches.

        Inputs are grouped by prefix length (a batch shares one prompt length, so every output is the one it
        gets alone; with mixed_prefixes, prompts are left-padded and positions shifted per row instead), sorted
        by input length, and cut into batches of at most batch_size inputs and batch_tokens padded input tokens.
        A batch that fails is retried input by input, so one bad input costs only its own output: its place
        holds the BackendError."""
        texts = list(texts)
        if not texts:
            return []
        heads = self.prefix_lengths(prefixes)
        if self.mixed_prefixes:  # prompts of any length share a batch (left-padded)
            heads = [min(h, 0) for h in heads]
        lengths = self.count_tokens(texts, src_code, keep=True)
        groups: dict[int, list[int]] = {}
        for k in sorted(range(len(texts)), key=lambda k: (-lengths[k], k)):
            groups.setdefault(heads[k], []).append(k)
        batches: list[list[int]] = []
        for members in groups.values():
            cur: list[int] = []
            for k in members:  # longest first, so the first of a batch sets its padded width
                if cur and (len(cur) >= batch_size or (len(cur) + 1) * lengths[cur[0]] > batch_tokens):
                    batches.append(cur)
                    cur = []
                cur.append(k)
            batches.append(cur)

        def job(batch: list[int]) -> tuple:
            pre = [prefixes[k] for k in batch]
            return ([texts[k] for k in batch], settings, None, None if pre[0] is None else pre)

        out: list[Generated | BackendError | None] = [None] * len(texts)

        def alone(batch: list[int]) -> list:
            """A failed batch again, input by input: each gets its output or its error."""
            if len(batch) == 1:
                return [None]  # already failed on its own
            res: list = []
            for k in batch:
                try:
                    res.extend(self.generate_batches([job([k])], src_code, forced_bos)[0])
                except BackendError as exc:
                    res.append(exc)
            return res

        try:
            done = self.generate_batches([job(b) for b in batches], src_code, forced_bos)
        except BackendError as first:
            if len(batches) == 1:
                done = [alone(batches[0])]
                if done[0] == [None]:
                    done = [[first]]
            else:
                done = []
                for b in batches:
                    try:
                        done.append(self.generate_batches([job(b)], src_code, forced_bos)[0])
                    except BackendError as exc:
                        res = alone(b)
                        done.append([exc] if res == [None] else res)
        finally:  # ids that failed batches left untaken
            self.forget(texts, src_code)
        for b, res in zip(batches, done):
            for k, g in zip(b, res):
                out[k] = g
        return out  # type: ignore[return-value]

    def finish(self, seqs: Sequence[Sequence[int]], prompt: Sequence[int], gen: Any,
               limits: Sequence[int] | None = None) -> list[Generated]:
        """Turn output id sequences (decoder start first) into texts, cut at EOS and at each one's limit.

        prompt: the decoder prompt every sequence starts with, or one prompt per sequence ([] for none)."""
        tok = self.tokenizer
        prompts = [list(p) for p in prompt] if prompt and isinstance(prompt[0], (list, tuple)) \
            else [list(prompt)] * len(seqs)
        specials = set(tok.all_special_ids)
        eos = gen.eos_token_id if gen.eos_token_id is not None else tok.eos_token_id
        eos_ids = set(eos) if isinstance(eos, (list, tuple)) else {eos}
        pad = gen.pad_token_id if gen.pad_token_id is not None else tok.pad_token_id
        out: list[Generated] = []
        for i, seq in enumerate(seqs):
            prompt = prompts[i]
            skip = len(prompt) if prompt else 1  # the decoder start (and primed) tokens
            new = seq[skip:]
            finished = False
            for j, t in enumerate(new):
                if t in eos_ids:
                    new, finished = new[:j], True
                    break
            while new and new[-1] == pad:
                new = new[:-1]
            if limits is not None and len(new) > limits[i]:
                new, finished = new[: limits[i]], False
            count = len(new)
            if prompt:
                body = prompt[1:]
                if gen.forced_bos_token_id is not None and body and body[0] == gen.forced_bos_token_id:
                    body = body[1:]
                before = tok.decode(body, skip_special_tokens=True)
                full = tok.decode(body + [t for t in new if t not in specials], skip_special_tokens=True)
                text = full[len(before):] if full.startswith(before) else " " + tok.decode(new, skip_special_tokens=True)
            else:
                text = tok.decode(new, skip_special_tokens=True)
            out.append(Generated(text, count, finished))
        return out


class _QuietNotes:
    """A logging filter that drops transformers notices about settings briefsum sets on purpose."""

    _DROP = ("seem to have been set", "Token indices sequence length is longer", "generation flags are not valid")

    def filter(self, record: Any) -> bool:
        msg = record.getMessage()
        return not any(d in msg for d in self._DROP)


def _quiet_transformers() -> None:
    import logging

    for name in ("transformers.generation.utils", "transformers.generation.configuration_utils",
                 "transformers.tokenization_utils_base"):
        log = logging.getLogger(name)
        if not any(isinstance(f, _QuietNotes) for f in log.filters):
            log.addFilter(_QuietNotes())


def pick_backend(cfg: Config, located: Located, device: str, task: str = "translation") -> tuple[str, str]:
    """(backend, compute type): for translation, ctranslate2 int8 on CPU when installed and the model converts,
    else transformers; for summarisation, transformers (each article is encoded once for all its grades and
    beams, which ctranslate2 cannot do: BENCH.md)."""
    name = str(cfg.get("neural", "backend", default="auto") or "auto").lower()
    if name not in ("auto", "transformers", "ctranslate2"):
        raise ConfigError(f"config: neural.backend must be auto, transformers or ctranslate2, got {name!r}")
    compute = str(cfg.get("neural", "compute_type", default="auto") or "auto").lower()
    if name == "transformers" or (name == "auto" and task == "summarisation"):
        return "transformers", ""
    from . import ct2

    usable = located.path is not None and ct2.available()
    if usable and name == "auto":
        try:
            import json

            model_type = json.loads((located.path / "config.json").read_text(encoding="utf-8")).get("model_type")
        except (OSError, ValueError):
            model_type = None
        usable = device == "cpu" and model_type in ct2.SUPPORTED
    if not usable:
        if name == "ctranslate2":
            why = "the model is not in a local folder" if located.path is None else \
                "ctranslate2 is not installed (pip install 'briefsum[fast]')"
            raise ModelUnavailable(f"neural.backend is ctranslate2 but {why}")
        return "transformers", ""
    if compute == "auto":
        compute = "int8" if device == "cpu" else "int8_float16"
    if compute not in ct2.COMPUTE_TYPES:
        raise ConfigError(f"config: neural.compute_type must be auto or one of {', '.join(ct2.COMPUTE_TYPES)}, "
                          f"got {compute!r}")
    return "ctranslate2", compute


def _on_off_auto(value: Any, key: str) -> str:
    """'on', 'off' or 'auto' from a config value (YAML reads on/off/yes/no as booleans)."""
    if value is None:
        return "auto"
    if isinstance(value, bool):
        return "on" if value else "off"
    text = str(value).strip().lower()
    text = {"true": "on", "yes": "on", "false": "off", "no": "off"}.get(text, text)
    if text not in ("auto", "on", "off"):
        raise ConfigError(f"config: {key} must be auto, on or off, got {value!r}")
    return text


_MALLOC_TUNED: list[bool] = []


def reuse_freed_memory() -> bool:
    """Ask the C library (glibc) to keep freed large blocks for reuse instead of returning them to the system.

    A CPU decoding step allocates several tensors of rows x vocabulary floats (tens of MB each); glibc serves
    anything over 32 MB with a fresh mmap and unmaps it when freed, so every step pays page faults on memory it
    just gave back: half the time of a log-softmax over a 60,000-word vocabulary (BENCH.md). Setting the mmap
    and trim thresholds high makes those blocks come from, and go back to, the heap. Process-wide and once;
    the cost is that the process keeps its peak memory. Returns whether it took effect (False off glibc)."""
    if _MALLOC_TUNED:
        return _MALLOC_TUNED[0]
    import ctypes
    import sys

    ok = False
    if sys.platform.startswith("linux"):
        try:
            mallopt = ctypes.CDLL(None).mallopt  # the process's own C library
            mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
            m_trim_threshold, m_mmap_threshold = -1, -3
            ok = mallopt(m_mmap_threshold, 1 << 30) == 1 and mallopt(m_trim_threshold, (1 << 31) - 1) == 1
        except (OSError, AttributeError):
            ok = False
    _MALLOC_TUNED.append(ok)
    return ok


def load_model(cfg: Config, located: Located, task: str = "translation") -> Seq2Seq:
    """Load (once per process, device and precision) the tokenizer and model a registry entry points at, for
    translation or summarisation (which may pick another backend or precision: pick_backend, pick_dtype)."""
    import torch  # noqa: F401  (fail here, as ImportError, when the extra is not installed)

    device = pick_device(cfg.get("neural", "device"))
    dtype = pick_dtype(cfg.get("neural", "dtype"), device, task)
    reuse = _on_off_auto(cfg.get("neural", "reuse_memory", default="auto"), "neural.reuse_memory")
    allow_pickle = bool(cfg.get("neural", "allow_pickle", default=False))
    backend, compute_type = pick_backend(cfg, located, device, task)
    key = (located.load_from, device, str(dtype), allow_pickle, backend, compute_type)
    with _LOCK:
        lock = _KEY_LOCKS.setdefault(key, threading.Lock())
    with lock:
        if key in _MODELS:
            return _MODELS[key]
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        _quiet_transformers()
        kw: dict[str, Any] = {"local_files_only": not located.download, "trust_remote_code": False}
        if located.download and cfg.get("neural", "cache_dir"):
            kw["cache_dir"] = str(cfg.resolve_path(cfg.get("neural", "cache_dir")))
        try:
            with warnings.catch_warnings():  # Marian's note about sacremoses: docs/neural.md covers it
                warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
                tok = AutoTokenizer.from_pretrained(located.load_from, **kw)
            if backend == "ctranslate2":
                from . import ct2

                assert located.path is not None
                fast = ct2.load(cfg, located.load_from, located.path, located.ref, tok, device, compute_type)
                _MODELS[key] = fast
                return fast
            model = AutoModelForSeq2SeqLM.from_pretrained(located.load_from, dtype=dtype,
                                                          use_safetensors=None if allow_pickle else True, **kw)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise ModelUnavailable(f"cannot load model {located.ref}: {first}") from None
        model.to(device)
        model.eval()
        if reuse == "on" or (reuse == "auto" and device == "cpu"):
            reuse_freed_memory()
        _share_cross_attention(model)
        loaded = Seq2Seq(located.ref, tok, model, device, dtype)
        _MODELS[key] = loaded
        return loaded


def _lang_code(cfg: Config, entry: ModelEntry, model: Seq2Seq, lang: str) -> str | None:
    """The tokenizer's code for a language (fra_Latn, fr_XX, __fr__), or None when the model uses none."""
    fam = model.family
    if fam is None:
        return None
    table = dict(cfg.get("models", "languages", fam) or {})
    table.update(entry.settings.get("languages") or {})
    if fam == "m2m100":
        code = table.get(lang, f"__{lang}__")
    else:
        code = table.get(lang)
    if code is None or model.token_id(code) is None:
        raise ConfigError(f"config: model {entry.ref} has no language code for '{lang}' "
                          f"(set models.languages.{fam}.{lang} to one of its codes)")
    return code


# -- translation --------------------------------------------------------------------------------------

@dataclass
class TranslationRun:
    """Translated sentences (one per input) with what happened on the way."""

    texts: list[str]
    warnings: list[str] = field(default_factory=list)
    stats: dict = field(default_factory=dict)


_GPU_BATCH = (64, 2048)  # sentences per translation batch on a GPU, at least and at most
_GPU_INPUT_TOKENS = 128  # padded input tokens a sentence in a GPU batch (its token budget)


def gpu_batch_size(model: "Seq2Seq", beams: int, new_tokens: int = 256) -> int:
    """Sentences per translation batch on a GPU: as many (a power of two within _GPU_BATCH) as keep one decoding
    step's float32 scores (sentences x beams x vocabulary) within 1/16 of the card's memory, and the decoder's
    key/value caches (self-attention over new_tokens, cross-attention over _GPU_INPUT_TOKENS, for every beam)
    within 1/4 of it. Larger batches keep the card busier (BENCH.md)."""
    low, high = _GPU_BATCH
    try:
        import torch

        memory = torch.cuda.get_device_properties(torch.device(model.device)).total_memory
    except Exception:  # noqa: BLE001 - a probe: not CUDA (mps), no device to ask, or a torch that says it otherwise
        return 512
    cfg = model.model.config
    vocab = int(getattr(cfg, "vocab_size", 0) or 0) or 65536
    layers = next((int(v) for k in ("decoder_layers", "num_decoder_layers", "num_layers")
                   if isinstance(v := getattr(cfg, k, None), int) and v > 0), 0)
    width = next((int(v) for k in ("d_model", "hidden_size")
                  if isinstance(v := getattr(cfg, k, None), int) and v > 0), 0)
    itemsize = getattr(model.dtype, "itemsize", 2)  # a torch dtype's bytes; 2 for anything else
    beams = max(1, beams)
    fit = memory // 16 // (4 * vocab * beams)
    cache = 2 * layers * width * itemsize * (new_tokens + _GPU_INPUT_TOKENS) * beams
    if cache:
        fit = min(fit, memory // 4 // cache)
    size = low
    while size * 2 <= min(fit, high):
        size *= 2
    return size


class NeuralTranslator:
    """Sentence-level translation with a seq2seq model: length-sorted batches, clause splits, loop guard."""

    def __init__(self, cfg: Config, entry: ModelEntry, model: Seq2Seq, source: str, target: str):
        self.name = entry.ref
        self.entry = entry
        self.model = model
        self.source = source
        self.target = target
        self.settings = {"num_beams": 4, "no_repeat_ngram_size": 4, "max_new_tokens": 256}
        self.settings.update(entry.settings.get("generate") or {})
        self.src_code = _lang_code(cfg, entry, model, source)
        tgt_code = _lang_code(cfg, entry, model, target)
        self.forced_bos = model.token_id(tgt_code) if tgt_code else None
        self.limit = model.input_limit(entry.settings.get("max_input_tokens"))
        gpu = model.device.startswith(("cuda", "mps"))
        bt, bs = cfg.get("neural", "batch_tokens", default="auto"), cfg.get("neural", "batch_size", default="auto")
        cpu_size = 16 if model.backend.startswith("ctranslate2") else 32  # ctranslate2 runs batches in parallel
        auto = gpu_batch_size(model, int(self.settings.get("num_beams") or 1),
                              int(self.settings.get("max_new_tokens") or 256)) if gpu else cpu_size
        self.batch_size = auto if bs in (None, "auto") else int(bs)
        self.batch_tokens = (_GPU_INPUT_TOKENS * auto if gpu else 4096) if bt in (None, "auto") else int(bt)
        self.ratio = float(cfg.get("neural", "max_new_ratio", default=2.0))
        self.loop_guard = str(cfg.get("neural", "loop_guard", default="retry"))
        if self.loop_guard not in ("retry", "repair", "off"):
            raise ConfigError(f"config: neural.loop_guard must be retry, repair or off, got {self.loop_guard!r}")

    @classmethod
    def from_config(cls, cfg: Config, source: str, target: str,
                    models: Mapping[str, str] | None = None) -> "NeuralTranslator":
        """The registry's translator for a pair; ModelUnavailable (saying how to get it) when it is not here."""
        entry = find_entry(cfg, "translation", f"{source}-{target}", models)
        if entry is None:
            raise _missing("translation", f"{source}-{target}")
        located = locate(cfg, entry)
        return cls(cfg, entry, load_model(cfg, located), source, target)

    @property
    def label(self) -> str:
        """The model's name, with the backend when it is not plain transformers (e.g. 'ID [ctranslate2 int8]')."""
        b = self.model.backend
        return self.name if b.startswith("transformers") else f"{self.name} [{b}]"

    def supports(self, source: str, target: str) -> bool:
        """True for the one pair this model translates."""
        return (source, target) == (self.source, self.target)

    def translate_sentences(self, sentences: Sequence[str], source: str, target: str) -> list[str]:
        """Translate sentences one to one (the Translator protocol)."""
        if not self.supports(source, target):
            raise BackendError(f"model {self.name} translates {self.source}-{self.target}, not {source}-{target}")
        return self.translate(sentences).texts

    def _units(self, sentences: Sequence[str]) -> tuple[list[tuple[int, str]], list[int], int, int]:
        counts = self.model.count_tokens(sentences, self.src_code, keep=True)
        units: list[tuple[int, str]] = []
        lengths: list[int] = []
        split, mid_word = 0, 0
        for i, (s, n) in enumerate(zip(sentences, counts)):
            if n <= self.limit:
                units.append((i, s))
                lengths.append(n)
                continue
            self.model.forget([s], self.src_code)  # translated in pieces: its own ids are not needed
            pieces, mw = split_to_fit(s, lambda t: self.model.count_tokens([t], self.src_code)[0] <= self.limit)
            split += 1
            mid_word += int(mw)
            units.extend((i, p) for p in pieces)
            lengths.extend(self.model.count_tokens(pieces, self.src_code, keep=True))
        return units, lengths, split, mid_word

    def _batches(self, lengths: Sequence[int]) -> list[list[int]]:
        order = sorted(range(len(lengths)), key=lambda k: (-lengths[k], k))
        batches: list[list[int]] = []
        cur: list[int] = []
        for k in order:
            width = max([lengths[j] for j in cur] + [lengths[k]])
            if cur and ((len(cur) + 1) * width > self.batch_tokens or len(cur) >= self.batch_size):
                batches.append(cur)
                cur = []
            cur.append(k)
        if cur:
            batches.append(cur)
        return batches

    def _run(self, texts: list[str], lengths: list[int], settings: Mapping[str, Any]) -> list[Generated]:
        cap = int(settings.get("max_new_tokens") or 256)
        limits = [max(4, min(cap, int(self.ratio * n) + 10)) for n in lengths]
        out: list[Generated | None] = [None] * len(texts)
        batches = self._batches(lengths)
        jobs = []
        for batch in batches:
            opts = dict(settings)
            opts["max_new_tokens"] = max(limits[k] for k in batch)
            jobs.append(([texts[k] for k in batch], opts, [limits[k] for k in batch]))
        for batch, res in zip(batches, self.model.generate_batches(jobs, self.src_code, self.forced_bos)):
            for k, g in zip(batch, res):
                out[k] = g
        return out  # type: ignore[return-value]

    def translate(self, sentences: Sequence[str]) -> TranslationRun:
        """Translate sentences one to one, saying what was split, retried or repaired."""
        sentences = list(sentences)
        if not sentences:
            return TranslationRun([])
        units, lengths, split, mid_word = self._units(sentences)
        texts = [u[1] for u in units]
        first: dict[str, int] = {}
        for k, t in enumerate(texts):  # a repeated sentence is translated once
            first.setdefault(t, k)
        once = sorted(set(first.values()))
        try:
            done = dict(zip(once, self._run([texts[k] for k in once], [lengths[k] for k in once], self.settings)))
        finally:  # ids a failed batch left untaken
            self.model.forget(texts, self.src_code)
        gens = [done[first[t]] for t in texts]
        outs = [g.text.strip() for g in gens]
        bad = [k for k in once if self.loop_guard != "off" and self._loops(texts[k], gens[k])]
        retried, repaired = len(bad), 0
        if bad and self.loop_guard == "retry":
            retry = dict(self.settings)
            retry.update({"repetition_penalty": 1.3, "no_repeat_ngram_size": 3})
            again = self._run([texts[k] for k in bad], [lengths[k] for k in bad], retry)
            still = []
            for k, g in zip(bad, again):
                outs[k] = g.text.strip()
                if self._loops(texts[k], g):
                    still.append(k)
            bad = still
        for k in bad:
            fixed = remove_loops(outs[k])
            if fixed != outs[k]:
                outs[k] = fixed
            repaired += 1
        outs = [outs[first[t]] for t in texts]
        looped = set(bad)
        bad = [k for k, t in enumerate(texts) if first[t] in looped]
        joined: list[list[str]] = [[] for _ in sentences]
        for (i, _), o in zip(units, outs):
            joined[i].append(o)
        result = [" ".join(p for p in parts if p) for parts in joined]
        warnings: list[str] = []
        if split:
            warnings.append(f"translation: {split} sentence{'s' if split > 1 else ''} longer than the model's "
                            f"{self.limit}-token input {'were' if split > 1 else 'was'} translated in pieces "
                            "split at clause boundaries" + (f" ({mid_word} between words)" if mid_word else ""))
        if repaired:
            where = sorted({units[k][0] + 1 for k in bad})
            warnings.append(f"translation: the model looped on sentence{'s' if len(where) > 1 else ''} "
                            f"{', '.join(map(str, where))}; the repetition was removed")
        stats = {"translation_units": len(units), "translation_unique": len(once), "translation_split": split,
                 "translation_loops_retried": retried,
                 "translation_loops_left": repaired}
        return TranslationRun(result, warnings, stats)

    @staticmethod
    def _loops(source: str, g: Generated) -> bool:
        return not g.finished or looping(g.text, source)


# -- summarisation ------------------------------------------------------------------------------------

class NeuralSummariser:
    """Abstractive summaries with a seq2seq model; long inputs are reduced map-reduce style first."""

    def __init__(self, cfg: Config, entry: ModelEntry, model: Seq2Seq, lang: str):
        self.name = entry.ref
        self.entry = entry
        self.model = model
        self.lang = lang
        self.defaults = dict(entry.settings.get("generate") or {})
        self.grade_settings = dict(cfg.get("models", "grades") or {})
        self.prefix = entry.settings.get("prefix")
        if self.prefix is None:
            tsp = getattr(model.model.config, "task_specific_params", None) or {}
            self.prefix = (tsp.get("summarization") or {}).get("prefix") or ("summarize: " if model.model_type == "t5"
                                                                            else "")
        self.src_code = _lang_code(cfg, entry, model, lang) if model.family else None
        self.forced_bos = model.token_id(self.src_code) if self.src_code else None
        self.limit = model.input_limit(entry.settings.get("max_input_tokens"))
        self.max_passes = int(cfg.get("neural", "max_passes", default=8))
        overhead = self.model.count_tokens([self.prefix], self.src_code)[0]
        self.room = self.limit - overhead - 1
        if self.room < 8:
            raise ConfigError(f"config: model {entry.ref} reads only {self.limit} tokens, too few to summarise")
        gpu = model.device.startswith(("cuda", "mps"))
        bs = cfg.get("neural", "summary_batch_size", default="auto")
        bt = cfg.get("neural", "summary_batch_tokens", default="auto")
        # On CPU, ctranslate2's int8 encoder is slow on padded batches (BENCH.md), so it gets pairs; transformers
        # encodes each article alone anyway, and its decoder steps gain from more rows.
        cpu_bs = 2 if model.backend.startswith("ctranslate2") else 8
        self.batch_size = (64 if gpu else cpu_bs) if bs in (None, "auto") else max(1, int(bs))
        self.batch_tokens = (262144 if gpu else 16384) if bt in (None, "auto") else max(1, int(bt))

    def settings_for(self, grade: str) -> dict:
        """Generation settings for a grade: model defaults, then the grade's own settings."""
        out = dict(self.defaults)
        out.update(self.grade_settings.get(grade) or {})
        return out

    def _fits(self, text: str) -> bool:
        return self.model.count_tokens([self.prefix + text], self.src_code)[0] <= self.limit

    def pack(self, units: Sequence[str]) -> tuple[list[str], int]:
        """Group sentences, in order, into inputs that fit the model (a long sentence split at clauses)."""
        pieces: list[str] = []
        split = 0
        counts = self.model.count_tokens([self.prefix + u for u in units], self.src_code)
        for u, n in zip(units, counts):
            if n <= self.limit:
                pieces.append(u)
            else:
                parts, _ = split_to_fit(u, self._fits)
                pieces.extend(parts)
                split += 1
        sizes = self.model.count_tokens(pieces, self.src_code)
        overhead = self.model.count_tokens([""], self.src_code)[0]
        chunks: list[list[str]] = []
        used = 0
        for p, n in zip(pieces, sizes):
            n = max(1, n - overhead)
            if chunks and used + n <= self.room:
                chunks[-1].append(p)
                used += n
            else:
                chunks.append([p])
                used = n
        out: list[str] = []
        for c in chunks:  # token counts are not exactly additive: check each chunk and halve any that overflow
            out.extend(self._halve(c))
        return out, split

    def _halve(self, sents: list[str]) -> list[str]:
        text = " ".join(sents)
        if len(sents) == 1 or self._fits(text):
            return [text]
        mid = len(sents) // 2
        return self._halve(sents[:mid]) + self._halve(sents[mid:])

    def reduce(self, units: Sequence[str]) -> tuple[str, dict, list[str]]:
        """Map-reduce sentences into one input that fits: chunk summaries, then summaries of those."""
        warnings: list[str] = []
        chunks, split = self.pack(list(units))
        stats = {"chunks": len(chunks), "passes": 0, "input_limit_tokens": self.limit, "split_for_input": split}
        settings = self.settings_for("chunk")
        settings["max_new_tokens"] = max(4, min(int(settings.get("max_new_tokens") or 160), self.room // 4))
        while len(chunks) > 1:
            if stats["passes"] >= self.max_passes:
                raise BackendError(f"the input is still {len(chunks)} model inputs long after {self.max_passes} "
                                   "summary passes (raise neural.max_passes or use a model with a longer input)")
            stats["passes"] += 1
            gens = self.model.generate([self.prefix + c for c in chunks], settings, self.src_code, self.forced_bos)
            units = []
            for c, g in zip(chunks, gens):
                text = g.text.strip()
                if not text:
                    text = (split_sentences(c, self.lang) or [c])[0]
                    stats["empty_chunk_summaries"] = stats.get("empty_chunk_summaries", 0) + 1
                text, trimmed = self._shorten(text, self.room // 2)
                stats["trimmed_chunk_summaries"] = stats.get("trimmed_chunk_summaries", 0) + int(trimmed)
                units.append(text)
            chunks, _ = self.pack(units)
        if stats.get("empty_chunk_summaries"):
            warnings.append(f"{stats['empty_chunk_summaries']} chunk summaries came out empty; "
                            "each chunk's first sentence stood in for its summary")
        return (chunks[0] if chunks else ""), stats, warnings

    def _shorten(self, text: str, max_tokens: int) -> tuple[str, bool]:
        """Keep the longest word prefix of a generated text that encodes to at most max_tokens tokens."""
        if self.model.count_tokens([text], self.src_code)[0] <= max_tokens:
            return text, False
        words = text.split()
        lo, hi = 1, len(words)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.model.count_tokens([" ".join(words[:mid])], self.src_code)[0] <= max_tokens:
                lo = mid
            else:
                hi = mid - 1
        return " ".join(words[:lo]), True

    def write(self, text: str, settings: Mapping[str, Any], prefix: str = "") -> Generated:
        """Summarise one input that fits; with a prefix, continue it (the result includes the prefix)."""
        g = self.write_many([(text, prefix)], settings)[0]
        if isinstance(g, BaseException):
            raise g
        return g

    def write_many(self, items: Sequence[tuple[str, str]], settings: Mapping[str, Any]
                   ) -> list["Generated | BackendError"]:
        """Summarise several inputs that fit, each (text, prefix) continuing its own prefix ('' for none), in
        batches; each result is what write() gives for that item alone, or the BackendError it met."""
        gens = self.model.generate_many([self.prefix + t for t, _ in items], settings, [p or None for _, p in items],
                                        self.src_code, self.forced_bos, self.batch_size, self.batch_tokens)
        out: list[Generated | BackendError] = []
        for (_, prefix), g in zip(items, gens):
            if isinstance(g, BaseException):
                out.append(g)
                continue
            body = (prefix + g.text) if prefix else g.text
            out.append(Generated(" ".join(body.split()), g.new_tokens, g.finished))
        return out


# -- the engine ---------------------------------------------------------------------------------------

@dataclass
class _Job:
    """One document's state while the engine goes through the grades (of several documents together)."""

    doc: Document
    warnings: list[str]
    stats: dict
    units: list[str]
    unit_lang: str
    refs: list[str]
    translation: Translation | None
    unit_doc: Document
    reduced: str
    budgets: list[int]
    extractive: dict[str, GradeResult] | None = None
    texts: dict[str, str] = field(default_factory=dict)
    methods: dict[str, str] = field(default_factory=dict)
    cut: dict[str, bool] = field(default_factory=dict)
    generated: dict[str, int] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)  # a grade that is its shorter grade's text, unchanged
    prev: str = ""

def _missing(task: str, key: str) -> ModelUnavailable:
    return ModelUnavailable(f"no {task} model is configured for {key} "
                            f"(set models.{task}.{key}.model to a hub id or a folder)")


class NeuralEngine:
    """Translate and write abstractive graded summaries with the models of the registry."""

    name = "neural"

    def __init__(self, cfg: Config, source: str, target: str | None, strategy: str, summariser: NeuralSummariser,
                 translator: NeuralTranslator | None = None, headline: NeuralSummariser | None = None,
                 notes: Sequence[str] = ()):
        self.cfg = cfg
        self.source = source
        self.target = target
        self.strategy = strategy
        self.summariser = summariser
        self.translator = translator
        self.headline = headline
        self.notes = list(notes)
        self.nesting = str(cfg.get("neural", "nesting", default="prefix"))
        self.faithfulness = str(cfg.get("neural", "faithfulness", default="warn"))
        if self.nesting not in ("prefix", "independent"):
            raise ConfigError(f"config: neural.nesting must be prefix or independent, got {self.nesting!r}")
        if self.faithfulness not in ("warn", "fallback", "off"):
            raise ConfigError(f"config: neural.faithfulness must be warn, fallback or off, got {self.faithfulness!r}")

    @classmethod
    def plan(cls, cfg: Config, source: str, target: str | None,
             models: Mapping[str, str] | None = None) -> tuple[str, dict[str, tuple[ModelEntry, Located]], list[str]]:
        """Pick the strategy and find every model it needs on disk, without importing torch."""
        strategy = str(cfg.get("neural", "strategy", default="translate-summarise"))
        if strategy not in STRATEGIES:
            raise ConfigError(f"config: neural.strategy must be one of {', '.join(STRATEGIES)}, got {strategy!r}")
        translate = target is not None and target != source
        need: dict[str, tuple[str, str]] = {}
        if not translate:
            strategy = "direct" if strategy == "direct" else "summarise-translate"
        if strategy == "translate-summarise":
            need = {"translator": ("translation", f"{source}-{target}"), "summariser": ("summarisation", target)}
            head_lang = target
        elif strategy == "summarise-translate" and find_entry(cfg, "summarisation", source, models) is not None:
            need = {"summariser": ("summarisation", source)}
            head_lang = source
        else:  # direct, or no summariser for the source language: the multilingual model
            strategy = "direct"
            need = {"summariser": ("multilingual", source)}
            head_lang = None
        entries: dict[str, tuple[ModelEntry, Located]] = {}
        for role, (task, key) in need.items():
            entry = find_entry(cfg, task, key, models)
            if entry is None:
                raise _missing(task, key)
            entries[role] = (entry, locate(cfg, entry))
        sum_entry = entries["summariser"][0]
        out_lang = target if strategy == "translate-summarise" else source
        if strategy == "direct" and sum_entry.settings.get("output_lang", "source") != "source":
            out_lang = str(sum_entry.settings["output_lang"])
        if translate and out_lang != target:
            entry = find_entry(cfg, "translation", f"{out_lang}-{target}", models)
            if entry is None:
                raise _missing("translation", f"{out_lang}-{target}")
            entries["translator"] = (entry, locate(cfg, entry))
        notes: list[str] = []
        if head_lang is not None:
            head = find_entry(cfg, "headline", head_lang, models)
            if head is not None:
                try:
                    entries["headline"] = (head, locate(cfg, head))
                except ModelUnavailable as exc:
                    notes.append(f"headline model unavailable, the summariser wrote the headline: {exc}")
        return strategy, entries, notes

    @classmethod
    def from_config(cls, cfg: Config, source: str, target: str | None,
                    models: Mapping[str, str] | None = None) -> "NeuralEngine":
        """Load the models the configured strategy needs; raise ModelUnavailable saying how to get any missing."""
        strategy, entries, notes = cls.plan(cfg, source, target, models)
        loaded = {role: (entry, load_model(cfg, loc, "translation" if role == "translator" else "summarisation"))
                  for role, (entry, loc) in entries.items()}
        s_entry, s_model = loaded["summariser"]
        sum_lang = target if strategy == "translate-summarise" else source
        summariser = NeuralSummariser(cfg, s_entry, s_model, sum_lang)
        headline = NeuralSummariser(cfg, *loaded["headline"], sum_lang) if "headline" in loaded else None
        translator = None
        if "translator" in loaded:
            t_entry, t_model = loaded["translator"]
            src, tgt = t_entry.key.split("-", 1) if "-" in t_entry.key else (source, target)
            translator = NeuralTranslator(cfg, t_entry, t_model, src, tgt)
        return cls(cfg, source, target, strategy, summariser, translator, headline, notes)

    @property
    def models(self) -> dict[str, str]:
        """The models in use, by role; a model run other than by transformers in float32 says how, e.g.
        'ID [ctranslate2 int8]' or 'ID [transformers bfloat16]'."""
        def label(name: str, model: Seq2Seq) -> str:
            return name if model.backend == "transformers float32" else f"{name} [{model.backend}]"

        out = {}
        if self.translator is not None:
            out["translator"] = label(self.translator.name, self.translator.model)
        out["summariser"] = label(self.summariser.name, self.summariser.model)
        if self.headline is not None:
            out["headline"] = label(self.headline.name, self.headline.model)
        return out

    def _loaded(self) -> dict[str, Seq2Seq]:
        out = {"summariser": self.summariser.model}
        if self.translator is not None:
            out["translator"] = self.translator.model
        if self.headline is not None:
            out["headline"] = self.headline.model
        return out

    def _extractive(self, doc: Document, specs: Sequence[GradeSpec]) -> dict[str, GradeResult]:
        from ..api import _offline_engine

        return _offline_engine(self.cfg).run(doc, specs, None, None, False).grades

    def run(self, doc: Document, grades: Sequence[GradeSpec], target: str | None, translator: Translator | None,
            want_translation: bool) -> EngineResult:
        """Write the graded summaries of a document (and its translation when wanted)."""
        res = self.run_many([doc], grades, target, translator, want_translation)[0]
        if isinstance(res, BaseException):
            raise res
        return res

    def run_many(self, docs: Sequence[Document], grades: Sequence[GradeSpec], target: str | None,
                 translator: Translator | None, want_translation: bool) -> list["EngineResult | BriefsumError"]:
        """Write the graded summaries of several documents, going through the grades together: for each grade,
        the documents' generations run in batches (each continuing its own shorter grade), and every result is
        what run() gives for that document alone. A document that fails gets its BriefsumError in its place;
        the others go on."""
        out: list[EngineResult | BriefsumError | None] = [None] * len(docs)
        jobs: dict[int, _Job] = {}
        for i, doc in enumerate(docs):
            try:
                jobs[i] = self._begin(doc, grades)
            except BriefsumError as exc:
                out[i] = exc
        models = {id(m.model): m.model for m in (self.summariser, self.headline) if m is not None}
        with contextlib.ExitStack() as stack:
            for m in models.values():  # each document is encoded once for all its grades
                stack.enter_context(m.keep_encodings(len(jobs)))
            for k, spec in enumerate(grades):
                groups: dict[int, tuple[NeuralSummariser, dict, list[tuple[int, str]]]] = {}
                for i, job in jobs.items():
                    model, settings, prefix = self._request(job, k, spec)
                    groups.setdefault(id(model), (model, settings, []))[2].append((i, prefix))
                for model, settings, items in groups.values():
                    gens = model.write_many([(jobs[i].reduced, prefix) for i, prefix in items], settings)
                    for (i, prefix), g in zip(items, gens):
                        if isinstance(g, BriefsumError):
                            out[i] = g
                            del jobs[i]
                        else:
                            self._accept(jobs[i], grades, k, prefix, g)
        for i, job in jobs.items():
            try:
                out[i] = self._end(job, grades, target, want_translation)
            except BriefsumError as exc:
                out[i] = exc
        return out  # type: ignore[return-value]

    def _begin(self, doc: Document, grades: Sequence[GradeSpec]) -> "_Job":
        """A document's work before its grades: translation (translate-summarise) and the map-reduce."""
        warnings = list(self.notes)
        stats: dict[str, Any] = {"strategy": self.strategy, "nesting": self.nesting,
                                 "device": self.summariser.model.device,
                                 "dtype": str(self.summariser.model.dtype).replace("torch.", ""),
                                 "backend": {role: m.backend for role, m in self._loaded().items()}}
        sents = doc.sentences
        src_texts = [s.text for s in sents]
        translation = None
        if self.strategy == "translate-summarise" and self.translator is not None:
            run = self.translator.translate(src_texts)
            warnings.extend(run.warnings)
            stats.update(run.stats)
            units = run.texts
            unit_lang = self.translator.target
            translation = Translation(doc.lang, unit_lang, [AlignedSentence(s.index, s.paragraph, s.text, t)
                                                            for s, t in zip(sents, units)], self.translator.label)
            refs = [doc.text, *units]
        else:
            units, unit_lang, refs = src_texts, self.summariser.lang, [doc.text]
        unit_doc = Document(" ".join(units), unit_lang, [Sentence(s.index, u, s.paragraph, 0, 0, s.heading)
                                                          for s, u in zip(sents, units)])
        reduced, rstats, rwarn = self.summariser.reduce(units)
        stats.update(rstats)
        warnings.extend(rwarn)
        return _Job(doc, warnings, stats, units, unit_lang, refs, translation, unit_doc, reduced,
                    effective_budgets(grades, doc.words))

    def _request(self, job: "_Job", k: int, spec: GradeSpec) -> tuple["NeuralSummariser", dict, str]:
        """Which model writes grade k of a document, with which settings, continuing which prefix."""
        is_head = spec.max_sentences == 1 or spec.name == "headline"
        model = self.headline if (is_head and self.headline is not None and not job.prev) else self.summariser
        prefix = job.prev if self.nesting == "prefix" else ""
        return model, model.settings_for(spec.name), prefix

    def _accept(self, job: "_Job", grades: Sequence[GradeSpec], k: int, prefix: str, g: Generated) -> None:
        """Fit what the model wrote for grade k to its budget, check it, and keep it (or the fallback)."""
        spec, budget = grades[k], job.budgets[k]
        texts, methods, cut, origin = job.texts, job.methods, job.cut, job.origin
        job.generated[spec.name] = g.new_tokens
        text, was_cut, note = fit_budget(g.text, budget, spec.max_sentences, job.unit_lang, keep=prefix)
        method = "abstractive"
        problem = ""
        if not text.strip():
            problem = "the model wrote nothing"
        elif self.faithfulness != "off":
            terms = unsupported_terms(text, job.refs, job.unit_lang)
            if terms:
                problem = f"{', '.join(terms)} not found in the source"
        if problem:
            fall = self.faithfulness == "fallback" or problem == "the model wrote nothing"
            if fall:
                if job.extractive is None:
                    job.extractive = self._extractive(job.unit_doc, grades)
                extractive = job.extractive
                redo = [grades[j].name for j in range(k + 1)] if self.nesting == "prefix" else [spec.name]
                for name in redo:
                    origin.pop(name, None)
                    texts[name] = extractive[name].text
                    methods[name] = "extractive (fallback)"
                    cut[name] = extractive[name].truncated
                text, method, was_cut = texts[spec.name], methods[spec.name], cut[spec.name]
                job.warnings.append(f"{spec.name}: {problem}; used the extractive text"
                                    + (f" for {', '.join(redo)}" if len(redo) > 1 else ""))
            else:
                job.warnings.append(f"{spec.name}: {problem} (check it, or set neural.faithfulness: fallback)")
        elif was_cut:
            job.warnings.append(f"{spec.name}: {note} (limit {budget} words)")
        if prefix and text == prefix and k > 0:  # nothing generated survived the cut: the shorter grade, as is
            method = methods[grades[k - 1].name]
            origin[spec.name] = origin.get(grades[k - 1].name, grades[k - 1].name)
        texts[spec.name], methods[spec.name], cut[spec.name] = text, method, was_cut
        job.prev = text[:-2].rstrip() if text.endswith(" …") else text

    def _end(self, job: "_Job", grades: Sequence[GradeSpec], target: str | None,
             want_translation: bool) -> EngineResult:
        """A document's work after its grades: translating them (summarise-translate), alignment, the result."""
        doc, texts, cut, methods = job.doc, job.texts, job.cut, job.methods
        warnings, stats, budgets = job.warnings, job.stats, job.budgets
        stats["generated_tokens"] = job.generated
        unit_lang, units, translation, extractive = job.unit_lang, job.units, job.translation, job.extractive
        out_lang = unit_lang
        final = dict(texts)
        if self.strategy != "translate-summarise" and self.translator is not None and target not in (None, unit_lang):
            final, twarn = self._translate_grades(grades, budgets, texts, cut)
            warnings.extend(twarn)
            out_lang = self.translator.target

        results: dict[str, GradeResult] = {}
        for spec, budget in zip(grades, budgets):
            if methods[spec.name].startswith("extractive") and extractive is not None:
                idx = extractive[job.origin.get(spec.name, spec.name)].source_indices
            else:
                idx = support_indices(texts[spec.name], units, unit_lang)
            text = final[spec.name]
            results[spec.name] = GradeResult(spec.name, text, idx, count_words(text), budget, out_lang,
                                             cut[spec.name], methods[spec.name])

        if want_translation and translation is None and target not in (None, doc.lang):
            if self.translator is not None and self.translator.source == doc.lang:
                sents = doc.sentences
                run = self.translator.translate([s.text for s in sents])
                warnings.extend(run.warnings)
                translation = Translation(doc.lang, self.translator.target,
                                          [AlignedSentence(s.index, s.paragraph, s.text, t)
                                           for s, t in zip(sents, run.texts)], self.translator.label)
            else:
                warnings.append("no translation model for the full text; only the summaries were translated")
        return EngineResult(results, out_lang, translation, warnings, self.models, stats)

    def _translate_grades(self, grades: Sequence[GradeSpec], budgets: Sequence[int], texts: dict[str, str],
                          cut: dict[str, bool]) -> tuple[dict[str, str], list[str]]:
        """Translate the grades sentence by sentence (shared sentences once), then re-fit the budgets."""
        assert self.translator is not None
        lang = self.translator.source
        parts = {name: split_sentences(t, lang) or [t] for name, t in texts.items()}
        unique = list(dict.fromkeys(s for p in parts.values() for s in p))
        run = self.translator.translate(unique)
        tr = dict(zip(unique, run.texts))
        out: dict[str, str] = {}
        warnings = list(run.warnings)
        prev = ""
        for spec, budget in zip(grades, budgets):
            text = " ".join(tr[s] for s in parts[spec.name])
            keep = prev if self.nesting == "prefix" and text.startswith(prev) else ""
            text, was_cut, note = fit_budget(text, budget, spec.max_sentences, self.translator.target, keep=keep)
            if was_cut:
                cut[spec.name] = True
                warnings.append(f"{spec.name}: {note} once translated (limit {budget} words)")
            out[spec.name] = text
            prev = text[:-2].rstrip() if text.endswith(" …") else text
        return out, warnings
