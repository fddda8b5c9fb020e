"""Sentence scoring for the offline engine: what a scorer returns, the protocol, and the untrained centrality
scorer (TF-IDF vectors, cosine similarity, centrality with a news position prior)."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Protocol, Sequence

import numpy as np

from ...text.segment import Document
from ...text.words import content_tokens as tokens


@dataclass
class Scores:
    """Per-sentence scores: one for choosing the headline, one for filling the other grades."""

    headline: np.ndarray
    body: np.ndarray
    # A learned length decision: sentences whose body score is below `stop` are left out of the shortest
    # body grade (the brief); longer grades still fill their budgets with them. None: fill every budget.
    stop: float | None = None
    notes: list[str] = field(default_factory=list)  # anything the result's warnings should say
    # A learned choice of the brief: sets(order, seed, candidates) scores candidate sets of sentences (each
    # holding `seed`; `order` ranks sentences by body score), higher is better. None: fill by `stop`.
    sets: "Callable[[Sequence[int], Sequence[int], Sequence[Sequence[int]]], np.ndarray] | None" = None
    sets_budget: int = 0  # ...used for a shortest body grade of at most this many words (what it was trained for)
    # The probability that a human title uses each of the document's words (lower-case), when the scorer knows it.
    title_words: "dict[str, float] | None" = None
    # ...and that a human abstract uses it.
    abstract_words: "dict[str, float] | None" = None


class SentenceScorer(Protocol):
    """Anything that scores the sentences of a document (higher is better)."""

    name: str

    def score(self, doc: Document) -> Scores: ...


def tfidf_vectors(sentences: Sequence[str]) -> list[dict[str, float]]:
    """L2-normalised sparse TF-IDF vectors of the sentences, IDF counted over the sentences themselves."""
    toks = [tokens(s) for s in sentences]
    df = Counter(t for ts in toks for t in set(ts))
    n = len(sentences)
    out: list[dict[str, float]] = []
    for ts in toks:
        vec = {t: (1 + math.log(c)) * (math.log((1 + n) / (1 + df[t])) + 1) for t, c in Counter(ts).items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        out.append({t: v / norm for t, v in vec.items()})
    return out


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Dot product of two normalised sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def centrality(vectors: list[dict[str, float]]) -> np.ndarray:
    """Mean cosine similarity of each sentence to the others, in linear time (through the vectors' sum)."""
    n = len(vectors)
    if n < 2:
        return np.zeros(n)
    total: Counter = Counter()
    for v in vectors:
        total.update(v)
    # sum_j cos(i, j) = v_i · sum_j v_j; remove the self-similarity (1 for a non-empty vector).
    return np.array([(cosine(v, total) - (1.0 if v else 0.0)) / (n - 1) for v in vectors])


def cosine_matrix(sentences: Sequence[str]) -> np.ndarray:
    """Pairwise cosine similarities of the sentences' TF-IDF vectors (n x n; for documents of moderate size)."""
    vecs = tfidf_vectors(sentences)
    vocab: dict[str, int] = {}
    for v in vecs:
        for t in v:
            vocab.setdefault(t, len(vocab))
    m = np.zeros((len(vecs), max(1, len(vocab))))
    for i, v in enumerate(vecs):
        for t, w in v.items():
            m[i, vocab[t]] = w
    sim = m @ m.T
    if len(vecs) == 1:
        sim[0, 0] = 1.0
    return sim


def minmax(x: np.ndarray) -> np.ndarray:
    if x.size == 0:
        return x
    lo, hi = float(x.min()), float(x.max())
    return np.zeros_like(x) if hi - lo < 1e-12 else (x - lo) / (hi - lo)


class CentralityScorer:
    """Untrained scorer: TF-IDF centrality mixed with a news position prior."""

    name = "centrality"

    def __init__(self, position_weight: float = 0.35):
        self.position_weight = position_weight

    def score(self, doc: Document) -> Scores:
        n = len(doc.sentences)
        if n == 0:
            return Scores(np.zeros(0), np.zeros(0))
        cent = centrality(tfidf_vectors([s.text for s in doc.sentences]))
        pos = np.array([1.0 / math.sqrt(1 + i) for i in range(n)])
        words = np.array([s.words for s in doc.sentences], dtype=float)
        length_ok = np.clip(words / 12.0, 0, 1)  # very short sentences carry little
        body = ((1 - self.position_weight) * minmax(cent) + self.position_weight * pos) * length_ok
        # Headline: favour early sentences of headline-like length.
        fit = np.exp(-((words - 18.0) / 14.0) ** 2)
        head = (0.5 * minmax(cent) + 0.5 * pos) * (0.5 + 0.5 * fit) * length_ok
        return Scores(head, body)


