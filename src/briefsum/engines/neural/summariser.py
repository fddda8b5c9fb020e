"""Abstractive summaries with a seq2seq model; long inputs are reduced map-reduce style first."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from ...settings import Settings, thaw
from ...errors import BackendError, ConfigError
from ...text.segment import split_sentences
from ...grading.fitting import split_to_fit
from ..registry import ModelEntry
from .loading import lang_code
from .model import Generated, Seq2Seq


class NeuralSummariser:
    """Abstractive summaries with a seq2seq model; long inputs are reduced map-reduce style first."""

    def __init__(self, settings: Settings, entry: ModelEntry, model: Seq2Seq, lang: str):
        self.name = entry.ref
        self.entry = entry
        self.model = model
        self.lang = lang
        self.defaults = dict(entry.settings.get("generate") or {})
        self.grade_settings = thaw(settings.models.grades)
        self.prefix = entry.settings.get("prefix")
        if self.prefix is None:
            tsp = getattr(model.model.config, "task_specific_params", None) or {}
            self.prefix = (tsp.get("summarization") or {}).get("prefix") or ("summarize: " if model.model_type == "t5"
                                                                            else "")
        self.src_code = lang_code(settings, entry, model, lang) if model.family else None
        self.forced_bos = model.token_id(self.src_code) if self.src_code else None
        self.limit = model.input_limit(entry.settings.get("max_input_tokens"))
        self.max_passes = settings.neural.max_passes
        overhead = self.model.count_tokens([self.prefix], self.src_code)[0]
        self.room = self.limit - overhead - 1
        if self.room < 8:
            raise ConfigError(f"config: model {entry.ref} reads only {self.limit} tokens, too few to summarise")
        gpu = model.device.startswith(("cuda", "mps"))
        bs, bt = settings.neural.summary_batch_size, settings.neural.summary_batch_tokens
        # On CPU, ctranslate2's int8 encoder is slow on padded batches (BENCH.md), so it gets pairs; transformers
        # encodes each article alone anyway, and its decoder steps gain from more rows.
        cpu_bs = 2 if model.backend.startswith("ctranslate2") else 8
        self.batch_size = (64 if gpu else cpu_bs) if bs is None else bs
        self.batch_tokens = (262144 if gpu else 16384) if bt is None else bt

    def settings_for(self, grade: str) -> dict:
        """Generation settings for a grade: model defaults, then the grade's own settings."""
        out = dict(self.defaults)
        out.update(self.grade_settings.get(grade) or {})
        return out

    def fits(self, text: str) -> bool:
        """Whether a text (with the model's prefix) fits the model's input."""
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
                parts, _ = split_to_fit(u, self.fits)
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
        if len(sents) == 1 or self.fits(text):
            return [text]
        mid = len(sents) // 2
        return self._halve(sents[:mid]) + self._halve(sents[mid:])

    def _size(self, chunks: Sequence[str]) -> int:
        return sum(self.model.count_tokens(list(chunks), self.src_code)) if chunks else 0

    def reduce(self, units: Sequence[str]) -> tuple[str, dict, list[str]]:
        """Map-reduce sentences into one input that fits: chunk summaries, then summaries of those. Every pass
        must shrink the input (fewer model inputs, or fewer tokens); one that does not, or neural.max_passes
        reached, stops the reduction, and the model reads the start of the source text instead (with a warning)."""
        warnings: list[str] = []
        chunks, split = self.pack(list(units))
        lead = chunks[0] if chunks else ""
        stats = {"chunks": len(chunks), "passes": 0, "input_limit_tokens": self.limit, "split_for_input": split}
        settings = self.settings_for("chunk")
        settings["max_new_tokens"] = max(4, min(int(settings.get("max_new_tokens") or 160), self.room // 4))
        size = self._size(chunks) if len(chunks) > 1 else 0
        while len(chunks) > 1:
            if stats["passes"] >= self.max_passes:
                warnings.append(f"the input was still {len(chunks)} model inputs long after {self.max_passes} "
                                "summary passes (neural.max_passes); the model read only the start of the text")
                stats["reduction_stopped"] = "max_passes"
                chunks = [lead]
                break
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
            new, _ = self.pack(units)
            new_size = self._size(new) if len(new) > 1 else 0
            if len(new) > 1 and len(new) >= len(chunks) and new_size >= size:
                warnings.append(f"summary pass {stats['passes']} did not shorten the input ({len(chunks)} model "
                                f"inputs before, {len(new)} after); the model read only the start of the text")
                stats["reduction_stopped"] = "no_progress"
                chunks = [lead]
                break
            chunks, size = new, new_size
        if stats.get("empty_chunk_summaries"):
            warnings.append(f"{stats['empty_chunk_summaries']} chunk summaries came out empty; "
                            "each chunk's first sentence stood in for its summary")
        return (chunks[0] if chunks else ""), stats, warnings

    def _shorten(self, text: str, max_tokens: int) -> tuple[str, bool]:
        """Keep the longest word prefix of a generated text that encodes to at most max_tokens tokens (a first
        word that is itself too long, as in text without spaces, is cut between characters)."""
        if self.model.count_tokens([text], self.src_code)[0] <= max_tokens:
            return text, False
        words = text.split()

        def fits(n: int, join: str, parts: Sequence[str]) -> bool:
            return self.model.count_tokens([join.join(parts[:n])], self.src_code)[0] <= max_tokens

        if not fits(1, " ", words):
            parts, join = list(words[0]), ""
        else:
            parts, join = words, " "
        lo, hi = 1, len(parts)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if fits(mid, join, parts):
                lo = mid
            else:
                hi = mid - 1
        return join.join(parts[:lo]), True

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

