"""Choosing the headline among candidate forms by the ROUGE a human title is expected to give each.

The candidates are the best few sentences by headline score, each whole, as the rules shorten it, and at every
step of the learned deletion path (`deletion.deletion_path`). The learned scorer's title word model gives, for
each word of the article, the probability that a human title uses it; from these a candidate's expected F1
against the title is estimated without any reference:

    (2 * (sum of p over its distinct words + bigram * sum of p(a) p(b) over its adjacent words))
    / (its words + length)

`length` stands for the title's expected length in the F1's denominator (a longer candidate must bring more
expected overlap); `bigram` weighs the adjacent pairs (ROUGE-2 and ROUGE-L reward words kept in order). A
sentence ranked lower by the headline head pays `gap` per unit of its score below the best one. The four
numbers are chosen on held-out training documents (training/tune_compressor.py) and live in the compressor's
model file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping, Sequence

from ..text.words import WORD


@dataclass(frozen=True)
class HeadlineChoice:
    """The expected-ROUGE choice's settings (see the module's docstring)."""

    sentences: int = 5      # how many of the best sentences by headline score are candidates
    length: float = 7.0     # the title's share of the F1 denominator, in words
    bigram: float = 4.0     # the weight of adjacent word pairs
    gap: float = 0.1        # the cost of a unit of headline score below the best sentence's
    floor: float = 0.15     # the deletion path stops at candidates the model deletes with less probability

    @classmethod
    def from_meta(cls, meta: object) -> "HeadlineChoice | None":
        """The settings stored in a model file (None: the choice is off); ValueError when they are malformed."""
        if meta is None:
            return None
        if not isinstance(meta, dict) or set(meta) - set(cls.__dataclass_fields__):
            raise ValueError("the headline choice's settings are not a mapping of known keys")
        out = cls(**meta)
        nums = (out.length, out.bigram, out.gap, out.floor)
        if not isinstance(out.sentences, int) or isinstance(out.sentences, bool) or out.sentences < 1 or \
                not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in nums) \
                or out.length <= 0 or min(out.bigram, out.gap, out.floor) < 0:
            raise ValueError("the headline choice's settings are out of range")
        return out


def expected_f1(text: str, title_words: Mapping[str, float], choice: HeadlineChoice) -> float:
    """The candidate's expected F1 against a human title (see the module's docstring)."""
    toks = [w.lower() for w in WORD.findall(text)]
    if not toks:
        return 0.0
    p = [title_words.get(w, 0.0) for w in toks]
    unigram = math.fsum(title_words.get(w, 0.0) for w in dict.fromkeys(toks))
    pairs = math.fsum(a * b for a, b in zip(p, p[1:]))
    return 2.0 * (unigram + choice.bigram * pairs) / (len(toks) + choice.length)


def choose(candidates: Sequence[tuple[int, str, float]], title_words: Mapping[str, float],
           choice: HeadlineChoice) -> tuple[int, str] | None:
    """The best (sentence, form) among candidates given as (sentence, form, headline score below the best);
    the first on ties (candidates come best sentence first, longest form first); None when there are none."""
    best, best_key = None, -math.inf
    for i, form, gap in candidates:
        key = expected_f1(form, title_words, choice) - choice.gap * gap
        if key > best_key:
            best, best_key = (i, form), key
    return best
