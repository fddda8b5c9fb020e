"""Sentence-aligned translation with a seq2seq model: length-sorted batches, clause splits, the loop guard."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from ...settings import Settings
from ...errors import BackendError
from ...grading.fitting import looping, remove_loops, split_to_fit
from ..registry import ModelEntry, find_entry, locate
from .loading import lang_code, load_model
from .model import Generated, Seq2Seq
from .planning import missing_model


@dataclass
class TranslationRun:
    """Translated sentences (one per input) with what happened on the way."""

    texts: list[str]
    warnings: list[str] = field(default_factory=list)
    stats: dict = field(default_factory=dict)


RETRY_NGRAM = 2  # the loop guard's retry: no word pair (token bigram) twice
GPU_BATCH = (64, 2048)  # sentences per translation batch on a GPU, at least and at most
GPU_INPUT_TOKENS = 128  # padded input tokens a sentence in a GPU batch (its token budget)


def gpu_batch_size(model: "Seq2Seq", beams: int, new_tokens: int = 256) -> int:
    """Sentences per translation batch on a GPU: as many (a power of two within GPU_BATCH) as keep one decoding
    step's float32 scores (sentences x beams x vocabulary) within 1/16 of the card's memory, and the decoder's
    key/value caches (self-attention over new_tokens, cross-attention over GPU_INPUT_TOKENS, for every beam)
    within 1/4 of it. Larger batches keep the card busier (BENCH.md)."""
    low, high = GPU_BATCH
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
    cache = 2 * layers * width * itemsize * (new_tokens + GPU_INPUT_TOKENS) * beams
    if cache:
        fit = min(fit, memory // 4 // cache)
    size = low
    while size * 2 <= min(fit, high):
        size *= 2
    return size


class NeuralTranslator:
    """Sentence-level translation with a seq2seq model: length-sorted batches, clause splits, loop guard."""

    def __init__(self, settings: Settings, entry: ModelEntry, model: Seq2Seq, source: str, target: str):
        self.name = entry.ref
        self.entry = entry
        self.model = model
        self.source = source
        self.target = target
        self.settings = {"num_beams": 4, "no_repeat_ngram_size": 4, "max_new_tokens": 256}
        self.settings.update(entry.settings.get("generate") or {})
        self.src_code = lang_code(settings, entry, model, source)
        tgt_code = lang_code(settings, entry, model, target)
        self.forced_bos = model.token_id(tgt_code) if tgt_code else None
        self.limit = model.input_limit(entry.settings.get("max_input_tokens"))
        gpu = model.device.startswith(("cuda", "mps"))
        bt, bs = settings.neural.batch_tokens, settings.neural.batch_size
        cpu_size = 16 if model.backend.startswith("ctranslate2") else 32  # ctranslate2 runs batches in parallel
        auto = gpu_batch_size(model, int(self.settings.get("num_beams") or 1),
                              int(self.settings.get("max_new_tokens") or 256)) if gpu else cpu_size
        self.batch_size = auto if bs is None else bs
        self.batch_tokens = (GPU_INPUT_TOKENS * auto if gpu else 4096) if bt is None else bt
        self.ratio = settings.neural.max_new_ratio
        self.loop_guard = settings.neural.loop_guard

    @classmethod
    def from_config(cls, settings: Settings, source: str, target: str,
                    models: Mapping[str, str] | None = None) -> "NeuralTranslator":
        """The registry's translator for a pair; ModelUnavailable (saying how to get it) when it is not here.
        settings may also be the Config that holds them."""
        settings = getattr(settings, "settings", settings)
        entry = find_entry(settings, "translation", f"{source}-{target}", models)
        if entry is None:
            raise missing_model("translation", f"{source}-{target}")
        located = locate(settings, entry)
        return cls(settings, entry, load_model(settings, located), source, target)

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
        retried = len(bad)
        if bad and self.loop_guard == "retry":
            # The retry bans every repeated word pair: a constraint both backends apply identically (a
            # repetition penalty scales log-probabilities in transformers' beam search but logits in
            # CTranslate2, so it would retry differently on each).
            retry = dict(self.settings)
            retry.pop("repetition_penalty", None)
            retry["no_repeat_ngram_size"] = RETRY_NGRAM
            again = self._run([texts[k] for k in bad], [lengths[k] for k in bad], retry)
            still = []
            for k, g in zip(bad, again):
                outs[k] = g.text.strip()
                if self._loops(texts[k], g):
                    still.append(k)
            bad = still
        repaired, kept = [], []
        for k in bad:
            fixed = remove_loops(outs[k])
            if fixed != outs[k]:
                outs[k] = fixed
                repaired.append(k)
            else:
                kept.append(k)
        outs = [outs[first[t]] for t in texts]
        joined: list[list[str]] = [[] for _ in sentences]
        for (i, _), o in zip(units, outs):
            joined[i].append(o)
        result = [" ".join(p for p in parts if p) for parts in joined]
        warnings: list[str] = []
        if split:
            warnings.append(f"translation: {split} sentence{'s' if split > 1 else ''} longer than the model's "
                            f"{self.limit}-token input {'were' if split > 1 else 'was'} translated in pieces "
                            "split at clause boundaries" + (f" ({mid_word} between words)" if mid_word else ""))

        def where(ks: list[int]) -> str:
            n = sorted({units[j][0] + 1 for j in range(len(texts)) if first[texts[j]] in set(ks)})
            return f"sentence{'s' if len(n) > 1 else ''} {', '.join(map(str, n))}"

        if repaired:
            warnings.append(f"translation: the model looped on {where(repaired)}; the repetition was removed")
        if kept:
            warnings.append(f"translation: the model's output for {where(kept)} "
                            f"{'still ' if self.loop_guard == 'retry' else ''}ran to its length cap or repeated "
                            "itself, and nothing could be cut; it was kept as written")
        stats = {"translation_units": len(units), "translation_unique": len(once), "translation_split": split,
                 "translation_loops_retried": retried,
                 "translation_loops_left": len(repaired) + len(kept)}
        return TranslationRun(result, warnings, stats)

    @staticmethod
    def _loops(source: str, g: Generated) -> bool:
        return not g.finished or looping(g.text, source)

