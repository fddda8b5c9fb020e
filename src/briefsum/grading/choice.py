"""Choosing what a grade prints among candidate forms by the ROUGE a human reference is expected to give each.

The learned scorer's word models give, for each word of the article, the probability that a human title (or
abstract) uses it. From these a text's expected F1 against the reference is estimated without any reference:

    2 * (sum of p over its distinct words + bigram * sum of p(a) p(b) over its adjacent words)
    / (its words + length)

`length` stands for the reference's expected length in the F1's denominator (a longer text must bring more
expected overlap); `bigram` weighs adjacent pairs (ROUGE-2 and ROUGE-L reward words kept together).

- Headline: the candidates are the best few sentences by headline score, each whole, as the rules shorten it,
  and at every step of the learned deletion path (`deletion.deletion_path`); with `search`, also at every step
  of a second path over the same deletions that takes, each time, the one leaving the best expected F1. A
  sentence ranked lower by the headline head pays `gap` per unit of its score below the best one.
- Brief: its sentences are chosen as before; each then prints whole or at a step of its deletion path under the
  abstract model (with `search`, or of the path by expected F1, the sentence's alone), the steps chosen
  together (a few rounds of one sentence at a time) for the brief's expected F1.
  With `refill`, a further sentence joins while one raises that expectation and fits (the engine checks the
  budgets).

The numbers are chosen on held-out training documents (training/tune_compressor.py) and live in the
compressor's model file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Callable, ClassVar, Mapping, Sequence

from ..text.words import lower_tokens


def _checked(cls, meta: object):
    """An instance of the settings class from a model file's mapping (None: off); ValueError when malformed."""
    if meta is None:
        return None
    known = fields(cls)
    if not isinstance(meta, dict) or set(meta) - {f.name for f in known}:
        raise ValueError(f"the {cls.what}'s settings are not a mapping of known keys")
    out = cls(**meta)
    flags = {f.name for f in known if isinstance(f.default, bool)}  # the switches; every other field is a number
    try:
        numbers_ok = all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                         for v in (getattr(out, f.name) for f in known if f.name not in flags))
    except OverflowError:  # an integer too large for a float
        numbers_ok = False
    if not numbers_ok or not all(isinstance(getattr(out, n), bool) for n in flags) or not out.valid():
        raise ValueError(f"the {cls.what}'s settings are out of range")
    return out


class _FromMeta:
    """Reading a choice's settings from a model file (see _checked)."""

    @classmethod
    def from_meta(cls, meta: object):
        """The settings stored in a model file (None: the choice is off); ValueError when they are malformed."""
        return _checked(cls, meta)


@dataclass(frozen=True)
class HeadlineChoice(_FromMeta):
    """The headline's expected-ROUGE choice (see the module's docstring)."""

    sentences: int = 5      # how many of the best sentences by headline score are candidates
    length: float = 7.0     # the title's share of the F1 denominator, in words
    bigram: float = 4.0     # the weight of adjacent word pairs
    gap: float = 0.1        # the cost of a unit of headline score below the best sentence's
    floor: float = 0.15     # the deletion path stops at deletions the title model makes with less probability
    search: bool = False    # also the path that deletes, each step, what leaves the best expected F1
    what: ClassVar[str] = "headline choice"

    def valid(self) -> bool:
        return isinstance(self.sentences, int) and self.sentences >= 1 and self.length > 0 and \
            min(self.bigram, self.gap, self.floor) >= 0


@dataclass(frozen=True)
class BriefChoice(_FromMeta):
    """The brief's expected-ROUGE choice of its sentences' forms (see the module's docstring)."""

    length: float = 35.0    # the abstract's share of the F1 denominator, in words
    bigram: float = 2.0
    floor: float = 0.3      # the deletion path stops at deletions the abstract model makes with less probability
    refill: bool = False    # add sentences to the room the shorter forms leave while that is expected to gain
    search: bool = False    # also each sentence's path that deletes, each step, what leaves its best expected F1
    what: ClassVar[str] = "brief choice"

    def valid(self) -> bool:
        return self.length > 0 and min(self.bigram, self.floor) >= 0


def expected_f1(toks: Sequence[str], probs: Mapping[str, float], length: float, bigram: float) -> float:
    """A text's expected F1 against a human reference, from its words (see the module's docstring)."""
    if not toks:
        return 0.0
    p = [probs.get(w, 0.0) for w in toks]
    unigram = math.fsum(probs.get(w, 0.0) for w in dict.fromkeys(toks))
    pairs = math.fsum(a * b for a, b in zip(p, p[1:]))
    return 2.0 * (unigram + bigram * pairs) / (len(toks) + length)


def rater(probs: Mapping[str, float], choice: "HeadlineChoice | BriefChoice") -> Callable[[str], float]:
    """A text's expected F1 under a choice's settings (for a deletion path chosen by it)."""
    return lambda text: expected_f1(lower_tokens(text), probs, choice.length, choice.bigram)


def choose_headline(candidates: Sequence[tuple[int, str, float]], title_words: Mapping[str, float],
                    choice: HeadlineChoice) -> tuple[int, str] | None:
    """The best (sentence, form) among candidates given as (sentence, form, headline score below the best);
    the first on ties (the engine lists them best sentence first, each sentence's forms in a fixed order: whole,
    the rules' headline, the rules' sure cuts, then along the deletion path); None when there are none."""
    best, best_key = None, -math.inf
    for i, form, gap in candidates:
        key = expected_f1(lower_tokens(form), title_words, choice.length, choice.bigram) - choice.gap * gap
        if key > best_key:
            best, best_key = (i, form), key
    return best


def choose_brief(forms: Sequence[Sequence[str]], abstract_words: Mapping[str, float], choice: BriefChoice,
                 rounds: int = 2) -> list[int]:
    """For each of the brief's sentences (its forms, whole first), the index of the form it prints: each
    sentence in turn takes the form that gives the whole brief the best expected F1, the others held; the
    earlier form on ties, so a sentence stays whole unless a shorter form is expected to score better."""
    toks = [[lower_tokens(f) for f in fs] for fs in forms]
    pick = [0] * len(forms)

    def value(p: list[int]) -> float:
        return expected_f1([w for k, j in enumerate(p) for w in toks[k][j]], abstract_words, choice.length,
                           choice.bigram)

    for _ in range(rounds):
        changed = False
        for k in range(len(forms)):
            best, best_v = pick[k], value(pick)
            for j in range(len(forms[k])):
                v = value(pick[:k] + [j] + pick[k + 1:])
                if v > best_v + 1e-12:
                    best, best_v = j, v
            changed |= best != pick[k]
            pick[k] = best
        if not changed:
            break
    return pick
