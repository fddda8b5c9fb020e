"""Which transformers fast paths hold for a loaded model, decided once per model.

Every fast path reaches into transformers internals (private beam-search helpers, the cache layer classes, the
attention registry, module forwards). Each is used only where the checks below find the names and signatures it
relies on; elsewhere briefsum runs transformers' public generate() with the same results, and says why in a debug
log line. `neural.fast_paths: off` turns them all off."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any


log = logging.getLogger("briefsum.neural")



def parameter_names(fn: Any) -> frozenset:
    """The parameter names of a callable (empty when it has no inspectable signature)."""
    import inspect

    try:
        return frozenset(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return frozenset()


@dataclass(frozen=True)
class FastPaths:
    """The fast paths that hold for one model."""

    shared_cross: bool = False  # cross-attention keys/values once per input, shared by its beams
    prefill: bool = False  # decoder prompts run once per input, not once per beam
    mixed_prefixes: bool = False  # decoder prompts of different lengths in one batch
    last_head: bool = False  # the output head projects only the last position of a prompt
    lean_beam: bool = False  # beam search without whole-vocabulary copies


def _has(obj: Any, name: str, params: tuple[str, ...] = ()) -> bool:
    fn = getattr(obj, name, None)
    if fn is None:
        return False
    names = parameter_names(fn)
    return all(p in names for p in params)


def cache_layers_usable() -> str:
    """'' when transformers' cache classes have what the shared cross-attention cache builds on; else why not."""
    try:
        from transformers.cache_utils import DynamicCache, DynamicLayer, EncoderDecoderCache
        from transformers.integrations.sdpa_attention import sdpa_attention_forward  # noqa: F401
        from transformers import AttentionInterface, AttentionMaskInterface  # noqa: F401
        from transformers.masking_utils import sdpa_mask  # noqa: F401
    except ImportError as exc:
        return f"transformers lacks {exc.name or exc}"
    for name in ("lazy_initialization", "get_seq_length", "update", "reorder_cache"):
        if not hasattr(DynamicLayer, name):
            return f"DynamicLayer has no {name}"
    cache = DynamicCache()
    if not hasattr(cache, "layer_class_to_replicate") or not hasattr(cache, "layers"):
        return "DynamicCache builds no layers of a chosen class"
    if not _has(EncoderDecoderCache, "reorder_cache"):
        return "EncoderDecoderCache has no reorder_cache"
    return ""


BEAM_SIGNATURES: dict[str, tuple[str, ...]] = {
    "_prefill": ("is_first_iteration",),
    "prepare_inputs_for_generation": (),
    "_update_model_kwargs_for_generation": ("is_encoder_decoder",),
    "_get_running_beams_for_next_iteration": ("topk_log_probs", "topk_running_sequences",
                                              "topk_running_beam_indices", "next_token_hits_stopping_criteria",
                                              "num_beams"),
    "_update_finished_beams": ("sequences", "topk_running_sequences", "beam_scores", "topk_log_probs",
                               "beam_indices", "topk_running_beam_indices", "is_early_stop_heuristic_unsatisfied",
                               "is_sent_finished", "next_token_hits_stopping_criteria", "top_num_beam_mask",
                               "num_beams", "cur_len", "decoder_prompt_len", "length_penalty", "early_stopping"),
    "_check_early_stop_heuristic": ("is_early_stop_heuristic_unsatisfied", "running_beam_scores", "beam_scores",
                                    "is_sent_finished", "cur_len", "max_length", "decoder_prompt_len",
                                    "early_stopping", "length_penalty"),
    "_beam_search_has_unfinished_sequences": (),
    "_gather_beams": (),
    "_beam_search": (),
}


def lean_beam_usable(model: Any) -> str:
    """'' when the model's generate has every private beam-search helper lean_beam_search calls, with the
    keyword arguments it passes; else why not."""
    if "custom_generate" not in parameter_names(model.generate) and \
            "kwargs" not in parameter_names(model.generate):
        return "generate takes no custom_generate"
    for name, params in BEAM_SIGNATURES.items():
        if not _has(model, name, params):
            return f"generate's {name} is missing or takes other arguments"
    names = parameter_names(model.prepare_inputs_for_generation)
    if "next_sequence_length" not in names and "kwargs" not in names:
        return "prepare_inputs_for_generation takes no next_sequence_length"
    return ""


def probe(model: Any, mode: str, shared_cross: bool, mixed_prefixes: bool, last_head: bool) -> FastPaths:
    """The fast paths for a model, given what fast_attention could switch on (shared_cross, mixed_prefixes,
    last_head); logs at debug level what does not hold and why."""
    ref = getattr(getattr(model, "config", None), "_name_or_path", "") or type(model).__name__
    if mode == "off":
        log.debug("%s: transformers fast paths off (neural.fast_paths: off)", ref)
        return FastPaths()
    why = lean_beam_usable(model)
    if why:
        log.debug("%s: plain beam search: %s", ref, why)
    cache_why = cache_layers_usable() if shared_cross else "not a model whose cross-attention is shared"
    if shared_cross and cache_why:
        log.debug("%s: cross-attention per beam: %s", ref, cache_why)
    shared = shared_cross and not cache_why
    return FastPaths(shared_cross=shared, prefill=shared, mixed_prefixes=shared and mixed_prefixes,
                     last_head=shared and last_head, lean_beam=not why)
