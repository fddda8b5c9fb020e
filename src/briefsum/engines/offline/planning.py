"""Choosing the brief's sentences among candidate sets (the learned brief head's choice)."""

from __future__ import annotations

import itertools
from typing import Callable, Sequence


# Candidate briefs for a learned brief choice: the seed (the headline's sentence) plus up to BRIEF_MAX_SENTENCES
# in all from the BRIEF_POOL best body sentences.
BRIEF_POOL = 6
BRIEF_MAX_SENTENCES = 3


def brief_candidates(order: Sequence[int], lengths: dict[int, int], budget: int, seed: Sequence[int],
                     redundant: "Callable[[int, list[int]], bool] | None" = None,
                     max_sentences: int | None = None) -> list[tuple[int, ...]]:
    """Every set of sentences that holds `seed`, adds at most a few of the best-ranked others, fits `budget`
    words and repeats no sentence (redundant(i, chosen)); in a fixed order, sorted indices each."""
    seed = list(dict.fromkeys(seed))
    limit = min(BRIEF_MAX_SENTENCES, max_sentences or BRIEF_MAX_SENTENCES)
    base_words = sum(lengths[i] for i in seed)
    if len(seed) > limit or base_words > budget:
        return []
    top = [i for i in order if i not in seed][:BRIEF_POOL]
    out: list[tuple[int, ...]] = []
    for k in range(0 if seed else 1, limit - len(seed) + 1):
        for extra in itertools.combinations(top, k):
            if base_words + sum(lengths[i] for i in extra) > budget:
                continue
            chosen = list(seed)
            ok = True
            for i in extra:
                if redundant is not None and redundant(i, chosen):
                    ok = False
                    break
                chosen.append(i)
            if ok:
                out.append(tuple(sorted(chosen)))
    return out


