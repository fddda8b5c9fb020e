"""The model wrapper every backend shares: a tokenizer plus a seq2seq model on one device, with token counting,
generation settings, decoder prompts, batching by prompt length, and turning output ids into texts.

A backend (transformers_backend.py, ct2.py) supplies generate()."""

from __future__ import annotations

import contextlib
import copy
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from ...errors import BackendError
from .plain_text import PlainText

COUNTED_TOKENS = 1 << 19  # token ids Seq2Seq.count_tokens keeps for generate, at most


@dataclass
class Generated:
    """One generated output: its text, how many tokens were generated, and whether it ended on its own."""

    text: str
    new_tokens: int
    finished: bool


class Seq2Seq:
    """A loaded tokenizer + seq2seq model pair on one device, safe to share between threads."""

    mixed_prefixes = False  # whether decoder prompts of different lengths may share a batch

    def __init__(self, ref: str, tokenizer: Any, model: Any, device: str, dtype: Any):
        self.ref = ref
        self.tokenizer = tokenizer
        self.model = model
        self.device = device
        self.dtype = dtype
        self.lock = threading.RLock()
        self.model_type = getattr(model.config, "model_type", "")
        # Token ids that count_tokens found, by (language code, text), until generate takes them: a
        # translation counts its sentences to batch them, and each is then tokenized only once.
        self._counted: OrderedDict[tuple, list[int]] = OrderedDict()
        self._counted_tokens = 0
        # user text is tokenized as plain text: a special token's string in it never becomes its id
        self.plain = PlainText(tokenizer)
        self.notes: list[str] = []  # what the backend said while loading that changes outputs (notices.py)

    @property
    def family(self) -> str | None:
        """The tokenizer's language-code family: nllb, mbart, m2m100, or None."""
        names = [type(self.tokenizer).__name__]  # a generic fast tokenizer keeps its class in init_kwargs
        names.append(str((getattr(self.tokenizer, "init_kwargs", None) or {}).get("tokenizer_class") or ""))
        for n in names:
            for fam in ("nllb", "mbart", "m2m100"):
                if n.lower().startswith(fam):
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
            found = self.plain.encode(list(texts))
            for text, ids in zip(texts if keep else (), found):
                self._take(text)
                self._counted[(getattr(self.tokenizer, "src_lang", None), text)] = ids
                self._counted_tokens += len(ids)
            while self._counted_tokens > COUNTED_TOKENS:  # the oldest go first
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
            found = self.plain.encode([texts[k] for k in missing])
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
        bodies = self.plain.encode(list(prefixes), add_special_tokens=False)
        out = [head + list(b) for b in bodies]
        if len({len(p) for p in out}) > 1 and not self.mixed_prefixes:
            raise ValueError("decoder prefixes in one batch must have the same length in tokens")
        return out

    def prefix_lengths(self, prefixes: Sequence[str | None]) -> list[int]:
        """Each decoder prefix's length in tokens (-1 for None): inputs batch together only at equal lengths."""
        some = [p for p in prefixes if p is not None]
        with self.lock:
            counts = iter([len(x) for x in self.plain.encode(some, add_special_tokens=False)] if some else [])
        return [-1 if p is None else next(counts) for p in prefixes]

    def generate(self, texts: Sequence[str], settings: Mapping[str, Any], src_code: str | None = None,
                 forced_bos: int | None = None, decoder_prefix: "str | Sequence[str | None] | None" = None,
                 limits: Sequence[int] | None = None) -> list[Generated]:
        """Generate one output per text (batched); limits caps each output's new tokens individually.

        decoder_prefix: None, one prefix for every input, or one per input: the decoder continues it, and each
        output's text is what follows it. Each backend implements this."""
        raise NotImplementedError

    def by_prefix_length(self, texts: Sequence[str], settings: Mapping[str, Any], src_code: str | None,
                         forced_bos: int | None, decoder_prefix: "str | Sequence[str | None] | None",
                         limits: Sequence[int] | None) -> list[Generated] | None:
        """For decoder prefixes of different lengths in tokens on a backend that cannot batch them
        (mixed_prefixes false): generate each length's inputs as one batch and put the outputs back in order
        (what each input gets is the same either way); None when the prefixes need no split."""
        if self.mixed_prefixes or decoder_prefix is None or isinstance(decoder_prefix, str):
            return None
        prefixes = list(decoder_prefix)
        if len(prefixes) != len(texts) or any(p is None for p in prefixes):
            return None
        lengths = self.prefix_lengths(prefixes)
        if len(set(lengths)) < 2:
            return None
        out: list[Generated | None] = [None] * len(texts)
        for n in sorted(set(lengths)):
            ks = [k for k, m in enumerate(lengths) if m == n]
            got = self.generate([texts[k] for k in ks], settings, src_code, forced_bos, [prefixes[k] for k in ks],
                                None if limits is None else [limits[k] for k in ks])
            for k, g in zip(ks, got):
                out[k] = g
        return out  # type: ignore[return-value]

    @contextlib.contextmanager
    def keep_encodings(self, n: int):
        """Within the block, keep the encoder outputs of the last n single inputs, where the backend can (a
        backend that cannot re-encodes them: same outputs)."""
        yield self

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
        # With a forced EOS, an output that reached its token cap ends on EOS like one that ended on its own:
        # an EOS in the last position the cap allows counts as the cap's, not the model's.
        cap = int(gen.max_new_tokens) if gen.forced_eos_token_id is not None and gen.max_new_tokens else None
        out: list[Generated] = []
        for i, seq in enumerate(seqs):
            prompt = prompts[i]
            skip = len(prompt) if prompt else 1  # the decoder start (and primed) tokens
            new = seq[skip:]
            finished = False
            for j, t in enumerate(new):
                if t in eos_ids:
                    new, finished = new[:j], cap is None or j + 1 < cap
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

