"""Transformers fast path: beam search without whole-vocabulary copies (a `custom_generate` for generate).

It calls transformers' private beam-search helpers; capabilities.py checks, once per model, that they are there
with the signatures used here."""

from __future__ import annotations

from typing import Any, Sequence

from .capabilities import parameter_names

# -- beam search without whole-vocabulary copies ------------------------------------------------------------
#
# transformers' beam search, at every step, copies the logits to float32, takes their log-softmax, lets each
# logits processor copy the whole [rows, vocabulary] tensor again (min_new_tokens, n-gram blocking and bad
# words clone it even when they change nothing), adds each beam's running score to every entry and takes the
# top 2*beams over beams*vocabulary entries per input. lean_beam_search makes the same choices with less
# memory traffic: the same float32 log-softmax, the processors that only mask a few tokens doing it in place,
# and the top-k taken per beam first (the best 2*beams continuations of an input are among the best 2*beams of
# each of its beams; top_k), so that running scores are added to 2*beams entries per beam.
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


class InPlaceNgrams:
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


def lean_processors(processors: Sequence[Any]) -> list | None:
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
            out.append(InPlaceNgrams(proc.ngram_size))
        elif kind is lp.NoBadWordsLogitsProcessor and isinstance(proc.sequence_bias, dict) and \
                all(v == float("-inf") for v in proc.sequence_bias.values()):
            out.append(_InPlaceBadWords(list(proc.sequence_bias)))
        elif len(parameter_names(proc.__call__)) <= 2:  # (input_ids, scores): applied as transformers applies it
            out.append(proc)
        else:
            return None
    return out


TOPK_BLOCK = 128  # tokens per block in top_k's first pass
TOPK_TWO_PASS = {"cpu", "cuda"}  # device types where top_k's two passes beat one torch.topk (BENCH.md)


def top_k(x: Any, k: int, block: int | None = None) -> tuple[Any, Any]:
    """torch.topk(x, k, dim=-1) for a wide x [rows, vocabulary], in two passes over blocks: the k best values
    of a row lie in the k blocks with the best maxima (any block holding one of them has a maximum at least as
    high), so only those blocks are searched. Same values as torch.topk; among exact ties the index may differ."""
    import torch

    block = block or TOPK_BLOCK
    rows, width = x.shape
    blocks = width // block
    if blocks <= k or x.device.type not in TOPK_TWO_PASS:
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


BEAM_HELPERS = ("_prefill", "prepare_inputs_for_generation", "_update_model_kwargs_for_generation",
                 "_get_running_beams_for_next_iteration", "_update_finished_beams", "_check_early_stop_heuristic",
                 "_beam_search_has_unfinished_sequences", "_gather_beams")


def lean_beam_applies(model: Any, gen: Any) -> bool:
    """Whether lean_beam_search can stand in for transformers' beam search for these settings."""
    return (int(gen.num_beams or 1) > 1 and not gen.do_sample and int(gen.num_return_sequences or 1) == 1
            and not gen.return_dict_in_generate and not getattr(gen, "low_memory", False)
            and getattr(gen, "prompt_lookup_num_tokens", None) is None
            and int(getattr(gen, "num_beam_groups", None) or 1) == 1 and not getattr(gen, "diversity_penalty", None)
            and not getattr(gen, "force_words_ids", None) and not getattr(gen, "constraints", None)
            and all(hasattr(model, h) for h in BEAM_HELPERS))


def lean_beam_search(model: Any, input_ids: Any, logits_processor: Any, stopping_criteria: Any,
                     generation_config: Any, synced_gpus: bool = False, **model_kwargs: Any) -> Any:
    """Beam search as transformers' generate runs it (a `custom_generate` for it), minus the copies above."""
    import torch

    gen = generation_config
    processors = lean_processors(logits_processor)
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
        vals, toks = top_k(logp, keep)
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

