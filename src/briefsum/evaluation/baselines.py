"""Reference baselines computed by the harness: LEAD-k, seeded random-k and a greedy extractive oracle."""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

BASELINES = ("lead", "random", "oracle")


def article_sentences(text: str, lang: str) -> list[str]:
    """The article's sentences in reading order, as briefsum's own normaliser and segmenter see them."""
    from ..text.normalise import clean
    from ..text.segment import segment

    doc = segment(clean(text).text, lang)
    body = [s.text for s in doc.sentences if not s.heading and s.words > 0]
    return body or [s.text for s in doc.sentences]


def lead(sentences: Sequence[str], k: int) -> str:
    """The first k sentences."""
    return " ".join(sentences[:k])


def random_k(sentences: Sequence[str], k: int, seed: int, doc_index: int) -> str:
    """k sentences drawn at random (seeded per document), kept in reading order."""
    if len(sentences) <= k:
        return " ".join(sentences)
    rng = np.random.default_rng([seed, doc_index])
    picked = sorted(rng.choice(len(sentences), size=k, replace=False).tolist())
    return " ".join(sentences[i] for i in picked)


def greedy_oracle(sentences: Sequence[str], reference: str, tokenize: Callable[[str], list[str]],
                  max_sentences: int = 3) -> str:
    """Greedy extractive oracle: add the sentence that most raises ROUGE-1 F1 + ROUGE-2 F1, up to max_sentences.

    Chosen sentences are kept in reading order; the search stops when no sentence improves the score.
    """
    from rouge_score.rouge_scorer import _create_ngrams, _score_ngrams

    ref_toks = tokenize(reference)
    ref1, ref2 = _create_ngrams(ref_toks, 1), _create_ngrams(ref_toks, 2)
    sent_toks = [tokenize(s) for s in sentences]
    chosen: list[int] = []
    best = 0.0
    while len(chosen) < max_sentences:
        pick, pick_score = None, best
        for i in range(len(sentences)):
            if i in chosen or not sent_toks[i]:
                continue
            toks = [t for j in sorted(chosen + [i]) for t in sent_toks[j]]
            score = (_score_ngrams(ref1, _create_ngrams(toks, 1)).fmeasure
                     + _score_ngrams(ref2, _create_ngrams(toks, 2)).fmeasure)
            if score > pick_score:
                pick, pick_score = i, score
        if pick is None:
            break
        chosen.append(pick)
        best = pick_score
    return " ".join(sentences[i] for i in sorted(chosen))
