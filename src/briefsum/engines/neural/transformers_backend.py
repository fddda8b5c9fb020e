"""The transformers backend: generate() through transformers, each input encoded once for all its grades and
kept while a batch of documents goes through them, with the fast paths (fast_attention.py, lean_beam.py) where
capabilities.py found that they hold for the model."""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from typing import Any, Mapping, Sequence

from ...errors import BackendError
from .capabilities import FastPaths, parameter_names, probe
from .fast_attention import (KeptEncoding, cross_attention_modules, last_position_head, padded_rows,
                             shared_cross_cache, shiftable_positions)
from .lean_beam import lean_beam_applies, lean_beam_search
from .model import Generated, Seq2Seq
from .notices import quiet_warnings


class TransformersSeq2Seq(Seq2Seq):
    """A transformers tokenizer + model pair on one device, safe to share between threads."""

    lean_beams = False  # beam search through lean_beam_search (same choices, less copying), where it holds

    def __init__(self, ref: str, tokenizer: Any, model: Any, device: str, dtype: Any, fast_paths: str = "auto"):
        super().__init__(ref, tokenizer, model, device, dtype)
        # Encoder outputs of single inputs, most recent last: one by default (a document's grades reuse it);
        # keep_encodings() holds more while a batch of documents goes through its grades together.
        self._encodings: OrderedDict[tuple, KeptEncoding] = OrderedDict()
        self._keep = 1
        self._holds: list[int] = []  # the n of each keep_encodings block in progress
        # Cross-attention keys/values kept with the encodings, within this many bytes (beyond it they are
        # computed for each generate call, still once per input rather than once per beam).
        self.cross_budget = 1 << 30
        self._cross_bytes = 0
        # transformers 5 renamed generate's past_key_values to cache (the old name warns until 6)
        self._cache_kwarg = "cache" if "cache" in parameter_names(getattr(model, "forward", None)) \
            else "past_key_values"
        self.use_fast_paths(fast_paths)

    def use_fast_paths(self, mode: str) -> FastPaths:
        """Decide (once; again only when asked) which fast paths this model takes: 'auto' or 'off'."""
        cross = cross_attention_modules(self.model) if mode != "off" else []
        positions = shiftable_positions(self.model) if cross else None
        head = last_position_head(self.model) if cross else None
        self.fast = probe(self.model, mode, bool(cross), positions is not None, head is not None)
        self._cross_attn = cross if self.fast.shared_cross else []
        # decoder prompts of different lengths batch together where positions can be shifted per row
        self._positions = positions if self.fast.mixed_prefixes else None
        self.mixed_prefixes = self._positions is not None
        self._head = head if self.fast.last_head else None
        self.lean_beams = self.fast.lean_beam
        return self.fast

    def generate(self, texts: Sequence[str], settings: Mapping[str, Any], src_code: str | None = None,
                 forced_bos: int | None = None, decoder_prefix: "str | Sequence[str | None] | None" = None,
                 limits: Sequence[int] | None = None) -> list[Generated]:
        """Generate one output per text (batched); limits caps each output's new tokens individually.

        decoder_prefix: None, one prefix for every input, or one per input: the decoder continues it, and each
        output's text is what follows it (prefixes of different lengths share a batch where the fast paths
        allow it, else go through in one batch per length)."""
        import torch

        texts = list(texts)
        if not texts:
            return []
        split = self.by_prefix_length(texts, settings, src_code, forced_bos, decoder_prefix, limits)
        if split is not None:
            return split
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
                    with quiet_warnings(self.ref):
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

    def _encoded(self, text: str, src_code: str | None, ids: Any, mask: Any) -> "KeptEncoding":
        key = (text, src_code)
        hit = self._encodings.get(key)
        if hit is None:
            hit = KeptEncoding(self.model.get_encoder()(input_ids=ids, attention_mask=mask, return_dict=True)
                        .last_hidden_state)
            self._encodings[key] = hit
            self._trim()
        else:
            self._encodings.move_to_end(key)
        return hit

    def _cross(self, kept: "KeptEncoding") -> list[tuple[Any, Any]]:
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
                self._cache_kwarg: shared_cross_cache(self._cross_kv(hidden))}

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
            states = padded_rows([kept.hidden for _, kept in rows], [keep for keep, _ in rows], 0)
        out: dict[str, Any] = {"encoder_outputs": BaseModelOutput(last_hidden_state=states)}
        if self._cross_attn:
            per_row = [self._cross(kept) for _, kept in rows]
            keeps = [keep for keep, _ in rows]
            layers = [per_row[0][li] if len(rows) == 1 else
                      tuple(padded_rows([kv[li][j] for kv in per_row], keeps, 1) for j in (0, 1))
                      for li in range(len(self._cross_attn))]
            cache = shared_cross_cache(layers)
            if prompts and max(len(p) for p in prompts) > 1:
                self._prefill(cache, [kept for _, kept in rows], per_row, prompts, beams)
            out[self._cache_kwarg] = cache
        return out

    def _prefill(self, cache: Any, kept: Sequence["KeptEncoding"], cross: Sequence[list], prompts: Sequence[Sequence[int]],
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
            alone = shared_cross_cache(cross[r])
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

