"""The brief's sentences chosen among the brief head's candidate sets with the expected ROUGE of each set
(held-out training documents, never valid).

The engine prints the candidate set the learned brief head ranks first. Here the key is that head's score plus
`weight` times the set's expected F1 against the abstract (grading.choice, the word models refined by the word
prior, whole sentences), among the head's `top` best sets; the brief's forms are then chosen as shipped. Scored
against the abstracts (Unicode tokenizer, no stemming) on the held-out slice of train.

    python research/brief_sets.py [--docs 1500] [--weights 0 1 2 4] [--tops 3 6] [--lengths 35 50]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "training"))
from train_scorer import DEFAULT_DATA  # noqa: E402
from tune_compressor import engine_settings, held_out, run_variant  # noqa: E402

SETTING: dict = {}


def install() -> None:
    """Replace the engine's brief-set choice with the weighted one (SETTING: weight, top, length, bigram)."""
    from briefsum.engines.offline import call
    from briefsum.grading.choice import expected_f1
    from briefsum.text.words import lower_tokens

    def learned_brief(self, order, lengths, seed):
        nb = self.nb
        if self.scores.sets is None or not nb or nb[0] > self.scores.sets_budget:
            return None
        options = call.brief_candidates(order, lengths, nb[0], seed, self.redundant, self.max_sents[0])
        if not options:
            return None
        head = np.asarray(self.scores.sets(order, seed, options), float)
        w = SETTING.get("weight", 0.0)
        if w and self.scores.abstract_words:
            comp = self.engine.compressor
            if self.abstract_words is None:
                self.abstract_words = comp.word_probabilities(self.scores.abstract_words, "abstract", self.src)
            keep = np.argsort(-head, kind="stable")[:SETTING["top"]]
            best, best_v = int(keep[0]), -np.inf
            for j in keep:
                toks = lower_tokens(" ".join(self.sents[i].text for i in sorted(options[j])))
                v = head[j] + w * 100 * expected_f1(toks, self.abstract_words, SETTING["length"], SETTING["bigram"])
                if v > best_v:
                    best, best_v = int(j), v
            return sorted(options[best])
        return sorted(options[int(np.argmax(head))])

    call.EngineCall._learned_brief = learned_brief


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--docs", type=int, default=1500)
    p.add_argument("--start", type=int, default=0)
    p.add_argument("--weights", type=float, nargs="+", default=[0.0, 0.05, 0.1, 0.2, 0.4])
    p.add_argument("--tops", type=int, nargs="+", default=[3, 8])
    p.add_argument("--lengths", type=float, nargs="+", default=[35.0, 50.0])
    p.add_argument("--bigrams", type=float, nargs="+", default=[2.0])
    args = p.parse_args()

    from briefsum.grading.compressor import load

    specs, offline, rouge = engine_settings()
    titles, abstracts, _ = held_out(str(DEFAULT_DATA), args.docs, args.start)
    items = abstracts
    comp = load()
    comp.cache_size = 10**6
    install()
    print(f"{len(items)} abstracts", flush=True)
    SETTING.update(weight=0.0)
    print("  shipped (brief head's best set):", run_variant(items, comp, specs, offline, rouge, "brief"), flush=True)
    for w, top, length, bigram in itertools.product(args.weights, args.tops, args.lengths, args.bigrams):
        if not w:
            continue
        SETTING.update(weight=w, top=top, length=length, bigram=bigram)
        print(f"  weight {w}, top {top}, length {length}, bigram {bigram}:",
              run_variant(items, comp, specs, offline, rouge, "brief"), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
