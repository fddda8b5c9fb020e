"""Reference baselines computed by the harness: LEAD-k, seeded random-k and a greedy extractive oracle."""

from __future__ import annotations

from collections import Counter
from typing import Callable, Sequence

import numpy as np

BASELINES = ("lead", "random", "oracle")


def article_sentences(text: str, lang: str) -> list[str]:
    """The article's sentences in reading order, as briefsum's own normaliser and segmenter see them."""
    sents, body = article_units(text, lang)
    return [sents[i] for i in body]


def article_units(text: str, lang: str) -> tuple[list[str], list[int]]:
    """All of the article's sentences as the engine indexes them (`source_indices`), and the indices of those a
    baseline may pick (body sentences with words; all of them when there are none)."""
    from ..text.normalise import clean
    from ..text.segment import segment

    doc = segment(clean(text).text, lang)
    sents = [s.text for s in doc.sentences]
    body = [i for i, s in enumerate(doc.sentences) if not s.heading and s.words > 0]
    return sents, body or list(range(len(sents)))


def lead(sentences: Sequence[str], k: int) -> str:
    """The first k sentences."""
    return " ".join(sentences[:k])


def random_k(sentences: Sequence[str], k: int, seed: int, doc_index: int) -> str:
    """k sentences drawn at random (seeded per document), kept in reading order."""
    return " ".join(sentences[i] for i in random_picks(len(sentences), k, seed, doc_index))


def random_picks(n: int, k: int, seed: int, doc_index: int) -> list[int]:
    """The positions random_k picks among n sentences, in reading order."""
    if n <= k:
        return list(range(n))
    rng = np.random.default_rng([seed, doc_index])
    return sorted(rng.choice(n, size=k, replace=False).tolist())


def _ngrams(tokens: Sequence[str], n: int) -> Counter:
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def ngram_f1(reference: Counter, candidate: Counter) -> float:
    """ROUGE-N F1 (0-1) from n-gram counts: clipped overlap over each side's total."""
    overlap = sum((reference & candidate).values())
    precision = overlap / max(sum(candidate.values()), 1)
    recall = overlap / max(sum(reference.values()), 1)
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


def greedy_oracle(sentences: Sequence[str], reference: str, tokenize: Callable[[str], list[str]],
                  max_sentences: int = 3) -> str:
    """Greedy extractive oracle: add the sentence that most raises ROUGE-1 F1 + ROUGE-2 F1, up to max_sentences.

    Chosen sentences are kept in reading order; the search stops when no sentence improves the score.
    """
    return " ".join(sentences[i] for i in oracle_picks(sentences, reference, tokenize, max_sentences))


def oracle_picks(sentences: Sequence[str], reference: str, tokenize: Callable[[str], list[str]],
                 max_sentences: int = 3) -> list[int]:
    """The positions greedy_oracle picks, in reading order."""
    ref_toks = tokenize(reference)
    ref1, ref2 = _ngrams(ref_toks, 1), _ngrams(ref_toks, 2)
    sent_toks = [tokenize(s) for s in sentences]
    chosen: list[int] = []
    best = 0.0
    while len(chosen) < max_sentences:
        pick, pick_score = None, best
        for i in range(len(sentences)):
            if i in chosen or not sent_toks[i]:
                continue
            toks = [t for j in sorted(chosen + [i]) for t in sent_toks[j]]
            score = ngram_f1(ref1, _ngrams(toks, 1)) + ngram_f1(ref2, _ngrams(toks, 2))
            if score > pick_score:
                pick, pick_score = i, score
        if pick is None:
            break
        chosen.append(pick)
        best = pick_score
    return sorted(chosen)
