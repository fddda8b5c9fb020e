"""Training labels from the evaluation harness's ROUGE: its Unicode tokenizer (lower-case \\w+, accents kept, no
stemming) and its ROUGE-N F1, counted incrementally for the greedy oracle over many candidate sets.

One difference from the harness's oracle baseline (briefsum.evaluation.baselines.oracle_picks), kept on purpose
for speed: a set's bigrams here are the sum of its sentences' bigrams, so no bigram spans two sentences; the
harness joins the chosen sentences' tokens first, which adds one bigram at each sentence boundary.
"""

from __future__ import annotations

from collections import Counter

from briefsum.evaluation.baselines import ngram_f1
from briefsum.evaluation.tokenize import unicode_words


def grams(text: str) -> tuple[Counter, Counter]:
    """Unigram and bigram counts of a text, tokenised as the harness's Unicode mode does."""
    t = unicode_words(text)
    return Counter(t), Counter(zip(t, t[1:]))


def f1(cand: Counter, ref: Counter) -> float:
    """ROUGE-N F1 (0-1) of two n-gram multisets (the harness's ngram_f1)."""
    return ngram_f1(ref, cand)


def greedy_oracle(sent_grams: list[tuple[Counter, Counter]], ref: tuple[Counter, Counter], k: int = 3) -> list[int]:
    """Sentences a greedy search adds (at most k) while R1+R2 F1 against the reference keeps rising."""
    chosen: list[int] = []
    cur1, cur2 = Counter(), Counter()
    best = 0.0
    while len(chosen) < k:
        cand_best, cand_i = best, -1
        for i, (u, b) in enumerate(sent_grams):
            if i in chosen:
                continue
            s = f1(cur1 + u, ref[0]) + f1(cur2 + b, ref[1])
            if s > cand_best + 1e-9:
                cand_best, cand_i = s, i
        if cand_i < 0:
            break
        chosen.append(cand_i)
        cur1 += sent_grams[cand_i][0]
        cur2 += sent_grams[cand_i][1]
        best = cand_best
    return chosen
