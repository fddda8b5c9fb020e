"""Words known by name, for the expected-ROUGE choices.

The learned scorer's word models say how likely the human title (or abstract) is to use each word of an article
from how the article uses it (frequency, position, capitals), never from what the word is. This model adds the
word itself: on training documents the word models never saw, how often a word that an article holds reaches its
title / abstract (a rate smoothed towards the average by `alpha` documents), and a small tree ensemble per use
that combines the word model's log-odds with that rate's log-odds and how many documents it rests on. It lives
in the compressor's model file (`prior/...`) and knows only the languages it was counted on; other languages keep
the word models' probabilities. training/train_word_prior.py counts and fits it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import numpy as np

from ..trees import Head, head_from_arrays

FEATURES: tuple[str, ...] = ("word_model_logit", "prior_logit", "log_docs")
USES: tuple[str, ...] = ("title", "abstract")


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


@dataclass
class WordCounts:
    """Per word (lower-case \\w+): in how many training articles it occurs, and in how many of those the title /
    the abstract uses it; `base` is each use's rate over all words, the value an unknown word gets."""

    index: dict[str, int]
    docs: np.ndarray
    hits: dict[str, np.ndarray]
    base: dict[str, float]
    alpha: float

    def features(self, words: list[str], probs: np.ndarray, use: str) -> np.ndarray:
        """One row of FEATURES per word, from the word model's probabilities for `use`."""
        rows = np.array([self.index.get(w, -1) for w in words], dtype=np.intp)
        known = rows >= 0
        n = np.where(known, self.docs[np.maximum(rows, 0)], 0).astype(np.float64)
        k = np.where(known, self.hits[use][np.maximum(rows, 0)], 0).astype(np.float64)
        rate = (k + self.alpha * self.base[use]) / (n + self.alpha)
        return np.column_stack([logit(probs), logit(rate), np.log1p(n)]) if words else np.zeros((0, len(FEATURES)))

    def arrays(self) -> dict[str, np.ndarray]:
        """The counts as model-file arrays (the words newline-joined as UTF-8 bytes)."""
        words = sorted(self.index, key=self.index.__getitem__)
        out = {"prior/terms": np.frombuffer("\n".join(words).encode("utf-8"), dtype=np.uint8),
               "prior/docs": self.docs.astype(np.int32)}
        out.update({f"prior/{use}": self.hits[use].astype(np.int32) for use in USES})
        return out

    @classmethod
    def from_arrays(cls, z, meta: Mapping) -> "WordCounts":
        terms, docs = np.asarray(z["prior/terms"]), np.asarray(z["prior/docs"])
        if terms.dtype != np.uint8 or terms.ndim != 1 or docs.ndim != 1 or docs.dtype.kind not in "iu":
            raise ValueError("prior/terms must be bytes and prior/docs one count per word")
        words = bytes(terms).decode("utf-8").split("\n") if terms.size else []
        hits = {use: np.asarray(z[f"prior/{use}"]) for use in USES}
        if len(words) != docs.size or len(set(words)) != len(words) or \
                any(h.shape != docs.shape or h.dtype.kind not in "iu" for h in hits.values()) or \
                (docs.size and (docs.min() < 1 or any((h < 0).any() or (h > docs).any() for h in hits.values()))):
            raise ValueError("the word prior's words and counts do not match")
        base = {use: float(meta["base"][use]) for use in USES}
        alpha = float(meta["alpha"])
        if not all(0 < b < 1 for b in base.values()) or not (math.isfinite(alpha) and alpha > 0):
            raise ValueError("the word prior's base rates or smoothing are out of range")
        return cls({w: j for j, w in enumerate(words)}, docs.astype(np.int64),
                   {u: h.astype(np.int64) for u, h in hits.items()}, base, alpha)


@dataclass
class WordPrior:
    """The counts and one combiner per use; `refine` gives the probabilities the choices read."""

    counts: WordCounts
    heads: dict[str, Head]
    langs: tuple[str, ...]

    @classmethod
    def from_arrays(cls, z, meta: Mapping) -> "WordPrior":
        """Read the prior from a compressor model file; ValueError/KeyError when it is malformed."""
        if not isinstance(meta, Mapping):
            raise ValueError("the word prior's settings are not a mapping")
        langs = meta.get("langs")
        if not isinstance(langs, list) or not langs or not all(isinstance(x, str) and x for x in langs):
            raise ValueError("the word prior names no languages")
        if tuple(meta.get("features") or ()) != FEATURES:
            raise ValueError("the word prior was fitted on a different feature set")
        heads = {use: head_from_arrays(z, f"prior_{use}", len(FEATURES)) for use in USES}
        return cls(WordCounts.from_arrays(z, meta), heads, tuple(langs))

    def refine(self, probs: Mapping[str, float], use: str, lang: str | None) -> dict[str, float]:
        """The word model's probabilities for `use` ("title" or "abstract"), combined with each word's rate;
        unchanged for a language the prior was not counted on."""
        if lang not in self.langs or not probs:
            return dict(probs)
        words = list(probs)
        x = self.counts.features(words, np.array([probs[w] for w in words], dtype=np.float64), use)
        raw = self.heads[use].predict(x)
        return dict(zip(words, (1.0 / (1.0 + np.exp(-raw))).tolist()))
